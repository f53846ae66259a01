"""``nasbound stats RUNS_DIR``: the significance report of a stored comparison.

Reads every run in a run store folder, groups them (``--group-by solver|problem|FIELD``),
and prints, per measurement, the per-block summaries, the pairwise exact rank tests with
A12 = P(A better than B) and p-values corrected across every measurement, and the
Friedman (then, if it rejects, Nemenyi) or signed-rank comparison across blocks
(``analysis.report``). Each measurement's direction comes from ``analysis.metrics``;
``--maximize NAME`` / ``--minimize NAME`` (repeatable) give it for one the registry does
not know. ``--json`` prints the report as JSON;
``--latex OUT`` also writes it as booktabs tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paper.commands import Command, emit_json

__all__ = ["StatsCommand"]


class StatsCommand(Command):
    name = "stats"
    help = "significance report (rank tests, effect sizes, CD) of the runs in a run store"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("runs_dir", type=Path, metavar="RUNS_DIR")
        parser.add_argument("--metric", action="append", default=None, metavar="NAME",
                            help="summary entry or trace column (repeatable; its direction "
                                 "must be known); default: every numeric summary entry that "
                                 "varies between runs and has a known direction (the others "
                                 "are named in a note)")
        parser.add_argument("--group-by", default="solver",
                            help="what is compared: solver, problem or a config field")
        parser.add_argument("--maximize", action="append", default=[], metavar="NAME",
                            help="a measurement where higher is better that analysis.metrics "
                                 "does not declare (repeatable)")
        parser.add_argument("--minimize", action="append", default=[], metavar="NAME",
                            help="a measurement where lower is better that analysis.metrics "
                                 "does not declare (repeatable)")
        parser.add_argument("--paired", action="store_true",
                            help="pair runs by seed: the exact Wilcoxon signed-rank test "
                                 "on the seeds both methods have (a note names the others)")
        parser.add_argument("--alpha", type=float, default=0.05)
        parser.add_argument("--correction", choices=("holm", "bh"), default="holm")
        parser.add_argument("--seed", type=int, default=0,
                            help="seed of the Friedman test's Monte-Carlo permutation p")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--latex", type=Path, default=None, metavar="OUT")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        from analysis.report import store_report

        report = store_report(args.runs_dir, args.metric, args.group_by,
                              maximize=args.maximize, minimize=args.minimize,
                              alpha=args.alpha, correction=args.correction,
                              paired=args.paired, seed=args.seed)
        if args.latex is not None:
            args.latex.parent.mkdir(parents=True, exist_ok=True)
            args.latex.write_text(report.to_latex())
        if args.json:
            emit_json(report.to_dict())
        else:
            sys.stdout.write(report.to_text() + "\n")
        return 0
