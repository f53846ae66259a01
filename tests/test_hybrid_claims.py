"""Tests of ``analysis.hybrid_claims``: search time to a target, its ratio and interval, and
the per-data-set claims, on synthetic runs whose answers are known by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.hybrid_claims import hybrid_claims, search_time_ratio, seconds_to_reach
from analysis.nas_comparison import RunData
from theory.errors import InvalidParameterError


def _run(method: str, seed: int, accuracies: list[float], hv: float = 0.9,
         seconds_per_query: float = 10.0) -> RunData:
    queries = np.arange(1, len(accuracies) + 1)
    trace = pd.DataFrame({"evaluations": queries, "best_test_accuracy": accuracies,
                          "hypervolume_ratio": np.linspace(hv / 2, hv, len(queries)),
                          "simulated_seconds": queries * seconds_per_query})
    summary = {"best_test_accuracy": accuracies[-1], "hypervolume_ratio": hv,
               "simulated_seconds": float(queries[-1] * seconds_per_query)}
    return RunData(method, seed, {"dataset": "cifar10"}, trace, summary)


def test_seconds_to_reach_is_the_time_of_reached_and_held() -> None:
    run = _run("x", 0, [90.0, 93.0, 92.0, 93.5, 94.0])
    assert seconds_to_reach(run, 93.0) == 40.0  # touches 93 at query 2, holds from query 4
    assert seconds_to_reach(run, 95.0) == math.inf


def test_ratio_of_medians_against_the_reference_accuracy() -> None:
    """REA ends at 93 (mean target 93): it reaches at query 4 in every run (40 s); the
    hybrid reaches 93 at query 2 (20 s): ratio 0.5, and every resample agrees."""
    rea = [_run("reg-evolution", s, [90.0, 91.0, 92.0, 93.0]) for s in range(4)]
    hybrid = [_run("hybrid", s, [90.0, 93.0, 93.5, 94.0]) for s in range(4)]
    result = search_time_ratio(rea + hybrid)
    assert result.target_accuracy == 93.0
    assert result.method_median_seconds == 20.0 and result.reference_median_seconds == 40.0
    assert result.ratio == 0.5 and result.ratio_low == 0.5 and result.ratio_high == 0.5
    assert result.method_reached == 1.0 and result.reference_reached == 1.0
    # the same seed gives the same interval
    again = search_time_ratio(rea + hybrid)
    assert again == result


def test_ratio_is_infinite_when_the_method_never_reaches() -> None:
    rea = [_run("reg-evolution", s, [90.0, 93.0]) for s in range(3)]
    hybrid = [_run("hybrid", s, [90.0, 91.0]) for s in range(3)]
    result = search_time_ratio(rea + hybrid)
    assert math.isinf(result.ratio) and math.isinf(result.ratio_high)
    assert result.method_reached == 0.0


def test_ratio_needs_two_runs_of_each() -> None:
    with pytest.raises(InvalidParameterError) as info:
        search_time_ratio([_run("hybrid", 0, [90.0]), _run("reg-evolution", 0, [90.0]),
                           _run("reg-evolution", 1, [91.0])])
    assert "at least two runs of each method" in str(info.value)
    assert "1 runs of 'hybrid'" in str(info.value)


def test_claims_name_the_best_baseline_and_test_in_the_right_direction() -> None:
    """Hybrid 94.x in every run, TPE 95.x: 'hybrid below' must be significant (p = 1/C(10,5)
    = 0.004 exactly, one-sided); the hybrid's hypervolume is above NSGA-II's in every pair."""
    runs = [_run("hybrid", s, [90.0, 94.0 + 0.01 * s], hv=0.99 - 0.001 * s) for s in range(5)]
    runs += [_run("optuna-tpe", s, [90.0, 95.0 + 0.01 * s], hv=0.90) for s in range(5)]
    runs += [_run("nsga2-cells", s, [90.0, 93.0], hv=0.95 - 0.001 * s) for s in range(5)]
    runs += [_run("reg-evolution", s, [90.0, 93.5], hv=0.92) for s in range(5)]
    claims = hybrid_claims(runs)
    assert claims.best_baseline == "optuna-tpe"
    assert claims.accuracy_below_p == pytest.approx(1 / 252)
    assert not claims.accuracy_not_below
    assert claims.hypervolume_highest and claims.best_other_hypervolume_method == "nsga2-cells"
    assert claims.hypervolume_above_nsga2_p == pytest.approx(1 / 252)
    assert claims.hypervolume_above_nsga2_a12 == 1.0
    assert claims.runs_per_method == 5


def test_claims_refuse_runs_without_the_reference_methods() -> None:
    runs = [_run("hybrid", s, [90.0, 94.0]) for s in range(3)]
    with pytest.raises(InvalidParameterError) as info:
        hybrid_claims(runs)
    assert "nsga2-cells" in str(info.value)
