"""Wall time of the quick check profile, per bound family (every setting of every check)."""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict

import pandas as pd

from proofs_checks.check import CheckContext
from proofs_checks.registry import all_checks
from solvers.lab import Lab

__all__ = ["check_times_table"]


def check_times_table(profile: str = "quick") -> pd.DataFrame:
    """Seconds per family with a fresh store (nothing reused), as CI would see it."""
    from theory.registry import get_bound

    seconds: dict[str, float] = defaultdict(float)
    settings: dict[str, int] = defaultdict(int)
    with tempfile.TemporaryDirectory() as folder:
        context = CheckContext(profile=profile, lab=Lab.at(folder))
        for check in all_checks():
            family = get_bound(check.bound_id).family
            for setting in check.settings():
                start = time.perf_counter()
                check.run(context, setting.name)
                seconds[family] += time.perf_counter() - start
                settings[family] += 1
    rows = [{"family": f, "settings": settings[f], "seconds": seconds[f]} for f in seconds]
    rows.append({"family": "total", "settings": sum(settings.values()),
                 "seconds": sum(seconds.values())})
    return pd.DataFrame(rows)
