"""The one check of a sample that the statistics in ``analysis`` share.

A public statistic validates its arrays here, once, and computes on what comes back
(STYLE.md pattern 5): a 1-D float array of at least ``minimum`` entries. A broken rule
raises :class:`theory.errors.InvalidParameterError` naming it and the value.

Two kinds of statistic call it. Those that use values as numbers (means, fits, intervals)
need every entry finite. Those that only compare values (rank tests, A12) also take +-inf,
which stands for a diverged run at its metric's worst (``diverged=True``); NaN is refused by
both, as it has no place in an order.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from theory.errors import InvalidParameterError

__all__ = ["sample_vector"]


def sample_vector(values: ArrayLike, name: str, minimum: int, *, diverged: bool = False
                  ) -> np.ndarray:
    """``values`` flattened to a float array; raises unless it has ``minimum`` entries or
    more, all finite (``diverged``: all numbers, +-inf allowed)."""
    array = np.asarray(values, dtype=float).ravel()
    if len(array) < minimum:
        raise InvalidParameterError(f"len({name}) >= {minimum}", f"len({name})={len(array)}")
    if diverged:
        if np.any(np.isnan(array)):
            raise InvalidParameterError(f"every entry of {name} is a number (+-inf for a "
                                        "diverged run)", "a NaN entry")
    elif not np.all(np.isfinite(array)):
        raise InvalidParameterError(f"every entry of {name} is finite", "a NaN or inf entry")
    return array
