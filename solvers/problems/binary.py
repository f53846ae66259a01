"""OneMinMax and LeadingOnesTrailingZeroes, the bi-objective benchmarks of MOEA theory.

Both are written for minimisation with non-negative integer objectives:

* OneMinMax (Giel & Lehre 2010): f(x) = (#zeros(x), #ones(x)). Every bit string is
  Pareto-optimal; the front has the n+1 values (n-i, i), front position i = #ones.
* LOTZ (Laumanns, Thiele & Zitzler 2004): f(x) = (n - LO(x), n - TZ(x)) with LO the number
  of leading ones and TZ the number of trailing zeros. The Pareto set is {1^i 0^(n-i)},
  front position i = LO; a point is on the front iff LO + TZ = n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule
from solvers.problems.base import BinaryProblem

__all__ = ["LOTZ", "OneMinMax"]


@dataclass(frozen=True)
class BitStringConfig(Config):
    n: int = field(default=50, metadata={"help": "bit-string length"})
    RULES: ClassVar[tuple[Rule, ...]] = (Rule("n >= 1", ("n",), lambda c: c.n >= 1),)


class OneMinMax(BinaryProblem[BitStringConfig]):
    name = "oneminmax"
    Config = BitStringConfig

    def __init__(self, config: BitStringConfig) -> None:
        super().__init__(config)
        self.n = config.n

    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        ones = population.sum(axis=1, dtype=np.int64)
        return np.stack([self.n - ones, ones], axis=1)

    @property
    def front_size(self) -> int:
        return self.n + 1

    def front_index(self, objectives: NDArray[np.int64]) -> NDArray[np.int64]:
        return objectives[:, 1].astype(np.int64)

    def pareto_front(self) -> NDArray[np.int64]:
        i = np.arange(self.n + 1, dtype=np.int64)
        return np.stack([self.n - i, i], axis=1)


def leading_ones(population: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Number of leading one-bits of each row."""
    zeros = ~population
    first_zero = np.where(zeros.any(axis=1), zeros.argmax(axis=1), population.shape[1])
    return first_zero.astype(np.int64)


def trailing_zeros(population: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Number of trailing zero-bits of each row."""
    reversed_rows = population[:, ::-1]
    first_one = np.where(reversed_rows.any(axis=1), reversed_rows.argmax(axis=1),
                         population.shape[1])
    return first_one.astype(np.int64)


class LOTZ(BinaryProblem[BitStringConfig]):
    name = "lotz"
    Config = BitStringConfig

    def __init__(self, config: BitStringConfig) -> None:
        super().__init__(config)
        self.n = config.n

    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        lo = leading_ones(population)
        tz = trailing_zeros(population)
        return np.stack([self.n - lo, self.n - tz], axis=1)

    @property
    def front_size(self) -> int:
        return self.n + 1

    def front_index(self, objectives: NDArray[np.int64]) -> NDArray[np.int64]:
        lo = self.n - objectives[:, 0]
        tz = self.n - objectives[:, 1]
        return np.where(lo + tz == self.n, lo, -1).astype(np.int64)

    def pareto_front(self) -> NDArray[np.int64]:
        i = np.arange(self.n + 1, dtype=np.int64)
        return np.stack([self.n - i, i], axis=1)
