"""Federated strongly convex problems with every constant known, and FedAvg on them.

Problems (F = sum_k p_k F_k over N clients; the ground truth lives with the problem):

* :class:`FederatedQuadratic` — F_k(w) = 1/2 (w - c_k)^T A_k (w - c_k), A_k diagonal with
  eigenvalues in [mu, L] (the largest client's top one is L, the smallest's bottom one mu),
  centres c_k = w_c + h z_k (h: ``heterogeneity``). The oracle adds Gaussian noise of
  covariance (sigma_k^2/d) I, so Assumption 3 holds with equality. F_k* = 0, and w*, F*,
  Gamma = F* - sum p_k F_k* = F* are closed forms. Assumption 4 (E||g||^2 <= G^2) is *not*
  globally true for a quadratic; the theorem states it along the iterates, so G^2 is
  **measured**: the largest conditional second moment E[||g||^2 | w] = ||grad F_k(w)||^2 +
  sigma_k^2 over every client, local iterate and seed of the run (the sup over realisations,
  at least their mean: a conservative estimate of sup_t E||g_t^k||^2).
* :class:`FederatedLogistic` — ridge logistic regression, F_k(w) = 1/n sum_i log(1 +
  exp(-y_i x_i^T w)) + lam/2 ||w||^2 on n examples per client (balanced), client features
  shifted by h m_k and labels from a client teacher (non-IID). mu = lam; L = lam +
  max_k lambda_max(X_k^T X_k)/(4n); the oracle is a minibatch of b examples drawn with
  replacement, whose variance is at most sigma_k^2 = sum_i ||x_i||^2 / (b n) everywhere
  (the data part of a sample gradient has norm <= ||x_i||). w*, F_k* by Newton's method
  (to 1e-12 in the gradient norm). G^2 measured as above with ||grad F_k||^2 + sigma_k^2.

FedAvg (Li et al. 2020, Sec. 2): T = rounds * E local iterations; at t in {E, 2E, ...} the
server aggregates. Schedules: ``decay`` eta_t = 2/(mu (gamma + t)), gamma = max{8 L/mu, E}
(``gamma_rule="theorem"``) or gamma = 8 L/mu (``"8kappa"``, the E-large probe); ``constant``
eta = ``step_scale`` * 2/(mu gamma). Participation: ``full`` (w = sum_k p_k w^k), ``scheme-I``
(K indices i.i.d. by p, simple average), ``scheme-II`` (K uniform without replacement,
w = sum_{k in S} p_k N/K w^k). As in the paper's analysis every client runs its local
steps each round and only the sampled ones are averaged (equal in law to running only the
sampled ones); bytes count only the sampled clients (model down and up, float64).

:func:`simulate` runs many seeds at once (each seed owns its generator and draws its whole
noise up front, so a seed's trace does not depend on the other seeds of the batch).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule, choices
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError

__all__ = ["FedAvgConfig", "FederatedLogistic", "FederatedLogisticConfig", "FederatedProblem",
           "FederatedQuadratic", "FederatedQuadraticConfig", "SimResult", "make_federated",
           "run_fedavg", "simulate", "step_schedule"]

Array = NDArray[np.float64]
BYTES_PER_FLOAT = 8


def _weights(kind: str, n: int, rng: np.random.Generator) -> Array:
    if kind == "balanced":
        return np.full(n, 1.0 / n)
    w = rng.uniform(0.5, 2.0, size=n)
    return w / w.sum()


# ----------------------------------------------------------------------------- problems
class FederatedProblem:
    """Common ground truth: N clients, weights p, L, mu, sigma_k, w*, F*, F_k*, Gamma."""

    name: ClassVar[str]
    N: int
    dim: int
    p: Array
    L: float
    mu: float
    sigma_sq: Array
    w_star: Array
    f_star: float
    fk_star: Array
    config: Any

    @property
    def gamma_het(self) -> float:
        """Gamma = F* - sum_k p_k F_k* (>= 0)."""
        return float(self.f_star - self.p @ self.fk_star)

    @property
    def s_sigma(self) -> float:
        """sum_k p_k^2 sigma_k^2."""
        return float(np.sum(self.p**2 * self.sigma_sq))

    def value(self, w: Array) -> Array:
        """F at points w of shape (..., d)."""
        return np.einsum("k,...k->...", self.p, self.client_values(w[..., None, :]))

    def client_values(self, w: Array) -> Array:  # (..., N, d) -> (..., N)
        raise NotImplementedError

    def client_gradients(self, w: Array) -> Array:  # (..., N, d) -> (..., N, d)
        raise NotImplementedError

    def draws(self, rng: np.random.Generator, steps: int) -> Array:
        """One seed's oracle randomness for ``steps`` local iterations of every client."""
        raise NotImplementedError

    def stochastic_gradients(self, w: Array, draw: Array) -> Array:
        """(S, N, d) stochastic gradients at local iterates w given one step's draws."""
        raise NotImplementedError

    def initial_point(self, rng: np.random.Generator, radius: float) -> Array:
        u = rng.standard_normal(self.dim)
        return self.w_star + radius * u / np.linalg.norm(u)

    def constants(self) -> dict[str, Any]:
        return {"L": self.L, "mu": self.mu, "Gamma": self.gamma_het, "S_sigma": self.s_sigma,
                "L_smooth": True, "mu_strongly_convex": True,
                "variance_bounded": True, "Gamma_exact": True,
                "balanced_p": bool(np.allclose(self.p, 1.0 / self.N, rtol=0, atol=1e-15))}


@dataclass(frozen=True)
class FederatedQuadraticConfig(Config):
    clients: int = field(default=4, metadata={"help": "clients N"})
    dim: int = field(default=4, metadata={"help": "dimension d"})
    L: float = field(default=2.0, metadata={"help": "smoothness of every F_k"})
    mu: float = field(default=1.0, metadata={"help": "strong convexity of every F_k"})
    heterogeneity: float = field(default=1.0, metadata={"help": "spread h of the centres"})
    sigma: float = field(default=1.0, metadata={"help": "oracle noise sigma_k (all k)"})
    weights: str = field(default="balanced", metadata={"help": "balanced or unbalanced p"})
    instance_seed: int = field(default=0, metadata={"help": "seed of A_k, c_k, p"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("clients >= 1 and dim >= 1", ("clients", "dim"),
             lambda c: c.clients >= 1 and c.dim >= 1),
        Rule("0 < mu <= L", ("mu", "L"), lambda c: 0 < c.mu <= c.L),
        Rule("heterogeneity >= 0 and sigma >= 0", ("heterogeneity", "sigma"),
             lambda c: c.heterogeneity >= 0 and c.sigma >= 0),
        choices("weights", ("balanced", "unbalanced")),
    )


class FederatedQuadratic(FederatedProblem):
    name = "federated-quadratic"

    def __init__(self, config: FederatedQuadraticConfig) -> None:
        self.config = config
        rng = np.random.default_rng(np.random.SeedSequence([config.instance_seed, 11]))
        n, d = config.clients, config.dim
        self.N, self.dim = n, d
        eig = rng.uniform(config.mu, config.L, size=(n, d))
        eig[0, 0], eig[-1, -1] = config.L, config.mu
        self.A = eig
        base = rng.standard_normal(d)
        self.c = base + config.heterogeneity * rng.standard_normal((n, d))
        self.p = _weights(config.weights, n, rng)
        self.L, self.mu = float(eig.max()), float(eig.min())
        self.sigma_sq = np.full(n, config.sigma**2)
        h = self.p @ self.A
        self.w_star = (self.p @ (self.A * self.c)) / h
        self.fk_star = np.zeros(n)
        self.f_star = float(self.value(self.w_star))

    def client_values(self, w: Array) -> Array:
        diff = w - self.c
        return 0.5 * np.sum(self.A * diff * diff, axis=-1)

    def client_gradients(self, w: Array) -> Array:
        return self.A * (w - self.c)

    def draws(self, rng: np.random.Generator, steps: int) -> Array:
        scale = np.sqrt(self.sigma_sq / self.dim)[None, :, None]
        return rng.standard_normal((steps, self.N, self.dim)) * scale

    def stochastic_gradients(self, w: Array, draw: Array) -> Array:
        return self.client_gradients(w) + draw


@dataclass(frozen=True)
class FederatedLogisticConfig(Config):
    clients: int = field(default=4, metadata={"help": "clients N"})
    dim: int = field(default=4, metadata={"help": "features d"})
    samples: int = field(default=40, metadata={"help": "examples per client n"})
    lam: float = field(default=0.1, metadata={"help": "ridge lam (= mu)"})
    heterogeneity: float = field(default=1.0, metadata={"help": "feature/teacher shift h"})
    batch: int = field(default=1, metadata={"help": "minibatch b (with replacement)"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the data"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("clients >= 1 and dim >= 1 and samples >= 2", ("clients", "dim", "samples"),
             lambda c: c.clients >= 1 and c.dim >= 1 and c.samples >= 2),
        Rule("lam > 0", ("lam",), lambda c: c.lam > 0),
        Rule("batch >= 1", ("batch",), lambda c: c.batch >= 1),
        Rule("heterogeneity >= 0", ("heterogeneity",), lambda c: c.heterogeneity >= 0),
    )


def _log1pexp(z: Array) -> Array:
    return np.logaddexp(0.0, z)


def _sigmoid(z: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class FederatedLogistic(FederatedProblem):
    name = "federated-logistic"

    def __init__(self, config: FederatedLogisticConfig) -> None:
        self.config = config
        rng = np.random.default_rng(np.random.SeedSequence([config.instance_seed, 12]))
        n, d, m = config.clients, config.dim, config.samples
        self.N, self.dim = n, d
        teacher = rng.standard_normal(d)
        h = config.heterogeneity
        X = rng.standard_normal((n, m, d)) / math.sqrt(d) + h * rng.standard_normal((n, 1, d))
        teachers = teacher + h * rng.standard_normal((n, d))
        prob = _sigmoid(np.einsum("kmd,kd->km", X, teachers))
        self.y = np.where(rng.uniform(size=(n, m)) < prob, 1.0, -1.0)
        self.X = X
        self.p = np.full(n, 1.0 / n)
        self.lam = config.lam
        top = max(float(np.linalg.eigvalsh(X[k].T @ X[k]).max()) for k in range(n))
        self.L = self.lam + top / (4 * m)
        self.mu = self.lam
        self.sigma_sq = np.sum(X * X, axis=(1, 2)) / (config.batch * m)
        self.fk_star = np.array([self._client_min(k)[1] for k in range(n)])
        self.w_star, self.f_star = self._newton(lambda w: self._full(w))

    # value, gradient, Hessian of F_k (one client) or F (all)
    def _client(self, k: int, w: Array) -> tuple[float, Array, Array]:
        X, y = self.X[k], self.y[k]
        z = y * (X @ w)
        s = _sigmoid(-z)
        value = float(np.mean(_log1pexp(-z)) + 0.5 * self.lam * w @ w)
        grad = -(X * (y * s)[:, None]).mean(axis=0) + self.lam * w
        hess = (X.T * (s * (1 - s))) @ X / len(y) + self.lam * np.eye(self.dim)
        return value, grad, hess

    def _full(self, w: Array) -> tuple[float, Array, Array]:
        parts = [self._client(k, w) for k in range(self.N)]
        return (float(sum(p * v[0] for p, v in zip(self.p, parts, strict=True))),
                sum(p * v[1] for p, v in zip(self.p, parts, strict=True)),  # type: ignore[return-value]
                sum(p * v[2] for p, v in zip(self.p, parts, strict=True)))

    def _client_min(self, k: int) -> tuple[Array, float]:
        return self._newton(lambda w: self._client(k, w))

    def _newton(self, fun: Any) -> tuple[Array, float]:
        w = np.zeros(self.dim)
        for _ in range(100):
            _, g, H = fun(w)
            if np.linalg.norm(g) < 1e-12:
                break
            w = w - np.linalg.solve(H, g)
        return w, float(fun(w)[0])

    def client_values(self, w: Array) -> Array:
        z = self.y * np.einsum("kmd,...kd->...km", self.X, w)
        return np.mean(_log1pexp(-z), axis=-1) + 0.5 * self.lam * np.sum(w * w, axis=-1)

    def client_gradients(self, w: Array) -> Array:
        z = self.y * np.einsum("kmd,...kd->...km", self.X, w)
        coef = self.y * _sigmoid(-z)
        return -np.einsum("...km,kmd->...kd", coef, self.X) / self.X.shape[1] + self.lam * w

    def draws(self, rng: np.random.Generator, steps: int) -> Array:
        idx = rng.integers(0, self.X.shape[1], size=(steps, self.N, self.config.batch))
        return idx.astype(np.float64)

    def stochastic_gradients(self, w: Array, draw: Array) -> Array:
        idx = draw.astype(np.int64)  # (S, N, b)
        k = np.arange(self.N)[None, :, None]
        Xb, yb = self.X[k, idx], self.y[k, idx]  # (S, N, b, d), (S, N, b)
        z = yb * np.einsum("snbd,snd->snb", Xb, w)
        coef = yb * _sigmoid(-z)
        return -np.einsum("snb,snbd->snd", coef, Xb) / idx.shape[-1] + self.lam * w


def make_federated(name: str, params: dict[str, Any]) -> FederatedProblem:
    """The problem ``name`` ("federated-quadratic" or "federated-logistic") from params."""
    from solvers.config import config_from_mapping

    if name == FederatedQuadratic.name:
        return FederatedQuadratic(config_from_mapping(FederatedQuadraticConfig, params, name))
    if name == FederatedLogistic.name:
        return FederatedLogistic(config_from_mapping(FederatedLogisticConfig, params, name))
    from theory.errors import UnknownNameError

    raise UnknownNameError("federated problem", name,
                           [FederatedQuadratic.name, FederatedLogistic.name])


# ----------------------------------------------------------------------------- FedAvg
@dataclass(frozen=True)
class FedAvgConfig(Config):
    rounds: int = field(default=100, metadata={"help": "communication rounds R (T = R E)"})
    local_steps: int = field(default=2, metadata={"help": "local SGD steps E per round"})
    participation: str = field(default="full", metadata={
        "help": "full, scheme-I (with replacement by p) or scheme-II (uniform, no repl.)"})
    K: int = field(default=0, metadata={"help": "clients per round (partial; 0 = all)"})
    schedule: str = field(default="decay", metadata={"help": "decay or constant"})
    gamma_rule: str = field(default="theorem", metadata={
        "help": "theorem: gamma = max(8 kappa, E); 8kappa: gamma = 8 kappa"})
    step_scale: float = field(default=1.0, metadata={
        "help": "constant schedule: eta = step_scale * 2/(mu gamma)"})
    x0_radius: float = field(default=5.0, metadata={"help": "||w_0 - w*||"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("rounds >= 1 and local_steps >= 1", ("rounds", "local_steps"),
             lambda c: c.rounds >= 1 and c.local_steps >= 1),
        choices("participation", ("full", "scheme-I", "scheme-II")),
        choices("schedule", ("decay", "constant")),
        choices("gamma_rule", ("theorem", "8kappa")),
        Rule("K >= 0", ("K",), lambda c: c.K >= 0),
        Rule("step_scale > 0 and x0_radius >= 0", ("step_scale", "x0_radius"),
             lambda c: c.step_scale > 0 and c.x0_radius >= 0),
    )


def step_schedule(problem: FederatedProblem, config: FedAvgConfig) -> tuple[Array, float]:
    """(eta_t for t = 0..T-1, the gamma it uses)."""
    kappa = problem.L / problem.mu
    gamma = max(8 * kappa, config.local_steps) if config.gamma_rule == "theorem" else 8 * kappa
    T = config.rounds * config.local_steps
    t = np.arange(T, dtype=float)
    if config.schedule == "decay":
        return 2.0 / (problem.mu * (gamma + t)), gamma
    return np.full(T, config.step_scale * 2.0 / (problem.mu * gamma)), gamma


@dataclass
class SimResult:
    """Per seed (rows) and round (columns, round 0 = start): gaps F(w_r) - F*; the measured
    G^2 per seed; bytes per round; the steps."""

    gaps: Array
    g_sq: Array
    bytes_per_round: NDArray[np.int64]
    etas: Array
    gamma: float
    d0: float
    participants: NDArray[np.int64]

    @property
    def final(self) -> Array:
        return self.gaps[:, -1]


def _participants(problem: FederatedProblem, config: FedAvgConfig,
                  rng: np.random.Generator) -> NDArray[np.int64]:
    """(rounds, K) sampled client indices (full: all clients, in order)."""
    R, N = config.rounds, problem.N
    if config.participation == "full":
        return np.tile(np.arange(N), (R, 1))
    K = config.K
    if config.participation == "scheme-I":
        return rng.choice(N, size=(R, K), replace=True, p=problem.p)
    return np.stack([rng.choice(N, size=K, replace=False) for _ in range(R)])


def _validate(problem: FederatedProblem, config: FedAvgConfig) -> None:
    if config.participation != "full" and not 1 <= config.K <= problem.N:
        raise InvalidParameterError("1 <= K <= N for partial participation",
                                    f"K={config.K}, N={problem.N}")
    if config.participation == "scheme-II" and config.K == problem.N:
        raise InvalidParameterError("K < N for scheme II", f"K={config.K}, N={problem.N}")


def simulate(problem: FederatedProblem, config: FedAvgConfig, seeds: list[int]) -> SimResult:
    """FedAvg for every seed at once (see the module docstring)."""
    _validate(problem, config)
    etas, gamma = step_schedule(problem, config)
    T, E, R = len(etas), config.local_steps, config.rounds
    starts, noise, parts = [], [], []
    for seed in seeds:
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xFEDA]))
        starts.append(problem.initial_point(rng, config.x0_radius))
        noise.append(problem.draws(rng, T))
        parts.append(_participants(problem, config, rng))
    w = np.stack(starts)  # (S, d)
    draws = np.stack(noise, axis=1)  # (T, S, N, ...)
    chosen = np.stack(parts)  # (S, R, K)
    S, N = len(seeds), problem.N
    gaps = np.empty((S, R + 1))
    gaps[:, 0] = problem.value(w) - problem.f_star
    g_sq = np.zeros(S)
    rows = np.arange(S)[:, None]
    for r in range(R):
        local = np.repeat(w[:, None, :], N, axis=1)
        for e in range(E):
            t = r * E + e
            g_true = problem.client_gradients(local)
            second = np.sum(g_true * g_true, axis=-1) + problem.sigma_sq
            g_sq = np.maximum(g_sq, second.max(axis=1))
            local = local - etas[t] * problem.stochastic_gradients(local, draws[t])
        if config.participation == "full":
            w = np.einsum("k,skd->sd", problem.p, local)
        elif config.participation == "scheme-I":
            w = local[rows, chosen[:, r]].mean(axis=1)
        else:
            picked = local[rows, chosen[:, r]]  # (S, K, d)
            scale = problem.p[chosen[:, r]] * N / config.K
            w = np.einsum("sk,skd->sd", scale, picked)
        gaps[:, r + 1] = problem.value(w) - problem.f_star
    distinct = np.array([[len(set(chosen[0, r].tolist()))] for r in range(R)]).ravel()
    bytes_per_round = 2 * distinct * problem.dim * BYTES_PER_FLOAT
    return SimResult(gaps, g_sq, bytes_per_round.astype(np.int64), etas, gamma,
                     config.x0_radius**2, chosen[0])


def run_fedavg(problem: FederatedProblem, config: FedAvgConfig, seed: int,
               recorder: TraceRecorder) -> SimResult:
    """One seeded run, recorded per round: gap, step, bytes (this round, cumulative)."""
    result = simulate(problem, config, [seed])
    cumulative = 0
    E = config.local_steps
    for r in range(config.rounds + 1):
        sent = int(result.bytes_per_round[r - 1]) if r else 0
        cumulative += sent
        recorder.record(r, r * E, round=r, gap=float(result.gaps[0, r]),
                        eta=float(result.etas[min(r * E, len(result.etas) - 1)]),
                        bytes_round=sent, bytes_total=cumulative)
    recorder.set_summary(final_gap=float(result.final[0]), G_sq_measured=float(result.g_sq[0]),
                         gamma=result.gamma, D0=result.d0, T=config.rounds * E,
                         Gamma=problem.gamma_het, S_sigma=problem.s_sigma, L=problem.L,
                         mu=problem.mu)
    return result


# ------------------------------------------------------------------ distributed FedAvg
#: problems built in this process (a Dask worker builds each instance once): a cache of
#: immutable ground truth keyed by (name, parameters), not configuration
_PROBLEM_CACHE: dict[tuple[str, tuple[tuple[str, Any], ...]], FederatedProblem] = {}


def _problem(name: str, params: dict[str, Any]) -> FederatedProblem:
    key = (name, tuple(sorted(params.items())))
    if key not in _PROBLEM_CACHE:
        _PROBLEM_CACHE[key] = make_federated(name, params)
    return _PROBLEM_CACHE[key]


def convex_client_task(name: str, params: dict[str, Any], client: int, w: Array,
                       etas: Array, seed: int, round_index: int) -> Any:
    """One client's E local SGD steps from w (what a Dask worker runs); the oracle's
    randomness comes from SeedSequence([seed, round, client])."""
    from solvers.federated.runtime import ClientUpdate

    problem = _problem(name, params)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(round_index),
                                                        int(client), 0xC1]))
    draws = problem.draws(rng, len(etas))  # (E, N, ...): this client's column is used
    local = np.repeat(np.asarray(w, dtype=float)[None, None, :], problem.N, axis=1)
    for e, eta in enumerate(etas):
        grads = problem.stochastic_gradients(local, draws[e][None])
        local = local - eta * grads
    value = float(problem.client_values(local[0])[client])
    return ClientUpdate(client, {"w": [local[0, client]]}, float(problem.p[client]),
                        {"local_value": value})


def run_fedavg_distributed(name: str, params: dict[str, Any], config: FedAvgConfig, seed: int,
                           recorder: TraceRecorder, runner: Any,
                           journal: Any = None) -> Any:
    """FedAvg with full participation over a client runner (in-process or Dask): each
    round every client runs :func:`convex_client_task`; the server averages the reported
    models weighted by p_k renormalised over them. Rows: gap F(w) - F* per round."""
    from solvers.federated.runtime import federated_rounds

    problem = _problem(name, params)
    etas, _ = step_schedule(problem, config)
    E = config.local_steps
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xFEDA]))
    w0 = problem.initial_point(rng, config.x0_radius)
    outcome = federated_rounds(
        params={"w": [w0]}, rounds=config.rounds,
        participants=lambda r: list(range(problem.N)),
        make_task=lambda r, k, p: (convex_client_task,
                                   (name, dict(params), k, p["w"][0], etas[r * E:(r + 1) * E],
                                    seed, r)),
        runner=runner,
        evaluate=lambda p: {"gap": float(problem.value(p["w"][0]) - problem.f_star)},
        recorder=recorder, journal=journal, iterations_per_round=E)
    recorder.set_summary(final_gap=float(problem.value(outcome.params["w"][0]) - problem.f_star),
                         lost_rounds=len(outcome.lost), bytes_total=outcome.bytes_total)
    return outcome
