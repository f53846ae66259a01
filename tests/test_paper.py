"""The paper layer: figure data, tables, bounds.tex, profiles and one reproduction end to end.

Figure data are tested as data (STYLE.md pattern 12): the plotted bounds equal the bound
formulas written out by hand at a few points, the plotted measurements obey them, and the
fitted constant is positive. Tables must be booktabs and escaped; bounds.tex must name
every registered bound; profile errors must name the key and the value. The end-to-end
test runs a tiny profile (two cheap checks, small figure runs) into a temporary folder.
"""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes

from paper import figures as figs
from paper.latex import (
    LatexError,
    bounds_tex,
    compile_pdf,
    latex_text,
    references_tex,
    rule_latex,
)
from paper.reproduce import (
    FIGURES,
    MAIN_TEX,
    ReproduceSummary,
    load_profile,
    reproduce,
    save_figure,
)
from paper.tables import catalogue_frame, catalogue_table, checks_frame, checks_table
from proofs_checks.check import CheckContext, CheckResult, Outcome
from proofs_checks.families.nsga2 import OneMinMaxOrderCheck
from proofs_checks.registry import checks_for
from solvers.execute import make_spec
from solvers.lab import Lab
from solvers.store import RunStore, StoredRun
from theory.errors import InvalidParameterError, NasboundError, UnknownNameError
from theory.registry import all_bounds

HAS_PDFLATEX = shutil.which("pdflatex") is not None


# -- helpers --------------------------------------------------------------------------------------

def _gd_run(store: RunStore, problem: str, params: dict[str, object], steps: int = 25,
            step_size: float = 1.0) -> StoredRun:
    spec = make_spec("gd", {"steps": steps, "step_size": step_size}, problem, params, 0)
    return Lab(store, workers=1).runs([spec]).runs[0]


def _result(bound_id: str = "gd.convex.nesterov", setting: str = "as-stated",
            kind: str = "none", outcome: Outcome = Outcome.HOLDS,
            tightness: float | None = 0.5, **fields: object) -> CheckResult:
    base: dict[str, object] = dict(
        bound_id=bound_id, check="a_check", setting=setting, setting_kind=kind,
        assumptions_hold=kind == "none", method="every_instance & more", instances=3,
        runs=3, violations=0 if outcome is Outcome.HOLDS else 1, outcome=outcome,
        statistic_name="max_front_values lost", statistic=0.25, p_value=None, level=None,
        tightness=tightness)
    base.update(fields)
    return CheckResult(**base)  # type: ignore[arg-type]


QUADRATIC = {"dim": 5, "L": 2.0, "mu": 0.0, "instance_seed": 1, "x0_radius": 2.0}
CAUCHY = {"dim": 5, "L": 1.5, "instance_seed": 2, "x0_radius": 3.0}


# -- figure data: gradient descent ---------------------------------------------------------------

@pytest.mark.parametrize(("problem", "params"), [("quadratic", QUADRATIC), ("cauchy", CAUCHY)])
def test_grad_norm_trace_matches_the_bound_formula(store: RunStore, problem: str,
                                                   params: dict[str, object]) -> None:
    run = _gd_run(store, problem, params)
    data = figs.grad_norm_trace(run)
    L = float(params["L"])  # type: ignore[arg-type]
    delta = float(run.summary["f0"]) - 0.0  # f* = 0 for both families
    assert data.L == L  # both families attain L exactly
    assert math.isclose(data.delta, delta)
    for k in (0, 1, 7, 25):
        assert data.k[k] == k
        assert data.bound[k] == pytest.approx(2 * L * delta / (k + 1), rel=1e-12)
    grad_sq = run.trace["grad_norm_sq"].to_numpy()
    assert data.running_min[10] == pytest.approx(grad_sq[:11].min())
    assert np.all(np.diff(data.running_min) <= 0)
    assert np.all(data.running_min <= data.bound * (1 + 1e-9))


def test_convex_gap_trace_matches_nesterov_and_drori_teboulle(store: RunStore) -> None:
    run = _gd_run(store, "quadratic", QUADRATIC)
    data = figs.convex_gap_trace(run)
    L, R = 2.0, float(run.summary["R"])
    assert math.isclose(R, 2.0)  # x0_radius
    for k in (0, 3, 25):
        assert data.nesterov[k] == pytest.approx(2 * L * R**2 / (k + 4), rel=1e-12)
        assert data.drori_teboulle[k] == pytest.approx(L * R**2 / (4 * k + 2), rel=1e-12)
    assert data.gap[5] == pytest.approx(run.trace["f"].to_numpy()[5])
    assert np.all(data.drori_teboulle <= data.nesterov * (1 + 1e-12))
    assert np.all(data.gap <= data.drori_teboulle * (1 + 1e-9))


def test_gradient_data_refuse_runs_their_bounds_do_not_cover(store: RunStore) -> None:
    with pytest.raises(InvalidParameterError, match=r"convex.*cauchy"):
        figs.convex_gap_trace(_gd_run(store, "cauchy", CAUCHY))
    with pytest.raises(InvalidParameterError, match=r"step == 1/L.*step\*L=0.5"):
        figs.grad_norm_trace(_gd_run(store, "quadratic", QUADRATIC, step_size=0.5))


# -- figure data: NSGA-II ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nsga2_data(tmp_path_factory: pytest.TempPathFactory
               ) -> tuple[list[StoredRun], dict[str, list[StoredRun]]]:
    store = RunStore(tmp_path_factory.mktemp("nsga2-runs"))
    # the figure's plans at small sizes, as a profile's [plans."NAME"] tables give them
    context = CheckContext(profile="quick", lab=Lab(store, workers=1), plan_sizes={
        "nsga2.oneminmax-cover": {"ns": (4, 6, 8), "seeds": 3, "cap": 400},
        "nsga2.oneminmax-small-population": {"ns": (6, 12), "seeds": 3, "cap": 40}})
    runtime, coverage, horizon = figs.nsga2_runs(context)
    assert horizon == 40
    return runtime, coverage


def test_runtime_data_fits_a_positive_constant(
        nsga2_data: tuple[list[StoredRun], dict[str, list[StoredRun]]]) -> None:
    runs, _ = nsga2_data
    data = figs.runtime_data(runs)
    assert data.n.tolist() == [4] * 3 + [6] * 3 + [8] * 3
    assert data.ns.tolist() == [4, 6, 8]
    assert not data.censored.any()
    expected = [float(r.summary["generations_to_cover"]) for r in runs]
    assert data.generations.tolist() == expected
    for n, mean in zip(data.ns, data.means, strict=True):
        assert mean == pytest.approx(np.mean(data.generations[data.n == n]))
    g = data.n * np.log(data.n)
    assert data.constant > 0
    assert data.constant == pytest.approx(float(g @ data.generations / (g @ g)))  # OLS
    assert data.constant_ci[0] <= data.constant <= data.constant_ci[1]
    assert data.curve[-1] == pytest.approx(data.constant * 8 * math.log(8))


def test_runtime_data_counts_censored_runs_at_their_cap(store: RunStore) -> None:
    context = CheckContext(profile="quick", lab=Lab(store, workers=1), plan_sizes={
        "nsga2.oneminmax-cover": {"ns": (30,), "seeds": 2, "cap": 1},
        "nsga2.oneminmax-small-population": {"ns": (4,), "seeds": 1, "cap": 1}})
    runs, _, _ = figs.nsga2_runs(context)
    data = figs.runtime_data(runs)
    assert data.censored.all()
    assert data.generations.tolist() == [1.0, 1.0]


def test_coverage_data_holds_the_covered_share_per_generation(
        nsga2_data: tuple[list[StoredRun], dict[str, list[StoredRun]]]) -> None:
    _, groups = nsga2_data
    data = figs.coverage_data(groups, horizon=40)
    assert data.n == 6
    small, large = data.series
    assert (small.pop, large.pop) == (7, 28)
    for series in data.series:
        assert series.fractions.shape == (3, 41)
        assert series.generations.tolist() == list(range(41))
        assert np.all((series.fractions >= 0) & (series.fractions <= 1))
        np.testing.assert_allclose(series.mean, series.fractions.mean(axis=0))
    # a run that covered the front stops; its share stays 1 afterwards
    for run, row in zip(groups["4(n+1)"], large.fractions, strict=True):
        if run.summary["covered"]:
            assert np.all(row[int(run.summary["generations_to_cover"]):] == 1.0)
    assert large.covered_runs == sum(bool(r.summary["covered"]) for r in groups["4(n+1)"])


def test_tightness_data_keeps_as_stated_finite_values_in_catalogue_order() -> None:
    results = [
        _result("nds.deb2002.pair-comparisons", tightness=1.0),
        _result("gd.convex.nesterov", tightness=0.25),
        _result("gd.convex.nesterov", "scaled-0.9", "bound-scaled", Outcome.VIOLATION, 1.11),
        _result("nsga2.oneminmax.survival", tightness=None),
        _result("gd.nonconvex.min-grad-norm", tightness=math.inf),
    ]
    data = figs.tightness_data(results)
    assert data.labels == ("gd.convex.nesterov", "nds.deb2002.pair-comparisons")
    assert data.tightness.tolist() == [0.25, 1.0]
    assert data.ok.tolist() == [True, True]


def test_plots_draw_on_the_given_axes_and_leave_global_style_alone(
        store: RunStore, tmp_path: Path,
        nsga2_data: tuple[list[StoredRun], dict[str, list[StoredRun]]]) -> None:
    before = dict(matplotlib.rcParams)
    run = _gd_run(store, "quadratic", QUADRATIC)
    grad = [figs.grad_norm_trace(run)]
    fig = figs.new_figure(2.0)
    ax = fig.subplots()
    assert figs.plot_grad_norm(grad, ax) is ax
    assert isinstance(ax, Axes) and len(ax.get_lines()) == 2
    runs, groups = nsga2_data
    tight = figs.tightness_data([_result(tightness=0.5), _result("nds.deb2002.pair-comparisons",
                                                                 tightness=1.0)])
    figures = {
        "gradient": figs.gradient_figure(grad, figs.convex_gap_trace(run)),
        "nsga2": figs.nsga2_figure(figs.runtime_data(runs), figs.coverage_data(groups, 40)),
        "tightness": figs.tightness_figure(tight),
    }
    for name, figure in figures.items():
        assert figure.get_figwidth() == pytest.approx(figs.COLUMN_WIDTH_IN)
        pdf, png = save_figure(figure, tmp_path, name, dpi=72)
        assert pdf.read_bytes()[:5] == b"%PDF-"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert dict(matplotlib.rcParams) == before


# -- tables --------------------------------------------------------------------------------------

def test_checks_table_is_booktabs_and_escaped() -> None:
    results = [_result(p_value=1e-20), _result(setting="scaled_0.9", kind="bound-scaled",
                                               outcome=Outcome.VIOLATION, tightness=1.11)]
    frame = checks_frame(results)
    assert frame["p-value"].iloc[0] == 1e-20 and frame["Tight."].iloc[1] == 1.11
    text = checks_table(results)
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert text.count(rule) == 1
    assert r"max\_front\_values lost" in text
    assert r"scaled\_0.9" in text and r"every\_instance \& more" in text
    assert "max_front" not in text and "scaled_0" not in text
    assert r"$<10^{-16}$" in text
    assert "fail (caught)" in text
    assert text.count("gd.convex.nesterov") == 1  # repeated bound ids are blanked


def test_checks_table_marks_an_unexpected_verdict() -> None:
    text = checks_table([_result(outcome=Outcome.VIOLATION),
                         _result(setting="broken", kind="assumption-dropped")])
    assert "fail (UNEXPECTED)" in text
    assert "pass (sabotage MISSED)" in text


def test_checks_table_shows_power_triviality_and_the_graded_verdict() -> None:
    from proofs_checks.check import Power, Triviality

    vacuous = _result(triviality=Triviality.from_pairs("regret <= 2T", [(183.0, 60.0)]))
    weak = _result(power=Power(0.4, "slope excess 0.5", "noncentral t"), p_value=0.3,
                   triviality=Triviality.none("no finite trivial bound of a runtime"))
    confounded = _result(setting="both", kind="assumption-dropped",
                         outcome=Outcome.VIOLATION, dropped_assumption="convex",
                         details={"failed_assumptions": ["convex", "L-smooth"]})
    frame = checks_frame([vacuous, weak, confounded])
    assert frame["Bound/triv."].iloc[0] == 183.0 / 60.0 and frame["Power"].iloc[1] == 0.4
    assert frame["Verdict"].tolist() == ["vacuous", "low-power", "confounded (caught)"]
    text = checks_table([vacuous, weak, confounded])
    assert "vacuous" in text and "low-power" in text and "0.4" in text


def test_catalogue_table_lists_every_bound() -> None:
    bounds = all_bounds()
    frame = catalogue_frame(bounds)
    assert frame["Bound"].tolist() == [b.id for b in bounds]
    text = catalogue_table(bounds)
    assert r"\toprule" in text and r"\bottomrule" in text
    for bound in bounds:
        assert latex_text(bound.id) in text


# -- LaTeX -------------------------------------------------------------------------------------

def test_bounds_tex_has_one_environment_per_bound_with_claim_and_source() -> None:
    bounds = all_bounds()
    text = bounds_tex(bounds)
    assert text.count(r"\begin{bound}") == len(bounds) == text.count(r"\end{bound}")
    for bound in bounds:
        assert rf"\texttt{{{latex_text(bound.id)}}}" in text
        assert bound.latex() in text
    derived = sum(b.source.derived for b in bounds)
    unchecked = sum(not b.source.locator_checked for b in bounds)
    assert text.count("constant derived in this project") == derived
    assert text.count("locator not yet checked") == unchecked


def test_every_citation_has_a_bibliography_entry() -> None:
    bounds = all_bounds()
    entries = set(re.findall(r"\\bibitem\{([^}]+)\}", references_tex(bounds)))
    cited = set(re.findall(r"\\cite\{([^}]+)\}", bounds_tex(bounds)))
    cited |= {key.strip() for group in re.findall(r"\\cite\{([^}]+)\}", MAIN_TEX.read_text())
              for key in group.split(",")}
    assert cited <= entries, f"undefined citations {sorted(cited - entries)}"


def test_latex_text_escapes_specials_and_symbols() -> None:
    assert latex_text("a_b & 50% {x}") == r"a\_b \& 50\% \{x\}"
    assert latex_text("x ≤ y^2") == r"x $\le$ y\textasciicircum{}2"


def test_rule_latex_prints_tolerance_equalities_as_equalities() -> None:
    step = next(a for b in all_bounds() for a in b.assumptions if a.name == "step-1/L")
    assert rule_latex(step.predicate) == "L h = 1"
    convex = next(a for b in all_bounds() for a in b.assumptions if a.name == "convex")
    assert rule_latex(convex.predicate) is None


def test_compile_pdf_without_pdflatex_logs_and_returns_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    tex = tmp_path / "doc.tex"
    tex.write_text("\\documentclass{article}\\begin{document}x\\end{document}\n")
    monkeypatch.setattr("paper.latex.shutil.which", lambda name: None)
    with caplog.at_level(logging.WARNING, logger="paper.latex"):
        assert compile_pdf(tex, tmp_path) is None
    assert "pdflatex is not installed" in caplog.text


@pytest.mark.skipif(not HAS_PDFLATEX, reason="pdflatex is not installed")
def test_compile_pdf_runs_pdflatex_twice_without_latexmk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr("paper.latex.shutil.which",
                        lambda name: None if name == "latexmk" else real_which(name))
    tex = tmp_path / "doc.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\section{A}\\label{s}"
                   "See~\\ref{s}.\\end{document}\n")
    pdf = compile_pdf(tex, tmp_path / "out", pdf_name="paper.pdf")
    assert pdf == tmp_path / "out" / "paper.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.tex", "out"]  # no aux files


@pytest.mark.skipif(not HAS_PDFLATEX, reason="pdflatex is not installed")
def test_compile_pdf_raises_with_the_log_tail(tmp_path: Path) -> None:
    tex = tmp_path / "broken.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n")
    with pytest.raises(LatexError, match="Undefined control sequence") as info:
        compile_pdf(tex, tmp_path / "out")
    assert isinstance(info.value, NasboundError)
    assert not (tmp_path / "out" / "broken.pdf").exists()


# -- profiles ----------------------------------------------------------------------------------

def test_shipped_profiles_load() -> None:
    quick, full = load_profile("quick"), load_profile("full")
    assert (quick.check_profile, full.check_profile) == ("quick", "full")
    assert set(full.figures) == set(figs.FIGURES)  # the full profile makes every figure
    assert set(quick.figures) == set(figs.FIGURES)  # quick makes them too, on smaller runs
    # the figure reads the order check's own plan (so its runs are reused, not rerun), and
    # the shipped profiles copy no sizes: the plan's sizes are the check profile's
    assert "nsga2.oneminmax-cover" in FIGURES["nsga2"].plans
    assert OneMinMaxOrderCheck.plan_name == "nsga2.oneminmax-cover"
    assert quick.plan_sizes == {} and full.plan_sizes == {}
    for profile in (quick, full):
        check = CheckContext(profile=profile.check_profile).plan(OneMinMaxOrderCheck.plan_name)
        figure = CheckContext(profile=profile.check_profile, plan_sizes=profile.plan_sizes
                              ).plan("nsga2.oneminmax-cover", selection="deb-tournament")
        assert [s.key for s in check.specs()] == [s.key for s in figure.specs()]


def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "custom.toml"
    path.write_text('[checks]\nprofile = "quick"\n' + body)
    return path


@pytest.mark.parametrize(("body", "error", "fragments"), [
    ("[figures]\ndpii = 300\n", UnknownNameError, ["figures.dpii", "figures.dpi"]),
    ("[figure]\ndpi = 300\n", UnknownNameError, ["'figure'"]),
    ("[figures]\ndpi = 10\n", InvalidParameterError, ["50 <= figures.dpi <= 1200",
                                                       "figures.dpi=10"]),
    ('[figures]\ndpi = "300"\n', InvalidParameterError, ["figures.dpi is an integer",
                                                         "figures.dpi='300'"]),
    ("[figures]\ndpi = true\n", InvalidParameterError, ["figures.dpi=True"]),
    ('[figures]\nmake = ["gradient", "pie"]\n', InvalidParameterError,
     ["figures.make in {gradient, nsga2, scaling, tightness, nas-hypervolume",
      "figures.make='pie'"]),
    ('[plans."nsga2.oneminmax-cover"]\nns = [25]\nseeds = 1\n', InvalidParameterError,
     ["'nsga2.oneminmax-cover' of figure 'nsga2' has at least two runs", "1 run(s)"]),
    ('[plans."nsga2.oneminmax-cover"]\nseeds = 0\n', InvalidParameterError,
     ["a plan runs seeds >= 1", "seeds=0"]),
    ('[plans."nsga2.oneminmax-cover"]\nseed = 3\n', InvalidParameterError,
     ["one of its sizes (ns, seeds, cap)", "seed=3"]),
    ('[plans."nsga2.oneminmax-cover"]\nns = "25"\n', InvalidParameterError,
     ["has the type of its default", "ns='25'"]),
    ('[plans."figures.gradient"]\nL = -1.0\n', InvalidParameterError,
     ["figures.gradient", "`L > 0` must hold, got L=-1.0"]),
    ('[plans."no.such.plan"]\nseeds = 3\n', UnknownNameError,
     ["'no.such.plan'", "nsga2.oneminmax-cover"]),
    ('[check_sizes."no-such-check"]\nexamples = 3\n', UnknownNameError,
     ["'no-such-check'", "nsga2-survival"]),
    ('bounds = ["no.such.bound"]\n', InvalidParameterError,
     ["checks.bounds", "'no.such.bound'", "gd.convex.nesterov"]),
    ("[pdf]\ncompile = 1\n", InvalidParameterError, ["pdf.compile is true or false",
                                                     "pdf.compile=1"]),
])
def test_profile_errors_name_the_key_and_the_value(tmp_path: Path, body: str,
                                                   error: type[Exception],
                                                   fragments: list[str]) -> None:
    with pytest.raises(error) as info:
        load_profile(_profile(tmp_path, body))
    for fragment in fragments:
        assert fragment in str(info.value)


def test_profile_errors_for_names_files_and_syntax(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match=r"unknown profile 'quik'.*full, quick"):
        load_profile("quik")
    with pytest.raises(InvalidParameterError, match="exists"):
        load_profile(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[checks\nprofile = 'quick'\n")
    with pytest.raises(InvalidParameterError, match="valid TOML"):
        load_profile(bad)
    no_checks = tmp_path / "no-checks.toml"
    no_checks.write_text("[figures]\ndpi = 100\n")
    with pytest.raises(InvalidParameterError, match=r"checks\.profile is set"):
        load_profile(no_checks)
    flat = tmp_path / "flat.toml"
    flat.write_text('figures = 3\n[checks]\nprofile = "quick"\n')
    with pytest.raises(InvalidParameterError, match=r"\[figures\] is a table.*figures=3"):
        load_profile(flat)
    slow = tmp_path / "slow.toml"
    slow.write_text('[checks]\nprofile = "slow"\n')
    with pytest.raises(InvalidParameterError, match=r"checks\.profile='slow'"):
        load_profile(slow)


# -- end to end --------------------------------------------------------------------------------

TINY_PROFILE = """
description = "test: two cheap checks and small figure runs"
[checks]
profile = "quick"
bounds = ["nds.deb2002.pair-comparisons", "gd.convex.drori-teboulle"]
[figures]
make = ["gradient", "nsga2", "tightness"]
dpi = 60
[plans."figures.gradient"]
steps = 30
dim = 4
[plans."nsga2.oneminmax-cover"]
ns = [4, 6]
seeds = 2
cap = 300
[plans."nsga2.oneminmax-small-population"]
ns = [5]
seeds = 2
cap = 30
[pdf]
compile = true
"""


def test_reproduce_writes_every_output_and_reuses_runs(tmp_path: Path) -> None:
    profile = tmp_path / "tiny.toml"
    profile.write_text(TINY_PROFILE)
    out, results = tmp_path / "out", tmp_path / "results"
    summary = reproduce(profile, out, results, workers=1, progress=False)
    assert isinstance(summary, ReproduceSummary)
    assert summary.profile == "tiny" and summary.checks_failing == 0 and summary.ok
    checks = checks_for(["nds.deb2002.pair-comparisons", "gd.convex.drori-teboulle"])
    assert summary.checks_run == sum(len(c.settings()) for c in checks)  # every setting
    expected = ["checks.json", "tables/checks.tex", "tables/catalogue.tex", "bounds.tex",
                "references.tex", "numbers.tex", "main.tex"]
    expected += [f"figures/{name}.{ext}" for name in ("gradient", "nsga2", "tightness")
                 for ext in ("pdf", "png")]  # the figures TINY_PROFILE makes
    for name in expected:
        assert (out / name).is_file(), name
        assert out / name in summary.outputs
    report = json.loads((out / "checks.json").read_text())
    assert report["checks_run"] == summary.checks_run == len(report["results"])
    assert {r["bound_id"] for r in report["results"]} == {"nds.deb2002.pair-comparisons",
                                                           "gd.convex.drori-teboulle"}
    assert (out / "figures" / "nsga2.pdf").read_bytes()[:5] == b"%PDF-"
    assert summary.runs_executed == summary.figure_runs == 2 + 2 * 2 + 2 * 2
    if HAS_PDFLATEX:
        assert summary.pdf == out / "paper.pdf"
        assert (out / "paper.pdf").read_bytes()[:5] == b"%PDF-"
    else:
        assert summary.pdf is None

    assert summary.failing_checks == 0
    assert f"wrote {len(summary.outputs)} files" in summary.describe()

    again = reproduce(profile, out, results, workers=1, progress=False)
    assert again.runs_executed == 0
    assert again.figure_runs_reused == again.figure_runs
    assert (out / "checks.json").read_text().count('"verdict"') == summary.checks_run


def test_the_paper_quotes_the_kill_rate_of_the_planted_bugs_only_when_measured(
        tmp_path: Path) -> None:
    from paper.reproduce import _mutants_tex

    assert "not measured" in _mutants_tex(tmp_path)
    (tmp_path / "mutants.json").write_text('{"killed": 28, "mutants": 35}')
    assert r"\newcommand{\nbMutants}{28 of 35 (80\%)}" in _mutants_tex(tmp_path)
    assert r"\nbMutants" in Path("paper/main.tex").read_text()
