"""Training from scratch on the sentiment and series tasks: the found cell and the references
under one recipe, in the summary form of :mod:`analysis.applications` (issue 18).

The problems ``sentiment-supernet`` and ``series-supernet``
(:mod:`solvers.problems.sequence_supernet`) call these through the solver
``train-from-scratch``:

* **sentiment** -- a model is scored on the three cross-domain folds (trained on two domains,
  tested on the third: ``solvers.datasets.cross_domain_split``) and in domain. The cell by
  :func:`solvers.supernet.sequence.retrain_text` (validation drawn from the training
  domains, early stopping on it); the references through
  :func:`solvers.applications.text_references.cross_domain_evaluation` with the bag-of-words
  logistic regression (``bow-logreg``) or Kim's CNN-rand (``text-cnn``). The held-out test
  sentences of a fold are the same for every model; the in-domain splits differ (the cell's
  2,000/500/500 split against the references' 2,400/600), so only the cross-domain numbers
  are paired.
* **series** -- every model forecasts exactly the origins of
  :func:`solvers.forecasting.rolling_forecasts` with the task's protocol
  (:data:`solvers.supernet.sequence_data.SERIES_PROTOCOLS`); the cell by
  :func:`solvers.supernet.sequence.retrain_series` (trained once before the first origin,
  no refit), ARIMA(2,1,1) and additive Holt-Winters with a damped trend and the protocol's
  season refitted at every origin. The MASE scale is the seasonal-naive one (lag = season)
  for all models.

Recipes: ``quick`` (the quick reproduction: smaller networks, fewer epochs and, for the
series, 10 origins) and ``full`` (the targets' recipe, 30 origins).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from theory.errors import InvalidParameterError

__all__ = ["SERIES_RECIPES", "TEXT_RECIPES", "train_series_model", "train_text_model"]

DOMAINS = ("amazon", "imdb", "yelp")
#: preset -> retrain_text options of the cell; text-cnn epochs
TEXT_RECIPES: dict[str, dict[str, Any]] = {
    "quick": {"channels": 16, "epochs": 4, "cnn_epochs": 3},
    "full": {"channels": 32, "epochs": 15, "cnn_epochs": 10},
}
#: preset -> retrain_series options of the cell and the number of origins
SERIES_RECIPES: dict[str, dict[str, Any]] = {
    "quick": {"channels": 8, "epochs": 20, "n_origins": 10},
    "full": {"channels": 16, "epochs": 60, "n_origins": 30},
}


def _recipe(table: dict[str, dict[str, Any]], preset: str) -> dict[str, Any]:
    if preset not in table:
        raise InvalidParameterError(f"preset in {sorted(table)}", f"preset={preset!r}")
    return dict(table[preset])


def _edge_ops(space: Any, cell: Sequence[int]) -> list[tuple[str, ...]]:
    return [() if space.ops[i] == "none" else (space.ops[i],) for i in cell]


def train_text_model(space: Any, model: str, cell: Sequence[int] | None, preset: str,
                     epochs: int, seed: int, split_seed: int = 0
                     ) -> tuple[list[dict[str, float]], dict[str, Any]]:
    """Held-out accuracy per domain, their mean and in-domain accuracy of one model."""
    recipe = _recipe(TEXT_RECIPES, preset)
    start = time.perf_counter()
    summary: dict[str, Any] = {}
    if cell is not None:
        from solvers.supernet.sequence import retrain_text

        ops = _edge_ops(space, cell)
        options = {"channels": recipe["channels"], "epochs": epochs or recipe["epochs"],
                   "seed": seed, "split_seed": split_seed}
        for domain in DOMAINS:
            summary[f"accuracy_{domain}"] = retrain_text(ops, held_out=domain,
                                                         **options)["test_accuracy"]
        own = retrain_text(ops, held_out=None, **options)
        summary.update({"in_domain_accuracy": own["test_accuracy"], "params": own["params"],
                        "latency_ms": own["latency_ms"]})
    else:
        from solvers.applications import text_references as refs

        config = refs.TextCNNConfig(epochs=epochs or recipe["cnn_epochs"])

        def cnn(train: list[str], labels: Any, test: list[str], s: int) -> Any:
            return refs.text_cnn(train, labels, test, config=config, seed=s)[0]

        predict: Any = None
        if model == "bow-logreg":
            predict = refs.bow_train_and_predict
        elif model == "text-cnn":
            predict = cnn
        else:
            raise InvalidParameterError("model in {bow-logreg, text-cnn} or a cell",
                                        f"model={model!r}")
        rows = refs.cross_domain_evaluation(predict, [seed], method=model)
        for _, row in rows.iterrows():
            key = ("in_domain_accuracy" if row["setting"] == "in-domain"
                   else f"accuracy_{row['held_out']}")
            summary[key] = float(row["accuracy"])
    summary["cross_domain_accuracy"] = float(np.mean([summary[f"accuracy_{d}"]
                                                      for d in DOMAINS]))
    summary["train_seconds"] = time.perf_counter() - start
    return [], summary


def train_series_model(space: Any, series: str, model: str, cell: Sequence[int] | None,
                       preset: str, epochs: int, seed: int
                       ) -> tuple[list[dict[str, float]], dict[str, Any]]:
    """Forecasts, actual values and MASE scales on the task's rolling origins."""
    from solvers.forecasting import rolling_forecasts
    from solvers.supernet.sequence_data import SERIES_PROTOCOLS, load_series

    recipe = _recipe(SERIES_RECIPES, preset)
    protocol = SERIES_PROTOCOLS[series]
    start = time.perf_counter()
    extra: dict[str, Any] = {}
    if cell is not None:
        from solvers.supernet.sequence import retrain_series

        result: Any = retrain_series(_edge_ops(space, cell), series=series,
                                     n_origins=recipe["n_origins"], channels=recipe["channels"],
                                     epochs=epochs or recipe["epochs"], seed=seed,
                                     naive_lag=protocol.season)
        extra = {"params": result.params, "latency_ms": result.latency_ms,
                 "val_rmse": result.val_rmse, "best_epoch": result.best_epoch}
    elif model in ("arima", "ets"):
        result = rolling_forecasts(load_series(series), model, recipe["n_origins"],
                                   protocol.horizon, protocol.min_train,
                                   seasonal_periods=protocol.season if model == "ets" else None,
                                   naive_lag=protocol.season)
    else:
        raise InvalidParameterError("model in {arima, ets} or a cell", f"model={model!r}")
    rmse = np.sqrt(np.mean((result.forecasts - result.actual) ** 2, axis=0))
    return [], {"forecasts": np.asarray(result.forecasts).tolist(),
                "actual": np.asarray(result.actual).tolist(),
                "naive_scale": np.asarray(result.naive_scale).tolist(),
                "origins": np.asarray(result.origins).tolist(),
                "horizon": int(protocol.horizon), "rmse_h1": float(rmse[0]),
                "rmse_last": float(rmse[-1]), **extra,
                "train_seconds": time.perf_counter() - start}
