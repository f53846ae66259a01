"""Search spaces and data of the sequence supernets, without TensorFlow: the operation sets
(sources in :mod:`solvers.supernet.sequence`), their parameter counts, the encoded
sentiment splits and the windows of the forecasting series before their rolling-origin
test part.

* :func:`text_data` -- UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015): a seeded
  split of all 3,000 sentences stratified by (domain, label), or the cross-domain protocol
  (train on two domains, test on the third); vocabulary from the training sentences only
  (:func:`solvers.datasets.build_vocabulary`, min_count 2), sentences encoded to 32 tokens.
* :data:`SERIES_PROTOCOLS` and :func:`series_data` -- per series the window, horizon and
  rolling origins (:func:`solvers.datasets.rolling_origin_splits`), and the training and
  validation windows that lie before the first origin (nothing after it is read). Inputs
  are level-relative: a window minus its last value, over the pre-test part's standard
  deviation (and, for a stationary series, the standardised level as a second feature);
  targets are the future values minus the window's last value over the same deviation.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from solvers.search_space import NB201Cell
from theory.errors import InvalidParameterError

__all__ = [
    "CONVS",
    "SERIES_OPS",
    "SERIES_PROTOCOLS",
    "TEXT_OPS",
    "SeriesData",
    "SeriesProtocol",
    "TextData",
    "load_series",
    "naive_val_rmse",
    "op_params",
    "params_table",
    "sequence_space",
    "series_data",
    "series_features",
    "text_data",
]


@dataclass(frozen=True)
class TextData:
    """Encoded sentences (N, max_len) int32 and labels (N,) of train / validation / test."""

    train_x: NDArray[np.int32]
    train_y: NDArray[np.int64]
    val_x: NDArray[np.int32]
    val_y: NDArray[np.int64]
    test_x: NDArray[np.int32]
    test_y: NDArray[np.int64]
    vocabulary_size: int

    def describe(self) -> str:
        return (f"{len(self.train_y)} train / {len(self.val_y)} validation / "
                f"{len(self.test_y)} test sentences, vocabulary {self.vocabulary_size}")


TEXT_OPS = ("none", "skip_connect", "conv_3", "conv_5", "dil_conv_3", "max_pool_3",
            "avg_pool_3", "gru")
SERIES_OPS = ("none", "skip_connect", "causal_conv_2", "causal_conv_3", "causal_dil_conv_3_d2",
              "causal_dil_conv_3_d4", "gru", "linear")
#: (kernel, dilation, causal) of each convolution
CONVS: dict[str, tuple[int, int, bool]] = {
    "conv_3": (3, 1, False), "conv_5": (5, 1, False), "dil_conv_3": (3, 2, False),
    "causal_conv_2": (2, 1, True), "causal_conv_3": (3, 1, True),
    "causal_dil_conv_3_d2": (3, 2, True), "causal_dil_conv_3_d4": (3, 4, True)}
_FAMILIES = {"text": TEXT_OPS, "series": SERIES_OPS}



def op_params(name: str, channels: int) -> int:
    """Trainable parameters of one operation at C channels (BN scale and shift included,
    as in the derived network; analytic, checked against the built layers in the tests)."""
    c = channels
    if name in ("none", "skip_connect", "max_pool_3", "avg_pool_3"):
        return 0
    if name in CONVS:
        return CONVS[name][0] * c * c + 2 * c
    if name == "gru":
        return 6 * c * c + 3 * c + 2 * c
    if name == "linear":
        return c * c + 2 * c
    raise InvalidParameterError(
        f"operation in {{{', '.join(dict.fromkeys(TEXT_OPS + SERIES_OPS))}}}", repr(name))


def sequence_space(family: str) -> NB201Cell:
    """NAS-Bench-201's 4-node, 6-edge cell over the ``family``'s operations."""
    if family not in _FAMILIES:
        raise InvalidParameterError("family in {text, series}", repr(family))
    space = NB201Cell()
    space.ops = _FAMILIES[family]
    return space



def params_table(family: str, channels: int) -> NDArray[np.float64]:
    """Thousands of parameters of each of ``family``'s operations at ``channels``."""
    return np.array([op_params(o, channels) / 1e3 for o in sequence_space(family).ops])


def _stratified(groups: NDArray[np.int64], sizes: Sequence[int], rng: np.random.Generator
                ) -> list[NDArray[np.int64]]:
    """Split row indices into consecutive parts of exactly ``sizes`` rows, each group
    spread evenly: the rows of each group, permuted, get the positions (i + 1/2) / n_g in
    [0, 1]; all rows sorted by position (ties by a random key) are cut into the parts, so
    each part holds every group's share up to one row. The rows of a part are shuffled."""
    total = len(groups)
    if sum(sizes) > total or min(sizes) < 1:
        raise InvalidParameterError("each split >= 1 and their sum <= the rows",
                                    f"sizes={list(sizes)}, rows={total}")
    position = np.empty(total)
    for g in np.unique(groups):
        rows = rng.permutation(np.flatnonzero(groups == g))
        position[rows] = (np.arange(len(rows)) + 0.5) / len(rows)
    order = np.lexsort((rng.random(total), position))
    cuts = np.cumsum([0, *sizes])
    return [rng.permutation(order[a:b]) for a, b in itertools.pairwise(cuts)]


def text_data(split_seed: int = 0, sizes: tuple[int, int, int] = (2000, 500, 500), *,
              held_out: str | None = None, cross_val: int = 300, max_len: int = 32,
              min_count: int = 2) -> TextData:
    """The sentiment sentences, encoded (vocabulary from the training sentences only).

    ``held_out`` None: a seeded split of all 3,000 sentences into ``sizes`` (train,
    validation, test), stratified by (domain, label). ``held_out`` a domain: train and
    validation a seeded (domain, label)-stratified split of the other two domains'
    2,000 sentences (``cross_val`` of them validation), test the held-out domain's 1,000
    (:func:`solvers.datasets.cross_domain_split`).
    """
    from solvers.datasets import (
        SENTIMENT_DOMAINS,
        build_vocabulary,
        cross_domain_split,
        encode,
        load_sentiment,
    )

    rng = np.random.default_rng(np.random.SeedSequence(split_seed))
    if held_out is None:
        domains = load_sentiment()
        rows = [(s, y, d) for d, pairs in domains.items() for s, y in pairs]
        groups = np.array([SENTIMENT_DOMAINS.index(d) * 2 + y for _, y, d in rows])
        train, val, test = _stratified(groups, sizes, rng)
        sentences = [s for s, _, _ in rows]
        labels = np.array([y for _, y, _ in rows], dtype=np.int64)
        parts = [([sentences[i] for i in idx], labels[idx]) for idx in (train, val, test)]
    else:
        split = cross_domain_split(held_out)
        sentences = split.train_sentences
        labels = split.train_labels
        groups = np.array([SENTIMENT_DOMAINS.index(d) * 2 + int(y)
                           for d in split.train_domains for y in
                           [label for _, label in load_sentiment()[d]]])
        n_val = cross_val
        train, val = _stratified(groups, (len(labels) - n_val, n_val), rng)
        parts = [([sentences[i] for i in train], labels[train]),
                 ([sentences[i] for i in val], labels[val]),
                 (split.test_sentences, split.test_labels)]
    vocabulary = build_vocabulary(parts[0][0], min_count)
    encoded = [encode(s, vocabulary, max_len) for s, _ in parts]
    return TextData(encoded[0], parts[0][1], encoded[1], parts[1][1], encoded[2], parts[2][1],
                    len(vocabulary))


@dataclass(frozen=True)
class SeriesProtocol:
    """The rolling-origin protocol of one series: the window L the network reads, the
    forecast horizon, the origins (as :func:`solvers.forecasting.rolling_forecasts` takes
    them), the season length for MASE and Holt-Winters, whether the standardised level is
    an input feature (a stationary series) and how many of the last pre-test windows
    validate."""

    window: int
    horizon: int
    n_origins: int
    min_train: int
    season: int
    level_feature: bool
    val_windows: int


#: sunspots: yearly, an 11-year cycle: a 22-year window (two cycles), 5 years ahead, the
#: last 30 years as origins (min_train 200 as tests/test_forecasting.py); co2: weekly with a
#: 52-week season and a trend: a 2-year window, 13 weeks (a quarter) ahead, 30 origins.
SERIES_PROTOCOLS: dict[str, SeriesProtocol] = {
    "sunspots": SeriesProtocol(window=22, horizon=5, n_origins=30, min_train=200, season=11,
                               level_feature=True, val_windows=40),
    "co2": SeriesProtocol(window=104, horizon=13, n_origins=30, min_train=1000, season=52,
                          level_feature=False, val_windows=200),
}


def load_series(name: str) -> NDArray[np.float64]:
    from solvers.datasets import load_co2, load_sunspots

    if name not in SERIES_PROTOCOLS:
        raise InvalidParameterError("series in {sunspots, co2}", repr(name))
    return np.asarray(load_sunspots() if name == "sunspots" else load_co2(), dtype=float)


@dataclass(frozen=True)
class SeriesData:
    """Windows (N, L, features) float32 and standardised targets (N, horizon) before the
    first test origin; ``mean``/``scale`` are the training part's mean and deviation."""

    train_x: NDArray[np.float32]
    train_y: NDArray[np.float32]
    val_x: NDArray[np.float32]
    val_y: NDArray[np.float32]
    mean: float
    scale: float
    first_origin: int

    def describe(self) -> str:
        return (f"{len(self.train_y)} train / {len(self.val_y)} validation windows before "
                f"the first test origin {self.first_origin}")


def series_features(values: NDArray[np.float64], ends: NDArray[np.int64], window: int, mean: float,
              scale: float, level: bool) -> NDArray[np.float32]:
    """Input features of the windows ending just before each of ``ends``."""
    idx = ends[:, None] - window + np.arange(window)[None, :]
    w = values[idx]
    feats = [(w - w[:, -1:]) / scale]
    if level:
        feats.append((w - mean) / scale)
    return np.stack(feats, axis=-1).astype(np.float32)


def _windows(values: NDArray[np.float64], window: int, horizon: int, start: int, stop: int,
             mean: float, scale: float, level: bool
             ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Windows whose first forecast index t runs over start..stop-1 (targets t..t+h-1)."""
    ends = np.arange(start, stop)
    x = series_features(values, ends, window, mean, scale, level)
    future = values[ends[:, None] + np.arange(horizon)[None, :]]
    y = (future - values[ends - 1][:, None]) / scale
    return x, y.astype(np.float32)


def series_data(name: str, protocol: SeriesProtocol | None = None) -> SeriesData:
    """Training and validation windows of ``name`` before its first rolling-origin test
    index (nothing after it is read). Validation: the windows whose forecasts start in the
    last ``val_windows`` positions before the origin; training: the windows whose whole
    target lies before the first validation forecast (no overlap)."""
    p = SERIES_PROTOCOLS[name] if protocol is None else protocol
    values = load_series(name)
    first = len(values) - p.horizon - (p.n_origins - 1)
    v0 = first - p.horizon + 1 - p.val_windows
    if v0 - p.horizon < p.window + 10:
        raise InvalidParameterError("window + horizon + val_windows + 10 training windows "
                                    "fit before the first origin",
                                    f"window={p.window}, horizon={p.horizon}, "
                                    f"val_windows={p.val_windows}, first origin {first}")
    part = values[:first]
    mean, scale = float(part.mean()), float(part.std())
    tx, ty = _windows(values, p.window, p.horizon, p.window, v0 - p.horizon + 1, mean, scale,
                      p.level_feature)
    vx, vy = _windows(values, p.window, p.horizon, v0, first - p.horizon + 1, mean, scale,
                      p.level_feature)
    return SeriesData(tx, ty, vx, vy, mean, scale, first)


def naive_val_rmse(name: str, protocol: SeriesProtocol | None = None) -> float:
    """RMSE (standardised units) of the naive forecast (no change) on the validation
    windows: the one-shot error of a network that outputs zero."""
    data = series_data(name, protocol)
    return float(np.sqrt(np.mean(np.square(data.val_y.astype(float)))))


@dataclass(frozen=True)
class SequenceCosts:
    """Per-operation latency (ms) and parameters (thousands) of one cell's edges; a cell
    costs the sum over its edges, times the number of cells. Expected costs under
    softmax(alpha) and their gradients w_eo (c_o - sum_o' w_eo' c_o') are exact."""

    ops: tuple[str, ...]
    latency_ms: NDArray[np.float64]  # (ops,)
    kparams: NDArray[np.float64]  # (ops,)
    cells: int

    def _expected(self, table: NDArray[np.float64], alpha: NDArray[np.float64]
                  ) -> tuple[float, NDArray[np.float64]]:
        a = np.asarray(alpha, dtype=float)
        w = np.exp(a - a.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        per_op = table * self.cells
        value = float(np.sum(w * per_op[None, :]))
        mean = (w * per_op[None, :]).sum(axis=1, keepdims=True)
        return value, w * (per_op[None, :] - mean)

    def expected_latency(self, alpha: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        return self._expected(self.latency_ms, alpha)

    def expected_kparams(self, alpha: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        return self._expected(self.kparams, alpha)

    def discrete(self, edge_ops: Sequence[tuple[str, ...]]) -> tuple[float, float]:
        """(latency ms, thousands of parameters) of a discrete cell."""
        index = [self.ops.index(o) for ops in edge_ops for o in ops]
        return (float(self.latency_ms[index].sum()) * self.cells,
                float(self.kparams[index].sum()) * self.cells)

    def worst(self) -> tuple[float, float]:
        """The largest latency and parameter count any cell can have."""
        n_edges = 6
        return (float(self.latency_ms.max()) * n_edges * self.cells,
                float(self.kparams.max()) * n_edges * self.cells)
