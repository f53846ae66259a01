"""OneJumpZeroJump_{n,k}, the bi-objective multimodal benchmark of Doerr & Zheng (AAAI 2021).

Definition (Doerr & Zheng 2021, maximised), with |x|_1 the number of ones and |x|_0 the
number of zeros of x in {0,1}^n and a gap parameter 1 <= k <= n/2:

    f1(x) = k + |x|_1  if |x|_1 <= n - k or x = 1^n,   else n - |x|_1,
    f2(x) = k + |x|_0  if |x|_0 <= n - k or x = 0^n,   else n - |x|_0.

Written here for minimisation with non-negative integer objectives, like the other binary
problems: g(x) = (n + k - f1(x), n + k - f2(x)). The Pareto set is {x : |x|_1 in
{0} u [k, n-k] u {n}}, the front has n - 2k + 3 values; a point is on the front iff
g1 + g2 = n, and then |x|_1 = n - g1. Front positions are ordered by |x|_1: position 0 is
0^n, positions 1..n-2k+1 are |x|_1 = k..n-k, position n-2k+2 is 1^n.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule
from solvers.problems.base import BinaryProblem

__all__ = ["JumpConfig", "OneJumpZeroJump"]


@dataclass(frozen=True)
class JumpConfig(Config):
    n: int = field(default=10, metadata={"help": "bit-string length"})
    k: int = field(default=2, metadata={"help": "gap size k (1 <= k <= n/2)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("n >= 2", ("n",), lambda c: c.n >= 2),
        Rule("1 <= k and 2*k <= n", ("n", "k"), lambda c: c.k >= 1 and 2 * c.k <= c.n,
             "the front described by Doerr & Zheng needs k <= n/2"),
    )


class OneJumpZeroJump(BinaryProblem[JumpConfig]):
    name = "ojzj"
    Config = JumpConfig

    def __init__(self, config: JumpConfig) -> None:
        super().__init__(config)
        self.n = config.n
        self.k = config.k

    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        n, k = self.n, self.k
        ones = population.sum(axis=1, dtype=np.int64)
        zeros = n - ones
        f1 = np.where((ones <= n - k) | (ones == n), k + ones, n - ones)
        f2 = np.where((zeros <= n - k) | (zeros == n), k + zeros, n - zeros)
        return np.stack([n + k - f1, n + k - f2], axis=1).astype(np.int64)

    @property
    def front_size(self) -> int:
        return self.n - 2 * self.k + 3

    def front_index(self, objectives: NDArray[np.int64]) -> NDArray[np.int64]:
        n, k = self.n, self.k
        ones = n - objectives[:, 0]
        on_front = objectives[:, 0] + objectives[:, 1] == n
        position = np.where(ones == 0, 0, np.where(ones == n, n - 2 * k + 2, ones - k + 1))
        return np.where(on_front, position, -1).astype(np.int64)

    def pareto_front(self) -> NDArray[np.int64]:
        n, k = self.n, self.k
        ones = np.array([0, *range(k, n - k + 1), n], dtype=np.int64)
        return np.stack([n - ones, ones], axis=1)
