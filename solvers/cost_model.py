"""Analytic cost of a NAS-Bench-201 network: parameters, FLOPs and peak activation memory.

The network is the NAS-Bench-201 ``TinyNetwork`` (Dong & Yang, ICLR 2020; reference code
``xautodl/models/cell_infers/tiny_network.py`` and ``xautodl/models/cell_operations.py``)
on a :class:`~solvers.search_space.MacroSkeleton`:

* stem: 3x3 convolution (no bias) from the input channels to ``stem_channels``, then BN;
* stages of ``cells_per_stage`` cells at ``stage_channels``; between stages a residual
  reduction block (``ResNetBasicblock`` with stride 2): ReLU-Conv3x3(stride 2)-BN,
  ReLU-Conv3x3-BN, shortcut 2x2 average pooling (stride 2) then a 1x1 convolution (no bias,
  no BN), the two branches added;
* a cell (``InferCell``): node i = sum over j < i of op_{i<-j}(node j), with
  ``nor_conv_kxk`` = ReLU-Conv(kxk, no bias, 'same')-BN, ``avg_pool_3x3`` = 3x3 average
  pooling with stride 1 (no parameters, since inside a cell C_in = C_out), ``skip_connect`` =
  identity, ``none`` = zero;
* head: BN-ReLU, global average pooling, a linear classifier (with bias).

**Parameters** are the trainable ones (PyTorch ``parameters()``): convolution kernels, the
BN affine scale and shift (2 per channel; running statistics are buffers, not parameters),
the classifier's weights and biases. ``solvers/tf_models.py`` builds the same network in
Keras and the tests check that both counts agree.

**FLOPs** are multiply-accumulates of convolutions and the classifier (H_out W_out C_in
C_out k^2 and C_in n_classes), plus k^2 additions per output element of an average pooling
and H W C for the global pooling; BN, ReLU and the cell sums are not counted.

**Peak activation memory** is the largest number of float32 feature-map bytes alive at once
during one inference pass at batch size 1, under this execution model (ours, stated so
that it can be checked): blocks run in order; within a cell the nodes are computed in
order 1, 2, 3 and each node's incoming edges in source order; a ReLU-Conv-BN edge holds
its ReLU output and its convolution output at once (BN in place); an average pooling holds
its output; a skip edge is added in place into the node's running sum (a first term is
copied into a new buffer); ``none`` edges are skipped, and a node whose edges are all
``none`` is a materialised zero tensor; a node is freed right after its last consuming
edge, the cell input included; the cell output stays alive. The stem holds its input and
output, a reduction block holds its input until the shortcut has read it, and the head
holds its input and the BN output, then the pooled vector and the logits.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from solvers.search_space import NB201_OPS, MacroSkeleton, NB201Cell

__all__ = ["NB201_SKELETON", "NetworkCost", "cell_memory_units", "cost_table", "network_cost",
           "operation_costs", "parameter_count"]

BYTES_PER_FLOAT = 4
#: the NAS-Bench-201 skeleton (CIFAR-10 input, 10 classes), the default everywhere
NB201_SKELETON = MacroSkeleton.nb201()
_SPACE = NB201Cell()
_CONV_KERNEL = {"nor_conv_1x1": 1, "nor_conv_3x3": 3}


@dataclass(frozen=True)
class NetworkCost:
    """Parameters (count), FLOPs (multiply-accumulates) and peak activation bytes."""

    params: int
    flops: int
    peak_activation_bytes: int


def _bn(channels: int) -> int:
    return 2 * channels


def _stage_sizes(skeleton: MacroSkeleton) -> list[int]:
    """Spatial side length of each stage (halved by every reduction block)."""
    return [skeleton.input_size // 2**s for s in range(len(skeleton.stage_channels))]


def _fixed_params(skeleton: MacroSkeleton) -> int:
    """Parameters outside the cells: stem, reduction blocks, head."""
    total = skeleton.input_channels * skeleton.stem_channels * 9 + _bn(skeleton.stem_channels)
    channels = skeleton.stage_channels
    previous = skeleton.stem_channels
    if previous != channels[0]:  # a cell keeps its width; NB201 has stem == first stage
        total += previous * channels[0] * 9 + _bn(channels[0])
    for c_in, c_out in itertools.pairwise(channels):
        total += 9 * c_in * c_out + _bn(c_out) + 9 * c_out * c_out + _bn(c_out) + c_in * c_out
    total += _bn(channels[-1]) + channels[-1] * skeleton.num_classes + skeleton.num_classes
    return total


def _fixed_flops(skeleton: MacroSkeleton) -> int:
    sides = _stage_sizes(skeleton)
    channels = skeleton.stage_channels
    side = skeleton.input_size
    total = side * side * skeleton.input_channels * skeleton.stem_channels * 9
    if skeleton.stem_channels != channels[0]:
        total += side * side * skeleton.stem_channels * channels[0] * 9
    for s, (c_in, c_out) in enumerate(itertools.pairwise(channels)):
        out = sides[s + 1]
        total += out * out * c_in * c_out * 9  # conv_a, stride 2
        total += out * out * c_out * c_out * 9  # conv_b
        total += out * out * c_in * 4  # 2x2 average pooling of the shortcut
        total += out * out * c_in * c_out  # 1x1 convolution of the shortcut
    last = sides[-1]
    total += last * last * channels[-1] + channels[-1] * skeleton.num_classes
    return total


def _op_params(op: str, channels: int) -> int:
    if op in _CONV_KERNEL:
        return _CONV_KERNEL[op] ** 2 * channels * channels + _bn(channels)
    return 0


def _op_flops(op: str, channels: int, side: int) -> int:
    if op in _CONV_KERNEL:
        return side * side * channels * channels * _CONV_KERNEL[op] ** 2
    if op == "avg_pool_3x3":
        return side * side * channels * 9
    return 0


@cache
def operation_costs(skeleton: MacroSkeleton = NB201_SKELETON
                    ) -> tuple[int, NDArray[np.int64], int, NDArray[np.int64]]:
    """(fixed params, params per op, fixed FLOPs, FLOPs per op) of one edge over all cells.

    Parameters and FLOPs are additive over edges: a network's count is the fixed part plus,
    for every edge, the per-op entry of the edge's operation (every edge of every cell of
    every stage carries the same operation).
    """
    sides = _stage_sizes(skeleton)
    per_params = np.array([sum(skeleton.cells_per_stage * _op_params(op, c)
                               for c in skeleton.stage_channels) for op in NB201_OPS])
    per_flops = np.array([sum(skeleton.cells_per_stage * _op_flops(op, c, side)
                              for c, side in zip(skeleton.stage_channels, sides, strict=True))
                          for op in NB201_OPS])
    return (_fixed_params(skeleton), per_params.astype(np.int64), _fixed_flops(skeleton),
            per_flops.astype(np.int64))


def parameter_count(cell: Sequence[int], skeleton: MacroSkeleton = NB201_SKELETON
                    ) -> int:
    """Trainable parameters of the network with ``cell`` in every cell position."""
    values = _SPACE.validate(cell)
    fixed, per_op, _, _ = operation_costs(skeleton)
    return int(fixed + per_op[list(values)].sum())


def cell_memory_units(cell: Sequence[int]) -> int:
    """Peak feature maps alive inside one cell, in units of one node's size C*H*W.

    Every tensor inside a cell has the cell's shape, so the peak is an integer multiple of
    it; the execution model is the module docstring's. The cell input counts as alive at
    the start.
    """
    ops = [_SPACE.ops[v] for v in _SPACE.validate(cell)]
    edge = {(to, frm): ops[k] for k, (to, frm) in enumerate(_SPACE.edges)}
    last_use = {j: max((i for i in range(j + 1, 4) if edge[(i, j)] != "none"), default=-1)
                for j in range(3)}
    alive = {0}
    peak = 1
    if last_use[0] < 0:
        alive.discard(0)
    for i in range(1, 4):
        partial = 0
        for j in range(i):
            op = edge[(i, j)]
            if op == "none":
                continue
            base = len(alive) + partial
            if op in _CONV_KERNEL:
                peak = max(peak, base + 2)
                partial = 1
            elif op == "avg_pool_3x3" or partial == 0:
                peak = max(peak, base + 1)
                partial = 1
            else:  # skip into an existing sum: in place
                peak = max(peak, base)
            if last_use[j] == i:
                alive.discard(j)
        if partial == 0:
            peak = max(peak, len(alive) + 1)
        alive.add(i)
        if i < 3 and last_use[i] < 0:
            alive.discard(i)
    return peak


def _fixed_peak_elements(skeleton: MacroSkeleton) -> int:
    side = skeleton.input_size
    channels = skeleton.stage_channels
    peak = side * side * (skeleton.input_channels + skeleton.stem_channels)
    if skeleton.stem_channels != channels[0]:
        peak = max(peak, side * side * (skeleton.stem_channels + 2 * channels[0]))
    for c_in, c_out in itertools.pairwise(channels):
        x = c_in * side * side
        side //= 2
        out = c_out * side * side
        pooled = c_in * side * side
        peak = max(peak,
                   2 * x + out,  # conv_a: input, its ReLU, the conv output
                   x + 3 * out,  # conv_b: input kept for the shortcut, a, ReLU(a), output
                   x + out + pooled,  # shortcut pooling
                   out + pooled + out)  # shortcut 1x1 convolution, input freed
    last = channels[-1] * side * side
    peak = max(peak, 2 * last, last + channels[-1],
               channels[-1] + skeleton.num_classes)
    return peak


def _peak_bytes(units: int, skeleton: MacroSkeleton) -> int:
    sides = _stage_sizes(skeleton)
    cells = max(units * c * s * s for c, s in zip(skeleton.stage_channels, sides, strict=True))
    return BYTES_PER_FLOAT * max(cells, _fixed_peak_elements(skeleton))


def network_cost(cell: Sequence[int], skeleton: MacroSkeleton = NB201_SKELETON
                 ) -> NetworkCost:
    """Parameters, FLOPs and peak activation bytes of the network built from ``cell``."""
    values = _SPACE.validate(cell)
    fixed_p, per_p, fixed_f, per_f = operation_costs(skeleton)
    index = list(values)
    return NetworkCost(int(fixed_p + per_p[index].sum()), int(fixed_f + per_f[index].sum()),
                       _peak_bytes(cell_memory_units(values), skeleton))


@cache
def cost_table(skeleton: MacroSkeleton = NB201_SKELETON
               ) -> dict[str, NDArray[np.int64]]:
    """``params``, ``flops`` and ``peak_activation_bytes`` of all 15,625 cells.

    Row r is the cell whose operation indices are the base-5 digits of r, most significant
    first (``itertools.product`` order), which is also the order of
    ``NB201Cell.all_cells()``.
    """
    cells = np.array(list(_SPACE.all_cells()), dtype=np.int64)
    fixed_p, per_p, fixed_f, per_f = operation_costs(skeleton)
    peaks = np.array([_peak_bytes(cell_memory_units(tuple(cell.tolist())), skeleton)
                      for cell in cells], dtype=np.int64)
    return {"params": fixed_p + per_p[cells].sum(axis=1),
            "flops": fixed_f + per_f[cells].sum(axis=1),
            "peak_activation_bytes": peaks}
