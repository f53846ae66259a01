"""Empirical checks of the eda bounds (the cGA on OneMax) on stored runs, and the scaling
*measurement* of the QEA, which no theorem covers.

Order claims (``theory.bounds.eda``, asymptotic, no constants): stored cGA runs over a
geometric grid of n with K = ceil(c_K sqrt(n) ln n), statsmodels OLS of log T on log g(n, K)
(``analysis.stats.loglog_fit``), one-sided test of the slope at ``ALPHA`` against 1 widened by
the project's declared tolerance for lower-order terms (``ORDER_SLOPE_TOLERANCE`` = 0.05 of
``proofs_checks.families.complexity``; upper order: H1 slope > 1.05; lower order: H1 slope <
0.95); for an upper order a grid point
with more than half its runs censored at the cap is itself a violation (a censored run
counts as the evaluations it ran).

Sabotaged settings (each must be caught):

* ``K=2`` (upper, drops ``K>=c*sqrt(n)*log(n)``): a constant hypothetical population size
  below the threshold. Genetic drift takes frequencies to the wrong margin 1/n (the runs
  record ``max_at_lower_margin``), from where a bit is set with probability 1/n per sample:
  the runtime blows up (the runs are censored at the cap from n = 64 on).
* ``order-sqrt(n)`` (upper, bound-scaled): the order sqrt(n), K dropped from K sqrt(n).
* ``init-high`` (lower, drops ``initial-frequencies-1/2``): every frequency starts at
  1 - 1/n, so the optimum is sampled within a few evaluations, far below
  Omega(K sqrt(n) + n log n).
* ``order-n(K sqrt(n)+n log n)`` (lower, bound-scaled): the claimed order times n.
* probe ``no-margins`` (upper, drops ``margins-1/n``): frequencies in [0, 1] as in Harik et
  al.'s original; a frequency that hits 0 never moves again. Either answer is a finding.

No check here compares code with the formula it was written from (that would be circular:
the cGA's frequency margins, for example, hold because the code clips to them; the tests
assert them as a property of the implementation, not as evidence for a theorem).

``measure_scaling`` fits evaluations against n for any pseudo-Boolean solver (the QEA's
scaling on OneMax): a measurement with its interval, not a check and not a bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from analysis.stats import constant_fit, loglog_fit
from proofs_checks.check import (
    ALPHA,
    Check,
    CheckContext,
    CheckResult,
    Outcome,
    Sabotage,
    Triviality,
)
from proofs_checks.families.complexity import ORDER_SLOPE_TOLERANCE
from proofs_checks.families.emo import NO_TRIVIAL_RUNTIME, order_power
from solvers.plans import PlanRecipe, RunPlan, register_plan
from solvers.store import StoredRun
from theory.errors import InvalidParameterError

__all__ = ["CGA_PLAN", "CHECKS", "SYMBOLIC_ONLY", "CgaOneMaxLower", "CgaOneMaxUpper",
           "ScalingMeasurement", "cga_population", "measure_scaling", "scaling_fit"]

#: the constant of K = ceil(c_K sqrt(n) ln n) in the as-stated runs (the theorem's c is
#: "sufficiently large" with no value). At c_K = 1 at most two frequencies of a run touch the
#: lower margin (``max_at_lower_margin`` <= 2, reported per n) and recover; at c_K = 2 none
#: does, but the runs are twice as long and the pre-asymptotic slope larger (1.2, measured)
C_K = 1.0
#: the population of the K=2 sabotage: a constant, below c sqrt(n) ln n for every n >= 3
K_BELOW = 2
#: sizes of the cGA order plan per profile: a geometric grid (ratio ~sqrt 2) over 8x (full:
#: 11x) from n = 32. Below n = 32 the ratio T / (K sqrt(n)) is visibly lower (1.8-2.4 at
#: n = 16, 23 against 2.5-2.6 from n = 128 on, 20 seeds), the transient of the additive
#: n log n-type term (at fixed n = 64, T grows like K^0.83 over K = 34..272, measured): the
#: slope over 16..128 is 1.13 [1.09, 1.18] (20 seeds), over 32..256 1.057 [1.032, 1.081]
CGA_SIZES: dict[str, dict[str, Any]] = {
    "quick": {"ns": (32, 45, 64, 91, 128, 181, 256), "seeds": 6, "cap": 200_000, "c_K": C_K},
    "full": {"ns": (32, 45, 64, 91, 128, 181, 256, 362), "seeds": 20, "cap": 400_000,
             "c_K": C_K},
}
#: the sabotages' reduced grids and caps: K = 2 runs censor at the cap from n = 64 on (a run
#: at the cap costs ~1 s), so the four smallest sizes and a 20,000-evaluation cap show it
SABOTAGE_NS = (16, 23, 32, 45)
SABOTAGE_SEEDS = 4
SABOTAGE_CAP = 20_000


def cga_population(n: int, c: float = C_K) -> int:
    """K = ceil(c sqrt(n) ln n), at least 2."""
    return max(2, math.ceil(c * math.sqrt(n) * math.log(n)))


def _cga_plan(name: str, sizes: Mapping[str, Any], seed: int, population: str = "threshold",
              init: str = "half", margins: bool = True) -> RunPlan:
    points = []
    for n in sizes["ns"]:
        K = cga_population(n, float(sizes["c_K"])) if population == "threshold" else K_BELOW
        params: dict[str, Any] = {"K": K, "max_evaluations": int(sizes["cap"]),
                                  "margins": margins, "trace_every": 64}
        if init == "high":
            params["init"] = 1.0 - 1.0 / n
        points.append((params, {"n": n}))
    return RunPlan.grid(name, "cga", "onemax", points, int(sizes["seeds"]), seed,
                        "the cGA on OneMax until the optimum is sampled")


CGA_PLAN = register_plan(PlanRecipe(
    "eda.cga-onemax-order", "cGA on OneMax, K = ceil(c_K sqrt(n) ln n): evaluations against n",
    CGA_SIZES, lambda sizes, seed, **variant: _cga_plan("eda.cga-onemax-order", sizes, seed,
                                                         **variant),
    variants=("population", "init", "margins"))).name


def _times(runs: Sequence[StoredRun]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(n, K, T, censored) per run; a censored run counts the evaluations it ran."""
    n = np.array([r.spec.problem_config["n"] for r in runs], dtype=float)
    K = np.array([r.spec.solver_config["K"] for r in runs], dtype=float)
    censored = np.array([bool(r.summary["censored"]) for r in runs])
    t = np.array([r.summary["evaluations_run"] if c else r.summary["evaluations_to_optimum"]
                  for r, c in zip(runs, censored, strict=True)], dtype=float)
    return n, K, t, censored


class _CgaOrderCheck(Check):
    """One order claim on the cGA runs of :data:`CGA_PLAN` (or a sabotage's variant)."""

    run_group = "eda-cga-onemax-runs"
    lower: ClassVar[bool] = False

    def growth(self, n: np.ndarray, K: np.ndarray, setting: Sabotage) -> np.ndarray:
        raise NotImplementedError

    def _variant(self, setting: Sabotage) -> dict[str, Any]:
        return {}

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        sizes = dict(context.sizes(CGA_PLAN))
        variant = self._variant(setting)
        if variant:  # a sabotage: the reduced grid (see SABOTAGE_NS)
            sizes.update(ns=SABOTAGE_NS, seeds=SABOTAGE_SEEDS, cap=SABOTAGE_CAP)
        runs = context.runs(CGA_PLAN, {k: sizes[k] for k in ("ns", "seeds", "cap")},
                            **variant)
        n, K, t, censored = _times(runs)
        constants = {
            "n": int(n.min()), "K": float(K[np.argmin(n)]), "c_K": float(sizes["c_K"]),
            "margins_1_over_n": variant.get("margins", True),
            "initial_frequencies_half": variant.get("init", "half") == "half",
        }
        failed = {a.name for a in self.bound.failed_assumptions(constants)}
        claimed = AS_STATED if setting.kind == "bound-scaled" else setting
        g = self.growth(n, K, setting)
        tolerance = -ORDER_SLOPE_TOLERANCE if self.lower else ORDER_SLOPE_TOLERANCE
        fit = loglog_fit(g, np.maximum(t, 1.0), hypothesised_slope=1.0 + tolerance)
        p = 1.0 - fit.p_greater if self.lower else fit.p_greater
        censored_share = {int(v): float(censored[n == v].mean()) for v in np.unique(n)}
        mostly_censored = any(s > 0.5 for s in censored_share.values())
        violated = p < ALPHA or (mostly_censored and not self.lower)
        means = {int(v): float(t[n == v].mean()) for v in np.unique(n)}
        ratio = {int(v): float(t[n == v].mean() / self.growth(
            n[n == v][:1], K[n == v][:1], claimed)[0]) for v in np.unique(n)}
        drift = {int(v): int(max(r.summary["max_at_lower_margin"] for r, m in
                                 zip(runs, n == v, strict=True) if m)) for v in np.unique(n)}
        counter: dict[str, Any] | None = None
        if violated:
            counter = ({"censored_share": censored_share, "cap": sizes["cap"]}
                       if mostly_censored and not self.lower
                       else {"slope": fit.slope, "ci": [fit.slope_ci_low, fit.slope_ci_high]})
        scaled = next(s for s in self.sabotages if s.kind == "bound-scaled")
        power = order_power(t, self.growth(n, K, AS_STATED), self.growth(n, K, scaled),
                            scaled.name, lower=self.lower)
        constant = constant_fit(g, t)
        return self.result(
            setting, assumptions_hold=not failed, instances=len(means), runs=len(t),
            violations=int(violated), outcome=Outcome.VIOLATION if violated else Outcome.HOLDS,
            statistic_name="slope of log T on log g (statsmodels OLS)", statistic=fit.slope,
            p_value=p, level=ALPHA, tightness=None, counterexample=counter,
            details={"ns": [int(v) for v in np.unique(n)], "K": {int(a): int(b) for a, b in
                                                                zip(n, K, strict=True)},
                     "seeds": int(sizes["seeds"]), "cap_evaluations": int(sizes["cap"]),
                     "mean_evaluations": means, "mean_T_over_order": ratio,
                     "max_at_lower_margin": drift, "censored_share": censored_share,
                     "slope_ci": [fit.slope_ci_low, fit.slope_ci_high],
                     "fitted_constant": constant.constant,
                     "alternative": f"slope {'<' if self.lower else '>'} {1 + tolerance:g}",
                     "slope_tolerance": ORDER_SLOPE_TOLERANCE,
                     "failed_assumptions": sorted(failed)},
            power=power, triviality=self.triviality(n, K))

    def triviality(self, n: np.ndarray, K: np.ndarray) -> Triviality:
        return Triviality.none(NO_TRIVIAL_RUNTIME)


AS_STATED = Sabotage("as-stated", "none", "the claimed order")


class CgaOneMaxUpper(_CgaOrderCheck):
    """O(K sqrt(n)) as the slope of log T on log(K sqrt(n)), H1: slope > 1 +
    ORDER_SLOPE_TOLERANCE (the project's one tolerance for lower-order terms of an order)."""

    bound_id = "eda.cga.onemax.upper-order"
    name = "eda-cga-onemax-upper"
    method = ("statsmodels OLS of log T on log(K sqrt(n)), one-sided slope test (H1: slope > "
              "1 + ORDER_SLOPE_TOLERANCE)")
    known_weakness = (
        "a finite window (n = 32..256; K sqrt(n) spans 13x): the fitted slope is 1.04-1.06, "
        "above 1 by a pre-asymptotic transient (T / (K sqrt(n)) rises from 2.2 at n = 32 to "
        "2.6 at n = 128 and stays there at n = 256); the test allows ORDER_SLOPE_TOLERANCE = "
        "0.05 for it, so it cannot tell O(K sqrt(n)) from O(K sqrt(n) n^0.05) at these sizes; "
        "it rejects the sabotaged orders (slopes 2.7 and 7) with power 1")
    sabotages = (
        Sabotage("order-sqrt(n)", "bound-scaled", "the order sqrt(n) in place of K sqrt(n) "
                 "(K dropped)"),
        Sabotage("K=2", "assumption-dropped", f"K = {K_BELOW}, a constant below c sqrt(n) "
                 "ln n: genetic drift takes frequencies to the lower margin 1/n; n in "
                 f"{SABOTAGE_NS}, {SABOTAGE_SEEDS} seeds, cap {SABOTAGE_CAP} evaluations",
                 assumption="K>=c*sqrt(n)*log(n)"),
        Sabotage("no-margins", "assumption-dropped", "frequencies in [0, 1] (Harik et al.'s "
                 "original): a frequency at 0 never moves again", assumption="margins-1/n",
                 probe=True),
    )

    def _variant(self, setting: Sabotage) -> dict[str, Any]:
        if setting.name == "K=2":
            return {"population": "constant"}
        if setting.name == "no-margins":
            return {"margins": False}
        return {}

    def growth(self, n: np.ndarray, K: np.ndarray, setting: Sabotage) -> np.ndarray:
        grown: np.ndarray = np.sqrt(n) if setting.name == "order-sqrt(n)" else K * np.sqrt(n)
        return grown


class CgaOneMaxLower(_CgaOrderCheck):
    bound_id = "eda.cga.onemax.lower-order"
    name = "eda-cga-onemax-lower"
    method = ("statsmodels OLS of log T on log(K sqrt(n) + n ln n), one-sided slope test "
              "(H1: slope < 1 - ORDER_SLOPE_TOLERANCE)")
    lower = True
    sabotages = (
        Sabotage("order-n(K sqrt(n)+n log n)", "bound-scaled",
                 "the order n (K sqrt(n) + n ln n): the claimed order times n"),
        Sabotage("init-high", "assumption-dropped", "every frequency starts at 1 - 1/n (the "
                 "margin) instead of 1/2: the optimum is sampled at once",
                 assumption="initial-frequencies-1/2"),
    )

    def _variant(self, setting: Sabotage) -> dict[str, Any]:
        return {"init": "high"} if setting.name == "init-high" else {}

    def growth(self, n: np.ndarray, K: np.ndarray, setting: Sabotage) -> np.ndarray:
        base: np.ndarray = K * np.sqrt(n) + n * np.log(n)
        return n * base if setting.kind == "bound-scaled" else base

    def triviality(self, n: np.ndarray, K: np.ndarray) -> Triviality:
        """T >= 2 for any algorithm of this form (one iteration, two evaluations): trivial
        order 1 against the claimed K sqrt(n) + n ln n, per size."""
        pairs = sorted({(float(k * math.sqrt(v) + v * math.log(v)), 2.0)
                        for v, k in zip(n, K, strict=True)})
        return Triviality.from_pairs("T >= 2 evaluations (one iteration samples two strings)"
                                     " against the claimed K sqrt(n) + n ln n (constant 1)",
                                     pairs, lower=True)


# -- the measurement of an uncovered algorithm ------------------------------------------------
@dataclass(frozen=True)
class ScalingMeasurement:
    """Evaluations against n: the fitted exponent of T ~ a n^b (statsmodels OLS of log T on
    log n over every run), its interval, and what was run. A measurement, not a bound."""

    solver: str
    ns: tuple[int, ...]
    seeds: int
    runs: int
    exponent: float
    ci_low: float
    ci_high: float
    level: float
    r_squared: float
    mean_evaluations: dict[int, float]
    censored_share: dict[int, float]

    def to_dict(self) -> dict[str, Any]:
        return {"solver": self.solver, "ns": list(self.ns), "seeds": self.seeds,
                "runs": self.runs, "exponent": self.exponent,
                "ci": [self.ci_low, self.ci_high], "level": self.level,
                "r_squared": self.r_squared, "mean_evaluations": self.mean_evaluations,
                "censored_share": self.censored_share}


def scaling_fit(solver: str, runs: Sequence[StoredRun], level: float = 0.95
                ) -> ScalingMeasurement:
    """Fit log T = a + b log n over ``runs`` (censored runs count their evaluations run:
    the exponent is then a lower estimate, flagged by ``censored_share``)."""
    if not runs:
        raise InvalidParameterError("a scaling fit needs runs", "0 runs")
    n = np.array([r.spec.problem_config["n"] for r in runs], dtype=float)
    censored = np.array([bool(r.summary["censored"]) for r in runs])
    t = np.array([r.summary["evaluations_run"] if c else r.summary["evaluations_to_optimum"]
                  for r, c in zip(runs, censored, strict=True)], dtype=float)
    fit = loglog_fit(n, np.maximum(t, 1.0), hypothesised_slope=1.0, level=level)
    sizes = [int(v) for v in np.unique(n)]
    return ScalingMeasurement(
        solver, tuple(sizes), int(len(t) // len(sizes)), len(t), fit.slope, fit.slope_ci_low,
        fit.slope_ci_high, level, fit.r_squared,
        {v: float(t[n == v].mean()) for v in sizes},
        {v: float(censored[n == v].mean()) for v in sizes})


def measure_scaling(context: CheckContext, solver: str, ns: Sequence[int], seeds: int,
                    params: Mapping[str, Any] | None = None, problem: str = "onemax",
                    level: float = 0.95) -> ScalingMeasurement:
    """Run (or reuse) ``solver`` on ``problem`` for every n x seed and fit the exponent."""
    plan = RunPlan.grid(f"eda.{solver}-{problem}-scaling", solver, problem,
                        [(dict(params or {}), {"n": int(v)}) for v in ns], seeds,
                        context.seed, f"{solver} on {problem}: evaluations against n")
    return scaling_fit(solver, context.lab.runs(plan).runs, level)


CHECKS: tuple[Check, ...] = (CgaOneMaxUpper(), CgaOneMaxLower())
#: bound id -> why it has no empirical check (it is checked symbolically instead)
SYMBOLIC_ONLY: dict[str, str] = {
    "eda.cga.jump.upper-order": (
        "Doerr's regime k <= (1/20) ln n - 1 with k >= 1 needs n >= e^40 (about 2.4e17 "
        "bits): no run can instantiate it, so an empirical check would test a setting "
        "outside the theorem; proofs_checks.proofs.symbolic_eda derives the empty regime"),
}

