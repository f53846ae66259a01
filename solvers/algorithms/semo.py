"""SEMO and GSEMO, the simple evolutionary multi-objective optimisers of MOEA theory.

* **SEMO** (Laumanns, Thiele & Zitzler, IEEE TEVC 8(2), 2004): start with one uniformly
  random bit string; each iteration picks a parent uniformly from the population P, flips
  one uniformly chosen bit, and adds the offspring y unless some z in P dominates y, then
  removes every z that y weakly dominates (so y replaces a member with the same objective
  vector).
* **GSEMO** (Giel, CEC 2003): the same with standard bit-wise mutation, each bit flipped
  independently with probability 1/n.

The population is kept as a dict from objective vector to individual (at most one member
per vector); individuals are Python ints (bit i of the int is x_i), and objective vectors
are cached per distinct string, so a run costs a few microseconds per iteration. Random
numbers are drawn in blocks from the run's generator.

``frozen_bits`` is a deliberately broken mutation for sabotaged checks: the first
``frozen_bits`` bits are never flipped, so not every point can be reached (default 0: the
algorithms as published). Two further switches exist only for dropped-assumption probes:
``parent="biased"`` (with probability 1/2 the member with the smallest first objective is
the parent, else a uniform one; the same random number decides both) and ``elitist=False``
(a dominated offspring replaces its parent, so front values can be lost; coverage is then
recomputed from the population). The defaults draw exactly the same random numbers as
before.

One iteration creates and evaluates one offspring. The trace holds a row for the initial
individual (iteration 0), a row whenever the number of covered front values changes and
a final row; the summary holds ``iterations_to_cover`` (offspring created until P covers
the front) and ``evaluations_to_cover`` (= iterations + 1, the initial evaluation included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.algorithms.base import Solver
from solvers.config import Config, Rule
from solvers.problems.base import BinaryProblem, Problem
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError

__all__ = ["GSEMO", "SEMO", "SEMOConfig"]

#: random draws per block
_BLOCK = 4096


@dataclass(frozen=True)
class SEMOConfig(Config):
    max_iterations: int = field(default=100_000, metadata={"help": "iteration cap"})
    stop_when_covered: bool = field(default=True, metadata={
        "help": "stop once the whole Pareto front is covered"})
    frozen_bits: int = field(default=0, metadata={
        "help": "sabotage: mutation never flips the first frozen_bits bits (0: as published)"})
    parent: str = field(default="uniform", metadata={
        "help": "probe: uniform (as published) | biased (with probability 1/2 the member with "
        "the smallest first objective, else uniform)"})
    elitist: bool = field(default=True, metadata={
        "help": "probe: False lets a dominated offspring replace its parent (non-elitist)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("max_iterations >= 0", ("max_iterations",), lambda c: c.max_iterations >= 0),
        Rule("frozen_bits >= 0", ("frozen_bits",), lambda c: c.frozen_bits >= 0),
        Rule("parent in {uniform, biased}", ("parent",),
             lambda c: c.parent in ("uniform", "biased")),
    )


def _bits(x: int, n: int) -> NDArray[np.bool_]:
    raw = np.frombuffer(x.to_bytes((n + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(bool)


def _ints(rows: NDArray[np.bool_]) -> list[int]:
    """Each boolean row as an int (bit i = column i)."""
    n = rows.shape[1]
    if n <= 62:
        weights = np.left_shift(np.int64(1), np.arange(n, dtype=np.int64))
        values: list[int] = (rows.astype(np.int64) @ weights).tolist()
        return values
    packed = np.packbits(rows, axis=1, bitorder="little")
    return [int.from_bytes(row.tobytes(), "little") for row in packed]


class _SimpleEMO(Solver[SEMOConfig]):
    Config = SEMOConfig
    problem_kinds = ("binary",)
    bitwise: ClassVar[bool]

    def validate(self, problem: Problem) -> None:
        super().validate(problem)
        assert isinstance(problem, BinaryProblem)
        frozen = self.config.frozen_bits
        if frozen >= problem.n:
            raise InvalidParameterError("frozen_bits < n", f"frozen_bits={frozen}, "
                                        f"n={problem.n}", "some bit must stay mutable")

    def _masks(self, n: int, rng: np.random.Generator) -> list[int]:
        """A block of flip masks (one per iteration)."""
        frozen = self.config.frozen_bits
        if self.bitwise:
            flips = rng.random((_BLOCK, n)) < 1.0 / n
            flips[:, :frozen] = False
            return _ints(flips)
        positions = rng.integers(frozen, n, _BLOCK).tolist()
        return [1 << p for p in positions]

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, BinaryProblem)
        cfg = self.config
        n, front_size = problem.n, problem.front_size
        objectives = _Evaluator(problem)
        start = _ints((rng.random(n) < 0.5)[None, :])[0]
        first, first_position = objectives(start)
        population: dict[tuple[int, ...], int] = {first: start}
        keys = list(population)
        covered = {first_position} - {-1}
        recorder.record(0, 1, n_covered=len(covered), covered_fraction=len(covered) /
                        front_size, population_size=1)
        best = len(covered)
        covered_at: int | None = 0 if len(covered) == front_size else None
        iteration = 0
        picks: list[float] = []
        masks: list[int] = []
        while iteration < cfg.max_iterations and not (covered_at is not None
                                                      and cfg.stop_when_covered):
            if not masks:
                picks = rng.random(_BLOCK).tolist()
                masks = self._masks(n, rng)
            iteration += 1
            pick = picks.pop()
            if cfg.parent == "biased" and pick < 0.5:
                parent_key = min(keys)
            else:
                parent_key = keys[int((2 * pick - 1 if cfg.parent == "biased" else pick)
                                      * len(keys))]
            parent = population[parent_key]
            child = parent ^ masks.pop()
            value, position = objectives(child)
            if value in population:  # equal vector: y replaces it, nothing else changes
                population[value] = child
                continue
            if any(_dominates(z, value) for z in keys):
                if not cfg.elitist:  # probe: the dominated child replaces its parent
                    del population[parent_key]
                    population[value] = child
                    keys = list(population)
                    covered = {objectives(x)[1] for x in population.values()} - {-1}
                continue
            for z in [z for z in keys if _weakly_dominates(value, z)]:
                del population[z]
            population[value] = child
            keys = list(population)
            if not cfg.elitist:  # removals may have lost front values; the child's is new
                covered = {objectives(x)[1] for v, x in population.items()
                           if v != value} - {-1}
            if position >= 0 and position not in covered:
                # a front value once covered stays covered: only a vector weakly dominating
                # it (on the front: the same vector) can remove it
                covered.add(position)
                best = len(covered)
                recorder.record(iteration, iteration + 1, n_covered=best,
                                covered_fraction=best / front_size,
                                population_size=len(keys))
                if best == front_size and covered_at is None:
                    covered_at = iteration
        if recorder.column("iteration")[-1] != iteration:
            recorder.record(iteration, iteration + 1, n_covered=len(covered),
                            covered_fraction=len(covered) / front_size,
                            population_size=len(keys))
        recorder.set_summary(
            covered=covered_at is not None,
            iterations_to_cover=covered_at,
            evaluations_to_cover=None if covered_at is None else covered_at + 1,
            censored=covered_at is None,
            iterations_run=iteration,
            max_covered_fraction=best / front_size,
            final_population_size=len(keys),
            mutation="bitwise" if self.bitwise else "one-bit",
        )


#: strings up to this length have all 2^n objective vectors tabulated (once per process)
_TABLE_BITS = 16


@lru_cache(maxsize=16)
def _table(problem_class: type[BinaryProblem], config: Config
           ) -> tuple[tuple[tuple[int, ...], int], ...]:
    """(objective vector, front position) of every string of length n <= _TABLE_BITS.

    A pure function of the problem's class and frozen config, so it is computed once per
    process and shared by every run on that instance.
    """
    problem = problem_class(config)
    codes = np.arange(2**problem.n, dtype=np.int64)
    strings = ((codes[:, None] >> np.arange(problem.n)) & 1).astype(bool)
    values = problem.evaluate(strings)
    positions = problem.front_index(values).tolist()
    return tuple((tuple(v), p) for v, p in zip(values.tolist(), positions, strict=True))


class _Evaluator:
    """Objective vector and front position of an int-coded string.

    Up to ``_TABLE_BITS`` bits every string is tabulated with the problem's vectorised
    ``evaluate`` and ``front_index``; above, each distinct string is evaluated on first sight
    and cached (SEMO and GSEMO revisit the neighbourhood of a small population).
    """

    def __init__(self, problem: BinaryProblem) -> None:
        self.problem = problem
        self.cache: dict[int, tuple[tuple[int, ...], int]] = {}
        self.table = (_table(type(problem), problem.config) if problem.n <= _TABLE_BITS
                      else None)

    def __call__(self, x: int) -> tuple[tuple[int, ...], int]:
        if self.table is not None:
            return self.table[x]
        found = self.cache.get(x)
        if found is None:
            values = self.problem.evaluate(_bits(x, self.problem.n)[None, :])
            found = (tuple(values[0].tolist()), int(self.problem.front_index(values)[0]))
            self.cache[x] = found
        return found


def _dominates(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """a dominates b (minimisation): a <= b everywhere and a != b."""
    return a != b and all(x <= y for x, y in zip(a, b, strict=True))


def _weakly_dominates(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True))


class SEMO(_SimpleEMO):
    """SEMO: one-bit mutation (Laumanns, Thiele & Zitzler 2004)."""

    name = "semo"
    bitwise = False


class GSEMO(_SimpleEMO):
    """GSEMO: bit-wise mutation with rate 1/n (Giel 2003)."""

    name = "gsemo"
    bitwise = True
