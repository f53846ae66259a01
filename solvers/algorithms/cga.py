"""The compact genetic algorithm (cGA), instrumented, as the runtime theorems analyse it.

Harik, Lobo & Goldberg, "The compact genetic algorithm", IEEE TEVC 3(4):287-297, 1999,
with the frequency margins of the runtime analyses (Sudholt & Witt, "On the choice of the
update strength in estimation-of-distribution algorithms and ant colony optimization",
Algorithmica 81:1450-1489, 2019, their cGA with frequencies capped to [1/n, 1 - 1/n]; Doerr,
"The runtime of the compact genetic algorithm on Jump functions", Algorithmica 83, 2021,
the same algorithm with mu for K):

    p_1..p_n <- 1/2
    repeat
        sample x, y independently: x_i = 1 with probability p_i (each bit independent)
        if f(x) < f(y): swap x and y                    (x is the winner; ties keep x)
        for every i with x_i != y_i: p_i <- p_i + (x_i - y_i) / K
        p_i <- min(max(p_i, 1/n), 1 - 1/n)              (the margins; margins=False: [0, 1])

K is the *hypothetical population size* (the update strength is 1/K). One iteration makes
two function evaluations; the run stops when a sample is optimal (``stop_when_optimal``)
or at ``max_evaluations``. ``evaluations_to_optimum`` is 2t for the iteration t whose
sample (x or y) is the first optimal one: both samples of an iteration are evaluated.

Settings for sabotaged checks only (defaults: as published): ``margins=False`` (Harik et
al.'s original [0, 1], where a frequency can fix at 0 for ever) and ``init`` (the initial
frequency of every bit, 1/2 in every theorem).

**Instrumentation.** A trace row every ``trace_every`` iterations (the first after
``trace_every`` iterations: every row has evaluations >= 2), at the first optimal
sample and at the end: best fitness so far, mean / min / max frequency, the number of
frequencies at the lower and at the upper margin, mean |p_i - 1/2|. The summary adds the
run's extreme frequencies (``min_frequency_seen``, ``max_frequency_seen``: the margins hold
iff they lie in [1/n, 1-1/n]), ``max_at_lower_margin`` (most frequencies at the lower margin
at once: genetic drift towards the wrong value, the failure mode of K below the theorems'
threshold) and the final frequencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from solvers.algorithms.base import Solver
from solvers.config import Config, Rule
from solvers.problems.base import Problem
from solvers.problems.pseudo_boolean import PseudoBooleanProblem
from solvers.trace import TraceRecorder

__all__ = ["CGA", "CGAConfig"]

#: iterations whose random numbers are drawn in one block
_BLOCK = 256


@dataclass(frozen=True)
class CGAConfig(Config):
    K: int = field(default=50, metadata={
        "help": "hypothetical population size K (update strength 1/K)"})
    max_evaluations: int = field(default=200_000, metadata={"help": "evaluation cap"})
    stop_when_optimal: bool = field(default=True, metadata={
        "help": "stop at the first optimal sample"})
    margins: bool = field(default=True, metadata={
        "help": "cap frequencies to [1/n, 1-1/n] as in the runtime analyses (False: [0, 1])"})
    init: float = field(default=0.5, metadata={
        "help": "sabotage: initial frequency of every bit (0.5 in every theorem)"})
    trace_every: int = field(default=16, metadata={"help": "iterations between trace rows"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("K >= 1", ("K",), lambda c: c.K >= 1),
        Rule("max_evaluations >= 2", ("max_evaluations",), lambda c: c.max_evaluations >= 2),
        Rule("0 <= init <= 1", ("init",), lambda c: 0.0 <= c.init <= 1.0),
        Rule("trace_every >= 1", ("trace_every",), lambda c: c.trace_every >= 1),
    )


class CGA(Solver[CGAConfig]):
    """The cGA with margins 1/n, 1 - 1/n (Sudholt & Witt 2019); see the module docstring."""

    name = "cga"
    Config = CGAConfig
    problem_kinds = ("pseudo-boolean",)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, PseudoBooleanProblem)
        cfg = self.config
        n = problem.n
        low, high = (1.0 / n, 1.0 - 1.0 / n) if cfg.margins else (0.0, 1.0)
        if low > high:  # n = 1: the margins meet at 1/2
            low = high = 0.5
        step = 1.0 / cfg.K
        p = np.full(n, float(cfg.init))
        if cfg.margins:
            p = np.clip(p, low, high)
        best = -np.inf
        found_at: int | None = None
        max_lower = 0
        seen_min, seen_max = float(p.min()), float(p.max())
        iteration = 0
        max_iterations = cfg.max_evaluations // 2
        draws = np.empty((0, 2, n))
        used = 0

        def row() -> None:
            at_lower = int(np.count_nonzero(p <= low))
            recorder.record(iteration, 2 * iteration, best_fitness=float(best),
                            mean_frequency=float(p.mean()), min_frequency=float(p.min()),
                            max_frequency=float(p.max()), at_lower_margin=at_lower,
                            at_upper_margin=int(np.count_nonzero(p >= high)),
                            mean_abs_p_minus_half=float(np.abs(p - 0.5).mean()))

        while iteration < max_iterations and not (found_at is not None
                                                  and cfg.stop_when_optimal):
            if used == len(draws):
                draws = rng.random((_BLOCK, 2, n))
                used = 0
            pair = draws[used] < p
            used += 1
            iteration += 1
            fx, fy = problem.evaluate(pair)
            x, y = (pair[1], pair[0]) if fx < fy else (pair[0], pair[1])
            best = max(best, float(fx), float(fy))
            if found_at is None and problem.optimum_value in (fx, fy):
                found_at = iteration
            differ = x != y
            if differ.any():
                p[differ] += np.where(x[differ], step, -step)
                np.clip(p, low, high, out=p)
                seen_min = min(seen_min, float(p.min()))
                seen_max = max(seen_max, float(p.max()))
                max_lower = max(max_lower, int(np.count_nonzero(p <= low)))
            if iteration % cfg.trace_every == 0 or found_at == iteration:
                row()
        if len(recorder) == 0 or recorder.column("iteration")[-1] != iteration:
            row()
        recorder.set_summary(
            optimum_found=found_at is not None,
            iterations_to_optimum=found_at,
            evaluations_to_optimum=None if found_at is None else 2 * found_at,
            censored=found_at is None,
            iterations_run=iteration,
            evaluations_run=2 * iteration,
            best_fitness=float(best),
            K=cfg.K,
            lower_margin=low,
            upper_margin=high,
            min_frequency_seen=seen_min,
            max_frequency_seen=seen_max,
            max_at_lower_margin=max_lower,
            final_frequencies=[float(v) for v in p],
        )
