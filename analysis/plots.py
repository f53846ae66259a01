"""Drawing the records of analysis/ on a given matplotlib Axes (STYLE.md pattern 12).

Each function takes the record(s) a pure function of analysis/ returned and an ``Axes``,
draws, and returns the Axes. None computes statistics, sets global style or saves.

* ``plot_critical_difference``: Demsar's (2006, Fig. 1) CD diagram of a
  :class:`analysis.comparison.CriticalDifference`: the rank axis (best on the left), each
  method at its average rank, the CD bar, and a thick bar under each clique of methods
  that are not significantly different (when the Friedman test did not reject, one bar
  under every method and the omnibus p-value written on the diagram);
* ``plot_aggregate_intervals``: point estimates and intervals of
  :class:`analysis.profiles.AggregateEstimate` (one panel per metric is the caller's);
* ``plot_performance_profile`` / ``plot_dolan_more``: profiles with bands;
* ``plot_runtime_ecdf``: runtime ECDFs (log budget axis);
* ``plot_anytime``: anytime curves with bands (legend: method, or method / problem when
  the curves span several problems);
* ``plot_scaling``: data, log-log fit and the theory order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from analysis.comparison import CriticalDifference
from analysis.profiles import AggregateEstimate, DolanMoreProfile, PerformanceProfile
from analysis.runtime import AnytimeCurve, RuntimeECDF
from analysis.scaling import ScalingComparison
from theory.errors import InvalidParameterError

__all__ = ["plot_aggregate_intervals", "plot_anytime", "plot_critical_difference",
           "plot_dolan_more", "plot_performance_profile", "plot_runtime_ecdf",
           "plot_scaling"]

FONT_PT = 7.5


def plot_critical_difference(data: CriticalDifference, ax: Axes,
                             fontsize: float = FONT_PT) -> Axes:
    """Demsar's critical-difference diagram. Text artists are the method labels, the CD
    label and the tick labels; clique bars are the thick black lines below the axis."""
    k = len(data.methods)
    low, high = 1, max(k, int(np.ceil(max(data.average_ranks))))
    ax.set_xlim(low - 0.5, high + 0.5)
    n_side = (k + 1) // 2
    depth = max(n_side, k - n_side) + len(data.cliques) + 2
    ax.set_ylim(depth, -2.2)  # y grows downwards: rank axis at 0
    ax.axis("off")
    ax.plot([low, high], [0, 0], color="black", lw=0.8)
    for r in range(low, high + 1):
        ax.plot([r, r], [0, -0.25], color="black", lw=0.8)
        ax.text(r, -0.35, str(r), ha="center", va="bottom", fontsize=fontsize)
    ax.plot([low, low + data.cd], [-1.6, -1.6], color="black", lw=1.2)
    for end in (low, low + data.cd):
        ax.plot([end, end], [-1.75, -1.45], color="black", lw=1.2)
    ax.text(low + data.cd / 2, -1.8, f"CD = {data.cd:.2f}", ha="center", va="bottom",
            fontsize=fontsize)
    if not data.omnibus_rejects:  # Demsar (2006): no post-hoc test without the omnibus one
        ax.text(high, -1.8, f"Friedman p = {data.omnibus_p:.2g} > {data.alpha:g}: no pair "
                "differs", ha="right", va="bottom", fontsize=fontsize)
    bar_rows = len(data.cliques)
    for i, (name, rank) in enumerate(zip(data.methods, data.average_ranks, strict=True)):
        left = i < n_side
        row = 1.0 + bar_rows * 0.5 + (i if left else k - 1 - i)
        end = low - 0.4 if left else high + 0.4
        ax.plot([rank, rank, end], [0, row, row], color="black", lw=0.6)
        ax.text(end, row, f"{name} ({rank:.2f})", ha="right" if left else "left",
                va="center", fontsize=fontsize)
    for j, clique in enumerate(data.cliques):
        ranks = [data.average_ranks[data.methods.index(m)] for m in clique]
        y = 0.35 + 0.5 * j
        ax.plot([min(ranks) - 0.03, max(ranks) + 0.03], [y, y], color="black", lw=2.5,
                solid_capstyle="butt")
    return ax


def plot_aggregate_intervals(estimates: Sequence[AggregateEstimate], ax: Axes,
                             metric: str | None = None, fontsize: float = FONT_PT) -> Axes:
    """Horizontal intervals, one row per method, of one metric."""
    chosen = [e for e in estimates if metric is None or e.metric == metric]
    metrics = {e.metric for e in chosen}
    if len(metrics) != 1:
        raise InvalidParameterError("the estimates are of one metric (pass metric=...)",
                                    f"metrics {sorted(metrics)}")
    for row, e in enumerate(chosen):
        ax.plot([e.ci_low, e.ci_high], [row, row], lw=4, alpha=0.6)
        ax.plot([e.point], [row], marker="|", color="black", ms=10)
    ax.set_yticks(range(len(chosen)), [e.method for e in chosen], fontsize=fontsize)
    ax.set_xlabel(chosen[0].metric, fontsize=fontsize)
    return ax


def plot_performance_profile(profiles: Sequence[PerformanceProfile], ax: Axes,
                             fontsize: float = FONT_PT) -> Axes:
    for p in profiles:
        (line,) = ax.plot(p.taus, p.fraction, label=p.method, lw=1)
        ax.fill_between(p.taus, p.ci_low, p.ci_high, color=line.get_color(), alpha=0.2, lw=0)
    ax.set_xlabel(r"score $\tau$", fontsize=fontsize)
    ax.set_ylabel(r"fraction of " + ("runs" if profiles and profiles[0].kind == "run"
                                     else "tasks") + r" with score $> \tau$", fontsize=fontsize)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=fontsize, frameon=False)
    return ax


def plot_dolan_more(profile: DolanMoreProfile, ax: Axes, fontsize: float = FONT_PT) -> Axes:
    for name, rho in zip(profile.methods, profile.rho, strict=True):
        ax.step(profile.taus, rho, where="post", label=name, lw=1)
    ax.set_xscale("log")
    ax.set_xlabel(r"performance ratio $\tau$", fontsize=fontsize)
    ax.set_ylabel(r"$\rho(\tau)$", fontsize=fontsize)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=fontsize, frameon=False)
    return ax


def plot_runtime_ecdf(ecdfs: Sequence[RuntimeECDF], ax: Axes, fontsize: float = FONT_PT
                      ) -> Axes:
    for e in ecdfs:
        ax.step(e.budgets, e.proportion, where="post", label=e.method, lw=1)
    if ecdfs and np.all(ecdfs[0].budgets > 0):
        ax.set_xscale("log")
    ax.set_xlabel("evaluations", fontsize=fontsize)
    ax.set_ylabel("fraction of (problem, seed, target) solved", fontsize=fontsize)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=fontsize, frameon=False)
    return ax


def plot_anytime(curves: Sequence[AnytimeCurve], ax: Axes, fontsize: float = FONT_PT,
                 log_y: bool = False) -> Axes:
    one_problem = len({c.problem for c in curves}) == 1  # then the legend names methods only
    for c in curves:
        label = c.method if one_problem else f"{c.method} / {c.problem}"
        (line,) = ax.plot(c.budgets, c.center, lw=1, label=label)
        ax.fill_between(c.budgets, c.low, c.high, color=line.get_color(), alpha=0.2, lw=0)
    ax.set_xlabel("evaluations", fontsize=fontsize)
    ax.set_ylabel("best-so-far value", fontsize=fontsize)
    if log_y:
        ax.set_yscale("log")
    ax.legend(fontsize=fontsize, frameon=False)
    return ax


def plot_scaling(sizes: ArrayLike, values: ArrayLike, comparison: ScalingComparison,
                 ax: Axes, fontsize: float = FONT_PT) -> Axes:
    n = np.asarray(sizes, dtype=float)
    y = np.asarray(values, dtype=float)
    ax.loglog(n, y, "o", ms=3, label="runs")
    grid = np.geomspace(n.min(), n.max(), 50)
    fit = comparison.fit
    ax.loglog(grid, np.exp(fit.intercept) * grid**fit.slope, lw=1,
              label=rf"fit $n^{{{fit.slope:.2f}}}$")
    order = grid**comparison.theory_exponent * (np.log(grid) ** comparison.log_power
                                                if comparison.log_power else 1.0)
    scale = np.exp(np.mean(np.log(y)) - np.mean(np.log(
        n**comparison.theory_exponent * (np.log(n) ** comparison.log_power
                                         if comparison.log_power else 1.0))))
    ax.loglog(grid, scale * order, "--", lw=1, label="theory order")
    ax.set_xlabel("n", fontsize=fontsize)
    ax.legend(fontsize=fontsize, frameon=False)
    return ax
