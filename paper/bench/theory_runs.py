"""The binary theory runs: evaluations per second of the instrumented NSGA-II on OneMinMax
and LOTZ with N = 4(n+1), n up to 200 (a fixed number of generations, no early stop)."""

from __future__ import annotations

import time

import pandas as pd

from solvers.algorithms.nsga2 import NSGA2, NSGA2Config
from solvers.problems.binary import LOTZ, BitStringConfig, OneMinMax
from solvers.trace import TraceRecorder

__all__ = ["theory_runs_table"]


def theory_runs_table(sizes: tuple[int, ...] = (50, 100, 200), generations: int = 200
                      ) -> pd.DataFrame:
    rows = []
    for problem_cls in (OneMinMax, LOTZ):
        for n in sizes:
            pop = 4 * (n + 1)
            solver = NSGA2(NSGA2Config(pop=pop, max_generations=generations,
                                       selection="deb-tournament", mutation="bitwise",
                                       stop_when_covered=False))
            recorder = TraceRecorder()
            start = time.perf_counter()
            solver.run(problem_cls(BitStringConfig(n=n)), 0, recorder)
            elapsed = time.perf_counter() - start
            evaluations = int(recorder.column("evaluations")[-1])
            rows.append({"problem": problem_cls.name, "n": n, "N": pop,
                         "generations": generations, "seconds": elapsed,
                         "ms/generation": 1e3 * elapsed / generations,
                         "evaluations/s": evaluations / elapsed})
    return pd.DataFrame(rows)
