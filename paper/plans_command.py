"""``nasbound plans``: the named run plans, their sizes, and which figure reads which.

``nasbound plans`` lists every registered recipe (``solvers.plans``) with its sizes per
check profile and the figures that read it; ``nasbound plans --figure NAME`` names the
plans (and other inputs) behind one figure of the paper -- the one step from a figure to
the runs it shows; ``nasbound plans NAME [--profile full]`` prints the plan itself: every
solver/problem entry and the seeds, as ``reproduce`` and the checks would run it;
``nasbound plans --checks`` lists every check's own sizes (``Check.SIZES``: Hypothesis
examples, replicates, ...), which a profile overrides with ``[check_sizes."NAME"]``.
"""

from __future__ import annotations

import argparse
from typing import Any

from paper.commands import Command, emit_json
from theory.errors import UnknownNameError

__all__ = ["PlansCommand"]


def _registry() -> tuple[dict[str, Any], dict[str, Any]]:
    """(every plan recipe, every figure recipe), importing what registers them."""
    from paper.reproduce import FIGURES
    from proofs_checks.registry import all_checks
    from solvers.plans import PLANS

    all_checks()  # the check families register their plans on import
    return PLANS, FIGURES


class PlansCommand(Command):
    name = "plans"
    help = "the named run plans behind every check and figure, with their sizes"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("plan", nargs="?", default=None, metavar="NAME",
                            help="print this plan (its entries and seeds)")
        parser.add_argument("--figure", default=None, help="the plans behind this figure")
        parser.add_argument("--profile", choices=("quick", "full"), default="quick")
        parser.add_argument("--checks", action="store_true",
                            help="list every check's own sizes (Check.SIZES) instead")
        parser.add_argument("--json", action="store_true")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        plans, figures = _registry()
        if args.checks:
            from proofs_checks.registry import all_checks

            sized = {c.name: {p: dict(v) for p, v in c.SIZES.items()}
                     for c in all_checks() if c.SIZES}
            if args.json:
                emit_json({"checks": sized})
                return 0
            for name, by_profile in sized.items():
                print(name)
                for profile, sizes in by_profile.items():
                    print(f"    {profile}: "
                          + ", ".join(f"{k}={v}" for k, v in sizes.items()))
            return 0
        if args.figure is not None:
            if args.figure not in figures:
                raise UnknownNameError("figure", args.figure, list(figures))
            recipe = figures[args.figure]
            if args.json:
                emit_json({"figure": args.figure, "plans": list(recipe.plans),
                           "reads": recipe.reads})
                return 0
            print(f"figure {args.figure}:")
            for name in recipe.plans:
                print(f"  plan {name}: {plans[name].purpose}")
            if recipe.reads:
                print(f"  reads {recipe.reads}")
            return 0
        if args.plan is not None:
            if args.plan not in plans:
                raise UnknownNameError("run plan", args.plan, sorted(plans))
            built = plans[args.plan].plan(args.profile)
            if args.json:
                emit_json({"name": built.name, "profile": args.profile, "seeds": built.seeds,
                           "first_seed": built.first_seed, "runs": len(built),
                           "entries": [vars(e) for e in built.entries]})
                return 0
            print(built.describe())
            return 0
        readers = {name: [f for f, recipe in figures.items() if name in recipe.plans]
                   for name in plans}  # from the figures' registry, the one source
        rows = [{"plan": name, "purpose": r.purpose, "figures": readers[name],
                 "sizes": {p: dict(v) for p, v in r.sizes.items()}}
                for name, r in sorted(plans.items())]
        if args.json:
            emit_json({"plans": rows})
            return 0
        for row in rows:
            shown = f" (figures: {', '.join(row['figures'])})" if row["figures"] else ""
            print(f"{row['plan']}{shown}: {row['purpose']}")
            for profile, sizes in row["sizes"].items():
                print(f"    {profile}: " + ", ".join(f"{k}={v}" for k, v in sizes.items()))
        return 0
