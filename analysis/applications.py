"""The application benchmarks' verdicts: a found cell trained from scratch against the field's
references, on stored runs of the solver ``train-from-scratch``.

Each run's summary holds the held-out metrics of one (model, seed); this module turns them
into what a practitioner of the field reads, and into the targets of issue 18, met or not:

* **classification** (PneumoniaMNIST): test accuracy at the decision threshold chosen on
  validation, and test ROC AUC; mean and Student-t interval over the seeds; the found cell
  against each reference by the Wilcoxon signed-rank test on seed-matched runs
  (``analysis.comparison.wilcoxon_signed_rank``, exact where it can be) beside the paired
  t-test (scipy), one-sided "the cell is better".
* **sentiment**: accuracy on each held-out domain (trained on the other two) and in-domain;
  the cell against each reference on the (domain, seed) matched accuracies, same tests.
* **forecasting** (sunspots, CO2): RMSE and MASE per horizon over the rolling origins
  (:mod:`analysis.forecast_metrics`); the found model's RMSE is the mean over its seeds; the
  Diebold-Mariano test (HLN-corrected, one-sided "the found model has the lower squared
  loss") of each seed's errors against the best reference at that horizon.

Nothing here trains or fits a model: inputs are stored summaries.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from analysis.comparison import wilcoxon_signed_rank
from analysis.effect_sizes import Estimate, mean_interval
from analysis.forecast_metrics import diebold_mariano, mase_per_horizon, rmse_per_horizon
from analysis.metrics import Metric
from analysis.nas_comparison import RunData
from theory.errors import InvalidParameterError

__all__ = ["KINDS", "ApplicationResult", "ForecastRow", "ModelScore", "PairedResult",
           "Target", "application_result"]

KINDS = ("classification", "sentiment", "forecast")
#: accuracies and AUCs live in [0, 1]: their t intervals are clipped there
_UNIT = Metric("fraction", "maximize", 0.0, 1.0, declared_by="caller")
DOMAINS = ("amazon", "imdb", "yelp")


@dataclass(frozen=True)
class ModelScore:
    model: str
    kind: str  # "cell" or "reference"
    metric: str
    estimate: Estimate


@dataclass(frozen=True)
class PairedResult:
    """The found cell minus a reference on matched units (seeds, or domain x seed)."""

    reference: str
    metric: str
    units: str
    n: int
    mean_difference: float
    wilcoxon_p: float  # one-sided, H1: the cell is better
    t_p: float  # paired t, one-sided
    min_p: float  # the smallest p the Wilcoxon test can give at this n


@dataclass(frozen=True)
class ForecastRow:
    model: str
    kind: str
    seeds: int
    rmse: tuple[float, ...]  # per horizon (mean over seeds for a seeded model)
    mase: tuple[float, ...]


@dataclass(frozen=True)
class Target:
    text: str
    met: bool
    detail: str


@dataclass(frozen=True)
class ApplicationResult:
    task: str
    kind: str
    cell: str
    scores: tuple[ModelScore, ...]
    paired: tuple[PairedResult, ...]
    forecast: tuple[ForecastRow, ...] = ()
    #: per horizon: (best reference, DM statistic and one-sided p of each cell seed)
    diebold_mariano: tuple[dict[str, Any], ...] = ()
    targets: tuple[Target, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def score(self, model: str, metric: str) -> Estimate | None:
        for s in self.scores:
            if s.model == model and s.metric == metric:
                return s.estimate
        return None


def _by_model(runs: Sequence[RunData]) -> dict[str, dict[int, Mapping[str, Any]]]:
    table: dict[str, dict[int, Mapping[str, Any]]] = {}
    for run in runs:
        model = "cell" if run.summary.get("model_kind") == "cell" else str(run.summary["model"])
        table.setdefault(model, {})[run.seed] = run.summary
    return table


def _paired(cell: dict[int, Mapping[str, Any]], other: dict[int, Mapping[str, Any]],
            reference: str, metric_keys: Sequence[str], metric: str, units: str
            ) -> PairedResult:
    seeds = sorted(set(cell) & set(other))
    x = np.array([float(cell[s][k]) for s in seeds for k in metric_keys])
    y = np.array([float(other[s][k]) for s in seeds for k in metric_keys])
    n = len(x)
    if n == 0:
        return PairedResult(reference, metric, units, 0, math.nan, math.nan, math.nan, math.nan)
    diff = x - y
    if n >= 2 and np.any(diff != 0):
        w = wilcoxon_signed_rank(x, y, alternative="greater")
        w_p, min_p = w.p_value, w.min_p
    else:
        w_p, min_p = math.nan, math.nan
    if n < 2:
        t_p = math.nan
    elif np.ptp(diff) <= 1e-12 * max(1.0, float(np.abs(diff).max())):
        # a constant difference: the t statistic is +-infinite (or 0/0 at no difference)
        t_p = 0.0 if diff.mean() > 0 else (1.0 if diff.mean() < 0 else math.nan)
    else:
        t_p = float(stats.ttest_rel(x, y, alternative="greater").pvalue)
    return PairedResult(reference, metric, units, n, float(diff.mean()), float(w_p), t_p,
                        float(min_p))


def _scores(table: dict[str, dict[int, Mapping[str, Any]]], metrics: Sequence[str]
            ) -> list[ModelScore]:
    out = []
    for model, by_seed in table.items():
        for metric in metrics:
            values = [float(s[metric]) for s in by_seed.values() if metric in s]
            if values:
                bounded = metric.endswith(("accuracy", "auc", "accuracy_argmax")) or \
                    metric.startswith("accuracy_")
                out.append(ModelScore(model, "cell" if model == "cell" else "reference", metric,
                                      mean_interval(values, metric=_UNIT if bounded else None)))
    return out


def application_result(task: str, kind: str, runs: Sequence[RunData],
                       targets: Mapping[str, float] | None = None) -> ApplicationResult:
    """The verdicts of one task's ``train-from-scratch`` runs (module docstring).

    ``targets`` (optional): ``accuracy`` and ``auc`` (classification) are thresholds on the
    cell's mean; sentiment and forecasting targets are fixed by the issue (beat the named
    reference / the best reference at every horizon) and need none.
    """
    if kind not in KINDS:
        raise InvalidParameterError(f"kind in {KINDS}", f"kind={kind!r}")
    table = _by_model(runs)
    if "cell" not in table:
        raise InvalidParameterError("the runs include the found cell (model_kind 'cell')",
                                    f"models {sorted(table)}")
    references = [m for m in table if m != "cell"]
    cell_name = str(next(iter(table["cell"].values()))["model"])
    if kind == "forecast":
        return _forecast_result(task, cell_name, table, references)
    goals: list[Target] = []
    if kind == "classification":
        metrics = ("test_accuracy", "test_auc", "val_accuracy", "test_accuracy_argmax",
                   "train_seconds", "params")
        scores = _scores(table, metrics)
        paired = [_paired(table["cell"], table[r], r, (m,), m, "seeds")
                  for r in references for m in ("test_accuracy", "test_auc")]
        result = ApplicationResult(task, kind, cell_name, tuple(scores), tuple(paired))
        for metric, key in (("test_accuracy", "accuracy"), ("test_auc", "auc")):
            if targets and key in targets:
                est = result.score("cell", metric)
                assert est is not None
                goals.append(Target(f"{metric} >= {targets[key]:g}",
                                    est.point >= targets[key],
                                    f"mean {est.point:.4f} over {est.n} seeds"))
        return ApplicationResult(task, kind, cell_name, tuple(scores), tuple(paired),
                                 targets=tuple(goals))
    domain_keys = tuple(f"accuracy_{d}" for d in DOMAINS)
    metrics = ("cross_domain_accuracy", "in_domain_accuracy", *domain_keys, "train_seconds",
               "params")
    scores = _scores(table, metrics)
    paired = [_paired(table["cell"], table[r], r, domain_keys, "held-out domain accuracy",
                      "domain x seed") for r in references]
    for p in paired:
        if p.reference == "bow-logreg":
            goals.append(Target(
                "mean cross-domain accuracy above the bag-of-words logistic regression "
                "(paired, one-sided Wilcoxon p < 0.05)",
                p.mean_difference > 0 and p.wilcoxon_p < 0.05,
                f"difference {p.mean_difference:+.4f} over n = {p.n} (domain, seed) pairs, "
                f"Wilcoxon p = {p.wilcoxon_p:.3g}, paired t p = {p.t_p:.3g}"))
    return ApplicationResult(task, kind, cell_name, tuple(scores), tuple(paired),
                             targets=tuple(goals))


def _arrays(summary: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.asarray(summary["forecasts"], float), np.asarray(summary["actual"], float),
            np.asarray(summary["naive_scale"], float))


def _forecast_result(task: str, cell_name: str, table: dict[str, dict[int, Mapping[str, Any]]],
                     references: Sequence[str]) -> ApplicationResult:
    rows: list[ForecastRow] = []
    per_seed_rmse: dict[str, np.ndarray] = {}
    for model, by_seed in table.items():
        rmse = np.array([rmse_per_horizon(*_arrays(s)[:2]) for s in by_seed.values()])
        mase = np.array([mase_per_horizon(*_arrays(s)) for s in by_seed.values()])
        per_seed_rmse[model] = rmse
        rows.append(ForecastRow(model, "cell" if model == "cell" else "reference",
                                len(by_seed), tuple(rmse.mean(axis=0).tolist()),
                                tuple(mase.mean(axis=0).tolist())))
    cell_rmse = per_seed_rmse["cell"].mean(axis=0)
    horizon = len(cell_rmse)
    dm_rows: list[dict[str, Any]] = []
    below = []
    for h in range(horizon):
        best = min(references, key=lambda r: per_seed_rmse[r].mean(axis=0)[h])
        ref_summary = next(iter(table[best].values()))
        f_ref, y_ref, _ = _arrays(ref_summary)
        tests = []
        for seed, summary in sorted(table["cell"].items()):
            f, y, _ = _arrays(summary)
            if not np.allclose(y, y_ref):
                raise InvalidParameterError(
                    "the found model and the references forecast the same origins",
                    f"actual values differ at seed {seed}")
            dm = diebold_mariano(f[:, h] - y[:, h], f_ref[:, h] - y_ref[:, h], horizon=h + 1,
                                 alternative="less")
            tests.append({"seed": seed, "statistic": dm.statistic, "p_value": dm.p_value})
        ref_rmse = float(per_seed_rmse[best].mean(axis=0)[h])
        below.append(cell_rmse[h] < ref_rmse)
        dm_rows.append({"horizon": h + 1, "best_reference": best, "reference_rmse": ref_rmse,
                        "cell_rmse": float(cell_rmse[h]), "tests": tests,
                        "max_p": max(t["p_value"] for t in tests)})
    goal = Target("RMSE of the found model below the best of ARIMA and exponential smoothing "
                  "at every horizon", bool(all(below)),
                  "horizons below: " + ", ".join(str(h + 1) for h in range(horizon) if below[h])
                  + f" of 1..{horizon}; one-sided DM p (largest over seeds) "
                  + ", ".join(f"h{r['horizon']} {r['max_p']:.3g}" for r in dm_rows))
    return ApplicationResult(task, "forecast", cell_name, (), (), tuple(rows), tuple(dm_rows),
                             (goal,))
