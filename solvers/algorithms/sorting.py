"""Non-dominated sorting and crowding distance.

``pareto_ranks`` is the production path: ``moocore.pareto_rank`` (C; O(N log N) for two
objectives). ``deb_fast_non_dominated_sort`` is a literal transcription of Deb et al.
(2002), Sec. III-A, kept to count its operations for the complexity bound and to check the
fast path against (tests/test_sorting.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import moocore
import numpy as np
from numpy.typing import NDArray

__all__ = ["DebSortResult", "crowding_distance", "deb_fast_non_dominated_sort", "pareto_ranks"]


def pareto_ranks(objectives: NDArray[np.floating] | NDArray[np.integer]) -> NDArray[np.int64]:
    """Front index of every row, 0 for the non-dominated ones (minimisation)."""
    return np.asarray(moocore.pareto_rank(np.asarray(objectives, dtype=np.float64)),
                      dtype=np.int64)


def crowding_distance(objectives: NDArray[np.floating] | NDArray[np.integer],
                      ranks: NDArray[np.int64]) -> NDArray[np.float64]:
    """Crowding distance of every row within its own front (Deb et al. 2002, Sec. III-B).

    Per objective, each front is sorted (ties keep index order); its two ends get +inf and
    an interior point adds (next - previous)/(max - min) of its front, or 0 when the front
    is flat in that objective. All fronts are handled at once by sorting on (rank, f_j).
    """
    f_all = np.asarray(objectives, dtype=np.float64)
    n_points, n_obj = f_all.shape
    distance = np.zeros(n_points)
    if n_points == 0:
        return distance
    for j in range(n_obj):
        order = np.lexsort((f_all[:, j], ranks))
        r = ranks[order]
        f = f_all[order, j]
        boundary = np.empty(n_points, dtype=bool)
        boundary[0] = True
        boundary[1:] = r[1:] != r[:-1]
        first = boundary
        last = np.empty(n_points, dtype=bool)
        last[-1] = True
        last[:-1] = r[1:] != r[:-1]
        front_id = np.cumsum(first) - 1
        span = (f[last] - f[first])[front_id]
        previous = np.concatenate(([f[0]], f[:-1]))
        following = np.concatenate((f[1:], [f[-1]]))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            contribution = np.where(span > 0, (following - previous) / span, 0.0)
        contribution[first | last] = np.inf
        distance[order] += contribution
    return distance


@dataclass(frozen=True)
class DebSortResult:
    fronts: list[list[int]]
    pair_comparisons: int
    objective_comparisons: int
    domination_updates: int

    def ranks(self, n_points: int) -> NDArray[np.int64]:
        ranks = np.empty(n_points, dtype=np.int64)
        for index, front in enumerate(self.fronts):
            ranks[front] = index
        return ranks


def deb_fast_non_dominated_sort(objectives: NDArray[np.floating] | NDArray[np.integer]
                                ) -> DebSortResult:
    """Deb et al. (2002) fast-non-dominated-sort, counting its work.

    Phase 1 compares every ordered pair (p, q), p != q, once: one pass over the M objectives
    decides whether p dominates q, q dominates p, or neither. Phase 2 peels the fronts,
    decrementing the domination counters of the solutions each front member dominates.
    """
    f = np.asarray(objectives).tolist()
    n_points = len(f)
    n_obj = len(f[0]) if n_points else 0
    dominated_by: list[list[int]] = [[] for _ in range(n_points)]  # S_p
    counter = [0] * n_points  # n_p
    pair_comparisons = 0
    objective_comparisons = 0
    fronts: list[list[int]] = [[]]
    for p in range(n_points):
        fp = f[p]
        for q in range(n_points):
            if q == p:
                continue
            pair_comparisons += 1
            fq = f[q]
            p_better = q_better = False
            for m in range(n_obj):
                objective_comparisons += 1
                if fp[m] < fq[m]:
                    p_better = True
                elif fq[m] < fp[m]:
                    q_better = True
            if p_better and not q_better:
                dominated_by[p].append(q)
            elif q_better and not p_better:
                counter[p] += 1
        if counter[p] == 0:
            fronts[0].append(p)
    updates = 0
    i = 0
    while fronts[i]:
        next_front: list[int] = []
        for p in fronts[i]:
            for q in dominated_by[p]:
                updates += 1
                counter[q] -= 1
                if counter[q] == 0:
                    next_front.append(q)
        i += 1
        fronts.append(next_front)
    fronts.pop()
    return DebSortResult([sorted(fr) for fr in fronts], pair_comparisons,
                         objective_comparisons, updates)
