"""``nasbound search``: architecture search on NAS-Bench-201, every method, many seeds.

``nasbound search --benchmark nb201 --dataset cifar10 --device pixel3 --budget 150
--seeds 10 [--methods hybrid,reg-evolution,...] [--json]`` runs (or reuses from the run
store) each method for each seed with a budget of distinct queries, then prints, per
method, the final Pareto front pooled over the seeds (architecture string, 200-epoch test
accuracy, latency, memory), the anytime curve (hypervolume ratio and best-found accuracy
against queries) and the comparison of :mod:`analysis.nas_comparison` (mean and CI of the
best-found cell's test accuracy, hypervolume, queries to reach a target fixed by the
benchmark (``TARGET_QUANTILE`` of the accuracies of all cells), hybrid vs each baseline with
exact tests Holm-corrected over baselines and metrics, and A12 = P(hybrid better)).

:func:`search_experiment` is the experiment as a function (runs through the run store, then
the analysis on the stored runs); the command and the slow test call it.

``nasbound search --benchmark mnist-supernet --cell darts|nb201 --budget 150 [--seeds 1]
[--order first|second] ...`` is the TensorFlow DARTS supernet search on MNIST5k instead:
the command hands it to :func:`paper.supernet_command.run_supernet_search` (its options are
added by :func:`paper.supernet_command.add_supernet_arguments`; the runs go to the same run
store).

``nasbound search --benchmark pneumonia|sentiment|sunspots|co2 [--budget 60] [--seeds 3]
[--channels 8] [--warmup-steps 100] [--preset quick|full] [--methods ...]`` are the seed
paper's application tasks (medical imaging, sentiment, forecasting): the search on the task's
weight-sharing supernet, the hybrid's best cells trained from scratch and the field's
references beside them, with the task's metrics and the targets of issue 18
(:mod:`paper.application_search`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import moocore
import numpy as np

from paper.commands import Command, emit_json
from solvers.plans import PlanEntry, RunPlan
from theory.errors import InvalidParameterError, UnknownNameError

if TYPE_CHECKING:  # analysis (scipy, statsmodels) is imported when a search reports
    from analysis.nas_comparison import NASComparison

__all__ = [
    "DEFAULT_METHODS",
    "HYBRID_VARIANTS",
    "TARGET_QUANTILE",
    "SearchCommand",
    "SearchOutcome",
    "benchmark_target",
    "hybrid_ablation_plan",
    "pooled_front",
    "search_experiment",
]

DEFAULT_METHODS = ("hybrid", "random-search", "reg-evolution", "nsga2-cells", "local-search",
                   "optuna-tpe", "optuna-nsgaii")
BENCHMARKS = ("nb201", "mnist-supernet", "pneumonia", "sentiment", "sunspots", "co2")
#: the application tasks (paper.application_search.TASKS)
APPLICATION_BENCHMARKS = ("pneumonia", "sentiment", "sunspots", "co2")
#: seeds when --seeds is not given, per benchmark (a supernet search takes minutes)
DEFAULT_SEEDS = {"nb201": 10, "mnist-supernet": 1, **dict.fromkeys(APPLICATION_BENCHMARKS, 3)}
#: distinct queries (search iterations for mnist-supernet) when --budget is not given
DEFAULT_BUDGET = {"nb201": 150, "mnist-supernet": 150,
                  **dict.fromkeys(APPLICATION_BENCHMARKS, 60)}
#: the queries-to-target target: this quantile of the test accuracy over all NB201 cells of
#: the data set, fixed before any run (CIFAR-10 93.77 %, CIFAR-100 71.13 %,
#: ImageNet16-120 45.39 %); the top 1 % of the space, inside what 150 queries can find
TARGET_QUANTILE = 0.99


def benchmark_target(dataset: str, quantile: float = TARGET_QUANTILE) -> tuple[float, str]:
    """(target accuracy, how it was fixed) for queries to target on an NB201 data set."""
    from solvers.problems.nb201 import NB201Config, NB201Problem

    problem = NB201Problem(NB201Config(dataset=dataset))
    return (problem.test_accuracy_quantile(quantile),
            f"the {quantile:.0%} quantile of the test accuracy over all 15,625 cells")


@dataclass
class SearchOutcome:
    comparison: NASComparison
    fronts: dict[str, list[dict[str, Any]]]
    executed: int
    reused: int


def nb201_plan(dataset: str, device: str, memory: str, budget: int, seeds: int,
               methods: Sequence[str] = DEFAULT_METHODS, first_seed: int = 0,
               method_params: Mapping[str, Mapping[str, Any]] | None = None) -> RunPlan:
    """The run plan ``nas.nb201``: every method x seed on NAS-Bench-201 with ``budget``
    distinct queries, as this command and ``reproduce``'s NAS tables and figures request
    it (one builder, so the two share runs)."""
    extra = method_params or {}
    problem = {"dataset": dataset, "device": device, "memory": memory}
    return RunPlan("nas.nb201", tuple(PlanEntry(method, {"max_queries": budget,
                                                         **extra.get(method, {})},
                                                "nb201", problem) for method in methods),
                   seeds, first_seed, f"the NAS methods on NAS-Bench-201 {dataset}")


#: the hybrid's ablation: each part switched off in turn (pruning, off by default, on)
HYBRID_VARIANTS: dict[str, dict[str, Any]] = {
    "full": {},
    "no-evolution": {"evolution": False},
    "no-screening": {"screening": "random"},
    "no-local": {"local_top": 0},
    "no-refinement": {"n_refine": 0},
    "with-pruning": {"stages": 3, "min_ops": 2},
}


def hybrid_ablation_plan(dataset: str, device: str, memory: str, budget: int, seeds: int,
                         first_seed: int = 0) -> RunPlan:
    """The run plan ``nas.hybrid-ablation``: every variant of ``HYBRID_VARIANTS`` x seed on
    NAS-Bench-201, entries in that order (the full hybrid's runs are ``nas.nb201``'s)."""
    problem = {"dataset": dataset, "device": device, "memory": memory}
    return RunPlan("nas.hybrid-ablation", tuple(
        PlanEntry("hybrid", {"max_queries": budget, **params}, "nb201", problem)
        for params in HYBRID_VARIANTS.values()), seeds, first_seed,
        f"the hybrid with each part switched off in turn, NAS-Bench-201 {dataset}")


def pooled_front(summaries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The non-dominated cells of the union of the runs' fronts, sorted by search error."""
    rows: dict[str, tuple[list[float], float]] = {}
    for summary in summaries:
        for cell, values, accuracy in zip(summary["front_cells"], summary["front_objectives"],
                                          summary["front_test_accuracy"], strict=True):
            rows[cell] = (list(values), float(accuracy))
    if not rows:
        return []
    cells = list(rows)
    values = np.array([rows[c][0] for c in cells])
    keep = np.flatnonzero(moocore.is_nondominated(values))
    keep = keep[np.lexsort(values[keep].T[::-1])]
    return [{"cell": cells[i], "search_error": float(values[i, 0]),
             "latency_ms": float(values[i, 1]), "memory": float(values[i, 2]),
             "test_accuracy": rows[cells[i]][1]} for i in keep]


def search_experiment(store: Any, dataset: str = "cifar10", device: str = "pixel3",
                      memory: str = "params", budget: int = 150, seeds: int = 10,
                      first_seed: int = 0, methods: Sequence[str] = DEFAULT_METHODS,
                      method_params: Mapping[str, Mapping[str, Any]] | None = None,
                      workers: int | None = None, progress: bool = False,
                      paired: bool = False) -> SearchOutcome:
    """Run (or reuse) every method x seed on NAS-Bench-201 and compare the stored runs."""
    from solvers.lab import Lab

    if budget < 1 or seeds < 1:
        raise InvalidParameterError("budget >= 1 and seeds >= 1",
                                    f"budget={budget}, seeds={seeds}")
    if len(set(methods)) != len(methods) or len(methods) < 2:
        raise InvalidParameterError("methods name at least two methods, each once",
                                    f"methods={list(methods)}")
    plan = nb201_plan(dataset, device, memory, budget, seeds, methods, first_seed,
                      method_params)
    lab = store if isinstance(store, Lab) else Lab(store, workers=workers, progress=progress)
    report = lab.runs(plan, "nb201 search")
    from analysis.nas_comparison import as_run_data, compare_methods

    data = as_run_data(report.runs)
    target, source = benchmark_target(dataset)
    # the hybrid against each other method; without it, the first method named
    reference = "hybrid" if "hybrid" in methods else methods[0]
    comparison = compare_methods(data, target_accuracy=target, target_source=source,
                                 hybrid=reference, paired=paired)
    fronts = {m: pooled_front([r.summary for r in data if r.method == m]) for m in methods}
    return SearchOutcome(comparison, fronts, report.executed, report.reused)


def _spread(rows: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    if len(rows) <= count:
        return rows
    picks = np.unique(np.linspace(0, len(rows) - 1, count).round().astype(int))
    return [rows[i] for i in picks]


def _run_application(args: argparse.Namespace) -> int:
    """``--benchmark pneumonia|sentiment|sunspots|co2``: paper.application_search."""
    from paper.application_search import application_experiment, format_outcome, sizes_from
    from solvers.lab import Lab
    from solvers.store import RunStore

    sizes = sizes_from(args)
    lab = Lab(RunStore(args.results), workers=args.workers,
              progress=not args.json and sys.stderr.isatty())
    outcome = application_experiment(lab, args.benchmark, sizes)
    if args.json:
        emit_json({**outcome.to_dict(), "results": str(args.results)})
    else:
        print(format_outcome(outcome))
    return 0


class SearchCommand(Command):
    name = "search"
    help = ("search NAS-Bench-201 with the hybrid and the baselines and compare them; or "
            "run DARTS on the MNIST5k supernet (--benchmark mnist-supernet)")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        from paper.supernet_command import add_supernet_arguments

        parser.add_argument("--benchmark", default="nb201", help=" | ".join(BENCHMARKS))
        parser.add_argument("--dataset", default="cifar10",
                            help="cifar10 | cifar100 | imagenet16-120")
        parser.add_argument("--device", default="pixel3")
        parser.add_argument("--memory", default="params", help="params | activations")
        parser.add_argument("--budget", type=int, default=None,
                            help="distinct queries per run (default 150; 60 on the "
                            "application tasks)")
        parser.add_argument("--seeds", type=int, default=None,
                            help="seeds first..first+K-1 (default 10 on nb201, 1 on "
                            "mnist-supernet)")
        parser.add_argument("--first-seed", type=int, default=0)
        parser.add_argument("--methods", default=None,
                            help="comma-separated solver names (nb201; default "
                            f"{','.join(DEFAULT_METHODS)}); mnist-supernet runs darts")
        parser.add_argument("--show", type=int, default=8,
                            help="front rows printed per method (spread along the front)")
        parser.add_argument("--paired", action="store_true",
                            help="Wilcoxon signed-rank on seed-matched runs")
        parser.add_argument("--results", type=Path, default=Path("results"))
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--json", action="store_true")
        group = parser.add_argument_group("mnist-supernet (DARTS on MNIST5k)")
        add_supernet_arguments(group)
        apps = parser.add_argument_group(
            "application tasks (pneumonia, sentiment, sunspots, co2; --channels above)")
        apps.add_argument("--preset", choices=("quick", "full"), default="full",
                          help="training recipe of the found cell and the references")
        apps.add_argument("--warmup-steps", type=int, default=None,
                          help="supernet weight steps before the first query (default 100)")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        from solvers.registry import SOLVERS
        from solvers.store import RunStore

        if args.benchmark not in BENCHMARKS:
            raise UnknownNameError("benchmark", args.benchmark, list(BENCHMARKS))
        if args.seeds is None:
            args.seeds = DEFAULT_SEEDS[args.benchmark]
        if args.budget is None:
            args.budget = DEFAULT_BUDGET[args.benchmark]
        if args.benchmark in APPLICATION_BENCHMARKS:
            return _run_application(args)
        if args.benchmark == "mnist-supernet":
            from paper.supernet_command import run_supernet_search

            if args.methods is not None and args.methods.strip() != "darts":
                raise InvalidParameterError("--methods darts on --benchmark mnist-supernet",
                                            f"--methods {args.methods}")
            return run_supernet_search(args)
        methods = [m.strip() for m in (args.methods or ",".join(DEFAULT_METHODS)).split(",")
                   if m.strip()]
        for method in methods:
            if method not in SOLVERS:
                raise UnknownNameError("solver", method, list(SOLVERS))
        outcome = search_experiment(
            RunStore(args.results), args.dataset, args.device, args.memory, args.budget,
            args.seeds, args.first_seed, methods, workers=args.workers,
            progress=not args.json and sys.stderr.isatty(), paired=args.paired)
        comparison = outcome.comparison
        if args.json:
            emit_json({"comparison": comparison.to_dict(), "fronts": outcome.fronts,
                        "executed": outcome.executed, "reused": outcome.reused,
                        "results": str(args.results)})
            return 0
        print(f"NAS-Bench-201 {args.dataset}, latency on {args.device}, memory {args.memory}: "
              f"{len(methods)} methods x {args.seeds} seeds, budget {args.budget} queries "
              f"({outcome.executed} runs executed, {outcome.reused} reused)")
        unit = "M params" if args.memory == "params" else "MB"
        for method in methods:
            rows = outcome.fronts[method]
            print(f"\n{method}: pooled Pareto front, {len(rows)} cells")
            for row in _spread(rows, args.show):
                print(f"  {row['cell']}  test {row['test_accuracy']:6.2f}%  "
                      f"lat {row['latency_ms']:7.2f} ms  mem {row['memory']:.3f} {unit}")
        print("\nanytime curve (mean over seeds): hypervolume ratio / best-found test acc %")
        grid = comparison.grid
        shown = [k for k, q in enumerate(grid) if k in (0, len(grid) - 1) or k % 3 == 0]
        print(f"{'queries':15s} " + " ".join(f"{grid[k]:>13d}" for k in shown))
        for method, curve in comparison.curves.items():
            print(f"{method:15s} " + " ".join(
                f"{curve['hypervolume_mean'][k]:.3f}/{curve['accuracy_mean'][k]:5.2f}"
                for k in shown))
        print()
        print(comparison.table())
        return 0
