"""The PneumoniaMNIST pipeline (issue 18): the threshold is chosen on validation only, the
AUC is the pairwise count, the ResNet-18 reference has the architecture it claims, and a
tiny retraining runs end to end. The recipe's numbers are in the slow tests."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solvers.applications import pneumonia as pn
from theory.errors import InvalidParameterError


def _brute_force_best(scores: np.ndarray, labels: np.ndarray, balanced: bool = False
                      ) -> float:
    """Best accuracy of ``score > t`` over every threshold between or beyond the scores."""
    u = np.unique(scores)
    candidates = np.concatenate([[u[0] - 1], (u[:-1] + u[1:]) / 2, [u[-1] + 1]])
    best = -1.0
    for t in candidates:
        predicted = scores > t
        if balanced:
            value = 0.5 * (np.mean(predicted[labels == 1]) + np.mean(~predicted[labels == 0]))
        else:
            value = float(np.mean(predicted == (labels == 1)))
        best = max(best, value)
    return best


@pytest.mark.parametrize("seed", range(20))
def test_threshold_maximises_validation_accuracy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    labels = rng.integers(0, 2, n)
    scores = np.round(rng.normal(labels * 1.0, 1.0), 1)  # rounding makes ties
    for criterion, balanced in (("accuracy", False), ("balanced", True)):
        choice = pn.choose_threshold(scores, labels, criterion)
        predicted = scores > choice.threshold
        if balanced and 0 < labels.sum() < n:
            achieved = 0.5 * (np.mean(predicted[labels == 1]) + np.mean(~predicted[labels == 0]))
            assert achieved == pytest.approx(_brute_force_best(scores, labels, True))
        elif not balanced:
            assert np.mean(predicted == labels) == pytest.approx(choice.accuracy)
            assert choice.accuracy == pytest.approx(_brute_force_best(scores, labels))


def test_ties_take_the_middle_maximiser() -> None:
    # perfectly separable with a wide flat optimum: cuts at 1.5, 2.5, 3.5 all give 100 %
    scores = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    labels = np.array([0, 0, 1, 1, 1, 1])
    assert pn.choose_threshold(scores, labels).threshold == 1.5
    labels = np.array([0, 0, 0, 0, 1, 1])
    assert pn.choose_threshold(scores, labels).threshold == 3.5
    # alternating labels: cuts 1, 3 and 5 each get 5 of 7 right; the middle one is kept
    scores = np.arange(7.0)
    labels = np.array([0, 1, 0, 1, 0, 1, 1])
    choice = pn.choose_threshold(scores, labels)
    assert choice.maximisers == 3 and choice.accuracy == pytest.approx(5 / 7)
    assert choice.threshold == 2.5
    # two maximisers (cuts 1 and 3): the lower median, cut 1
    choice = pn.choose_threshold(np.arange(5.0), np.array([0, 1, 0, 1, 1]))
    assert choice.maximisers == 2 and choice.threshold == 0.5


def test_test_labels_choose_nothing() -> None:
    """Permuting (or flipping) the test labels changes no threshold and no validation
    number; only the test metrics move. A threshold tuned on test would move."""
    rng = np.random.default_rng(0)
    val_y = rng.integers(0, 2, 200)
    test_y = rng.integers(0, 2, 300)
    val_s = rng.normal(val_y * 2.0, 1.0)
    test_s = rng.normal(test_y * 2.0 - 0.7, 1.0)
    base = pn.score_at_threshold(val_s, val_y, test_s, test_y)
    for other in (rng.permutation(test_y), 1 - test_y):
        again = pn.score_at_threshold(val_s, val_y, test_s, other)
        for key in ("threshold", "threshold_accuracy", "threshold_balanced", "val_accuracy",
                    "val_auc"):
            assert again[key] == base[key]
    # the threshold tuned on test itself would differ here (the test scores are shifted)
    assert pn.choose_threshold(test_s, test_y).threshold != base["threshold"]


def test_auc_is_the_pairwise_count() -> None:
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.2, 0.9])
    labels = np.array([0, 0, 1, 1, 1, 0, 1])
    pos, neg = scores[labels == 1], scores[labels == 0]
    count = sum(1.0 if p > q else 0.5 if p == q else 0.0
                for p, q in itertools.product(pos, neg))
    assert pn.roc_auc(scores, labels) == pytest.approx(count / (len(pos) * len(neg)))
    assert np.isnan(pn.roc_auc(scores, np.ones(7, dtype=int)))
    assert pn.roc_auc(-scores, labels) == pytest.approx(1 - count / (len(pos) * len(neg)))


def test_bad_input_names_the_rule() -> None:
    with pytest.raises(InvalidParameterError, match="epochs >= 1"):
        pn.PneumoniaRecipe(epochs=0)
    with pytest.raises(InvalidParameterError, match="divisible by"):
        pn.PneumoniaRecipe(stem_stride=2, stages=3)  # 14 -> 7 -> an odd side to reduce
    with pytest.raises(InvalidParameterError, match="sampling in"):
        pn.PneumoniaRecipe(sampling="oversample")
    with pytest.raises(InvalidParameterError, match="labels in"):
        pn.choose_threshold([0.1, 0.2], [0, 2])
    with pytest.raises(InvalidParameterError, match="criterion"):
        pn.choose_threshold([0.1, 0.2], [0, 1], "f1")
    with pytest.raises(InvalidParameterError, match="seed"):
        pn._seeds(-1)
    with pytest.raises(InvalidParameterError, match="a NAS-Bench-201 cell string"):
        pn.cell_edge_ops("|nor_conv_3x3~0|")


def test_cell_forms_agree() -> None:
    ops = pn.cell_edge_ops(pn.BEST_CELL)
    assert ops == [("nor_conv_3x3",), ("nor_conv_3x3",), ("nor_conv_3x3",),
                   ("skip_connect",), ("nor_conv_3x3",), ("nor_conv_3x3",)]
    assert pn.cell_edge_ops(ops) == ops
    from solvers.search_space import NB201Cell

    assert pn.cell_edge_ops(NB201Cell().from_string(pn.BEST_CELL)) == ops


def test_resnet18_has_the_basic_block_layout() -> None:
    import tensorflow as tf

    _, resnet_class = pn._resnet_classes()
    w = 4
    net = resnet_class(pn.PneumoniaRecipe(resnet_width=w))
    assert len(net.blocks) == 8
    assert [b.project for b in net.blocks] == [False, False, True, False, True, False,
                                               True, False]
    # parameters by hand: stem, 8 blocks (two 3x3 convs + BN each, 1x1 projection + BN at
    # each stage change), linear head
    expected = 9 * w + 2 * w
    prev = w
    for stage in range(4):
        c = w * 2**stage
        for b in range(2):
            cin = prev if b == 0 else c
            expected += 9 * cin * c + 2 * c + 9 * c * c + 2 * c
            if b == 0 and stage > 0:
                expected += cin * c + 2 * c
        prev = c
    expected += 8 * w * 2 + 2
    assert sum(int(np.prod(v.shape)) for v in net.trainable_variables) == expected
    out = net.call(tf.zeros((3, 28, 28, 1)), None, training=False)
    assert tuple(out.shape) == (3, 2)


TINY = pn.PneumoniaRecipe(channels=2, stages=1, stem_stride=2, epochs=1, batch=1024,
                          resnet_width=2, latency_repeats=2, threshold_criterion="accuracy")


def test_tiny_retraining_runs_and_reports_every_metric() -> None:
    result = pn.retrain_pneumonia_cell(pn.BEST_CELL, TINY, seed=0)
    assert result["steps"] == 4708 // 1024
    for key in ("test_accuracy", "test_accuracy_argmax", "val_accuracy", "test_sensitivity",
                "test_specificity", "test_auc", "val_auc"):
        assert 0.0 <= result[key] <= 1.0, key
    assert result["val_accuracy"] >= result["val_accuracy_argmax"] - 1e-12  # tuned on val
    assert result["params"] > 0 and result["latency_ms"] > 0
    assert result["cell"] == pn.BEST_CELL


@pytest.mark.slow
def test_same_seed_same_scores() -> None:
    a = pn.retrain_pneumonia_cell(pn.BEST_CELL, TINY, seed=3)
    b = pn.retrain_pneumonia_cell(pn.BEST_CELL, TINY, seed=3)
    c = pn.retrain_pneumonia_cell(pn.BEST_CELL, TINY, seed=4)
    keys = ("final_train_loss", "threshold", "test_accuracy", "test_auc")
    assert [a[k] for k in keys] == [b[k] for k in keys]
    assert a["final_train_loss"] != c["final_train_loss"]


@pytest.mark.slow
def test_quick_preset_cell_and_reference_are_sane() -> None:
    """QUICK (the quick reproduce profile): both models well above the majority rate of
    the test split (62.5 %) and the AUC well above chance; the numbers are the report's."""
    cell = pn.retrain_pneumonia_cell(pn.BEST_CELL, pn.QUICK, seed=0)
    ref = pn.resnet18_reference(pn.QUICK, seed=0)
    for result in (cell, ref):
        assert result["test_accuracy"] > 0.75
        assert result["test_auc"] > 0.9
        assert result["train_seconds"] < 120
