"""Single-objective pseudo-Boolean benchmarks of EDA runtime theory: OneMax and Jump_k.

Kind ``pseudo-boolean``: f: {0,1}^n -> N is *maximised*, as the runtime papers state it
(Sudholt & Witt, Algorithmica 2019, for the cGA on OneMax; Doerr, Algorithmica 2021, for the
cGA on Jump), so a trace's ``best_fitness`` reads as in the theorems. The multi-objective
``binary`` kind (minimised objective vectors with a Pareto front) is a different contract;
these problems are kept out of it so that the MOEA solvers never run on them by accident.

* OneMax(x) = |x|_1, the number of ones; optimum 1^n with value n.
* Jump_k(x) = k + |x|_1 if |x|_1 <= n - k or x = 1^n, else n - |x|_1 (Droste, Jansen &
  Wegener, Theoretical Computer Science 276, 2002, the definition the cGA papers use);
  optimum 1^n with value n + k; 1 <= k <= n.

Ground truth lives here: ``optimum_value`` and ``is_optimal``; ``tests/test_qea.py`` checks
both against brute force over all strings for small n.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule
from solvers.problems.base import ConfigT, Problem

__all__ = ["Jump", "JumpKConfig", "OneMax", "OneMaxConfig", "PseudoBooleanProblem"]


class PseudoBooleanProblem(Problem[ConfigT]):
    """f: {0,1}^n -> integers, maximised, with its optimal value known."""

    kind: ClassVar[str] = "pseudo-boolean"
    n: int

    @abstractmethod
    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Fitness of each row (shape (rows,)), maximised."""

    @property
    @abstractmethod
    def optimum_value(self) -> int: ...

    def is_optimal(self, fitness: NDArray[np.int64]) -> NDArray[np.bool_]:
        optimal: NDArray[np.bool_] = np.asarray(fitness) == self.optimum_value
        return optimal


@dataclass(frozen=True)
class OneMaxConfig(Config):
    n: int = field(default=50, metadata={"help": "bit-string length"})
    RULES: ClassVar[tuple[Rule, ...]] = (Rule("n >= 1", ("n",), lambda c: c.n >= 1),)


class OneMax(PseudoBooleanProblem[OneMaxConfig]):
    name = "onemax"
    Config = OneMaxConfig

    def __init__(self, config: OneMaxConfig) -> None:
        super().__init__(config)
        self.n = config.n

    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        ones: NDArray[np.int64] = population.sum(axis=1, dtype=np.int64)
        return ones

    @property
    def optimum_value(self) -> int:
        return self.n


@dataclass(frozen=True)
class JumpKConfig(Config):
    n: int = field(default=20, metadata={"help": "bit-string length"})
    k: int = field(default=2, metadata={"help": "gap size k (1 <= k <= n)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("n >= 1", ("n",), lambda c: c.n >= 1),
        Rule("1 <= k <= n", ("n", "k"), lambda c: 1 <= c.k <= c.n,
             "Jump_k of Droste, Jansen & Wegener is defined for 1 <= k <= n"),
    )


class Jump(PseudoBooleanProblem[JumpKConfig]):
    name = "jump"
    Config = JumpKConfig

    def __init__(self, config: JumpKConfig) -> None:
        super().__init__(config)
        self.n = config.n
        self.k = config.k

    def evaluate(self, population: NDArray[np.bool_]) -> NDArray[np.int64]:
        n, k = self.n, self.k
        ones = population.sum(axis=1, dtype=np.int64)
        value: NDArray[np.int64] = np.where((ones <= n - k) | (ones == n), k + ones,
                                            n - ones).astype(np.int64)
        return value

    @property
    def optimum_value(self) -> int:
        return self.n + self.k
