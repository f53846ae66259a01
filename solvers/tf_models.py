"""The NAS-Bench-201 network built in Keras, to check the analytic cost model against.

``build_nb201_model(cell, skeleton)`` returns an (untrained) Keras model of exactly the
network ``solvers/cost_model.py`` counts: stem Conv3x3-BN, stages of cells with
ReLU-Conv-BN / 3x3 average pooling (stride 1, padding excluded from the average) /
identity / zero edges, ResNet basic blocks with stride 2 between stages (shortcut 2x2
average pooling and a 1x1 convolution), BN-ReLU, global average pooling and a linear
classifier. Convolutions have no bias, as in the NAS-Bench-201 reference code.

``trainable_parameter_count(model)`` counts what PyTorch's ``parameters()`` would: kernels,
BN scale and shift, classifier weights and biases (BN moving statistics are not trainable).

TensorFlow is imported lazily, inside the functions: importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from solvers.cost_model import NB201_SKELETON
from solvers.search_space import MacroSkeleton, NB201Cell

__all__ = ["build_nb201_model", "trainable_parameter_count"]

_SPACE = NB201Cell()


def _relu_conv_bn(layers: Any, x: Any, channels: int, kernel: int, stride: int = 1) -> Any:
    x = layers.ReLU()(x)
    x = layers.Conv2D(channels, kernel, strides=stride, padding="same", use_bias=False)(x)
    return layers.BatchNormalization()(x)


def _edge(layers: Any, op: str, x: Any, channels: int) -> Any:
    if op == "nor_conv_3x3":
        return _relu_conv_bn(layers, x, channels, 3)
    if op == "nor_conv_1x1":
        return _relu_conv_bn(layers, x, channels, 1)
    if op == "avg_pool_3x3":
        return layers.AveragePooling2D(3, strides=1, padding="same")(x)
    if op == "skip_connect":
        return x
    return layers.Rescaling(0.0)(x)  # none: the zero operation


def _cell(layers: Any, ops: Sequence[str], x: Any, channels: int) -> Any:
    nodes = [x]
    position = 0
    for node in range(1, 4):
        terms = [_edge(layers, ops[position + j], nodes[j], channels) for j in range(node)]
        position += node
        nodes.append(terms[0] if len(terms) == 1 else layers.Add()(terms))
    return nodes[3]


def _reduction(layers: Any, x: Any, channels: int) -> Any:
    branch = _relu_conv_bn(layers, x, channels, 3, stride=2)
    branch = _relu_conv_bn(layers, branch, channels, 3)
    shortcut = layers.AveragePooling2D(2, strides=2, padding="valid")(x)
    shortcut = layers.Conv2D(channels, 1, use_bias=False)(shortcut)
    return layers.Add()([shortcut, branch])


def build_nb201_model(cell: Sequence[int], skeleton: MacroSkeleton = NB201_SKELETON
                      ) -> Any:
    """A ``keras.Model`` of the NAS-Bench-201 network with ``cell`` in every position."""
    values = _SPACE.validate(cell)
    import tensorflow as tf

    layers = tf.keras.layers
    ops = [_SPACE.ops[v] for v in values]
    inputs = tf.keras.Input((skeleton.input_size, skeleton.input_size,
                             skeleton.input_channels))
    x = layers.Conv2D(skeleton.stem_channels, 3, padding="same", use_bias=False)(inputs)
    x = layers.BatchNormalization()(x)
    if skeleton.stem_channels != skeleton.stage_channels[0]:
        x = _relu_conv_bn(layers, x, skeleton.stage_channels[0], 3)
    for stage, channels in enumerate(skeleton.stage_channels):
        if stage > 0:
            x = _reduction(layers, x, channels)
        for _ in range(skeleton.cells_per_stage):
            x = _cell(layers, ops, x, channels)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(skeleton.num_classes)(x)
    return tf.keras.Model(inputs, outputs)


def trainable_parameter_count(model: Any) -> int:
    """Scalars in the model's trainable weights."""
    total = 0
    for weight in model.trainable_weights:
        size = 1
        for dim in weight.shape:
            size *= int(dim)
        total += size
    return total
