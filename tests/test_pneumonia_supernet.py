"""The supernet problem on PneumoniaMNIST (``dataset="pneumonia"``): the official split is
what the supernet trains and scores on, the head has two classes, and a bad name is refused
naming the rule (the first step of issue 18's medical-imaging benchmark)."""

from __future__ import annotations

import numpy as np
import pytest

from solvers.registry import make_problem
from solvers.supernet.model import pneumonia_split
from theory.errors import InvalidParameterError

SMALL = {"dataset": "pneumonia", "channels": 2, "warmup_steps": 5, "batch": 8,
         "eval_images": 40, "gradient_weight_step": False}


def test_the_split_is_the_official_one() -> None:
    data = pneumonia_split()
    assert (len(data.train_y), len(data.val_y), len(data.test_y)) == (4708, 524, 624)
    assert data.train_x.shape[1:] == (28, 28, 1)
    assert set(np.unique(data.test_y)) == {0, 1}
    assert int(data.test_y.sum()) == 390  # pneumonia cases of the official test split


def test_pneumonia_supernet_scores_cells_with_a_two_class_head() -> None:
    problem = make_problem("mnist-supernet", SMALL)
    cells = [(3, 3, 3, 3, 3, 3), (1, 1, 1, 1, 1, 1)]
    values = problem.evaluate(cells)
    assert values.shape == (2, 3)
    # an error rate on 40 validation images: a multiple of 1/40 in [0, 1]
    assert np.all((values[:, 0] >= 0) & (values[:, 0] <= 1))
    np.testing.assert_allclose(values[:, 0] * 40, np.round(values[:, 0] * 40), atol=1e-9)
    net = problem._net()
    assert net["data"].val_y.shape == (524,)
    logits = net["logits"](net["data"].val_x[:3], np.ones((6, 5), dtype=np.float32) / 5)
    assert logits.shape == (3, 2), "the classifier has two outputs"
    report = problem.report(cells[:1])
    assert 0 <= float(report["one_shot_test_error"][0]) <= 1
    assert 0 <= float(report["one_shot_test_auc"][0]) <= 1


def test_auc_is_the_rank_statistic_of_the_class_one_score() -> None:
    """AUC by hand (every positive-negative pair, ties 1/2) on the problem's own logits."""
    problem = make_problem("mnist-supernet", SMALL)
    cell = (3, 1, 2, 3, 1, 2)
    logits, labels = problem._logits(cell, "test")
    score = logits[:, 1] - logits[:, 0]
    pos, neg = score[labels == 1], score[labels == 0]
    pairs = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    assert problem.report([cell])["one_shot_test_auc"][0] == pytest.approx(pairs.mean())


def test_unknown_dataset_is_refused_naming_the_rule() -> None:
    with pytest.raises(InvalidParameterError) as info:
        make_problem("mnist-supernet", {**SMALL, "dataset": "chestxray"})
    assert "dataset in {mnist5k, pneumonia}" in str(info.value)
    assert "dataset='chestxray'" in str(info.value)
