"""Sentiment references for the searched text architecture: BoW logistic regression and a
fixed text CNN, on cross-domain folds, with a paired test (issue 18).

The data are UCI's Sentiment Labelled Sentences (Kotzias et al., KDD 2015): 1,000
sentences from each of Amazon, IMDb and Yelp (:func:`solvers.datasets.load_sentiment`).

* :func:`bow_logistic_regression` -- binary bag of unigrams and bigrams of
  :func:`solvers.datasets.tokenize` (the strong linear baseline of Wang & Manning, "Baselines
  and Bigrams", ACL 2012), L2-regularised logistic regression
  ``C sum_i log(1 + exp(-s_i (x_i.w + b))) + ||w||^2 / 2`` (s_i = 2 y_i - 1; the intercept
  is not penalised; scikit-learn's convention for C), minimised by
  ``scipy.optimize.minimize(method="L-BFGS-B")`` with the exact gradient
  (:func:`logistic_objective`). C is chosen from a grid by accuracy on a seeded,
  label-stratified validation part of the training data (ties: the smaller C), then the
  model is refitted on all of it. The vocabulary is always built on the sentences the
  model is fitted on, never on the test sentences.
* :func:`text_cnn` -- Kim's CNN-rand (Kim, EMNLP 2014, Sec. 2 and 3.1): randomly
  initialised embeddings, filter widths 3, 4, 5 with ``maps`` feature maps each, ReLU,
  max-over-time pooling, dropout 0.5 on the pooled features, a linear two-class head with
  Kim's max-norm constraint (||w_class|| <= 3 after every step), trained a fixed number of
  epochs by Adam (Kingma & Ba, ICLR 2015; Kim used Adadelta) on mini-batches of 50.
  Every weight, batch order and dropout mask is drawn from a numpy Generator (no
  TensorFlow seed), so a seed fixes the run.
* :func:`cross_domain_evaluation` -- for every held-out domain and seed: train on the
  other two domains (:func:`solvers.datasets.cross_domain_split`), test on the held-out
  one; plus an in-domain score on a seeded split of all 3,000 sentences stratified by
  (domain, label). Any ``train_and_predict(train_sentences, train_labels,
  test_sentences, seed) -> labels`` plugs in, so the searched architecture is scored on
  exactly the same folds.
* :func:`paired_comparison` -- matched (setting, domain, seed) accuracies of two methods:
  the mean difference with its t interval, the paired t test and the Wilcoxon signed-rank
  test (exact where there are no ties or zeros), with the smallest p-value the exact test
  can reach at this n, so that a comparison that cannot reject is reported as such.

Accuracy is a fraction in [0, 1], higher is better.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from solvers.config import Config, Rule
from solvers.datasets import (
    SENTIMENT_DOMAINS,
    build_vocabulary,
    cross_domain_split,
    encode,
    load_sentiment,
    tokenize,
)
from theory.errors import InvalidParameterError

__all__ = [
    "ACCURACY_DIRECTION",
    "C_GRID",
    "BowFit",
    "PairedComparison",
    "TextCNNConfig",
    "bag_of_ngrams",
    "bow_logistic_regression",
    "bow_train_and_predict",
    "cross_domain_evaluation",
    "fit_logistic_regression",
    "in_domain_split",
    "logistic_objective",
    "paired_comparison",
    "text_cnn",
    "text_cnn_train_and_predict",
]

#: the metric's declaration (STYLE.md pattern 14)
ACCURACY_DIRECTION = {"name": "accuracy", "higher_is_better": True, "range": (0.0, 1.0)}
#: inverse regularisation strengths tried (a decade grid in half-decades around 1)
C_GRID: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)

TrainAndPredict = Callable[[list[str], NDArray[np.int64], list[str], int], ArrayLike]


# ---------------------------------------------------------------------- validation
def _sentences(value: object, name: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidParameterError(f"{name} is a sequence of str",
                                    f"{name} of type {type(value).__name__}")
    listed = list(value)
    for i, s in enumerate(listed):
        if not isinstance(s, str):
            raise InvalidParameterError(f"every element of {name} is a str",
                                        f"{name}[{i}] of type {type(s).__name__}")
    return listed


def _labels(value: ArrayLike, n: int, name: str) -> NDArray[np.int64]:
    y = np.asarray(value)
    if y.shape != (n,):
        raise InvalidParameterError(f"{name} has one label per sentence ({n})",
                                    f"shape {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise InvalidParameterError(f"{name} in {{0, 1}}",
                                    f"values {sorted(set(np.unique(y).tolist()) - {0, 1})}")
    return y.astype(np.int64)


def _seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        raise InvalidParameterError("seed is an int >= 0", f"seed={seed!r}")
    return int(seed)


# ---------------------------------------------------------------------- bag of n-grams
def _ngrams(sentence: str) -> list[str]:
    tokens = tokenize(sentence)
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def bag_of_ngrams(fit_sentences: Sequence[str], sentences: Sequence[str] | None = None
                  ) -> tuple[Any, Any, tuple[str, ...]]:
    """Binary unigram + bigram features: (X_fit, X_other, features) as CSR matrices.

    The feature set is the n-grams of ``fit_sentences`` (sorted, so independent of order);
    ``sentences`` (if given) are mapped onto it, unseen n-grams dropped."""
    from scipy import sparse

    fit = _sentences(fit_sentences, "fit_sentences")
    features = tuple(sorted({g for s in fit for g in _ngrams(s)}))
    index = {g: i for i, g in enumerate(features)}

    def matrix(rows: list[str]) -> Any:
        indptr, indices = [0], []
        for s in rows:
            cols = sorted({index[g] for g in _ngrams(s) if g in index})
            indices.extend(cols)
            indptr.append(len(indices))
        data = np.ones(len(indices))
        return sparse.csr_matrix((data, np.asarray(indices, dtype=np.int64),
                                  np.asarray(indptr, dtype=np.int64)),
                                 shape=(len(rows), len(features)))

    other = None if sentences is None else matrix(_sentences(sentences, "sentences"))
    return matrix(fit), other, features


# ---------------------------------------------------------------------- logistic regression
def logistic_objective(theta: NDArray[np.float64], X: Any, y: NDArray[np.int64], C: float
                       ) -> tuple[float, NDArray[np.float64]]:
    """f(w, b) = C sum_i log(1 + exp(-s_i z_i)) + ||w||^2 / 2 with z = X w + b, s = 2y - 1,
    and its exact gradient (C X^T (sigma(z) - y) + w, C sum_i (sigma(z_i) - y_i));
    ``theta = (w, b)``. ``log(1 + exp(t))`` is ``logaddexp(0, t)`` (no overflow)."""
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    s = 2.0 * y - 1.0
    value = C * float(np.sum(np.logaddexp(0.0, -s * z))) + 0.5 * float(w @ w)
    residual = C * (_sigmoid(z) - y)
    grad = np.empty_like(theta)
    grad[:-1] = X.T @ residual + w
    grad[-1] = float(np.sum(residual))
    return value, grad


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    out: NDArray[np.float64] = np.exp(-np.logaddexp(0.0, -z))
    return out


def fit_logistic_regression(X: Any, y: ArrayLike, C: float, *, gtol: float = 1e-8,
                            ftol: float = 1e-13, maxiter: int = 5000,
                            theta0: NDArray[np.float64] | None = None
                            ) -> tuple[NDArray[np.float64], Any]:
    """Minimise :func:`logistic_objective` by L-BFGS-B from ``theta0`` (default zero, a
    warm start along a C grid otherwise); (theta, scipy result).

    The objective is strictly convex in w (the ridge term) so the minimiser is unique;
    its KKT condition is a zero gradient, which ``gtol`` bounds (projected-gradient
    infinity norm); ``ftol`` (relative decrease) is set tight so that the gradient
    criterion, not the decrease criterion, ends the run."""
    from scipy import optimize

    if not (isinstance(C, int | float) and math.isfinite(C) and C > 0):
        raise InvalidParameterError("C > 0 (finite)", f"C={C!r}")
    labels = _labels(y, X.shape[0], "y")
    start = np.zeros(X.shape[1] + 1) if theta0 is None else np.asarray(theta0, dtype=float)
    if start.shape != (X.shape[1] + 1,):
        raise InvalidParameterError("theta0 has one value per feature plus the intercept",
                                    f"shape {start.shape}, {X.shape[1]} features")
    result = optimize.minimize(logistic_objective, start, args=(X, labels.astype(float), C),
                               jac=True, method="L-BFGS-B",
                               options={"gtol": gtol, "ftol": ftol, "maxiter": maxiter,
                                        "maxcor": 20})
    return np.asarray(result.x), result


def _stratified_holdout(labels: NDArray[np.int64], fraction: float, rng: np.random.Generator
                        ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    fit, held = [], []
    for value in (0, 1):
        rows = rng.permutation(np.flatnonzero(labels == value))
        k = round(fraction * len(rows))
        held.append(rows[:k])
        fit.append(rows[k:])
    return np.sort(np.concatenate(fit)), np.sort(np.concatenate(held))


@dataclass(frozen=True)
class BowFit:
    """What :func:`bow_logistic_regression` chose and predicted."""

    predictions: NDArray[np.int64]
    accuracy: float  # on the test labels when given, else NaN
    C: float
    validation_accuracy: Mapping[float, float]  # C -> accuracy on the validation part
    n_features: int
    converged: bool


def bow_logistic_regression(train_sentences: Sequence[str], train_labels: ArrayLike,
                            test_sentences: Sequence[str], *,
                            test_labels: ArrayLike | None = None,
                            c_grid: Sequence[float] = C_GRID,
                            validation_fraction: float = 0.2, seed: int = 0) -> BowFit:
    """Binary uni+bigram logistic regression, C by validation on the training data, refit
    on all of it, then predict ``test_sentences`` (label 1 iff x.w + b > 0)."""
    train = _sentences(train_sentences, "train_sentences")
    test = _sentences(test_sentences, "test_sentences")
    y = _labels(train_labels, len(train), "train_labels")
    grid = tuple(float(c) for c in c_grid)
    if not grid or not all(math.isfinite(c) and c > 0 for c in grid):
        raise InvalidParameterError("c_grid is non-empty with every C > 0", repr(c_grid))
    if not 0 < validation_fraction < 1:
        raise InvalidParameterError("0 < validation_fraction < 1",
                                    f"validation_fraction={validation_fraction!r}")
    rng = np.random.default_rng(np.random.SeedSequence(_seed(seed)))
    fit_rows, val_rows = _stratified_holdout(y, validation_fraction, rng)
    X_fit, X_val, _ = bag_of_ngrams([train[i] for i in fit_rows], [train[i] for i in val_rows])
    scores: dict[float, float] = {}
    theta = None
    for c in sorted(grid):  # warm start from the next-stronger regularisation
        theta, _ = fit_logistic_regression(X_fit, y[fit_rows], c, theta0=theta)
        predicted = (X_val @ theta[:-1] + theta[-1] > 0).astype(np.int64)
        scores[c] = float(np.mean(predicted == y[val_rows]))
    best = max(scores.values())
    chosen = min(c for c, a in scores.items() if a == best)  # ties: stronger regularisation
    X_train, X_test, features = bag_of_ngrams(train, test)
    theta, result = fit_logistic_regression(X_train, y, chosen)
    predictions = (X_test @ theta[:-1] + theta[-1] > 0).astype(np.int64)
    accuracy = float("nan")
    if test_labels is not None:
        accuracy = float(np.mean(predictions == _labels(test_labels, len(test), "test_labels")))
    return BowFit(predictions, accuracy, chosen, scores, len(features), bool(result.success))


def bow_train_and_predict(train_sentences: list[str], train_labels: NDArray[np.int64],
                          test_sentences: list[str], seed: int) -> NDArray[np.int64]:
    """:func:`bow_logistic_regression` in the ``train_and_predict`` form."""
    return bow_logistic_regression(train_sentences, train_labels, test_sentences,
                                   seed=seed).predictions


# ---------------------------------------------------------------------- text CNN
@dataclass(frozen=True)
class TextCNNConfig(Config):
    """Kim's CNN-rand at the sizes of the issue (embedding 64-128, 50-100 maps)."""

    embedding_dim: int = field(default=128, metadata={"help": "embedding width"})
    widths: str = field(default="3,4,5", metadata={"help": "filter widths, comma-separated"})
    maps: int = field(default=100, metadata={"help": "feature maps per width"})
    dropout: float = field(default=0.5, metadata={"help": "dropout on the pooled features"})
    max_norm: float = field(default=3.0, metadata={
        "help": "max L2 norm of each class's weight vector (Kim's s = 3; 0: none)"})
    epochs: int = field(default=10, metadata={"help": "passes over the training data"})
    batch: int = field(default=50, metadata={"help": "mini-batch (Kim: 50)"})
    lr: float = field(default=1e-3, metadata={"help": "Adam learning rate"})
    max_len: int = field(default=50, metadata={"help": "tokens kept per sentence"})
    min_count: int = field(default=1, metadata={"help": "vocabulary: least training count"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("1 <= embedding_dim <= 1024", ("embedding_dim",),
             lambda c: 1 <= c.embedding_dim <= 1024),
        Rule("widths are comma-separated ints in 1..max_len", ("widths", "max_len"),
             lambda c: _widths_valid(c.widths, c.max_len)),
        Rule("maps >= 1", ("maps",), lambda c: c.maps >= 1),
        Rule("0 <= dropout < 1", ("dropout",), lambda c: 0 <= c.dropout < 1),
        Rule("max_norm >= 0", ("max_norm",), lambda c: c.max_norm >= 0),
        Rule("epochs >= 1", ("epochs",), lambda c: c.epochs >= 1),
        Rule("batch >= 1", ("batch",), lambda c: c.batch >= 1),
        Rule("lr > 0", ("lr",), lambda c: c.lr > 0),
        Rule("max_len >= 1", ("max_len",), lambda c: c.max_len >= 1),
        Rule("min_count >= 1", ("min_count",), lambda c: c.min_count >= 1),
    )

    @property
    def width_list(self) -> tuple[int, ...]:
        return tuple(int(w) for w in self.widths.split(","))


def _widths_valid(widths: str, max_len: int) -> bool:
    try:
        values = [int(w) for w in widths.split(",")]
    except ValueError:
        return False
    return bool(values) and all(1 <= w <= max_len for w in values)


def text_cnn(train_sentences: Sequence[str], train_labels: ArrayLike,
             test_sentences: Sequence[str], *, config: TextCNNConfig | None = None,
             seed: int = 0) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Train Kim's CNN-rand on the training sentences; (predicted labels, test logits).

    Initialisation (as Kim's code): embeddings U[-0.25, 0.25], convolution kernels
    He-uniform, biases zero, head Glorot-uniform; all from ``SeedSequence(seed)``, which
    also draws the batch orders and the dropout masks (inverted dropout, mask passed into
    the compiled step). Deterministic given the seed on one machine and thread setting.
    """
    import tensorflow as tf

    cfg = config or TextCNNConfig()
    if not isinstance(cfg, TextCNNConfig):
        raise InvalidParameterError("config is a TextCNNConfig", type(cfg).__name__)
    train = _sentences(train_sentences, "train_sentences")
    test = _sentences(test_sentences, "test_sentences")
    y = _labels(train_labels, len(train), "train_labels")
    init_seq, train_seq = np.random.SeedSequence(_seed(seed)).spawn(2)
    init, rng = np.random.default_rng(init_seq), np.random.default_rng(train_seq)
    vocabulary = build_vocabulary(train, cfg.min_count)
    x_train = encode(train, vocabulary, cfg.max_len)
    x_test = encode(test, vocabulary, cfg.max_len)
    d, maps, widths = cfg.embedding_dim, cfg.maps, cfg.width_list
    features = maps * len(widths)

    def uniform(limit: float, shape: tuple[int, ...]) -> tf.Variable:
        return tf.Variable(init.uniform(-limit, limit, size=shape).astype(np.float32))

    embedding = uniform(0.25, (len(vocabulary), d))
    kernels = [uniform(math.sqrt(6.0 / (w * d)), (w, d, maps)) for w in widths]
    biases = [tf.Variable(np.zeros(maps, np.float32)) for _ in widths]
    head = uniform(math.sqrt(6.0 / (features + 2)), (features, 2))
    head_bias = tf.Variable(np.zeros(2, np.float32))
    variables = [embedding, *kernels, *biases, head, head_bias]
    m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    v2 = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
    t = tf.Variable(0.0, trainable=False)
    b1, b2, eps = 0.9, 0.999, 1e-8  # Kingma & Ba's defaults

    def logits(x: tf.Tensor, mask: tf.Tensor | None) -> tf.Tensor:
        e = tf.nn.embedding_lookup(embedding, x)
        pooled = [tf.reduce_max(tf.nn.relu(tf.nn.conv1d(e, k, 1, "VALID") + b), axis=1)
                  for k, b in zip(kernels, biases, strict=True)]
        h = tf.concat(pooled, axis=1)
        if mask is not None:
            h = h * mask
        return h @ head + head_bias

    spec = [tf.TensorSpec([None, cfg.max_len], tf.int32), tf.TensorSpec([None], tf.int64),
            tf.TensorSpec([None, features], tf.float32)]

    @tf.function(input_signature=spec, autograph=False)
    def step(x: tf.Tensor, labels: tf.Tensor, mask: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=labels, logits=logits(x, mask)))
        grads = tape.gradient(loss, variables)
        t.assign_add(1.0)
        for var, g, mv, vv in zip(variables, grads, m, v2, strict=True):
            g = tf.convert_to_tensor(g)
            mv.assign(b1 * mv + (1 - b1) * g)
            vv.assign(b2 * vv + (1 - b2) * g * g)
            var.assign_sub(cfg.lr * (mv / (1 - b1**t)) / (tf.sqrt(vv / (1 - b2**t)) + eps))
        if cfg.max_norm > 0:  # Kim: rescale each class's weight vector to norm <= s
            norms = tf.norm(head, axis=0, keepdims=True)
            head.assign(head * tf.minimum(1.0, cfg.max_norm / tf.maximum(norms, 1e-12)))
        return loss

    keep = 1.0 - cfg.dropout
    for _ in range(cfg.epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), cfg.batch):
            idx = order[start:start + cfg.batch]
            mask = (rng.random((len(idx), features)) < keep).astype(np.float32) / keep
            step(tf.constant(x_train[idx]), tf.constant(y[idx]), tf.constant(mask))
    predict = tf.function(lambda x: logits(x, None), autograph=False,
                          input_signature=spec[:1])
    out = np.concatenate([predict(tf.constant(x_test[b:b + 500])).numpy()
                          for b in range(0, len(test), 500)]) if test else np.zeros((0, 2))
    return out.argmax(axis=1).astype(np.int64), out.astype(float)


def text_cnn_train_and_predict(train_sentences: list[str], train_labels: NDArray[np.int64],
                               test_sentences: list[str], seed: int) -> NDArray[np.int64]:
    """:func:`text_cnn` (default config) in the ``train_and_predict`` form."""
    return text_cnn(train_sentences, train_labels, test_sentences, seed=seed)[0]


# ---------------------------------------------------------------------- folds
def in_domain_split(seed: int, test_fraction: float = 0.2
                    ) -> tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]:
    """A seeded split of all 3,000 sentences, stratified by (domain, label): per stratum
    of 500 a permutation from ``SeedSequence([seed, 1])`` puts the first
    ``round(test_fraction * 500)`` in test. Rows are (sentence, label, domain)."""
    if not 0 < test_fraction < 1:
        raise InvalidParameterError("0 < test_fraction < 1", f"test_fraction={test_fraction!r}")
    rng = np.random.default_rng(np.random.SeedSequence([_seed(seed), 1]))
    data = load_sentiment()
    train: list[tuple[str, int, str]] = []
    test: list[tuple[str, int, str]] = []
    for domain in SENTIMENT_DOMAINS:
        rows = data[domain]
        for label in (0, 1):
            members = [i for i, (_, y) in enumerate(rows) if y == label]
            order = rng.permutation(len(members))
            k = round(test_fraction * len(members))
            chosen = set(order[:k].tolist())
            for j, i in enumerate(members):
                (test if j in chosen else train).append((rows[i][0], label, domain))
    return train, test


def _checked_predictions(value: ArrayLike, n: int) -> NDArray[np.int64]:
    predicted = np.asarray(value)
    if predicted.shape != (n,) or not np.isin(predicted, (0, 1)).all():
        raise InvalidParameterError(
            "train_and_predict returns one label in {0, 1} per test sentence",
            f"shape {predicted.shape}")
    return predicted.astype(np.int64)


def cross_domain_evaluation(train_and_predict: TrainAndPredict, seeds: Sequence[int], *,
                            method: str = "", in_domain: bool = True,
                            domains: Sequence[str] = SENTIMENT_DOMAINS) -> pd.DataFrame:
    """One row per (setting, held-out domain, seed): accuracy of ``train_and_predict``.

    ``setting="cross-domain"``: trained on the two other domains (2,000 sentences), tested
    on ``held_out`` (1,000). ``setting="in-domain"`` (``held_out="all"``): trained on
    2,400 and tested on 600 sentences of :func:`in_domain_split`. Columns: method,
    setting, held_out, train_domains, seed, accuracy, n_train, n_test.
    """
    seed_list = [_seed(s) for s in seeds]
    if not seed_list:
        raise InvalidParameterError("at least one seed", "seeds=[]")
    unknown = [d for d in domains if d not in SENTIMENT_DOMAINS]
    if unknown or not domains:
        raise InvalidParameterError(f"domains is a non-empty subset of {SENTIMENT_DOMAINS}",
                                    repr(list(domains)))
    rows: list[dict[str, Any]] = []
    for held_out in domains:
        split = cross_domain_split(held_out)
        test_labels = split.test_labels
        for seed in seed_list:
            predicted = _checked_predictions(
                train_and_predict(split.train_sentences, split.train_labels,
                                  split.test_sentences, seed), len(test_labels))
            rows.append({"method": method, "setting": "cross-domain", "held_out": held_out,
                         "train_domains": "+".join(split.train_domains), "seed": seed,
                         "accuracy": float(np.mean(predicted == test_labels)),
                         "n_train": len(split.train), "n_test": len(test_labels)})
    if in_domain:
        for seed in seed_list:
            train, test = in_domain_split(seed)
            test_labels = np.array([y for _, y, _ in test], dtype=np.int64)
            predicted = _checked_predictions(
                train_and_predict([s for s, _, _ in train],
                                  np.array([y for _, y, _ in train], dtype=np.int64),
                                  [s for s, _, _ in test], seed), len(test_labels))
            rows.append({"method": method, "setting": "in-domain", "held_out": "all",
                         "train_domains": "+".join(SENTIMENT_DOMAINS), "seed": seed,
                         "accuracy": float(np.mean(predicted == test_labels)),
                         "n_train": len(train), "n_test": len(test)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- paired test
@dataclass(frozen=True)
class PairedComparison:
    """Paired comparison of method a against method b on matched (setting, held_out, seed)
    accuracies; differences are a - b (positive: a is better)."""

    n: int  # matched pairs
    n_domains: int  # distinct held-out domains among them
    mean_a: float
    mean_b: float
    mean_difference: float
    ci_low: float  # t interval of the mean difference at ``level``
    ci_high: float
    level: float
    t_statistic: float
    t_pvalue: float
    wilcoxon_statistic: float
    wilcoxon_pvalue: float
    wilcoxon_method: str  # "exact" or "approx" (ties or zero differences)
    min_attainable_p: float  # the exact two-sided Wilcoxon's smallest p at this n: 2 / 2^n
    domain_level_min_p: float  # the same with one pair per domain (2 / 2^n_domains)
    alpha: float
    can_reject: bool  # min_attainable_p <= alpha
    winner: str  # "a", "b" or "" (no rejection by the Wilcoxon test at alpha)
    note: str
    differences: tuple[float, ...] = field(repr=False)


def _records(value: pd.DataFrame | Sequence[Mapping[str, Any]], name: str) -> pd.DataFrame:
    frame = value if isinstance(value, pd.DataFrame) else pd.DataFrame(list(value))
    needed = {"setting", "held_out", "seed", "accuracy"}
    if not needed <= set(frame.columns):
        raise InvalidParameterError(f"{name} has columns {sorted(needed)}",
                                    f"columns {sorted(frame.columns)}")
    keys = frame[["setting", "held_out", "seed"]]
    if keys.duplicated().any():
        raise InvalidParameterError(f"{name} has one row per (setting, held_out, seed)",
                                    f"{int(keys.duplicated().sum())} duplicated rows")
    return frame


def paired_comparison(a_records: pd.DataFrame | Sequence[Mapping[str, Any]],
                      b_records: pd.DataFrame | Sequence[Mapping[str, Any]], *,
                      setting: str | None = "cross-domain", level: float = 0.95,
                      alpha: float = 0.05) -> PairedComparison:
    """Paired t test and Wilcoxon signed-rank test (two-sided) over the matched rows of
    ``setting`` (None: every setting) of two :func:`cross_domain_evaluation` frames.

    The pairs are (held-out domain, seed); the seeds of one domain share its test
    sentences, so they are not independent replicates of the domain effect: the note says
    so, and ``domain_level_min_p`` gives the smallest p a test over the domains alone could
    reach (0.25 for three domains: such a test cannot reject at 0.05).
    """
    from scipy import stats

    if not 0 < level < 1 or not 0 < alpha < 1:
        raise InvalidParameterError("0 < level < 1 and 0 < alpha < 1",
                                    f"level={level!r}, alpha={alpha!r}")
    a, b = _records(a_records, "a_records"), _records(b_records, "b_records")
    if setting is not None:
        a, b = a[a["setting"] == setting], b[b["setting"] == setting]
    merged = a.merge(b, on=["setting", "held_out", "seed"], suffixes=("_a", "_b"))
    n = len(merged)
    if n < 2:
        raise InvalidParameterError("at least 2 matched (setting, held_out, seed) pairs",
                                    f"{n} matched")
    d = (merged["accuracy_a"] - merged["accuracy_b"]).to_numpy(dtype=float)
    mean = float(d.mean())
    sd = float(d.std(ddof=1))
    if sd > 0:
        t_res = stats.ttest_rel(merged["accuracy_a"], merged["accuracy_b"])
        t_stat, t_p = float(t_res.statistic), float(t_res.pvalue)
        half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    else:
        t_stat = math.copysign(math.inf, mean) if mean else float("nan")
        t_p = 0.0 if mean else 1.0
        half = 0.0
    absd = np.abs(d)
    exact = bool(np.all(absd > 0) and len(np.unique(absd)) == n and n <= 50)
    if np.all(d == 0):
        w_stat, w_p, method = 0.0, 1.0, "exact"
    else:
        w_res = stats.wilcoxon(d, method="exact" if exact else "approx",
                               zero_method="wilcox")
        w_stat, w_p, method = (float(w_res.statistic), float(w_res.pvalue),
                               "exact" if exact else "approx")
    n_domains = int(merged["held_out"].nunique())
    min_p = min(1.0, 2.0 / 2.0**n)
    winner = ("a" if mean > 0 else "b") if w_p <= alpha and mean != 0 else ""
    note = (f"{n} pairs over {n_domains} held-out domain(s) x "
            f"{int(merged['seed'].nunique())} seed(s); seeds of one domain share its test "
            "set, so the pairs are not independent replicates of the domain effect "
            f"(one pair per domain: smallest exact p {min(1.0, 2.0 / 2.0**n_domains):.3g})")
    return PairedComparison(
        n, n_domains, float(merged["accuracy_a"].mean()), float(merged["accuracy_b"].mean()),
        mean, mean - half, mean + half, level, t_stat, t_p, w_stat, w_p, method, min_p,
        min(1.0, 2.0 / 2.0**n_domains), alpha, min_p <= alpha, winner, note, tuple(d.tolist()))
