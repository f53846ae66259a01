"""analysis.applications and the application tables on constructed run summaries: the
verdicts follow the numbers (a better cell wins, a worse one loses, a target is met only when
the numbers meet it), and bad input names the rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.applications import application_result
from analysis.nas_comparison import RunData
from theory.errors import InvalidParameterError


def _run(model: str, seed: int, kind: str = "cell", **summary: object) -> RunData:
    return RunData("train-from-scratch", seed, {}, pd.DataFrame(),
                   {"model": model, "model_kind": kind, **summary})


def _classification(cell_shift: float, seeds: int = 6) -> list[RunData]:
    rng = np.random.default_rng(0)
    runs = []
    for s in range(seeds):
        base = 0.85 + 0.01 * rng.standard_normal()
        runs.append(_run("|nor_conv_3x3~0|", s, test_accuracy=base + cell_shift,
                         test_auc=0.95 + cell_shift / 2))
        runs.append(_run("resnet18", s, "reference", test_accuracy=base, test_auc=0.95))
    return runs


def test_classification_better_cell_wins_and_targets_follow_the_numbers() -> None:
    result = application_result("pneumonia", "classification", _classification(0.04),
                                {"accuracy": 0.88, "auc": 0.96})
    paired = {p.metric: p for p in result.paired}
    assert paired["test_accuracy"].mean_difference == pytest.approx(0.04)
    assert paired["test_accuracy"].wilcoxon_p == pytest.approx(1 / 64)  # all 6 signs agree
    assert paired["test_accuracy"].t_p < 0.01
    met = {t.text: t.met for t in result.targets}
    assert met == {"test_accuracy >= 0.88": True, "test_auc >= 0.96": True}
    worse = application_result("pneumonia", "classification", _classification(-0.04),
                               {"accuracy": 0.88, "auc": 0.96})
    assert {p.metric: p for p in worse.paired}["test_accuracy"].wilcoxon_p == pytest.approx(1.0)
    assert not any(t.met for t in worse.targets)


def test_sentiment_pairs_domains_and_seeds() -> None:
    runs = []
    for s in range(3):
        acc = {"accuracy_amazon": 0.80 + 0.01 * s, "accuracy_imdb": 0.75, "accuracy_yelp": 0.78}
        runs.append(_run("cell", s, **{k: v + 0.02 for k, v in acc.items()},
                         cross_domain_accuracy=float(np.mean(list(acc.values()))) + 0.02,
                         in_domain_accuracy=0.8))
        runs.append(_run("bow-logreg", s, "reference", **acc,
                         cross_domain_accuracy=float(np.mean(list(acc.values()))),
                         in_domain_accuracy=0.8))
    result = application_result("sentiment", "sentiment", runs)
    (paired,) = result.paired
    assert paired.n == 9 and paired.units == "domain x seed"
    assert paired.mean_difference == pytest.approx(0.02)
    assert paired.wilcoxon_p == pytest.approx(1 / 512)
    assert result.targets[0].met


def _forecast(model: str, seed: int, kind: str, noise: float, rng: np.random.Generator,
              actual: np.ndarray) -> RunData:
    forecasts = actual + noise * rng.standard_normal(actual.shape)
    return _run(model, seed, kind, forecasts=forecasts.tolist(), actual=actual.tolist(),
                naive_scale=[1.0] * len(actual))


def test_forecast_verdict_and_diebold_mariano() -> None:
    rng = np.random.default_rng(1)
    actual = rng.standard_normal((40, 3))
    runs = [_forecast("cell", s, "cell", 0.5, rng, actual) for s in range(2)]
    runs += [_forecast("arima", 0, "reference", 1.5, rng, actual),
             _forecast("ets", 0, "reference", 2.0, rng, actual)]
    result = application_result("sunspots", "forecast", runs)
    cell = next(r for r in result.forecast if r.model == "cell")
    assert len(cell.rmse) == 3 and all(v < 0.8 for v in cell.rmse)
    assert all(d["best_reference"] == "arima" and d["max_p"] < 0.01
               for d in result.diebold_mariano)
    assert result.targets[0].met
    worse = [_forecast("cell", s, "cell", 3.0, rng, actual) for s in range(2)] + runs[2:]
    assert not application_result("sunspots", "forecast", worse).targets[0].met


def test_forecasts_on_other_origins_are_refused() -> None:
    rng = np.random.default_rng(2)
    actual = rng.standard_normal((10, 2))
    runs = [_forecast("cell", 0, "cell", 0.1, rng, actual),
            _forecast("arima", 0, "reference", 0.1, rng, actual + 1)]
    with pytest.raises(InvalidParameterError, match="same origins"):
        application_result("co2", "forecast", runs)


def test_bad_input_names_the_rule() -> None:
    with pytest.raises(InvalidParameterError, match="kind in"):
        application_result("x", "regression", [])
    with pytest.raises(InvalidParameterError, match="found cell"):
        application_result("x", "classification", [_run("resnet18", 0, "reference",
                                                        test_accuracy=0.9, test_auc=0.9)])
