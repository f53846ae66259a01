"""The significance report of a run store (``analysis.report``) and ``nasbound stats``:
directions read from ``analysis.metrics``, winners named only where a test rejects, tests
that cannot reject reported as such, pairing by seed, diverged runs, and one correction
across the metrics of a report."""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.report import runs_frame, significance_report, store_report
from paper.stats_command import StatsCommand
from solvers.store import RunSpec, RunStore
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError


# -- the report and the command -------------------------------------------------------------
def _store(tmp_path: Path, solvers: dict[str, float], seeds: int = 6) -> RunStore:
    store = RunStore(tmp_path / "runs")
    rng = np.random.default_rng(0)
    for (solver, shift), n, seed in itertools.product(solvers.items(), (8, 16, 32),
                                                      range(seeds)):
        spec = RunSpec(solver, {"pop_size": 10}, "onemax", {"n": n}, seed)
        recorder = TraceRecorder()
        cost = float(n * (1 + shift) + rng.normal(0, 1))
        recorder.record(0, 0, best=float(n))
        recorder.record(1, int(cost), best=0.0)
        recorder.set_summary(cost=cost, constant=1.0, seconds_per_generation=rng.random())
        store.save(spec, recorder, 0.0)
    return store


def test_runs_frame_groups_and_labels(tmp_path: Path) -> None:
    store = _store(tmp_path, {"ea": 0.0, "ga": 0.5})
    runs = store.iter_runs()
    frame = runs_frame(runs, minimize={"cost"})
    assert set(frame["measurement"]) == {"cost"}  # constant and machine-speed entries left out
    assert set(frame["method"]) == {"ea", "ga"}
    assert set(frame["problem"]) == {"onemax[n=8]", "onemax[n=16]", "onemax[n=32]"}
    by_n = runs_frame(runs, group_by="n", metrics=["cost", "best"],
                      minimize={"cost", "best"})
    assert set(by_n["method"]) == {"n=8", "n=16", "n=32"}
    assert set(by_n["measurement"]) == {"cost", "best"}
    assert (by_n.loc[by_n["measurement"] == "best", "value"] == 0.0).all()  # trace column
    with pytest.raises(InvalidParameterError, match="config field"):
        runs_frame(runs, group_by="no_such_field", minimize={"cost"})
    with pytest.raises(InvalidParameterError, match="summary entry or a trace column"):
        runs_frame(runs, metrics=["missing"], minimize={"missing"})
    # old code compared every varying entry as if lower were better; now a measurement
    # without a declared direction is refused when asked for, and left out otherwise
    with pytest.raises(InvalidParameterError, match="declared direction"):
        runs_frame(runs, metrics=["cost"])
    with pytest.raises(InvalidParameterError, match="declared direction"):
        runs_frame(runs)


def test_significance_report_three_methods(tmp_path: Path) -> None:
    _store(tmp_path, {"ea": 0.0, "ga": 0.5, "rs": 2.0})
    report = store_report(tmp_path / "runs", minimize={"cost"})
    (cost,) = report.reports
    assert cost.direction == "minimize" and "lower is better" in cost.label
    assert len(cost.pairwise) == 3 * 3  # three problems, three pairs each
    assert cost.friedman is not None and cost.friedman.rejects(0.05)
    assert cost.critical_difference is not None
    assert cost.friedman.average_ranks == pytest.approx((1.0, 2.0, 3.0))
    assert all(c.p_adjusted >= c.test.p_value for c in cost.pairwise)
    ea_rs = [c for c in cost.pairwise if (c.method_a, c.method_b) == ("ea", "rs")]
    # ea has the lower cost: P(ea better) = 1, and 6 vs 6 seeds can reject (min p 2/924)
    assert all(c.test.p_value < 0.01 and c.a12 == 1.0 and c.better == "ea" for c in ea_rs)
    assert all(c.a12_ci_low < 1.0 for c in ea_rs)  # the score interval never collapses
    assert all(c.better in ("", c.method_a) for c in cost.pairwise)
    text = report.to_text()
    assert "Friedman over 3 blocks" in text and "Nemenyi critical difference" in text
    assert "lower is better" in text
    latex = report.to_latex()
    assert r"\toprule" in latex and r"\bottomrule" in latex and "onemax[n=8]" in latex
    assert "lower is better" in latex
    json.dumps(report.to_dict(), default=str)


def _nas_store(tmp_path: Path, seeds: dict[str, list[int]] | None = None,
               diverged: tuple[str, int] | None = None) -> Path:
    """Runs that hold an accuracy (higher is better) and a search error (lower is better):
    "good" has the higher accuracy and the lower error on every seed."""
    store = RunStore(tmp_path / "nas")
    rng = np.random.default_rng(1)
    seeds = seeds or {"good": list(range(8)), "poor": list(range(8))}
    for solver, chosen in seeds.items():
        for seed in chosen:
            spec = RunSpec(solver, {}, "nb201", {"dataset": "cifar10"}, seed)
            recorder = TraceRecorder()
            recorder.record(0, 1, best=0.0)
            shift = 2.0 if solver == "good" else 0.0
            accuracy = 90.0 + shift + float(rng.normal(0, 0.3))
            error = 100.0 - accuracy - 1.0
            if diverged == (solver, seed):
                accuracy = error = float("nan")
            recorder.set_summary(best_test_accuracy=accuracy, best_search_error=error,
                                 generations_run=float(seed))
            store.save(spec, recorder, 0.0)
    return tmp_path / "nas"


def test_each_metric_gets_its_own_direction_without_flags(tmp_path: Path) -> None:
    """Old code: one global direction (lower is better) for every metric, so the method with
    the lower accuracy was named "better"; now the registry gives each its own."""
    root = _nas_store(tmp_path)
    report = store_report(root)
    by_name = {r.measurement: r for r in report.reports}
    assert set(by_name) == {"best_test_accuracy", "best_search_error"}
    for r in by_name.values():
        (c,) = r.pairwise
        assert c.better == "good" and c.significant
    assert by_name["best_test_accuracy"].direction == "maximize"
    assert by_name["best_search_error"].direction == "minimize"
    assert any("generations_run" in n and "direction unknown" in n for n in report.notes)
    assert all(r.family_size == 2 for r in report.reports)  # one Holm family, both metrics
    # the adjusted p-values are statsmodels' Holm over the p-values of both metrics together
    # (old code corrected each metric alone: a family of 1, p_adj = p)
    raw = [r.pairwise[0].test.p_value for r in report.reports]
    holm = multipletests(raw, alpha=0.05, method="holm")[1]
    assert [r.pairwise[0].p_adjusted for r in report.reports] == pytest.approx(list(holm))
    text = report.to_text()
    assert "higher is better" in text and "lower is better" in text
    assert "the 2 pairwise tests of all 2 metrics" in text
    assert "include them with --maximize NAME or --minimize NAME" in text
    with pytest.raises(InvalidParameterError, match="declared direction"):
        store_report(root, metrics=["generations_run"])
    with_flag = store_report(root, maximize={"generations_run"})
    assert {r.measurement for r in with_flag.reports} == {
        "best_test_accuracy", "best_search_error", "generations_run"}
    assert all(r.family_size == 3 for r in with_flag.reports)


def test_two_seeds_per_method_cannot_reject(tmp_path: Path) -> None:
    """Old code printed the test of 2 vs 2 seeds (smallest two-sided p 1/3) as a result, with
    a winner; now it is flagged and names none."""
    root = _nas_store(tmp_path, {"good": [0, 1], "poor": [0, 1]})
    report = store_report(root, metrics=["best_test_accuracy"])
    (c,) = report.reports[0].pairwise
    assert not c.can_reject and c.test.min_p == pytest.approx(1 / 3)
    assert c.better == "" and c.magnitude == "n.s."
    text = report.to_text()
    assert "cannot reject (n = 2 vs 2: smallest p 0.333)" in text
    assert "better (higher is better)" in text
    other = _nas_store(tmp_path / "b", {"good": [0, 1], "poor": [0]})
    small = store_report(other, metrics=["best_test_accuracy"])
    (c,) = small.reports[0].pairwise
    assert not c.can_reject and c.test.min_p == pytest.approx(2 / 3)  # n = 2 vs 1
    assert c.better == "" and "cannot reject (n = 2 vs 1: smallest p 0.667)" in small.to_text()
    poor = next(s for s in small.reports[0].summaries if s.method == "poor")
    assert poor.n == 1 and np.isnan(poor.mean_ci_low) and "none (n = 1)" in small.to_text()


def test_paired_runs_are_matched_by_seed(tmp_path: Path) -> None:
    """Seeds {0,1,2,3} against {1,2,3,7}: only the shared seeds 1, 2, 3 are paired, and a
    note names the others. Three pairs cannot reach 0.05 (smallest p 1/4): flagged."""
    root = _nas_store(tmp_path, {"good": [0, 1, 2, 3], "poor": [1, 2, 3, 7]})
    report = store_report(root, metrics=["best_test_accuracy"], paired=True)
    (c,) = report.reports[0].pairwise
    assert c.test.test == "Wilcoxon signed-rank" and c.test.n_x == 3
    assert not c.can_reject and c.test.min_p == pytest.approx(0.25)
    assert c.seeds == (1, 2, 3)
    assert any("paired on the shared seeds [1, 2, 3]" in n and "seeds [0] of good" in n
               and "seeds [7] of poor" in n for n in report.reports[0].notes)
    assert "cannot reject (3 pairs: smallest p 0.25)" in report.to_text()


def test_default_selection_keeps_a_metric_with_a_diverged_run(tmp_path: Path) -> None:
    """A NaN in one run's accuracy must not drop the metric from the default selection
    (old code silently dropped the run; the first rewrite left both NAS metrics out of the
    default selection and then refused the store)."""
    root = _nas_store(tmp_path, diverged=("good", 3))
    report = store_report(root)
    by_name = {r.measurement: r for r in report.reports}
    assert set(by_name) == {"best_test_accuracy", "best_search_error"}
    for r in by_name.values():
        good = next(s for s in r.summaries if s.method == "good")
        assert (good.n, good.diverged) == (8, 1)
    assert "mean (finite runs)" in report.to_text()


def test_a_diverged_run_is_ranked_worst_and_reported(tmp_path: Path) -> None:
    """Old code dropped a run whose value was not finite without a word (survivorship)."""
    root = _nas_store(tmp_path, diverged=("good", 3))
    report = store_report(root, metrics=["best_test_accuracy"])
    r = report.reports[0]
    good = next(s for s in r.summaries if s.method == "good")
    assert good.n == 8 and good.diverged == 1
    assert any("diverged" in n and "[3]" in n for n in r.notes)
    (c,) = r.pairwise
    assert c.a12 == pytest.approx(7 / 8)  # the diverged run loses to every poor run


def test_nothing_significant_names_no_winner_and_no_post_hoc() -> None:
    """Old code printed "better" and an effect label at p_adj = 1, and the Nemenyi CD when
    Friedman did not reject."""
    rng = np.random.default_rng(3)
    rows = [(m, f"p{p}", s, "best_test_accuracy", float(rng.normal(90, 1)))
            for m in "abc" for p in range(3) for s in range(5)]
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    report = significance_report(frame)
    assert report.friedman is not None and not report.friedman.rejects(0.05)
    assert report.critical_difference is None and report.nemenyi is None
    assert not any(c.significant for c in report.pairwise)
    assert all(c.better == "" and c.magnitude == "n.s." for c in report.pairwise)
    assert any("no post-hoc" in n for n in report.notes)
    text = report.to_text()
    assert "n.s." in text and "Nemenyi" not in text and "CD =" not in text
    assert "Friedman does not reject (permutation p = " in text


def test_friedman_on_two_blocks_cannot_reject() -> None:
    """Two blocks of three methods in perfect agreement: the smallest permutation p is
    (3!)^(1-2) = 1/6 (by hand: 6 of the 36 arrangements agree), so Friedman cannot reject
    and no CD is drawn; old code printed the Nemenyi CD (and Iman-Davenport p = 0)."""
    rows = [(m, f"p{p}", s, "best_test_accuracy", 90.0 + 2 * "abc".index(m) + 0.01 * s)
            for m in "abc" for p in range(2) for s in range(6)]
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    report = significance_report(frame)
    assert report.friedman is not None
    assert report.friedman.p_exact == pytest.approx(1 / 6)
    assert report.critical_difference is None
    text = report.to_text()
    assert "F undefined at perfect agreement" in text
    assert "(k!)^(1-N) = 0.167 > 0.05: it cannot reject" in text
    assert "average ranks (1 = best, higher is better): a 3.00, b 2.00, c 1.00" in text


def test_runs_that_diverged_on_the_same_seed_tie() -> None:
    """Paired by seed, both methods diverged on seed 0 (both at -inf): a zero difference,
    dropped by the signed-rank test, leaving 7 pairs of one sign, p = 2/2^7 (by hand).
    Old code took -inf - (-inf) = NaN into the ranks (an overflowed count, garbage p)."""
    rows = [(m, "p0", s, "best_test_accuracy",
             float("nan") if s == 0 else 90.0 + s + (1.0 if m == "a" else 0.0))
            for m in "ab" for s in range(8)]
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    with pytest.raises(InvalidParameterError, match="never NaN"):
        significance_report(frame, paired=True)  # a runs frame holds +-inf, not NaN
    frame["value"] = frame["value"].fillna(-np.inf)
    report = significance_report(frame, paired=True)
    (c,) = report.pairwise
    assert c.test.p_value == pytest.approx(2 / 2**7)
    assert c.test.min_p == pytest.approx(2 / 2**7)
    assert c.significant and c.better == "a"
    # by hand over the 64 pairs: a's 7 finite runs beat b's -inf (7), beat 28 and tie 6 of
    # b's finite runs (a = b + 1 per seed), and the two -inf tie: (7 + 28 + 3 + 0.5) / 64
    assert c.a12 == pytest.approx(38.5 / 64)
    assert sum(s.diverged for s in report.summaries) == 2


def test_across_blocks_names_the_winner_by_direction() -> None:
    """k = 2 over 8 blocks, one of which both methods diverged on entirely (medians tie at
    the worst): 7 blocks of one sign, exact p = 2/2^7 (by hand), and the winner named with
    the direction: "good" for an accuracy and for an error. Old code named no winner across
    blocks, and the tie gave inf - inf = NaN."""
    for name, sign in (("best_test_accuracy", 1.0), ("best_search_error", -1.0)):
        worst = -np.inf if sign > 0 else np.inf
        rows = [(m, f"p{p}", s, name,
                 worst if p == 0 else 50.0 + p + s + sign * (1.0 if m == "good" else 0.0))
                for m in ("good", "poor") for p in range(8) for s in range(3)]
        frame = pd.DataFrame(rows,
                             columns=["method", "problem", "seed", "measurement", "value"])
        report = significance_report(frame)
        assert report.across_blocks is not None
        assert report.across_blocks.p_value == pytest.approx(2 / 2**7)
        assert report.across_better == "good"
        assert f"better ({report.phrase}): good" in report.to_text()


def test_holm_family_too_large_to_reject_is_said() -> None:
    """Three methods on three blocks, four seeds each: each Mann-Whitney test can reach
    2/C(8,4) = 0.0286 alone, but Holm over the 9 tests gives at least 9 x 0.0286 = 0.257:
    no test of the family can reject, and the report says so instead of naming winners
    (old code printed "better" for every pair)."""
    rows = [(m, f"p{p}", s, "final_f", float(10 * "abc".index(m) + s))
            for m in "abc" for p in range(3) for s in range(4)]
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    report = significance_report(frame)
    assert all(c.can_reject and c.test.p_value == pytest.approx(2 / 70)
               for c in report.pairwise)
    assert not any(c.significant or c.better for c in report.pairwise)
    text = report.to_text()
    assert "9 x 0.0286 = 0.257 > 0.05 whatever the data: no pairwise test" in text


def test_significance_report_two_methods_paired() -> None:
    rows = [(m, f"p{p}", s, "final_f", float(p + s + (0.5 if m == "b" else 0.0)))
            for m in "ab" for p in range(7) for s in range(5)]
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    report = significance_report(frame, paired=True)
    assert report.across_blocks is not None and report.friedman is None
    assert report.across_blocks.p_value == pytest.approx(2 / 2**7)  # all 7 signs agree
    assert all(c.test.test == "Wilcoxon signed-rank" for c in report.pairwise)
    # five pairs: smallest two-sided p 2/2^5 = 0.0625 > 0.05: flagged, no winner
    assert all(c.test.p_value == pytest.approx(0.0625) and not c.can_reject
               and c.better == "" for c in report.pairwise)


def test_stats_command_prints_json_and_writes_latex(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _store(tmp_path, {"ea": 0.0, "ga": 0.5})
    command = StatsCommand()
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    out = tmp_path / "stats.tex"
    args = parser.parse_args([str(tmp_path / "runs"), "--json", "--latex", str(out),
                              "--minimize", "cost"])
    assert command.run(args, []) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["runs"] == 36 and payload["reports"][0]["measurement"] == "cost"
    assert payload["reports"][0]["direction"] == "minimize"
    assert payload["reports"][0]["across_blocks"]["test"] == "Wilcoxon signed-rank"
    assert r"\toprule" in out.read_text()
    nas = _nas_store(tmp_path)
    tex = tmp_path / "nas.tex"
    args = parser.parse_args([str(nas), "--json", "--latex", str(tex)])
    assert command.run(args, []) == 0
    payload = json.loads(capsys.readouterr().out)
    accuracy = next(r for r in payload["reports"] if r["measurement"] == "best_test_accuracy")
    assert accuracy["direction"] == "maximize" and accuracy["range"] == [0.0, 100.0]
    assert accuracy["pairwise"][0]["result"] == "good"
    latex = tex.read_text()
    assert "better (higher is better)" in latex and "better (lower is better)" in latex
    assert "% significance report: best_test_accuracy (higher is better, in [0, 100])" in latex
    assert "% not compared, direction unknown: generations_run" in latex
    args = parser.parse_args([str(tmp_path / "runs"), "--maximize", "cost",
                              "--minimize", "cost"])
    with pytest.raises(InvalidParameterError, match="either maximized or minimized"):
        command.run(args, [])
    args = parser.parse_args([str(tmp_path / "empty")])
    with pytest.raises(InvalidParameterError, match="RUNS_DIR"):
        command.run(args, [])
