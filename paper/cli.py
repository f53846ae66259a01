"""The ``nasbound`` command: the user's door to bounds, runs, checks and the paper.

A registry of small subcommand classes behind one console script (after Optuna's CLI):
``bounds`` (list, show, latex, eval), ``run``, ``check`` and ``reproduce``. Every error the
package raises on bad input is printed as one line naming the broken rule and the value,
with exit status 2; a check that finds a violation where the assumptions hold (or misses a
sabotaged one) exits with status 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paper.bench_command import BenchCommand
from paper.commands import Command, emit_json
from paper.plans_command import PlansCommand
from paper.search_command import SearchCommand
from paper.stats_command import StatsCommand
from theory.errors import InvalidParameterError, NasboundError

__all__ = ["main"]

logger = logging.getLogger("nasbound")


def _parse_value(text: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise InvalidParameterError("a value is a number or true/false", f"{text!r}") from None


def _name_values(pairs: Sequence[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name or not raw:
            raise InvalidParameterError("arguments are name=value pairs", f"{pair!r}")
        values[name] = _parse_value(raw)
    return values


class BoundsCommand(Command):
    name = "bounds"
    help = "list, show, render or evaluate the bounds of the catalogue"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="one line per bound")
        listing.add_argument("--family")
        listing.add_argument("--mode", help="claim mode, e.g. deterministic, expectation")
        listing.add_argument("--json", action="store_true")
        show = sub.add_parser("show", help="everything about one bound")
        show.add_argument("bound_id")
        show.add_argument("--json", action="store_true")
        latex = sub.add_parser("latex", help="LaTeX theorem environments, ready for \\input")
        latex.add_argument("bound_ids", nargs="*")
        latex.add_argument("--family")
        latex.add_argument("--json", action="store_true")
        evaluate = sub.add_parser("eval", help="evaluate a bound: nasbound bounds eval ID L=1 N=10")
        evaluate.add_argument("bound_id")
        evaluate.add_argument("values", nargs="*", metavar="name=value")
        evaluate.add_argument("--json", action="store_true")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        from theory.registry import get_bound, select_bounds, unchecked_basis

        if args.action == "list":
            bounds = select_bounds(args.family, args.mode)
            if args.json:
                emit_json([b.to_dict() for b in bounds])
            else:
                for b in bounds:
                    flag = "" if b.source.locator_checked else "  [locator unchecked]"
                    if b.source.locator_checked and unchecked_basis(b):
                        flag = "  [rests on unchecked locator]"
                    print(f"{b.id:36s} {b.direction.value:6s} {b.mode.value:17s} "
                          f"{b.source.authors.split(',')[0]} {b.source.year}{flag}")
            return 0
        if args.action == "show":
            bound = get_bound(args.bound_id)
            basis = unchecked_basis(bound)
            if args.json:
                emit_json({**bound.to_dict(), "unchecked_basis": basis})
            else:
                data = bound.to_dict()
                print(f"{bound.id}: {bound.title}")
                print(f"  claim      {bound.latex()}")
                print(f"  kind       {data['direction']}, {data['mode']}"
                      f"{', tight' if bound.tight else ''}")
                for a in bound.assumptions:
                    print(f"  assumes    {a.name}: {a.statement}  [{a.rule}]")
                print(f"  source     {bound.source.cite()}")
                if bound.source.rests_on:
                    print(f"  rests on   {', '.join(bound.source.rests_on)}")
                if basis:
                    print(f"  locator unchecked: {', '.join(basis)}")
                if bound.source.note:
                    print(f"  note       {bound.source.note}")
            return 0
        if args.action == "latex":
            from paper.latex import bound_tex

            bounds = ([get_bound(i) for i in args.bound_ids] if args.bound_ids
                      else list(select_bounds(args.family)))
            if args.json:
                emit_json({b.id: bound_tex(b, bounds) for b in bounds})
            else:
                print("% nasbound bounds latex: one bound environment per bound; the preamble"
                      " needs\n% \\newtheorem{bound}{Bound} (amsthm), amsmath and amssymb.")
                print("\n\n".join(bound_tex(b, bounds) for b in bounds))
            return 0
        bound = get_bound(args.bound_id)
        constants = _name_values(args.values)
        value = bound.evaluate(**constants)
        known = set(constants)
        checkable = [a for a in bound.assumptions if a.symbol_names <= known]
        failed = [a.name for a in checkable if not a.holds(constants)]
        unchecked = [a.name for a in bound.assumptions if not a.symbol_names <= known]
        if args.json:
            emit_json({"id": bound.id, "value": value, "constants": constants,
                        "failed_assumptions": failed, "unchecked_assumptions": unchecked})
        else:
            print(f"{bound.id} = {value:.12g}")
            if failed:
                print(f"  assumptions that fail on these values: {', '.join(failed)}")
            if unchecked:
                print(f"  assumptions not decided (give their symbols): {', '.join(unchecked)}")
        return 0


class RunCommand(Command):
    name = "run"
    help = "run a solver on a problem for several seeds and store the runs"
    accepts_extra = True

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("solver")
        parser.add_argument("--problem", required=True)
        parser.add_argument("--seeds", type=int, default=1, help="seeds 0..K-1")
        parser.add_argument("--first-seed", type=int, default=0)
        parser.add_argument("--results", type=Path, default=Path("results"))
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--scheduler", default=None,
                            help="tcp://HOST:PORT of a Dask scheduler (default: local processes)")
        parser.add_argument("--json", action="store_true")
        parser.epilog = ("solver and problem parameters follow as --name value, "
                         "e.g. --n 50 --pop 204 --selection deb-tournament")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        from solvers.execute import make_spec
        from solvers.lab import Lab
        from solvers.registry import PROBLEMS, SOLVERS
        from theory.errors import UnknownNameError

        if args.solver not in SOLVERS:
            raise UnknownNameError("solver", args.solver, list(SOLVERS))
        if args.problem not in PROBLEMS:
            raise UnknownNameError("problem", args.problem, list(PROBLEMS))
        if args.seeds < 1:
            raise InvalidParameterError("--seeds >= 1", f"--seeds {args.seeds}")
        solver_fields = set(SOLVERS[args.solver].Config.field_help())
        problem_fields = set(PROBLEMS[args.problem].Config.field_help())
        solver_params: dict[str, str] = {}
        problem_params: dict[str, str] = {}
        tokens = list(extra)
        while tokens:
            flag = tokens.pop(0)
            if not flag.startswith("--") or not tokens or tokens[0].startswith("--"):
                raise InvalidParameterError(
                    "parameters are given as --name value", f"{flag!r}")
            name = flag[2:].replace("-", "_")
            value = tokens.pop(0)
            if name in problem_fields:
                problem_params[name] = value
            elif name in solver_fields:
                solver_params[name] = value
            else:
                raise InvalidParameterError(
                    f"--{name.replace('_', '-')} is a parameter of solver {args.solver!r} "
                    f"({', '.join(sorted(solver_fields))}) or problem {args.problem!r} "
                    f"({', '.join(sorted(problem_fields))})", f"--{name.replace('_', '-')}")
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        specs = [make_spec(args.solver, solver_params, args.problem, problem_params, s)
                 for s in seeds]  # everything is validated before anything runs
        lab = Lab.at(args.results, workers=args.workers, progress=not args.json,
                     scheduler=args.scheduler, verbose=getattr(args, "verbose", False))
        report = lab.runs(specs, f"{args.solver} runs")
        rows = [{"seed": r.spec.seed, "key": r.spec.key, "wall_seconds":
                 r.manifest["wall_seconds"], **r.summary} for r in report.runs]
        if args.json:
            emit_json({"solver": args.solver, "solver_config": specs[0].solver_config,
                        "problem": args.problem, "problem_config": specs[0].problem_config,
                        "results": str(args.results), "reused": report.reused,
                        "executed": report.executed, "runs": rows})
            return 0
        print(f"{args.solver} on {args.problem}: {len(rows)} runs "
              f"({report.executed} executed, {report.reused} reused) in {args.results}")
        for row in rows:
            shown = {k: v for k, v in row.items() if k not in ("key",)}
            print("  " + ", ".join(f"{k}={v}" for k, v in shown.items()))
        return 0


class CheckCommand(Command):
    name = "check"
    help = "check bounds against instrumented runs (and that sabotaged settings are caught)"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("bound_ids", nargs="*", metavar="ID")
        parser.add_argument("--quick", action="store_true", help="same as --profile quick")
        parser.add_argument("--profile", choices=("quick", "full"), default=None)
        parser.add_argument("--no-sabotage", action="store_true",
                            help="only the as-stated settings")
        parser.add_argument("--results", type=Path, default=Path("results"))
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--scheduler", default=None,
                            help="tcp://HOST:PORT of a Dask scheduler (default: local processes)")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--out", type=Path, default=None,
                            help="also write checks.json, checks.tex (booktabs), "
                            "assumptions.json and assumptions.tex into this folder")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        from proofs_checks.check import CheckContext
        from proofs_checks.registry import checks_for
        from solvers.lab import Lab

        profile = args.profile or ("quick" if args.quick else "full")
        checks = checks_for(args.bound_ids)
        context = CheckContext(profile=profile, seed=args.seed, lab=Lab.at(
            args.results, workers=args.workers, progress=not args.json,
            scheduler=args.scheduler, verbose=getattr(args, "verbose", False)))
        from proofs_checks.runner import run_settings

        jobs = [(check, setting.name) for check in checks for setting in check.settings()
                if not (args.no_sabotage and setting.kind != "none")]
        checks_by_name = {check.name: check for check in checks}

        def show(_: int, result: Any) -> None:
            if args.json:
                return
            tight = "" if result.tightness is None else f"{result.tightness:.3g}"
            p = "" if result.p_value is None else f"{result.p_value:.3g}"
            power = "" if result.power is None else f"{result.power.power:.2f}"
            trivial = "" if result.trivial_ratio is None else f"{result.trivial_ratio:.3g}"
            status = "ok" if result.ok else "NOT OK"
            also = f"  also breaks {', '.join(result.confounded_by)}" \
                if result.confounded_by else ""
            weakness = getattr(checks_by_name.get(result.check), "known_weakness", "")
            declared = f"  [declared: {weakness}]" if weakness and \
                result.setting == "as-stated" else ""
            print(f"{result.bound_id:34s} {result.setting:22s} "
                  f"{result.verdict.value:10s} {status:6s} n={result.instances:<4d} "
                  f"p={p:9s} power={power:5s} bound/trivial={trivial:8s} "
                  f"tight={tight:9s} {result.seconds:6.1f}s  "
                  f"{result.evidence}{also}{declared}", flush=True)

        results = run_settings(jobs, context, args.workers, on_result=show)
        failing = [r for r in results if not r.ok]
        from proofs_checks.assumptions import dropped_assumption_table
        from proofs_checks.registry import symbolic_only

        # the checked bounds' rows, and the symbolic-only bounds' (not tested, with the
        # reason) when every bound or that bound was asked for, as in reproduce's table
        symbolic = symbolic_only()
        shown = {r.bound_id for r in results} | (
            set(args.bound_ids) & set(symbolic) if args.bound_ids else set(symbolic))
        findings = [f for f in dropped_assumption_table(results, symbolic)
                    if f.bound_id in shown]
        if args.out is not None:
            self._write(args.out, profile, results, findings, len(failing))
        if args.json:
            emit_json({"profile": profile, "results": [r.to_dict() for r in results],
                        "failing": len(failing),
                        "dropped_assumptions": [f.to_dict() for f in findings]})
        else:
            if not args.no_sabotage:
                print("\ndropped assumptions:")
                for f in findings:
                    print(f"  {f.bound_id:34s} {f.assumption:26s} {f.status:37s} {f.evidence}")
            if failing:
                print(f"{len(failing)} check(s) not ok", file=sys.stderr)
        return 1 if failing else 0


    @staticmethod
    def _write(out: Path, profile: str, results: Sequence[Any], findings: Sequence[Any],
               failing: int) -> None:
        """The check results and the dropped-assumption table as JSON and LaTeX (the same
        renderers as ``reproduce``), each file written atomically."""
        import json
        import os

        from paper.tables import assumptions_table, checks_table

        def atomic_write_text(path: Path, text: str) -> None:
            partial = path.with_name(path.name + ".partial")
            partial.write_text(text)
            os.replace(partial, path)  # a reader sees the old file or the new one

        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "checks.json", json.dumps(
            {"profile": profile, "failing": failing,
             "results": [r.to_dict() for r in results]}, indent=1, default=str))
        atomic_write_text(out / "assumptions.json", json.dumps(
            [f.to_dict() for f in findings], indent=1))
        atomic_write_text(out / "checks.tex", checks_table(results))
        atomic_write_text(out / "assumptions.tex", assumptions_table(findings))


class ReproduceCommand(Command):
    name = "reproduce"
    help = "regenerate every figure, table and the paper PDF"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--profile", default="quick", help="quick, full or a .toml path")
        parser.add_argument("--out", type=Path, default=Path("out"))
        parser.add_argument("--results", type=Path, default=Path("results"))
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--scheduler", default=None,
                            help="tcp://HOST:PORT of a Dask scheduler (default: local processes)")

    def run(self, args: argparse.Namespace, extra: list[str]) -> int:
        from paper.reproduce import reproduce

        summary = reproduce(args.profile, args.out, args.results, args.workers,
                            progress=True, scheduler=args.scheduler)
        print(summary.describe() if hasattr(summary, "describe") else summary)
        return 0 if getattr(summary, "failing_checks", 0) == 0 else 1


COMMANDS: tuple[Command, ...] = (BoundsCommand(), RunCommand(), CheckCommand(),
                                 ReproduceCommand(), SearchCommand(), StatsCommand(),
                                 PlansCommand(), BenchCommand())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nasbound", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_arguments(sub.add_parser(command.name, help=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    command = next(c for c in COMMANDS if c.name == args.command)
    if extra and not command.accepts_extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    # TensorFlow's C++ info lines (CPU feature banner, once per process) off unless asked for;
    # pool workers' standard error goes to the store's .logs unless -v (solvers.lab)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1" if args.verbose else "2")
    if args.verbose:
        os.environ["NASBOUND_VERBOSE"] = "1"
    else:
        from solvers.tf_quiet import install

        install()
    try:
        return command.run(args, extra)
    except NasboundError as exc:
        print(f"nasbound {command.name}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
