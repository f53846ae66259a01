"""The NAS-Bench-201 and runtime-scaling parts of the paper: data, tables, profiles, end to end.

Data functions are tested on hand-made runs whose statistics are known (means, sds, ranks,
non-dominated sets written out here); the tables must be booktabs, bold the best value of a
column, mark a significant difference and escape text; the profile's [nas] and
[plans."emo.gsemo-*-order"] keys must name rule and value in their errors; a small reproduction with
NAS runs writes the new figures and tables and reuses every run the second time.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.comparison import friedman_test
from analysis.nas_comparison import (
    RunData,
    block_values,
    compare_methods,
    dataset_statistics,
    method_statistics,
    traces_frame,
)
from paper import figures as figs
from paper.reproduce import FIGURES, load_profile, reproduce
from paper.tables import (
    Cell,
    datasets_frame,
    datasets_table,
    method_comparison_frame,
    method_comparison_table,
)
from proofs_checks.check import CheckContext
from proofs_checks.families.emo import GsemoLotzOrder, GsemoOneMinMaxOrder
from solvers.lab import Lab
from solvers.store import RunStore
from theory.errors import InvalidParameterError, UnknownNameError

HAS_PDFLATEX = shutil.which("pdflatex") is not None


# -- hand-made runs ----------------------------------------------------------------------------

def _run(method: str, seed: int, accuracy: list[float], volume: list[float],
         dataset: str = "cifar10", front: list[list[float]] | None = None) -> RunData:
    """A run with one trace row per query (``accuracy``/``volume`` after each query)."""
    queries = np.arange(1, len(accuracy) + 1)
    trace = pd.DataFrame({"evaluations": queries, "best_test_accuracy": accuracy,
                          "hypervolume_ratio": volume})
    points = front if front is not None else [[10.0, 1.0, 0.1]]
    summary = {"best_test_accuracy": accuracy[-1], "hypervolume_ratio": volume[-1],
               "simulated_seconds": 3600.0 * len(accuracy),
               "front_cells": [f"{method}-{seed}-{i}" for i in range(len(points))],
               "front_objectives": points, "front_test_accuracy": [90.0] * len(points)}
    return RunData(method, seed, {"dataset": dataset, "device": "pixel3", "memory": "params"},
                   trace, summary)


def _grid(datasets: tuple[str, ...] = ("cifar10",), seeds: int = 3) -> list[RunData]:
    """hybrid best in volume, reg-evolution best in accuracy, random worst in both."""
    runs = []
    for dataset in datasets:
        for seed in range(seeds):
            runs.append(_run("hybrid", seed, [90.0, 91.0, 92.0 + seed * 0.1],
                             [0.5, 0.8, 0.95 + seed * 0.01], dataset))
            runs.append(_run("reg-evolution", seed, [90.0, 92.0, 93.0 + seed * 0.1],
                             [0.4, 0.7, 0.90 + seed * 0.01], dataset))
            runs.append(_run("random-search", seed, [89.0, 90.0, 91.0 + seed * 0.1],
                             [0.3, 0.6, 0.80 + seed * 0.01], dataset))
    return runs


# -- analysis ----------------------------------------------------------------------------------

def test_traces_frame_has_the_runtime_shape_and_the_column_values() -> None:
    runs = _grid()
    frame = traces_frame(runs, "hypervolume_ratio")
    assert list(frame.columns) == ["method", "problem", "seed", "evaluations", "value"]
    assert len(frame) == 3 * len(runs)
    hybrid0 = frame[(frame["method"] == "hybrid") & (frame["seed"] == 0)]
    assert hybrid0["value"].tolist() == [0.5, 0.8, 0.95]
    assert set(frame["problem"]) == {"cifar10"}
    with pytest.raises(InvalidParameterError, match="column 'nope'"):
        traces_frame(runs, "nope")


def test_block_values_is_the_complete_dataset_seed_by_method_matrix() -> None:
    runs = _grid(("cifar10", "cifar100"), seeds=2)
    matrix = block_values(runs, "best_test_accuracy")
    assert matrix.shape == (4, 3)
    assert matrix.loc[("cifar100", 1), "reg-evolution"] == pytest.approx(93.1)
    with pytest.raises(InvalidParameterError, match=r"every method has a run.*cifar10"):
        block_values(runs[1:], "best_test_accuracy")
    with pytest.raises(InvalidParameterError, match="one run per"):
        block_values([*runs, runs[0]])
    with pytest.raises(InvalidParameterError, match="metric='loss'"):
        block_values(runs, "loss")


def test_method_statistics_means_sds_and_tests() -> None:
    runs = _grid(seeds=3)
    comparison = compare_methods(runs, target_accuracy=92.0)
    stats = method_statistics(runs, comparison).set_index("method")
    assert stats.loc["hybrid", "accuracy_mean"] == pytest.approx(92.1)
    assert stats.loc["hybrid", "accuracy_sd"] == pytest.approx(np.std([92.0, 92.1, 92.2],
                                                                      ddof=1))
    assert stats.loc["random-search", "hypervolume_mean"] == pytest.approx(0.81)
    assert bool(stats.loc["hybrid", "is_reference"])
    assert math.isnan(stats.loc["hybrid", "accuracy_p_holm"])
    # three seeds per method: Mann-Whitney's smallest two-sided p is 0.1, never < 0.05
    assert not stats["accuracy_reject"].any()
    assert stats.loc["reg-evolution", "accuracy_p_holm"] >= 0.1


def test_dataset_statistics_one_row_per_dataset_and_method() -> None:
    stats = dataset_statistics(_grid(("cifar10", "cifar100"), seeds=2))
    assert len(stats) == 6
    row = stats[(stats["dataset"] == "cifar100") & (stats["method"] == "hybrid")].iloc[0]
    assert row["runs"] == 2
    assert row["accuracy_mean"] == pytest.approx(92.05)
    assert row["hypervolume_sd"] == pytest.approx(np.std([0.95, 0.96], ddof=1))


# -- figure data -------------------------------------------------------------------------------

def test_nas_anytime_data_bands_contain_the_means_and_match_the_runs() -> None:
    data = figs.nas_anytime_data(_grid(seeds=3))
    assert data.dataset == "cifar10"
    assert [c.method for c in data.hypervolume] == ["hybrid", "reg-evolution", "random-search"]
    hybrid = data.hypervolume[0]
    assert hybrid.center.tolist() == pytest.approx([0.5, 0.8, 0.96])
    assert np.all(hybrid.low <= hybrid.center) and np.all(hybrid.center <= hybrid.high)
    assert hybrid.low[0] == hybrid.high[0] == 0.5  # every seed equal: no width
    accuracy = data.accuracy[1]  # reg-evolution
    assert accuracy.center.tolist() == pytest.approx([90.0, 92.0, 93.1])
    assert accuracy.high[2] > 93.1 > accuracy.low[2]
    with pytest.raises(InvalidParameterError, match="one data set"):
        figs.nas_anytime_data(_grid(("cifar10", "cifar100"), seeds=2))


def test_nas_fronts_data_keeps_the_two_dimensional_staircase() -> None:
    front = [[10.0, 1.0, 0.3], [8.0, 2.0, 0.2], [9.0, 3.0, 0.1], [6.0, 4.0, 0.4]]
    runs = [_run("hybrid", 0, [90.0], [0.5], front=front[:2]),
            _run("hybrid", 1, [90.0], [0.5], front=front[2:])]
    exact = np.array([[5.0, 1.0, 0.1], [7.0, 0.5, 0.2], [4.0, 3.0, 0.1], [6.0, 2.0, 0.3]])
    data = figs.nas_fronts_data(runs, exact)
    (hybrid,) = data.fronts
    assert sorted(hybrid.latency.tolist()) == [1.0, 2.0, 3.0, 4.0]  # pooled 3-D front
    # (latency 3, error 9) is dominated in the plane by (latency 2, error 8)
    assert hybrid.step_latency.tolist() == [1.0, 2.0, 4.0]
    assert hybrid.step_error.tolist() == [10.0, 8.0, 6.0]
    assert data.true_latency.tolist() == [0.5, 1.0, 3.0]
    assert data.true_error.tolist() == [7.0, 5.0, 4.0]


def test_nas_cd_data_ranks_the_highest_value_first() -> None:
    runs = _grid(("cifar10", "cifar100"), seeds=3)
    data = figs.nas_cd_data(runs, "hypervolume_ratio")
    assert data.cd.methods == ("hybrid", "reg-evolution", "random-search")
    assert data.cd.average_ranks == (1.0, 2.0, 3.0)
    assert data.blocks == 6 and data.datasets == ("cifar10", "cifar100")
    expected = friedman_test(block_values(runs), lower_is_better=False)
    assert data.friedman.p_value == pytest.approx(expected.p_value)
    assert data.friedman.p_value < 0.01
    # perfect agreement over 6 blocks: exact permutation p = (3!)^(1-6), CD not gated off
    assert data.friedman.p_exact == pytest.approx(6.0 ** -5)
    assert data.cd.omnibus_rejects and data.notes == ()


def test_nas_cd_blocks_are_balanced_and_the_cliques_gated() -> None:
    """Old code pooled five CIFAR-10 seeds with three on CIFAR-100 (uneven blocks) and drew
    cliques whatever the Friedman test said."""
    runs = [r for r in _grid(("cifar10", "cifar100"), seeds=5)
            if r.problem_config["dataset"] == "cifar10" or r.seed < 3]
    data = figs.nas_cd_data(runs, "hypervolume_ratio")
    assert data.blocks == 6  # seeds 0..2 on both data sets
    assert any("cifar10: seeds [3, 4] dropped" in n for n in data.notes)
    # methods tied in every block: Friedman cannot reject, one clique, nothing significant
    flat = [RunData(r.method, r.seed, r.problem_config, r.trace,
                    {**r.summary, "hypervolume_ratio": 0.5 + 0.01 * (r.seed % 2)})
            for r in _grid(("cifar10",), seeds=4)]
    gated = figs.nas_cd_data(flat, "hypervolume_ratio")
    assert not gated.cd.omnibus_rejects and gated.cd.cliques == (gated.cd.methods,)
    assert not gated.cd.significant("hybrid", "random-search")


def test_scaling_data_recovers_a_known_order(store: RunStore) -> None:
    context = CheckContext(profile="quick", lab=Lab(store, workers=1), plan_sizes={
        "emo.gsemo-oneminmax-order": {"ns": (4, 6, 8), "seeds": 3, "cap": 20_000}})
    runs = figs.gsemo_runs(context, "oneminmax")
    assert len(runs) == 9 and {r.spec.solver for r in runs} == {"gsemo"}
    panel = figs.scaling_data(runs, "GSEMO", 2.0, 1.0, "n^2 ln n")
    assert panel.unit == "iterations" and panel.censored == 0
    expected = [r.summary["iterations_to_cover"] for r in runs]
    assert panel.values.tolist() == pytest.approx(np.maximum(expected, 1.0).tolist())
    assert panel.comparison.fit.slope > 1.0  # at least linear growth in n
    with pytest.raises(InvalidParameterError, match="two sizes"):
        figs.scaling_data(runs[:3], "GSEMO", 2.0, 1.0, "n^2 ln n")


def test_gsemo_runs_are_the_emo_checks_runs(store: RunStore) -> None:
    """The figure reads the order check's plan: at any sizes, the check's stored runs."""
    sizes = {"emo.gsemo-lotz-order": {"ns": (4, 5), "seeds": 2, "cap": 20_000}}
    context = CheckContext(profile="quick", lab=Lab(store, workers=1), plan_sizes=sizes)
    first = figs.gsemo_runs(context, "lotz")
    check = GsemoLotzOrder()
    assert check.plan_name == "emo.gsemo-lotz-order"
    again = context.runs(check.plan_name, frozen=0, probe={})  # as the check asks
    assert [r.spec.key for r in first] == [r.spec.key for r in again]
    assert GsemoOneMinMaxOrder().plan_name in FIGURES["scaling"].plans


# -- tables ------------------------------------------------------------------------------------

def _stats() -> pd.DataFrame:
    runs = _grid(seeds=3)
    return method_statistics(runs, compare_methods(runs, target_accuracy=92.0))


def test_method_comparison_table_is_booktabs_with_bold_best_and_marks() -> None:
    stats = _stats()
    stats.loc[stats["method"] == "random-search", "accuracy_reject"] = True
    frame = method_comparison_frame(stats)
    cells = frame.set_index("Method")
    assert cells.loc["reg-evolution", "Test acc. (%)"].best
    assert cells.loc["hybrid", "HV ratio"].best
    assert not cells.loc["hybrid", "Test acc. (%)"].best
    assert cells.loc["random-search", "Test acc. (%)"].mark
    text = method_comparison_table(stats)
    assert text.count(r"\toprule") == text.count(r"\bottomrule") == 1
    best = sum(cell.best for column in ("Test acc. (%)", "HV ratio", "Queries to target")
               for cell in frame[column])
    assert best >= 2 and text.count(r"\bfseries") == best  # every best cell, only those
    assert r"93.10 $\pm$ 0.10" in text  # reg-evolution's accuracy, bold
    assert r"91.10 $\pm$ 0.10$^{\ast}$" in text  # random search's, marked
    assert r"\%" in text and "(%)" not in text.replace(r"(\%)", "")


def test_cell_latex_writes_missing_and_infinite_values() -> None:
    assert Cell(math.nan).latex() == "--"
    assert Cell(math.inf, note="0 reach").latex() == r"$\infty$ (0 reach)"
    assert Cell(1.23456, 0.1, 3, mark=True).latex() == r"1.235 $\pm$ 0.100$^{\ast}$"


def test_datasets_table_has_one_column_pair_per_dataset() -> None:
    stats = dataset_statistics(_grid(("cifar10", "imagenet16-120"), seeds=2))
    frame = datasets_frame(stats)
    assert frame.columns.nlevels == 2
    assert [c for c in frame.columns.get_level_values(0) if c] == [
        "CIFAR-10", "CIFAR-10", "ImageNet16-120", "ImageNet16-120"]
    text = datasets_table(stats)
    assert r"\multicolumn{2}{c}{CIFAR-10}" in text
    assert r"\multicolumn{2}{c}{ImageNet16-120}" in text
    assert text.count(r"\bfseries") == 4  # the best of each of the four columns
    assert r"\toprule" in text and r"\midrule" in text and r"\bottomrule" in text


# -- profiles ----------------------------------------------------------------------------------

def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "custom.toml"
    path.write_text('[checks]\nprofile = "quick"\n' + body)
    return path


@pytest.mark.parametrize(("body", "error", "fragments"), [
    ("[nas]\nmake = true\nbudget = 1\n", InvalidParameterError,
     ["2 <= nas.budget <= 15625", "nas.budget=1"]),
    ("[nas]\nseeds = 1\n", InvalidParameterError, ["nas.seeds >= 2", "nas.seeds=1"]),
    ('[nas]\nmethods = ["random-search", "reg-evolution"]\n', InvalidParameterError,
     ["includes 'hybrid' and 'reg-evolution'", "nas.methods=['random-search'"]),
    ('[nas]\nmethods = ["hybrid", "reg-evolution", "gd"]\n', InvalidParameterError,
     ["nas.methods in {hybrid", "nas.methods='gd'"]),
    ('[nas]\ndataset = "mnist"\n', InvalidParameterError,
     ["nas.dataset in {cifar10, cifar100, imagenet16-120}", "nas.dataset='mnist'"]),
    ('[nas]\ndevice = "toaster"\n', InvalidParameterError, ["nas.device='toaster'"]),
    ("[nas]\nalpha = 1.5\n", InvalidParameterError, ["0 < nas.alpha < 1", "nas.alpha=1.5"]),
    ("[nas]\ndatasets = []\n", InvalidParameterError,
     ["nas.datasets has at least one data set", "nas.datasets=[]"]),
    ('[nas]\ncd_metric = "loss"\n', InvalidParameterError, ["nas.cd_metric='loss'"]),
    ("[nas]\nbudgett = 3\n", UnknownNameError, ["nas.budgett", "nas.budget"]),
    ('[figures]\nmake = ["nas-cd"]\n', InvalidParameterError,
     ["figures.make names NAS figures only when nas.make = true", "nas.make=false"]),
    ('[figures]\nmake = ["nas-cd"]\n[nas]\nmake = true\nmethods = ["hybrid", '
     '"reg-evolution"]\n', InvalidParameterError,
     ["len(nas.methods) >= 3 for the nas-cd figure", "nas.methods=['hybrid'"]),
    ('[plans."emo.gsemo-lotz-order"]\nns = [8]\n', InvalidParameterError,
     ["at least two distinct problem sizes", "'ns': (8,)"]),
    ('[plans."emo.gsemo-lotz-order"]\nseeds = 0\n', InvalidParameterError,
     ["a plan runs seeds >= 1", "seeds=0"]),
    ('[figures]\nmake = ["supernet"]\n', InvalidParameterError,
     ["figures.make names the supernet figure only when supernet.make = true",
      "supernet.make=false"]),
    ("[supernet]\nbudget = 1\n", InvalidParameterError,
     ["supernet.budget >= 2", "supernet.budget=1"]),
    ('[supernet]\ncell = "vgg"\n', InvalidParameterError,
     ["supernet.cell in {darts, nb201}", "supernet.cell='vgg'"]),
    ("[supernet]\nhessian_every = -1\n", InvalidParameterError,
     ["supernet.hessian_every >= 0", "supernet.hessian_every=-1"]),
])
def test_nas_and_scaling_profile_errors_name_rule_and_value(
        tmp_path: Path, body: str, error: type[Exception], fragments: list[str]) -> None:
    with pytest.raises(error) as info:
        load_profile(_profile(tmp_path, body))
    for fragment in fragments:
        assert fragment in str(info.value)


def test_shipped_profiles_run_the_nas_section_with_the_paper_sizes() -> None:
    quick, full = load_profile("quick"), load_profile("full")
    assert quick.nas.make and full.nas.make
    assert set(figs.NAS_FIGURES) <= set(quick.figures) and "scaling" in quick.figures
    assert (quick.nas.seeds, quick.nas.budget) == (5, 100)
    assert full.nas.seeds >= 10 and full.nas.budget >= 150
    assert set(quick.nas.methods) == set(full.nas.methods) >= {
        "hybrid", "random-search", "reg-evolution", "nsga2-cells", "local-search",
        "optuna-tpe", "optuna-nsgaii"}
    from proofs_checks.families.emo import SEMO_NS, SEMO_SEEDS

    # the scaling figure reads the emo order checks' own plans at their sizes
    for profile, ns, seeds in zip((quick, full), SEMO_NS, SEMO_SEEDS, strict=True):
        context = CheckContext(profile=profile.check_profile, plan_sizes=profile.plan_sizes)
        assert context.sizes("emo.gsemo-oneminmax-order")["ns"] == ns
        assert context.sizes("emo.gsemo-lotz-order")["seeds"] == seeds


def test_a_profile_without_nas_makes_no_nas_figure_by_default(tmp_path: Path) -> None:
    profile = load_profile(_profile(tmp_path, ""))
    assert not profile.nas.make
    assert not set(profile.figures) & set(figs.NAS_FIGURES)
    assert "scaling" in profile.figures


# -- end to end --------------------------------------------------------------------------------

NAS_PROFILE = """
[checks]
profile = "quick"
bounds = ["nds.deb2002.pair-comparisons"]
[figures]
make = ["nas-hypervolume", "nas-fronts", "nas-cd", "nas-ablation"]
dpi = 60
[nas]
make = true
budget = 12
seeds = 2
methods = ["hybrid", "random-search", "reg-evolution", "nsga2-cells"]
datasets = ["cifar10", "cifar100"]
dataset_seeds = 2
ablation_seeds = 2
[pdf]
compile = true
"""


def test_reproduce_writes_the_nas_outputs_and_reuses_the_runs(tmp_path: Path) -> None:
    profile = tmp_path / "nas.toml"
    profile.write_text(NAS_PROFILE)
    out, results = tmp_path / "out", tmp_path / "results"
    summary = reproduce(profile, out, results, workers=1, progress=False)
    # main grid 4 x 2 on cifar10; by data set 4 x 2 per data set, cifar10 shared; the
    # ablation 6 variants x 2 seeds per data set, its full hybrid shared with the grid
    assert summary.nas_runs == 8 + 8 + (6 * 2 - 2) * 2 and summary.nas_runs_reused == 0
    for name in ("tables/nas_methods.tex", "tables/nas_datasets.tex", "nas.json",
                 "tables/nas_claims.tex", "tables/nas_ablation.tex",
                 *(f"figures/{f}.{e}" for f in figs.NAS_FIGURES for e in ("pdf", "png"))):
        assert (out / name).is_file(), name
        assert out / name in summary.outputs
    data = json.loads((out / "nas.json").read_text())
    assert data["friedman_nemenyi"]["blocks"] == 4
    assert [m["method"] for m in data["methods"]] == ["hybrid", "random-search",
                                                      "reg-evolution", "nsga2-cells"]
    assert [c["dataset"] for c in data["claims"]] == ["cifar10", "cifar100"]
    assert set(data["ablation"]) == {"cifar10", "cifar100"}
    variants = [m["method"] for m in data["ablation"]["cifar10"]["methods"]]
    assert set(variants) == {"full", "no-evolution", "no-screening", "no-local",
                             "no-refinement", "with-pruning"}
    assert all(t["method"] == "full" for t in data["ablation"]["cifar10"]["tests"])
    numbers = (out / "numbers.tex").read_text()
    assert r"\newcommand{\nbNasSeeds}{2}" in numbers
    assert r"\newcommand{\nbNasDataset}{CIFAR-10}" in numbers
    assert "NAS-Bench-201 runs reused: 0 of 36" in summary.describe()
    assert r"\newcommand{\nbClaimTenAcc}" in numbers
    if HAS_PDFLATEX:
        assert summary.pdf is not None and summary.pdf.read_bytes()[:5] == b"%PDF-"
    table = (out / "tables" / "nas_methods.tex").read_text()
    again = reproduce(profile, out, results, workers=1, progress=False)
    assert again.runs_executed == 0 and again.nas_runs_reused == again.nas_runs == 36
    assert (out / "tables" / "nas_methods.tex").read_text() == table  # same runs, same table


# -- supernet figure (drawn from a stored trace) -----------------------------------------------

def _supernet_trace(steps: int = 6) -> pd.DataFrame:
    """Edge 0 collapses to op 3 (skip) at iteration 3; the Hessian is computed twice."""
    dominant = [f"{1 if it < 3 else 3},2,0" for it in range(steps)]
    return pd.DataFrame({
        "iteration": np.arange(steps), "alpha_entropy": np.linspace(1.6, 0.9, steps),
        "dominant_ops": dominant, "param_free_selected": [0, 0, 0, 1, 1, 1][:steps],
        "skip_selected": [0, 0, 0, 1, 1, 1][:steps],
        "hessian_eig": [math.nan, 0.5, math.nan, math.nan, math.nan, 2.0][:steps],
        "val_loss": np.linspace(2.0, 1.0, steps)})


def test_supernet_trace_data_reads_the_alpha_trajectory_and_diagnostics() -> None:
    data = figs.supernet_trace_data(_supernet_trace(), "seed 0")
    assert data.dominant.shape == (3, 6)
    assert data.dominant[0].tolist() == [1, 1, 1, 3, 3, 3]
    assert data.dominant[1].tolist() == [2] * 6
    assert data.hessian_iterations.tolist() == [1.0, 5.0]
    assert data.hessian_eig.tolist() == [0.5, 2.0]
    assert data.param_free.tolist() == [0, 0, 0, 1, 1, 1]
    with pytest.raises(InvalidParameterError, match="dominant_ops"):
        figs.supernet_trace_data(_supernet_trace().drop(columns=["dominant_ops"]))


def test_supernet_figure_draws_both_panels() -> None:
    fig = figs.supernet_figure(figs.supernet_trace_data(_supernet_trace()),
                               ["none", "conv3", "conv1", "skip"])
    top = fig.axes[0]
    assert top.images and top.images[0].get_array().shape == (3, 6)
    assert any(text.get_text() == "skip" for ax in fig.axes for text in ax.get_yticklabels())
    assert len(fig.axes) == 5  # trajectory, its colour bar, diagnostics, its twin, Hessian
    hessian = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith("(c)"))
    assert hessian.lines[0].get_xdata().tolist() == [1.0, 5.0]
    assert hessian.lines[0].get_ydata().tolist() == [0.5, 2.0]
    # one iteration axis: the stacked panels have the same width
    fig.canvas.draw()
    widths = {round(ax.get_position().width, 6) for ax in fig.axes
              if ax.get_title(loc="left")[:3] in ("(a)", "(b)", "(c)")}
    assert len(widths) == 1
    without = figs.supernet_figure(figs.supernet_trace_data(
        _supernet_trace().assign(hessian_eig=math.nan)))
    assert not any(ax.get_title(loc="left").startswith("(c)") for ax in without.axes)


def test_both_profiles_make_the_supernet_figure_quick_with_its_own_protocol() -> None:
    """The full profile keeps the paper's DARTS protocol; the quick one a smaller supernet
    and a larger architecture step (so that alpha moves within about a minute)."""
    quick, full = load_profile("quick"), load_profile("full")
    for profile in (quick, full):
        assert profile.supernet.make and "supernet" in profile.figures
    assert full.supernet.budget >= 150 and full.supernet.hessian_every > 0
    assert (full.supernet.channels, full.supernet.batch, full.supernet.a_lr) == (8, 32, 0.03)
    assert full.supernet.warmup == 50 and full.supernet.retrain_epochs > 0
    assert quick.supernet.a_lr >= 10 * full.supernet.a_lr
    assert quick.supernet.channels < full.supernet.channels
    assert quick.supernet.budget - quick.supernet.warmup >= 100  # architecture steps
    assert quick.supernet.retrain_epochs == 0 and quick.supernet.hessian_every > 0


@pytest.mark.slow
def test_reproduce_draws_the_supernet_figure_from_a_stored_search(tmp_path: Path) -> None:
    """A two-step search on a two-channel supernet, through reproduce and the run store."""
    from paper.reproduce import _supernet_plan, reproduce

    profile = _profile(tmp_path, 'bounds = ["space.nb201.cell-count"]\n'
                       '[figures]\nmake = ["supernet"]\n[pdf]\ncompile = false\n'
                       '[supernet]\nmake = true\nbudget = 2\nchannels = 2\n'
                       'hessian_every = 1\n')
    summary = reproduce(profile, tmp_path / "out", tmp_path / "runs")
    assert (tmp_path / "out" / "figures" / "supernet.pdf").exists()
    assert dict(summary.stage_seconds)["supernet runs"] > 0
    spec = _supernet_plan(load_profile(profile).supernet).specs()[0]
    assert RunStore(tmp_path / "runs").load(spec) is not None  # stored, so reused next time
