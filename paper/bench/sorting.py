"""Non-dominated sorting: ours (moocore's ranks behind solvers.algorithms.sorting), pymoo's
methods, moocore called directly, and the literal Deb (2002) transcription for scale;
medians over repeats, N in {200, 1000, 5000}, M in {2, 3}.

Every repeat times each method once, in turn, so that changes in machine load during the
benchmark fall on all methods alike. ``sorting_table`` gives one row per (M, N) with the
ratio of ours to pymoo's fastest method; ``sorting_exponents`` fits the exponent b of
time ~ N^b per method and M (least squares on log time vs log N), to set beside the
O(N log N) claim for two objectives (b slightly above 1 over this range) and O(M N^2)
for Deb's sort (b = 2).
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from functools import partial

import moocore
import numpy as np
import pandas as pd

from solvers.algorithms.sorting import deb_fast_non_dominated_sort, pareto_ranks

__all__ = ["sorting_exponents", "sorting_table"]

PYMOO_METHODS = ("fast_non_dominated_sort", "efficient_non_dominated_sort",
                 "tree_based_non_dominated_sort")


def _calls_per_repeat(call: Callable[[], object]) -> int:
    number = 1
    while timeit.timeit(call, number=number) < 0.02 and number < 10_000:
        number *= 4
    return number


def _interleaved_medians(calls: dict[str, Callable[[], object]], repeat: int
                         ) -> dict[str, float]:
    """Median seconds per call of each method; each repeat runs every method once."""
    numbers = {name: _calls_per_repeat(call) for name, call in calls.items()}
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            samples[name].append(timeit.timeit(call, number=numbers[name]) / numbers[name])
    return {name: float(np.median(values)) for name, values in samples.items()}


def _calls(points: np.ndarray) -> dict[str, Callable[[], object]]:
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    calls: dict[str, Callable[[], object]] = {
        "ours": partial(pareto_ranks, points),
        "moocore": partial(moocore.pareto_rank, points),
    }
    for method in PYMOO_METHODS:
        calls[f"pymoo {method}"] = partial(NonDominatedSorting(method=method).do, points,
                                           return_rank=True)
    if len(points) <= 200:
        calls["literal Deb 2002"] = partial(deb_fast_non_dominated_sort, points)
    return calls


def _timings(sizes: tuple[int, ...], objectives: tuple[int, ...], seed: int, repeat: int
             ) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for m in objectives:
        for n in sizes:
            points = rng.random((n, m))
            medians = _interleaved_medians(_calls(points), repeat)
            rows.append({"M": m, "N": n, **{f"{k} ms": 1e3 * v for k, v in medians.items()}})
    return rows


def sorting_table(sizes: tuple[int, ...] = (200, 1000, 5000),
                  objectives: tuple[int, ...] = (2, 3), seed: int = 0, repeat: int = 9
                  ) -> pd.DataFrame:
    """Median milliseconds per method and (M, N), and ours / pymoo's fastest method."""
    frame = pd.DataFrame(_timings(sizes, objectives, seed, repeat))
    pymoo_columns = [f"pymoo {m} ms" for m in PYMOO_METHODS]
    frame["ours / pymoo best"] = frame["ours ms"] / frame[pymoo_columns].min(axis=1)
    return frame


def sorting_exponents(table: pd.DataFrame) -> pd.DataFrame:
    """Fitted b in time ~ N^b per method and M, from a ``sorting_table``."""
    rows = []
    for m, group in table.groupby("M"):
        log_n = np.log(group["N"].to_numpy(dtype=float))
        for column in [c for c in group.columns if c.endswith(" ms")]:
            times = group[column].to_numpy(dtype=float)
            usable = np.isfinite(times)
            if usable.sum() < 2:
                continue
            slope = float(np.polyfit(log_n[usable], np.log(times[usable]), 1)[0])
            rows.append({"M": m, "method": column.removesuffix(" ms"), "exponent b": slope})
    return pd.DataFrame(rows)
