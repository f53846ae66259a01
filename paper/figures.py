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

Data functions take stored runs or check results and return small frozen records of
arrays; ``gd_runs`` and ``nsga2_runs`` obtain the runs through the run store (NSGA-II
through ``proofs_checks.nsga2.cover_runs``, so a figure shows the very runs a check used).
Drawing functions take the record and a matplotlib ``Axes``, draw, and return the Axes;
they set font sizes on their own artists, never touch global style and never save.
``gradient_figure``, ``nsga2_figure`` and ``tightness_figure`` assemble whole figures on
``matplotlib.figure.Figure`` objects with the Agg canvas (no pyplot state).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from analysis.stats import constant_fit
from proofs_checks.check import CheckContext, CheckResult
from proofs_checks.nsga2 import cover_runs
from solvers.execute import make_spec, run_many
from solvers.problems.base import SmoothProblem
from solvers.registry import make_problem
from solvers.store import RunStore, StoredRun
from theory.errors import InvalidParameterError
from theory.registry import all_bounds, get_bound

__all__ = ["FIGURES", "ConvexGapTrace", "CoverageData", "CoverageSeries", "GradNormTrace",
           "RuntimeData", "TightnessData", "convex_gap_trace", "coverage_data",
           "coverage_series", "gd_runs", "grad_norm_trace", "gradient_figure", "nsga2_figure",
           "nsga2_runs",
           "plot_convex_gap", "plot_coverage", "plot_grad_norm", "plot_runtime",
           "plot_tightness", "runtime_data", "tightness_data", "tightness_figure"]

#: the figures a profile can ask for
FIGURES = ("gradient", "nsga2", "tightness")
#: single-column width of a two-column paper, inches
COLUMN_WIDTH_IN = 3.4
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


def gd_runs(store: RunStore, problems: Mapping[str, Mapping[str, object]], steps: int,
            seed: int, workers: int | None = None, progress: bool = False,
            scheduler: str | None = None) -> dict[str, StoredRun]:
    """One stored GD run (step 1/L, ``steps`` steps) per problem name -> parameters."""
    specs = {name: make_spec("gd", {"steps": steps, "step_size": 1.0}, name, dict(params),
                             seed) for name, params in problems.items()}
    report = run_many(list(specs.values()), store, workers=workers, progress=progress,
                      description="gd figure runs", scheduler=scheduler)
    return dict(zip(specs, report.runs, strict=True))


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


def nsga2_runs(context: CheckContext, ns: Sequence[int], seeds: int, cap: int,
               selection: str, coverage_n: int, coverage_seeds: int, horizon: int
               ) -> tuple[list[StoredRun], dict[str, list[StoredRun]]]:
    """The runtime runs (N = 4(n+1)) and the coverage runs (fair, N = n+1 and 4(n+1)).

    They are requested exactly as the checks request theirs (``cover_runs``), so with the
    check profile's sizes they are the checks' stored runs, reused rather than recomputed.
    """
    runtime = cover_runs(context, "oneminmax", tuple(ns), seeds, cap, selection=selection,
                         description="nsga2 figure runs")
    coverage = {
        rule: cover_runs(context, "oneminmax", (coverage_n,), coverage_seeds, horizon,
                         selection="fair", pop_rule=rule,
                         description=f"nsga2 coverage runs N={rule}")
        for rule in ("n+1", "4(n+1)")
    }
    return runtime, coverage


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
