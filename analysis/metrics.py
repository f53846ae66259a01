"""Which way every measured quantity points, and the range it lies in (STYLE.md pattern 14).

Every test, table, rank, diagram and label that names a winner reads the direction of its
metric from here, and every interval of a bounded metric is kept in its range. A metric is
declared once, by exact name in ``METRICS`` or by a *name family* in ``FAMILIES`` (a suffix
such as ``_accuracy``; the family is named wherever its direction is used, so a reader sees
it was inferred from the name). A quantity neither knows (``generations_run``,
``min_grad_norm_sq``, ...) has no direction: :func:`metric` refuses it unless the caller
says ``maximize={name}`` or ``minimize={name}`` (``nasbound stats --maximize NAME``).

``Metric.better(a, b)`` / ``Metric.worst`` / ``Metric.orient(values)`` (values signed so that
larger is better) are the one place the direction is applied.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory.errors import InvalidParameterError

__all__ = ["FAMILIES", "METRICS", "Direction", "Metric", "directions", "known_metric", "metric"]

Direction = Literal["minimize", "maximize"]


@dataclass(frozen=True)
class Metric:
    """A measured quantity: its direction, its range [low, high], and where these came from."""

    name: str
    direction: Direction
    low: float = -math.inf
    high: float = math.inf
    unit: str = ""
    declared_by: str = "registry"  # "registry", "family '*_accuracy'" or "caller"

    def __post_init__(self) -> None:
        if self.direction not in ("minimize", "maximize"):
            raise InvalidParameterError("direction is 'minimize' or 'maximize'",
                                        repr(self.direction))
        if not self.low < self.high:
            raise InvalidParameterError("low < high", f"low={self.low}, high={self.high}")

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "minimize"

    @property
    def phrase(self) -> str:
        """'lower is better' or 'higher is better'."""
        return "lower is better" if self.lower_is_better else "higher is better"

    @property
    def label(self) -> str:
        """The name with its direction (and range when bounded), for every heading."""
        bounded = math.isfinite(self.low) and math.isfinite(self.high)
        scope = f", in [{self.low:g}, {self.high:g}]" if bounded else ""
        source = "" if self.declared_by == "registry" else f", {self.declared_by}"
        return f"{self.name} ({self.phrase}{scope}{source})"

    @property
    def worst(self) -> float:
        """The value a run that diverged (no finite result) is ranked at."""
        return math.inf if self.lower_is_better else -math.inf

    def better(self, a: float, b: float) -> bool:
        """a is strictly better than b."""
        return a < b if self.lower_is_better else a > b

    def orient(self, values: ArrayLike) -> NDArray[np.float64]:
        """The values signed so that larger is better (negated when lower is better)."""
        array = np.asarray(values, dtype=float)
        return -array if self.lower_is_better else array

    def clip(self, low: float, high: float) -> tuple[float, float]:
        """An interval of this metric's mean kept inside its range (a clipped interval
        contains the true mean whenever the unclipped one does: coverage is kept)."""
        return max(low, self.low), min(high, self.high)


def _declare(*metrics: Metric) -> dict[str, Metric]:
    return {m.name: m for m in metrics}


#: Exact names: the summaries and per-run measurements the solvers and analysis/ write.
METRICS: dict[str, Metric] = _declare(
    # NAS (solvers.algorithms.nas_baselines.QueryLedger summaries, analysis.nas_comparison)
    Metric("best_test_accuracy", "maximize", 0.0, 100.0, "%"),
    Metric("best_search_error", "minimize", 0.0, 100.0, "%"),
    Metric("hypervolume_ratio", "maximize", 0.0, 1.0),
    Metric("queries_to_target", "minimize", 0.0, math.inf, "queries"),
    Metric("simulated_seconds", "minimize", 0.0, math.inf, "s"),
    Metric("queries", "minimize", 0.0, math.inf, "queries"),
    # evolutionary multi-objective runs (solvers.algorithms.nsga2 / semo)
    Metric("final_hypervolume", "maximize", 0.0, math.inf),
    Metric("archive_hypervolume", "maximize", 0.0, math.inf),
    Metric("max_covered_fraction", "maximize", 0.0, 1.0),
    Metric("evaluations_to_cover", "minimize", 0.0, math.inf, "evaluations"),
    Metric("generations_to_cover", "minimize", 0.0, math.inf, "generations"),
    Metric("iterations_to_cover", "minimize", 0.0, math.inf, "iterations"),
    Metric("max_front_values_lost", "minimize", 0.0, math.inf),
    # first-order methods (solvers.algorithms.gradient / bilevel)
    Metric("final_f", "minimize"),
    Metric("max_hypergradient_error", "minimize", 0.0, math.inf),
    # DARTS on the supernet (solvers.supernet.search)
    Metric("final_val_loss", "minimize", 0.0, math.inf),
    Metric("final_alpha_entropy", "maximize", 0.0, math.inf),
    Metric("param_free_selected", "minimize", 0.0, math.inf, "edges"),
    Metric("skip_selected", "minimize", 0.0, math.inf, "edges"),
    Metric("retrained_params", "minimize", 0.0, math.inf),
    # the runtime analysis of analysis.runtime
    Metric("runtime", "minimize", 0.0, math.inf, "evaluations"),
    Metric("ert", "minimize", 0.0, math.inf, "evaluations"),
)

#: Name families: (suffix, direction, low, high). The first that matches a name decides.
FAMILIES: tuple[tuple[str, Direction, float, float], ...] = (
    ("_accuracy", "maximize", 0.0, 100.0),
    ("_auc", "maximize", 0.0, 1.0),
    ("_error", "minimize", 0.0, math.inf),
    ("_loss", "minimize", -math.inf, math.inf),
    ("_seconds", "minimize", 0.0, math.inf),
    ("_latency_ms", "minimize", 0.0, math.inf),
    ("_memory_mb", "minimize", 0.0, math.inf),
    ("_hypervolume", "maximize", 0.0, math.inf),
)


def known_metric(name: str) -> Metric | None:
    """The declared metric of this name (registry first, then name family), or None."""
    if name in METRICS:
        return METRICS[name]
    for suffix, direction, low, high in FAMILIES:
        if name.endswith(suffix):
            return Metric(name, direction, low, high, declared_by=f"family '*{suffix}'")
    return None


def metric(name: str, maximize: Collection[str] = (), minimize: Collection[str] = ()
           ) -> Metric:
    """The metric ``name`` with its direction: the caller's ``maximize`` / ``minimize``
    first (a store may bring measurements the registry does not know), then the registry.

    Raises when neither knows the direction, or when the caller contradicts itself: a
    direction is never guessed.
    """
    if name in maximize and name in minimize:
        raise InvalidParameterError("a metric is either maximized or minimized",
                                    f"{name!r} in both --maximize and --minimize")
    declared = known_metric(name)
    if name in maximize or name in minimize:
        direction: Direction = "maximize" if name in maximize else "minimize"
        if declared is not None and declared.direction == direction:
            return declared
        low, high = (declared.low, declared.high) if declared is not None else (-math.inf,
                                                                                  math.inf)
        return Metric(name, direction, low, high, declared.unit if declared else "",
                      "caller")
    if declared is None:
        raise InvalidParameterError(
            "every compared metric has a declared direction (analysis.metrics), or is named "
            "in --maximize/--minimize", f"{name!r}, which neither declares")
    return declared


def directions(names: Iterable[str], maximize: Collection[str] = (),
               minimize: Collection[str] = ()) -> tuple[dict[str, Metric], list[str]]:
    """(the metrics of ``names`` with a direction, the names without one)."""
    known: dict[str, Metric] = {}
    unknown: list[str] = []
    for name in names:
        try:
            known[name] = metric(name, maximize, minimize)
        except InvalidParameterError:
            if name in maximize and name in minimize:
                raise
            unknown.append(name)
    return known, unknown
