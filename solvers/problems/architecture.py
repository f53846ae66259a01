"""The architecture-search problem interface shared by NAS-Bench-201 and the supernet.

An :class:`ArchitectureProblem` is a multi-objective problem over a cell space: candidates
are discrete cells (tuples of operation indices, one per edge), objectives are minimised
(f_err, f_lat, f_mem, in that order unless ``objective_names`` says otherwise). Every
evaluation is a *query* and costs simulated search time (``query_seconds``), so budgets
can be counted in queries or in time.

A problem that can, also exposes ``differentiable = True`` and
``objective_gradients(alpha)``: the values of differentiable models of its objectives at
architecture logits ``alpha`` (shape (edges, operations), softmax per edge) and their
gradients with respect to ``alpha``. The hybrid optimiser uses it for gradient refinement;
a problem without it is searched by the discrete operators alone.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.problems.base import ConfigT, Problem
from solvers.search_space import CellSpace

__all__ = ["ArchitectureProblem"]

Cell = tuple[int, ...]


class ArchitectureProblem(Problem[ConfigT]):
    """Multi-objective search over the cells of ``space``."""

    kind: ClassVar[str] = "architecture"
    space: CellSpace
    objective_names: tuple[str, ...] = ("error", "latency", "memory")
    differentiable: bool = False

    @property
    def n_objectives(self) -> int:
        return len(self.objective_names)

    @abstractmethod
    def evaluate(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        """Search objectives of each cell, shape (len(cells), n_objectives), minimised."""

    @abstractmethod
    def report(self, cells: Sequence[Cell]) -> dict[str, NDArray[np.float64]]:
        """Reporting metrics of each cell (e.g. final test accuracy), never used to search."""

    def query_seconds(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        """Simulated search time each query costs (0 where the problem has no model)."""
        return np.zeros(len(cells))

    def objective_gradients(self, alpha: NDArray[np.float64]
                            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(values (n_objectives,), gradients (n_objectives, edges, ops)) at ``alpha``."""
        raise NotImplementedError(f"problem {self.name!r} is not differentiable")

    def reference_point(self) -> NDArray[np.float64]:
        """A hypervolume reference point dominated by every cell's objectives."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "objectives": list(self.objective_names)}
