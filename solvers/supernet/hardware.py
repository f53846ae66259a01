"""Hardware costs: measured per-operation latency, analytic memory, their expectations.

* :func:`measure_op_latency` — each candidate operation built alone at a stage's shape,
  its compiled forward pass (batch 1) timed ``repeats`` times after a warm-up on this
  machine; the median in milliseconds. Timings depend on the machine and its load. The
  cost table subtracts the identity's median (the per-call dispatch overhead).
* :func:`op_memory` — analytic: parameters (floats) and activation floats of the op's
  output and internal buffers for one image (DARTS's sep conv keeps 4 intermediate maps).
* :class:`CostTable` — per stage (resolution) and operation; the cell-level cost of an
  alpha is sum over cells, edges and ops of softmax(alpha)[e, o] * cost[stage, o], a
  differentiable function of alpha with gradient w_eo (c_o - sum_o' w_eo' c_o') per cell.
* :func:`measure_network` — the derived discrete network's real forward latency (batch 1,
  compiled, median) and its real parameter count and peak activation bytes, counted from
  the tensors of an instrumented forward pass.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from solvers.search_space import softmax
from solvers.supernet.model import NetConfig, Network
from solvers.supernet.ops import make_op

__all__ = ["CostTable", "build_cost_table", "measure_network", "measure_op_latency",
           "op_memory"]


def _median_ms(fn: Any, arg: Any, repeats: int) -> float:
    fn(arg)  # trace and warm up
    fn(arg)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn(arg)
        _ = out.numpy() if hasattr(out, "numpy") else out
        times.append((time.perf_counter() - start) * 1e3)
    return float(statistics.median(times))


def measure_op_latency(name: str, channels: int, side: int, repeats: int = 15,
                       dtype: str = "float32") -> float:
    """Median forward latency (ms, batch 1, compiled) of one operation at C x side x side."""
    if name == "none":
        return 0.0
    op = make_op(name, channels, affine=True, dtype=dtype)
    x = tf.zeros((1, side, side, channels), dtype=dtype)
    fn = tf.function(lambda t: op.call(t, training=False), autograph=False)
    return _median_ms(fn, x, repeats)


def op_memory(name: str, channels: int, side: int) -> tuple[float, float]:
    """(parameter floats, activation floats per image) of one operation, analytically."""
    c, s2 = channels, side * side
    if name == "none":
        return 0.0, 0.0
    if name == "skip_connect":
        return 0.0, 0.0  # the input itself, no new tensor
    if name in ("max_pool_3x3", "avg_pool_3x3"):
        return 0.0, float(c * s2)
    kernel = int(name.split("_")[-1].split("x")[0])
    if name.startswith("nor_conv"):  # conv + BN (scale, shift)
        return float(kernel * kernel * c * c + 2 * c), float(2 * c * s2)  # relu, conv/bn
    units = 2 if name.startswith("sep_conv") else 1
    params = units * (kernel * kernel * c + c * c + 2 * c)
    acts = units * 3 * c * s2  # relu, depthwise, pointwise/bn per unit
    return float(params), float(acts)


@dataclass(frozen=True)
class CostTable:
    """Per-stage, per-operation costs and how many cells each stage holds."""

    ops: tuple[str, ...]
    latency_ms: NDArray[np.float64]  # (stages, ops)
    params: NDArray[np.float64]  # (stages, ops)
    activations: NDArray[np.float64]  # (stages, ops)
    cells_per_stage: int

    def _expected(self, table: NDArray[np.float64], alpha: NDArray[np.float64]
                  ) -> tuple[float, NDArray[np.float64]]:
        w = softmax(np.asarray(alpha, dtype=float))
        per_op = table.sum(axis=0) * self.cells_per_stage  # one alpha shared by all cells
        value = float(np.sum(w * per_op[None, :]))
        edge_mean = (w * per_op[None, :]).sum(axis=1, keepdims=True)
        grad = w * (per_op[None, :] - edge_mean)
        return value, grad

    def expected_latency(self, alpha: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """(E[latency] of the cells in ms under softmax(alpha), gradient wrt alpha)."""
        return self._expected(self.latency_ms, alpha)

    def expected_memory(self, alpha: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """(E[parameter + activation bytes] in MB (float32), gradient wrt alpha)."""
        value, grad = self._expected((self.params + self.activations) * 4 / 1e6, alpha)
        return value, grad

    def discrete(self, edge_ops: list[tuple[str, ...]]) -> tuple[float, float]:
        """(latency ms, memory MB) the table predicts for a discrete cell."""
        lat = mem = 0.0
        for ops in edge_ops:
            for name in ops:
                o = self.ops.index(name)
                lat += float(self.latency_ms[:, o].sum())
                mem += float((self.params[:, o] + self.activations[:, o]).sum()) * 4 / 1e6
        return lat * self.cells_per_stage, mem * self.cells_per_stage


def build_cost_table(config: NetConfig, repeats: int = 15, input_side: int = 28) -> CostTable:
    """Measure every operation at every stage's shape of ``config``'s skeleton."""
    side = input_side // config.stem_stride
    ops = config.op_names
    stages = config.stages
    # the dispatch overhead of a compiled call, measured on the identity at the same shape,
    # is subtracted: inside one network graph an operation does not pay it

    lat = np.zeros((stages, len(ops)))
    params = np.zeros_like(lat)
    acts = np.zeros_like(lat)
    for s in range(stages):
        channels = config.channels * 2**s
        overhead = measure_op_latency("skip_connect", channels, side, repeats)
        for o, name in enumerate(ops):
            lat[s, o] = max(measure_op_latency(name, channels, side, repeats) - overhead, 0.0)
            params[s, o], acts[s, o] = op_memory(name, channels, side)
        side = (side + 1) // 2
    return CostTable(ops, lat, params, acts, config.cells_per_stage)


def measure_network(network: Network, input_shape: tuple[int, ...] = (28, 28, 1),
                    repeats: int = 15) -> dict[str, float]:
    """Real latency (ms, batch 1, compiled, median), parameters, and activation memory of
    a built network; activations are the sum of every intermediate tensor's bytes of one
    forward pass (an upper bound on what an allocator must hold at once)."""
    dtype = network.config.dtype
    x = tf.zeros((1, *input_shape), dtype=dtype)
    fn = tf.function(lambda t: network.call(t, None, training=False), autograph=False)
    latency = _median_ms(fn, x, repeats)
    params = sum(int(np.prod(v.shape)) for v in network.trainable_variables)
    graph = fn.get_concrete_function(x).graph
    activation_bytes = 0
    for op in graph.get_operations():
        for out in op.outputs:
            shape = out.shape
            if out.dtype.is_floating and shape.rank is not None and shape.rank == 4 \
                    and shape.is_fully_defined():
                activation_bytes += int(np.prod(shape)) * out.dtype.size
    return {"latency_ms": latency, "params": float(params),
            "param_mb": params * np.dtype(dtype).itemsize / 1e6,
            "activation_mb": activation_bytes / 1e6,
            "memory_mb": (params * np.dtype(dtype).itemsize + activation_bytes) / 1e6}
