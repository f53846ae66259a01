"""Empirical checks of the progressive-search bounds (successive halving, Hyperband).

* schedule formulas (round pulls, rung sizes, iteration budget): exact equality between
  the closed form, evaluated in exact rational arithmetic (sympy ``subs``/``doit`` with
  integers, so no floating-point floor decides), and what the simulators in
  ``solvers.algorithms.halving`` really did, on Hypothesis-drawn (n, B) or (R, eta). The
  measured side is the simulators' own instrumentation, never a formula of this module:
  the pulls every arm served per round (``PullLedger``, counted inside the arms' sample
  function) and the configurations evaluated and resource spent per bracket and rung
  (``ResourceLedger``, counted inside Hyperband's one evaluation function);
* the budget of Sequential Halving: total pulls counted by the arms <= B on every drawn
  (n, B);
* the identification bound of Karnin et al. (Theorem 4.1): per instance (n, gaps, budget,
  the budget chosen so that the bound is ``SH_TARGET_BOUND`` = 0.05, well below the trivial
  1 of a probability) a one-sided exact binomial test of H1: P(failure) > bound on simulated
  Gaussian arms, Holm-corrected; its power is computed against the failure probability of
  the sigma = 10 sabotage on the same instances.

Trivial bounds: the schedule formulas are exact counts (no trivial bound to compare); the
total pulls of an arbitrary algorithm have no finite trivial upper bound; a failure
probability is at most 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import cache
from typing import Any, ClassVar

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
    Power,
    Sabotage,
    Triviality,
    upper_holds,
)
from proofs_checks.power import binomial_power
from solvers.algorithms.halving import (
    PullLedger,
    ResourceLedger,
    floor_log,
    hyperband_brackets,
    simulate_sequential_halving,
)
from theory.bound import Bound
from theory.registry import get_bound

__all__ = ["CHECKS", "SH_TARGET_BOUND", "SYMBOLIC_ONLY", "sh_instance"]

#: an exact count: nothing to compare with a trivial bound
EXACT = Triviality.none("exact count: the claim is an equality, no trivial bound applies")


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


#: means of the arms in the schedule checks (any distinct values do: only counts are checked)
_SCHEDULE_BEST, _SCHEDULE_SPREAD = 0.9, 0.8
#: replicates of the simulator per drawn (n, B) in the schedule checks: the counts must be
#: the same in each (which arms survive differs)
_SCHEDULE_REPLICATES = 3


def _counted_pulls(n: int, budget: int, keep: str, share: str, seed: int) -> PullLedger:
    """Run the Sequential Halving simulator and return the pulls its arms counted."""
    means = _SCHEDULE_BEST - _SCHEDULE_SPREAD * np.linspace(0.0, 1.0, n)
    ledger = PullLedger()
    simulate_sequential_halving(means, 0.5, budget, _SCHEDULE_REPLICATES,
                                np.random.default_rng(seed), keep=keep, share=share,
                                ledger=ledger)
    return ledger


@st.composite
def _arms_and_budget(draw: st.DrawFn, non_power_of_two: bool) -> dict[str, int]:
    n = draw(st.integers(2, 40))
    if non_power_of_two and n & (n - 1) == 0:
        n += 1
    budget = draw(st.integers(0, 5000))
    return {"n": n, "B": budget, "seed": draw(st.integers(0, 2**16))}



def _rounds_of_the_statement(n: int) -> int:
    """ceil(log2 n) as the statement defines it, the smallest L with 2^L >= n, computed
    here and not by the solver's own helper: a schedule and a closed form that shared one
    wrong ceil(log2 n) would agree with each other (the planted bug ceil-log2-powers-of-two
    of proofs_checks.mutants went unseen that way)."""
    rounds = 0
    while 2**rounds < n:
        rounds += 1
    return rounds

class SHRoundPullsCheck(Check):
    bound_id = "progressive.sh.round-pulls"
    name = "sh-round-pulls"
    method = ("exact equality of every round's pulls, as counted by the simulated arms for "
              "every arm asked in every replicate, with the closed form, on Hypothesis-drawn "
              "(n, B)")
    #: Hypothesis examples, each a drawn (n, B)
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"examples": 60},
        "full": {"examples": 300}}
    sabotages = (
        Sabotage("keep-floor-half", "assumption-dropped",
                 "the survivors are floor(|S_k|/2) instead of Karnin et al.'s ceil(|S_k|/2)",
                 assumption="keep-ceil-half"),
        Sabotage("scaled-0.5", "bound-scaled", "the formula halved", factor=0.5),
        Sabotage("share-floor-log2", "assumption-dropped",
                 "the round budget divides by floor(log2 n) < ceil(log2 n) (n not a power of "
                 "two)", assumption="budget/ceil(log2 n)"),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        sizes = self.sizes(context)
        keep = "floor" if setting.name == "keep-floor-half" else "ceil"
        share = "floor" if setting.name == "share-floor-log2" else "ceil"
        factor = Fraction(str(setting.factor))
        failed: set[str] = set()

        def measure(instance: dict[str, int]) -> Measurement:
            n, budget = instance["n"], instance["B"]
            constants = {"n": n, "keeps_ceil_half": keep == "ceil",
                         "round_budget_over_ceil_log2_n": share == "ceil"}
            failed.update(a.name for a in self.bound.failed_assumptions(constants))
            ledger = _counted_pulls(n, budget, keep, share, instance["seed"])
            rounds = _rounds_of_the_statement(n)
            worst: Measurement | None = None
            for k in range(max(rounds, len(ledger.pulls))):
                claimed = exact_value(self.bound, {"B": budget, "n": n, "k": k,
                                                   "L": rounds}) * factor
                if k < len(ledger.pulls):
                    asked, pulls = ledger.asked[k], ledger.pulls[k]
                    served = np.unique(pulls[asked])  # pulls of every arm asked, every replicate
                    unasked_pulled = bool(np.any(pulls[~asked]))
                    arms = sorted({int(a) for a in asked.sum(axis=1)})
                else:  # a round the closed form has and the simulator did not run
                    served, unasked_pulled, arms = np.array([0]), False, [0]
                measured = int(served.max())
                holds = (len(served) == 1 and measured == claimed and not unasked_pulled
                         and k < rounds)
                m = Measurement(float(measured), float(claimed), holds,
                                {"n": n, "B": budget, "round": k, "arms_alive": arms,
                                 "pulls_seen": [int(v) for v in served[:4]],
                                 "rounds_run": len(ledger.pulls)})
                if worst is None or not m.holds:
                    worst = m
                if not m.holds:
                    break
            assert worst is not None  # n >= 2 gives at least one round
            return worst

        outcome = self.search(context, setting,
                              _arms_and_budget(keep == "floor" or share == "floor"), measure,
                              sizes["examples"])
        return self.search_result(setting, outcome, failed,
                                  statistic_name="measured/claimed (max)",
                                  statistic=outcome.worst_tightness,
                                  tightness=outcome.worst_tightness, triviality=EXACT,
                                  details={"keep": keep, "share": share})


class SHTotalBudgetCheck(Check):
    bound_id = "progressive.sh.total-budget"
    name = "sh-total-budget"
    method = ("total pulls counted by the simulated arms <= B in every replicate, on every "
              "Hypothesis-drawn (n, B)")
    #: Hypothesis examples, each a drawn (n, B)
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"examples": 60},
        "full": {"examples": 300}}
    sabotages = (
        Sabotage("share-floor-log2", "assumption-dropped",
                 "the round budget divides by floor(log2 n) < ceil(log2 n) rounds "
                 "(n not a power of two)", assumption="budget/ceil(log2 n)"),
        Sabotage("scaled-0.5", "bound-scaled", "the budget claimed as B/2", factor=0.5),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        sizes = self.sizes(context)
        share = "floor" if setting.name == "share-floor-log2" else "ceil"
        failed: set[str] = set()

        def measure(instance: dict[str, int]) -> Measurement:
            n, budget = instance["n"], instance["B"]
            failed.update(a.name for a in self.bound.failed_assumptions(
                {"n": n, "round_budget_over_ceil_log2_n": share == "ceil"}))
            ledger = _counted_pulls(n, budget, "ceil", share, instance["seed"])
            total = int(ledger.total().max())
            value = self.bound.evaluate(B=budget) * setting.factor
            return Measurement(float(total), value, upper_holds(total, value),
                               {"n": n, "B": budget})

        outcome = self.search(context, setting, _arms_and_budget(share == "floor"), measure,
                              sizes["examples"])
        return self.search_result(
            setting, outcome, failed, statistic_name="total pulls / B (max)",
            statistic=outcome.worst_tightness, tightness=outcome.worst_tightness,
            details={"share": share},
            triviality=Triviality.none("the total pulls of an arbitrary algorithm have no "
                                       "finite trivial upper bound (it may pull forever); "
                                       "the claim is B itself"))


#: (n, gap spread) of the SH test; the budget is chosen so that the bound is SH_TARGET_BOUND
_SH_INSTANCES = ((4, 0.3), (8, 0.3), (16, 0.4))
#: instances of the probes that change the survivor rule or the round budget: n not a power
#: of two, where floor and ceil differ
_SH_PROBE_INSTANCES = ((6, 0.3), (12, 0.4))
_SH_BEST_MEAN = 0.9
#: the bound's value on every instance: 1/20 of the trivial bound 1 of a probability, so a
#: rule that failed even 1 time in 10 would be caught (binomial power ~1 at 2000 replicates)
SH_TARGET_BOUND = 0.05
#: sigma of the sabotage "sigma=10" (the assumption asks sigma <= 1/2)
_SH_SABOTAGE_SIGMA = 10.0


def sh_instance(n: int, gap: float, target: float = SH_TARGET_BOUND
                ) -> tuple[np.ndarray, float, int]:
    """Means (best first, gaps gap..1.5 gap), H_2, and the budget B where the bound
    3 log2 n exp(-B/(8 H_2 log2 n)) equals ``target``: B = 8 H_2 log2 n ln(3 log2 n/target),
    rounded down (so the bound is at most a hair above ``target``)."""
    means = np.array([_SH_BEST_MEAN, *(_SH_BEST_MEAN - gap * np.linspace(1.0, 1.5, n - 1))])
    gaps = np.sort(means[0] - means[1:])
    h2 = float(max((i + 2) / gaps[i] ** 2 for i in range(n - 1)))
    rounds = math.log2(n)
    budget = int(8 * h2 * rounds * math.log(3 * rounds / target))
    return means, h2, budget


class SHIdentificationCheck(Check):
    bound_id = "progressive.sh.identification"
    name = "sh-identification"
    method = ("per instance an exact one-sided binomial test of H1: P(wrong arm) > bound "
              "(the budget set so that the bound is 0.05), Holm-corrected")
    #: simulated replicates of Sequential Halving per instance (and as many for the sigma =
    #: 10 sabotage's alternative); see SH_TARGET_BOUND for the power at 2000
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"replicates": 2000},
        "full": {"replicates": 20000}}
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
        sigma = _SH_SABOTAGE_SIGMA if setting.name == "sigma=10" else 0.5
        keep = "floor" if setting.name == "keep-floor-half" else "ceil"
        share = "floor" if setting.name == "share-floor-log2" else "ceil"
        instances = _SH_PROBE_INSTANCES if setting.probe else _SH_INSTANCES
        sizes = self.sizes(context)
        replicates = sizes["replicates"]
        rows: list[dict[str, Any]] = []
        failed: set[str] = set()
        # one stream per instance for the setting's runs, one for the sabotage's alternative
        seeds = np.random.SeedSequence(context.seed).spawn(2 * len(instances))
        powers: list[Power] = []
        for index, (n, gap) in enumerate(instances):
            means, h2, budget = sh_instance(n, gap)
            constants = {"n": n, "B": budget, "H_2": h2, "sigma": sigma,
                         "keeps_ceil_half": keep == "ceil",
                         "round_budget_over_ceil_log2_n": share == "ceil"}
            failed.update(a.name for a in self.bound.failed_assumptions(constants))
            value = self.bound.evaluate(**constants) * setting.factor
            chosen, _ = simulate_sequential_halving(
                means, sigma, budget, replicates, np.random.default_rng(seeds[index]),
                keep=keep, share=share)
            failures = int(np.sum(chosen != 0))
            null = min(value, 1.0)
            test = binomial_test(failures, replicates, null, alternative="greater")
            # the alternative: the failure probability of the sigma = 10 sabotage on this
            # instance, estimated from its own replicates (the Clopper-Pearson lower end at
            # 99%, so the power is not overstated); the test's level alpha/m (Bonferroni
            # for the m instances Holm corrects over, a lower bound on Holm's power)
            sabotaged, _ = simulate_sequential_halving(
                means, _SH_SABOTAGE_SIGMA, budget, replicates,
                np.random.default_rng(seeds[len(instances) + index]), keep=keep, share=share)
            sab_failures = int(np.sum(sabotaged != 0))
            sab_low = binomial_test(sab_failures, replicates, 0.5, alternative="greater",
                                    level=0.99).ci_low
            powers.append(binomial_power(
                replicates, null, float(sab_low), ALPHA / len(instances), greater=True,
                alternative=f"P(failure) = {sab_low:.3g} (sigma = 10 sabotage on n = {n}, "
                f"lower 99% end of {sab_failures}/{replicates})"))
            rows.append({"n": n, "B": budget, "H_2": h2, "sigma": sigma, "bound": value,
                         "failures": failures, "replicates": replicates,
                         "failure_rate": failures / replicates, "p_value": test.p_value,
                         "ci": [test.ci_low, test.ci_high],
                         "sabotage_failure_rate": sab_failures / replicates,
                         "power": powers[-1].power,
                         "tightness": failures / replicates / value})
        adjusted, reject = holm([r["p_value"] for r in rows], ALPHA)
        for row, p_adj in zip(rows, adjusted, strict=True):
            row["p_holm"] = float(p_adj)
        worst = int(np.argmin(adjusted))
        violated = bool(np.any(reject))
        weakest = min(powers, key=lambda p: p.power)  # the instance least able to reject
        return self.result(
            setting, assumptions_hold=not failed, instances=len(rows),
            runs=replicates * len(rows), violations=int(np.sum(reject)),
            outcome=Outcome.VIOLATION if violated else Outcome.HOLDS,
            statistic_name="smallest Holm-adjusted p (H1: P(failure) > bound)",
            statistic=float(adjusted[worst]), p_value=float(adjusted[worst]), level=ALPHA,
            tightness=max(r["tightness"] for r in rows),
            counterexample=rows[worst] if violated else None,
            details={"instances": rows, "failed_assumptions": sorted(failed)},
            triviality=Triviality.from_pairs(
                "a failure probability is at most 1", [(r["bound"], 1.0) for r in rows]),
            power=weakest,
        )


@st.composite
def _hyperband_instance(draw: st.DrawFn, integer_eta: bool) -> dict[str, Any]:
    if integer_eta:
        eta: Fraction = Fraction(draw(st.integers(2, 5)))
    else:
        eta = draw(st.sampled_from([Fraction(3, 2), Fraction(5, 4), Fraction(5, 2)]))
    return {"R": draw(st.integers(1, 300)), "eta": eta, "seed": draw(st.integers(0, 2**16))}


class _HyperbandCheck(Check):
    #: Hypothesis examples, each a drawn (R, eta)
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"examples": 40},
        "full": {"examples": 200}}
    sabotages = (
        Sabotage("eta-non-integer", "assumption-dropped",
                 "eta in {3/2, 5/4, 5/2}: survivors floor(n_i/eta) no longer give "
                 "floor(n eta^-i)", assumption="eta-integer>=2"),
        Sabotage("scaled-0.5", "bound-scaled", "the formula halved", factor=0.5),
    )

    def compare(self, ledger: ResourceLedger, constants: dict[str, Any],
                factor: Fraction) -> Measurement:
        raise NotImplementedError

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        sizes = self.sizes(context)
        failed: set[str] = set()
        factor = Fraction(str(setting.factor))

        def measure(instance: dict[str, Any]) -> Measurement:
            big_r, eta = instance["R"], instance["eta"]
            constants = {"R": big_r, "eta": eta, "s_max": floor_log(big_r, eta)}
            failed.update(a.name for a in self.bound.failed_assumptions(
                {"R": big_r, "eta": float(eta)}))
            ledger = ResourceLedger()  # filled by the simulator's one evaluation function
            hyperband_brackets(big_r, eta, np.random.default_rng(instance["seed"]), ledger)
            m = self.compare(ledger, constants, factor)
            return Measurement(m.measured, m.bound, m.holds,
                               {"R": big_r, "eta": str(eta), **m.instance})

        outcome = self.search(context, setting,
                              _hyperband_instance(setting.name != "eta-non-integer"), measure,
                              sizes["examples"])
        return self.search_result(setting, outcome, failed,
                                  statistic_name="measured/claimed (max)",
                                  statistic=outcome.worst_tightness,
                                  tightness=outcome.worst_tightness, triviality=EXACT)


class HyperbandRungSizesCheck(_HyperbandCheck):
    bound_id = "progressive.hyperband.rung-sizes"
    name = "hyperband-rung-sizes"
    method = ("exact equality of every rung's size (and r_i = R eta^(i-s)), as counted by "
              "the Hyperband simulator's evaluation function, with the closed form, "
              "Hypothesis-drawn (R, eta)")

    def compare(self, ledger: ResourceLedger, constants: dict[str, Any],
                factor: Fraction) -> Measurement:
        worst: Measurement | None = None
        s_max = int(constants["s_max"])
        claimed_keys = {(s, i) for s in range(s_max + 1) for i in range(s + 1)}
        for s, i in sorted(claimed_keys | set(ledger.evaluated), reverse=True):
            size = ledger.evaluated.get((s, i), 0)
            resources = ledger.resource.get((s, i), set())
            claimed = (exact_value(self.bound, {**constants, "s": s, "i": i}) * factor
                       if (s, i) in claimed_keys else Fraction(0))
            expected_resource = Fraction(constants["R"]) * Fraction(constants["eta"]) ** (i - s)
            resource_ok = resources == {expected_resource}
            holds = size == claimed and resource_ok and (s, i) in claimed_keys
            m = Measurement(float(size), float(claimed), holds,
                            {"s": s, "rung": i, "resource_matches": resource_ok})
            if worst is None or not holds:
                worst = m
            if not holds:
                return m
        assert worst is not None
        return worst


class HyperbandBudgetCheck(_HyperbandCheck):
    bound_id = "progressive.hyperband.iteration-budget"
    name = "hyperband-iteration-budget"
    method = ("exact rational equality of one iteration's total resource, as the Hyperband "
              "simulator's evaluation function counted it, with the closed form, "
              "Hypothesis-drawn (R, eta)")

    def compare(self, ledger: ResourceLedger, constants: dict[str, Any],
                factor: Fraction) -> Measurement:
        spent = ledger.spent
        claimed = exact_value(self.bound, constants) * factor
        holds = spent == claimed
        return Measurement(float(spent), float(claimed), holds,
                           {"brackets": len({s for s, _ in ledger.evaluated}),
                            "s_max": constants["s_max"]})


CHECKS: tuple[Check, ...] = (SHRoundPullsCheck(), SHTotalBudgetCheck(),
                             SHIdentificationCheck(), HyperbandRungSizesCheck(),
                             HyperbandBudgetCheck())
#: bound id -> why it has no empirical check (it is checked symbolically instead)
SYMBOLIC_ONLY: dict[str, str] = {}
