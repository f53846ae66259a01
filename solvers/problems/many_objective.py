"""m-objective OneMinMax (mOMM), the many-objective benchmark of Zheng & Doerr (IEEE TEVC 2024).

Definition (maximised in the paper), for an even number of objectives m = 2m' and a length
n divisible by m': cut x in {0,1}^n into m' consecutive blocks of L = 2n/m bits; block j
contributes the objective pair (ones of block j, zeros of block j). m = 2 is OneMinMax.

Written here for minimisation with non-negative integer objectives, like the other binary
problems: objective 2j is the number of zeros and objective 2j+1 the number of ones of
block j. Every string is Pareto-optimal; the front is every vector with one (L - c_j, c_j)
pair per block, c_j in {0..L}, so it has (L+1)^{m'} = (2n/m + 1)^{m/2} values. Front
position of a vector: the mixed-radix number sum_j c_j (L+1)^j.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule
from solvers.problems.base import BinaryProblem

__all__ = ["ManyOneMinMax", "ManyOneMinMaxConfig", "momm_front_size"]


def momm_front_size(n: int, m: int) -> int:
    """(2n/m + 1)^(m/2), the number of Pareto-front values of mOMM."""
    return (2 * n // m + 1) ** (m // 2)


@dataclass(frozen=True)
class ManyOneMinMaxConfig(Config):
    n: int = field(default=8, metadata={"help": "bit-string length (divisible by m/2)"})
    m: int = field(default=4, metadata={"help": "number of objectives (even, >= 2)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("m >= 2 and m % 2 == 0", ("m",), lambda c: c.m >= 2 and c.m % 2 == 0,
             "objectives come in (zeros, ones) pairs, one pair per block"),
        Rule("n >= m/2 and n % (m/2) == 0", ("n", "m"),
             lambda c: c.m >= 2 and c.n >= c.m // 2 and c.n % max(c.m // 2, 1) == 0,
             "the m/2 blocks have equal length 2n/m >= 1"),
    )


class ManyOneMinMax(BinaryProblem[ManyOneMinMaxConfig]):
    name = "momm"
    Config = ManyOneMinMaxConfig

    def __init__(self, config: ManyOneMinMaxConfig) -> None:
        super().__init__(config)
        self.n = config.n
        self.m = config.m
        self.blocks = config.m // 2
        self.block_length = 2 * config.n // config.m

    @property
    def n_objectives(self) -> int:  # type: ignore[override]
        return self.m

    def _block_ones(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        shaped = population.reshape(len(population), self.blocks, self.block_length)
        ones: NDArray[np.int64] = shaped.sum(axis=2, dtype=np.int64)
        return ones

    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        ones = self._block_ones(population)
        out = np.empty((len(population), self.m), dtype=np.int64)
        out[:, 0::2] = self.block_length - ones
        out[:, 1::2] = ones
        return out

    @property
    def front_size(self) -> int:
        return momm_front_size(self.n, self.m)

    def front_index(self, objectives: NDArray[np.int64]) -> NDArray[np.int64]:
        ones = np.asarray(objectives)[:, 1::2].astype(np.int64)
        radix = (self.block_length + 1) ** np.arange(self.blocks, dtype=np.int64)
        position: NDArray[np.int64] = ones @ radix
        return position

    def pareto_front(self) -> NDArray[np.int64]:
        counts = itertools.product(range(self.block_length + 1), repeat=self.blocks)
        ones = np.array([c[::-1] for c in counts], dtype=np.int64).reshape(-1, self.blocks)
        front = np.empty((len(ones), self.m), dtype=np.int64)
        front[:, 0::2] = self.block_length - ones
        front[:, 1::2] = ones
        return front
