"""Architecture search on NAS-Bench-201: budgets, the query cache, reproducibility, the
hybrid's components, the comparison statistics, tuning and the ``search`` command.

The full experiment (every method, 10 seeds, 150 queries, CIFAR-10 / pixel3) is the slow
test at the end; it prints the results table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.effect_sizes import mean_interval
from analysis.metrics import METRICS
from analysis.nas_comparison import (
    RunData,
    a12,
    compare_methods,
    curve_at,
    kaplan_meier_median,
    queries_to_reach,
)
from solvers.algorithms.hybrid import HybridConfig, fit_cost_table, one_hot
from solvers.algorithms.nas_baselines import (
    NAS_BASELINES,
    QueryLedger,
    nsga2_survival,
    per_edge_mutation,
    repair,
)
from solvers.cost_model import cost_table
from solvers.problems.nb201 import NB201Config, NB201Problem
from solvers.registry import SOLVERS, make_solver
from solvers.search_space import NB201Cell
from solvers.store import RunStore
from solvers.trace import VOLATILE_COLUMNS, TraceRecorder
from theory.errors import InvalidParameterError, UnknownNameError

SPACE = NB201Cell()
BUDGET = 30
#: small configurations: every method spends BUDGET queries quickly
SMALL: dict[str, dict[str, Any]] = {
    "random-search": {},
    "reg-evolution": {"population": 8, "sample": 3},
    "nsga2-cells": {"pop": 8},
    "local-search": {},
    "optuna-tpe": {"n_startup_trials": 5},
    "optuna-nsgaii": {"pop": 8},
    "hybrid": {"pop": 8, "n_refine": 3, "refine_steps": 5, "pool_factor": 4},
}
NAS_SOLVERS = sorted(SMALL)


@pytest.fixture(scope="module")
def problem() -> NB201Problem:
    return NB201Problem(NB201Config())


def run(name: str, problem: NB201Problem, seed: int, budget: int = BUDGET,
        **params: Any) -> TraceRecorder:
    recorder = TraceRecorder()
    solver = make_solver(name, {"max_queries": budget, **SMALL[name], **params})
    solver.run(problem, seed, recorder)
    return recorder


@pytest.fixture(scope="module")
def runs(problem: NB201Problem) -> dict[tuple[str, int], TraceRecorder]:
    """Every method at seeds 0, 0 (again) and 1 (TensorFlow is imported once, here)."""
    return {(name, k): run(name, problem, seed) for name in NAS_SOLVERS
            for k, seed in enumerate((0, 0, 1))}


def test_every_nas_solver_is_registered_for_architecture_problems() -> None:
    names = {cls.name for cls in NAS_BASELINES} | {"hybrid"}
    assert names == set(SMALL)
    for name in names:
        assert SOLVERS[name].problem_kinds == ("architecture",)


@pytest.mark.parametrize("name", NAS_SOLVERS)
def test_budget_cache_and_monotone_instrumentation(
        name: str, runs: dict[tuple[str, int], TraceRecorder], problem: NB201Problem) -> None:
    recorder = runs[(name, 0)]
    frame = recorder.to_frame()
    assert list(frame["evaluations"]) == list(range(1, BUDGET + 1))
    summary = recorder.summary
    queried = [SPACE.from_string(s) for s in summary["queried_cells"]]
    assert len(queried) == len(set(queried)) == BUDGET == summary["queries"]
    assert np.all(np.diff(frame["hypervolume"]) >= 0)
    assert np.all(np.diff(frame["best_search_error"]) <= 0)
    # the best cell is the queried cell with the lowest search error, and its accuracy the
    # reported 200-epoch test accuracy
    errors = problem.evaluate(queried)[:, 0]
    best = queried[int(np.argmin(errors))]
    assert summary["best_search_error"] == pytest.approx(errors.min())
    assert summary["best_test_accuracy"] == pytest.approx(
        problem.report([best])["test_accuracy"][0])
    assert frame["simulated_seconds"].iloc[-1] == pytest.approx(
        problem.query_seconds(queried).sum())
    # the front in the summary is the non-dominated set of the queried cells
    import moocore

    values = problem.evaluate(queried)
    front = {SPACE.to_string(queried[i]) for i in np.flatnonzero(
        moocore.is_nondominated(values))}
    assert set(summary["front_cells"]) == front
    assert summary["final_hypervolume"] == pytest.approx(
        moocore.hypervolume(values, ref=problem.reference_point()))
    assert summary["hypervolume_ratio"] == pytest.approx(
        summary["final_hypervolume"] / problem.max_hypervolume())


@pytest.mark.parametrize("name", NAS_SOLVERS)
def test_same_seed_same_trace_other_seed_other_trace(
        name: str, runs: dict[tuple[str, int], TraceRecorder]) -> None:
    first, again, other = (runs[(name, k)].to_frame().drop(columns=list(VOLATILE_COLUMNS))
                           for k in range(3))
    pd.testing.assert_frame_equal(first, again)
    assert runs[(name, 0)].summary == runs[(name, 1)].summary
    assert runs[(name, 0)].summary["queried_cells"] != runs[(name, 2)].summary["queried_cells"]
    assert not first.equals(other)


def test_repeated_queries_cost_nothing(problem: NB201Problem) -> None:
    recorder = TraceRecorder()
    ledger = QueryLedger(problem, 2, recorder)
    a, b, c = (0, 1, 2, 3, 4, 0), (3, 3, 3, 3, 3, 3), (1, 1, 1, 1, 1, 1)
    cells, values = ledger.query([a, a, a])
    assert cells == [a, a, a] and ledger.queries == 1 and len(recorder) == 1
    assert ledger.seconds == pytest.approx(problem.query_seconds([a])[0])
    cells, values = ledger.query([b, a, c])  # c is past the budget: dropped
    assert cells == [b, a] and ledger.queries == 2 and ledger.done
    np.testing.assert_allclose(values, problem.evaluate([b, a]))
    assert ledger.query([c]) == ([], pytest.approx(np.empty((0, 3))))


def test_variation_respects_allowed_operations() -> None:
    rng = np.random.default_rng(5)
    allowed = np.ones((6, 5), dtype=bool)
    allowed[:, 3] = False  # no nor_conv_3x3 anywhere
    for _ in range(200):
        parent = tuple(int(v) for v in rng.integers(0, 5, 6))
        child = per_edge_mutation(parent, 0.3, allowed, rng)
        assert child != parent or all(not allowed[e].any() for e in range(6))
        fixed = repair(child, allowed, rng)
        assert all(allowed[e, op] for e, op in enumerate(fixed))


def test_nsga2_survival_keeps_whole_fronts() -> None:
    rng = np.random.default_rng(0)
    objectives = rng.random((30, 3))
    survivors, ranks, _ = nsga2_survival(objectives, 12, rng)
    from solvers.algorithms.sorting import pareto_ranks

    all_ranks = pareto_ranks(objectives)
    assert len(set(survivors.tolist())) == 12
    worst = ranks.max()
    assert np.all(all_ranks[np.setdiff1d(np.arange(30), survivors)] >= worst)
    assert np.all(np.isin(np.flatnonzero(all_ranks < worst), survivors))


def test_local_search_first_improvement_and_pareto_modes(problem: NB201Problem) -> None:
    for mode in ("pareto", "first-improvement"):
        recorder = run("local-search", problem, 3, mode=mode)
        assert recorder.summary["queries"] == BUDGET
    with pytest.raises(InvalidParameterError) as info:
        make_solver("local-search", {"mode": "best"})
    assert "mode='best'" in str(info.value)


def test_architecture_solvers_reject_other_problems() -> None:
    from solvers.registry import make_problem

    with pytest.raises(InvalidParameterError) as info:
        make_solver("hybrid").run(make_problem("zdt1"), 0, TraceRecorder())
    assert "architecture" in str(info.value)


# -- the hybrid's components ----------------------------------------------------------------
def test_additive_cost_table_is_exact_for_parameters(problem: NB201Problem) -> None:
    rng = np.random.default_rng(11)
    cells = [SPACE.random_cell(rng) for _ in range(60)]
    values = problem.evaluate(cells)[:, 2]
    table, intercept = fit_cost_table(one_hot(cells, 6, 5), values, 6, 5)
    every = list(SPACE.all_cells())
    predicted = one_hot(every, 6, 5).astype(float) @ table.ravel() + intercept
    np.testing.assert_allclose(predicted, cost_table()["params"] / 1e6, atol=1e-9)
    # exact expectation under softmax(alpha): linearity vs brute force over all cells
    alpha = rng.standard_normal((6, 5))
    p = np.exp(alpha) / np.exp(alpha).sum(axis=1, keepdims=True)
    probabilities = np.array([np.prod(p[np.arange(6), list(c)]) for c in every])
    assert probabilities.sum() == pytest.approx(1.0)
    brute = float(probabilities @ predicted)
    assert float((p * table).sum() + intercept) == pytest.approx(brute, rel=1e-12)


def test_refinement_follows_the_memory_gradient(problem: NB201Problem) -> None:
    """With all weight on memory, refining a conv-heavy cell lowers its parameter count,
    and every Armijo step respects the certified smoothness bound."""
    from solvers.algorithms.surrogates import CellGP, RelaxedScalarisation, armijo_descent

    rng = np.random.default_rng(2)
    cells = [SPACE.random_cell(rng) for _ in range(50)]
    values = problem.evaluate(cells)
    codes = one_hot(cells, 6, 5)
    gp = CellGP.fit(codes, values[:, 0])
    tables = np.stack([fit_cost_table(codes, values[:, m], 6, 5)[0] for m in (1, 2)])
    intercepts = np.array([fit_cost_table(codes, values[:, m], 6, 5)[1] for m in (1, 2)])
    lo, span = values.min(axis=0), np.ptp(values, axis=0)
    for start in [(3, 3, 3, 3, 3, 3), (2, 3, 2, 3, 2, 3)]:
        objective = RelaxedScalarisation(gp, tables, intercepts, np.array([0.0, 0.0, 1.0]),
                                         lo, span, np.zeros((6, 5)))
        alpha, log = armijo_descent(objective, SPACE.to_alpha(start, 1.0), 20.0, 30)
        assert log.first_gradient_norm > 0
        assert np.all(np.diff(log.values) <= 0)
        assert min(log.steps) >= min(20.0, 1.0 / (2.0 * log.lipschitz))
        assert max(log.descent_gaps) <= 1e-12
        refined = SPACE.from_alpha(alpha)
        assert problem.evaluate([refined])[0, 2] < problem.evaluate([start])[0, 2]


def test_hybrid_instrumentation(problem: NB201Problem) -> None:
    recorder = run("hybrid", problem, 0, budget=80, stages=3, min_ops=2)
    frame = recorder.to_frame()
    summary = recorder.summary
    for column in ("generation", "stage", "allowed_ops", "grad_norm", "gp_spearman",
                   "gp_length_scale", "refined_new", "refined_survivors"):
        assert column in frame.columns
    assert np.all(np.diff(frame["allowed_ops"]) <= 0)
    assert frame["stage"].max() == 2
    assert np.all(np.diff(frame["generation"]) >= 0)
    assert 0 <= summary["refined_survivors"] <= summary["refined_queries"]
    origins = (summary["queried_from_evolution"] + summary["queried_from_local"]
               + summary["queried_from_refined"])
    assert origins == summary["queries"] - 8  # all but the initial population
    assert summary["queried_from_refined"] == summary["refined_queries"]
    assert np.nanmax(np.abs(frame["gp_spearman"])) <= 1.0
    # the GP ranks unseen cells better than chance (seed 0: deterministic)
    assert summary["mean_gp_spearman"] > 0.2
    assert math.isfinite(summary["mean_grad_norm"]) and summary["mean_grad_norm"] > 0
    assert summary["prune_log"] and all(len(row) == 3 for row in summary["prune_log"])
    assert summary["refine_log"] and all(row["max_increase"] <= 0
                                         for row in summary["refine_log"])
    # cells queried after the last pruning never use an operation pruned on their edge
    pruned = [set(p.split(",")) - {""} for p in summary["pruned_ops"]]
    last = int(np.flatnonzero(frame["stage"].to_numpy() == 2)[0])
    for text in summary["queried_cells"][last:]:
        cell = SPACE.from_string(text)
        assert all(SPACE.ops[op] not in pruned[e] for e, op in enumerate(cell))


def test_hybrid_config_rules() -> None:
    with pytest.raises(InvalidParameterError) as info:
        HybridConfig(surrogate="oracle")
    assert "surrogate='oracle'" in str(info.value)
    with pytest.raises(InvalidParameterError):
        HybridConfig(step_size=0.0)
    with pytest.raises(InvalidParameterError) as info:
        HybridConfig(accuracy_share=1.5)
    assert "0 <= accuracy_share <= 1" in str(info.value)


# -- statistics on stored runs --------------------------------------------------------------
def test_a12_and_mean_interval_reference_values() -> None:
    assert a12([1, 2, 3], [1, 2, 3]) == 0.5
    assert a12([4, 5], [1, 2, 3]) == 1.0
    assert a12([1], [1, math.inf]) == 0.25
    est = mean_interval([1.0, 2.0, 3.0, 4.0])
    half = stats.t.ppf(0.975, 3) * np.std([1, 2, 3, 4], ddof=1) / 2  # sem = sd / sqrt(4)
    assert (est.point, est.ci_low, est.ci_high) == pytest.approx((2.5, 2.5 - half, 2.5 + half))
    # bounded: the old t-interval of accuracies near 100 % reached past 100
    near = mean_interval([99.0, 100.0, 98.0], metric=METRICS["best_test_accuracy"])
    assert near.ci_high == 100.0 and "clipped" in near.method
    with pytest.raises(InvalidParameterError):
        mean_interval([])


def _synthetic(method: str, seed: int, accuracies: list[float], hv: float) -> RunData:
    queries = np.arange(1, len(accuracies) + 1)
    trace = pd.DataFrame({"evaluations": queries, "best_test_accuracy": accuracies,
                          "hypervolume_ratio": np.linspace(hv / 2, hv, len(queries))})
    summary = {"best_test_accuracy": accuracies[-1], "hypervolume_ratio": hv,
               "simulated_seconds": 3600.0}
    return RunData(method, seed, {"dataset": "cifar10"}, trace, summary)


def test_curves_and_queries_to_target() -> None:
    run_data = _synthetic("x", 0, [90.0, 91.0, 91.0, 93.0], 0.8)
    np.testing.assert_allclose(curve_at(run_data.trace, "best_test_accuracy", [0, 1, 3, 10]),
                               [np.nan, 90.0, 91.0, 93.0])
    assert queries_to_reach(run_data.trace, 91.0) == 2
    assert queries_to_reach(run_data.trace, 93.5) == math.inf
    # reached and held: the reported cell touches 92.3 at query 2 and ends at 92.05; the
    # old code said "reached at 2"
    dips = _synthetic("x", 0, [90.0, 92.3, 91.0, 92.05], 0.8)
    assert queries_to_reach(dips.trace, 92.3) == math.inf
    assert queries_to_reach(dips.trace, 92.0) == 4


def test_kaplan_meier_median_of_censored_queries() -> None:
    """Exactly half the runs reach (at 2, 2, 3, 3; four censored at 150): the KM survival
    falls to 1/2 at 3, so the median is 3. The old plain median of values with +inf read
    "never" (and statsmodels' own quantile(0.5) gives NaN at S = 1/2 exactly)."""
    times = [2, 2, 3, 3, math.inf, math.inf, math.inf, math.inf]
    assert np.median(times) == math.inf
    assert kaplan_meier_median(times, [150] * 8) == 3
    assert kaplan_meier_median([2, math.inf, math.inf], [150] * 3) == math.inf
    assert kaplan_meier_median([5, 7, 9], [150] * 3) == 7


def test_comparison_detects_a_clear_difference() -> None:
    rng = np.random.default_rng(0)
    data = []
    for seed in range(10):
        data.append(_synthetic("hybrid", seed, [92.0, 93.0 + 0.01 * seed, 94.0 + 0.01 * seed],
                               0.9 + 0.001 * seed))
        data.append(_synthetic("reg-evolution", seed, [90.0, 91.0, 92.0 + 0.01 * seed],
                               0.8 + 0.001 * seed))
        data.append(_synthetic("random-search", seed, [90.0, 93.5, 94.0 + 0.01 * rng.random()],
                               0.9 + 0.001 * seed))
    target = 92.045  # fixed before the runs, not a method's own mean
    result = compare_methods(data, target_accuracy=target)
    assert result.target_accuracy == target
    assert len(result.tests) == 3 * 2  # one Holm family: both baselines, all metrics
    by = {(t.metric, t.versus): t for t in result.tests}
    rea = by[("best_test_accuracy", "reg-evolution")]
    assert rea.reject and rea.a12 == 1.0 and rea.p_holm >= rea.p_value
    assert rea.a12_low < 1.0  # the score interval does not collapse under separation
    # A12 is P(hybrid better) for every metric: fewer queries is better, so 1.0 here
    assert by[("queries_to_target", "reg-evolution")].a12 == 1.0
    assert not by[("hypervolume_ratio", "random-search")].reject
    summary = {m.method: m for m in result.methods}
    assert summary["hybrid"].queries_to_target_median == 2
    # REA: the 5 runs at or above the target reach it at query 3, the other 5 never do:
    # exactly half, so the Kaplan-Meier median is 3 (the old plain median said "never")
    assert summary["reg-evolution"].reached_fraction == 0.5
    assert summary["reg-evolution"].queries_to_target_median == 3
    assert "reg-evolution" in result.table()
    with pytest.raises(InvalidParameterError):
        compare_methods([d for d in data if d.method != "hybrid"], target_accuracy=target)
    paired = compare_methods(data, target_accuracy=target, paired=True)
    assert {t.test for t in paired.tests} == {"Wilcoxon"}


def test_tied_queries_get_the_exact_test() -> None:
    """Queries to target are heavily tied (censored runs tie at +inf): the old code used the
    normal approximation (p = 0.067 on [1, 1, 2, 9] vs [9, 9, 9, 9]); exact p = 10/70."""
    data = []
    for seed, (h, r) in enumerate(zip([1, 1, 2, 9], [9, 9, 9, 9], strict=True)):
        for method, reach in (("hybrid", h), ("reg-evolution", r)):
            accuracies = [90.0] * (reach - 1) + [95.0] * (10 - reach)
            data.append(_synthetic(method, seed, accuracies, 0.5))
    result = compare_methods(data, target_accuracy=94.0)
    (queries,) = [t for t in result.tests if t.metric == "queries_to_target"]
    assert queries.exact and queries.p_value == pytest.approx(10 / 70)


def test_paired_comparison_matches_runs_by_seed() -> None:
    """Seeds {0,1,2,3} against {1,2,3,7}: the old code paired by position; now seeds 1, 2,
    3 are paired and the others named; three pairs cannot reach 0.05 (smallest p 1/4)."""
    data = [_synthetic("hybrid", s, [90.0, 93.0 + s], 0.9) for s in (0, 1, 2, 3)]
    data += [_synthetic("reg-evolution", s, [90.0, 91.0 + s], 0.8) for s in (1, 2, 3, 7)]
    result = compare_methods(data, target_accuracy=92.0, paired=True)
    accuracy = next(t for t in result.tests if t.metric == "best_test_accuracy")
    assert accuracy.pairs == 3 and not accuracy.can_reject and not accuracy.reject
    assert accuracy.min_p == pytest.approx(0.25)
    assert any("[0, 7]" in n for n in result.notes)
    assert "cannot reject" in result.table()


def test_a_diverged_run_is_reported_and_ranked_worst() -> None:
    data = [_synthetic("hybrid", s, [90.0, 93.0], 0.9) for s in range(4)]
    data += [_synthetic("reg-evolution", s, [90.0, 92.0], 0.8) for s in range(4)]
    data[0].summary["best_test_accuracy"] = float("nan")
    result = compare_methods(data, target_accuracy=92.5)
    hybrid = next(m for m in result.methods if m.method == "hybrid")
    assert hybrid.diverged == 1 and hybrid.accuracy_mean == 93.0  # mean of the other 3
    accuracy = next(t for t in result.tests if t.metric == "best_test_accuracy")
    assert accuracy.a12 == pytest.approx(3 / 4)  # the diverged run loses to every other
    assert any("without a finite final value" in n for n in result.notes)


# -- tuning ---------------------------------------------------------------------------------
def test_tuning_refuses_the_test_setting() -> None:
    from solvers.tuning import TuningConfig

    with pytest.raises(InvalidParameterError) as info:
        TuningConfig(dataset="cifar10", device="pixel3")
    assert "test_dataset" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        TuningConfig(device="pixel9")
    assert "device='pixel9'" in str(info.value)


@pytest.mark.parametrize("n_refine", [
    0, pytest.param(3, marks=pytest.mark.slow, id="with-refinement")])
def test_tuning_is_seeded(n_refine: int) -> None:
    """Same seed, same trials."""
    from solvers.tuning import SEARCH_SPACE, TuningConfig, tune_hybrid

    config = TuningConfig(n_trials=2, seeds=1, budget=24)
    base = HybridConfig(**{**SMALL["hybrid"], "n_refine": n_refine})
    first = tune_hybrid(config, seed=3, base=base)
    again = tune_hybrid(config, seed=3, base=base)
    assert first.trials == again.trials and len(first.trials) == 2
    assert set(first.best_params) == set(SEARCH_SPACE)
    assert isinstance(first.best_params["local_top"], int)
    assert first.direction == "maximize"
    assert first.best_value == max(value for _, value in first.trials)


# -- the command -------------------------------------------------------------------------------
def _command(argv: list[str]) -> int:
    from paper.search_command import SearchCommand

    command = SearchCommand()
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return command.run(parser.parse_args(argv), [])


def test_search_command_runs_stores_and_reuses(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--budget", "12", "--seeds", "3", "--workers", "1", "--results",
            str(tmp_path), "--methods", "hybrid,reg-evolution,random-search"]
    assert _command([*argv, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["executed"] == 9 and payload["reused"] == 0
    methods = {m["method"] for m in payload["comparison"]["methods"]}
    assert methods == {"hybrid", "reg-evolution", "random-search"}
    assert all(row["cell"].count("~") == 6 for row in payload["fronts"]["hybrid"])
    assert len(RunStore(tmp_path).iter_runs()) == 9
    assert _command(argv) == 0
    text = capsys.readouterr().out
    assert "0 runs executed, 9 reused" in text and "anytime curve" in text
    assert "pooled Pareto front" in text and "test acc" in text


def test_search_command_bad_input(tmp_path: Path) -> None:
    base = ["--budget", "5", "--seeds", "1", "--results", str(tmp_path)]
    with pytest.raises(UnknownNameError):
        _command([*base, "--methods", "hybrid,reg-evolution,grid-search"])
    with pytest.raises(UnknownNameError):
        _command([*base, "--benchmark", "nb101"])
    with pytest.raises(InvalidParameterError) as info:
        _command([*base, "--device", "pixel9"])
    assert "device='pixel9'" in str(info.value)
    with pytest.raises(InvalidParameterError, match="at least two methods, each once"):
        _command([*base, "--methods", "random-search,random-search"])


def test_search_accepts_any_method_subset(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Without the hybrid, the first method named is compared with each other one (the
    command used to refuse a subset without 'hybrid')."""
    args = ["--budget", "8", "--seeds", "2", "--results", str(tmp_path), "--workers", "1",
            "--methods", "random-search,reg-evolution"]
    assert _command(args) == 0
    text = capsys.readouterr().out
    assert "random-search vs each other method" in text
    assert "vs reg-evolution" in text and "hybrid" not in text


# -- the experiment ----------------------------------------------------------------------------
@pytest.mark.slow
def test_nb201_cifar10_experiment(tmp_path: Path) -> None:
    """Every method, 10 seeds, 150 queries on CIFAR-10 / pixel3 (several minutes)."""
    from paper.search_command import DEFAULT_METHODS, search_experiment

    outcome = search_experiment(RunStore(tmp_path), budget=150, seeds=10, workers=1)
    comparison = outcome.comparison
    print(comparison.table())
    assert {m.method for m in comparison.methods} == set(DEFAULT_METHODS)
    assert all(m.runs == 10 for m in comparison.methods)
    assert len(comparison.tests) == 3 * (len(DEFAULT_METHODS) - 1)
    for method in comparison.methods:
        assert 85.0 < method.accuracy_mean <= 94.37 + 1e-9
        assert method.accuracy_low <= method.accuracy_mean <= method.accuracy_high
        assert 0.0 < method.hypervolume_mean <= 1.0
    # the target is the 99 % quantile of the benchmark: regularised evolution reaches it in
    # at least one run
    rea = next(m for m in comparison.methods if m.method == "reg-evolution")
    assert rea.reached_fraction > 0 and comparison.target_accuracy == pytest.approx(93.77,
                                                                                    abs=0.01)


def test_pairs_of_methods_differ_in_queried_cells(
        runs: dict[tuple[str, int], TraceRecorder]) -> None:
    for a, b in itertools.combinations(NAS_SOLVERS, 2):
        assert runs[(a, 0)].summary["queried_cells"] != runs[(b, 0)].summary["queried_cells"]
