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
    frame = runs_frame(runs)
    assert set(frame["measurement"]) == {"cost"}  # constant and machine-speed entries left out
    assert set(frame["method"]) == {"ea", "ga"}
    assert set(frame["problem"]) == {"onemax[n=8]", "onemax[n=16]", "onemax[n=32]"}
    by_n = runs_frame(runs, group_by="n", metrics=["cost", "best"])
    assert set(by_n["method"]) == {"n=8", "n=16", "n=32"}
    assert set(by_n["measurement"]) == {"cost", "best"}
    assert (by_n.loc[by_n["measurement"] == "best", "value"] == 0.0).all()  # trace column
    with pytest.raises(InvalidParameterError, match="config field"):
        runs_frame(runs, group_by="no_such_field")
    with pytest.raises(InvalidParameterError, match="summary entry or a trace column"):
        runs_frame(runs, metrics=["missing"])


def test_significance_report_three_methods(tmp_path: Path) -> None:
    _store(tmp_path, {"ea": 0.0, "ga": 0.5, "rs": 2.0})
    report = store_report(tmp_path / "runs", n_resamples=300)
    (cost,) = report.reports
    assert len(cost.pairwise) == 3 * 3  # three problems, three pairs each
    assert cost.friedman is not None and cost.critical_difference is not None
    assert cost.friedman.average_ranks == pytest.approx((1.0, 2.0, 3.0))
    assert all(c.better == c.method_a for c in cost.pairwise)  # lower cost is better
    assert all(c.p_adjusted >= c.test.p_value for c in cost.pairwise)
    ea_rs = [c for c in cost.pairwise if (c.method_a, c.method_b) == ("ea", "rs")]
    assert all(c.test.p_value < 0.01 and c.a12 == 0.0 for c in ea_rs)
    text = report.to_text()
    assert "Friedman over 3 blocks" in text and "Nemenyi critical difference" in text
    latex = report.to_latex()
    assert r"\toprule" in latex and r"\bottomrule" in latex and "onemax[n=8]" in latex
    json.dumps(report.to_dict(), default=str)


def test_significance_report_two_methods_paired() -> None:
    rows = [(m, f"p{p}", s, "f", float(p + s + (0.5 if m == "b" else 0.0)))
            for m in "ab" for p in range(7) for s in range(5)]
    frame = pd.DataFrame(rows, columns=["method", "problem", "seed", "measurement", "value"])
    report = significance_report(frame, paired=True, n_resamples=200)
    assert report.across_blocks is not None and report.friedman is None
    assert report.across_blocks.p_value == pytest.approx(2 / 2**7)  # all 7 signs agree
    assert all(c.test.test == "Wilcoxon signed-rank" for c in report.pairwise)
    assert all(c.test.p_value == pytest.approx(0.0625) for c in report.pairwise)  # 2/2^5


def test_stats_command_prints_json_and_writes_latex(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _store(tmp_path, {"ea": 0.0, "ga": 0.5})
    command = StatsCommand()
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    out = tmp_path / "stats.tex"
    args = parser.parse_args([str(tmp_path / "runs"), "--json", "--latex", str(out),
                              "--resamples", "200"])
    assert command.run(args, []) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["runs"] == 36 and payload["reports"][0]["measurement"] == "cost"
    assert payload["reports"][0]["across_blocks"]["test"] == "Wilcoxon signed-rank"
    assert r"\toprule" in out.read_text()
    args = parser.parse_args([str(tmp_path / "empty")])
    with pytest.raises(InvalidParameterError, match="RUNS_DIR"):
        command.run(args, [])
