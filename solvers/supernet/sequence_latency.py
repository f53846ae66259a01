"""The stored per-operation latency tables of the sequence supernets (package data), read
without TensorFlow, and the command that measures them.

``solvers/data/supernet/sequence_latency.json`` holds, for each (family, channels, length)
the sentiment and series problems use, the forward latency (ms, batch 1, per application inside one
compiled graph) of every candidate operation at shape (1, length, channels), as
:func:`solvers.supernet.sequence.measure_latency_table` measured it once on this project's
CPU, and the machine it was measured on. ``latency="stored"`` reads it, so the same seed
selects the same cells on any machine; ``latency="measured"`` times the operations when the
problem first needs them. Rewrite the file with
``python -m solvers.supernet.sequence_latency [--repeats 21] [--out PATH]``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from theory.errors import InvalidParameterError

__all__ = ["SEQUENCE_LATENCY_FILE", "STORED_SHAPES", "sequence_latency", "stored_sequence_keys",
           "stored_sequence_machine", "write_sequence_latency"]

SEQUENCE_LATENCY_FILE = ("data", "supernet", "sequence_latency.json")
#: (family, length) of each task -- text: max_len 32; series: the protocol's window (see
#: ``solvers.supernet.sequence.SERIES_PROTOCOLS``) -- and the channels the tests (2, 4),
#: the quick (4) and full (8, 16) profiles use
STORED_SHAPES: tuple[tuple[str, int], ...] = (("text", 32), ("series", 22), ("series", 104))
STORED_CHANNELS: tuple[int, ...] = (2, 4, 8, 16)

Key = tuple[str, int, int, tuple[str, ...]]


def _key(family: str, channels: int, length: int, ops: Sequence[str]) -> Key:
    return (family, int(channels), int(length), tuple(ops))


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    path = resources.files("solvers").joinpath(*SEQUENCE_LATENCY_FILE)
    if not path.is_file():
        return {"machine": {}, "tables": []}
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def stored_sequence_keys() -> list[Key]:
    return [_key(t["family"], t["channels"], t["length"], t["ops"]) for t in _load()["tables"]]


def stored_sequence_machine() -> dict[str, Any]:
    return dict(_load()["machine"])


def sequence_latency(family: str, channels: int, length: int, ops: Sequence[str]
                     ) -> NDArray[np.float64]:
    """The stored (ops,) latency table (ms); raises naming the configuration when none is."""
    key = _key(family, channels, length, ops)
    for entry in _load()["tables"]:
        if _key(entry["family"], entry["channels"], entry["length"], entry["ops"]) == key:
            return np.asarray(entry["latency_ms"], dtype=float)
    stored = "; ".join(f"({f}, channels={c}, length={n})" for f, c, n, _ in
                       stored_sequence_keys()) or "none"
    raise InvalidParameterError(
        "latency='stored' needs a stored sequence latency table (write one with "
        "`python -m solvers.supernet.sequence_latency`, or use latency='measured')",
        f"family={family}, channels={channels}, length={length}, ops={','.join(ops)}",
        f"stored: {stored}")


def write_sequence_latency(path: Path, repeats: int = 21) -> dict[str, Any]:
    """Measure every table of :data:`STORED_SHAPES` x :data:`STORED_CHANNELS` on this
    machine and write them with the machine's description."""
    import tensorflow as tf

    from solvers.supernet.hardware import _cpu_model
    from solvers.supernet.sequence import measure_latency_table, sequence_space

    machine = {
        "platform": platform.platform(), "processor": platform.processor() or
        platform.machine(), "cpu_model": _cpu_model(), "cpu_count": os.cpu_count(),
        "python": platform.python_version(), "tensorflow": tf.__version__,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "repeats": repeats, "inner": 20, "statistic": "minimum over `repeats` timed calls "
        "(after 2 warm-up calls) of one tf.function applying the operation `inner` times in "
        "sequence, divided by `inner`; batch 1, inference mode",
        "command": "python -m solvers.supernet.sequence_latency",
    }
    tables = []
    for family, length in STORED_SHAPES:
        ops = sequence_space(family).ops
        for channels in STORED_CHANNELS:
            table = measure_latency_table(family, channels, length, repeats)
            tables.append({"family": family, "channels": channels, "length": length,
                           "ops": list(ops), "latency_ms": np.round(table, 6).tolist()})
    data = {"format": 1, "description": "per-operation forward latency (ms) of the sequence "
            "supernets' candidate operations (solvers.supernet.sequence_latency)",
            "machine": machine, "tables": tables}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")
    return data


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m solvers.supernet.sequence_latency``: (re)write the stored tables."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or Path(str(resources.files("solvers").joinpath(*SEQUENCE_LATENCY_FILE)))
    data = write_sequence_latency(out, repeats=args.repeats)
    print(f"wrote {len(data['tables'])} tables to {out}")


if __name__ == "__main__":
    main()
