"""Checks of the gradient-method bounds against instrumented GD and SGD runs.

Deterministic bounds are held on every Hypothesis-drawn instance (problem family,
dimension, L, mu, x_0, N); the first violation is shrunk to the smallest instance. A step
drawn on its rule's boundary is built on it as exactly as floats allow (``solver_step``).
Expectation bounds (Ghadimi & Lan) are tested per instance by a one-sided t-test of the
mean over seeds of the exact conditional expectation E[||grad f(x_R)||^2 | trajectory],
Holm-corrected across instances; their power is computed against the bound scaled by
``SGD_SCALE`` on the as-stated grid, whose isotropic quadratic nearly attains both bounds.
Every result compares the bound with the trivial bound of its quantity (the start's value:
min over k of ||grad f(x_k)||^2 <= ||grad f(x_0)||^2, f(x_N) - f* <= f(x_0) - f* under a
descent step, ||x_N - x*||^2 <= R^2, E||grad f(x_R)||^2 against ||grad f(x_1)||^2).

Each sabotaged setting breaks exactly the assumption it is named for: understated L (the
step and the bound use the claimed L' and a modulus mu' <= L'), a biased oracle
(``solvers.problems.smooth.Misdescribed``), a non-prescribed step, a nonconvex function that
is L-smooth with a finite, attained minimum (``RippledQuadratic``, the rotated Cauchy
family), a convex quadratic with a zero eigenvalue claimed strongly convex, or no noise (a
probe of sigma > 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
from hypothesis import strategies as st

from analysis.stats import mean_test
from proofs_checks.check import (
    ALPHA,
    TIGHT_RTOL,
    Check,
    CheckContext,
    CheckResult,
    Measurement,
    Power,
    Sabotage,
    Triviality,
    upper_holds,
)
from proofs_checks.power import one_sided_t_power
from solvers.algorithms.gradient import SGD, GDConfig, GradientDescent, SGDConfig
from solvers.config import config_from_mapping
from solvers.problems.base import SmoothProblem
from solvers.problems.smooth import Misdescribed, RippledQuadratic, RippledQuadraticConfig
from solvers.registry import make_problem
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError, UnknownNameError

__all__ = ["GD_CHECKS", "SGD_CHECKS"]

_LOG_L = st.floats(min_value=-2.0, max_value=2.0)  # L = 10^x
_SEED = st.integers(min_value=0, max_value=2**16)

#: the step rules a drawn instance's "step_size" is read in: "1/L" (h = step_size / L, the
#: normalised step) or "2/(mu+L)" (h = step_size * 2/(mu + L), a fraction of the largest step
#: of Nesterov's Theorem 2.1.15); both use the claimed (L, mu) of the instance
STEP_RULES = ("1/L", "2/(mu+L)")


@st.composite
def smooth_instance(draw: st.DrawFn, families: tuple[str, ...], step_size: float | None = None,
                    step_range: tuple[float, float] | None = None,
                    radius: tuple[float, float] = (0.1, 10.0),
                    steps: tuple[int, int] = (0, 150), l_claim: float = 1.0,
                    step_rule: str = "1/L",
                    mu_claim: tuple[float, float] | None = None) -> dict[str, Any]:
    """A problem (name and parameters), N, the step (read in ``step_rule``), and a run seed.

    ``l_claim`` < 1 understates the smoothness constant: the bound and the step are computed
    from L' = ``l_claim * L`` (the L-smooth assumption with the L given is then false), and
    the claimed modulus is min(mu, L') (a modulus of strong convexity is one for every
    smaller value, so only L-smooth becomes false). ``mu_claim`` draws a claimed modulus
    mu' = m L' with m in that range, for a family that has none (its mu is 0).
    """
    family = draw(st.sampled_from(families))
    L = float(10 ** draw(_LOG_L))
    N = draw(st.integers(*steps))
    x0_radius = draw(st.floats(*radius))
    params: dict[str, Any] = {"x0_radius": x0_radius}
    if family == "quadratic":
        params |= {"dim": draw(st.integers(1, 12)), "L": L,
                   "mu": L * draw(st.sampled_from([0.0, 1e-3, 1e-2, 0.1, 0.5, 1.0])),
                   "instance_seed": draw(_SEED)}
    elif family == "strongly-quadratic":
        family = "quadratic"
        params |= {"dim": draw(st.integers(1, 12)), "L": L,
                   "mu": L * draw(st.floats(1e-3, 1.0)), "instance_seed": draw(_SEED)}
    elif family == "singular-quadratic":  # convex, mu = 0 attained: not strongly convex
        family = "quadratic"
        params |= {"dim": draw(st.integers(2, 12)), "L": L, "mu": 0.0,
                   "instance_seed": draw(_SEED)}
    elif family == "indefinite-quadratic":
        params |= {"dim": draw(st.integers(2, 12)), "L": L,
                   "min_eigenvalue": -L * draw(st.floats(0.01, 1.0)),
                   "instance_seed": draw(_SEED)}
    elif family == "cauchy":
        params |= {"dim": draw(st.integers(1, 12)), "L": L, "instance_seed": draw(_SEED)}
    elif family == "rippled-quadratic":
        params |= {"dim": draw(st.integers(1, 3)), "L": L, "ripple": 9.0,
                   "instance_seed": draw(_SEED)}
    elif family == "logistic":
        params |= {"dim": draw(st.integers(1, 8)), "samples": draw(st.integers(5, 40)),
                   "mu": float(10 ** draw(st.floats(-3, 0))), "instance_seed": draw(_SEED)}
    elif family == "huber-worst-case":
        params |= {"dim": draw(st.integers(1, 3)), "L": L, "horizon": max(N, 1)}
        N = max(N, 1)
    if step_range is not None:
        step = draw(st.floats(*step_range))
    elif step_rule == "2/(mu+L)" and step_size is None:
        # the boundary itself, just inside it, and fractions down to 1%
        step = draw(st.sampled_from([1.0, 0.999, 0.5, 0.1]) | st.floats(0.01, 1.0))
    else:
        step = 1.0 if step_size is None else step_size
    if family == "huber-worst-case":
        params["step"] = min(step, 1.0)  # the worst case built for the step GD takes
    instance = {"problem": family, "params": params, "N": N, "step_size": step,
                "step_rule": step_rule, "seed": draw(_SEED), "l_claim": l_claim}
    if mu_claim is not None:
        instance["mu_claim_over_L"] = draw(st.floats(*mu_claim))
    return instance


def _make_smooth(name: str, params: Mapping[str, Any]) -> SmoothProblem[Any]:
    """The registered family, or the rippled quadratic (built here from its own config:
    only the sabotages of this module use it)."""
    if name == RippledQuadratic.name:
        return RippledQuadratic(config_from_mapping(RippledQuadraticConfig, params, name))
    problem = make_problem(name, params)
    assert isinstance(problem, SmoothProblem)
    return problem


def claimed_constants(problem: SmoothProblem[Any],
                      instance: Mapping[str, Any]) -> tuple[float, float]:
    """(L', mu') the bound and the step are computed from (see ``smooth_instance``)."""
    l_claimed = problem.L * instance.get("l_claim", 1.0)
    mu = problem.mu
    if "mu_claim_over_L" in instance:
        mu = instance["mu_claim_over_L"] * l_claimed
    return l_claimed, min(mu, l_claimed)


def _within(h: float, terms: tuple[float, ...], cap: float) -> bool:
    """h * (sum of terms) <= cap both exactly (rationals) and as the float product the
    assumption's predicate computes (sympy Floats of 53 bits round like IEEE doubles)."""
    return (h * sum(terms) <= cap
            and Fraction(h) * sum(Fraction(t) for t in terms) <= Fraction(cap))


def solver_step(problem: SmoothProblem[Any], instance: Mapping[str, Any]) -> float:
    """The GD config's ``step_size`` (units of 1/L, the true L the solver divides by).

    A step drawn on its rule's boundary (normalised step 1; fraction 1 of 2/(mu+L)) is built
    on it as exactly as floats allow: the solver's h = step_size / L is lowered by ulps
    until h L' <= 1, respectively h (mu' + L') <= 2, holds exactly and in floating point
    (without this, h (mu + L) lands one ulp above 2 for about 5% of random (L, mu)).
    """
    l_claimed, mu_claimed = claimed_constants(problem, instance)
    drawn = float(instance["step_size"])
    rule = instance.get("step_rule", "1/L")
    if rule not in STEP_RULES:
        raise UnknownNameError("step rule", rule, list(STEP_RULES))
    terms: tuple[float, ...]
    if rule == "1/L":
        h, terms, cap = drawn / l_claimed, (l_claimed,), 1.0
    else:
        h, terms, cap = drawn * 2.0 / (mu_claimed + l_claimed), (mu_claimed, l_claimed), 2.0
    step_size = h * problem.L
    if drawn <= 1.0:  # meant inside the rule: keep it there exactly
        for _ in range(64):
            if _within(step_size / problem.L, terms, cap):
                break
            step_size = math.nextafter(step_size, 0.0)
    return step_size


def _run_gd(instance: Mapping[str, Any]) -> tuple[SmoothProblem[Any], TraceRecorder]:
    problem = _make_smooth(instance["problem"], instance["params"])
    solver = GradientDescent(GDConfig(steps=instance["N"],
                                      step_size=solver_step(problem, instance)))
    recorder = TraceRecorder()
    solver.run(problem, instance["seed"], recorder)
    return problem, recorder


def _constants(problem: SmoothProblem[Any], instance: Mapping[str, Any],
               recorder: TraceRecorder) -> dict[str, Any]:
    summary = recorder.summary
    step = float(summary["step"])  # the h the solver took (its own computation)
    l_claimed, mu_claimed = claimed_constants(problem, instance)
    return problem.constants() | {
        "L": l_claimed,
        "mu": mu_claimed,
        "L_smooth": instance.get("l_claim", 1.0) >= 1.0,
        "N": instance["N"],
        "h": step,
        "R": float(summary["R"]),
        "Delta": float(summary["f0"]) - problem.f_star,
    }


def _describe(instance: Mapping[str, Any], constants: Mapping[str, Any]) -> dict[str, Any]:
    shown = {k: constants[k] for k in ("h", "R", "N") if k in constants}
    # the claimed constants, named apart from the family's own parameters where they differ
    for key in ("L", "mu"):
        if key in constants and constants[key] != instance["params"].get(key):
            shown[f"{key}_claimed"] = constants[key]
    return {"problem": instance["problem"], **instance["params"], **shown,
            "step_size": instance["step_size"], "step_rule": instance.get("step_rule", "1/L"),
            "seed": instance["seed"]}


@dataclass(frozen=True)
class _Reading:
    """One run read against the bound: the measured value and the bound where the check
    asserts, and the bound and the trivial bound of the quantity where they are compared."""

    measured: float
    bound: float
    bound_at_trivial: float
    trivial: float


class _DeterministicGDCheck(Check):
    """GD on drawn instances; ``read`` reads one run."""

    method = "every Hypothesis-drawn instance (shrunk counterexample)"
    families: tuple[str, ...]
    sabotage_instances: ClassVar[dict[str, st.SearchStrategy[Any]]]
    sabotages: ClassVar[tuple[Sabotage, ...]]
    #: what the trivial bound of the measured quantity is and why it holds
    trivial_note: ClassVar[str]
    #: the family on which a bound declared tight is attained (its ``tight_note``): there the
    #: check also asserts measured >= bound (1 - TIGHT_RTOL), so the tightness claim can fail
    attained_by: ClassVar[str] = ""
    #: Hypothesis examples per setting
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"examples": 60},
        "full": {"examples": 400}}

    def strategy(self, setting: Sabotage) -> st.SearchStrategy[Any]:
        if setting.name in self.sabotage_instances:
            return self.sabotage_instances[setting.name]
        return smooth_instance(self.families)

    def constants_for_bound(self, constants: dict[str, Any]) -> dict[str, Any]:
        return constants

    def read(self, problem: SmoothProblem[Any], recorder: TraceRecorder,
             constants: Mapping[str, Any]) -> _Reading:
        raise NotImplementedError

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        bound = self.bound
        failed_assumptions: set[str] = set()
        pairs: list[tuple[float, float]] = []

        def measure(instance: Mapping[str, Any]) -> Measurement:
            problem, recorder = _run_gd(instance)
            constants = self.constants_for_bound(_constants(problem, instance, recorder))
            failed_assumptions.update(a.name for a in bound.failed_assumptions(constants))
            reading = self.read(problem, recorder, constants)
            pairs.append((reading.bound_at_trivial * setting.factor, reading.trivial))
            value = reading.bound * setting.factor
            holds = upper_holds(reading.measured, value)
            described = _describe(instance, constants)
            if bound.tight and instance["problem"] == self.attained_by:
                attained = reading.measured >= value * (1 - TIGHT_RTOL)
                holds = holds and attained
                if not attained:
                    described = {**described, "claim": "attained (bound declared tight)"}
            return Measurement(reading.measured, value, holds, described)

        sizes = self.sizes(context)
        outcome = self.search(context, setting, self.strategy(setting), measure,
                              sizes["examples"])
        return self.search_result(
            setting, outcome, failed_assumptions,
            statistic_name="max measured/bound", statistic=outcome.worst_tightness,
            tightness=outcome.worst_tightness,
            triviality=Triviality.from_pairs(self.trivial_note, pairs))


def _initial_gap(problem: SmoothProblem[Any], recorder: TraceRecorder) -> float:
    return float(recorder.column("f")[0]) - problem.f_star


class GDNonconvexCheck(_DeterministicGDCheck):
    bound_id = "gd.nonconvex.min-grad-norm"
    name = "gd-nonconvex"
    families = ("quadratic", "cauchy", "logistic")
    trivial_note = ("min_{0<=k<=N} ||grad f(x_k)||^2 <= ||grad f(x_0)||^2 (the minimum "
                    "includes k = 0): what any method's iterates satisfy")
    sabotages = (
        Sabotage("step-2.5/L", "assumption-dropped",
                 "step 2.5/L instead of 1/L: GD diverges along the top eigenvector",
                 assumption="step-1/L"),
        Sabotage("L-understated", "assumption-dropped",
                 "the smoothness constant claimed as L' = L/4; the step is the rule's 1/L' "
                 "and the bound uses L'", assumption="L-smooth"),
        Sabotage("unbounded-below", "assumption-dropped",
                 "an indefinite quadratic (f* = -inf, so Delta and the bound are +inf)",
                 assumption="bounded-below", probe=True),
    )
    sabotage_instances: ClassVar[dict[str, st.SearchStrategy[Any]]] = {
        "step-2.5/L": smooth_instance(families, step_size=2.5),
        "L-understated": smooth_instance(families, l_claim=0.25, steps=(1, 150)),
        "unbounded-below": smooth_instance(("indefinite-quadratic",)),
    }

    def read(self, problem: SmoothProblem[Any], recorder: TraceRecorder,
             constants: Mapping[str, Any]) -> _Reading:
        grad_sq = recorder.column("grad_norm_sq")
        finite = grad_sq[np.isfinite(grad_sq)]
        value = self.bound.evaluate(**constants)
        return _Reading(float(finite.min()), value, value, float(grad_sq[0]))


class GDConvexNesterovCheck(_DeterministicGDCheck):
    bound_id = "gd.convex.nesterov"
    name = "gd-convex-nesterov"
    families = ("quadratic", "logistic", "huber-worst-case")
    trivial_note = ("f(x_N) - f* <= f(x_0) - f* (<= L R^2/2): GD with h = 1/L is a descent "
                    "method on an L-smooth f, f(x_{k+1}) <= f(x_k) - h (1 - L h/2) "
                    "||grad f(x_k)||^2")
    sabotages: ClassVar[tuple[Sabotage, ...]] = (
        Sabotage("nonconvex-rippled", "assumption-dropped",
                 "f = c sum_i [z_i^2/2 + 9 (1 - cos z_i)] (L-smooth, f* = 0 attained at x* "
                 "only, nonconvex) started in the basin of a local minimum, |z| in [4, 8]: "
                 "GD stays there with f - f* ~ 17.7 c while the bound decays like 1/N",
                 assumption="convex"),
        Sabotage("scaled-0.9", "bound-scaled", "the bound multiplied by 0.9", factor=0.9),
        Sabotage("L-understated", "assumption-dropped",
                 "the smoothness constant claimed as L' = L/4; the step is the rule's 1/L' "
                 "and the bound uses L'", assumption="L-smooth"),
        Sabotage("step-1.5/L", "assumption-dropped", "step 1.5/L instead of 1/L",
                 assumption="step-1/L", probe=True),
        Sabotage("cauchy-nonconvex", "assumption-dropped",
                 "the nonconvex Cauchy family started far from x*", assumption="convex",
                 probe=True),
    )
    sabotage_instances: ClassVar[dict[str, st.SearchStrategy[Any]]] = {
        "nonconvex-rippled": smooth_instance(("rippled-quadratic",), radius=(4.0, 8.0),
                                             steps=(80, 150)),
        "L-understated": smooth_instance(families, l_claim=0.25, steps=(1, 150)),
        "step-1.5/L": smooth_instance(families, step_size=1.5),
        "cauchy-nonconvex": smooth_instance(("cauchy",), radius=(3.0, 30.0)),
    }

    def read(self, problem: SmoothProblem[Any], recorder: TraceRecorder,
             constants: Mapping[str, Any]) -> _Reading:
        final_gap = float(recorder.column("f")[-1]) - problem.f_star
        value = self.bound.evaluate(**constants)
        return _Reading(final_gap, value, value, _initial_gap(problem, recorder))


class GDConvexDroriTeboulleCheck(GDConvexNesterovCheck):
    bound_id = "gd.convex.drori-teboulle"
    name = "gd-convex-drori-teboulle"
    attained_by = "huber-worst-case"
    trivial_note = ("f(x_N) - f* <= f(x_0) - f* (<= L R^2/2): GD with normalised step "
                    "h_norm in (0, 1] is a descent method on an L-smooth f, f(x_{k+1}) <= "
                    "f(x_k) - (h_norm/L)(1 - h_norm/2) ||grad f(x_k)||^2")
    sabotages = (
        Sabotage("nonconvex", "assumption-dropped",
                 "f = sum w_i log(1 + z_i^2) (nonconvex, L-smooth, f* = 0 attained) started "
                 "far from x*", assumption="convex"),
        Sabotage("step-1.9/L", "assumption-dropped",
                 "normalised step h = 1.6..1.99 > 1 on quadratics",
                 assumption="normalised-step<=1"),
        Sabotage("scaled-0.9", "bound-scaled",
                 "the bound multiplied by 0.9 (the Huber worst case attains it)", factor=0.9),
        Sabotage("L-understated", "assumption-dropped",
                 "the smoothness constant claimed as L' = L/4; the normalised step is 1 for "
                 "L' and the bound uses L'", assumption="L-smooth"),
    )
    sabotage_instances: ClassVar[dict[str, st.SearchStrategy[Any]]] = {
        "nonconvex": smooth_instance(("cauchy",), radius=(3.0, 30.0)),
        "step-1.9/L": smooth_instance(("quadratic",), step_range=(1.6, 1.99), steps=(1, 40)),
        "L-understated": smooth_instance(("quadratic", "logistic"), l_claim=0.25,
                                         steps=(1, 150)),
    }

    def strategy(self, setting: Sabotage) -> st.SearchStrategy[Any]:
        if setting.name in self.sabotage_instances:
            return self.sabotage_instances[setting.name]
        return smooth_instance(self.families, step_range=(0.05, 1.0))

    def constants_for_bound(self, constants: dict[str, Any]) -> dict[str, Any]:
        return constants | {"h_norm": constants["h"] * constants["L"]}


class GDStronglyConvexCheck(_DeterministicGDCheck):
    bound_id = "gd.strongly-convex.distance"
    name = "gd-strongly-convex"
    families = ("strongly-quadratic", "logistic")
    trivial_note = ("||x_N - x*||^2 <= ||x_0 - x*||^2 = R^2: GD with h <= 2/(mu + L) <= 2/L "
                    "is nonexpansive towards x* on a convex L-smooth f (co-coercivity); the "
                    "bound compared at k = N")
    sabotages = (
        Sabotage("singular", "assumption-dropped",
                 "a convex quadratic with a zero eigenvalue (x* one of its minimisers, f* = "
                 "0 attained) claimed mu'-strongly convex with mu' = m L, m in [0.01, 0.5]: "
                 "the distance along the null space does not shrink",
                 assumption="mu-strongly-convex"),
        Sabotage("step-2.2/L", "assumption-dropped",
                 "step 2.2/L > 2/(mu+L) on quadratics", assumption="step<=2/(mu+L)"),
        Sabotage("L-understated", "assumption-dropped",
                 "the smoothness constant claimed as L' = L/4, the modulus as mu' = min(mu, "
                 "L'), the step a fraction 0.5..1 of 2/(mu' + L') >= 1/L' = 4/L: GD expands "
                 "by >= 3 per step along the top eigenvector", assumption="L-smooth"),
    )
    sabotage_instances: ClassVar[dict[str, st.SearchStrategy[Any]]] = {
        "L-understated": smooth_instance(("strongly-quadratic",), l_claim=0.25,
                                         step_range=(0.5, 1.0), step_rule="2/(mu+L)",
                                         steps=(1, 150)),
        "singular": smooth_instance(("singular-quadratic",), mu_claim=(0.01, 0.5),
                                    step_rule="2/(mu+L)", steps=(1, 150)),
        "step-2.2/L": smooth_instance(("strongly-quadratic",), step_size=2.2, steps=(1, 150)),
    }

    def strategy(self, setting: Sabotage) -> st.SearchStrategy[Any]:
        if setting.name in self.sabotage_instances:
            return self.sabotage_instances[setting.name]
        return smooth_instance(self.families, step_rule="2/(mu+L)")

    def read(self, problem: SmoothProblem[Any], recorder: TraceRecorder,
             constants: Mapping[str, Any]) -> _Reading:
        dist = recorder.column("dist_sq")
        bounds = np.array([self.bound.evaluate(**(dict(constants) | {"k": k}))
                           for k in range(len(dist))])
        final = (float(bounds[-1]), float(dist[0]))
        broken = [k for k in range(len(dist)) if not upper_holds(dist[k], bounds[k])]
        if broken:
            return _Reading(float(dist[broken[0]]), float(bounds[broken[0]]), *final)
        # tightness over the iterations where the bound is not lost in round-off
        meaningful = np.flatnonzero(bounds > 1e-10 * bounds[0])
        ratio = dist[meaningful] / bounds[meaningful]
        worst = int(meaningful[int(np.argmax(ratio))])
        return _Reading(float(dist[worst]), float(bounds[worst]), *final)


GD_CHECKS: tuple[Check, ...] = (GDNonconvexCheck(), GDConvexNesterovCheck(),
                                GDConvexDroriTeboulleCheck(), GDStronglyConvexCheck())


# -- SGD: expectation claims ----------------------------------------------------------------

def _sgd_grid(instances: int, sabotage: bool, sigma: float | None = None
              ) -> list[dict[str, Any]]:
    """The instances of the SGD checks (fixed, so the statistics are reproducible).

    The as-stated grid is the first ``instances`` of its six rows (the quick profile runs
    three, the full one all six); the sabotage grid is its own two rows at every profile.
    ``sigma`` replaces the noise level of the as-stated grid (``sigma=0``: exact gradients).
    The isotropic quadratic (A = L I) is where both bounds are nearly attained: with the
    constant step 1/(2L) of Theorem 2.1, E||grad f(x_k)||^2 = 4^-(k-1) L^2 R^2 + (sigma^2/3)
    (1 - 4^-(k-1)), whose R-weighted mean is 4 L^2 R^2/(3N) + sigma^2/3 - O(sigma^2/N), and
    the bound is (2 Delta L + sigma^2 N/4)/(3N/4) = 4 L^2 R^2/(3N) + sigma^2/3; with the step
    1/L of Corollary 2.2 (Dtilde at the boundary L sigma sqrt N) x_2 - x* = -xi/L, so the
    mean is (L^2 R^2 + (N - 1) sigma^2)/N against the bound 2 L Delta/N + L^2 sigma^2 +
    2 Delta/(L N): tightness 1 - O(1/N) for both, so a bound scaled by 0.8 is refuted.
    """
    if sigma is not None:
        return [{"problem": i["problem"], "params": i["params"] | {"sigma": sigma}}
                for i in _sgd_grid(instances, sabotage=False)]
    if sabotage:  # noise dominates: small start, large sigma
        return [{"problem": "quadratic", "params": {"dim": 5, "L": 1.0, "mu": 0.05,
                                                    "sigma": 2.0, "x0_radius": 0.05}},
                {"problem": "cauchy", "params": {"dim": 5, "L": 1.0, "sigma": 2.0,
                                                 "x0_radius": 0.05}}]
    grid = [
        {"problem": "quadratic", "params": {"dim": 5, "L": 1.0, "mu": 1.0, "sigma": 1.0,
                                            "x0_radius": 2.0}},
        {"problem": "quadratic", "params": {"dim": 5, "L": 1.0, "mu": 0.01, "sigma": 0.5,
                                            "x0_radius": 2.0}},
        {"problem": "cauchy", "params": {"dim": 5, "L": 2.0, "sigma": 1.0, "x0_radius": 3.0}},
        {"problem": "logistic", "params": {"dim": 5, "samples": 30, "mu": 0.01,
                                           "sigma": 0.3, "x0_radius": 1.0}},
        {"problem": "quadratic", "params": {"dim": 20, "L": 10.0, "mu": 0.0, "sigma": 3.0,
                                            "x0_radius": 1.0, "instance_seed": 3}},
        {"problem": "cauchy", "params": {"dim": 10, "L": 0.5, "sigma": 0.1,
                                         "x0_radius": 10.0, "instance_seed": 4}},
    ]
    if not 1 <= instances <= len(grid):
        raise InvalidParameterError(f"1 <= instances <= {len(grid)} (the rows of the SGD grid)",
                                    f"instances={instances}")
    return grid[:instances]


#: the biased oracle of the "biased-oracle" settings: G(x) = grad f(x) + xi + BIAS u, |u| = 1
SGD_BIAS = 3.0
#: the factor of the bound-scaled sabotage of both SGD checks (its alternative is the one the
#: as-stated power is computed against)
SGD_SCALE = 0.8
#: a Dtilde of the Corollary 2.2 configurations read as "at the boundary": Dtilde = L sigma
#: sqrt(N), where min{1/L, Dtilde/(sigma sqrt N)} switches (the step is 1/L)
DTILDE_BOUNDARY = "boundary"


def _solver_params(params: Mapping[str, Any], problem: SmoothProblem[Any],
                   steps: int) -> dict[str, Any]:
    resolved = dict(params)
    if resolved.get("dtilde") == DTILDE_BOUNDARY:
        # sigma = 0: every Dtilde gives the step 1/L; 1 stands for any
        resolved["dtilde"] = (problem.L * problem.sigma * math.sqrt(steps)
                              if problem.sigma > 0 else 1.0)
    return resolved


class _SGDCheck(Check):
    """Ghadimi-Lan on a fixed grid; sabotaged settings change the problem's description
    (``Misdescribed``: understated L, biased oracle), the schedule, the noise, or scale the
    bound (on the as-stated grid, the alternative the power is computed against)."""

    method = "one-sided t-test per instance, Holm-corrected"
    configs: ClassVar[tuple[dict[str, Any], ...]]
    #: solver configurations of a setting, where it replaces ``configs``
    setting_configs: ClassVar[dict[str, tuple[dict[str, Any], ...]]] = {}
    #: the factor of the declared L in the "L-understated" setting
    l_understated: ClassVar[float] = 0.25
    #: the rows of the as-stated grid (``_sgd_grid``), the seeded runs per row and
    #: configuration (as stated; a sabotage runs a third of them), and the SGD steps N
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"instances": 3, "seeds": 30, "steps": 300},
        "full": {"instances": 6, "seeds": 100, "steps": 1000}}
    trivial_note: ClassVar[str] = (
        "E||grad f(x_R)||^2 <= E||grad f(x_1)||^2 is what the method that returns its start "
        "attains (R = 1 for every draw), so a bound above it says nothing; mean over the "
        "seeds of the solver's recorded ||grad f(x_1)||^2")

    def problem_for(self, instance: dict[str, Any], setting: Sabotage) -> SmoothProblem[Any]:
        problem = make_problem(instance["problem"], instance["params"])
        assert isinstance(problem, SmoothProblem)
        if setting.name == "L-understated":
            return Misdescribed(problem, l_factor=self.l_understated)
        if setting.name == "biased-oracle":
            return Misdescribed(problem, bias=SGD_BIAS)
        return problem

    def grid(self, context: CheckContext, setting: Sabotage) -> list[dict[str, Any]]:
        instances = self.sizes(context)["instances"]
        if setting.name == "sigma=0":
            return _sgd_grid(instances, False, sigma=0.0)
        return _sgd_grid(instances, setting.kind == "assumption-dropped")

    def seeds(self, context: CheckContext, setting: Sabotage) -> int:
        seeds: int = self.sizes(context)["seeds"]
        if setting.name == "sigma=0":  # exact gradients: only x_1 varies with the seed
            return seeds // 3
        if setting.kind != "none":
            # a mean excess of many standard errors: 10 seeds give p < 1e-5 (the scaled bound:
            # the as-stated power at 30 seeds is reported; at 10 the tight rows' excess is
            # still >= 4 standard deviations of one run, see the power figure)
            return seeds // 3
        return seeds

    def bound_constants(self, problem: SmoothProblem[Any], summary: Mapping[str, Any],
                        config: SGDConfig, solver: SGD, sigma_claimed: float
                        ) -> dict[str, Any]:
        raise NotImplementedError

    def failed_assumptions(self, constants: dict[str, Any]) -> list[str]:
        return [a.name for a in self.bound.failed_assumptions(constants)]

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        bound = self.bound
        seeds = self.seeds(context, setting)
        sizes = self.sizes(context)
        steps = sizes["steps"]
        rows: list[dict[str, Any]] = []
        samples: list[tuple[np.ndarray, np.ndarray]] = []
        pairs: list[tuple[float, float]] = []
        failed: set[str] = set()
        for instance in self.grid(context, setting):
            for params in self.setting_configs.get(setting.name, self.configs):
                problem = self.problem_for(instance, setting)
                solver_params = _solver_params(params, problem, steps)
                config = SGDConfig(steps=steps, **solver_params)
                solver = SGD(config)
                sigma_claimed = 0.0 if setting.name == "variance-understated" else problem.sigma
                values, bounds, starts = [], [], []
                constants: dict[str, Any] = {}
                for seed in range(context.seed, context.seed + seeds):
                    recorder = TraceRecorder()
                    solver.run(problem, seed, recorder)
                    constants = self.bound_constants(problem, recorder.summary, config,
                                                     solver, sigma_claimed)
                    values.append(recorder.summary["expected_grad_norm_sq_at_R"])
                    bounds.append(bound.evaluate(**constants))
                    starts.append(float(recorder.column("grad_norm_sq")[0]))
                failed.update(self.failed_assumptions(
                    constants | {"variance_bounded": sigma_claimed >= problem.sigma}))
                # The claim is conditional on x_1, which the seed draws: E[X | x_1] <= B(x_1).
                # Averaged over x_1, E[X - B(x_1)] <= 0; test H1: mean(X - B) > 0.
                x, b = np.asarray(values), np.asarray(bounds)
                samples.append((x, b))
                differences = x - b * setting.factor
                test = mean_test(differences, 0.0, alternative="greater")
                mean_bound = float(np.mean(b)) * setting.factor
                pairs.append((mean_bound, float(np.mean(starts))))
                rows.append({"problem": instance["problem"], **instance["params"],
                             **solver_params, "mean": float(np.mean(x)),
                             "bound": mean_bound, "mean_excess": test.mean,
                             "excess_ci": [test.ci_low, test.ci_high], "p_value": test.p_value,
                             "tightness": float(np.mean(x)) / mean_bound, "runs": seeds,
                             "trivial_mean_grad_sq_x1": float(np.mean(starts))})
        power = self.power(samples, seeds) if setting.kind == "none" else None
        result = self.holm_result(
            setting, rows, failed, "smallest Holm-adjusted p (H1: mean > bound)",
            {"instances": rows}, power=power,
            triviality=Triviality.from_pairs(self.trivial_note, pairs))
        return result

    @staticmethod
    def power(samples: list[tuple[np.ndarray, np.ndarray]], seeds: int) -> Power:
        """Power of the Holm-corrected t-tests against the scaled-bound sabotage.

        The alternative: the bound is SGD_SCALE times too large, i.e. the check is run on
        SGD_SCALE x bound (the ``scaled-0.8`` setting). Per row, the effect is the mean of
        X - SGD_SCALE B and its standard deviation, both estimated from this run (plug-in);
        the one-sided t-test at ALPHA / rows (Bonferroni; Holm rejects at least what
        Bonferroni does) with the as-stated seeds. Holm rejects somewhere if any row does,
        so the largest per-row power is a lower bound on the power to catch the sabotage.
        """
        best: Power | None = None
        for x, b in samples:
            d = x - SGD_SCALE * b
            sd = float(np.std(d, ddof=1)) if len(d) > 1 else 0.0
            p = one_sided_t_power(float(np.mean(d)), sd, seeds, ALPHA, tests=len(samples),
                                  alternative=f"the bound scaled by {SGD_SCALE:g} (E[X] > "
                                  f"{SGD_SCALE:g} B on the tightest instance)")
            if best is None or p.power > best.power:
                best = p
        assert best is not None
        return best


def _delta(problem: SmoothProblem[Any], summary: Mapping[str, Any]) -> float:
    return float(summary["f1"]) - problem.f_star


_SGD_SCALED = Sabotage(f"scaled-{SGD_SCALE:g}", "bound-scaled",
                       f"the bound multiplied by {SGD_SCALE:g} on the as-stated grid (the "
                       "isotropic quadratic nearly attains it)", factor=SGD_SCALE)


class SGDTheoremCheck(_SGDCheck):
    bound_id = "sgd.nonconvex.ghadimi-lan-thm2.1"
    name = "sgd-ghadimi-lan-thm2.1"
    configs = ({"schedule": "constant", "step_size": 0.5},
               {"schedule": "decay", "step_size": 1.0})
    sabotages = (
        Sabotage("variance-understated", "assumption-dropped",
                 "the bound evaluated with sigma = 0 while the oracle's noise has sigma = 2",
                 assumption="variance-sigma^2"),
        Sabotage("L-understated", "assumption-dropped",
                 "f not L-smooth for the L given: L declared as L/4 (the steps 0.5/L' = 2/L "
                 "and the bound use it); the top eigendirection of the quadratic no longer "
                 "contracts and the noise accumulates", assumption="L-smooth"),
        Sabotage("biased-oracle", "assumption-dropped",
                 f"a biased oracle G = grad f + xi + {SGD_BIAS:g} u (|u| = 1): SGD settles where "
                 f"grad f = -{SGD_BIAS:g} u on the quadratic", assumption="unbiased"),
        _SGD_SCALED,
    )

    def bound_constants(self, problem: SmoothProblem[Any], summary: Mapping[str, Any],
                        config: SGDConfig, solver: SGD, sigma_claimed: float
                        ) -> dict[str, Any]:
        return problem.constants() | {
            "Delta": _delta(problem, summary), "sigma": sigma_claimed,
            "S_1": summary["sum_steps"], "S_2": summary["sum_sq_steps"],
            "gamma_max": summary["max_step"]}


class SGDCorollaryCheck(_SGDCheck):
    bound_id = "sgd.nonconvex.ghadimi-lan-cor2.2"
    name = "sgd-ghadimi-lan-cor2.2"
    configs = ({"schedule": "ghadimi-lan", "dtilde": 0.5},
               {"schedule": "ghadimi-lan", "dtilde": DTILDE_BOUNDARY})
    l_understated = 1 / 2.2
    setting_configs: ClassVar[dict[str, tuple[dict[str, Any], ...]]] = {
        "L-understated": ({"schedule": "ghadimi-lan", "dtilde": 100.0},),
        "constant-step-1.9/L": ({"schedule": "constant", "step_size": 1.9},),
        # the step the rule prescribes for the claimed sigma = 1e-6: min{1/L, 2/(1e-6
        # sqrt N)} = 1/L, run as a constant step (the schedule would read the true sigma)
        "variance-understated": ({"schedule": "constant", "step_size": 1.0, "dtilde": 2.0},),
    }
    sabotages = (
        Sabotage("variance-understated", "assumption-dropped",
                 "the bound and the step (1/L = min{1/L, Dtilde/(sigma sqrt N)}) use a tiny "
                 "sigma (1e-6) while the oracle's noise has sigma = 2",
                 assumption="variance-sigma^2"),
        Sabotage("L-understated", "assumption-dropped",
                 "f not L-smooth for the L given: L declared as L/2.2 and Dtilde = 100, so "
                 "the step is 1/L' = 2.2/L and GD's iteration on the quadratic expands by 1.2 "
                 "per step along its top eigenvector", assumption="L-smooth"),
        Sabotage("biased-oracle", "assumption-dropped",
                 f"a biased oracle G = grad f + xi + {SGD_BIAS:g} u (|u| = 1)",
                 assumption="unbiased"),
        Sabotage("constant-step-1.9/L", "assumption-dropped",
                 "the constant step 1.9/L in place of min{1/L, Dtilde/(sigma sqrt N)} (still "
                 "< 2/L): the noise's stationary spread along the top eigenvector is "
                 "1.9/(2 - 1.9) = 19 times sigma^2/d", assumption="constant-step"),
        _SGD_SCALED,
        Sabotage("sigma=0", "assumption-dropped",
                 "exact gradients (sigma = 0, so the step is 1/L and the bound 2 L Delta/N) on "
                 "the as-stated grid", assumption="sigma>0", probe=True),
    )

    def failed_assumptions(self, constants: dict[str, Any]) -> list[str]:
        if constants["sigma"] > 0:
            return super().failed_assumptions(constants)
        # sigma = 0: Dtilde/(sigma sqrt N) is +inf, so the schedule's step is 1/L; sympy cannot
        # compare zoo, so "constant-step" is decided in the limit sigma -> 0+ (1e-300)
        limit = constants | {"sigma": 1e-300}
        return [a.name for a in self.bound.assumptions
                if not a.holds(limit if a.name == "constant-step" else constants)]

    def bound_constants(self, problem: SmoothProblem[Any], summary: Mapping[str, Any],
                        config: SGDConfig, solver: SGD, sigma_claimed: float
                        ) -> dict[str, Any]:
        # understated: a tiny positive sigma (the bound needs sigma > 0); exact gradients
        # (the "sigma=0" probe): sigma = 0 as the instance has it
        sigma = max(sigma_claimed, 1e-6) if sigma_claimed < problem.sigma else sigma_claimed
        return problem.constants() | {
            "Delta": _delta(problem, summary), "sigma": sigma, "N": config.steps,
            "Dtilde": config.dtilde, "gamma": float(summary["max_step"])}


SGD_CHECKS: tuple[Check, ...] = (SGDTheoremCheck(), SGDCorollaryCheck())
