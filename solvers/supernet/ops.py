"""Candidate operations of both cell families as Keras layers (TensorFlow imported here).

Every operation maps a (batch, H, W, C) tensor to one of the same shape (cells never
change resolution in this supernet; the macro skeleton reduces between stages, as in
NAS-Bench-201). Definitions follow the reference implementations:

* NAS-Bench-201 (Dong & Yang, ICLR 2020): ``none`` (zero), ``skip_connect`` (identity),
  ``nor_conv_kxk`` = ReLU -> Conv kxk -> BN, ``avg_pool_3x3``.
* DARTS (Liu, Simonyan & Yang, ICLR 2019): ``sep_conv_kxk`` = (ReLU -> depthwise kxk ->
  pointwise 1x1 -> BN) twice, ``dil_conv_kxk`` = ReLU -> depthwise kxk dilation 2 ->
  pointwise 1x1 -> BN, ``max_pool_3x3``, ``avg_pool_3x3`` (each followed by a
  non-affine BN inside the supernet, as in DARTS's MixedOp), ``skip_connect``, ``none``.

``affine=False`` (the DARTS search setting) gives BN without learned scale and shift;
the derived network is retrained with ``affine=True``.

Each operation is ONE Keras layer that owns its weights (``add_weight``) and computes with
``tf.nn`` directly: Keras 3's per-call overhead dominates graph tracing on two CPU cores,
so nesting a Conv2D/BatchNormalization layer per primitive made tracing a supernet take
tens of seconds. Batch normalisation uses batch statistics when ``training`` is true and
updates moving averages (momentum 0.1 in PyTorch's convention, eps 1e-5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import tensorflow as tf

from solvers.search_space import DARTS_OPS, NB201_OPS, PARAMETER_FREE_OPS
from theory.errors import InvalidParameterError

__all__ = ["ALL_OPS", "OP_FACTORIES", "PARAMETER_FREE_OPS", "ConvUnit", "Op",
           "is_parameter_free", "make_op"]

ALL_OPS = tuple(dict.fromkeys(NB201_OPS + DARTS_OPS))
_BN_MOMENTUM = 0.1
_BN_EPS = 1e-5


#: operations defined in other modules, by name: factory(channels, affine, dtype) -> Op.
#: :mod:`solvers.supernet.sequence` registers its 1-D operations here when imported, so
#: :func:`make_op` (and the cells of :mod:`solvers.supernet.model`) build them too.
OP_FACTORIES: dict[str, Callable[[int, bool, str], Op]] = {}


class Op(keras.layers.Layer):
    """Base: weight helpers and batch normalisation with tf.nn."""

    def __init__(self, dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self._bns: list[tuple[Any, Any, Any, Any]] = []
        self.built = True

    def _kernel(self, shape: tuple[int, ...], name: str) -> Any:
        return self.add_weight(shape=shape, initializer="glorot_uniform", name=name,
                               dtype=self.dtype)

    def _add_bn(self, channels: int, affine: bool) -> int:
        gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma",
                                dtype=self.dtype) if affine else None
        beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta",
                               dtype=self.dtype) if affine else None
        mean = self.add_weight(shape=(channels,), initializer="zeros", name="moving_mean",
                               trainable=False, dtype=self.dtype)
        var = self.add_weight(shape=(channels,), initializer="ones", name="moving_var",
                              trainable=False, dtype=self.dtype)
        self._bns.append((gamma, beta, mean, var))
        return len(self._bns) - 1

    def _bn(self, x: tf.Tensor, index: int, training: bool | None) -> tf.Tensor:
        gamma, beta, moving_mean, moving_var = self._bns[index]
        if training:
            mean, var = tf.nn.moments(x, axes=list(range(len(x.shape) - 1)))
            moving_mean.assign((1 - _BN_MOMENTUM) * moving_mean + _BN_MOMENTUM * mean)
            moving_var.assign((1 - _BN_MOMENTUM) * moving_var + _BN_MOMENTUM * var)
        else:
            mean, var = moving_mean, moving_var
        return tf.nn.batch_normalization(x, mean, var, beta, gamma, _BN_EPS)


class Zero(Op):
    """The ``none`` operation: a zero tensor of the input's shape."""

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        return tf.zeros_like(x)


class Identity(Op):
    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        return x


class ConvUnit(Op):
    """ReLU -> Conv (k x k, 'same', stride s, dilation d) -> BN; with ``depthwise`` the
    convolution is depthwise k x k followed by a pointwise 1x1 (DARTS's DilConv); with
    ``repeat=2`` the unit is applied twice (DARTS's SepConv)."""

    def __init__(self, in_channels: int, channels: int, kernel: int, affine: bool, *,
                 stride: int = 1, dilation: int = 1, depthwise: bool = False, repeat: int = 1,
                 dtype: str = "float32", **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.stride, self.dilation, self.depthwise = stride, dilation, depthwise
        self.units: list[tuple[Any, Any, int]] = []
        c_in = in_channels
        for _ in range(repeat):
            if depthwise:
                dw = self._kernel((kernel, kernel, c_in, 1), "depthwise")
                pw = self._kernel((1, 1, c_in, channels), "pointwise")
            else:
                dw, pw = None, self._kernel((kernel, kernel, c_in, channels), "kernel")
            self.units.append((dw, pw, self._add_bn(channels, affine)))
            c_in = channels

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        for i, (dw, pw, bn) in enumerate(self.units):
            stride = self.stride if i == 0 else 1
            h = tf.nn.relu(x)
            if dw is not None:
                h = tf.nn.depthwise_conv2d(h, dw, [1, stride, stride, 1], "SAME",
                                           dilations=[self.dilation, self.dilation])
                h = tf.nn.conv2d(h, pw, 1, "SAME")
            else:
                h = tf.nn.conv2d(h, pw, stride, "SAME", dilations=self.dilation)
            x = self._bn(h, bn, training)
        return x


class Pool(Op):
    """3x3 max or average pooling, stride 1, 'same' padding; optional non-affine BN."""

    def __init__(self, kind: str, channels: int, with_bn: bool, dtype: str = "float32",
                 **kwargs: Any) -> None:
        super().__init__(dtype=dtype, **kwargs)
        self.kind = kind
        self.bn = self._add_bn(channels, False) if with_bn else None

    def call(self, x: tf.Tensor, training: bool | None = None) -> tf.Tensor:
        if self.kind == "max":
            y = tf.nn.max_pool2d(x, 3, 1, "SAME")
        else:  # TF's SAME average excludes the padding (count_include_pad=False, as DARTS)
            y = tf.nn.avg_pool2d(x, 3, 1, "SAME")
        return y if self.bn is None else self._bn(y, self.bn, training)


def make_op(name: str, channels: int, affine: bool = False, *, pool_bn: bool = False,
            dtype: str = "float32") -> Op:
    """The Keras layer of operation ``name`` on ``channels`` channels (shape preserving).

    ``pool_bn`` adds DARTS's non-affine BN after pooling (inside the DARTS family's mixed
    operations; NAS-Bench-201 pools and derived networks have none).
    """
    if channels < 1:
        raise InvalidParameterError("channels >= 1", f"channels={channels}")
    if name in OP_FACTORIES:
        return OP_FACTORIES[name](channels, affine, dtype)
    c = channels
    if name == "none":
        return Zero(dtype=dtype)
    if name == "skip_connect":
        return Identity(dtype=dtype)
    if name.startswith("nor_conv_"):
        kernel = int(name.removeprefix("nor_conv_").split("x")[0])
        return ConvUnit(c, c, kernel, affine, dtype=dtype)
    if name.startswith("sep_conv_"):
        kernel = int(name.removeprefix("sep_conv_").split("x")[0])
        return ConvUnit(c, c, kernel, affine, depthwise=True, repeat=2, dtype=dtype)
    if name.startswith("dil_conv_"):
        kernel = int(name.removeprefix("dil_conv_").split("x")[0])
        return ConvUnit(c, c, kernel, affine, dilation=2, depthwise=True, dtype=dtype)
    if name == "avg_pool_3x3":
        return Pool("avg", c, pool_bn, dtype)
    if name == "max_pool_3x3":
        return Pool("max", c, pool_bn, dtype)
    raise InvalidParameterError(f"operation in {{{', '.join(ALL_OPS)}}}", repr(name))


def is_parameter_free(name: str) -> bool:
    return name in PARAMETER_FREE_OPS
