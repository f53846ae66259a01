"""Non-dominated sorting: ours (moocore's ranks behind solvers.algorithms.sorting), pymoo's
methods, moocore called directly, and the literal Deb (2002) transcription for scale;
medians over repeats, N in {200, 1000, 5000}, M in {2, 3}."""

from __future__ import annotations

import timeit
from functools import partial

import moocore
import numpy as np
import pandas as pd

from solvers.algorithms.sorting import deb_fast_non_dominated_sort, pareto_ranks

__all__ = ["sorting_table"]


def _median_seconds(call, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    number = 1
    while timeit.timeit(call, number=number) < 0.05 and number < 10_000:
        number *= 4
    return float(np.median(timeit.repeat(call, number=number, repeat=repeat)) / number)


def sorting_table(sizes: tuple[int, ...] = (200, 1000, 5000),
                  objectives: tuple[int, ...] = (2, 3), seed: int = 0) -> pd.DataFrame:
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    rng = np.random.default_rng(seed)
    rows = []
    for m in objectives:
        for n in sizes:
            points = rng.random((n, m))
            row: dict[str, object] = {"M": m, "N": n}
            row["ours ms"] = 1e3 * _median_seconds(partial(pareto_ranks, points))
            row["moocore ms"] = 1e3 * _median_seconds(partial(moocore.pareto_rank, points))
            for method in ("fast_non_dominated_sort", "efficient_non_dominated_sort",
                           "tree_based_non_dominated_sort"):
                sorter = NonDominatedSorting(method=method)
                try:
                    row[f"pymoo {method} ms"] = 1e3 * _median_seconds(
                        partial(sorter.do, points, return_rank=True), repeat=3)
                except Exception as exc:  # pragma: no cover - a method pymoo lacks
                    row[f"pymoo {method} ms"] = f"n/a ({type(exc).__name__})"
            if n <= 200:
                row["literal Deb 2002 ms"] = 1e3 * _median_seconds(
                    partial(deb_fast_non_dominated_sort, points), repeat=3)
            rows.append(row)
    return pd.DataFrame(rows)
