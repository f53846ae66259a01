"""The metric registry: every direction and range the statistics read comes from here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.metrics import FAMILIES, METRICS, Metric, directions, known_metric, metric
from theory.errors import InvalidParameterError


@pytest.mark.parametrize(("name", "direction"), [
    ("best_test_accuracy", "maximize"), ("final_hypervolume", "maximize"),
    ("hypervolume_ratio", "maximize"), ("queries_to_target", "minimize"),
    ("best_search_error", "minimize"), ("runtime", "minimize"), ("final_f", "minimize"),
])
def test_registry_directions_of_what_the_solvers_write(name: str, direction: str) -> None:
    assert metric(name).direction == direction
    assert metric(name).declared_by == "registry"


def test_family_suffixes_give_direction_and_range() -> None:
    accuracy = known_metric("cifar100_valid_accuracy")
    assert accuracy is not None and accuracy.direction == "maximize"
    assert (accuracy.low, accuracy.high) == (0.0, 100.0)
    assert accuracy.declared_by == "family '*_accuracy'"
    assert "higher is better" in accuracy.label and "[0, 100]" in accuracy.label
    error = known_metric("top1_error")
    assert error is not None and error.lower_is_better
    assert known_metric("mystery") is None
    for suffix, direction, low, high in FAMILIES:
        assert direction in ("minimize", "maximize") and low < high, suffix


def test_unknown_metric_is_refused_not_guessed() -> None:
    with pytest.raises(InvalidParameterError, match="declared direction") as info:
        metric("mystery")
    assert "'mystery'" in str(info.value)
    assert metric("mystery", maximize=["mystery"]).direction == "maximize"
    assert metric("mystery", minimize=["mystery"]).declared_by == "caller"
    with pytest.raises(InvalidParameterError, match="either maximized or minimized"):
        metric("mystery", maximize=["mystery"], minimize=["mystery"])


def test_caller_may_reverse_a_registry_direction_and_keeps_the_range() -> None:
    reversed_accuracy = metric("best_test_accuracy", minimize=["best_test_accuracy"])
    assert reversed_accuracy.lower_is_better and reversed_accuracy.declared_by == "caller"
    assert (reversed_accuracy.low, reversed_accuracy.high) == (0.0, 100.0)
    assert metric("best_test_accuracy", maximize=["best_test_accuracy"]) is \
        METRICS["best_test_accuracy"]


def test_directions_splits_known_from_unknown() -> None:
    known, unknown = directions(["best_test_accuracy", "mystery", "queries_to_target"])
    assert set(known) == {"best_test_accuracy", "queries_to_target"}
    assert unknown == ["mystery"]


def test_worst_orient_better_and_clip_follow_the_direction() -> None:
    up, down = METRICS["best_test_accuracy"], METRICS["queries_to_target"]
    assert up.worst == -math.inf and down.worst == math.inf
    assert up.better(93.0, 92.0) and down.better(10.0, 20.0)
    assert not up.better(92.0, 92.0)
    assert np.array_equal(down.orient([1.0, 2.0]), [-1.0, -2.0])
    assert up.clip(91.0, 103.1) == (91.0, 100.0)
    assert METRICS["hypervolume_ratio"].clip(0.7, 1.28) == (0.7, 1.0)


def test_bad_declarations_name_the_rule() -> None:
    with pytest.raises(InvalidParameterError, match="'minimize' or 'maximize'"):
        Metric("x", "bigger")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="low < high"):
        Metric("x", "minimize", 1.0, 0.0)
