"""NSGA-II against pymoo's NSGA2 (and DEAP's, optionally): seconds per generation and the
hypervolume of all evaluated points, on ZDT1/2/3 (30 variables) and DTLZ2 (3 objectives,
12 variables), population 100, 250 generations, the same seeds.

Both run the real-coded NSGA-II of Deb et al. (2002) as Deb's C code and pymoo implement
it: binary tournament by Pareto dominance, then crowding distance; SBX (eta 15, probability
0.9, per variable 1/2), polynomial mutation (eta 20, rate 1/n); and, as both NSGA2s do by
default, offspring equal to a parent or to an earlier offspring bred again
(``eliminate_duplicates``; ``BenchSettings(eliminate_duplicates=False)`` times ours
without, as Deb's code). Ours records a hypervolume per generation as part of its trace
(the cost is included in its time). The hypervolume of all points evaluated is computed
by moocore for both, reference point 1.1 per objective, and a one-sided Mann-Whitney test
(H1: ours is smaller) says whether ours is worse, with the Vargha-Delaney A12 of ours
against pymoo (0.5: no effect).

Runs alternate (ours seed s, pymoo seed s, ours seed s+1, ...) so that a change in machine
load during the benchmark affects both sides alike; times are medians over seeds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import moocore
import numpy as np
import pandas as pd

from analysis.comparison import mann_whitney_u
from analysis.effect_sizes import vargha_delaney_a12
from solvers.algorithms.nsga2 import NSGA2, NSGA2Config
from solvers.problems.base import RealProblem
from solvers.registry import make_problem
from solvers.trace import TraceRecorder

__all__ = ["BenchSettings", "nsga2_vs_pymoo"]

PROBLEMS = {"zdt1": {"n_var": 30}, "zdt2": {"n_var": 30}, "zdt3": {"n_var": 30},
            "dtlz2": {"n_objectives": 3, "n_var": 12}}
#: our problem parameters by the names pymoo's ``get_problem`` gives them
PYMOO_NAMES = {"n_var": "n_var", "n_objectives": "n_obj"}


@dataclass(frozen=True)
class BenchSettings:
    seeds: int = 10
    pop: int = 100
    generations: int = 250
    problems: tuple[str, ...] = ("zdt1", "zdt2", "zdt3", "dtlz2")
    #: ours with duplicate elimination (its default and pymoo's) or without (Deb's code)
    eliminate_duplicates: bool = NSGA2Config().eliminate_duplicates


def _ours(problem: RealProblem, settings: BenchSettings, seed: int) -> tuple[float, float]:
    solver = NSGA2(NSGA2Config(pop=settings.pop, max_generations=settings.generations,
                               eliminate_duplicates=settings.eliminate_duplicates))
    recorder = TraceRecorder()
    start = time.perf_counter()
    solver.run(problem, seed, recorder)
    elapsed = time.perf_counter() - start
    return elapsed / settings.generations, float(recorder.summary["archive_hypervolume"])


def _pymoo(name: str, settings: BenchSettings, seed: int) -> tuple[float, float]:
    from pymoo.algorithms.moo.nsga2 import NSGA2 as PymooNSGA2
    from pymoo.core.callback import Callback
    from pymoo.optimize import minimize
    from pymoo.problems import get_problem

    problem = get_problem(name, **{PYMOO_NAMES[k]: v for k, v in PROBLEMS[name].items()})

    class Collect(Callback):  # every evaluated objective vector, for the final hypervolume
        def __init__(self) -> None:
            super().__init__()
            self.points: list[np.ndarray] = []

        def notify(self, algorithm) -> None:  # type: ignore[no-untyped-def]
            evaluated = algorithm.off if algorithm.off is not None else algorithm.pop
            self.points.append(evaluated.get("F"))

    collect = Collect()
    start = time.perf_counter()
    minimize(problem, PymooNSGA2(pop_size=settings.pop), ("n_gen", settings.generations),
             seed=seed, callback=collect, verbose=False)
    elapsed = time.perf_counter() - start
    points = np.concatenate(collect.points)
    reference = np.full(points.shape[1], 1.1)
    front = points[moocore.is_nondominated(points)]
    return elapsed / settings.generations, float(moocore.hypervolume(front, ref=reference))


def nsga2_vs_pymoo(settings: BenchSettings = BenchSettings()) -> pd.DataFrame:
    """One row per problem: medians over seeds, the speed ratio, the hypervolume test."""
    rows = []
    for name in settings.problems:
        problem = make_problem(name, PROBLEMS[name])
        assert isinstance(problem, RealProblem)
        pairs = [(_ours(problem, settings, seed), _pymoo(name, settings, seed))
                 for seed in range(settings.seeds)]  # alternating: load hits both alike
        ours = np.array([pair[0] for pair in pairs])
        peer = np.array([pair[1] for pair in pairs])
        # exact also under ties; A12 with its score interval (hypervolume: higher is better)
        test = mann_whitney_u(ours[:, 1], peer[:, 1], alternative="less")
        effect = vargha_delaney_a12(ours[:, 1], peer[:, 1])
        rows.append({
            "problem": name,
            "ours ms/gen": 1e3 * float(np.median(ours[:, 0])),
            "pymoo ms/gen": 1e3 * float(np.median(peer[:, 0])),
            "speed-up": float(np.median(peer[:, 0]) / np.median(ours[:, 0])),
            "ours HV": float(np.median(ours[:, 1])),
            "pymoo HV": float(np.median(peer[:, 1])),
            "HV diff %": 100.0 * float(np.median(ours[:, 1]) / np.median(peer[:, 1]) - 1.0),
            "MWU p (ours worse)": float(test.p_value),
            "A12 ours>pymoo": float(effect.estimate),
            "seeds": settings.seeds,
        })
    return pd.DataFrame(rows)
