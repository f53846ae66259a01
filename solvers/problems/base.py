"""The problem interface: what a solver may ask of a problem, and the ground truth it carries.

Three kinds share one base class:

* ``smooth`` — a differentiable f: R^d -> R with known L (and mu, x*, f* where they exist)
  and a stochastic-gradient oracle with known variance sigma^2;
* ``binary`` — bit-string multi-objective benchmarks (objectives minimised) with their
  Pareto front known exactly;
* ``real`` — box-constrained continuous multi-objective benchmarks (ZDT) with their true
  front.

Ground truth lives with the problem (STYLE.md pattern 4); ``tests/test_problems.py`` checks
every registered problem's ground truth against brute force or numerical optimisation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, TypeVar, cast

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config as BaseConfig

__all__ = ["BinaryProblem", "Problem", "RealProblem", "SmoothProblem"]


ConfigT = TypeVar("ConfigT", bound=BaseConfig)


class Problem(ABC, Generic[ConfigT]):
    """Base of every problem: a name, a validated config and a kind."""

    name: ClassVar[str]
    kind: ClassVar[str]
    Config: ClassVar[type[BaseConfig]]

    def __init__(self, config: ConfigT) -> None:
        if not isinstance(config, self.Config):
            raise TypeError(f"{type(self).__name__} takes a {self.Config.__name__}")
        self.config = config

    def describe(self) -> dict[str, Any]:
        return {"problem": self.name, "kind": self.kind, **self.config.to_dict()}


class SmoothProblem(Problem[ConfigT]):
    """f: R^d -> R, differentiable, with a stochastic gradient G(x) = grad f(x) + xi.

    The noise xi is Gaussian with covariance (sigma^2/d) I, so E[G(x)] = grad f(x) and
    E||G(x) - grad f(x)||^2 = sigma^2 exactly.
    """

    kind: ClassVar[str] = "smooth"

    dim: int
    L: float
    mu: float
    f_star: float
    x_star: NDArray[np.float64] | None
    sigma: float
    convex: bool
    bounded_below: bool

    @abstractmethod
    def value(self, x: NDArray[np.float64]) -> float: ...

    @abstractmethod
    def gradient(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...

    def stochastic_gradient(self, x: NDArray[np.float64],
                            rng: np.random.Generator) -> NDArray[np.float64]:
        noise = rng.standard_normal(self.dim) * (self.sigma / np.sqrt(self.dim))
        return self.gradient(x) + noise

    def initial_point(self, rng: np.random.Generator) -> NDArray[np.float64]:
        """x_0 = x* + r u with u uniform on the sphere and r the config's ``x0_radius``."""
        radius = float(cast(Any, self.config).x0_radius)
        direction = rng.standard_normal(self.dim)
        direction /= np.linalg.norm(direction)
        centre = self.x_star if self.x_star is not None else np.zeros(self.dim)
        return centre + radius * direction

    @property
    def strongly_convex(self) -> bool:
        return self.convex and self.mu > 0

    def constants(self) -> dict[str, Any]:
        """The instance's constants and structural properties, named as in ``theory``."""
        return {
            "L": self.L,
            "mu": self.mu,
            "sigma": self.sigma,
            "L_smooth": True,
            "convex": self.convex,
            "mu_strongly_convex": self.strongly_convex,
            "bounded_below": self.bounded_below,
            "unbiased_oracle": True,
            "variance_bounded": True,
        }


class BinaryProblem(Problem[ConfigT]):
    """Bit strings of length n, integer objective vectors (minimised), known front."""

    kind: ClassVar[str] = "binary"
    n: int
    n_objectives: ClassVar[int] = 2

    @abstractmethod
    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]: ...

    @property
    @abstractmethod
    def front_size(self) -> int: ...

    @abstractmethod
    def front_index(self, objectives: NDArray[np.int64]) -> NDArray[np.int64]:
        """Position 0..front_size-1 of each objective vector on the front, -1 if off it."""

    @abstractmethod
    def pareto_front(self) -> NDArray[np.int64]:
        """The true front, row i at front position i."""


class RealProblem(Problem[ConfigT]):
    """Box-constrained continuous multi-objective problem with a known true front."""

    kind: ClassVar[str] = "real"
    n_var: int
    n_objectives: int
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]

    @abstractmethod
    def evaluate(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...

    @abstractmethod
    def pareto_front(self, n_points: int = 1000) -> NDArray[np.float64]: ...

    @property
    def hypervolume_reference(self) -> NDArray[np.float64]:
        return np.full(self.n_objectives, 1.1)
