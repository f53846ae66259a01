"""``nasbound bench``: the benchmarks of paper.bench, printed side by side with the peers."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from paper.commands import Command, emit_json

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BenchCommand"]

Output = list[tuple[str, "pd.DataFrame | str"]]


def _benchmarks(quick: bool) -> dict[str, Callable[[], Output]]:
    from paper.bench.checks_time import check_times_table
    from paper.bench.nsga2_peers import BenchSettings, nsga2_vs_pymoo
    from paper.bench.profile import nsga2_profile_text
    from paper.bench.sorting import sorting_exponents, sorting_table
    from paper.bench.theory_runs import theory_runs_table

    settings = BenchSettings(seeds=3, generations=100) if quick else BenchSettings()

    def sorting() -> Output:
        table = sorting_table((200, 1000) if quick else (200, 1000, 5000),
                              repeat=3 if quick else 9)
        return [("sorting", table), ("sorting: fitted exponent b in time ~ N^b",
                                     sorting_exponents(table))]

    table: dict[str, Callable[[], Output]] = {
        "nsga2": lambda: [("nsga2", nsga2_vs_pymoo(settings))],
        "sorting": sorting,
        "theory-runs": lambda: [("theory-runs", theory_runs_table(
            (50, 100) if quick else (50, 100, 200)))],
        "checks": lambda: [("checks", check_times_table())],
        "profile": lambda: [("profile: NSGA-II on ZDT1, own time per function (s)",
                             nsga2_profile_text(seeds=1 if quick else 3))],
    }
    return table  # the TensorFlow supernet benchmark: python -m paper.bench.supernet


class BenchCommand(Command):
    name = "bench"
    help = "benchmarks printed side by side with pymoo, moocore and TensorFlow baselines"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("names", nargs="*", help="nsga2, sorting, theory-runs, checks, "
                            "profile (default: all; the supernet's is python -m "
                            "paper.bench.supernet)")
        parser.add_argument("--quick", action="store_true", help="fewer seeds and sizes")
        parser.add_argument("--json", action="store_true")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        import pandas as pd

        from theory.errors import UnknownNameError

        benchmarks = _benchmarks(args.quick)
        names = args.names or list(benchmarks)
        for name in names:
            if name not in benchmarks:
                raise UnknownNameError("benchmark", name, list(benchmarks))
        results: dict[str, object] = {}
        for name in names:
            for title, output in benchmarks[name]():
                results[title] = (output.to_dict(orient="records")
                                  if isinstance(output, pd.DataFrame) else output)
                if not args.json:
                    print(f"\n== {title} ==")
                    print(output.to_string(index=False, float_format=lambda v: f"{v:.4g}")
                          if isinstance(output, pd.DataFrame) else output, flush=True)
        if args.json:
            emit_json(results)
        return 0
