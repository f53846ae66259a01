"""Quality indicators of objective-vector sets (minimisation), via moocore."""

from __future__ import annotations

import moocore
import numpy as np
from numpy.typing import ArrayLike

from theory.errors import InvalidParameterError

__all__ = ["hypervolume"]


def hypervolume(points: ArrayLike, reference: ArrayLike) -> float:
    """Lebesgue measure dominated by ``points`` and bounded by ``reference``.

    ``points`` has shape (n_points, n_objectives); points not strictly better than the
    reference in every objective contribute nothing (moocore's convention).
    """
    pts = np.asarray(points, dtype=float)
    ref = np.asarray(reference, dtype=float)
    if pts.ndim != 2 or ref.shape != (pts.shape[1],):
        raise InvalidParameterError(
            "points is (n_points, n_objectives) and reference has n_objectives entries",
            f"points.shape={pts.shape}, reference.shape={ref.shape}",
        )
    if len(pts) == 0:
        return 0.0
    return float(moocore.hypervolume(pts, ref=ref))
