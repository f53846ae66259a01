"""``nasbound search --benchmark mnist-supernet``: the DARTS supernet search through the CLI,
stored in the run store and reused; bad input exits 2 naming the rule and the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paper.cli import main
from solvers.store import RunStore

#: a tiny search: 2 iterations of a 2-channel supernet, no retraining epochs, no baseline
TINY = ["search", "--benchmark", "mnist-supernet", "--cell", "darts", "--budget", "2",
        "--channels", "2", "--retrain-epochs", "0", "--no-baseline"]


@pytest.mark.slow
def test_supernet_search_runs_stores_and_reuses(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """About 60-100 s on two shared cores: TensorFlow's import, the supernet's build and
    traced steps, the measured cost table, the (0-epoch) retraining's build and test pass."""
    pytest.importorskip("tensorflow")
    argv = [*TINY, "--results", str(tmp_path)]
    assert main([*argv, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["benchmark"] == "mnist-supernet"
    assert (payload["executed"], payload["reused"]) == (1, 0)
    assert payload["solver_config"]["steps"] == 2
    assert payload["problem_config"]["cell"] == "darts"
    (run,) = payload["runs"]
    assert run["seed"] == 0 and run["gradient_evaluations"] == 2 * 2  # first order: 2/step
    assert "genotype" in run and 0.0 <= run["retrain_test_accuracy"] <= 1.0
    stored = RunStore(tmp_path).iter_runs()
    assert len(stored) == 1 and stored[0].spec.solver == "darts"
    assert len(stored[0].trace) == 2 and "hessian_eig" in stored[0].trace.columns
    assert main(argv) == 0  # the same spec again: reused, printed as text
    text = capsys.readouterr().out
    assert "darts on mnist-supernet (darts cell, first order, budget 2)" in text
    assert "(0 executed, 1 reused)" in text and "genotype" in text


@pytest.mark.parametrize(("extra", "message"), [
    (["--budget", "0"], "`--budget >= 1 (search iterations)` must hold, got --budget 0"),
    (["--seeds", "0"], "`--seeds >= 1` must hold, got --seeds 0"),
    (["--channels", "0"], "`--channels >= 1` must hold, got --channels 0"),
    (["--retrain-epochs", "-1"], "`--retrain-epochs >= 0` must hold, got --retrain-epochs -1"),
    (["--latency-weight", "-0.5"],
     "`--latency-weight >= 0` must hold, got --latency-weight -0.5"),
    (["--methods", "hybrid"],
     "`--methods darts on --benchmark mnist-supernet` must hold, got --methods hybrid"),
])
def test_supernet_search_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           extra: list[str], message: str) -> None:
    """Rejected before TensorFlow is imported or anything runs."""
    assert main([*TINY, "--results", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert RunStore(tmp_path).iter_runs() == []
