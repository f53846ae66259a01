"""NAS-Bench-201 as a three-objective architecture problem on real measurements.

Candidates are NAS-Bench-201 cells (tuples of 6 operation indices, see
:class:`solvers.search_space.NB201Cell`). The objectives, minimised, are

* ``error`` — 100 minus the 12-epoch validation accuracy (%) of the chosen data set, the
  cheap search signal of the NAS-Bench-201 protocol (Dong & Yang, ICLR 2020, Sec. 5);
* ``latency`` — the measured inference latency (ms) on the chosen device (HW-NAS-Bench,
  Li et al., ICLR 2021, for fpga/eyeriss/pixel3/raspi4; HELP, Lee et al., NeurIPS 2021, for
  the others). The table holds one latency per cell and device, measured on CIFAR-10
  input; it is used for every data set;
* ``memory`` — parameters (millions) or peak activation memory (MB = 10^6 bytes) of the
  network, computed from the cell and the skeleton by :mod:`solvers.cost_model` (input
  32x32 for CIFAR, 16x16 for ImageNet16-120; 10, 100 or 120 classes).

``report`` gives what search must never see: the 200-epoch test accuracy (NATS-Bench
topology space, mean over seeds), the 12-epoch test accuracy and the costs. Each query
costs simulated search time: 12 epochs of training on the 25,000 training images of the
NAS-Bench-201 search split, each batch of 256 costing three forward passes (forward plus
backward, the usual 1:2 estimate) at the latency measured on a GTX 1080 Ti at batch 256
(HELP column ``1080ti_256``): ``12 * ceil(25000/256) * 3 * latency_ms / 1000`` seconds.
This is a model built from measurements, not a measured training time.

Ground truth lives here: ``objective_table()`` holds the objectives of all 15,625 cells,
``pareto_front()`` their exact front and ``max_hypervolume()`` its hypervolume (reference
point ``reference_point()``), so a search's hypervolume can be read as a fraction of the
best possible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, ClassVar

import moocore
import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule, choices
from solvers.cost_model import cost_table
from solvers.datasets import NB201_DEVICES, latency_column, load_nb201
from solvers.problems.architecture import ArchitectureProblem, Cell
from solvers.search_space import MacroSkeleton, NB201Cell
from theory.errors import InvalidParameterError

__all__ = ["NB201Config", "NB201Problem"]

DATASETS = ("cifar10", "cifar100", "imagenet16-120")
MEMORIES = ("params", "activations")
#: (12-epoch validation column, 12-epoch test column, 200-epoch test column, classes, side)
_COLUMNS = {
    "cifar10": ("cifar10_val_12ep", "cifar10_test_12ep", "c10_test_200ep_natsbench", 10, 32),
    "cifar100": ("cifar100_val_12ep", "cifar100_test_12ep", "c100_test_200ep_natsbench", 100,
                 32),
    "imagenet16-120": ("imagenet_val_12ep", "imagenet_test_12ep", "in16_test_200ep_natsbench",
                       120, 16),
}
#: the simulated training time per query (module docstring)
TRAIN_EPOCHS = 12
TRAIN_IMAGES = 25_000
BATCH = 256
BACKWARD_FACTOR = 3.0
TIMING_COLUMN = "help_1080ti_256_latency_ms"
#: reference point: the worst value of each objective over all cells plus this share of
#: the objective's range (a fixed point dominated by every cell)
REFERENCE_MARGIN = 0.1


@dataclass(frozen=True)
class NB201Config(Config):
    dataset: str = field(default="cifar10", metadata={
        "help": "cifar10 | cifar100 | imagenet16-120"})
    device: str = field(default="pixel3", metadata={
        "help": "device of the measured latency (fpga, eyeriss, pixel3, raspi4, ...)"})
    memory: str = field(default="params", metadata={
        "help": "memory objective: params (millions) | activations (peak MB)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        choices("dataset", DATASETS),
        choices("device", NB201_DEVICES),
        choices("memory", MEMORIES),
    )


class NB201Problem(ArchitectureProblem[NB201Config]):
    """NAS-Bench-201 on (search error, measured latency, memory)."""

    name = "nb201"
    Config = NB201Config

    def __init__(self, config: NB201Config) -> None:
        super().__init__(config)
        self.cell_space = NB201Cell()
        self.space = self.cell_space
        self.objective_names = ("error", "latency", "memory")
        self.skeleton, self._objectives, self._report, self._seconds = _tables(
            config.dataset, config.device, config.memory)

    # -- validation at the boundary -------------------------------------------------------
    def _rows(self, cells: Sequence[Cell]) -> NDArray[np.int64]:
        if isinstance(cells, str | bytes) or not isinstance(cells, Sequence | np.ndarray):
            raise InvalidParameterError("cells is a sequence of cells (tuples of operation "
                                        "indices)", f"{type(cells).__name__}")
        rows = np.empty(len(cells), dtype=np.int64)
        for k, cell in enumerate(cells):
            values = self.space.validate(cell)
            rows[k] = sum(v * 5 ** (5 - e) for e, v in enumerate(values))
        return rows

    def parse(self, text: str) -> Cell:
        """A cell from its NAS-Bench-201 string; an unknown op or malformed string raises."""
        return self.cell_space.from_string(text)

    # -- the interface ------------------------------------------------------------------------
    def evaluate(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self._objectives[self._rows(cells)]
        return result

    def report(self, cells: Sequence[Cell]) -> dict[str, NDArray[np.float64]]:
        rows = self._rows(cells)
        return {name: values[rows] for name, values in self._report.items()}

    def query_seconds(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        result: NDArray[np.float64] = self._seconds[self._rows(cells)]
        return result

    def reference_point(self) -> NDArray[np.float64]:
        worst = self._objectives.max(axis=0)
        best = self._objectives.min(axis=0)
        result: NDArray[np.float64] = worst + REFERENCE_MARGIN * (worst - best)
        return result

    def ideal_point(self) -> NDArray[np.float64]:
        """The best value of each objective over all cells (the ideal point)."""
        result: NDArray[np.float64] = self._objectives.min(axis=0)
        return result

    # -- ground truth -----------------------------------------------------------------------
    def objective_table(self) -> NDArray[np.float64]:
        """Objectives of all cells, row r = the cell with base-5 digits of r."""
        return self._objectives.copy()

    @cached_property
    def _front_mask(self) -> NDArray[np.bool_]:
        return np.asarray(moocore.is_nondominated(self._objectives), dtype=bool)

    def pareto_front(self) -> NDArray[np.float64]:
        """The exact Pareto front of the objectives over all 15,625 cells."""
        result: NDArray[np.float64] = self._objectives[self._front_mask]
        return result

    def pareto_cells(self) -> list[Cell]:
        all_cells = list(self.cell_space.all_cells())
        return [all_cells[r] for r in np.flatnonzero(self._front_mask)]

    def max_hypervolume(self) -> float:
        """Hypervolume of the exact front with respect to ``reference_point()``."""
        return float(moocore.hypervolume(self.pareto_front(), ref=self.reference_point()))

    def test_accuracy_quantile(self, q: float) -> float:
        """The q-quantile of the 200-epoch test accuracy over all 15,625 cells: a target
        that is fixed before any run (numpy's default, linear interpolation)."""
        if not 0 <= q <= 1:
            raise InvalidParameterError("0 <= q <= 1", f"q={q}")
        return float(np.quantile(self._report["test_accuracy"], q))

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "reference_point": self.reference_point().tolist()}


@cache
def _tables(dataset: str, device: str, memory_kind: str
            ) -> tuple[MacroSkeleton, NDArray[np.float64], dict[str, NDArray[np.float64]],
                       NDArray[np.float64]]:
    """Skeleton, objectives, report columns and query seconds of a setting, rows in the
    order of ``NB201Cell.all_cells()``; built once per process (read-only arrays)."""
    space = NB201Cell()
    val, test12, test200, classes, side = _COLUMNS[dataset]
    skeleton = MacroSkeleton(num_classes=classes, input_size=side)
    table = load_nb201()
    # rows of the benchmark in the order of NB201Cell.all_cells() (base-5 digits)
    cells = np.array([space.from_string(s) for s in table["arch_str"]])
    position = (cells * 5 ** np.arange(5, -1, -1)).sum(axis=1)
    order = np.empty(len(position), dtype=np.int64)
    order[position] = np.arange(len(position))
    rows = table.iloc[order]
    costs = cost_table(skeleton)
    memory = (costs["params"] / 1e6 if memory_kind == "params"
              else costs["peak_activation_bytes"] / 1e6)
    objectives = np.stack([100.0 - rows[val].to_numpy(float),
                           rows[latency_column(device)].to_numpy(float),
                           memory.astype(float)], axis=1)
    report = {
        "test_accuracy": rows[test200].to_numpy(float),
        "test_accuracy_12ep": rows[test12].to_numpy(float),
        "params_m": costs["params"] / 1e6,
        "flops_m": costs["flops"] / 1e6,
        "peak_activation_mb": costs["peak_activation_bytes"] / 1e6,
        "nb201_index": rows["nb201_index"].to_numpy(float),
    }
    batches = math.ceil(TRAIN_IMAGES / BATCH)
    seconds = TRAIN_EPOCHS * batches * BACKWARD_FACTOR * rows[TIMING_COLUMN].to_numpy(float) / 1000
    for array in (objectives, seconds, *report.values()):
        array.flags.writeable = False
    return skeleton, objectives, report, seconds
