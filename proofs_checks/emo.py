"""Empirical checks of the emo bounds (SEMO, GSEMO, NSGA-II on OneJumpZeroJump) on stored runs.

* order claims: stored runs over a small grid of n, OLS of log T on log g(n), one-sided
  test of H1: slope > 1 at ALPHA; a grid point with more than half its runs censored at
  the cap is itself a violation;
* explicit constants in expectation: per n a one-sided t-test of H1: mean T > bound,
  Holm-corrected across n;
* convergence with probability 1: an exact binomial test of H1: P(cover within the cap) <
  0.9 on small instances.

Sabotaged settings: the order lowered by a factor n (or log n), the constant scaled down,
and a mutation that never flips bit 0 (``frozen_bits=1``): it cannot reach every point, so
the front is never covered (every run censored at its cap, whose value counts as T).
Runs go through ``solvers.execute.run_many`` so every run is stored once and reused.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from analysis.stats import binomial_test, constant_fit, loglog_fit, mean_test
from proofs_checks.check import ALPHA, Check, CheckContext, CheckResult, Sabotage, Verdict
from solvers.execute import make_spec, run_many
from solvers.store import StoredRun

__all__ = ["CHECKS", "SYMBOLIC_ONLY"]

FROZEN = Sabotage("frozen-bit-0", "assumption-dropped",
                  "mutation never flips bit 0: not every point is reachable")


def _constants(n: int, k: int = 2, pop: int = 0, mutation: str = "one-bit",
               frozen: int = 0) -> dict[str, Any]:
    return {
        "n": n, "k": k, "N": pop,
        "one_bit_mutation": mutation == "one-bit" and frozen == 0,
        "bitwise_mutation": mutation == "bitwise" and frozen == 0,
        "uniform_parent_selection": True,
        "no_crossover": True,
        "mutation_reaches_every_point": mutation == "bitwise" and frozen == 0,
        "elitist_archive": True,
        "H_n": float(sum(1.0 / i for i in range(1, n + 1))),
    }


def _semo_runs(context: CheckContext, solver: str, problem: str,
               instances: list[dict[str, int]], seeds: int, cap: int, frozen: int,
               description: str) -> list[StoredRun]:
    params = {"max_iterations": cap, "frozen_bits": frozen}
    specs = [make_spec(solver, params, problem, inst, seed)
             for inst in instances for seed in range(context.seed, context.seed + seeds)]
    return run_many(specs, context.store, workers=context.workers, progress=context.progress,
                    description=description).runs


def _semo_times(runs: list[StoredRun]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, T, censored) per run; a censored run counts as its iterations run (the cap)."""
    n = np.array([r.spec.problem_config["n"] for r in runs], dtype=float)
    censored = np.array([bool(r.summary["censored"]) for r in runs])
    t = np.array([r.summary["iterations_run"] if c else r.summary["iterations_to_cover"]
                  for r, c in zip(runs, censored, strict=True)], dtype=float)
    return n, t, censored


def _order_result(check: Check, setting: Sabotage, n: np.ndarray, t: np.ndarray,
                  censored: np.ndarray, g: np.ndarray, failed: set[str],
                  extra: dict[str, Any]) -> CheckResult:
    censored_share = {int(v): float(censored[n == v].mean()) for v in np.unique(n)}
    fit = loglog_fit(g, np.maximum(t, 1.0), hypothesised_slope=1.0)
    constant = constant_fit(g, t)
    mostly_censored = any(share > 0.5 for share in censored_share.values())
    violated = fit.p_greater < ALPHA or mostly_censored
    means = {int(v): float(t[n == v].mean()) for v in np.unique(n)}
    counter: dict[str, Any] | None = None
    if mostly_censored:
        counter = {"censored_share": censored_share}
    elif violated:
        counter = {"slope": fit.slope, "ci": [fit.slope_ci_low, fit.slope_ci_high]}
    return check.result(
        setting, assumptions_hold=not failed, instances=len(means), runs=len(t),
        violations=int(violated), verdict=Verdict.VIOLATION if violated else Verdict.PASS,
        statistic_name="slope of log T on log g(n)", statistic=fit.slope,
        p_value=fit.p_greater, level=ALPHA, tightness=None, counterexample=counter,
        details={"mean_T": means, "censored_share": censored_share,
                 "slope_ci": [fit.slope_ci_low, fit.slope_ci_high],
                 "fitted_constant": constant.constant,
                 "fitted_constant_ci": [constant.ci_low, constant.ci_high],
                 "failed_assumptions": sorted(failed), **extra},
    )


class _SemoOrderCheck(Check):
    method = "OLS of log T on log g(n), one-sided slope test (H1: slope > 1)"
    solver: ClassVar[str]
    problem: ClassVar[str]
    ns: ClassVar[tuple[int, ...]]
    cap: ClassVar[int]
    lowered: ClassVar[str]  # the sabotage's order, a factor below the claim

    def growth(self, n: np.ndarray, lowered: bool) -> np.ndarray:
        raise NotImplementedError

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        seeds = 12 if context.quick else 50
        ns, cap = self.ns, self.cap
        frozen = 1 if setting.name == FROZEN.name else 0
        if frozen:  # never covers: a few short runs already show it
            ns, seeds, cap = ns[:3], 3, min(cap, 3_000)
        runs = _semo_runs(context, self.solver, self.problem, [{"n": v} for v in ns], seeds,
                          cap, frozen, self.name)
        n, t, censored = _semo_times(runs)
        mutation = "bitwise" if self.solver == "gsemo" else "one-bit"
        failed = {a.name for a in self.bound.failed_assumptions(
            _constants(ns[0], mutation=mutation, frozen=frozen))}
        g = self.growth(n, setting.kind == "bound-scaled")
        return _order_result(self, setting, n, t, censored, g, failed,
                             {"ns": list(ns), "seeds": seeds, "cap": cap})


class SemoLotzOrder(_SemoOrderCheck):
    bound_id = "emo.semo.lotz.runtime-order"
    name = "emo-semo-lotz-order"
    solver, problem, ns, cap = "semo", "lotz", (6, 8, 11, 16), 100_000
    sabotages = (Sabotage("order-n^2", "bound-scaled", "the order n^2 instead of n^3"),
                 Sabotage(FROZEN.name, FROZEN.kind, FROZEN.description,
                          assumption="one-bit-mutation"))

    def growth(self, n: np.ndarray, lowered: bool) -> np.ndarray:
        return n**2 if lowered else n**3


class GsemoLotzOrder(SemoLotzOrder):
    bound_id = "emo.gsemo.lotz.runtime-order"
    name = "emo-gsemo-lotz-order"
    solver = "gsemo"
    sabotages = (Sabotage("order-n^2", "bound-scaled", "the order n^2 instead of n^3"),
                 Sabotage(FROZEN.name, FROZEN.kind, FROZEN.description,
                          assumption="bitwise-mutation"))


class SemoOneMinMaxOrder(_SemoOrderCheck):
    bound_id = "emo.semo.oneminmax.runtime-order"
    name = "emo-semo-oneminmax-order"
    solver, problem, ns, cap = "semo", "oneminmax", (8, 11, 16, 22), 100_000
    sabotages = (Sabotage("order-n-log-n", "bound-scaled",
                          "the order n log n instead of n^2 log n"),
                 Sabotage(FROZEN.name, FROZEN.kind, FROZEN.description,
                          assumption="one-bit-mutation"))

    def growth(self, n: np.ndarray, lowered: bool) -> np.ndarray:
        size = np.asarray(n, dtype=float)
        scaled: np.ndarray = size * np.log(size) if lowered else size**2 * np.log(size)
        return scaled


class GsemoOneMinMaxOrder(SemoOneMinMaxOrder):
    bound_id = "emo.gsemo.oneminmax.runtime-order"
    name = "emo-gsemo-oneminmax-order"
    solver = "gsemo"
    sabotages = (Sabotage("order-n-log-n", "bound-scaled",
                          "the order n log n instead of n^2 log n"),
                 Sabotage(FROZEN.name, FROZEN.kind, FROZEN.description,
                          assumption="bitwise-mutation"))


class _ExplicitCheck(Check):
    method = "one-sided t-test per n (H1: mean T > bound), Holm-corrected"
    solver: ClassVar[str]
    problem: ClassVar[str]
    ns: ClassVar[tuple[int, ...]]
    k: ClassVar[int] = 0
    cap: ClassVar[int]

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        seeds = 15 if context.quick else 50
        ns, cap = self.ns, self.cap
        frozen = 1 if setting.name == FROZEN.name else 0
        if frozen:  # censored at a cap 10x above the bound at the smallest n
            ns, seeds = ns[:1], 4
            cap = min(cap, 25_000)
        instances = [{"n": v, "k": self.k} if self.k else {"n": v} for v in ns]
        runs = _semo_runs(context, self.solver, self.problem, instances, seeds, cap, frozen,
                          self.name)
        n_values, t, censored = _semo_times(runs)
        mutation = "bitwise" if self.solver == "gsemo" else "one-bit"
        rows: list[dict[str, Any]] = []
        failed: set[str] = set()
        for n in ns:
            constants = _constants(n, k=self.k or 2, mutation=mutation, frozen=frozen)
            failed.update(a.name for a in self.bound.failed_assumptions(constants))
            value = self.bound.evaluate(**constants) * setting.factor
            sample = t[n_values == n]
            test = mean_test(sample, value, alternative="greater")
            rows.append({"n": n, "mean": test.mean, "ci": [test.ci_low, test.ci_high],
                         "bound": value, "p_value": test.p_value,
                         "censored": int(censored[n_values == n].sum()),
                         "tightness": test.mean / value, "runs": len(sample)})
        return self.holm_result(
            setting, rows, failed, "smallest Holm-adjusted p (H1: mean T > bound)",
            {"instances": rows, "cap": cap})


class SemoOneMinMaxExplicit(_ExplicitCheck):
    bound_id = "emo.semo.oneminmax.runtime-explicit"
    name = "emo-semo-oneminmax-explicit"
    solver, problem, ns = "semo", "oneminmax", (8, 16, 24)
    cap = 20_000  # above the bound at n = 8 (2 * 8 * 9 * H_8 = 391)
    sabotages = (Sabotage("scaled-0.2", "bound-scaled", "the bound multiplied by 0.2",
                          factor=0.2),
                 Sabotage(FROZEN.name, FROZEN.kind, FROZEN.description,
                          assumption="one-bit-mutation"))


class GsemoOjzjExplicit(_ExplicitCheck):
    bound_id = "emo.gsemo.ojzj.runtime-explicit"
    name = "emo-gsemo-ojzj-explicit"
    solver, problem, ns, k = "gsemo", "ojzj", (8, 12, 16), 2
    cap = 200_000  # above the bound at n = 8 ((3/2) e 8^3 = 2088)
    sabotages = (Sabotage("scaled-0.3", "bound-scaled", "the bound multiplied by 0.3",
                          factor=0.3),
                 Sabotage(FROZEN.name, FROZEN.kind, FROZEN.description,
                          assumption="bitwise-mutation"))


class ConvergenceCheck(Check):
    bound_id = "emo.convergence.probability-one"
    name = "emo-convergence"
    method = "exact binomial test of H1: P(front covered within the cap) < 0.9"
    p0 = 0.9
    sabotages = (Sabotage(FROZEN.name, FROZEN.kind, FROZEN.description,
                          assumption="mutation-reaches-every-point"),)

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        seeds = 10 if context.quick else 30
        frozen = 1 if setting.name == FROZEN.name else 0
        cap = 20_000 if not frozen else 2_000  # GSEMO covers these in < 1000 on average
        cases = [("lotz", {"n": 6}), ("oneminmax", {"n": 8}), ("ojzj", {"n": 8, "k": 2})]
        covered = total = 0
        per_problem: dict[str, int] = {}
        for problem, params in cases:
            runs = _semo_runs(context, "gsemo", problem, [params], seeds, cap, frozen,
                              self.name)
            hits = sum(bool(r.summary["covered"]) for r in runs)
            per_problem[problem] = hits
            covered += hits
            total += len(runs)
        failed = {a.name for a in self.bound.failed_assumptions(
            _constants(8, mutation="bitwise", frozen=frozen))}
        test = binomial_test(covered, total, self.p0, alternative="less")
        violated = test.p_value < ALPHA
        return self.result(
            setting, assumptions_hold=not failed, instances=len(cases), runs=total,
            violations=int(violated), verdict=Verdict.VIOLATION if violated else Verdict.PASS,
            statistic_name="share of runs covering the front within the cap",
            statistic=covered / total, p_value=test.p_value, level=ALPHA,
            tightness=covered / total,
            counterexample={"covered": per_problem, "runs_each": seeds} if violated else None,
            details={"cap_iterations": cap, "covered": per_problem,
                     "cover_rate_ci": [test.ci_low, test.ci_high],
                     "failed_assumptions": sorted(failed)},
        )


CHECKS: tuple[Check, ...] = (SemoLotzOrder(), GsemoLotzOrder(), SemoOneMinMaxOrder(),
                             GsemoOneMinMaxOrder(), SemoOneMinMaxExplicit(),
                             GsemoOjzjExplicit(), ConvergenceCheck())
#: bound id -> why it has no empirical check (it is checked symbolically instead)
SYMBOLIC_ONLY: dict[str, str] = {}

