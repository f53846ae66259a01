"""``nasbound bench``: the benchmarks of paper.bench, printed side by side with the peers."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pandas as pd

from paper.commands import Command, emit_json

__all__ = ["BenchCommand"]


def _benchmarks(quick: bool) -> dict[str, Callable[[], pd.DataFrame]]:
    from paper.bench.checks_time import check_times_table
    from paper.bench.nsga2_peers import BenchSettings, nsga2_vs_pymoo
    from paper.bench.sorting import sorting_table
    from paper.bench.theory_runs import theory_runs_table

    settings = BenchSettings(seeds=3, generations=100) if quick else BenchSettings()
    table: dict[str, Callable[[], pd.DataFrame]] = {
        "nsga2": lambda: nsga2_vs_pymoo(settings),
        "sorting": lambda: sorting_table((200, 1000) if quick else (200, 1000, 5000)),
        "theory-runs": lambda: theory_runs_table((50, 100) if quick else (50, 100, 200)),
        "checks": check_times_table,
    }
    return table  # the TensorFlow supernet benchmark: python -m paper.bench.supernet


class BenchCommand(Command):
    name = "bench"
    help = "benchmarks printed side by side with pymoo, moocore and TensorFlow baselines"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("names", nargs="*", help="nsga2, sorting, theory-runs, checks "
                            "(default: all; the supernet's is python -m paper.bench.supernet)")
        parser.add_argument("--quick", action="store_true", help="fewer seeds and sizes")
        parser.add_argument("--json", action="store_true")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        from theory.errors import UnknownNameError

        benchmarks = _benchmarks(args.quick)
        names = args.names or list(benchmarks)
        for name in names:
            if name not in benchmarks:
                raise UnknownNameError("benchmark", name, list(benchmarks))
        results = {}
        for name in names:
            frame = benchmarks[name]()
            results[name] = frame
            if not args.json:
                print(f"\n== {name} ==")
                print(frame.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        if args.json:
            emit_json({name: frame.to_dict(orient="records") for name, frame in results.items()})
        return 0
