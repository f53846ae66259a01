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
* :func:`stored_cost_table` — the same table with the latencies read from the package data
  (:mod:`solvers.supernet.latency_store`), measured once by :func:`write_stored_latency`:
  ``python -m solvers.supernet.hardware [--repeats 15] [--out PATH]`` measures every
  configuration of :data:`STORED_CONFIGS` on this machine and writes the file with the
  machine's description, so runs that read it are reproducible across machines.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from solvers.search_space import softmax
from solvers.supernet.model import NetConfig, Network
from solvers.supernet.ops import make_op

__all__ = ["STORED_CONFIGS", "CostTable", "build_cost_table", "measure_network",
           "measure_op_latency", "op_memory", "stored_cost_table", "write_stored_latency"]


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


def _memory_tables(config: NetConfig, input_side: int
                   ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    side = input_side // config.stem_stride
    params = np.zeros((config.stages, len(config.op_names)))
    acts = np.zeros_like(params)
    for s in range(config.stages):
        for o, name in enumerate(config.op_names):
            params[s, o], acts[s, o] = op_memory(name, config.channels * 2**s, side)
        side = (side + 1) // 2
    return params, acts


def _measured_latency(config: NetConfig, repeats: int, input_side: int) -> NDArray[np.float64]:
    side = input_side // config.stem_stride
    ops = config.op_names
    lat = np.zeros((config.stages, len(ops)))
    # the dispatch overhead of a compiled call, measured on the identity at the same shape,
    # is subtracted: inside one network graph an operation does not pay it
    for s in range(config.stages):
        channels = config.channels * 2**s
        overhead = measure_op_latency("skip_connect", channels, side, repeats)
        for o, name in enumerate(ops):
            lat[s, o] = max(measure_op_latency(name, channels, side, repeats) - overhead, 0.0)
        side = (side + 1) // 2
    return lat


def build_cost_table(config: NetConfig, repeats: int = 15, input_side: int = 28) -> CostTable:
    """Measure every operation at every stage's shape of ``config``'s skeleton."""
    params, acts = _memory_tables(config, input_side)
    return CostTable(config.op_names, _measured_latency(config, repeats, input_side), params,
                     acts, config.cells_per_stage)


def _key(config: NetConfig, input_side: int) -> tuple[Any, ...]:
    from solvers.supernet.latency_store import table_key

    return table_key(config.cell, config.channels, config.op_names, stages=config.stages,
                     cells_per_stage=config.cells_per_stage,
                     intermediate_nodes=config.intermediate_nodes,
                     stem_stride=config.stem_stride, dtype=config.dtype, input_side=input_side)


def stored_cost_table(config: NetConfig, input_side: int = 28) -> CostTable:
    """The cost table with the stored latencies (package data) and the analytic memory;
    raises :class:`~theory.errors.InvalidParameterError` when no table is stored for it."""
    from solvers.supernet.latency_store import stored_latency

    params, acts = _memory_tables(config, input_side)
    return CostTable(config.op_names, stored_latency(_key(config, input_side)), params, acts,
                     config.cells_per_stage)


#: the configurations whose tables are shipped: both cell families at the channels the
#: profiles (8, and the quick protocols' 4) and the tests (2) use, the default skeleton
STORED_CONFIGS: tuple[NetConfig, ...] = tuple(
    NetConfig(cell=cell, channels=channels) for cell in ("nb201", "darts")
    for channels in (2, 4, 8))


def write_stored_latency(path: Path, configs: Sequence[NetConfig] = STORED_CONFIGS,
                         repeats: int = 15, input_side: int = 28) -> dict[str, Any]:
    """Measure the latency table of every config on this machine and write them to
    ``path`` (JSON) with the machine's description; returns what was written."""
    machine = {
        "platform": platform.platform(), "processor": platform.processor() or
        platform.machine(), "cpu_model": _cpu_model(), "cpu_count": os.cpu_count(),
        "python": platform.python_version(), "tensorflow": tf.__version__,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "repeats": repeats, "statistic": "median of `repeats` timed calls after 2 warm-up "
        "calls, batch 1, tf.function, minus the identity's median at the same shape",
        "command": "python -m solvers.supernet.hardware",
    }
    tables = []
    for config in configs:
        key = _key(config, input_side)
        tables.append({
            "cell": config.cell, "channels": config.channels, "ops": list(config.op_names),
            "stages": config.stages, "cells_per_stage": config.cells_per_stage,
            "intermediate_nodes": key[5], "stem_stride": config.stem_stride,
            "dtype": config.dtype, "input_side": input_side,
            "latency_ms": np.round(_measured_latency(config, repeats, input_side), 6).tolist()})
    data = {"format": 1, "description": "per-stage, per-operation forward latency (ms) of "
            "the MNIST supernet's candidate operations (solvers.supernet.latency_store)",
            "machine": machine, "tables": tables}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")
    return data


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover - not Linux
        pass
    return platform.processor()


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


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m solvers.supernet.hardware``: (re)write the stored latency tables."""
    from importlib import resources

    from solvers.supernet.latency_store import LATENCY_FILE

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--out", type=Path, default=None,
                        help="default: the package data file " + "/".join(LATENCY_FILE))
    args = parser.parse_args(argv)
    out = args.out or Path(str(resources.files("solvers").joinpath(*LATENCY_FILE)))
    data = write_stored_latency(out, repeats=args.repeats)
    print(f"wrote {len(data['tables'])} tables to {out}")


if __name__ == "__main__":
    main()
