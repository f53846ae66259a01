"""Weight-sharing supernets for sequences: sentences (sentiment) and time series (forecasting).

The text and series tasks of issue 18 searched in NAS-Bench-201's cell family (4 nodes, 6
edges, :class:`solvers.search_space.NB201Cell` with its ``ops`` replaced), so every solver
that searches NAS-Bench-201 cells searches these unchanged. The cells, mixed operations and
optimiser state are those of :mod:`solvers.supernet.model` (``Cell``, ``MixedOp``,
``ArchState``); this module adds the 1-D operations (registered in
:data:`solvers.supernet.ops.OP_FACTORIES`, so ``make_op`` builds them) and the two macro
skeletons.

**Operations** map a (batch, T, C) tensor to one of the same shape; each is ONE Keras layer
computing with ``tf.nn`` (see :mod:`solvers.supernet.ops` for why), convolutions are
ReLU -> conv -> BN as NAS-Bench-201's ``nor_conv`` (Dong & Yang, ICLR 2020).

* :data:`TEXT_OPS`: ``none``, ``skip_connect``; ``conv_3``, ``conv_5`` (1-D convolutions of
  widths 3 and 5 over word embeddings, "same" padding: Kim, EMNLP 2014, filter widths 3-5);
  ``dil_conv_3`` (width 3, dilation 2: Yu & Koltun, ICLR 2016); ``max_pool_3``,
  ``avg_pool_3`` (stride 1, "same"; as DARTS's pooling operations, Liu et al., ICLR 2019);
  ``gru`` (a gated recurrent unit over the sequence, Cho et al., EMNLP 2014, followed by BN).
* :data:`SERIES_OPS`: ``none``, ``skip_connect``; ``causal_conv_2``, ``causal_conv_3``,
  ``causal_dil_conv_3_d2``, ``causal_dil_conv_3_d4`` (left padding (k-1)d only, so output t
  sees inputs <= t: the temporal convolutional network of Bai, Kolter & Koltun, arXiv
  1803.01271, 2018, with dilations 1, 2, 4); ``gru`` (causal by construction); ``linear``
  (a pointwise linear map over the channels, a 1x1 convolution without nonlinearity, then
  BN, which is affine, so the operation stays linear). Causality holds in inference mode
  (moving BN statistics); in training mode batch normalisation pools its statistics over
  the batch and time, as in any batch-normalised TCN.

**Skeletons.**

* :class:`TextNetwork`: token embedding (padding index 0 embeds to zero), a linear
  projection to C channels, ``cells`` cells sharing one alpha, masked mean and max pooling
  over the real tokens, a linear two-class head (Kim 2014's max-over-time pooling with the
  mean beside it).
* :class:`SeriesNetwork`: a window of L values as input features per step -- the value
  minus the window's last value, over the training part's standard deviation, and (for a
  stationary series) the value standardised by the training mean and standard deviation --
  a linear lift to C channels, ``cells`` cells, the last time step's features through a
  linear head to the ``horizon`` future values (direct multi-horizon forecasting, Taieb &
  Hyndman 2012's "direct" strategy), plus a linear map of the window's first feature to
  the horizon (the linear forecaster of Zeng et al., AAAI 2023, "DLinear", as a skip
  around the cells). Targets are the future values minus the window's last value over the
  same standard deviation, so an all-zero output is the naive (random-walk) forecast and
  the head and skip start at zero. The loss is the mean squared error
  (:class:`SeriesArchState`).

Weights are initialised from a numpy generator (He-uniform kernels, as
:func:`solvers.supernet.model.initialise`), never from a global TensorFlow seed.
Retraining a derived cell from scratch is :func:`retrain_text` (in-domain and cross-domain
accuracy) and :func:`retrain_series` (rolling-origin forecasts on the origins of
:func:`solvers.forecasting.rolling_forecasts`).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from solvers.forecasting import RollingForecasts
from solvers.supernet.model import ArchState, Cell
from solvers.supernet.ops import OP_FACTORIES, Op
from solvers.supernet.sequence_data import (
    CONVS,
    SERIES_OPS,
    SERIES_PROTOCOLS,
    TEXT_OPS,
    SequenceCosts,
    SeriesData,
    SeriesProtocol,
    TextData,
    load_series,
    op_params,
    sequence_space,
    series_data,
    series_features,
    text_data,
)
from theory.errors import InvalidParameterError

__all__ = [
    "SERIES_OPS",
    "SERIES_PROTOCOLS",
    "TEXT_OPS",
    "RetrainedForecasts",
    "SequenceCosts",
    "SeriesArchState",
    "SeriesData",
    "SeriesNetwork",
    "SeriesProtocol",
    "TextData",
    "TextNetwork",
    "initialise_sequence",
    "measure_latency_table",
    "op_params",
    "retrain_series",
    "retrain_text",
    "sequence_space",
    "series_data",
    "text_data",
]

# ---------------------------------------------------------------------------- operations
class Conv1DUnit(Op):
    """ReLU -> 1-D convolution (width k, dilation d; "same" or causal left padding) -> BN."""

    def __init__(self, channels: int, kernel: int, dilation: int, causal: bool, affine: bool,
                 dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.kernel_size, self.dilation, self.causal = kernel, dilation, causal
        self.kernel = self._kernel((kernel, channels, channels), "kernel")
        self.bn = self._add_bn(channels, affine)

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        h = tf.nn.relu(x)
        if self.causal:
            pad = (self.kernel_size - 1) * self.dilation
            h = tf.pad(h, [[0, 0], [pad, 0], [0, 0]])
            h = tf.nn.conv1d(h, self.kernel, 1, "VALID", dilations=self.dilation)
        else:
            h = tf.nn.conv1d(h, self.kernel, 1, "SAME", dilations=self.dilation)
        return self._bn(h, self.bn, training)


class Pool1D(Op):
    """Max or average pooling of width 3, stride 1, "same" padding (the average excludes
    the padding, as DARTS's ``count_include_pad=False``)."""

    def __init__(self, kind: str, dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.kind = kind

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        if self.kind == "max":
            return tf.nn.max_pool1d(x, 3, 1, "SAME")
        return tf.nn.avg_pool1d(x, 3, 1, "SAME")


class GRUOp(Op):
    """A GRU over time (Cho et al. 2014, Keras's reset-after form) with C units, then BN.

    z_t = sig(x W_z + h U_z + b_z), r_t = sig(x W_r + h U_r + b_r),
    n_t = tanh(x W_n + r_t * (h U_n) + b_n), h_t = z_t h_{t-1} + (1 - z_t) n_t, h_0 = 0.
    The input products are computed for all steps at once; the recurrence is a ``tf.scan``.
    """

    def __init__(self, channels: int, affine: bool, dtype: str = "float32",
                 **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.channels = channels
        self.input_kernel = self._kernel((channels, 3 * channels), "input_kernel")
        self.recurrent_kernel = self._kernel((channels, 3 * channels), "recurrent_kernel")
        self.bias = self.add_weight(shape=(3 * channels,), initializer="zeros", name="bias",
                                    dtype=dtype)
        self.bn = self._add_bn(channels, affine)

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        c = self.channels
        projected = tf.einsum("btc,cd->tbd", x, self.input_kernel) + self.bias
        u = self.recurrent_kernel

        def step(h: tf.Tensor, xw: tf.Tensor) -> tf.Tensor:
            hu = h @ u
            z = tf.sigmoid(xw[:, :c] + hu[:, :c])
            r = tf.sigmoid(xw[:, c:2 * c] + hu[:, c:2 * c])
            n = tf.tanh(xw[:, 2 * c:] + r * hu[:, 2 * c:])
            return z * h + (1 - z) * n

        h0 = tf.zeros_like(x[:, 0, :])
        states = tf.scan(step, projected, initializer=h0)
        return self._bn(tf.transpose(states, [1, 0, 2]), self.bn, training)


class PointwiseLinear(Op):
    """x W over the channels at every step (a 1x1 convolution, no nonlinearity), then BN."""

    def __init__(self, channels: int, affine: bool, dtype: str = "float32",
                 **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.kernel = self._kernel((channels, channels), "kernel")
        self.bn = self._add_bn(channels, affine)

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        return self._bn(tf.einsum("btc,cd->btd", x, self.kernel), self.bn, training)


def _register() -> None:
    """Put the 1-D operations in :data:`solvers.supernet.ops.OP_FACTORIES` (names that do
    not clash with the image operations; ``none`` and ``skip_connect`` are rank-generic)."""
    def conv(k: int, d: int, causal: bool) -> Callable[[int, bool, str], Op]:
        return lambda c, affine, dtype: Conv1DUnit(c, k, d, causal, affine, dtype)

    for name, (k, d, causal) in CONVS.items():
        OP_FACTORIES[name] = conv(k, d, causal)
    OP_FACTORIES["max_pool_3"] = lambda c, affine, dtype: Pool1D("max", dtype)
    OP_FACTORIES["avg_pool_3"] = lambda c, affine, dtype: Pool1D("avg", dtype)
    OP_FACTORIES["gru"] = lambda c, affine, dtype: GRUOp(c, affine, dtype)
    OP_FACTORIES["linear"] = lambda c, affine, dtype: PointwiseLinear(c, affine, dtype)


_register()


# ---------------------------------------------------------------------------- networks
@dataclass(frozen=True)
class _NetSpec:
    """What :class:`ArchState` reads from a network's ``config`` (the dtype)."""

    dtype: str = "float32"


class _SequenceNetwork(keras.Model):
    """Cells over (batch, T, C) between a task-specific input and head."""

    family = ""

    def __init__(self, channels: int, cells: int,
                 edge_ops: Sequence[tuple[str, ...]] | None, dtype: str,
                 **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        if not 1 <= channels <= 256 or not 1 <= cells <= 8:
            raise InvalidParameterError("1 <= channels <= 256 and 1 <= cells <= 8",
                                        f"channels={channels}, cells={cells}")
        self.config = _NetSpec(dtype)
        self.space = sequence_space(self.family)
        self.supernet = edge_ops is None
        ops = [tuple(self.space.ops)] * self.space.n_edges if edge_ops is None else \
            [tuple(e) for e in edge_ops]
        if len(ops) != self.space.n_edges:
            raise InvalidParameterError(f"one operation list per edge ({self.space.n_edges})",
                                        f"{len(ops)} lists")
        unknown = sorted({o for e in ops for o in e} - set(self.space.ops))
        if unknown:
            raise InvalidParameterError(
                f"operations in {{{', '.join(self.space.ops)}}}", repr(unknown[0]))
        self.channels = channels
        self.cells = [Cell(self.space, ops, channels, (channels, channels), self.supernet,
                           not self.supernet, dtype) for _ in range(cells)]

    def _cells(self, h: tf.Tensor, weights: tf.Tensor | None,
               training: bool | None) -> tf.Tensor:
        for cell in self.cells:
            h = cell.call(h, h, weights, training=training)
        return h


class TextNetwork(_SequenceNetwork):
    """Embedding -> projection -> cells -> masked mean+max pooling -> linear (2 classes)."""

    family = "text"

    def __init__(self, vocabulary_size: int, channels: int = 8, cells: int = 1,
                 edge_ops: Sequence[tuple[str, ...]] | None = None, embed_dim: int = 32,
                 num_classes: int = 2, dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(channels, cells, edge_ops, dtype, **kwargs)
        if vocabulary_size < 3 or embed_dim < 1:
            raise InvalidParameterError("vocabulary_size >= 3 and embed_dim >= 1",
                                        f"vocabulary_size={vocabulary_size}, "
                                        f"embed_dim={embed_dim}")
        self.embedding = self.add_weight(shape=(vocabulary_size, embed_dim), name="embedding",
                                         initializer="zeros", dtype=dtype)
        self.projection = self.add_weight(shape=(embed_dim, channels), name="projection",
                                          initializer="zeros", dtype=dtype)
        self.dense = self.add_weight(shape=(2 * channels, num_classes), name="classifier",
                                     initializer="zeros", dtype=dtype)
        self.bias = self.add_weight(shape=(num_classes,), initializer="zeros", name="bias",
                                    dtype=dtype)
        self.built = True

    def features(self, x: tf.Tensor, weights: tf.Tensor | None = None,
                 training: bool | None = True, dropout: float = 0.0,
                 seed: tf.Tensor | None = None) -> tf.Tensor:
        """Masked mean and max over time of the last cell's output, (batch, 2C).
        ``dropout`` > 0 with a ``seed`` (shape (2,), int) drops embedding entries
        (stateless, so the seed fixes the mask)."""
        mask = tf.cast(tf.not_equal(x, 0), self.dtype)[:, :, None]
        e = tf.gather(self.embedding, x) * mask
        if dropout > 0 and seed is not None:
            keep = tf.random.stateless_uniform(tf.shape(e), seed, dtype=self.dtype) >= dropout
            e = tf.where(keep, e / (1 - dropout), tf.zeros_like(e))
        h = self._cells(tf.einsum("bte,ec->btc", e, self.projection), weights, training)
        count = tf.maximum(tf.reduce_sum(mask, axis=1), 1.0)
        mean = tf.reduce_sum(h * mask, axis=1) / count
        peak = tf.reduce_max(h + (mask - 1.0) * 1e9, axis=1)
        peak = tf.where(tf.reduce_sum(mask, axis=1) > 0, peak, tf.zeros_like(peak))
        return tf.concat([mean, peak], axis=-1)

    def call(self, x: tf.Tensor, weights: tf.Tensor | None = None,
             training: bool | None = True) -> tf.Tensor:
        return self.features(x, weights, training) @ self.dense + self.bias


class SeriesNetwork(_SequenceNetwork):
    """Window features -> linear lift -> cells -> last step -> linear head (+ window skip)."""

    family = "series"

    def __init__(self, window: int, horizon: int, features: int = 1, channels: int = 8,
                 cells: int = 1, edge_ops: Sequence[tuple[str, ...]] | None = None,
                 dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(channels, cells, edge_ops, dtype, **kwargs)
        if window < 2 or horizon < 1 or features not in (1, 2):
            raise InvalidParameterError("window >= 2, horizon >= 1, features in {1, 2}",
                                        f"window={window}, horizon={horizon}, "
                                        f"features={features}")
        self.window, self.horizon = window, horizon
        self.lift = self.add_weight(shape=(features, channels), name="lift",
                                    initializer="zeros", dtype=dtype)
        self.lift_bias = self.add_weight(shape=(channels,), name="lift_bias",
                                         initializer="zeros", dtype=dtype)
        self.head = self.add_weight(shape=(channels, horizon), name="head",
                                    initializer="zeros", dtype=dtype)
        self.window_skip = self.add_weight(shape=(window, horizon), name="window_skip",
                                           initializer="zeros", dtype=dtype)
        self.bias = self.add_weight(shape=(horizon,), name="bias", initializer="zeros",
                                    dtype=dtype)
        self.built = True

    def call(self, x: tf.Tensor, weights: tf.Tensor | None = None,
             training: bool | None = True) -> tf.Tensor:
        """(batch, window, features) -> (batch, horizon) standardised changes."""
        h = tf.einsum("btf,fc->btc", x, self.lift) + self.lift_bias
        h = self._cells(h, weights, training)
        return h[:, -1, :] @ self.head + x[:, :, 0] @ self.window_skip + self.bias


def initialise_sequence(network: _SequenceNetwork, rng: np.random.Generator) -> None:
    """He-uniform kernels from ``rng`` (fan-in: all but the last axis); the series head and
    window skip stay zero (the naive forecast), BN scales one, shifts and biases zero."""
    zero = {id(v) for v in (getattr(network, "head", None), getattr(network, "window_skip",
                                                                        None)) if v is not None}
    for var in network.trainable_variables:
        shape = tuple(var.shape)
        if len(shape) < 2 or id(var) in zero:
            continue
        limit = math.sqrt(6.0 / max(math.prod(shape[:-1]), 1))
        var.assign(rng.uniform(-limit, limit, size=shape).astype(network.config.dtype))


class SeriesArchState(ArchState):
    """:class:`ArchState` with the mean squared error of the forecasts as the loss."""

    def loss(self, x: tf.Tensor, y: tf.Tensor, alpha: tf.Tensor | None = None) -> tf.Tensor:
        a = self.alpha if alpha is None else alpha
        predictions = self.net.call(x, tf.nn.softmax(a, axis=-1), training=True)
        return tf.reduce_mean(tf.square(predictions - y))


# ---------------------------------------------------------------------------- costs
def _median_ms(fn: Callable[[tf.Tensor], tf.Tensor], x: tf.Tensor, repeats: int) -> float:
    fn(x)
    fn(x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _ = fn(x).numpy()
        times.append((time.perf_counter() - start) * 1e3)
    return float(statistics.median(times))


def measure_latency_table(family: str, channels: int, length: int, repeats: int = 21,
                          inner: int = 20, dtype: str = "float32") -> NDArray[np.float64]:
    """Per-operation forward latency (ms) of ``family``'s operations on this machine.

    Each operation is built alone (affine BN, inference mode) at shape (1, length,
    channels); one compiled function applies it ``inner`` times in sequence, so the
    per-call dispatch overhead is paid once per ``inner`` applications (as inside one
    network graph); after two warm-up calls it is timed ``repeats`` times and the
    **minimum** over the repeats, divided by ``inner``, is the operation's latency (the
    minimum is the estimate least disturbed by other load on a shared machine; timeit's
    rule). ``none`` and ``skip_connect`` cost 0 (no computation in the graph).
    """
    ops = sequence_space(family).ops
    x = tf.zeros((1, length, channels), dtype=dtype)
    table = np.zeros(len(ops))
    for o, name in enumerate(ops):
        if name in ("none", "skip_connect"):
            continue
        op = OP_FACTORIES[name](channels, True, dtype)

        def chain(t: tf.Tensor, op: Op = op) -> tf.Tensor:
            for _ in range(inner):
                t = op.call(t, training=False)
            return t

        fn = tf.function(chain, autograph=False)
        fn(x)
        fn(x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            _ = fn(x).numpy()
            times.append((time.perf_counter() - start) * 1e3)
        table[o] = min(times) / inner
    return table


# ---------------------------------------------------------------------------- retraining
class _Adam:
    """Adam (Kingma & Ba, ICLR 2015) with decoupled weight decay (AdamW, Loshchilov &
    Hutter, ICLR 2019) and global-norm clipping 5, over a network's trainable variables;
    ``step`` is one compiled update of ``loss_fn(x, y, seed)``."""

    def __init__(self, variables: list[Any], loss_fn: Callable[..., tf.Tensor], lr: float,
                 weight_decay: float, dtype: str) -> None:
        self.variables = variables
        self.m = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]
        self.t = tf.Variable(0.0, dtype=dtype, trainable=False)
        self.lr = tf.Variable(lr, dtype=dtype, trainable=False)
        self.decay = weight_decay
        self.loss_fn = loss_fn
        self.step = tf.function(self._step, autograph=False, reduce_retracing=True)

    def _step(self, x: tf.Tensor, y: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = self.loss_fn(x, y, seed)
        grads = tape.gradient(loss, self.variables)
        # a derived cell may leave an operation unconnected to the output (e.g. an edge
        # into a node that no edge leaves): its gradient is zero
        grads = [tf.zeros(v.shape, v.dtype) if g is None else tf.convert_to_tensor(g)
                 for v, g in zip(self.variables, grads, strict=True)]
        grads, _ = tf.clip_by_global_norm(grads, 5.0)
        self.t.assign_add(1.0)
        b1, b2 = 0.9, 0.999
        for var, g, m, v in zip(self.variables, grads, self.m, self.v, strict=True):
            m.assign(b1 * m + (1 - b1) * g)
            v.assign(b2 * v + (1 - b2) * g * g)
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            var.assign_sub(self.lr * (m_hat / (tf.sqrt(v_hat) + 1e-8) + self.decay * var))
        return loss


def _forward_latency(network: keras.Model, x: NDArray[Any], repeats: int = 15) -> float:
    """Median forward latency (ms, batch 1, compiled, inference mode) of a built network."""
    fn = tf.function(lambda t: network.call(t, None, training=False), autograph=False)
    return _median_ms(fn, tf.constant(x[:1]), repeats)


def _count(network: keras.Model) -> int:
    return int(sum(int(np.prod(v.shape)) for v in network.trainable_variables))


def _check_edge_ops(edge_ops: Sequence[Sequence[str]], family: str) -> list[tuple[str, ...]]:
    space = sequence_space(family)
    ops = [tuple(e) for e in edge_ops]
    if len(ops) != space.n_edges or any(len(e) > 1 for e in ops):
        raise InvalidParameterError(
            f"edge_ops lists at most one operation for each of the {space.n_edges} edges",
            f"{[list(e) for e in ops]}")
    bad = [o for e in ops for o in e if o not in space.ops or o == "none"]
    if bad:
        raise InvalidParameterError(
            f"derived operations in {{{', '.join(space.ops[1:])}}} (an absent edge is ())",
            repr(bad[0]))
    # drop the edges into a node that reaches the output by no edge: they compute nothing
    # that is used (and would leave weights without gradient)
    live = {3}
    for node in (2, 1):
        if any(to in live and ops[e] for e, (to, frm) in enumerate(space.edges)
               if frm == node):
            live.add(node)
    return [e_ops if to in live else () for e_ops, (to, _) in zip(ops, space.edges,
                                                                   strict=True)]


def _check_training(epochs: int, channels: int, batch: int, lr: float) -> None:
    if epochs < 1 or channels < 1 or batch < 2 or not lr > 0:
        raise InvalidParameterError("epochs >= 1, channels >= 1, batch >= 2, lr > 0",
                                    f"epochs={epochs}, channels={channels}, batch={batch}, "
                                    f"lr={lr}")


def retrain_text(edge_ops: Sequence[Sequence[str]], *, held_out: str | None,
                 channels: int = 32, epochs: int = 15, seed: int = 0, cells: int = 1,
                 embed_dim: int = 64, batch: int = 32, lr: float = 2e-3,
                 weight_decay: float = 1e-4, dropout: float = 0.3, split_seed: int = 0,
                 sizes: tuple[int, int, int] = (2000, 500, 500)) -> dict[str, Any]:
    """Train the derived text cell (``edge_ops[e]``: () or (op,)) from scratch; test accuracy.

    ``held_out`` None: the in-domain split of :func:`text_data` (train / validation / test
    of all three domains). ``held_out`` in {amazon, imdb, yelp}: trained on the other two
    domains (validation drawn from them), tested on the held-out one. Adam(W) with embedding
    dropout, ``epochs`` passes over the training sentences in a seeded order; the weights of
    the epoch with the best validation accuracy are tested (early stopping on validation,
    never on test). Returns test and validation accuracy, training seconds, parameters of
    the whole network and of the cells, the measured forward latency (ms, batch 1) and the
    epoch kept.
    """
    ops = _check_edge_ops(edge_ops, "text")
    _check_training(epochs, channels, batch, lr)
    if not 0 <= dropout < 1:
        raise InvalidParameterError("0 <= dropout < 1", f"dropout={dropout}")
    data = text_data(split_seed, sizes, held_out=held_out)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    net = TextNetwork(data.vocabulary_size, channels, cells, ops, embed_dim)
    initialise_sequence(net, rng)

    def loss_fn(x: tf.Tensor, y: tf.Tensor, s: tf.Tensor) -> tf.Tensor:
        logits = net.features(x, None, True, dropout, s) @ net.dense + net.bias
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))

    predict = tf.function(lambda x: net.call(x, None, training=False), autograph=False)

    def accuracy(x: NDArray[np.int32], y: NDArray[np.int64]) -> float:
        logits = np.concatenate([predict(tf.constant(x[b:b + 500])).numpy()
                                 for b in range(0, len(y), 500)])
        return float(np.mean(logits.argmax(axis=1) == y))

    opt = _Adam(list(net.trainable_variables), loss_fn, lr, weight_decay, "float32")
    start = time.perf_counter()
    best = (-1.0, 0, [np.array(v.numpy()) for v in net.variables])
    n = len(data.train_y)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        for b in range(0, n - batch + 1, batch):
            idx = order[b:b + batch]
            opt.step(tf.constant(data.train_x[idx]), tf.constant(data.train_y[idx]),
                     tf.constant(rng.integers(0, 2**31 - 1, 2), dtype=tf.int32))
        val = accuracy(data.val_x, data.val_y)
        if val > best[0]:
            best = (val, epoch, [np.array(v.numpy()) for v in net.variables])
    train_seconds = time.perf_counter() - start
    for var, value in zip(net.variables, best[2], strict=True):
        var.assign(value)
    cell_params = sum(op_params(o, channels) for e in ops for o in e) * cells
    return {"test_accuracy": accuracy(data.test_x, data.test_y), "val_accuracy": best[0],
            "best_epoch": best[1], "train_seconds": train_seconds, "params": _count(net),
            "cell_params": cell_params, "latency_ms": _forward_latency(net, data.test_x),
            "held_out": held_out or "", "vocabulary_size": data.vocabulary_size}


@dataclass(frozen=True)
class RetrainedForecasts(RollingForecasts):
    """:class:`~solvers.forecasting.RollingForecasts` of a retrained cell, with its cost."""

    train_seconds: float = 0.0
    params: int = 0
    latency_ms: float = 0.0
    val_rmse: float = math.nan  # standardised units, on the pre-test validation windows
    best_epoch: int = 0


def retrain_series(edge_ops: Sequence[Sequence[str]], *, series: str,
                   n_origins: int | None = None, horizon: int | None = None,
                   min_train: int | None = None, epochs: int = 60, seed: int = 0,
                   channels: int = 16, cells: int = 1, window: int | None = None,
                   batch: int = 32, lr: float = 3e-3, weight_decay: float = 1e-4,
                   naive_lag: int = 1) -> RetrainedForecasts:
    """Train the derived series cell from scratch once and forecast every rolling origin.

    The origins are exactly those of ``rolling_forecasts(series, model, n_origins, horizon,
    min_train)`` (:func:`solvers.datasets.rolling_origin_splits`, step 1), defaults from
    :data:`SERIES_PROTOCOLS`. Protocol: the network is trained **once**, on the windows
    that end before the first origin (the last ``val_windows`` of them validate: the epoch
    with the lowest validation MSE is kept), with the mean and scale of that part; at each
    origin it forecasts from the last ``window`` observed values, with no refit (the
    statistical references are refitted at every origin, which favours them). The
    ``naive_scale`` of MASE is computed on each origin's expanding training window as
    :func:`~solvers.forecasting.rolling_forecasts` does, with lag ``naive_lag``.
    """
    from solvers.datasets import rolling_origin_splits

    ops = _check_edge_ops(edge_ops, "series")
    _check_training(epochs, channels, batch, lr)
    base = SERIES_PROTOCOLS.get(series)
    if base is None:
        raise InvalidParameterError("series in {sunspots, co2}", repr(series))
    protocol = SeriesProtocol(window or base.window, horizon or base.horizon,
                              n_origins or base.n_origins, min_train or base.min_train,
                              base.season, base.level_feature, base.val_windows)
    values = load_series(series)
    splits = list(rolling_origin_splits(values, protocol.n_origins, protocol.horizon,
                                        protocol.min_train))
    if naive_lag < 1 or naive_lag >= protocol.min_train:
        raise InvalidParameterError("1 <= naive_lag < min_train", f"naive_lag={naive_lag}")
    data = series_data(series, protocol)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    features = 2 if protocol.level_feature else 1
    net = SeriesNetwork(protocol.window, protocol.horizon, features, channels, cells, ops)
    initialise_sequence(net, rng)

    def loss_fn(x: tf.Tensor, y: tf.Tensor, s: tf.Tensor) -> tf.Tensor:
        return tf.reduce_mean(tf.square(net.call(x, None, training=True) - y))

    predict = tf.function(lambda x: net.call(x, None, training=False), autograph=False)
    opt = _Adam(list(net.trainable_variables), loss_fn, lr, weight_decay, "float32")
    zero_seed = tf.zeros(2, dtype=tf.int32)
    start = time.perf_counter()
    best = (math.inf, 0, [np.array(v.numpy()) for v in net.variables])
    n = len(data.train_y)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        for b in range(0, n - batch + 1, batch):
            idx = order[b:b + batch]
            opt.step(tf.constant(data.train_x[idx]), tf.constant(data.train_y[idx]), zero_seed)
        mse = float(np.mean((predict(tf.constant(data.val_x)).numpy() - data.val_y) ** 2))
        if mse < best[0]:
            best = (mse, epoch, [np.array(v.numpy()) for v in net.variables])
    train_seconds = time.perf_counter() - start
    for var, value in zip(net.variables, best[2], strict=True):
        var.assign(value)
    origins = np.array([int(test[0]) for _, test in splits], dtype=np.int64)
    x = series_features(values, origins, protocol.window, data.mean, data.scale,
                  protocol.level_feature)
    change = predict(tf.constant(x)).numpy().astype(float) * data.scale
    forecasts = values[origins - 1][:, None] + change
    actual = np.array([values[test] for _, test in splits])
    scales = np.array([float(np.mean(np.abs(values[train][naive_lag:]
                                            - values[train][:-naive_lag])))
                       for train, _ in splits])
    return RetrainedForecasts("cell", forecasts, actual, scales, origins,
                              train_seconds=train_seconds, params=_count(net),
                              latency_ms=_forward_latency(net, x), val_rmse=math.sqrt(best[0]),
                              best_epoch=best[1])
