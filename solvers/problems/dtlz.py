"""DTLZ2 (Deb, Thiele, Laumanns & Zitzler, "Scalable test problems for evolutionary
multiobjective optimization", 2005), M objectives, n_var = M + k - 1 variables in [0, 1].

Indices from 0: g = sum_{i >= M-1} (x_i - 1/2)^2; f_1 = (1+g) prod_{j<M-1} cos(x_j pi/2), ...,
f_M = (1+g) sin(x_0 pi/2). The Pareto set is x_i = 1/2 for i >= M - 1 (g = 0) and the true
front is the positive part of the unit sphere, sum_i f_i^2 = 1. A point p >= 0 is dominated
by (or equal to) a front point iff ||p|| >= 1 (p/||p|| <= p; any f <= p has ||f|| <= ||p||),
so the hypervolume of the whole front with reference point r (all r_i >= 1) is prod(r) -
(volume of the unit ball's positive orthant) = prod(r) - pi^(M/2) / (2^M Gamma(M/2 + 1)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule
from solvers.problems.base import RealProblem
from theory.errors import InvalidParameterError

__all__ = ["DTLZ2"]


@dataclass(frozen=True)
class DTLZConfig(Config):
    n_objectives: int = field(default=3, metadata={"help": "number of objectives M"})
    n_var: int = field(default=12, metadata={"help": "number of variables (M + k - 1)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("n_objectives >= 2", ("n_objectives",), lambda c: c.n_objectives >= 2),
        Rule("n_var >= n_objectives", ("n_var", "n_objectives"),
             lambda c: c.n_var >= c.n_objectives),
    )


class DTLZ2(RealProblem[DTLZConfig]):
    name = "dtlz2"
    Config = DTLZConfig

    def __init__(self, config: DTLZConfig) -> None:
        super().__init__(config)
        self.n_var = config.n_var
        self.n_objectives = config.n_objectives
        self.lower = np.zeros(self.n_var)
        self.upper = np.ones(self.n_var)

    def evaluate(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        m = self.n_objectives
        g = np.sum((x[:, m - 1:] - 0.5) ** 2, axis=1)
        angles = x[:, :m - 1] * (np.pi / 2)
        f = np.empty((len(x), m))
        cosines = np.cos(angles)
        sines = np.sin(angles)
        for j in range(m):
            value = (1.0 + g) * np.prod(cosines[:, :m - 1 - j], axis=1)
            if j > 0:
                value = value * sines[:, m - 1 - j]
            f[:, j] = value
        return f

    def pareto_front(self, n_points: int = 1000) -> NDArray[np.float64]:
        """``n_points`` front points: |N(0, I)| directions (seed 0) scaled to norm 1; the
        first n points are the same for every larger ``n_points``."""
        rng = np.random.default_rng(0)
        points = np.abs(rng.standard_normal((n_points, self.n_objectives)))
        return points / np.linalg.norm(points, axis=1, keepdims=True)

    def front_hypervolume(self, reference: float = 1.1) -> float:
        """The exact hypervolume of the whole front with reference point (r, ..., r)."""
        if not reference >= 1.0:
            raise InvalidParameterError("reference >= 1", f"reference={reference!r}",
                                        "the formula needs the whole front inside the box")
        m = self.n_objectives
        ball = math.pi ** (m / 2) / (2**m * math.gamma(m / 2 + 1))
        return reference**m - ball
