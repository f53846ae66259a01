"""The paper's figures: for each, a pure data function and a drawing function (STYLE.md 12).

* ``grad_norm_trace`` / ``convex_gap_trace`` -> :class:`GradNormTrace`, :class:`ConvexGapTrace`
  (figure ``gradient``): gradient descent with step 1/L, the running minimum of
  ||grad f(x_k)||^2 against 2L(f(x_0) - f*)/(k+1), and on a convex quadratic f(x_k) - f*
  against Nesterov's 2LR^2/(k+4) and Drori-Teboulle's LR^2/(4k+2). The bound values come
  from the registry's ``Bound.evaluate``, so the plotted bound is the checked one.
* ``runtime_data`` / ``coverage_data`` -> :class:`RuntimeData`, :class:`CoverageData`
  (figure ``nsga2``): generations until NSGA-II covers the OneMinMax front against n, with
  the least-squares fit c n ln n (``analysis.stats.constant_fit``); and the covered share
  of the front per generation for N = n+1 and N = 4(n+1).
* ``tightness_data`` -> :class:`TightnessData` (figure ``tightness``): measured / bound of
  every check run as stated that reports a tightness.
* ``scaling_data`` -> :class:`ScalingPanel` (figure ``scaling``): generations (NSGA-II) or
  iterations (GSEMO) to cover the front against n, the log-log fit and the theory order
  (``analysis.scaling.compare_scaling``); the runs are the order checks' stored runs
  (``nsga2_runs``, ``gsemo_runs``).
* ``nas_anytime_data`` -> :class:`NASAnytimeData` (figure ``nas-hypervolume``): per method
  the mean hypervolume ratio and best-found test accuracy against queries with t-bands
  (``analysis.runtime.anytime_curves`` on ``analysis.nas_comparison.traces_frame``);
* ``nas_fronts_data`` -> :class:`NASFrontsData` (figure ``nas-fronts``): each method's
  pooled front (``paper.search_command.pooled_front``) in the (latency, search error)
  plane against the benchmark's exact front;
* ``nas_cd_data`` -> :class:`NASCDData` (figure ``nas-cd``): Friedman test and Nemenyi
  critical difference (``analysis.comparison``) over (data set, seed) blocks, drawn by
  ``analysis.plots.plot_critical_difference``.
* ``supernet_anytime_data`` -> :class:`SupernetAnytimeData` (figure
  ``supernet-hypervolume``): the NAS methods on the MNIST supernet (one-shot error,
  stored latency, memory), per method the hypervolume of the queried cells as a share of
  the problem's reference box and the best one-shot validation error against queries,
  mean with its Student-t band across seeds, kept in range (``analysis.runtime``);
* ``supernet_trace_data`` -> :class:`SupernetTraceData` (figure ``supernet``): a stored
  DARTS supernet trace's alpha trajectory as recorded (the argmax operation per edge per
  iteration, ``dominant_ops``) and its collapse diagnostics (mean softmax entropy of
  alpha, parameter-free and skip operations in the derived cell, the dominant alpha-Hessian
  eigenvalue where computed).

Data functions take stored runs or check results and return small frozen records of
arrays; ``gd_runs``, ``nsga2_runs`` and ``gsemo_runs`` obtain the runs through the
context's lab from named run plans (``solvers.plans``): ``figures.gradient`` (registered
here), and the checks' own plans ``nsga2.oneminmax-cover``,
``nsga2.oneminmax-small-population`` and ``emo.gsemo-<problem>-order``, so a figure shows
the very runs a check used, with the sizes of the same profile.
Drawing functions take the record and a matplotlib ``Axes``, draw, and return the Axes;
they set font sizes on their own artists, never touch global style and never save.
``gradient_figure``, ``nsga2_figure`` and ``tightness_figure`` assemble whole figures on
``matplotlib.figure.Figure`` objects with the Agg canvas (no pyplot state).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from analysis.comparison import (
    CriticalDifference,
    FriedmanTest,
    critical_difference,
    friedman_test,
)
from analysis.effect_sizes import mean_interval
from analysis.metrics import METRICS
from analysis.nas_comparison import (
    RunData,
    balanced_blocks,
    block_values,
    curve_at,
    traces_frame,
)
from analysis.plots import plot_anytime, plot_critical_difference, plot_scaling
from analysis.runtime import AnytimeCurve, anytime_curves
from analysis.scaling import ScalingComparison, compare_scaling
from analysis.stats import constant_fit
from proofs_checks.check import CheckContext, CheckResult
from proofs_checks.families.emo import SEMO_ORDER_PLANS
from proofs_checks.families.nsga2 import ONEMINMAX_COVER, ONEMINMAX_SMALL_POPULATION
from solvers.plans import PlanEntry, PlanRecipe, RunPlan, register_plan
from solvers.problems.base import SmoothProblem
from solvers.registry import make_problem
from solvers.store import StoredRun
from theory.errors import InvalidParameterError
from theory.registry import all_bounds, get_bound

__all__ = ["COLUMN_WIDTH_IN", "FIGURES", "NAS_FIGURES", "SUPERNET_COLUMNS",
           "SUPERNET_NAS_FIGURES", "TEXT_WIDTH_IN", "ConvexGapTrace", "CoverageData",
           "CoverageSeries", "GradNormTrace", "MethodFront", "NASAnytimeData", "NASCDData",
           "NASFrontsData", "RuntimeData", "ScalingPanel", "SupernetAnytimeData",
           "SupernetTraceData", "TightnessData", "applications_figure", "convex_gap_trace",
           "coverage_data",
           "coverage_series", "gd_runs", "grad_norm_trace", "gradient_figure", "gsemo_runs",
           "nas_ablation_data", "nas_ablation_figure", "nas_anytime_data",
           "nas_anytime_figure", "nas_cd_data", "nas_cd_figure", "nas_fronts_data",
           "nas_fronts_figure", "nsga2_figure", "nsga2_runs",
           "plot_alpha_trajectory", "plot_collapse", "plot_convex_gap", "plot_coverage",
           "plot_front", "plot_grad_norm", "plot_hessian_eigenvalue", "plot_runtime",
           "plot_scaling_panel", "plot_tightness",
           "runtime_data", "scaling_data", "scaling_figure", "supernet_anytime_data",
           "supernet_anytime_figure", "supernet_figure", "supernet_trace_data", "tightness_data",
           "tightness_figure"]

#: the figures drawn from NAS-Bench-201 search runs (made when the profile's [nas] is on)
NAS_FIGURES = ("nas-hypervolume", "nas-fronts", "nas-cd", "nas-ablation")
#: figures drawn from the MNIST supernet search (``[supernet]`` of a profile)
SUPERNET_FIGURES = ("supernet",)
#: figures drawn from the NAS methods on the MNIST supernet (``[nas_supernet]``)
SUPERNET_NAS_FIGURES = ("supernet-hypervolume",)
#: figures drawn from the application tasks (``[applications]``, paper.application_search)
APPLICATION_FIGURES = ("applications",)
#: the figures a profile can ask for
FIGURES = ("gradient", "nsga2", "scaling", "tightness", *NAS_FIGURES, *SUPERNET_FIGURES,
           *SUPERNET_NAS_FIGURES, *APPLICATION_FIGURES)
#: single-column width of a two-column paper, inches
COLUMN_WIDTH_IN = 3.4
#: text width (both columns) of the same paper, inches
TEXT_WIDTH_IN = 7.0
#: font sizes (points) of tick labels and of axis labels/legends at column width
TICK_PT = 6.5
LABEL_PT = 7.5

#: smallest tightness still drawn on a linear axis (below it the axis is logarithmic)
LINEAR_TIGHTNESS_FROM = 0.05
#: normalised step (step size times L) the gradient figure's bounds assume
_UNIT_STEP_RTOL = 1e-12


# -- gradient descent ---------------------------------------------------------------------------

@dataclass(frozen=True)
class GradNormTrace:
    """GD on one problem: running min of ||grad f||^2 and the bound 2L Delta/(k+1)."""

    problem: str
    k: np.ndarray
    running_min: np.ndarray
    bound: np.ndarray
    L: float
    delta: float


@dataclass(frozen=True)
class ConvexGapTrace:
    """GD on a convex problem: f(x_k) - f* against two bounds on it."""

    problem: str
    k: np.ndarray
    gap: np.ndarray
    nesterov: np.ndarray
    drori_teboulle: np.ndarray
    L: float
    R: float


#: the problems of the gradient figure: a convex quadratic (mu = 0) and the rotated Cauchy
_GRADIENT_PROBLEMS = ("quadratic", "cauchy")


def _gradient_plan(sizes: Mapping[str, Any], seed: int) -> RunPlan:
    common = {"dim": sizes["dim"], "L": sizes["L"], "instance_seed": sizes["instance_seed"],
              "x0_radius": sizes["x0_radius"]}
    entries = tuple(PlanEntry("gd", {"steps": sizes["steps"], "step_size": 1.0}, name,
                              {**common, "mu": 0.0} if name == "quadratic" else common)
                    for name in _GRADIENT_PROBLEMS)
    return RunPlan("figures.gradient", entries, 1, sizes["seed"] + seed,
                   "GD with step 1/L on a convex quadratic and the rotated Cauchy")


GRADIENT_PLAN = register_plan(PlanRecipe(
    "figures.gradient", "GD (step 1/L) on a convex quadratic and the rotated Cauchy: the "
    "gradient figure", {
        "quick": {"steps": 300, "dim": 20, "L": 1.0, "x0_radius": 3.0, "instance_seed": 0,
                  "seed": 0},
        "full": {"steps": 1000, "dim": 50, "L": 1.0, "x0_radius": 3.0, "instance_seed": 0,
                 "seed": 0}},
    _gradient_plan)).name


def gd_runs(context: CheckContext) -> dict[str, StoredRun]:
    """The gradient figure's runs (plan ``figures.gradient``), by problem name."""
    return dict(zip(_GRADIENT_PROBLEMS, context.runs(GRADIENT_PLAN), strict=True))


def _smooth_problem(run: StoredRun) -> SmoothProblem:
    if run.spec.solver != "gd":
        raise InvalidParameterError("solver == 'gd'", f"solver={run.spec.solver!r}")
    problem = make_problem(run.spec.problem, run.spec.problem_config)
    if not isinstance(problem, SmoothProblem):
        raise InvalidParameterError("a smooth problem", f"problem={run.spec.problem!r}")
    return problem


def _unit_step(run: StoredRun, L: float) -> None:
    h = float(run.summary["step"]) * L
    if not math.isclose(h, 1.0, rel_tol=_UNIT_STEP_RTOL):
        raise InvalidParameterError("step == 1/L for the gradient figure's bounds",
                                    f"step*L={h} in run {run.spec.key[:12]}")


def grad_norm_trace(run: StoredRun) -> GradNormTrace:
    """min_{j<=k} ||grad f(x_j)||^2 and ``gd.nonconvex.min-grad-norm`` at N = k."""
    problem = _smooth_problem(run)
    L = float(problem.L)
    _unit_step(run, L)
    trace = run.trace
    k = trace["iteration"].to_numpy(dtype=float)
    grad_sq = trace["grad_norm_sq"].to_numpy(dtype=float)
    delta = float(run.summary["f0"]) - float(problem.f_star)
    bound = get_bound("gd.nonconvex.min-grad-norm")
    values = np.array([bound.evaluate(L=L, Delta=delta, N=int(i)) for i in k])
    return GradNormTrace(run.spec.problem, k, np.minimum.accumulate(grad_sq), values, L,
                         delta)


def convex_gap_trace(run: StoredRun) -> ConvexGapTrace:
    """f(x_k) - f* with ``gd.convex.nesterov`` and ``gd.convex.drori-teboulle`` at N = k."""
    problem = _smooth_problem(run)
    if not problem.convex:
        raise InvalidParameterError("the problem is convex for the convex-gap bounds",
                                    f"problem={run.spec.problem!r}")
    L = float(problem.L)
    _unit_step(run, L)
    R = float(run.summary["R"])
    trace = run.trace
    k = trace["iteration"].to_numpy(dtype=float)
    gap = trace["f"].to_numpy(dtype=float) - float(problem.f_star)
    nesterov, drori = get_bound("gd.convex.nesterov"), get_bound("gd.convex.drori-teboulle")
    # the step 1/L, both as an absolute step (h) and normalised (h_norm = h L = 1)
    step = {"L": L, "R": R, "h": 1.0 / L, "h_norm": 1.0}
    return ConvexGapTrace(
        run.spec.problem, k, gap,
        np.array([nesterov.evaluate(**step, N=int(i)) for i in k]),
        np.array([drori.evaluate(**step, N=int(i)) for i in k]), L, R)


def _style(ax: Axes) -> None:
    """Font sizes for a column-wide figure, set on this Axes' own artists."""
    ax.tick_params(which="both", labelsize=TICK_PT)
    ax.xaxis.label.set_fontsize(LABEL_PT)
    ax.yaxis.label.set_fontsize(LABEL_PT)
    ax.title.set_fontsize(LABEL_PT)


def plot_grad_norm(data: Sequence[GradNormTrace], ax: Axes) -> Axes:
    """Running min of ||grad f||^2 (solid) and its bound (dashed), one colour per problem."""
    for index, trace in enumerate(data):
        color = f"C{index}"
        ax.plot(trace.k, trace.running_min, color=color, lw=1.2,
                label=rf"{trace.problem}: $\min_{{j\leq k}}\|\nabla f(x_j)\|^2$")
        ax.plot(trace.k, trace.bound, color=color, lw=1.0, ls="--",
                label=rf"{trace.problem}: $2L\Delta/(k+1)$")
    ax.set_yscale("log")
    if data:  # keep the bounds readable when a run converges linearly to round-off
        top = max(float(np.max(t.bound)) for t in data)
        low = min(float(np.min(t.running_min[t.running_min > 0], initial=top)) for t in data)
        ax.set_ylim(max(low, top * 1e-12) / 2, top * 2)
    ax.set_xlabel("iteration $k$")
    ax.set_ylabel(r"$\|\nabla f\|^2$")
    ax.legend(fontsize=TICK_PT - 0.5, frameon=False, loc="best")
    _style(ax)
    return ax


def plot_convex_gap(data: ConvexGapTrace, ax: Axes) -> Axes:
    """f(x_k) - f* against Nesterov's and Drori-Teboulle's bounds (log-log)."""
    k = data.k + 1  # plotted against k + 1 so that k = 0 fits on a log axis
    ax.plot(k, data.gap, color="C0", lw=1.2, label=rf"{data.problem}: $f(x_k)-f^\star$")
    ax.plot(k, data.nesterov, color="C3", lw=1.0, ls="--", label=r"Nesterov $2LR^2/(k+4)$")
    ax.plot(k, data.drori_teboulle, color="C2", lw=1.0, ls=":",
            label=r"Drori-Teboulle $LR^2/(4k+2)$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration $k+1$")
    ax.set_ylabel(r"$f(x_k)-f^\star$")
    ax.legend(fontsize=TICK_PT - 0.5, frameon=False, loc="best")
    _style(ax)
    return ax


# -- NSGA-II ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuntimeData:
    """Generations to cover the OneMinMax front per run, their means, and the c n ln n fit."""

    n: np.ndarray
    generations: np.ndarray
    censored: np.ndarray
    ns: np.ndarray
    means: np.ndarray
    constant: float
    constant_ci: tuple[float, float]
    curve_n: np.ndarray
    curve: np.ndarray
    label: str


@dataclass(frozen=True)
class CoverageSeries:
    """Covered share of the front per generation (one row per run), held after covering."""

    label: str
    pop: int
    generations: np.ndarray
    fractions: np.ndarray
    mean: np.ndarray
    covered_runs: int


@dataclass(frozen=True)
class CoverageData:
    n: int
    series: tuple[CoverageSeries, ...]


def nsga2_runs(context: CheckContext
               ) -> tuple[list[StoredRun], dict[str, list[StoredRun]], int]:
    """The runtime runs (plan ``nsga2.oneminmax-cover``, N = 4(n+1)), the coverage runs
    (plan ``nsga2.oneminmax-small-population`` at its smallest n, fair selection, N = n+1
    and 4(n+1)) and the coverage horizon: the checks' plans at the context's sizes, so
    they are the checks' stored runs, reused rather than recomputed."""
    runtime = context.runs(ONEMINMAX_COVER, selection="deb-tournament")
    small = context.sizes(ONEMINMAX_SMALL_POPULATION)
    first = {"ns": tuple(small["ns"])[:1]}
    coverage = {rule: context.runs(ONEMINMAX_SMALL_POPULATION, first, selection="fair",
                                   pop_rule=rule)
                for rule in ("n+1", "4(n+1)")}
    return runtime, coverage, int(small["cap"])


def runtime_data(runs: Sequence[StoredRun]) -> RuntimeData:
    """T per run (censored runs count as the generations they ran) and the fit T = c n ln n."""
    if not runs:
        raise InvalidParameterError("at least one run for the runtime figure", "0 runs")
    n = np.array([r.spec.problem_config["n"] for r in runs], dtype=float)
    censored = np.array([bool(r.summary["censored"]) for r in runs])
    t = np.array([r.summary["generations_run"] if c else r.summary["generations_to_cover"]
                  for r, c in zip(runs, censored, strict=True)], dtype=float)
    if np.any(n < 2):
        raise InvalidParameterError("n >= 2 (so that n ln n > 0)", f"n={int(n.min())}")
    fit = constant_fit(n * np.log(n), t)
    ns = np.unique(n)
    curve_n = np.linspace(ns.min(), ns.max(), 100)
    config = runs[0].spec.solver_config
    return RuntimeData(n, t, censored, ns, np.array([t[n == v].mean() for v in ns]),
                       fit.constant, (fit.ci_low, fit.ci_high), curve_n,
                       fit.constant * curve_n * np.log(curve_n),
                       f"{config['selection']}, {config['mutation']} mutation")


def coverage_series(runs: Sequence[StoredRun], label: str, horizon: int) -> CoverageSeries:
    """Covered share per generation 0..horizon; a run that stopped keeps its last value."""
    if not runs:
        raise InvalidParameterError("at least one run per coverage series", f"0 runs ({label})")
    generations = np.arange(horizon + 1)
    rows = []
    for run in runs:
        trace = run.trace
        values = np.full(horizon + 1, np.nan)
        gen = trace["iteration"].to_numpy(dtype=int)
        keep = gen <= horizon
        values[gen[keep]] = trace["covered_fraction"].to_numpy(dtype=float)[keep]
        # forward fill: after covering (or the run's end) the share stays where it was
        last = np.maximum.accumulate(np.where(np.isnan(values), -1, generations))
        values = values[np.maximum(last, 0)]
        rows.append(values)
    fractions = np.vstack(rows)
    pops = {int(r.spec.solver_config["pop"]) for r in runs}
    if len(pops) != 1:
        raise InvalidParameterError("one population size per coverage series",
                                    f"pops={sorted(pops)} ({label})")
    covered = sum(bool(r.summary["covered"]) for r in runs)
    return CoverageSeries(label, pops.pop(), generations, fractions, fractions.mean(axis=0),
                          covered)


def coverage_data(groups: Mapping[str, Sequence[StoredRun]], horizon: int) -> CoverageData:
    """One :class:`CoverageSeries` per population rule (e.g. "n+1", "4(n+1)")."""
    ns = {int(r.spec.problem_config["n"]) for runs in groups.values() for r in runs}
    if len(ns) != 1:
        raise InvalidParameterError("one n for the coverage panel", f"n in {sorted(ns)}")
    return CoverageData(ns.pop(), tuple(coverage_series(runs, f"N = {rule}", horizon)
                                        for rule, runs in groups.items()))


def plot_runtime(data: RuntimeData, ax: Axes) -> Axes:
    """T per run (points, censored ones hollow), means, and the fitted c n ln n."""
    rng = np.random.default_rng(0)  # horizontal jitter only, so points do not overlap
    jitter = 1 + 0.02 * rng.uniform(-1, 1, size=len(data.n))
    done = ~data.censored
    ax.scatter(data.n[done] * jitter[done], data.generations[done], s=4, color="C0",
               alpha=0.35, lw=0, label="one run")
    if data.censored.any():
        ax.scatter(data.n[~done] * jitter[~done], data.generations[~done], s=6,
                   facecolors="none", edgecolors="C3", lw=0.6, label="censored at cap")
    ax.plot(data.ns, data.means, "o", color="C1", ms=3.5, label="mean")
    low, high = data.constant_ci
    ax.plot(data.curve_n, data.curve, color="k", lw=1.0,
            label=rf"${data.constant:.2f}\,n\ln n$ (95% CI {low:.2f}–{high:.2f})")
    ax.set_xlabel("$n$")
    ax.set_ylabel("generations to cover $T$")
    ax.legend(fontsize=TICK_PT - 0.5, frameon=False, loc="upper left",
              title=data.label, title_fontsize=TICK_PT - 0.5)
    _style(ax)
    return ax


def plot_coverage(data: CoverageData, ax: Axes) -> Axes:
    """Covered share per generation: thin line per run, thick mean, one colour per N."""
    for index, series in enumerate(data.series):
        color = f"C{3 if index == 0 else 0}" if len(data.series) == 2 else f"C{index}"
        for row in series.fractions:
            ax.plot(series.generations, row, color=color, lw=0.4, alpha=0.2)
        total = len(series.fractions)
        ax.plot(series.generations, series.mean, color=color, lw=1.3,
                label=f"{series.label} = {series.pop} ({series.covered_runs}/{total} covered)")
    ax.axhline(1.0, color="0.5", lw=0.6, ls=":")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("generation $t$")
    ax.set_ylabel(f"covered share of the front ($n = {data.n}$)")
    ax.legend(fontsize=TICK_PT - 0.5, frameon=False, loc="lower right", title="fair selection",
              title_fontsize=TICK_PT - 0.5)
    _style(ax)
    return ax


# -- tightness ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TightnessData:
    """measured / bound per bound (as stated), in catalogue order."""

    labels: tuple[str, ...]
    tightness: np.ndarray
    ok: np.ndarray
    checks: tuple[str, ...]


def tightness_data(results: Sequence[CheckResult]) -> TightnessData:
    """Every result run as stated with a finite, positive tightness; catalogue order."""
    order = {b.id: i for i, b in enumerate(all_bounds())}
    chosen = [r for r in results if r.setting_kind == "none" and r.tightness is not None
              and math.isfinite(r.tightness) and r.tightness > 0]
    chosen.sort(key=lambda r: (order.get(r.bound_id, len(order)), r.check))
    per_bound: dict[str, int] = {}
    for r in chosen:
        per_bound[r.bound_id] = per_bound.get(r.bound_id, 0) + 1
    labels = tuple(r.bound_id if per_bound[r.bound_id] == 1 else f"{r.bound_id} ({r.check})"
                   for r in chosen)
    return TightnessData(labels, np.array([r.tightness for r in chosen], dtype=float),
                         np.array([r.ok for r in chosen], dtype=bool),
                         tuple(r.check for r in chosen))


def plot_tightness(data: TightnessData, ax: Axes) -> Axes:
    """A dot per bound (red where the check failed), with the bound itself at 1."""
    y = np.arange(len(data.labels))[::-1]
    if len(y):
        ax.hlines(y, 0, data.tightness, color="0.8", lw=0.8)
    colors = np.where(data.ok, "C0", "C3")
    ax.scatter(data.tightness, y, c=list(colors), s=14, zorder=3)
    ax.axvline(1.0, color="k", lw=0.8, ls="--")
    ax.set_yticks(y, data.labels)
    high = max(float(data.tightness.max()), 1.0) if len(y) else 1.0
    low = min(float(data.tightness.min()), 1.0) if len(y) else 1.0
    if low >= LINEAR_TIGHTNESS_FROM:  # a linear axis reads better over one decade
        ax.set_xlim(0, high * 1.08)
    else:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(low / 2, high * 2)
    ax.set_ylim(-0.7, len(y) - 0.3)
    ax.set_xlabel("measured / bound")
    _style(ax)
    ax.tick_params(axis="y", labelsize=TICK_PT - 1)
    return ax


# -- runtime scaling ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ScalingPanel:
    """Runtimes against n of one algorithm on one problem, with the fit against its order."""

    label: str
    unit: str
    sizes: np.ndarray
    values: np.ndarray
    censored: int
    comparison: ScalingComparison
    order: str


def gsemo_runs(context: CheckContext, problem: str) -> list[StoredRun]:
    """GSEMO runs on ``problem`` for every n: the plan of the emo order check
    (``emo.gsemo-<problem>-order``) at the context's sizes, so they are its stored runs."""
    return context.runs(SEMO_ORDER_PLANS[("gsemo", problem)])


def scaling_data(runs: Sequence[StoredRun], label: str, exponent: float, log_power: float,
                 order: str) -> ScalingPanel:
    """Runtime per run (a censored run counts as what it ran) against n, compared with
    n^exponent (ln n)^log_power by ``compare_scaling``; NSGA-II runs count generations,
    SEMO/GSEMO runs iterations."""
    if not runs:
        raise InvalidParameterError("at least one run per scaling panel", f"0 runs ({label})")
    generations = "generations_to_cover" in runs[0].summary
    done, ran = (("generations_to_cover", "generations_run") if generations
                 else ("iterations_to_cover", "iterations_run"))
    n = np.array([r.spec.problem_config["n"] for r in runs], dtype=float)
    censored = np.array([bool(r.summary["censored"]) for r in runs])
    t = np.array([r.summary[ran] if c else r.summary[done]
                  for r, c in zip(runs, censored, strict=True)], dtype=float)
    if len(np.unique(n)) < 2:
        raise InvalidParameterError("at least two sizes n per scaling panel",
                                    f"n in {sorted(set(n.astype(int)))} ({label})")
    t = np.maximum(t, 1.0)  # a run that starts covered took no step; log needs > 0
    return ScalingPanel(label, "generations" if generations else "iterations", n, t,
                        int(censored.sum()), compare_scaling(n, t, exponent, log_power), order)


def plot_scaling_panel(data: ScalingPanel, ax: Axes) -> Axes:
    """One scaling panel: runs, log-log fit and order (``analysis.plots.plot_scaling``)."""
    plot_scaling(data.sizes, data.values, data.comparison, ax, fontsize=TICK_PT - 0.5)
    handles, labels = ax.get_legend_handles_labels()
    labels = [f"order {data.order}" if text == "theory order" else text for text in labels]
    verdict = "consistent" if data.comparison.consistent else "not consistent"
    ax.legend(handles, labels, fontsize=TICK_PT - 0.5, frameon=False, loc="upper left",
              title=f"excess slope {data.comparison.excess_slope:+.2f} ({verdict})",
              title_fontsize=TICK_PT - 0.5)
    ax.set_ylabel(f"{data.unit} to cover the front")
    sizes = np.unique(data.sizes)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xticks(sizes, [str(int(n)) for n in sizes])
    ax.set_title(data.label, loc="left", fontsize=LABEL_PT)
    _style(ax)
    return ax


def scaling_figure(panels: Sequence[ScalingPanel]) -> Figure:
    """Figure ``scaling``: one log-log panel per (algorithm, problem), side by side."""
    fig = new_figure(2.5, TEXT_WIDTH_IN)
    axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
    for panel, ax in zip(panels, axes, strict=False):
        plot_scaling_panel(panel, ax)
    return fig


# -- NAS-Bench-201 ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NASAnytimeData:
    """Hypervolume ratio and best-found test accuracy against queries, one curve per method."""

    dataset: str
    hypervolume: tuple[AnytimeCurve, ...]
    accuracy: tuple[AnytimeCurve, ...]
    level: float


def _accuracy_curve(runs: Sequence[RunData], grid: np.ndarray, level: float) -> AnytimeCurve:
    values = np.vstack([curve_at(r.trace, "best_test_accuracy", grid) for r in runs])
    center, low, high, count = (np.empty(len(grid)) for _ in range(4))
    for j in range(len(grid)):
        column = values[:, j][np.isfinite(values[:, j])]
        count[j] = len(column)
        if len(column):
            est = mean_interval(column, level, METRICS["best_test_accuracy"])
            center[j], low[j], high[j] = est.point, est.ci_low, est.ci_high
        else:
            center[j] = low[j] = high[j] = np.nan
    low = np.where(np.isnan(low), center, low)  # one run: no band
    high = np.where(np.isnan(high), center, high)
    return AnytimeCurve(runs[0].method, str(runs[0].problem_config.get("dataset", "")), grid,
                        center, low, high, count.astype(int), "t", level)


def nas_anytime_data(runs: Sequence[RunData], grid: Sequence[int] | None = None,
                     level: float = 0.95) -> NASAnytimeData:
    """Per method: the hypervolume ratio (non-decreasing per run, so its best-so-far is
    itself) and the best-found cell's 200-epoch test accuracy after q queries, mean with
    the two-sided Student-t band across seeds, at every q of ``grid`` (default 1..budget)."""
    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    datasets = {str(r.problem_config.get("dataset", "")) for r in runs}
    if len(datasets) != 1:
        raise InvalidParameterError("runs of one data set per anytime figure",
                                    f"data sets {sorted(datasets)}")
    budget = int(max(r.trace["evaluations"].max() for r in runs))
    points = np.arange(1, budget + 1, dtype=float) if grid is None else np.asarray(grid, float)
    methods = list(dict.fromkeys(r.method for r in runs))
    volume = anytime_curves(traces_frame(runs, "hypervolume_ratio"), points, band="t",
                            level=level, minimize=False, methods=methods, bounds=(0.0, 1.0))
    order = {m: i for i, m in enumerate(methods)}
    volume = tuple(sorted(volume, key=lambda c: order[c.method]))
    accuracy = tuple(_accuracy_curve([r for r in runs if r.method == m], points, level)
                     for m in methods)
    return NASAnytimeData(datasets.pop(), volume, accuracy, level)


def _anytime_pair(panels: Sequence[tuple[Any, str, str]], xlabel: str) -> Figure:
    """Two anytime panels side by side at text width, each (series, y label, title); one
    legend, in the left panel."""
    fig = new_figure(2.6, TEXT_WIDTH_IN)
    axes = fig.subplots(1, 2)
    for ax, (series, ylabel, title) in zip(axes, panels, strict=True):
        plot_anytime(series, ax, fontsize=TICK_PT - 0.5)
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left", fontsize=LABEL_PT)
        ax.set_xlabel(xlabel)
        _style(ax)
    axes[1].get_legend().remove()
    return fig


def nas_anytime_figure(data: NASAnytimeData) -> Figure:
    """Figure ``nas-hypervolume``: (a) hypervolume ratio, (b) best-found test accuracy."""
    pct = round(100 * data.level)
    return _anytime_pair(
        [(data.hypervolume, "hypervolume ratio (of the exact front)",
          f"(a) hypervolume, mean and {pct}% t-band"),
         (data.accuracy, "test accuracy of the best-found cell (%)",
          f"(b) best-found cell, mean and {pct}% t-band")],
        f"distinct queries (NAS-Bench-201 {data.dataset})")


@dataclass(frozen=True)
class MethodFront:
    """A method's pooled front: every point, and its (latency, error) non-dominated staircase."""

    method: str
    latency: np.ndarray
    error: np.ndarray
    step_latency: np.ndarray
    step_error: np.ndarray


@dataclass(frozen=True)
class NASFrontsData:
    dataset: str
    device: str
    fronts: tuple[MethodFront, ...]
    true_latency: np.ndarray
    true_error: np.ndarray


def _staircase(latency: np.ndarray, error: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D non-dominated points (both minimised), sorted by latency."""
    import moocore

    if len(latency) == 0:
        return latency, error
    keep = np.asarray(moocore.is_nondominated(np.column_stack([latency, error])), dtype=bool)
    order = np.argsort(latency[keep], kind="stable")
    return latency[keep][order], error[keep][order]


def nas_fronts_data(runs: Sequence[RunData], true_front: np.ndarray) -> NASFrontsData:
    """Each method's front pooled over its seeds, projected onto (latency, search error),
    and the 2-D front of the benchmark's exact (3-objective) front ``true_front``."""
    from paper.search_command import pooled_front

    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    front = np.asarray(true_front, dtype=float)
    if front.ndim != 2 or front.shape[1] < 2:
        raise InvalidParameterError("true_front has rows (error, latency, ...)",
                                    f"shape {front.shape}")
    methods = list(dict.fromkeys(r.method for r in runs))
    fronts = []
    for method in methods:
        rows = pooled_front([r.summary for r in runs if r.method == method])
        latency = np.array([row["latency_ms"] for row in rows], dtype=float)
        error = np.array([row["search_error"] for row in rows], dtype=float)
        fronts.append(MethodFront(method, latency, error, *_staircase(latency, error)))
    true_latency, true_error = _staircase(front[:, 1], front[:, 0])
    config = runs[0].problem_config
    return NASFrontsData(str(config.get("dataset", "")), str(config.get("device", "")),
                         tuple(fronts), true_latency, true_error)


def plot_front(front: MethodFront, data: NASFrontsData, ax: Axes) -> Axes:
    """One method's pooled front (points and staircase) over the exact 2-D front (grey)."""
    ax.step(data.true_latency, data.true_error, where="post", color="0.6", lw=0.9,
            label="exact front")
    ax.scatter(front.latency, front.error, s=5, color="C0", alpha=0.5, lw=0,
               label="pooled front (3 obj.)")
    ax.step(front.step_latency, front.step_error, where="post", color="C3", lw=1.0,
            label="its 2-D front")
    ax.set_yscale("log")  # the exact front runs from ~5% to 90% error (no-op cells)
    ax.set_title(front.method, loc="left", fontsize=LABEL_PT)
    _style(ax)
    return ax


def nas_fronts_figure(data: NASFrontsData) -> Figure:
    """Figure ``nas-fronts``: one small panel per method on shared axes."""
    columns = 4
    rows = max(1, math.ceil(len(data.fronts) / columns))
    fig = new_figure(1.55 * rows + 0.4, TEXT_WIDTH_IN)
    axes = fig.subplots(rows, columns, squeeze=False, sharex=True, sharey=True)
    for index, ax in enumerate(axes.ravel()):
        if index < len(data.fronts):
            plot_front(data.fronts[index], data, ax)
        else:
            ax.set_axis_off()
    for ax in axes[-1]:
        ax.set_xlabel(f"latency on {data.device} (ms)", fontsize=LABEL_PT)
    for ax in axes[:, 0]:
        ax.set_ylabel(f"search error, {data.dataset} (%)", fontsize=LABEL_PT)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False,
               fontsize=TICK_PT)
    return fig


@dataclass(frozen=True)
class NASCDData:
    """Friedman test and, gated on it, Nemenyi's critical difference of one final metric
    over balanced (data set, seed) blocks."""

    metric: str
    friedman: FriedmanTest
    cd: CriticalDifference
    blocks: int
    datasets: tuple[str, ...]
    notes: tuple[str, ...] = ()


def nas_cd_data(runs: Sequence[RunData], metric: str = "hypervolume_ratio",
                alpha: float = 0.05, seed: int = 0) -> NASCDData:
    """Ranks of the methods (rank 1 = best by ``metric``'s direction) over (data set, seed)
    blocks, the same seeds on every data set (``balanced_blocks``); the cliques are gated on
    the Friedman test's permutation p (no rejection: one clique of every method)."""
    kept, notes = balanced_blocks(runs)
    matrix = block_values(kept, metric)
    methods = [str(m) for m in matrix.columns]
    lower = METRICS[metric].lower_is_better
    friedman = friedman_test(matrix, methods, lower_is_better=lower, seed=seed)
    cd = critical_difference(matrix, methods, alpha=alpha, lower_is_better=lower,
                             omnibus=friedman)
    datasets = tuple(sorted({str(d) for d, _ in matrix.index}))
    return NASCDData(metric, friedman, cd, len(matrix), datasets, tuple(notes))


def nas_cd_figure(data: NASCDData) -> Figure:
    """Figure ``nas-cd``: the critical-difference diagram at column width."""
    fig = new_figure(0.45 + 0.17 * len(data.cd.methods))
    plot_critical_difference(data.cd, fig.subplots(), fontsize=TICK_PT)
    return fig


# -- the hybrid's ablation ---------------------------------------------------------------------

@dataclass(frozen=True)
class NASAblationData:
    """Per data set and variant: mean and interval of the final test accuracy and
    hypervolume ratio (``NASComparison.methods`` of each data set's ablation), and whether
    the variant's Holm-corrected test against the full hybrid rejects."""

    datasets: tuple[str, ...]
    variants: tuple[str, ...]
    accuracy: tuple[tuple[tuple[float, float, float], ...], ...]  # [dataset][variant]
    hypervolume: tuple[tuple[tuple[float, float, float], ...], ...]
    rejects: tuple[tuple[tuple[bool, bool], ...], ...]  # (accuracy, hypervolume)
    seeds: int
    level: float


def nas_ablation_data(comparisons: Mapping[str, Any]) -> NASAblationData:
    """The figure's data from ``{data set: NASComparison of the variants}``."""
    if not comparisons:
        raise InvalidParameterError("at least one data set's ablation", "none")
    datasets = tuple(comparisons)
    first = comparisons[datasets[0]]
    variants = tuple(m.method for m in first.methods)
    accuracy, volume, rejects = [], [], []
    for dataset in datasets:
        comparison = comparisons[dataset]
        by_name = {m.method: m for m in comparison.methods}
        tests = {(t.metric, t.versus): t.reject for t in comparison.tests}
        accuracy.append(tuple((by_name[v].accuracy_mean, by_name[v].accuracy_low,
                               by_name[v].accuracy_high) for v in variants))
        volume.append(tuple((by_name[v].hypervolume_mean, by_name[v].hypervolume_low,
                             by_name[v].hypervolume_high) for v in variants))
        rejects.append(tuple((tests.get(("best_test_accuracy", v), False),
                              tests.get(("hypervolume_ratio", v), False)) for v in variants))
    return NASAblationData(datasets, variants, tuple(accuracy), tuple(volume), tuple(rejects),
                           min(m.runs for m in first.methods), first.level)


def nas_ablation_figure(data: NASAblationData) -> Figure:
    """Figure ``nas-ablation``: rows test accuracy and hypervolume ratio, one column per data
    set; each variant's mean with its t-interval; filled markers where the variant differs
    from the full hybrid (exact test, Holm)."""
    fig = new_figure(2.4, TEXT_WIDTH_IN)
    axes = fig.subplots(2, len(data.datasets), squeeze=False)
    y = np.arange(len(data.variants))[::-1]
    for col, dataset in enumerate(data.datasets):
        for row, (values, label) in enumerate(((data.accuracy[col], "test accuracy (%)"),
                                               (data.hypervolume[col], "hypervolume ratio"))):
            ax = axes[row][col]
            for k, (mean, low, high) in enumerate(values):
                filled = data.rejects[col][k][row]
                ax.errorbar([mean], [y[k]], xerr=[[mean - low], [high - mean]], fmt="o",
                            color="C0" if k == 0 else "C1", markersize=3, capsize=1.5,
                            mfc=None if filled else "white", lw=0.8)
            ax.set_yticks(y, data.variants if col == 0 else [""] * len(y), fontsize=TICK_PT)
            ax.tick_params(axis="x", labelsize=TICK_PT)
            ax.set_xlabel(label, fontsize=TICK_PT)
            if row == 0:
                ax.set_title(dataset, fontsize=LABEL_PT)
    return fig


# -- NAS methods on the MNIST supernet --------------------------------------------------------

@dataclass(frozen=True)
class SupernetAnytimeData:
    """Hypervolume share and best one-shot error against queries, one curve per method."""

    label: str
    hypervolume: tuple[AnytimeCurve, ...]
    error: tuple[AnytimeCurve, ...]
    level: float
    box_volume: float


def supernet_anytime_data(runs: Sequence[RunData], box_volume: float, label: str = "",
                          grid: Sequence[int] | None = None, level: float = 0.95,
                          n_resamples: int = 2000) -> SupernetAnytimeData:
    """Per method, after q queries (every q of ``grid``, default 1..budget): the
    hypervolume of the queried cells divided by ``box_volume`` (the volume between the
    origin and the problem's reference point: objectives are >= 0, so the share is in
    [0, 1]) and the lowest one-shot validation error so far; mean over seeds with the
    Student-t band of the mean at ``level``, kept in range (``n_resamples`` is unused by
    the t band; a percentile bootstrap over three seeds would under-cover)."""
    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    if not (math.isfinite(box_volume) and box_volume > 0):
        raise InvalidParameterError("box_volume > 0 (the reference box's volume)",
                                    f"box_volume={box_volume}")
    budget = int(max(r.trace["evaluations"].max() for r in runs))
    points = np.arange(1, budget + 1, dtype=float) if grid is None else np.asarray(grid, float)
    methods = list(dict.fromkeys(r.method for r in runs))
    order = {m: i for i, m in enumerate(methods)}
    frame = traces_frame(runs, "hypervolume")
    frame["value"] = frame["value"] / box_volume
    # t bands (a bootstrap band over a handful of seeds under-covers), kept in range
    volume = anytime_curves(frame, points, band="t", level=level, minimize=False,
                            methods=methods, n_resamples=n_resamples, bounds=(0.0, 1.0))
    error = anytime_curves(traces_frame(runs, "best_search_error"), points, band="t",
                           level=level, minimize=True, methods=methods,
                           n_resamples=n_resamples, bounds=(0.0, 100.0))
    return SupernetAnytimeData(label, tuple(sorted(volume, key=lambda c: order[c.method])),
                               tuple(sorted(error, key=lambda c: order[c.method])), level,
                               float(box_volume))


def applications_figure(panels: Sequence[SupernetAnytimeData]) -> Figure:
    """Figure ``applications``: per task (a row) the search methods' hypervolume share and
    best one-shot validation error against distinct queries, mean and t band over seeds."""
    if not panels:
        raise InvalidParameterError("at least one application task", "no tasks")
    fig = new_figure(1.9 * len(panels) + 0.3, TEXT_WIDTH_IN)
    axes = np.atleast_2d(fig.subplots(len(panels), 2, squeeze=False))
    pct = round(100 * panels[0].level)
    for row, data in zip(axes, panels, strict=True):
        for ax, series, ylabel in ((row[0], data.hypervolume, "hypervolume share"),
                                   (row[1], data.error, "best one-shot error")):
            plot_anytime(series, ax, fontsize=TICK_PT - 0.5)
            ax.set_ylabel(ylabel)
            ax.set_title(f"{data.label}: {ylabel}, mean and {pct}% t band", loc="left",
                         fontsize=LABEL_PT - 0.5)
            _style(ax)
        row[1].get_legend().remove()
        if row is not axes[0]:
            row[0].get_legend().remove()
    for ax in axes[-1]:
        ax.set_xlabel("distinct one-shot queries")
    return fig


def supernet_anytime_figure(data: SupernetAnytimeData) -> Figure:
    """Figure ``supernet-hypervolume``: (a) hypervolume share, (b) best one-shot error."""
    pct = round(100 * data.level)
    return _anytime_pair(
        [(data.hypervolume, "hypervolume / reference box",
          f"(a) hypervolume, mean and {pct}% t band"),
         (data.error, "best one-shot validation error",
          f"(b) best one-shot error, mean and {pct}% t band")],
        f"distinct queries (MNIST supernet{', ' + data.label if data.label else ''})")


# -- MNIST supernet (DARTS) ------------------------------------------------------------------

#: trace columns of solvers.supernet.search that the supernet figure reads
SUPERNET_COLUMNS = ("iteration", "alpha_entropy", "dominant_ops", "param_free_selected",
                    "skip_selected", "hessian_eig")


@dataclass(frozen=True)
class SupernetTraceData:
    """One DARTS search: alpha's trajectory (argmax op per edge) and collapse diagnostics."""

    label: str
    iterations: np.ndarray
    entropy: np.ndarray
    param_free: np.ndarray
    skip: np.ndarray
    dominant: np.ndarray  # (edges, iterations) operation index
    hessian_iterations: np.ndarray
    hessian_eig: np.ndarray


def supernet_trace_data(trace: Any, label: str = "") -> SupernetTraceData:
    """The columns ``SUPERNET_COLUMNS`` of a supernet trace (a DataFrame) as arrays; the
    Hessian eigenvalue only where it was computed (not NaN)."""
    missing = [c for c in SUPERNET_COLUMNS if c not in trace.columns]
    if missing:
        raise InvalidParameterError("the trace of a supernet search (solvers.supernet)",
                                    f"missing columns {missing}")
    if len(trace) == 0:
        raise InvalidParameterError("at least one iteration in the trace", "0 rows")
    dominant = np.array([[int(v) for v in str(text).split(",")]
                         for text in trace["dominant_ops"]], dtype=int).T
    eig = trace["hessian_eig"].to_numpy(dtype=float)
    iterations = trace["iteration"].to_numpy(dtype=float)
    done = np.isfinite(eig)
    return SupernetTraceData(label, iterations, trace["alpha_entropy"].to_numpy(dtype=float),
                             trace["param_free_selected"].to_numpy(dtype=float),
                             trace["skip_selected"].to_numpy(dtype=float), dominant,
                             iterations[done], eig[done])


def plot_alpha_trajectory(data: SupernetTraceData, ax: Axes,
                          op_names: Sequence[str] | None = None,
                          colorbar_beside: Sequence[Axes] | None = None) -> Axes:
    """The argmax operation of every edge per iteration (one row per edge); the colour bar
    takes its room from ``colorbar_beside`` (default: ``ax`` alone), so that panels stacked
    on one iteration axis keep the same width."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    n_ops = int(data.dominant.max()) + 1 if op_names is None else len(op_names)
    cmap = ListedColormap([f"C{i % 10}" for i in range(n_ops)])
    norm = BoundaryNorm(np.arange(-0.5, n_ops + 0.5), n_ops)
    extent = (float(data.iterations[0]), float(data.iterations[-1]) + 1,
              data.dominant.shape[0] - 0.5, -0.5)
    image = ax.imshow(data.dominant, aspect="auto", interpolation="nearest", cmap=cmap,
                      norm=norm, extent=extent)
    bar = ax.figure.colorbar(image, ax=list(colorbar_beside) if colorbar_beside else ax,
                             ticks=np.arange(n_ops), pad=0.01, shrink=1.0,
                             anchor=(0.0, 1.0), fraction=0.06)
    if op_names is not None:
        bar.set_ticklabels(list(op_names))
    bar.ax.tick_params(labelsize=TICK_PT - 1)
    ax.set_yticks(range(data.dominant.shape[0]))
    ax.set_xlabel("iteration")
    ax.set_ylabel("edge")
    _style(ax)
    return ax


def plot_collapse(data: SupernetTraceData, ax: Axes) -> Axes:
    """alpha entropy (left axis) and parameter-free / skip operations selected (right); the
    legend sits below the axes, clear of the curves."""
    ax.plot(data.iterations, data.entropy, color="C0", lw=1.0, label="mean entropy of alpha")
    ax.set_ylabel("entropy (nats)")
    ax.set_xlabel("iteration")
    twin = ax.twinx()
    twin.step(data.iterations, data.param_free, where="post", color="C3", lw=1.0,
              label="parameter-free ops selected")
    twin.step(data.iterations, data.skip, where="post", color="C1", lw=1.0, ls="--",
              label="skip connections selected")
    twin.set_ylabel("ops in derived cell")
    twin.tick_params(labelsize=TICK_PT)
    twin.yaxis.label.set_fontsize(LABEL_PT)
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=TICK_PT - 0.5, frameon=False,
              loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2,
              handlelength=1.5, columnspacing=1.0)
    _style(ax)
    return ax


def plot_hessian_eigenvalue(data: SupernetTraceData, ax: Axes) -> Axes:
    """The dominant eigenvalue of the validation loss's Hessian in alpha (power iteration)
    at the iterations where it was computed."""
    ax.plot(data.hessian_iterations, data.hessian_eig, "o-", color="C2", ms=3, lw=0.9)
    ax.axhline(0.0, color="0.6", lw=0.6, zorder=0)
    ax.set_xlabel("iteration")
    ax.set_ylabel(r"$\lambda_{\max}(\nabla^2_{\alpha} L_{val})$")
    _style(ax)
    return ax


def supernet_figure(data: SupernetTraceData, op_names: Sequence[str] | None = None) -> Figure:
    """Alpha trajectory (a), collapse diagnostics (b) and, where the search computed it, the
    Hessian's dominant eigenvalue (c), stacked at column width on one iteration axis."""
    with_hessian = len(data.hessian_eig) > 0
    fig = new_figure(5.8 if with_hessian else 4.4)
    axes = fig.subplots(3 if with_hessian else 2, 1, sharex=True,
                        height_ratios=[1.2, 1.0, 0.6] if with_hessian else [1.2, 1.0])
    top, middle = axes[0], axes[1]
    plot_alpha_trajectory(data, top, op_names, colorbar_beside=list(axes))
    label = textwrap.fill(data.label, 40) if data.label else ""  # inside the column
    top.set_title(f"(a) argmax of alpha per edge{chr(10) + label if label else ''}",
                  loc="left", fontsize=LABEL_PT)
    plot_collapse(data, middle)
    middle.set_title("(b) collapse diagnostics", loc="left", fontsize=LABEL_PT)
    if with_hessian:
        plot_hessian_eigenvalue(data, axes[2])
        axes[2].set_title("(c) dominant Hessian eigenvalue in alpha", loc="left",
                          fontsize=LABEL_PT)
    for ax in axes[:-1]:  # one shared iteration axis, labelled at the bottom only
        ax.set_xlabel("")
        ax.tick_params(labelbottom=False)
    return fig


# -- whole figures ------------------------------------------------------------------------------

def new_figure(height_in: float, width_in: float = COLUMN_WIDTH_IN) -> Figure:
    """A pyplot-free figure on the Agg canvas, constrained layout."""
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def gradient_figure(grad: Sequence[GradNormTrace], gap: ConvexGapTrace) -> Figure:
    """Figure ``gradient``: the two GD panels stacked at column width."""
    fig = new_figure(4.4)
    top, bottom = fig.subplots(2, 1)
    plot_grad_norm(grad, top)
    top.set_title("(a) GD, step $1/L$: smallest gradient norm", loc="left", fontsize=LABEL_PT)
    plot_convex_gap(gap, bottom)
    bottom.set_title("(b) GD, step $1/L$, convex quadratic: optimality gap", loc="left",
                     fontsize=LABEL_PT)
    for ax in (top, bottom):
        _style(ax)
    return fig


def nsga2_figure(runtime: RuntimeData, coverage: CoverageData) -> Figure:
    """Figure ``nsga2``: runtime against n, and coverage per generation, stacked."""
    fig = new_figure(4.4)
    top, bottom = fig.subplots(2, 1)
    plot_runtime(runtime, top)
    top.set_title("(a) NSGA-II on OneMinMax, $N = 4(n+1)$", loc="left", fontsize=LABEL_PT)
    plot_coverage(coverage, bottom)
    bottom.set_title("(b) Covering the front: $N = n+1$ against $N = 4(n+1)$", loc="left",
                     fontsize=LABEL_PT)
    for ax in (top, bottom):
        _style(ax)
    return fig


def tightness_figure(data: TightnessData) -> Figure:
    """Figure ``tightness``: one row per bound, height growing with the number of rows."""
    fig = new_figure(0.7 + 0.2 * max(len(data.labels), 1))
    plot_tightness(data, fig.subplots())
    return fig
