"""ZDT1, ZDT2 and ZDT3 (Zitzler, Deb & Thiele, Evolutionary Computation 8(2), 2000).

x in [0, 1]^n_var, g(x) = 1 + 9/(n_var - 1) * sum_{i>=2} x_i, f1 = x_1, f2 = g h(f1, g) with
h = 1 - sqrt(f1/g) (ZDT1), 1 - (f1/g)^2 (ZDT2), 1 - sqrt(f1/g) - (f1/g) sin(10 pi f1) (ZDT3).
The Pareto set is g = 1 (x_2..x_n = 0); the true front is h(f1, 1) for f1 in [0, 1], for
ZDT3 restricted to its non-dominated pieces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import moocore
import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule
from solvers.problems.base import RealProblem

__all__ = ["ZDT1", "ZDT2", "ZDT3"]


@dataclass(frozen=True)
class ZDTConfig(Config):
    n_var: int = field(default=30, metadata={"help": "number of decision variables"})
    RULES: ClassVar[tuple[Rule, ...]] = (Rule("n_var >= 2", ("n_var",), lambda c: c.n_var >= 2),)


class _ZDT(RealProblem[ZDTConfig]):
    Config = ZDTConfig

    def __init__(self, config: ZDTConfig) -> None:
        super().__init__(config)
        self.n_var = config.n_var
        self.n_objectives = 2
        self.lower = np.zeros(self.n_var)
        self.upper = np.ones(self.n_var)

    def _h(self, f1: NDArray[np.float64], g: NDArray[np.float64]) -> NDArray[np.float64]:
        raise NotImplementedError

    def evaluate(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        f1 = x[:, 0]
        g = 1.0 + 9.0 / (self.n_var - 1) * x[:, 1:].sum(axis=1)
        return np.stack([f1, g * self._h(f1, g)], axis=1)

    def pareto_front(self, n_points: int = 1000) -> NDArray[np.float64]:
        f1 = np.linspace(0.0, 1.0, n_points)
        front = np.stack([f1, self._h(f1, np.ones_like(f1))], axis=1)
        return front[moocore.is_nondominated(front)]


class ZDT1(_ZDT):
    name = "zdt1"

    def _h(self, f1: NDArray[np.float64], g: NDArray[np.float64]) -> NDArray[np.float64]:
        return 1.0 - np.sqrt(f1 / g)


class ZDT2(_ZDT):
    name = "zdt2"

    def _h(self, f1: NDArray[np.float64], g: NDArray[np.float64]) -> NDArray[np.float64]:
        return 1.0 - (f1 / g) ** 2


class ZDT3(_ZDT):
    name = "zdt3"

    def _h(self, f1: NDArray[np.float64], g: NDArray[np.float64]) -> NDArray[np.float64]:
        return 1.0 - np.sqrt(f1 / g) - (f1 / g) * np.sin(10.0 * np.pi * f1)
