"""Smooth test functions whose constants are known exactly.

Every family states L (and mu, x*, f* where they exist) with its proof in the docstring;
``tests/test_problems.py`` checks the constants numerically (Hessian eigenvalues, optimality
of x*). Instance data come from ``instance_seed``; the run seed only draws x_0 and noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule
from solvers.problems.base import SmoothProblem
from theory.errors import InvalidParameterError

__all__ = ["DroriTeboulleHuber", "IndefiniteQuadratic", "Logistic", "Misdescribed", "Quadratic",
           "RippledQuadratic", "RippledQuadraticConfig", "RotatedCauchy"]


def _positive(name: str) -> Rule:
    return Rule(f"{name} > 0", (name,), lambda c: getattr(c, name) > 0)


_COMMON_RULES = (
    Rule("dim >= 1", ("dim",), lambda c: c.dim >= 1),
    Rule("sigma >= 0", ("sigma",), lambda c: c.sigma >= 0),
    Rule("x0_radius > 0", ("x0_radius",), lambda c: c.x0_radius > 0),
)
_SEED_RULE = Rule("instance_seed >= 0", ("instance_seed",), lambda c: c.instance_seed >= 0)


def _orthogonal(rng: np.random.Generator, dim: int) -> NDArray[np.float64]:
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


@dataclass(frozen=True)
class QuadraticConfig(Config):
    dim: int = field(default=10, metadata={"help": "dimension d"})
    L: float = field(default=1.0, metadata={"help": "largest Hessian eigenvalue"})
    mu: float = field(default=0.01, metadata={"help": "smallest Hessian eigenvalue (0: convex)"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the random instance"})
    sigma: float = field(default=0.0, metadata={"help": "gradient-noise standard deviation"})
    x0_radius: float = field(default=1.0, metadata={"help": "||x_0 - x*||"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *_COMMON_RULES,
        _SEED_RULE,
        _positive("L"),
        Rule("0 <= mu <= L", ("mu", "L"), lambda c: 0 <= c.mu <= c.L),
    )


class Quadratic(SmoothProblem[QuadraticConfig]):
    """f(x) = 1/2 (x - x*)^T A (x - x*) with spec(A) in [mu, L], both ends attained.

    grad f = A(x - x*), Hessian A: L-smooth with L = lambda_max(A), mu-strongly convex with
    mu = lambda_min(A) (convex if mu = 0). f* = 0 at x* (drawn N(0, I)). With dim = 1 the
    only eigenvalue is L, so the instance's mu is L whatever the config says (an L-strongly
    convex function is mu-strongly convex for every mu <= L).
    """

    x_star: NDArray[np.float64]

    name = "quadratic"
    Config = QuadraticConfig

    def __init__(self, config: QuadraticConfig) -> None:
        super().__init__(config)
        rng = np.random.default_rng(config.instance_seed)
        self.dim = config.dim
        eig = np.exp(rng.uniform(np.log(max(config.mu, 1e-3 * config.L)), np.log(config.L),
                                 size=config.dim))
        eig[0] = config.mu
        if config.dim > 1:
            eig[-1] = config.L
        else:
            eig[0] = config.L
        q = _orthogonal(rng, config.dim)
        self.eigenvalues = eig
        self.A = (q * eig) @ q.T
        self.x_star = rng.standard_normal(config.dim)
        self.f_star = 0.0
        self.L = float(eig.max())
        self.mu = float(eig.min())
        self.sigma = config.sigma
        self.convex = True
        self.bounded_below = True

    def value(self, x: NDArray[np.float64]) -> float:
        d = x - self.x_star
        return 0.5 * float(d @ self.A @ d)

    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.A @ (x - self.x_star)


@dataclass(frozen=True)
class IndefiniteQuadraticConfig(Config):
    dim: int = field(default=10, metadata={"help": "dimension d"})
    L: float = field(default=1.0, metadata={"help": "largest |Hessian eigenvalue|"})
    min_eigenvalue: float = field(default=-0.1, metadata={"help": "most negative eigenvalue"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the random instance"})
    sigma: float = field(default=0.0, metadata={"help": "gradient-noise standard deviation"})
    x0_radius: float = field(default=1.0, metadata={"help": "||x_0 - x_saddle||"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *_COMMON_RULES,
        _SEED_RULE,
        Rule("dim >= 2", ("dim",), lambda c: c.dim >= 2, "one positive, one negative eigenvalue"),
        _positive("L"),
        Rule("-L <= min_eigenvalue < 0", ("min_eigenvalue", "L"),
             lambda c: -c.L <= c.min_eigenvalue < 0),
    )


class IndefiniteQuadratic(SmoothProblem[IndefiniteQuadraticConfig]):
    """f(x) = 1/2 x^T A x with spec(A) containing L and min_eigenvalue < 0.

    L-smooth with L = max|lambda| = L (since |min_eigenvalue| <= L); not convex and not
    bounded below (f -> -inf along the negative eigenvector). x = 0 is its only stationary
    point (a saddle); ``x_star`` is that saddle and ``f_star`` is -inf.
    """

    name = "indefinite-quadratic"
    Config = IndefiniteQuadraticConfig

    def __init__(self, config: IndefiniteQuadraticConfig) -> None:
        super().__init__(config)
        rng = np.random.default_rng(config.instance_seed)
        self.dim = config.dim
        eig = rng.uniform(config.min_eigenvalue, config.L, size=config.dim)
        eig[0] = config.min_eigenvalue
        eig[-1] = config.L
        q = _orthogonal(rng, config.dim)
        self.eigenvalues = eig
        self.A = (q * eig) @ q.T
        self.x_star = np.zeros(config.dim)
        self.f_star = -np.inf
        self.L = float(np.abs(eig).max())
        self.mu = 0.0
        self.sigma = config.sigma
        self.convex = False
        self.bounded_below = False

    def value(self, x: NDArray[np.float64]) -> float:
        return 0.5 * float(x @ self.A @ x)

    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.A @ x


@dataclass(frozen=True)
class CauchyConfig(Config):
    dim: int = field(default=10, metadata={"help": "dimension d"})
    L: float = field(default=1.0, metadata={"help": "Lipschitz constant of the gradient"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the random instance"})
    sigma: float = field(default=0.0, metadata={"help": "gradient-noise standard deviation"})
    x0_radius: float = field(default=3.0, metadata={"help": "||x_0 - x*||"})
    RULES: ClassVar[tuple[Rule, ...]] = (*_COMMON_RULES, _SEED_RULE, _positive("L"))


class RotatedCauchy(SmoothProblem[CauchyConfig]):
    """f(x) = sum_i w_i log(1 + z_i^2), z = Q(x - x*), Q orthogonal, max_i w_i = L/2.

    phi(t) = log(1 + t^2) has phi''(t) = 2(1 - t^2)/(1 + t^2)^2, so |phi''| <= 2 with equality
    at t = 0 (checked in proofs_checks.proofs.symbolic). The Hessian is Q^T diag(w_i phi''(z_i)) Q,
    hence grad f is L-Lipschitz with L = 2 max w_i, attained at x*. phi'' < 0 for |t| > 1:
    f is nonconvex, bounded below, f* = 0 at x* only.
    """

    x_star: NDArray[np.float64]

    name = "cauchy"
    Config = CauchyConfig

    def __init__(self, config: CauchyConfig) -> None:
        super().__init__(config)
        rng = np.random.default_rng(config.instance_seed)
        self.dim = config.dim
        weights = rng.uniform(0.1, 1.0, size=config.dim) * (config.L / 2.0)
        weights[-1] = config.L / 2.0
        self.weights = weights
        self.Q = _orthogonal(rng, config.dim)
        self.x_star = rng.standard_normal(config.dim)
        self.f_star = 0.0
        self.L = config.L
        self.mu = 0.0
        self.sigma = config.sigma
        self.convex = False
        self.bounded_below = True

    def value(self, x: NDArray[np.float64]) -> float:
        z = self.Q @ (x - self.x_star)
        return float(self.weights @ np.log1p(z * z))

    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        z = self.Q @ (x - self.x_star)
        return self.Q.T @ (self.weights * 2.0 * z / (1.0 + z * z))


@dataclass(frozen=True)
class RippledQuadraticConfig(Config):
    dim: int = field(default=1, metadata={"help": "dimension d"})
    L: float = field(default=1.0, metadata={"help": "Lipschitz constant of the gradient"})
    ripple: float = field(default=9.0, metadata={
        "help": "rho: curvature of the ripple over that of the quadratic (> 1: nonconvex)"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the random instance"})
    sigma: float = field(default=0.0, metadata={"help": "gradient-noise standard deviation"})
    x0_radius: float = field(default=6.0, metadata={"help": "||x_0 - x*||"})
    RULES: ClassVar[tuple[Rule, ...]] = (*_COMMON_RULES, _SEED_RULE, _positive("L"),
                                         Rule("ripple >= 1", ("ripple",),
                                              lambda c: c.ripple >= 1))


class RippledQuadratic(SmoothProblem[RippledQuadraticConfig]):
    """f(x) = c sum_i [z_i^2/2 + rho (1 - cos z_i)], z = x - x*, c = L/(1 + rho).

    A nonconvex, L-smooth function with a finite minimum, attained at x* only, and strict
    local minima elsewhere (for rho = 9: |z_i| ~ 5.62, where f - f* ~ 17.7 c per coordinate):
    the sabotage of the convex-GD bounds that breaks convexity and nothing else.

    * f >= c ||z||^2/2 >= 0 = f(x*) with equality only at z = 0: f* = 0, x* unique, bounded
      below.
    * Hessian diag(c (1 + rho cos z_i)), entries in [c (1 - rho), c (1 + rho)]; for rho >= 1
      |1 - rho| <= 1 + rho, so grad f is L-Lipschitz with L = c (1 + rho), attained at x*.
    * rho > 1: the Hessian entry c (1 - rho) < 0 at z_i = pi: not convex (mu = 0).
    * Local minima: z_i = -rho sin z_i with 1 + rho cos z_i > 0; for rho = 9 the root in
      (3 pi/2, 2 pi) is z ~ 5.62 (checked in tests/test_gradient_checks.py).

    ``instance_seed`` draws x* ~ N(0, I).
    """

    x_star: NDArray[np.float64]

    name = "rippled-quadratic"
    Config = RippledQuadraticConfig

    def __init__(self, config: RippledQuadraticConfig) -> None:
        super().__init__(config)
        rng = np.random.default_rng(config.instance_seed)
        self.dim = config.dim
        self.ripple = config.ripple
        self.curvature = config.L / (1.0 + config.ripple)  # c
        self.x_star = rng.standard_normal(config.dim)
        self.f_star = 0.0
        self.L = config.L
        self.mu = 0.0
        self.sigma = config.sigma
        self.convex = config.ripple <= 1.0
        self.bounded_below = True

    def value(self, x: NDArray[np.float64]) -> float:
        z = x - self.x_star
        return float(self.curvature * np.sum(0.5 * z * z + self.ripple * (1.0 - np.cos(z))))

    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        z = x - self.x_star
        result: NDArray[np.float64] = self.curvature * (z + self.ripple * np.sin(z))
        return result


@dataclass(frozen=True)
class LogisticConfig(Config):
    dim: int = field(default=10, metadata={"help": "dimension d"})
    samples: int = field(default=50, metadata={"help": "number of data points m"})
    mu: float = field(default=0.01, metadata={"help": "l2 regularisation (strong convexity)"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the random data"})
    sigma: float = field(default=0.0, metadata={"help": "gradient-noise standard deviation"})
    x0_radius: float = field(default=1.0, metadata={"help": "||x_0 - x*||"})
    RULES: ClassVar[tuple[Rule, ...]] = (*_COMMON_RULES, _SEED_RULE, _positive("mu"),
                                         Rule("samples >= 1", ("samples",),
                                              lambda c: c.samples >= 1))


class Logistic(SmoothProblem[LogisticConfig]):
    """l2-regularised logistic regression on Gaussian data with random labels.

    f(x) = (1/m) sum_i log(1 + exp(-y_i a_i^T x)) + mu/2 ||x||^2. The loss' second derivative
    is s(1-s) <= 1/4, so the Hessian is below A^T A/(4m) + mu I: L = lambda_max(A^T A)/(4m)
    + mu (an upper bound on the smoothness constant, which is what the bounds need), and f
    is mu-strongly convex. x* is computed by Newton's method to ||grad f|| < 1e-13.
    """

    name = "logistic"
    Config = LogisticConfig

    def __init__(self, config: LogisticConfig) -> None:
        super().__init__(config)
        rng = np.random.default_rng(config.instance_seed)
        self.dim = config.dim
        self.A = rng.standard_normal((config.samples, config.dim))
        self.y = rng.choice([-1.0, 1.0], size=config.samples)
        self.mu = config.mu
        self.L = float(np.linalg.eigvalsh(self.A.T @ self.A).max()) / (4 * config.samples) \
            + config.mu
        self.sigma = config.sigma
        self.convex = True
        self.bounded_below = True
        self.x_star = self._newton()
        self.f_star = self.value(self.x_star)

    def _margins(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.y * (self.A @ x)

    def value(self, x: NDArray[np.float64]) -> float:
        m = self._margins(x)
        return float(np.mean(np.logaddexp(0.0, -m)) + 0.5 * self.mu * (x @ x))

    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        m = self._margins(x)
        s = 0.5 * (1.0 - np.tanh(0.5 * m))  # = 1/(1 + exp(m)), stable
        return -(self.A.T @ (self.y * s)) / len(self.y) + self.mu * x

    def _newton(self) -> NDArray[np.float64]:
        x = np.zeros(self.dim)
        for _ in range(100):
            g = self.gradient(x)
            if np.linalg.norm(g) < 1e-13:
                break
            m = self._margins(x)
            s = 0.5 * (1.0 - np.tanh(0.5 * m))
            w = s * (1 - s)
            hess = (self.A.T * w) @ self.A / len(self.y) + self.mu * np.eye(self.dim)
            x = x - np.linalg.solve(hess, g)
        return x


@dataclass(frozen=True)
class HuberConfig(Config):
    dim: int = field(default=1, metadata={"help": "dimension d"})
    L: float = field(default=1.0, metadata={"help": "Lipschitz constant of the gradient"})
    horizon: int = field(default=10, metadata={"help": "number of steps N it is built for"})
    step: float = field(default=1.0, metadata={
        "help": "normalised GD step h in (0, 1] it is built for (the step is h/L)"})
    x0_radius: float = field(default=1.0, metadata={"help": "R = ||x_0 - x*||"})
    sigma: float = field(default=0.0, metadata={"help": "gradient-noise standard deviation"})
    RULES: ClassVar[tuple[Rule, ...]] = (*_COMMON_RULES, _positive("L"),
                                         Rule("horizon >= 1", ("horizon",),
                                              lambda c: c.horizon >= 1),
                                         Rule("0 < step <= 1", ("step",),
                                              lambda c: 0 < c.step <= 1))


class DroriTeboulleHuber(SmoothProblem[HuberConfig]):
    """The worst case of GD with step h/L (Drori & Teboulle 2014, Theorem 3.2).

    With tau = R/(2Nh+1): phi(x) = L tau ||x|| - L tau^2/2 if ||x|| >= tau, else L/2 ||x||^2.
    Convex, L-smooth, f* = 0 at x* = 0. Started at x_0 = R e_1, N steps of length h/L give
    f(x_N) = L R^2/(4Nh + 2) exactly (the derivation is checked in proofs_checks.proofs.symbolic).
    """

    name = "huber-worst-case"
    Config = HuberConfig

    def __init__(self, config: HuberConfig) -> None:
        super().__init__(config)
        self.dim = config.dim
        self.L = config.L
        self.mu = 0.0
        self.sigma = config.sigma
        self.threshold = config.x0_radius / (2 * config.horizon * config.step + 1)
        self.x_star = np.zeros(config.dim)
        self.f_star = 0.0
        self.convex = True
        self.bounded_below = True

    def value(self, x: NDArray[np.float64]) -> float:
        r = float(np.linalg.norm(x))
        if r >= self.threshold:
            return self.L * self.threshold * r - 0.5 * self.L * self.threshold**2
        return 0.5 * self.L * r * r

    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        r = float(np.linalg.norm(x))
        if r >= self.threshold:
            return self.L * self.threshold * x / r
        return self.L * x

    def initial_point(self, rng: np.random.Generator) -> NDArray[np.float64]:
        x0 = np.zeros(self.dim)
        x0[0] = self.config.x0_radius
        return x0


class Misdescribed(SmoothProblem[Any]):
    """A smooth problem whose description breaks an assumption of the SGD bounds.

    Wraps ``base`` (same f, x*, f*, x_0 and noise) and changes what a solver is told or
    given, to build the sabotaged settings of the gradient checks:

    * ``l_factor`` < 1: the declared smoothness constant is ``l_factor * L``; f is then not
      L-smooth for the L given (its gradient's Lipschitz constant is L / l_factor times
      larger), and a solver takes its steps from the understated value;
    * ``bias`` > 0: the stochastic oracle returns grad f(x) + xi + bias * u with u a fixed unit
      vector, so E[G(x)] != grad f(x) (the oracle is biased; its variance is unchanged).

    Not a registered problem (it has no config of its own): built by the checks from an
    instance they already made.
    """

    name = "misdescribed"
    Config = Config

    def __init__(self, base: SmoothProblem[Any], l_factor: float = 1.0,
                 bias: float = 0.0) -> None:
        if not l_factor > 0 or not bias >= 0:
            raise InvalidParameterError("l_factor > 0 and bias >= 0",
                                        f"l_factor={l_factor}, bias={bias}")
        super().__init__(base.config)
        self.base = base
        self.l_factor = l_factor
        self.bias = bias
        self.dim = base.dim
        self.L = base.L * l_factor
        self.mu = base.mu
        self.f_star = base.f_star
        self.x_star = base.x_star
        self.sigma = base.sigma
        self.convex = base.convex
        self.bounded_below = base.bounded_below
        self.bias_direction = np.ones(base.dim) / np.sqrt(base.dim)

    def value(self, x: NDArray[np.float64]) -> float:
        return self.base.value(x)

    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.base.gradient(x)

    def stochastic_gradient(self, x: NDArray[np.float64],
                            rng: np.random.Generator) -> NDArray[np.float64]:
        return self.base.stochastic_gradient(x, rng) + self.bias * self.bias_direction

    def initial_point(self, rng: np.random.Generator) -> NDArray[np.float64]:
        return self.base.initial_point(rng)

    def constants(self) -> dict[str, Any]:
        return self.base.constants() | {"L": self.L, "L_smooth": self.l_factor >= 1.0,
                                        "unbiased_oracle": self.bias == 0.0}
