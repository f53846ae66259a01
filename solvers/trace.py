"""The trace recorder every solver writes to: one row per iteration, columnar.

A trace is a table (Arrow/Parquet when stored) with the required columns ``iteration``,
``evaluations`` and ``wall_seconds`` followed by the solver's own quantities. Columns
listed in ``VOLATILE_COLUMNS`` depend on the machine's speed, not on the seed; the
determinism tests compare traces without them. A solver also leaves a ``summary``
(a flat dict of the run's outcome, e.g. generations to cover the front).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from theory.errors import InvalidParameterError

__all__ = ["REQUIRED_COLUMNS", "VOLATILE_COLUMNS", "VOLATILE_SUMMARY_KEYS", "TraceRecorder"]

REQUIRED_COLUMNS = ("iteration", "evaluations", "wall_seconds")
VOLATILE_COLUMNS = ("wall_seconds",)
#: summary entries that depend on the machine's speed, not on the seed
VOLATILE_SUMMARY_KEYS = ("seconds_per_generation",)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


class TraceRecorder:
    """Collects per-iteration rows cheaply (lists of Python scalars) and a summary."""

    def __init__(self) -> None:
        self._columns: dict[str, list[Any]] = {}
        self._start = time.perf_counter()
        self.summary: dict[str, Any] = {}

    def record(self, iteration: int, evaluations: int, **quantities: Any) -> None:
        row = {"iteration": int(iteration), "evaluations": int(evaluations),
               "wall_seconds": time.perf_counter() - self._start}
        row.update({k: _plain(v) for k, v in quantities.items()})
        if not self._columns:
            self._columns = {name: [] for name in row}
        elif row.keys() != self._columns.keys():
            raise InvalidParameterError(
                "every trace row has the same columns",
                f"{sorted(row)} after {sorted(self._columns)}",
            )
        for name, value in row.items():
            self._columns[name].append(value)

    def set_summary(self, **values: Any) -> None:
        self.summary.update({k: _plain(v) for k, v in values.items()})

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def __len__(self) -> int:
        return len(self._columns.get("iteration", ()))

    def column(self, name: str) -> np.ndarray:
        """One column as a numpy array (cheap; no table is built)."""
        if name not in self._columns:
            raise InvalidParameterError(
                f"column is one of {sorted(self._columns)}", f"column={name!r}")
        return np.asarray(self._columns[name])

    def to_arrow(self) -> pa.Table:
        if not self._columns:
            raise InvalidParameterError("a trace has at least one row", "0 rows recorded")
        return pa.table(self._columns)

    def to_frame(self) -> pd.DataFrame:
        return self.to_arrow().to_pandas()
