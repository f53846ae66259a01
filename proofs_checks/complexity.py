"""Checks of the operation counts: the literal Deb et al. (2002) sort, counted."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from proofs_checks.check import (
    Check,
    CheckContext,
    CheckResult,
    Measurement,
    Sabotage,
    Verdict,
    search_instances,
)
from solvers.algorithms.sorting import deb_fast_non_dominated_sort

__all__ = ["COMPLEXITY_CHECKS"]


@st.composite
def _objective_matrix(draw: st.DrawFn) -> np.ndarray:
    rows = draw(st.integers(1, 40))
    cols = draw(st.integers(1, 4))
    high = draw(st.sampled_from([1, 3, 10, 1000]))  # few values: ties, chains, duplicates
    matrix: np.ndarray = draw(hnp.arrays(np.int64, (rows, cols),
                                         elements=st.integers(0, high)))
    return matrix


class FastSortCountCheck(Check):
    bound_id = "nds.deb2002.pair-comparisons"
    name = "deb-sort-comparisons"
    method = "exact equality on every Hypothesis-drawn objective matrix"
    sabotages = (Sabotage("scaled-0.5", "bound-scaled",
                          "the count claimed as N(N-1)/2 (unordered pairs)", factor=0.5),)

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        objective_counts_ok = True

        def measure(matrix: np.ndarray) -> Measurement:
            nonlocal objective_counts_ok
            result = deb_fast_non_dominated_sort(matrix)
            n_points, n_obj = matrix.shape
            value = self.bound.evaluate(N=n_points) * setting.factor
            objective_counts_ok &= result.objective_comparisons == n_obj * n_points * (
                n_points - 1)
            instance: dict[str, Any] = {"N": n_points, "M": n_obj,
                                        "matrix": matrix.tolist()}
            return Measurement(float(result.pair_comparisons), value,
                               result.pair_comparisons == value, instance)

        examples = 60 if context.quick else 300
        outcome = search_instances(_objective_matrix(), measure, examples, context.seed,
                                   context.database(f"{self.name}-{setting.name}"))
        counter = outcome.counterexample
        return self.result(
            setting, assumptions_hold=True, instances=outcome.tried, runs=outcome.tried,
            violations=outcome.violations,
            verdict=Verdict.VIOLATION if counter else Verdict.PASS,
            statistic_name="max measured/bound", statistic=outcome.worst_tightness,
            tightness=outcome.worst_tightness,
            counterexample=None if counter is None else {
                **counter.instance, "measured": counter.measured, "bound": counter.bound},
            details={"objective_comparisons_equal_M_N_(N-1)": objective_counts_ok},
        )


COMPLEXITY_CHECKS: tuple[Check, ...] = (FastSortCountCheck(),)
