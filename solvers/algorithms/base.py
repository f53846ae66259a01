"""The solver interface: a configured algorithm with ``run(problem, seed, recorder)``.

``run`` is public and validates (the problem's kind, and the rules that tie the solver's
parameters to the problem, such as an even population for Deb's tournament); ``_run``
computes and trusts its inputs (STYLE.md pattern 5).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Generic, TypeVar

import numpy as np

from solvers.config import Config as BaseConfig
from solvers.problems.base import Problem
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError

__all__ = ["Solver", "rng_for"]


def rng_for(seed: int) -> np.random.Generator:
    """The generator a run owns: PCG64 seeded through a SeedSequence of the run seed."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InvalidParameterError("seed is an integer", f"seed={seed!r}")
    if seed < 0:
        raise InvalidParameterError("seed >= 0", f"seed={seed}")
    return np.random.default_rng(np.random.SeedSequence(seed))


ConfigT = TypeVar("ConfigT", bound=BaseConfig)


class Solver(ABC, Generic[ConfigT]):
    name: ClassVar[str]
    Config: ClassVar[type[BaseConfig]]
    problem_kinds: ClassVar[tuple[str, ...]]

    def __init__(self, config: ConfigT) -> None:
        if not isinstance(config, self.Config):
            raise TypeError(f"{type(self).__name__} takes a {self.Config.__name__}")
        self.config = config

    def validate(self, problem: Problem) -> None:
        """Raise if this solver cannot run on ``problem`` with this config."""
        if problem.kind not in self.problem_kinds:
            raise InvalidParameterError(
                f"solver {self.name!r} runs on problems of kind "
                f"{' or '.join(self.problem_kinds)}",
                f"problem {problem.name!r} of kind {problem.kind!r}",
            )

    def run(self, problem: Problem, seed: int, recorder: TraceRecorder) -> None:
        self.validate(problem)
        self._run(problem, rng_for(seed), recorder)

    @abstractmethod
    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None: ...
