"""``nasbound search --benchmark mnist-supernet``: the DARTS supernet search on MNIST5k.

``nasbound search --benchmark mnist-supernet --cell darts|nb201 --budget 150 --seeds 1
[--order first|second] [--latency-weight W] [--memory-weight W] [--combine weighted|mgda]
[--retrain-epochs E] [--json]`` runs (or reuses from the run store) the solver "darts" on
the problem "mnist-supernet" for each seed: ``--budget`` search iterations, then the
derived cell retrained from scratch and tested on the held-out split, next to the plain
two-layer CNN on the same split. It prints per seed the derived cell, the test
accuracies, the supernet-estimated and real latency/memory and the collapse diagnostics.

The shared ``search`` command dispatches here: :func:`add_supernet_arguments` adds this
benchmark's options to its parser and :func:`run_supernet_search` runs it from the parsed
arguments (``benchmark``, ``budget``, ``seeds``, ``first_seed``, ``results``, ``workers``
and ``json`` are read if present, with defaults otherwise).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from paper.commands import emit_json
from solvers.plans import PlanEntry, RunPlan
from theory.errors import InvalidParameterError

__all__ = ["add_supernet_arguments", "darts_search_plan", "run_supernet_search"]

_SHOWN = ("genotype", "retrain_test_accuracy", "plain_cnn_test_accuracy", "search_seconds",
          "retrain_train_seconds", "total_seconds", "steps_per_second",
          "evaluations_per_step", "param_free_selected", "skip_selected",
          "final_alpha_entropy", "final_hessian_eig", "estimated_cell_latency_ms",
          "real_latency_ms_search_width", "estimated_cell_memory_mb",
          "real_memory_mb_search_width", "retrained_latency_ms", "retrained_memory_mb",
          "split")


def darts_search_plan(budget: int, seeds: int, first_seed: int = 0, *, cell: str = "darts",
                      order: str = "first", channels: int = 8, latency_weight: float = 0.0,
                      memory_weight: float = 0.0, combine: str = "weighted",
                      retrain_epochs: int = 15, hessian_every: int = 0,
                      reference_every: int = 0, baseline: bool = True,
                      **solver_options: Any) -> RunPlan:
    """The run plan ``nas.supernet-darts``: the solver "darts" on "mnist-supernet" for each
    seed, as this command and ``reproduce``'s supernet figure both request it (one builder,
    so the two share runs). ``solver_options``: further darts options (batch, a_lr, ...)."""
    solver = {"steps": budget, "order": order, "latency_weight": latency_weight,
              "memory_weight": memory_weight, "combine": combine,
              "retrain_epochs": retrain_epochs, "hessian_every": hessian_every,
              "reference_every": reference_every, "baseline": baseline, **solver_options}
    problem: dict[str, Any] = {"cell": cell, "channels": channels}
    if cell == "darts":
        problem["ops"] = ""
    return RunPlan("nas.supernet-darts", (PlanEntry("darts", solver, "mnist-supernet",
                                                    problem),), seeds, first_seed,
                   "DARTS on the MNIST5k supernet: search, derive, retrain")


def add_supernet_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup
                           ) -> None:
    """The options of the mnist-supernet benchmark (none clash with the shared ones)."""
    parser.add_argument("--cell", choices=("darts", "nb201"), default="darts")
    parser.add_argument("--order", choices=("first", "second"), default="first")
    parser.add_argument("--channels", type=int, default=8, help="supernet channels")
    parser.add_argument("--latency-weight", type=float, default=0.0)
    parser.add_argument("--memory-weight", type=float, default=0.0)
    parser.add_argument("--combine", choices=("weighted", "mgda"), default="weighted")
    parser.add_argument("--retrain-epochs", type=int, default=15)
    parser.add_argument("--hessian-every", type=int, default=0)
    parser.add_argument("--reference-every", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the plain CNN trained on the same split")


def run_supernet_search(args: argparse.Namespace) -> int:
    """Run the search for each seed through the run store and print the outcomes."""
    from solvers.lab import Lab
    from solvers.store import RunStore

    benchmark = getattr(args, "benchmark", "mnist-supernet")
    if benchmark != "mnist-supernet":
        raise InvalidParameterError("--benchmark mnist-supernet", f"--benchmark {benchmark}")
    budget = getattr(args, "budget", 150)
    seeds = getattr(args, "seeds", None)
    seeds = 1 if seeds is None else seeds
    first = getattr(args, "first_seed", 0)
    if budget < 1:
        raise InvalidParameterError("--budget >= 1 (search iterations)", f"--budget {budget}")
    if seeds < 1:
        raise InvalidParameterError("--seeds >= 1", f"--seeds {seeds}")
    if first < 0:
        raise InvalidParameterError("--first-seed >= 0", f"--first-seed {first}")
    for option in ("channels", "retrain_epochs", "hessian_every", "reference_every"):
        value = getattr(args, option)
        low = 1 if option == "channels" else 0
        if value < low:
            flag = "--" + option.replace("_", "-")
            raise InvalidParameterError(f"{flag} >= {low}", f"{flag} {value}")
    for option in ("latency_weight", "memory_weight"):
        value = getattr(args, option)
        if not value >= 0:
            flag = "--" + option.replace("_", "-")
            raise InvalidParameterError(f"{flag} >= 0", f"{flag} {value}")
    plan = darts_search_plan(
        budget, seeds, first, cell=args.cell, order=args.order, channels=args.channels,
        latency_weight=args.latency_weight, memory_weight=args.memory_weight,
        combine=args.combine, retrain_epochs=args.retrain_epochs,
        hessian_every=args.hessian_every, reference_every=args.reference_every,
        baseline=not args.no_baseline)
    specs = plan.specs()
    results = Path(getattr(args, "results", Path("results")))
    as_json = bool(getattr(args, "json", False))
    lab = Lab(RunStore(results), workers=getattr(args, "workers", None) or 1,
              progress=not as_json, verbose=bool(getattr(args, "verbose", False)))
    report = lab.runs(plan, "supernet searches")
    rows = [{"seed": r.spec.seed, "key": r.spec.key, **r.summary} for r in report.runs]
    if as_json:
        emit_json({"benchmark": "mnist-supernet", "solver_config": specs[0].solver_config,
                   "problem_config": specs[0].problem_config, "results": str(results),
                   "reused": report.reused, "executed": report.executed, "runs": rows})
        return 0
    print(f"darts on mnist-supernet ({args.cell} cell, {args.order} order, budget {budget}): "
          f"{len(rows)} runs ({report.executed} executed, {report.reused} reused) in {results}")
    for row in rows:
        print(f"  seed {row['seed']}:")
        for name in _SHOWN:
            if name in row:
                value = row[name]
                shown = f"{value:.4g}" if isinstance(value, float) else str(value)
                print(f"    {name:32s} {shown}")
    return 0
