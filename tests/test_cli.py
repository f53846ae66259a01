"""The nasbound command: outputs, exit codes, and clear errors on bad input.

Bad input to every subcommand must exit 2 with one line naming the broken rule and the
value, and leave nothing (not even an empty folder) in the run store.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from paper.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_bounds_list_json_holds_every_bound(capsys) -> None:
    code, out, _ = run_cli(capsys, "bounds", "list", "--json")
    assert code == 0
    ids = {entry["id"] for entry in json.loads(out)}
    assert "gd.convex.drori-teboulle" in ids and "nsga2.oneminmax.survival" in ids
    for entry in json.loads(out):
        assert entry["source"]["locator"] and entry["latex"]


def test_bounds_filters_show_latex_and_eval(capsys) -> None:
    code, out, _ = run_cli(capsys, "bounds", "list", "--family", "nsga2", "--json")
    assert code == 0 and {e["family"] for e in json.loads(out)} == {"nsga2"}
    code, out, _ = run_cli(capsys, "bounds", "show", "gd.convex.drori-teboulle")
    assert code == 0 and "Theorem 3.1" in out
    code, out, _ = run_cli(capsys, "bounds", "eval", "gd.convex.drori-teboulle", "L=2", "R=1",
                           "N=9", "h_norm=1", "--json")
    assert code == 0
    assert json.loads(out)["value"] == pytest.approx(2 / 38)
    code, out, _ = run_cli(capsys, "bounds", "eval", "nsga2.oneminmax.survival", "n=10",
                           "N=20", "--json")
    assert json.loads(out)["failed_assumptions"] == ["N>=4(n+1)"]


@pytest.mark.parametrize(("argv", "rule"), [
    (["bounds", "show", "no.such"], "unknown bound id 'no.such'"),
    (["bounds", "eval", "gd.convex.nesterov", "L"], "name=value"),
    (["bounds", "eval", "gd.convex.nesterov", "L=x"], "a value is a number"),
    (["bounds", "eval", "gd.convex.nesterov", "L=1"], "missing N, R"),
    (["bounds", "list", "--family", "nope"], "unknown family 'nope'"),
    (["check", "no.such"], "unknown bound id"),
])
def test_bad_bound_and_check_input(capsys, argv: list[str], rule: str) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert rule in err and out == ""


@pytest.mark.parametrize(("params", "rule"), [
    (["nsga3", "--problem", "oneminmax"], "unknown solver 'nsga3'"),
    (["nsga2", "--problem", "onemx"], "unknown problem 'onemx'"),
    (["nsga2", "--problem", "oneminmax", "--n", "0"], "`n >= 1` must hold, got n=0"),
    (["nsga2", "--problem", "oneminmax", "--n", "ten"], "n is an integer"),
    (["nsga2", "--problem", "oneminmax", "--n", "50", "--pop", "51"],
     "`pop % 2 == 0 for selection='deb-tournament'` must hold"),
    (["nsga2", "--problem", "oneminmax", "--selection", "roulette"], "selection in {"),
    (["nsga2", "--problem", "oneminmax", "--colour", "red"], "--colour"),
    (["nsga2", "--problem", "oneminmax", "--n"], "--name value"),
    (["nsga2", "--problem", "oneminmax", "--seeds", "0"], "--seeds >= 1"),
    (["gd", "--problem", "oneminmax"], "runs on problems of kind smooth"),
])
def test_bad_run_input_writes_nothing(capsys, tmp_path: Path, params: list[str],
                                      rule: str) -> None:
    store = tmp_path / "results"
    code, _out, err = run_cli(capsys, "run", *params, "--results", str(store))
    assert code == 2
    assert rule in err, err
    assert not store.exists()


def test_run_reports_generations_to_cover_and_reuses(capsys, tmp_path: Path) -> None:
    argv = ["run", "nsga2", "--problem", "oneminmax", "--n", "25", "--pop", "104",
            "--selection", "deb-tournament", "--mutation", "bitwise", "--seeds", "3",
            "--max-generations", "3000", "--results", str(tmp_path), "--json"]
    code, out, _ = run_cli(capsys, *argv)
    assert code == 0
    report = json.loads(out)
    assert report["executed"] == 3 and len(report["runs"]) == 3
    for run in report["runs"]:
        assert run["covered"] and not run["censored"]
        assert run["evaluations_to_cover"] == 104 * (run["generations_to_cover"] + 1)
    code, again, _ = run_cli(capsys, *argv)
    assert json.loads(again)["reused"] == 3
    assert [r["generations_to_cover"] for r in json.loads(again)["runs"]] == \
        [r["generations_to_cover"] for r in report["runs"]]


def test_run_censored_at_the_cap(capsys, tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "run", "nsga2", "--problem", "oneminmax", "--n", "40",
                           "--pop", "41", "--selection", "fair", "--max-generations", "50",
                           "--results", str(tmp_path), "--json")
    assert code == 0
    run = json.loads(out)["runs"][0]
    assert run["censored"] and run["generations_to_cover"] is None


def test_check_json_and_exit_code(capsys, tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "check", "--quick", "--json", "--results", str(tmp_path),
                           "nds.deb2002.pair-comparisons", "gd.convex.drori-teboulle")
    assert code == 0
    report = json.loads(out)
    assert report["failing"] == 0
    settings = {(r["bound_id"], r["setting"]) for r in report["results"]}
    assert ("gd.convex.drori-teboulle", "scaled-0.9") in settings
    for r in report["results"]:
        assert r["ok"] and r["instances"] > 0


def test_check_lists_a_symbolic_only_bounds_assumptions_as_not_tested(capsys,
                                                                      tmp_path: Path) -> None:
    """A symbolic-only bound asked for by id: no check runs, and the dropped-assumption
    table still has its assumptions, "not tested", with the reason it has no check."""
    from proofs_checks.registry import symbolic_only

    code, out, _ = run_cli(capsys, "check", "--quick", "--json", "--results", str(tmp_path),
                           "hv.beume2009.lower-order", "nds.deb2002.order")
    assert code == 0
    report = json.loads(out)
    assert {r["bound_id"] for r in report["results"]} == {"nds.deb2002.order"}
    rows = [f for f in report["dropped_assumptions"]
            if f["bound_id"] == "hv.beume2009.lower-order"]
    assert [f["assumption"] for f in rows] == ["d>=2"]
    assert rows[0]["status"] == "not tested"
    assert symbolic_only()["hv.beume2009.lower-order"] in rows[0]["evidence"]


def test_console_script_is_installed() -> None:
    out = subprocess.run([sys.executable, "-m", "paper.cli", "bounds", "list"],
                         capture_output=True, text=True, check=True).stdout
    assert "nds.deb2002.pair-comparisons" in out


def test_bounds_latex_writes_one_environment_per_bound_of_the_family(capsys) -> None:
    from theory.registry import all_bounds

    family = [b for b in all_bounds() if b.family == "complexity"]
    code, out, _ = run_cli(capsys, "bounds", "latex", "--family", "complexity")
    assert code == 0
    assert out.count(r"\begin{bound}") == out.count(r"\end{bound}") == len(family)
    for bound in family:
        assert f"\\texttt{{{bound.id}}}" in out and bound.latex() in out
    lower = next(b for b in family if b.id == "hv.beume2009.lower-order")
    assert r"\Omega\!\left(" in lower.latex()  # a lower order bound is an Omega claim
    code, out, _ = run_cli(capsys, "bounds", "latex", "--family", "complexity", "--json")
    assert code == 0 and set(json.loads(out)) == {b.id for b in family}


def test_check_out_writes_json_and_latex_tables(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, _ = run_cli(capsys, "check", "gd.convex.nesterov", "--profile", "quick",
                         "--results", str(tmp_path / "runs"), "--out", str(out))
    assert code == 0
    checks = json.loads((out / "checks.json").read_text())
    assert checks["profile"] == "quick" and checks["failing"] == 0
    settings = {r["setting"] for r in checks["results"]}
    assert "as-stated" in settings and len(settings) >= 2
    table = (out / "checks.tex").read_text()
    assert r"\toprule" in table and r"\bottomrule" in table and "gd.convex.nesterov" in table
    findings = json.loads((out / "assumptions.json").read_text())
    assert {f["bound_id"] for f in findings} == {"gd.convex.nesterov"}
    assert r"\toprule" in (out / "assumptions.tex").read_text()
    assert not list(out.glob("*.partial"))


def test_plans_lead_from_a_figure_to_its_runs(capsys) -> None:
    """`nasbound plans --figure F` names the plans behind a figure (one step); the plan
    itself lists what runs; `--checks` lists every check's own sizes."""
    code, out, _ = run_cli(capsys, "plans", "--figure", "nsga2", "--json")
    assert code == 0
    figure = json.loads(out)
    assert figure["plans"] == ["nsga2.oneminmax-cover", "nsga2.oneminmax-small-population"]
    code, out, _ = run_cli(capsys, "plans", "nsga2.oneminmax-cover", "--profile", "full",
                           "--json")
    plan = json.loads(out)
    assert code == 0 and plan["seeds"] == 50 and plan["runs"] == 4 * 50
    assert [e["problem_params"]["n"] for e in plan["entries"]] == [25, 50, 100, 200]
    assert all(e["solver_params"]["pop"] == 4 * (e["problem_params"]["n"] + 1)
               for e in plan["entries"])
    code, out, _ = run_cli(capsys, "plans", "--json")
    listed = {row["plan"]: row for row in json.loads(out)["plans"]}
    assert "nsga2" in listed["nsga2.oneminmax-cover"]["figures"]
    assert listed["emo.gsemo-lotz-order"]["sizes"]["quick"]["seeds"] == 5
    code, out, _ = run_cli(capsys, "plans", "--checks", "--json")
    checks = json.loads(out)["checks"]
    assert checks["nsga2-survival"]["quick"]["examples"] == 40
    code, _, err = run_cli(capsys, "plans", "--figure", "pie")
    assert code == 2 and "'pie'" in err and "nsga2" in err
