"""Empirical checks of the progressive-search bounds (successive halving, Hyperband).

* schedule formulas (round pulls, rung sizes, iteration budget): exact equality between
  the closed form, evaluated in exact rational arithmetic (sympy ``subs``/``doit`` with
  integers, so no floating-point floor decides), and what the simulators in
  ``solvers.algorithms.halving`` ran, on Hypothesis-drawn (n, B) or (R, eta);
* the budget of Sequential Halving: total pulls <= B on every drawn (n, B);
* the identification bound of Karnin et al.: per instance (n, gaps, budget) a one-sided
  exact binomial test of H1: P(failure) > bound on simulated Gaussian arms, Holm-corrected.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from analysis.stats import binomial_test, holm
from proofs_checks.check import (
    ALPHA,
    Check,
    CheckContext,
    CheckResult,
    Measurement,
    Outcome,
    Sabotage,
    search_instances,
    upper_holds,
)
from solvers.algorithms.halving import (
    ceil_log2,
    floor_log,
    hyperband_brackets,
    sh_schedule,
    simulate_sequential_halving,
)
from theory.bound import Bound
from theory.registry import get_bound

__all__ = ["CHECKS", "SYMBOLIC_ONLY"]


@cache
def _exact_evaluator(bound_id: str) -> tuple[tuple[str, ...], tuple[bool, ...],
                                            Callable[..., Any]]:
    bound = get_bound(bound_id)
    names = tuple(str(s) for s in bound.free_symbols)
    integer = tuple(bool(s.is_integer) for s in bound.free_symbols)
    return names, integer, sp.lambdify(bound.free_symbols, bound.expression, modules="math")


def exact_value(bound: Bound, constants: dict[str, int | Fraction]) -> Fraction:
    """The bound's expression at integer or Fraction ``constants``, in exact arithmetic.

    The lambdified expression uses only +, *, /, integer powers, floor, ceiling and
    ``sum(... range ...)``; on ``Fraction`` arguments each is exact (math.floor and
    math.ceil of a Fraction are exact), so no floating-point rounding decides a floor.
    """
    names, integer, evaluator = _exact_evaluator(bound.id)
    # integer symbols (range bounds) as int, the others as Fraction (so eta**-i is exact)
    args = [int(constants[name]) if is_int else Fraction(constants[name])
            for name, is_int in zip(names, integer, strict=True)]
    value = evaluator(*args)
    return Fraction(value)


def _result_from_search(check: Check, setting: Sabotage, outcome: Any, failed: set[str],
                        statistic_name: str, details: dict[str, Any]) -> CheckResult:
    counter = outcome.counterexample
    return check.result(
        setting, assumptions_hold=not failed, instances=outcome.tried, runs=outcome.tried,
        violations=outcome.violations,
        outcome=Outcome.VIOLATION if counter else Outcome.HOLDS,
        statistic_name=statistic_name, statistic=outcome.worst_tightness,
        tightness=outcome.worst_tightness,
        counterexample=None if counter is None else {
            **counter.instance, "measured": counter.measured, "bound": counter.bound},
        details={**details, "failed_assumptions": sorted(failed)},
    )


@st.composite
def _arms_and_budget(draw: st.DrawFn, non_power_of_two: bool) -> dict[str, int]:
    n = draw(st.integers(2, 40))
    if non_power_of_two and n & (n - 1) == 0:
        n += 1
    budget = draw(st.integers(0, 5000))
    return {"n": n, "B": budget}


class SHRoundPullsCheck(Check):
    bound_id = "progressive.sh.round-pulls"
    name = "sh-round-pulls"
    method = "exact equality of every round's pulls per arm on Hypothesis-drawn (n, B)"
    sabotages = (
        Sabotage("keep-floor-half", "assumption-dropped",
                 "the survivors are floor(|S_k|/2) (Jamieson & Talwalkar's literal rule)",
                 assumption="keep-ceil-half"),
        Sabotage("scaled-0.5", "bound-scaled", "the formula halved", factor=0.5),
        Sabotage("share-floor-log2", "assumption-dropped",
                 "the round budget divides by floor(log2 n) < ceil(log2 n) (n not a power of "
                 "two)", assumption="budget/ceil(log2 n)"),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        keep = "floor" if setting.name == "keep-floor-half" else "ceil"
        share = "floor" if setting.name == "share-floor-log2" else "ceil"
        factor = Fraction(str(setting.factor))
        failed: set[str] = set()

        def measure(instance: dict[str, int]) -> Measurement:
            n, budget = instance["n"], instance["B"]
            constants = {"n": n, "keeps_ceil_half": keep == "ceil",
                         "round_budget_over_ceil_log2_n": share == "ceil"}
            failed.update(a.name for a in self.bound.failed_assumptions(constants))
            schedule = sh_schedule(n, budget, keep=keep, share=share)
            worst: Measurement | None = None
            for k, step in enumerate(schedule):
                claimed = exact_value(self.bound, {"B": budget, "n": n, "k": k,
                                                   "L": ceil_log2(n)}) * factor
                measured = step.pulls_per_arm
                m = Measurement(float(measured), float(claimed), measured == claimed,
                                {"n": n, "B": budget, "round": k, "arms_alive": step.arms})
                if worst is None or not m.holds:
                    worst = m
                if not m.holds:
                    break
            assert worst is not None  # n >= 2 gives at least one round
            return worst

        examples = 60 if context.quick else 300
        outcome = search_instances(_arms_and_budget(keep == "floor" or share == "floor"),
                                   measure, examples, context.seed,
                                   context.database(f"{self.name}-{setting.name}"))
        return _result_from_search(self, setting, outcome, failed, "measured/claimed (max)",
                                   {"keep": keep, "share": share})


class SHTotalBudgetCheck(Check):
    bound_id = "progressive.sh.total-budget"
    name = "sh-total-budget"
    method = "total pulls <= B on every Hypothesis-drawn (n, B)"
    sabotages = (
        Sabotage("share-floor-log2", "assumption-dropped",
                 "the round budget divides by floor(log2 n) < ceil(log2 n) rounds "
                 "(n not a power of two)", assumption="budget/ceil(log2 n)"),
        Sabotage("scaled-0.5", "bound-scaled", "the budget claimed as B/2", factor=0.5),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        share = "floor" if setting.name == "share-floor-log2" else "ceil"
        failed: set[str] = set()

        def measure(instance: dict[str, int]) -> Measurement:
            n, budget = instance["n"], instance["B"]
            failed.update(a.name for a in self.bound.failed_assumptions(
                {"n": n, "round_budget_over_ceil_log2_n": share == "ceil"}))
            total = sum(step.pulls for step in sh_schedule(n, budget, share=share))
            value = self.bound.evaluate(B=budget) * setting.factor
            return Measurement(float(total), value, upper_holds(total, value),
                               {"n": n, "B": budget})

        examples = 60 if context.quick else 300
        outcome = search_instances(_arms_and_budget(share == "floor"), measure, examples,
                                   context.seed, context.database(f"{self.name}-{setting.name}"))
        return _result_from_search(self, setting, outcome, failed, "total pulls / B (max)",
                                   {"share": share})


#: (n, gaps spread, budget chosen so that the bound is 1/2): the instances of the SH test
_SH_INSTANCES = ((4, 0.3), (8, 0.3), (16, 0.4))
#: instances of the probes that change the survivor rule or the round budget: n not a power
#: of two, where floor and ceil differ
_SH_PROBE_INSTANCES = ((6, 0.3), (12, 0.4))
_SH_BEST_MEAN = 0.9
_SH_TARGET_BOUND = 0.5


def _sh_instance(n: int, gap: float) -> tuple[np.ndarray, float, int]:
    """Means (best first, gaps gap..1.5 gap), H_2, and the budget where the bound is 1/2."""
    means = np.array([_SH_BEST_MEAN, *(_SH_BEST_MEAN - gap * np.linspace(1.0, 1.5, n - 1))])
    gaps = np.sort(means[0] - means[1:])
    h2 = float(max((i + 2) / gaps[i] ** 2 for i in range(n - 1)))
    rounds = math.log2(n)
    budget = int(8 * h2 * rounds * math.log(3 * rounds / _SH_TARGET_BOUND))
    return means, h2, budget


class SHIdentificationCheck(Check):
    bound_id = "progressive.sh.identification"
    name = "sh-identification"
    method = ("per instance an exact one-sided binomial test of H1: P(wrong arm) > bound, "
              "Holm-corrected")
    sabotages = (
        Sabotage("sigma=10", "assumption-dropped",
                 "Gaussian rewards with sigma = 10 instead of <= 1/2",
                 assumption="rewards-1/2-subgaussian"),
        Sabotage("keep-floor-half", "assumption-dropped",
                 "floor(|S_k|/2) survivors, on n = 6, 12 arms (not powers of two, where the "
                 "rules differ)", assumption="keep-ceil-half", probe=True),
        Sabotage("share-floor-log2", "assumption-dropped",
                 "the round budget B/floor(log2 n) on n = 6, 12 arms (more pulls than B in "
                 "all)", assumption="budget/ceil(log2 n)", probe=True),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        sigma = 10.0 if setting.name == "sigma=10" else 0.5
        keep = "floor" if setting.name == "keep-floor-half" else "ceil"
        share = "floor" if setting.name == "share-floor-log2" else "ceil"
        instances = _SH_PROBE_INSTANCES if setting.probe else _SH_INSTANCES
        replicates = 2000 if context.quick else 20000
        rows: list[dict[str, Any]] = []
        failed: set[str] = set()
        seeds = np.random.SeedSequence(context.seed).spawn(len(instances))
        for (n, gap), seed in zip(instances, seeds, strict=True):
            means, h2, budget = _sh_instance(n, gap)
            constants = {"n": n, "B": budget, "H_2": h2, "sigma": sigma,
                         "keeps_ceil_half": keep == "ceil",
                         "round_budget_over_ceil_log2_n": share == "ceil"}
            failed.update(a.name for a in self.bound.failed_assumptions(constants))
            value = self.bound.evaluate(**constants) * setting.factor
            chosen, _ = simulate_sequential_halving(means, sigma, budget, replicates,
                                                    np.random.default_rng(seed), keep=keep,
                                                    share=share)
            failures = int(np.sum(chosen != 0))
            test = binomial_test(failures, replicates, min(value, 1.0), alternative="greater")
            rows.append({"n": n, "B": budget, "H_2": h2, "sigma": sigma, "bound": value,
                         "failures": failures, "replicates": replicates,
                         "failure_rate": failures / replicates, "p_value": test.p_value,
                         "ci": [test.ci_low, test.ci_high],
                         "tightness": failures / replicates / value})
        adjusted, reject = holm([r["p_value"] for r in rows], ALPHA)
        for row, p_adj in zip(rows, adjusted, strict=True):
            row["p_holm"] = float(p_adj)
        worst = int(np.argmin(adjusted))
        violated = bool(np.any(reject))
        return self.result(
            setting, assumptions_hold=not failed, instances=len(rows),
            runs=replicates * len(rows), violations=int(np.sum(reject)),
            outcome=Outcome.VIOLATION if violated else Outcome.HOLDS,
            statistic_name="smallest Holm-adjusted p (H1: P(failure) > bound)",
            statistic=float(adjusted[worst]), p_value=float(adjusted[worst]), level=ALPHA,
            tightness=max(r["tightness"] for r in rows),
            counterexample=rows[worst] if violated else None,
            details={"instances": rows, "failed_assumptions": sorted(failed)},
        )


@st.composite
def _hyperband_instance(draw: st.DrawFn, integer_eta: bool) -> dict[str, Any]:
    if integer_eta:
        eta: Fraction = Fraction(draw(st.integers(2, 5)))
    else:
        eta = draw(st.sampled_from([Fraction(3, 2), Fraction(5, 4), Fraction(5, 2)]))
    return {"R": draw(st.integers(1, 300)), "eta": eta, "seed": draw(st.integers(0, 2**16))}


class _HyperbandCheck(Check):
    sabotages = (
        Sabotage("eta-non-integer", "assumption-dropped",
                 "eta in {3/2, 5/4, 5/2}: survivors floor(n_i/eta) no longer give "
                 "floor(n eta^-i)", assumption="eta-integer>=2"),
        Sabotage("scaled-0.5", "bound-scaled", "the formula halved", factor=0.5),
    )

    def compare(self, brackets: list[Any], constants: dict[str, Any],
                factor: Fraction) -> Measurement:
        raise NotImplementedError

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        failed: set[str] = set()
        factor = Fraction(str(setting.factor))

        def measure(instance: dict[str, Any]) -> Measurement:
            big_r, eta = instance["R"], instance["eta"]
            constants = {"R": big_r, "eta": eta, "s_max": floor_log(big_r, eta)}
            failed.update(a.name for a in self.bound.failed_assumptions(
                {"R": big_r, "eta": float(eta)}))
            brackets = hyperband_brackets(big_r, eta, np.random.default_rng(instance["seed"]))
            m = self.compare(brackets, constants, factor)
            return Measurement(m.measured, m.bound, m.holds,
                               {"R": big_r, "eta": str(eta), **m.instance})

        examples = 40 if context.quick else 200
        outcome = search_instances(
            _hyperband_instance(setting.name != "eta-non-integer"), measure, examples,
            context.seed, context.database(f"{self.name}-{setting.name}"))
        return _result_from_search(self, setting, outcome, failed, "measured/claimed (max)",
                                   {})


class HyperbandRungSizesCheck(_HyperbandCheck):
    bound_id = "progressive.hyperband.rung-sizes"
    name = "hyperband-rung-sizes"
    method = ("exact equality of every rung's size (and r_i = R eta^(i-s)) with what the "
              "Hyperband simulator ran, Hypothesis-drawn (R, eta)")

    def compare(self, brackets: list[Any], constants: dict[str, Any],
                factor: Fraction) -> Measurement:
        worst: Measurement | None = None
        for bracket in brackets:
            for i, (size, resource) in enumerate(zip(bracket.rung_sizes,
                                                     bracket.rung_resources, strict=True)):
                claimed = exact_value(self.bound, {**constants, "s": bracket.s, "i": i}) * factor
                resource_ok = resource == Fraction(constants["R"]) * Fraction(
                    constants["eta"]) ** (i - bracket.s)
                holds = size == claimed and resource_ok
                m = Measurement(float(size), float(claimed), holds,
                                {"s": bracket.s, "rung": i, "n_bracket": bracket.n,
                                 "resource_matches": resource_ok})
                if worst is None or not holds:
                    worst = m
                if not holds:
                    return m
        assert worst is not None
        return worst


class HyperbandBudgetCheck(_HyperbandCheck):
    bound_id = "progressive.hyperband.iteration-budget"
    name = "hyperband-iteration-budget"
    method = ("exact rational equality of one iteration's total resource with what the "
              "Hyperband simulator spent, Hypothesis-drawn (R, eta)")

    def compare(self, brackets: list[Any], constants: dict[str, Any],
                factor: Fraction) -> Measurement:
        spent = sum((b.budget for b in brackets), Fraction(0))
        claimed = exact_value(self.bound, constants) * factor
        holds = spent == claimed
        return Measurement(float(spent), float(claimed), holds,
                           {"brackets": len(brackets), "s_max": constants["s_max"]})


CHECKS: tuple[Check, ...] = (SHRoundPullsCheck(), SHTotalBudgetCheck(),
                             SHIdentificationCheck(), HyperbandRungSizesCheck(),
                             HyperbandBudgetCheck())
#: bound id -> why it has no empirical check (it is checked symbolically instead)
SYMBOLIC_ONLY: dict[str, str] = {}
