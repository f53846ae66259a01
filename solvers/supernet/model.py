"""The supernet: mixed operations, search cells, the macro skeleton, the derived network.

* A **mixed operation** on edge e computes sum_o softmax(alpha)[e, o] * op_o(x) (Liu et
  al., ICLR 2019, eq. 2); ``none`` contributes zero and is not computed.
* A **cell** is either NAS-Bench-201's (node 0 is the input, node i sums edges i<-j, the
  output is node 3) or DARTS's (two preprocessed inputs, ``k`` intermediate nodes summing
  an edge from every predecessor, output the concatenation of the intermediate nodes).
  The same class builds the discrete cell, where each edge holds one operation or none.
* The **macro skeleton** (small, for 28x28x1 digits): a 3x3 stem convolution (stride
  ``stem_stride``), ``stages`` stages of ``cells_per_stage`` cells at C, 2C, ... channels,
  a NAS-Bench-201 residual reduction block (stride 2) between stages, then BN-ReLU, global
  average pooling and a linear classifier. One alpha is shared by every cell, as DARTS
  shares one alpha among its normal cells. Reduction cells are not searched.
* **Optimisers** as in DARTS's code: weights by SGD with momentum 0.9, weight decay 3e-4
  and gradient-norm clipping 5 (PyTorch's rule: decay added to the gradient, then
  momentum); alpha by Adam with betas (0.5, 0.999) and weight decay 1e-3.
* **Data:** :func:`mnist_split` splits the 5,000 digits by a seeded, class-stratified
  permutation into train (weights), validation (alpha) and a held-out test split.

Weights are initialised from a numpy generator (He-uniform kernels), never from a global
TensorFlow seed, so a run seed fixes the network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from solvers.config import Config, Rule, choices
from solvers.search_space import DARTS_OPS, NB201_OPS, CellSpace, DartsCell, NB201Cell
from solvers.supernet.ops import ConvUnit, Op, make_op
from theory.errors import InvalidParameterError

__all__ = [
    "ArchState",
    "Cell",
    "DataSplit",
    "NetConfig",
    "Network",
    "cell_space",
    "discrete_edge_ops",
    "initialise",
    "mnist_split",
    "pneumonia_split",
]


# ---------------------------------------------------------------------------- config
@dataclass(frozen=True)
class NetConfig(Config):
    cell: str = field(default="darts", metadata={"help": "cell family: darts or nb201"})
    channels: int = field(default=8, metadata={"help": "channels C of the first stage"})
    stages: int = field(default=2, metadata={"help": "stages (reduction between them)"})
    cells_per_stage: int = field(default=1, metadata={"help": "cells per stage"})
    intermediate_nodes: int = field(default=2, metadata={
        "help": "DARTS cell: intermediate nodes k (edges k(k+3)/2)"})
    ops: str = field(default="", metadata={
        "help": "comma-separated operation subset ('' = the family's full set)"})
    stem_stride: int = field(default=2, metadata={"help": "stride of the stem convolution"})
    dtype: str = field(default="float32", metadata={"help": "float32 or float64"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        choices("cell", ("darts", "nb201")),
        Rule("1 <= channels <= 256", ("channels",), lambda c: 1 <= c.channels <= 256),
        Rule("1 <= stages <= 4", ("stages",), lambda c: 1 <= c.stages <= 4),
        Rule("1 <= cells_per_stage <= 8", ("cells_per_stage",),
             lambda c: 1 <= c.cells_per_stage <= 8),
        Rule("1 <= intermediate_nodes <= 4", ("intermediate_nodes",),
             lambda c: 1 <= c.intermediate_nodes <= 4),
        Rule("stem_stride in {1, 2}", ("stem_stride",), lambda c: c.stem_stride in (1, 2)),
        choices("dtype", ("float32", "float64")),
        Rule("ops is a subset of the family's operations starting with 'none' (DARTS)",
             ("cell", "ops"), lambda c: _ops_valid(c.cell, c.ops)),
    )

    @property
    def op_names(self) -> tuple[str, ...]:
        full = DARTS_OPS if self.cell == "darts" else NB201_OPS
        if not self.ops:
            return full
        return tuple(name.strip() for name in self.ops.split(","))


def _ops_valid(cell: str, ops: str) -> bool:
    if not ops:
        return True
    full = DARTS_OPS if cell == "darts" else NB201_OPS
    names = [n.strip() for n in ops.split(",")]
    if len(set(names)) != len(names) or len(names) < 2 or not set(names) <= set(full):
        return False
    return cell != "darts" or names[0] == "none"


def cell_space(config: NetConfig) -> CellSpace:
    """The :mod:`solvers.search_space` cell family the network is built over."""
    if config.cell == "nb201":
        if config.ops and config.op_names != NB201_OPS:
            space = NB201Cell()
            space.ops = config.op_names
            return space
        return NB201Cell()
    return DartsCell(config.intermediate_nodes, config.op_names)


def discrete_edge_ops(space: CellSpace, alpha_or_cell: NDArray[np.float64] | Sequence[int]
                      ) -> list[tuple[str, ...]]:
    """Per edge, the operations the discrete cell keeps (empty tuple: edge absent).

    NAS-Bench-201: the argmax operation of each edge (``none`` drops the edge).
    DARTS: ``DartsCell.derive`` (two strongest non-zero inputs per node) from alpha, or a
    cell given as operation indices (index 0 ``none`` drops the edge).
    """
    array = np.asarray(alpha_or_cell)
    if array.ndim == 2:
        if isinstance(space, DartsCell):
            keep: list[tuple[str, ...]] = [() for _ in space.edges]
            for j, node in enumerate(space.derive(array.astype(float))):
                for op, source in node:
                    keep[space.edges.index((2 + j, source))] = (op,)
            return keep
        cell = space.from_alpha(array.astype(float))
    else:
        cell = space.validate(array.tolist())
    return [() if space.ops[i] == "none" else (space.ops[i],) for i in cell]


# ---------------------------------------------------------------------------- layers
# Sub-layers are invoked through ``.call`` (their weights exist from construction), which
# skips Keras 3's per-call bookkeeping; see the note in :mod:`solvers.supernet.ops`.
class MixedOp(Op):
    """sum_o w_o op_o(x) over the edge's candidate operations (``none`` skipped)."""

    def __init__(self, names: tuple[str, ...], channels: int, affine: bool, pool_bn: bool,
                 dtype: str, **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.names = names
        self.ops = [make_op(n, channels, affine, pool_bn=pool_bn, dtype=dtype) for n in names]
        #: when a list (eager only), the element count of every candidate output is appended
        self.recorded: list[int] | None = None

    def call(self, x: tf.Tensor, weights: tf.Tensor | None = None,
             training: bool | None = None) -> tf.Tensor:
        if weights is None:  # a discrete edge: one operation
            return self.ops[0].call(x, training=training)
        total = None
        for i, (name, op) in enumerate(zip(self.names, self.ops, strict=True)):
            if name == "none":
                continue
            out = op.call(x, training=training)
            if self.recorded is not None:
                self.recorded.append(int(tf.size(out)))
            term = weights[i] * out
            total = term if total is None else total + term
        return tf.zeros_like(x) if total is None else total


class Cell(Op):
    """One cell of either family; ``edge_ops[e]`` lists edge e's operations.

    ``supernet=True``: every edge is a mixed operation over all candidates (``call`` takes
    the (edges, ops) weights). Otherwise each edge has at most one operation.
    """

    def __init__(self, space: CellSpace, edge_ops: Sequence[tuple[str, ...]], channels: int,
                 in_channels: tuple[int, int], supernet: bool, affine: bool, dtype: str,
                 **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.darts = isinstance(space, DartsCell)
        self.space_edges = space.edges
        self.supernet = supernet
        self.channels = channels
        pool_bn = self.darts and supernet
        self.edges = [MixedOp(tuple(ops), channels, affine, pool_bn, dtype) if ops else None
                      for ops in edge_ops]
        self.n_nodes = (space.k + 2) if isinstance(space, DartsCell) else 4
        if self.darts:
            self.pre0 = ConvUnit(in_channels[0], channels, 1, affine, dtype=dtype)
            self.pre1 = ConvUnit(in_channels[1], channels, 1, affine, dtype=dtype)
            self.out_channels = channels * (self.n_nodes - 2)
        else:
            self.out_channels = channels

    def call(self, s0: tf.Tensor, s1: tf.Tensor, weights: tf.Tensor | None = None,
             training: bool | None = None) -> tf.Tensor:
        if self.darts:
            states = [self.pre0.call(s0, training=training),
                      self.pre1.call(s1, training=training)]
            first = 2
        else:
            states = [s1]
            first = 1
        for node in range(first, self.n_nodes):
            total = None
            for e, (to, frm) in enumerate(self.space_edges):
                layer = self.edges[e]
                if to != node or layer is None:
                    continue
                w = None if weights is None else weights[e]
                term = layer.call(states[frm], w, training=training)
                total = term if total is None else total + term
            states.append(tf.zeros_like(states[-1]) if total is None else total)
        if self.darts:
            return tf.concat(states[2:], axis=-1)
        return states[-1]


class ResidualReduction(Op):
    """NAS-Bench-201's ResNet basic block with stride 2 (between stages)."""

    def __init__(self, in_channels: int, channels: int, dtype: str, **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.a = ConvUnit(in_channels, channels, 3, True, stride=2, dtype=dtype)
        self.b = ConvUnit(channels, channels, 3, True, dtype=dtype)
        self.shortcut = self._kernel((1, 1, in_channels, channels), "shortcut")

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        short = tf.nn.conv2d(tf.nn.avg_pool2d(x, 2, 2, "VALID"), self.shortcut, 1, "SAME")
        return self.b.call(self.a.call(x, training=training), training=training) + short


class StemAndHead(Op):
    """The stem (3x3 conv, stride s, BN) and the head (BN-ReLU, average pool, linear)."""

    def __init__(self, in_channels: int, channels: int, stride: int, last_channels: int,
                 num_classes: int, dtype: str, **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.stride = stride
        self.stem_kernel = self._kernel((3, 3, in_channels, channels), "stem")
        self.stem_bn = self._add_bn(channels, True)
        self.last_bn = self._add_bn(last_channels, True)
        self.dense = self._kernel((last_channels, num_classes), "classifier")
        self.bias = self.add_weight(shape=(num_classes,), initializer="zeros", name="bias",
                                    dtype=dtype)

    def stem(self, x: tf.Tensor, training: bool | None) -> tf.Tensor:
        h = tf.nn.conv2d(x, self.stem_kernel, self.stride, "SAME")
        return self._bn(h, self.stem_bn, training)

    def features(self, h: tf.Tensor, training: bool | None) -> tf.Tensor:
        return tf.reduce_mean(tf.nn.relu(self._bn(h, self.last_bn, training)), axis=[1, 2])

    def head(self, features: tf.Tensor) -> tf.Tensor:
        return features @ self.dense + self.bias

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        raise NotImplementedError("StemAndHead is driven by Network")


class Network(keras.Model):
    """The macro skeleton around search cells (``edge_ops=None``) or a discrete cell."""

    def __init__(self, config: NetConfig, edge_ops: Sequence[tuple[str, ...]] | None = None,
                 num_classes: int = 10, input_channels: int = 1, **kwargs: Any) -> None:
        super().__init__(dtype=config.dtype, **kwargs)
        self.config = config
        self.space = cell_space(config)
        supernet = edge_ops is None
        self.supernet = supernet
        ops = [tuple(self.space.ops)] * self.space.n_edges if edge_ops is None else edge_ops
        if len(ops) != self.space.n_edges:
            raise InvalidParameterError(f"one operation list per edge ({self.space.n_edges})",
                                        f"{len(ops)} lists")
        dtype = config.dtype
        c = config.channels
        affine = not supernet
        self.blocks: list[tuple[str, Op]] = []
        prev_prev = prev = c
        for stage in range(config.stages):
            channels = c * 2**stage
            if stage > 0:
                self.blocks.append(("reduce", ResidualReduction(prev, channels, dtype)))
                prev_prev = prev = channels
            for _ in range(config.cells_per_stage):
                cell = Cell(self.space, ops, channels, (prev_prev, prev), supernet, affine,
                            dtype)
                self.blocks.append(("cell", cell))
                prev_prev, prev = prev, cell.out_channels
        self.ends = StemAndHead(input_channels, c, config.stem_stride, prev, num_classes,
                                dtype)
        self.built = True

    def features(self, x: tf.Tensor, weights: tf.Tensor | None = None,
                 training: bool | None = True) -> tf.Tensor:
        """The pooled features in front of the linear classifier."""
        h = self.ends.stem(x, training)
        s0 = s1 = h
        for kind, block in self.blocks:
            if kind == "reduce":
                s0 = s1 = block.call(s1, training=training)
            else:
                s0, s1 = s1, block.call(s0, s1, weights, training=training)
        return self.ends.features(s1, training)

    def call(self, x: tf.Tensor, weights: tf.Tensor | None = None,
             training: bool | None = True) -> tf.Tensor:
        return self.ends.head(self.features(x, weights, training))

    @property
    def head_variables(self) -> list[Any]:
        """The linear classifier (kernel, bias): the inner variable of the head-only
        bilevel configuration (strongly convex with a ridge term)."""
        return [self.ends.dense, self.ends.bias]


def initialise(network: Network, rng: np.random.Generator) -> None:
    """Draw every kernel He-uniform from ``rng`` (no global seed); the rest is constant."""
    for var in network.trainable_variables:
        shape = tuple(var.shape)
        if len(shape) < 2:
            continue  # BN scale/shift and biases keep their constant initial values
        fan_in = math.prod(shape[:-1]) if len(shape) == 2 else math.prod(shape[:-2]) * (
            shape[-2] if "depthwise" not in var.path else 1)
        limit = math.sqrt(6.0 / max(fan_in, 1))
        var.assign(rng.uniform(-limit, limit, size=shape).astype(network.config.dtype))


def weight_variables(network: Network) -> list[Any]:
    return list(network.trainable_variables)


# ---------------------------------------------------------------------------- data
@dataclass(frozen=True)
class DataSplit:
    """Arrays of one split of MNIST5k: images (N, 28, 28, 1) float and labels (N,)."""

    train_x: NDArray[np.float32]
    train_y: NDArray[np.int64]
    val_x: NDArray[np.float32]
    val_y: NDArray[np.int64]
    test_x: NDArray[np.float32]
    test_y: NDArray[np.int64]

    def describe(self) -> str:
        return (f"{len(self.train_y)} train (weights) / {len(self.val_y)} validation (alpha) "
                f"/ {len(self.test_y)} held-out test, stratified by class")


def pneumonia_split() -> DataSplit:
    """PneumoniaMNIST's official MedMNIST v2 split (train 4,708 / val 524 / test 624, 28x28
    grayscale, label 1 = pneumonia): train for the weights, validation for alpha and the
    one-shot error, test held out (``solvers.datasets.load_pneumonia``). No seed: the split
    is the data set's own."""
    from solvers.datasets import load_pneumonia

    data = load_pneumonia()
    return DataSplit(np.asarray(data.train_images), np.asarray(data.train_labels),
                     np.asarray(data.val_images), np.asarray(data.val_labels),
                     np.asarray(data.test_images), np.asarray(data.test_labels))


def mnist_split(split_seed: int = 0, n_test: int = 1000, n_val: int = 2000,
                n_train: int = 2000) -> DataSplit:
    """A seeded class-stratified split of the 5,000 MNIST digits (500 per class).

    Per class, a permutation drawn from ``SeedSequence(split_seed)`` puts the first
    n_test/10 digits in test, the next n_val/10 in validation, the next n_train/10 in
    train. The rows of the file are sorted by class, so a plain slice would not do.
    """
    from solvers.datasets import load_mnist5k

    if n_test % 10 or n_val % 10 or n_train % 10:
        raise InvalidParameterError("split sizes are multiples of 10 (stratified)",
                                    f"n_test={n_test}, n_val={n_val}, n_train={n_train}")
    if n_test + n_val + n_train > 5000 or min(n_test, n_val, n_train) < 10:
        raise InvalidParameterError("10 <= each split and n_test + n_val + n_train <= 5000",
                                    f"n_test={n_test}, n_val={n_val}, n_train={n_train}")
    images, labels = load_mnist5k()
    rng = np.random.default_rng(np.random.SeedSequence(split_seed))
    parts: dict[str, list[NDArray[np.int64]]] = {"test": [], "val": [], "train": []}
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        a, b = n_test // 10, (n_test + n_val) // 10
        c = (n_test + n_val + n_train) // 10
        parts["test"].append(rows[:a])
        parts["val"].append(rows[a:b])
        parts["train"].append(rows[b:c])
    index = {k: rng.permutation(np.concatenate(v)) for k, v in parts.items()}
    x = images[..., None]
    return DataSplit(x[index["train"]], labels[index["train"]], x[index["val"]],
                     labels[index["val"]], x[index["test"]], labels[index["test"]])


# ---------------------------------------------------------------------------- state
class ArchState:
    """A supernet with its architecture logits and both optimisers' state.

    ``alpha`` is a variable of shape (edges, ops); :meth:`loss` is the cross-entropy of
    the network under softmax(alpha). ``weight_step`` and ``alpha_step`` are the compiled
    updates (SGD-momentum on weights, Adam on alpha).
    """

    def __init__(self, network: Network, alpha0: NDArray[np.float64], *, w_lr: float = 0.025,
                 w_momentum: float = 0.9, w_decay: float = 3e-4, grad_clip: float = 5.0,
                 a_lr: float = 3e-4, a_betas: tuple[float, float] = (0.5, 0.999),
                 a_decay: float = 1e-3, jit: bool | None = None,
                 compiled: bool = True) -> None:
        self.net = network
        dtype = network.config.dtype
        self.dtype = dtype
        self.alpha = tf.Variable(np.asarray(alpha0, dtype=dtype), name="alpha")
        self.weights = weight_variables(network)
        self.w_lr = tf.Variable(w_lr, dtype=dtype, trainable=False)
        self.w_momentum, self.w_decay, self.grad_clip = w_momentum, w_decay, grad_clip
        self.a_lr, self.a_betas, self.a_decay = a_lr, a_betas, a_decay
        self.momentum = [tf.Variable(tf.zeros_like(w), trainable=False) for w in self.weights]
        self.adam_m = tf.Variable(tf.zeros_like(self.alpha), trainable=False)
        self.adam_v = tf.Variable(tf.zeros_like(self.alpha), trainable=False)
        self.adam_t = tf.Variable(0.0, dtype=dtype, trainable=False)
        wrap = (lambda f: tf.function(f, jit_compile=jit, reduce_retracing=True, autograph=False)) \
            if compiled else (lambda f: f)
        self.weight_step = wrap(self._weight_step)
        self.alpha_step = wrap(self._alpha_step)
        self.loss_and_grads = wrap(self._loss_and_grads)
        self.eval_logits = wrap(self._eval_logits)
        self._shift_compiled = wrap(self._shift_weights)
        self._copy_compiled = wrap(self._copy_weights)
        self._set_compiled = wrap(self._set_weights)

    # -- weight algebra in one graph call each (eager per-variable ops dominate otherwise)
    def _shift_weights(self, direction: list[tf.Tensor], scale: tf.Tensor) -> tf.Tensor:
        for w, d in zip(self.weights, direction, strict=True):
            w.assign_add(scale * d)
        return scale

    def _copy_weights(self) -> list[tf.Tensor]:
        return [tf.identity(w) for w in self.weights]

    def _set_weights(self, values: list[tf.Tensor]) -> tf.Tensor:
        for w, v in zip(self.weights, values, strict=True):
            w.assign(v)
        return tf.constant(0)

    def shift_weights(self, direction: list[tf.Tensor], scale: float) -> None:
        """w <- w + scale * direction, for every weight variable."""
        self._shift_compiled(list(direction), tf.constant(scale, dtype=self.dtype))

    def copy_weights(self) -> list[tf.Tensor]:
        return list(self._copy_compiled())

    def set_weights(self, values: list[tf.Tensor]) -> None:
        self._set_compiled(list(values))

    # -- losses -----------------------------------------------------------------------
    def loss(self, x: tf.Tensor, y: tf.Tensor, alpha: tf.Tensor | None = None) -> tf.Tensor:
        a = self.alpha if alpha is None else alpha
        logits = self.net.call(x, tf.nn.softmax(a, axis=-1), training=True)
        return tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))

    def _loss_and_grads(self, x: tf.Tensor, y: tf.Tensor
                        ) -> tuple[tf.Tensor, tf.Tensor, list[tf.Tensor]]:
        """(loss, d loss / d alpha, d loss / d weights): one gradient evaluation."""
        with tf.GradientTape() as tape:
            loss = self.loss(x, y)
        grads = tape.gradient(loss, [self.alpha, *self.weights],
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        return loss, grads[0], grads[1:]

    def _eval_logits(self, x: tf.Tensor) -> tf.Tensor:
        return self.net.call(x, tf.nn.softmax(self.alpha, axis=-1), training=True)

    # -- updates ----------------------------------------------------------------------
    def _weight_step(self, x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            loss = self.loss(x, y)
        grads = tape.gradient(loss, self.weights,
                              unconnected_gradients=tf.UnconnectedGradients.ZERO)
        grads, _ = tf.clip_by_global_norm(grads, self.grad_clip)
        for w, g, buf in zip(self.weights, grads, self.momentum, strict=True):
            g = g + self.w_decay * w
            buf.assign(self.w_momentum * buf + g)
            w.assign_sub(self.w_lr * buf)
        return loss

    def _alpha_step(self, grad: tf.Tensor) -> tf.Tensor:
        b1, b2 = self.a_betas
        g = grad + self.a_decay * self.alpha
        self.adam_t.assign_add(1.0)
        self.adam_m.assign(b1 * self.adam_m + (1 - b1) * g)
        self.adam_v.assign(b2 * self.adam_v + (1 - b2) * g * g)
        m_hat = self.adam_m / (1 - b1**self.adam_t)
        v_hat = self.adam_v / (1 - b2**self.adam_t)
        self.alpha.assign_sub(self.a_lr * m_hat / (tf.sqrt(v_hat) + 1e-8))
        return tf.norm(g)

    def alpha_numpy(self) -> NDArray[np.float64]:
        return np.asarray(self.alpha.numpy(), dtype=float)
