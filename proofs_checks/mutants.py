"""Planted bugs: how many one-line solver bugs do the *as-stated* checks catch?

A small curated list of mutants, each a one-line textual change of the shipped solver code
(``solvers/``) that a plausible slip could produce: a sign, an off-by-one, a forgotten
factor, a wrong constant, a wrong counter. For every mutant the harness

1. copies the project's source tree (``theory``, ``solvers``, ``proofs_checks``,
   ``analysis``, ``paper``, ``pyproject.toml``) into a temporary folder,
2. applies exactly one replacement (it fails loudly, naming the mutant, if the original
   text does not occur exactly once in its file, so the list cannot rot silently),
3. runs the as-stated setting of the checks that exercise the mutated line, in a
   subprocess with ``PYTHONPATH`` on the copy, a fresh temporary run store, the quick
   profile and a per-mutant timeout.

A mutant is *killed* when one of its checks' as-stated results is not ``ok`` (killed by a
violation) or the run raises or runs past the timeout (killed by a crash or timeout; the two
are reported apart). Before any mutant, a baseline runs every named check on an unmutated
copy: a check that fails there is an error of the harness, not a kill.

Mutants that no check could detect because the behaviour is identical (equivalent mutants)
are not in the list; those that survive carry a note saying why (``survival_note``): where
the note names a gap in the checks, that gap is a finding.

Run it with ``make test-mutants`` or ``python -m proofs_checks.mutants [--jobs J]
[--only ID ...] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from theory.errors import InvalidParameterError, NasboundError, UnknownNameError

__all__ = ["MUTANTS", "SOURCE_ENTRIES", "Mutant", "MutantError", "MutantOutcome",
           "apply_mutant", "copy_source_tree", "main", "run_harness"]

logger = logging.getLogger(__name__)

#: what the copy of the project holds (the results, outputs and the venv stay behind)
SOURCE_ENTRIES: tuple[str, ...] = ("theory", "solvers", "proofs_checks", "analysis", "paper",
                                   "pyproject.toml")
#: the project root (this file is proofs_checks/mutants.py)
PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: seconds one mutant's checks may run (a run past it counts as killed by timeout)
DEFAULT_TIMEOUT = 300.0
#: seconds the baseline of one group of checks may run
BASELINE_TIMEOUT = 900.0


class MutantError(NasboundError):
    """The mutant list or the harness is wrong (not a verdict about a mutant)."""


@dataclass(frozen=True)
class Mutant:
    """One planted bug: replace ``original_line_substring`` (which must occur exactly once
    in ``path``, within one line) by ``replacement``.

    ``checks`` names the as-stated checks that exercise the mutated line, cheapest first
    (the harness stops at the first that kills). ``survival_note`` says why the mutant is
    expected to survive, where it does; empty where it should be killed.
    """

    id: str
    path: str
    original_line_substring: str
    replacement: str
    description: str
    checks: tuple[str, ...] = field(default_factory=tuple)
    survival_note: str = ""


MUTANTS: tuple[Mutant, ...] = (
    # -- gradient methods ----------------------------------------------------------------
    Mutant("gd-double-step", "solvers/algorithms/gradient.py",
           "h = cfg.step_size / problem.L",
           "h = 2 * cfg.step_size / problem.L",
           "GD step twice the configured step (2/L at step_size 1)",
           ("gd-convex-drori-teboulle", "gd-nonconvex", "gd-strongly-convex")),
    Mutant("gd-one-step-short", "solvers/algorithms/gradient.py",
           "if k < cfg.steps:",
           "if k < cfg.steps - 1:",
           "off by one: GD takes N-1 steps but reports N",
           ("gd-convex-drori-teboulle", "gd-convex-nesterov", "gd-nonconvex",
            "gd-strongly-convex")),
    Mutant("sgd-schedule-max", "solvers/algorithms/gradient.py",
           "gamma = min(gamma, cfg.dtilde / (problem.sigma * np.sqrt(cfg.steps)))",
           "gamma = max(gamma, cfg.dtilde / (problem.sigma * np.sqrt(cfg.steps)))",
           "Ghadimi-Lan schedule min{1/L, D/(sigma sqrt N)} written as a max",
           ("sgd-ghadimi-lan-cor2.2",)),
    Mutant("sgd-noise-not-scaled", "solvers/problems/base.py",
           "noise = rng.standard_normal(self.dim) * (self.sigma / np.sqrt(self.dim))",
           "noise = rng.standard_normal(self.dim) * self.sigma",
           "oracle noise sigma per coordinate (variance d sigma^2, not the sigma^2 declared)",
           ("sgd-ghadimi-lan-thm2.1", "sgd-ghadimi-lan-cor2.2")),
    Mutant("logistic-L-without-mu", "solvers/problems/smooth.py",
           "self.L = float(np.linalg.eigvalsh(self.A.T @ self.A).max()) / (4 * config.samples)",
           "self.L = float(np.linalg.eigvalsh(self.A.T @ self.A).max()) / (2 * config.samples)",
           "logistic L from s(1-s) <= 1/2 instead of 1/4: L overstated (x2 on the data term)",
           ("gd-strongly-convex", "gd-nonconvex", "gd-convex-nesterov"),
           survival_note="gap: an overstated L only makes the steps and the bounds "
           "conservative; no "
           "as-stated check asks whether the declared L is the true smoothness constant"),
    Mutant("logistic-grad-regulariser-sign", "solvers/problems/smooth.py",
           "return -(self.A.T @ (self.y * s)) / len(self.y) + self.mu * x",
           "return -(self.A.T @ (self.y * s)) / len(self.y) - self.mu * x",
           "sign of the l2 regulariser's gradient flipped in the logistic loss",
           ("gd-strongly-convex", "gd-nonconvex", "gd-convex-nesterov")),
    Mutant("huber-threshold", "solvers/problems/smooth.py",
           "self.threshold = config.x0_radius / (2 * config.horizon * config.step + 1)",
           "self.threshold = config.x0_radius / (2 * config.horizon * config.step + 2)",
           "Drori-Teboulle worst case built with tau = R/(2Nh+2) instead of R/(2Nh+1)",
           ("gd-convex-drori-teboulle", "gd-convex-nesterov"),
           survival_note="gap: the instance stays convex and L-smooth, only no longer worst "
           "case; the "
           "tight bound is asserted as an upper bound, never that the Huber case attains it"),
    # -- NSGA-II ---------------------------------------------------------------------------
    Mutant("nsga2-crowding-ascending", "solvers/algorithms/nsga2.py",
           "by_crowding = shuffled[np.argsort(-crowd[shuffled], kind=\"stable\")]",
           "by_crowding = shuffled[np.argsort(crowd[shuffled], kind=\"stable\")]",
           "survival cuts the last front keeping the *least* crowded points",
           ("nsga2-survival", "nsga2-extra-survival", "nsga2-oneminmax-order")),
    Mutant("crowding-one-boundary", "solvers/algorithms/sorting.py",
           "contribution[first | last] = np.inf",
           "contribution[first] = np.inf",
           "crowding distance: only the first point of each front gets +inf",
           ("nsga2-survival", "nsga2-extra-survival", "nsga2-oneminmax-order")),
    Mutant("nsga2-tournament-rank-reversed", "solvers/algorithms/nsga2.py",
           "a_wins = (ranks[a] < ranks[b]) | (",
           "a_wins = (ranks[a] > ranks[b]) | (",
           "crowded-comparison tournament: the worse rank wins",
           ("nsga2-lotz-order",),
           survival_note="the O(n^2) LOTZ bound also holds for fair selection, so rank pressure "
           "in the "
           "tournament is not needed; only a constant factor, which an order test cannot see"),
    Mutant("nsga2-bitwise-rate-pop", "solvers/algorithms/nsga2.py",
           "children ^= rng.random((size, n)) < 1.0 / n",
           "children ^= rng.random((size, n)) < 1.0 / size",
           "bit-wise mutation at rate 1/N (population size) instead of 1/n",
           ("nsga2-oneminmax-explicit", "nsga2-oneminmax-order", "nsga2-lotz-order"),
           survival_note="a constant-factor slowdown (N = 4(n+1): rate ~1/(4n)): the orders "
           "are unchanged and the explicit bound is loose (tightness ~0.3), so a ~4x slower "
           "search stays under it; killed only by the 300 s timeout under load in the first "
           "run"),
    Mutant("nsga2-evaluations-ignore-extra", "solvers/algorithms/nsga2.py",
           "evaluations += len(offspring)",
           "evaluations += size",
           "evaluation counter ignores NSGA-II's E extra candidates",
           ("nsga2-extra-evaluation-count",)),
    Mutant("nsga2-evaluations-to-cover", "solvers/algorithms/nsga2.py",
           "else size + covered_at * (size + cfg.extra_candidates),",
           "else size + covered_at * size,",
           "summary's evaluations to cover drops the E extra candidates per generation",
           ("nsga2-extra-oneminmax-evaluations", "nsga2-extra-evaluation-count"),
           survival_note="gap: the cost is understated, which an upper bound cannot see, and "
           "no check compares the summary's evaluations_to_cover with the counted "
           "evaluations"),
    Mutant("deb-sort-skip-half", "solvers/algorithms/sorting.py",
           "if q == p:",
           "if q <= p:",
           "fast non-dominated sort compares each unordered pair once (drops q < p)",
           ("deb-sort-comparisons", "deb-sort-order")),
    # -- SEMO / GSEMO and the binary problems ----------------------------------------------
    Mutant("semo-last-bit-never-flipped", "solvers/algorithms/semo.py",
           "positions = rng.integers(frozen, n, _BLOCK).tolist()",
           "positions = rng.integers(frozen, n - 1, _BLOCK).tolist()",
           "SEMO's one-bit mutation never flips the last bit (exclusive upper end)",
           ("emo-semo-lotz-order", "emo-semo-oneminmax-order", "emo-semo-oneminmax-explicit")),
    Mutant("gsemo-half-rate", "solvers/algorithms/semo.py",
           "flips = rng.random((_BLOCK, n)) < 1.0 / n",
           "flips = rng.random((_BLOCK, n)) < 0.5 / n",
           "GSEMO's bit-wise mutation at rate 1/(2n)",
           ("emo-gsemo-ojzj-explicit", "emo-gsemo-oneminmax-order", "emo-gsemo-lotz-order")),
    Mutant("semo-newest-never-parent", "solvers/algorithms/semo.py",
           "                                      * len(keys))]",
           "                                      * (len(keys) - 1))]",
           "off by one in the uniform parent pick: the newest member is never a parent",
           ("emo-semo-oneminmax-order", "emo-semo-lotz-order", "emo-gsemo-oneminmax-order")),
    Mutant("lotz-trailing-zeros", "solvers/problems/binary.py",
           "    first_one = np.where(reversed_rows.any(axis=1), reversed_rows.argmax(axis=1),",
           "    first_one = np.where(reversed_rows.all(axis=1), reversed_rows.argmax(axis=1),",
           "LOTZ trailing zeros tested with all() instead of any()",
           ("emo-semo-lotz-order", "nsga2-lotz-order", "emo-gsemo-lotz-order")),
    Mutant("ojzj-gap-boundary", "solvers/problems/jump.py",
           "f1 = np.where((ones <= n - k) | (ones == n), k + ones, n - ones)",
           "f1 = np.where((ones < n - k) | (ones == n), k + ones, n - ones)",
           "OneJumpZeroJump's gap starts one string early (|x|_1 = n-k in the gap)",
           ("emo-gsemo-ojzj-explicit", "emo-nsga2-ojzj-order")),
    # -- bilevel / DARTS -------------------------------------------------------------------
    Mutant("itd-cross-term-sign", "solvers/algorithms/bilevel.py",
           "h -= eta * problem.inner_cross_hvp(w, a, v)",
           "h += eta * problem.inner_cross_hvp(w, a, v)",
           "ITD's reverse pass adds the cross term instead of subtracting it",
           ("bilevel-itd-error", "bilevel-hgd-inexact")),
    Mutant("neumann-one-step-short", "solvers/algorithms/bilevel.py",
           "    for _ in range(steps):\n        v = v - eta",
           "    for _ in range(steps - 1):\n        v = v - eta",
           "AID's Neumann series runs M-1 terms",
           ("bilevel-aid-neumann-error",)),
    Mutant("darts-fd-half-denominator", "solvers/algorithms/bilevel.py",
           "fd = (g_plus - g_minus) / (2 * eps)",
           "fd = (g_plus - g_minus) / eps",
           "DARTS's central difference divided by eps instead of 2 eps",
           ("bilevel-fd-hvp-error", "bilevel-darts-second-order-error")),
    Mutant("darts-no-virtual-step", "solvers/algorithms/bilevel.py",
           "w_virtual = w - xi * g_w",
           "w_virtual = w + xi * g_w",
           "DARTS's virtual step w' = w + xi grad_w g (ascent)",
           ("bilevel-darts-second-order-error", "bilevel-fd-hvp-error"),
           survival_note="gap: the finite difference is checked at w (not w'), and the "
           "second-order "
           "error bound is loose enough for a virtual step of xi/L in either direction"),
    Mutant("darts-fd-counted-once", "solvers/algorithms/bilevel.py",
           "counter.gradients += 2",
           "counter.gradients += 1",
           "the two finite-difference gradients counted as one evaluation",
           ("bilevel-darts-gradient-evaluations", "bilevel-darts-cost-ratio"),
           survival_note="gap: the count checks count passes with an independent proxy and do not "
           "compare the solver's own grad_evals counter (which the trace reports) with it"),
    Mutant("hgd-outer-step-inner-L", "solvers/algorithms/bilevel.py",
           "step = cfg.outer_step_size / problem.outer_L",
           "step = cfg.outer_step_size / problem.L",
           "outer step scaled by the inner smoothness L instead of L_F",
           ("bilevel-hgd-inexact", "bilevel-hgd-order")),
    Mutant("ift-sign", "solvers/problems/bilevel.py",
           "return self.outer_grad_alpha(w, a) - self.inner_cross(w, a) @ v",
           "return self.outer_grad_alpha(w, a) + self.inner_cross(w, a) @ v",
           "implicit-function hypergradient with the wrong sign of the cross term",
           ("bilevel-ift-identity", "bilevel-itd-error")),
    # -- GP-UCB ----------------------------------------------------------------------------
    Mutant("gp-posterior-no-noise", "solvers/algorithms/gp_ucb.py",
           "denom = column[index] + noise_variance",
           "denom = column[index] + noise_variance**2",
           "posterior update divides by sigma^2 + s^4 (noise std/variance confusion)",
           ("info-gain-identity", "gp-ucb-theorem1")),
    Mutant("gp-ucb-beta-no-sqrt", "solvers/algorithms/gp_ucb.py",
           "score = mean + math.sqrt(betas[t]) * np.sqrt(np.clip(np.diag(cov), 0.0, None))",
           "score = mean + betas[t] * np.sqrt(np.clip(np.diag(cov), 0.0, None))",
           "UCB acquisition uses beta_t instead of sqrt(beta_t)",
           ("gp-ucb-theorem1", "gp-ucb-theorem3"),
           survival_note="more exploration (beta_t > 1) still keeps the regret far under the loose "
           "Theorem 1/3 bounds; an upper regret bound cannot see a worse-tuned acquisition"),
    Mutant("gp-ucb-beta-theorem1-halved", "solvers/algorithms/gp_ucb.py",
           "return 2.0 * math.log(domain_size * t**2 * math.pi**2 / (6.0 * delta))",
           "return math.log(domain_size * t**2 * math.pi**2 / (6.0 * delta))",
           "Theorem 1's beta_t without its factor 2",
           ("gp-ucb-theorem1",),
           survival_note="the regret with a smaller beta stays far under the loose bound (which "
           "the "
           "check evaluates with the same helper, so the bound shrinks only by sqrt 2)"),
    # -- successive halving / Hyperband ----------------------------------------------------
    Mutant("sh-keep-floor", "solvers/algorithms/halving.py",
           "alive = -(-alive // 2) if keep == \"ceil\" else max(alive // 2, 1)",
           "alive = alive // 2 if keep == \"ceil\" else max(alive // 2, 1)",
           "Sequential Halving's schedule keeps floor(|S_k|/2) arms where it claims ceil",
           ("sh-round-pulls", "sh-total-budget")),
    Mutant("sh-keeps-worst", "solvers/algorithms/halving.py",
           "order = np.argsort(-estimate, axis=1, kind=\"stable\")[:, :survivors]",
           "order = np.argsort(estimate, axis=1, kind=\"stable\")[:, :survivors]",
           "Sequential Halving keeps the arms with the smallest empirical means",
           ("sh-identification",)),
    Mutant("ceil-log2-powers-of-two", "solvers/algorithms/halving.py",
           "return (n - 1).bit_length()",
           "return n.bit_length()",
           "ceil(log2 n) one too large at powers of two",
           ("sh-round-pulls", "sh-total-budget"),
           survival_note="gap: the checks take L = ceil_log2(n) from the solver module for the "
           "closed "
           "form too, so schedule and formula share the bug; an independent ceil(log2 n) "
           "is missing"),
    Mutant("hyperband-keep-ceil", "solvers/algorithms/halving.py",
           "keep = math.floor(Fraction(len(alive)) / e)",
           "keep = math.ceil(Fraction(len(alive)) / e)",
           "Hyperband's rung keeps ceil(n_i/eta) configurations",
           ("hyperband-rung-sizes", "hyperband-iteration-budget")),
    # -- search spaces ---------------------------------------------------------------------
    Mutant("nb201-key-unsorted", "solvers/search_space.py",
           "nodes[node] = \"+\".join(sorted(terms))",
           "nodes[node] = \"+\".join(terms)",
           "NAS-Bench-201 isomorphism key without sorting a node's inputs",
           ("nb201-isomorphism-classes",)),
    Mutant("darts-size-counts-none", "solvers/search_space.py",
           "per_node = [math.comb(2 + j, 2) * (self.n_ops - 1) ** 2 for j in range(self.k)]",
           "per_node = [math.comb(2 + j, 2) * self.n_ops ** 2 for j in range(self.k)]",
           "DARTS discrete cell count lets an edge carry 'none'",
           ("darts-cell-count",)),
)


# -- applying a mutant ---------------------------------------------------------------------

def copy_source_tree(source: Path, destination: Path) -> Path:
    """Copy ``SOURCE_ENTRIES`` of the project at ``source`` into ``destination``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache")
    destination.mkdir(parents=True, exist_ok=True)
    for entry in SOURCE_ENTRIES:
        origin = source / entry
        if origin.is_dir():
            shutil.copytree(origin, destination / entry, ignore=ignore)
        elif origin.is_file():
            shutil.copy2(origin, destination / entry)
        else:
            raise MutantError(f"the project at {source} has no {entry!r} to copy")
    return destination


def _validate(mutant: Mutant) -> None:
    if not mutant.original_line_substring or mutant.original_line_substring == \
            mutant.replacement:
        raise MutantError(f"mutant {mutant.id!r}: the replacement must differ from a "
                          "non-empty original")
    if mutant.original_line_substring.count("\n") != mutant.replacement.count("\n"):
        raise MutantError(f"mutant {mutant.id!r}: original and replacement must span the "
                          "same number of lines")
    if not mutant.checks:
        raise MutantError(f"mutant {mutant.id!r} names no check")


def apply_mutant(root: Path, mutant: Mutant) -> tuple[str, str]:
    """Apply ``mutant`` to the tree at ``root``; return (line before, line after).

    Raises MutantError naming the mutant unless its original occurs exactly once and the
    replacement changes exactly one line.
    """
    _validate(mutant)
    target = root / mutant.path
    if not target.is_file():
        raise MutantError(f"mutant {mutant.id!r}: no file {mutant.path}")
    text = target.read_text(encoding="utf-8")
    found = text.count(mutant.original_line_substring)
    if found != 1:
        raise MutantError(f"mutant {mutant.id!r}: {mutant.original_line_substring!r} occurs "
                          f"{found} times in {mutant.path}, expected exactly once")
    mutated = text.replace(mutant.original_line_substring, mutant.replacement, 1)
    before, after = text.splitlines(), mutated.splitlines()
    changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True))
               if old != new] if len(before) == len(after) else []
    if len(changed) != 1:
        raise MutantError(f"mutant {mutant.id!r} changes {len(changed) or 'not exactly one'} "
                          f"lines of {mutant.path}, expected exactly one")
    target.write_text(mutated, encoding="utf-8")
    return before[changed[0]], after[changed[0]]


# -- running checks in a subprocess ----------------------------------------------------------

@dataclass
class ChecksRun:
    """What one subprocess reported: per check its as-stated result (or the error)."""

    results: list[dict[str, Any]]
    status: str  # "completed", "crashed" or "timeout"
    seconds: float
    error: str = ""


def _worker(checks: Sequence[str], result_path: Path, store_dir: Path, copy_root: Path,
            stop_at_first_kill: bool) -> int:
    """In the subprocess: run each check's as-stated setting; write JSON to result_path."""
    import solvers
    from proofs_checks.check import CheckContext
    from proofs_checks.registry import all_checks
    from solvers.lab import Lab

    where = Path(solvers.__file__).resolve()
    if copy_root.resolve() not in where.parents:
        raise MutantError(f"the subprocess imported solvers from {where}, not the copy at "
                          f"{copy_root}")
    known = {c.name: c for c in all_checks()}
    rows: list[dict[str, Any]] = []
    for name in checks:
        row: dict[str, Any] = {"check": name}
        start = time.perf_counter()
        try:
            result = known[name].run(CheckContext(profile="quick",
                                                  lab=Lab.at(store_dir, workers=1)), "as-stated")
            data = result.to_dict()
            row |= {"ok": bool(result.ok), "error": "",
                    "verdict": str(data.get("outcome", data.get("verdict", ""))),
                    "evidence": str(data.get("evidence", "")),
                    "counterexample": data.get("counterexample")}
        except Exception:  # the mutant made the check raise: a crash, reported as such
            row |= {"ok": False, "error": traceback.format_exc(limit=6)}
        row["seconds"] = time.perf_counter() - start
        rows.append(row)
        result_path.write_text(json.dumps(rows, default=str), encoding="utf-8")
        if stop_at_first_kill and not row["ok"]:
            break
    return 0


def _run_checks(copy_root: Path, checks: Sequence[str], timeout: float, python: str,
                stop_at_first_kill: bool) -> ChecksRun:
    """Run ``checks`` (as stated, quick profile) on the tree at ``copy_root``."""
    with tempfile.TemporaryDirectory(prefix="nasbound-mutant-run-") as scratch:
        result_path = Path(scratch) / "result.json"
        store_dir = Path(scratch) / "runs"
        command = [python, "-m", "proofs_checks.mutants", "--worker", str(result_path),
                   "--store", str(store_dir), "--copy-root", str(copy_root),
                   *(["--stop-at-first-kill"] if stop_at_first_kill else []), "--",
                   *checks]
        env = dict(os.environ, PYTHONPATH=str(copy_root), PYTHONDONTWRITEBYTECODE="1",
                   OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   TF_CPP_MIN_LOG_LEVEL="3")
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=scratch, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
            status = "completed" if process.returncode == 0 else "crashed"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the subprocess and any pool it started
            output, _ = process.communicate()
            status = "timeout"
        seconds = time.perf_counter() - start
        results: list[dict[str, Any]] = []
        if result_path.is_file():
            results = json.loads(result_path.read_text(encoding="utf-8"))
        error = "" if status == "completed" else (output or "")[-2000:]
        return ChecksRun(results, status, seconds, error)


# -- outcomes ------------------------------------------------------------------------------

@dataclass
class MutantOutcome:
    """The verdict on one mutant."""

    id: str
    path: str
    description: str
    killed: bool
    how: str  # "violation", "crashed/timeout" or "survived"
    by: str  # the check that killed it ("" if it survived)
    seconds: float
    note: str = ""
    line_before: str = ""
    line_after: str = ""
    checks: list[dict[str, Any]] = field(default_factory=list)


def _verdict(mutant: Mutant, run: ChecksRun) -> tuple[str, str, str]:
    """(how, by, note) of one mutant's run: how is violation, crashed/timeout or survived."""
    failed = [r for r in run.results if not r["ok"]]
    if run.status == "timeout":
        running = mutant.checks[min(len(run.results), len(mutant.checks) - 1)]
        return "crashed/timeout", f"timeout in {running}", f"past {run.seconds:.0f} s"
    if run.status == "crashed" or (failed and failed[0].get("error")):
        crashed = failed[0] if failed and failed[0].get("error") else None
        by = crashed["check"] if crashed is not None else "the subprocess"
        text = str(crashed["error"]) if crashed is not None else run.error
        last = text.strip().splitlines()
        return "crashed/timeout", by, last[-1] if last else ""
    if failed:
        return "violation", failed[0]["check"], \
            f"{failed[0]['verdict']}: {failed[0]['evidence']}"
    return "survived", "", mutant.survival_note or \
        "no note: an unexplained survivor (investigate)"


def _judge(mutant: Mutant, run: ChecksRun, lines: tuple[str, str]) -> MutantOutcome:
    how, by, note = _verdict(mutant, run)
    return MutantOutcome(id=mutant.id, path=mutant.path, description=mutant.description,
                         killed=how != "survived", how=how, by=by, seconds=run.seconds,
                         note=note, line_before=lines[0].strip(),
                         line_after=lines[1].strip(), checks=run.results)


def _baseline(source: Path, checks: Sequence[str], jobs: int, python: str,
              workspace: Path) -> dict[str, dict[str, Any]]:
    """Every named check, as stated, on an unmutated copy; raises if one is not ok."""
    copy_root = copy_source_tree(source, workspace / "baseline")
    groups = [list(checks[i::jobs]) for i in range(min(jobs, len(checks)))]
    rows: dict[str, dict[str, Any]] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = list(pool.map(lambda group: _run_checks(copy_root, group, BASELINE_TIMEOUT,
                                                       python, False), groups))
    for group, run in zip(groups, runs, strict=True):
        for row in run.results:
            rows[row["check"]] = row | {"status": run.status}
        if run.status != "completed" or len(run.results) != len(group):
            raise MutantError(f"baseline of {group} did not complete ({run.status}): "
                              f"{run.error[-1500:]}")
    broken = {name: row for name, row in rows.items() if not row["ok"]}
    if broken:
        shown = "; ".join(f"{name}: {row.get('error') or row.get('evidence')}"
                          for name, row in broken.items())
        raise MutantError(f"checks fail on the unmutated copy (a harness error): {shown}")
    return rows


def _run_one(mutant: Mutant, source: Path, workspace: Path, timeout: float,
             python: str) -> MutantOutcome:
    copy_root = copy_source_tree(source, workspace / mutant.id)
    lines = apply_mutant(copy_root, mutant)
    run = _run_checks(copy_root, mutant.checks, timeout, python, stop_at_first_kill=True)
    shutil.rmtree(copy_root, ignore_errors=True)
    return _judge(mutant, run, lines)


def select(only: Sequence[str] | None) -> tuple[Mutant, ...]:
    """The mutants with the given ids (all if None or empty); unknown ids raise."""
    if not only:
        return MUTANTS
    known = {m.id: m for m in MUTANTS}
    for name in only:
        if name not in known:
            raise UnknownNameError("mutant", name, list(known))
    return tuple(known[name] for name in only)


def validate_list(mutants: Sequence[Mutant], source: Path = PROJECT_ROOT) -> None:
    """Every mutant applies to the tree at ``source`` and names registered checks."""
    from proofs_checks.registry import all_checks

    names = {c.name for c in all_checks()}
    ids = [m.id for m in mutants]
    if len(set(ids)) != len(ids):
        raise MutantError(f"duplicate mutant ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    for mutant in mutants:
        _validate(mutant)
        unknown = [c for c in mutant.checks if c not in names]
        if unknown:
            raise MutantError(f"mutant {mutant.id!r} names unknown checks {unknown}")
        text = (source / mutant.path).read_text(encoding="utf-8")
        found = text.count(mutant.original_line_substring)
        if found != 1:
            raise MutantError(f"mutant {mutant.id!r}: {mutant.original_line_substring!r} "
                              f"occurs {found} times in {mutant.path}, expected exactly once")


@dataclass
class HarnessReport:
    outcomes: list[MutantOutcome]
    baseline: dict[str, dict[str, Any]]
    seconds: float

    @property
    def killed(self) -> int:
        return sum(o.killed for o in self.outcomes)

    def kill_rate_line(self) -> str:
        total = len(self.outcomes)
        share = 100.0 * self.killed / total if total else 0.0
        return f"kill rate: {self.killed}/{total} ({share:.1f}%)"

    def to_dict(self) -> dict[str, Any]:
        counts = {how: sum(o.how == how for o in self.outcomes)
                  for how in ("violation", "crashed/timeout", "survived")}
        return {"kill_rate": self.kill_rate_line(), "killed": self.killed,
                "mutants": len(self.outcomes), "by_how": counts, "seconds": self.seconds,
                "outcomes": [asdict(o) for o in self.outcomes],
                "baseline": {name: {k: row.get(k) for k in ("ok", "verdict", "seconds")}
                             for name, row in self.baseline.items()}}


def run_harness(mutants: Sequence[Mutant], jobs: int = 1, timeout: float = DEFAULT_TIMEOUT,
                source: Path = PROJECT_ROOT, python: str = sys.executable,
                progress: bool = False) -> HarnessReport:
    """Baseline, then every mutant; returns the outcomes in the order of ``mutants``."""
    from tqdm.auto import tqdm

    if jobs < 1:
        raise InvalidParameterError("jobs >= 1", f"jobs={jobs}")
    if not timeout > 0:
        raise InvalidParameterError("timeout > 0", f"timeout={timeout}")
    validate_list(mutants, source)
    start = time.perf_counter()
    checks = list(dict.fromkeys(c for m in mutants for c in m.checks))
    with tempfile.TemporaryDirectory(prefix="nasbound-mutants-") as scratch:
        workspace = Path(scratch)
        logger.info("baseline: %d checks on the unmutated copy", len(checks))
        baseline = _baseline(source, checks, jobs, python, workspace)
        outcomes: dict[str, MutantOutcome] = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool, \
                tqdm(total=len(mutants), desc="mutants", unit="mutant",
                     disable=not progress) as bar:
            futures = {pool.submit(_run_one, m, source, workspace, timeout, python): m
                       for m in mutants}
            for future in concurrent.futures.as_completed(futures):
                outcome = future.result()
                outcomes[outcome.id] = outcome
                bar.update(1)
                logger.info("%s: %s%s (%.0f s)", outcome.id, outcome.how,
                            f" by {outcome.by}" if outcome.by else "", outcome.seconds)
    return HarnessReport([outcomes[m.id] for m in mutants], baseline,
                         time.perf_counter() - start)


def format_table(report: HarnessReport) -> str:
    """The table: id, file, description, killed?, by which check (or why it survives),
    seconds; then the kill-rate line."""
    header = ("mutant", "file", "description", "killed?", "by / note", "s")
    rows = []
    for o in report.outcomes:
        killed = {"violation": "yes (violation)", "crashed/timeout": "yes (crash/timeout)",
                  "survived": "NO"}[o.how]
        by = o.by if o.killed else f"survived: {o.note}"
        rows.append((o.id, o.path.removeprefix("solvers/"), o.description, killed, by,
                     f"{o.seconds:.1f}"))
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i])
              for i in range(len(header) - 1)]
    lines = []
    for row in (header, *rows):
        cells = [row[i].ljust(widths[i]) for i in range(len(widths))]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    counts = report.to_dict()["by_how"]
    lines.append(f"killed by a violation: {counts['violation']}, by a crash or timeout: "
                 f"{counts['crashed/timeout']}, survived: {counts['survived']}; "
                 f"{report.seconds:.0f} s")
    lines.append(report.kill_rate_line())
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m proofs_checks.mutants",
        description="Run the planted solver bugs against the as-stated checks.")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these mutants")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the report as JSON")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds per mutant (default %(default)s)")
    parser.add_argument("--source", type=Path, default=PROJECT_ROOT,
                        help="the project tree to copy (default: this checkout)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    # the subprocess side (internal)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--copy-root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stop-at-first-kill", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("checks", nargs="*", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.worker is not None:
        return _worker(args.checks, args.worker, args.store, args.copy_root,
                       args.stop_at_first_kill)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        mutants = select(args.only)
        if args.list:
            for m in mutants:
                print(f"{m.id:32} {m.path:34} {', '.join(m.checks)}")
            return 0
        report = run_harness(mutants, jobs=args.jobs, timeout=args.timeout,
                             source=args.source, progress=sys.stderr.isatty())
    except NasboundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_table(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_dict(), indent=2, default=str) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
