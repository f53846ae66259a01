"""The stored per-operation latency tables of the supernet (package data), read without
TensorFlow.

The file ``solvers/data/supernet/latency.json`` holds, for each supernet configuration the
profiles and tests use, the per-stage, per-operation latency table (ms, dispatch overhead
subtracted) that :func:`solvers.supernet.hardware.build_cost_table` measured once, and the
machine it was measured on (platform, processor, CPU count, TensorFlow version, date,
repeats). It is written by ``python -m solvers.supernet.hardware`` (see
:func:`solvers.supernet.hardware.write_stored_latency`). With ``latency="stored"`` the
supernet problem reads its latency objective from here, so two runs with the same seed
select the same cells on any machine; ``latency="measured"`` times the operations at run
time instead (machine- and load-dependent).

A table is identified by :func:`table_key`: cell family, channels, stages, cells per stage,
intermediate nodes (DARTS cells only), the operation names, stem stride, dtype and input
side. A configuration without a stored table raises
:class:`~theory.errors.InvalidParameterError` naming the configuration and the stored ones.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory.errors import InvalidParameterError

__all__ = ["LATENCY_FILE", "describe_key", "stored_keys", "stored_latency", "stored_machine",
           "table_key"]

#: the package-data path of the stored tables
LATENCY_FILE = ("data", "supernet", "latency.json")


def table_key(cell: str, channels: int, ops: tuple[str, ...], *, stages: int = 2,
              cells_per_stage: int = 1, intermediate_nodes: int = 2, stem_stride: int = 2,
              dtype: str = "float32", input_side: int = 28) -> tuple[Any, ...]:
    """The identity of a table (``intermediate_nodes`` counts only for DARTS cells)."""
    return (cell, int(channels), tuple(ops), int(stages), int(cells_per_stage),
            int(intermediate_nodes) if cell == "darts" else 0, int(stem_stride), dtype,
            int(input_side))


def describe_key(key: tuple[Any, ...]) -> str:
    cell, channels, ops, stages, per_stage, nodes, stride, dtype, side = key
    nodes_text = f", intermediate_nodes={nodes}" if cell == "darts" else ""
    return (f"cell={cell}, channels={channels}, ops={','.join(ops)}, stages={stages}, "
            f"cells_per_stage={per_stage}{nodes_text}, stem_stride={stride}, dtype={dtype}, "
            f"input_side={side}")


def _entry_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return table_key(entry["cell"], entry["channels"], tuple(entry["ops"]),
                     stages=entry["stages"], cells_per_stage=entry["cells_per_stage"],
                     intermediate_nodes=entry["intermediate_nodes"],
                     stem_stride=entry["stem_stride"], dtype=entry["dtype"],
                     input_side=entry["input_side"])


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    path = resources.files("solvers").joinpath(*LATENCY_FILE)
    if not path.is_file():
        return {"machine": {}, "tables": []}
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def stored_keys() -> list[tuple[Any, ...]]:
    """The keys of every stored table, in file order."""
    return [_entry_key(entry) for entry in _load()["tables"]]


def stored_machine() -> dict[str, Any]:
    """Where and how the stored tables were measured (platform, cpu, TF, date, repeats)."""
    return dict(_load()["machine"])


def stored_latency(key: tuple[Any, ...]) -> NDArray[np.float64]:
    """The (stages, ops) latency table (ms) stored for ``key``; raises when none is."""
    for entry in _load()["tables"]:
        if _entry_key(entry) == key:
            table = np.asarray(entry["latency_ms"], dtype=float)
            if table.shape != (key[3], len(key[2])):  # pragma: no cover - file integrity
                raise InvalidParameterError("a stored table has shape (stages, ops)",
                                            f"shape {table.shape} for {describe_key(key)}")
            return table
    stored = "; ".join(f"({describe_key(k)})" for k in stored_keys()) or "none"
    raise InvalidParameterError(
        "latency='stored' needs a stored latency table for the supernet configuration "
        "(write one with `python -m solvers.supernet.hardware`, or use latency='measured')",
        describe_key(key), f"stored: {stored}")
