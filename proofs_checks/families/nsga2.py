"""Checks of the NSGA-II bounds on OneMinMax and LOTZ against instrumented runs.

* survival lemma: on every Hypothesis-drawn configuration with N >= 4(n+1) (any selection,
  mutation, crossover), no Pareto-front value of R_t is missing from P_{t+1} at any
  generation;
* order claims: stored runs over a grid of n, OLS of log T on log g(n) (g the claimed
  order), one-sided test of H1: slope > 1 (growth faster than claimed);
* the explicit constant: per configuration a one-sided t-test of the mean of T against
  2 n H_n/(p_sel q_mut), Holm-corrected;
* the negative result for N = n+1: an exact binomial test of H1: P(cover) > 0.1.

Probes of "standard-mutation" run the heavy-tailed mutation (``HeavyTailedNSGA2``, in
process: the solver registry has no such mutation) on fewer sizes and seeds.

Runs that hit the generation cap are censored; their T is counted as the cap (a lower
bound on the true T, so the tests stay conservative for detecting violations) and a grid
point where more than half the runs are censored is itself reported as a violation of an
order claim.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from analysis.stats import binomial_test, constant_fit, loglog_fit, mean_test
from proofs_checks.check import (
    ALPHA,
    AS_STATED,
    Check,
    CheckContext,
    CheckResult,
    Measurement,
    Outcome,
    Sabotage,
    Triviality,
)
from proofs_checks.families.emo import NO_TRIVIAL_RUNTIME, order_power, scaled_t_power
from proofs_checks.power import binomial_power
from solvers.algorithms.nsga2 import NSGA2, SELECTIONS, NSGA2Config
from solvers.plans import PlanRecipe, RunPlan, register_plan
from solvers.problems.binary import LOTZ, BitStringConfig, OneMinMax
from solvers.store import StoredRun
from solvers.trace import TraceRecorder

__all__ = ["CROSSOVERS", "MUTATIONS", "NSGA2_CHECKS", "HeavyTailedNSGA2",
           "draw_operators", "front_values_lost", "stated_survival_instance"]


def _bit_constants(n: int, pop: int, selection: str, mutation: str,
                   crossover: str) -> dict[str, Any]:
    return {
        "n": n, "N": pop,
        "one_bit_or_bitwise_mutation": mutation in ("one-bit", "bitwise"),
        "no_crossover": crossover == "none",
        "fair_or_uniform_selection": selection in ("fair", "uniform"),
        "H_n": float(sum(1.0 / i for i in range(1, n + 1))),
        "p_sel": 1.0 if selection == "fair" else 1.0 - (1.0 - 1.0 / pop) ** pop,
        "q_mut": 1.0 if mutation == "one-bit" else (1.0 - 1.0 / n) ** (n - 1),
    }


def _cover_plan(name: str, problem: str, sizes: dict[str, Any], seed: int,
                selection: str = "deb-tournament", mutation: str = "bitwise",
                pop_rule: str = "4(n+1)", crossover: str = "none") -> RunPlan:
    """NSGA-II on ``problem`` until the front is covered (at most ``cap`` generations),
    N = 4(n+1) or n+1 by ``pop_rule``, one run per (n, seed)."""
    points = [({"pop": 4 * (n + 1) if pop_rule == "4(n+1)" else n + 1,
                "selection": selection, "mutation": mutation, "crossover": crossover,
                "max_generations": sizes["cap"]}, {"n": n}) for n in sizes["ns"]]
    return RunPlan.grid(name, "nsga2", problem, points, sizes["seeds"], seed,
                        f"NSGA-II on {problem} until the front is covered")


def _cover_recipe(name: str, problem: str, purpose: str, sizes: dict[str, dict[str, Any]],
                  **defaults: str) -> str:
    """Register a cover plan; ``defaults``: its variant when a caller names none."""
    def build(resolved: dict[str, Any], seed: int, **variant: Any) -> RunPlan:
        return _cover_plan(name, problem, resolved, seed, **{**defaults, **variant})

    register_plan(PlanRecipe(name, purpose, sizes, build,
                             variants=("selection", "mutation", "pop_rule", "crossover")))
    return name


#: the runs of the order checks (and of the nsga2 and scaling figures): N = 4(n+1), cap 3000
ONEMINMAX_COVER = _cover_recipe(
    "nsga2.oneminmax-cover", "oneminmax", "NSGA-II on OneMinMax: generations to cover "
    "against n (the order check; the runtime panels of the nsga2 and scaling figures)",
    {"quick": {"ns": (25, 50, 100), "seeds": 30, "cap": 3000},
     "full": {"ns": (25, 50, 100, 200), "seeds": 50, "cap": 3000}})
LOTZ_COVER = _cover_recipe(
    "nsga2.lotz-cover", "lotz", "NSGA-II on LOTZ: generations to cover against n",
    {"quick": {"ns": (8, 16, 32), "seeds": 30, "cap": 20000},
     "full": {"ns": (8, 16, 32, 48, 64), "seeds": 50, "cap": 20000}})
#: the explicit-constant check's configurations (selection x mutation) on OneMinMax
ONEMINMAX_EXPLICIT = _cover_recipe(
    "nsga2.oneminmax-explicit", "oneminmax", "NSGA-II on OneMinMax per operator pair "
    "against the explicit bound",
    {"quick": {"ns": (25, 50), "seeds": 20, "cap": 3000},
     "full": {"ns": (25, 50, 100), "seeds": 50, "cap": 3000}})
#: N = n+1 with fair selection: the share of runs that ever cover (cap = the horizon)
ONEMINMAX_SMALL_POPULATION = _cover_recipe(
    "nsga2.oneminmax-small-population", "oneminmax", "NSGA-II with N = n+1 on OneMinMax: "
    "covered share of the front per generation (the coverage panel of the nsga2 figure)",
    {"quick": {"ns": (50,), "seeds": 20, "cap": 1000},
     "full": {"ns": (50, 100), "seeds": 50, "cap": 5000}},
    selection="fair", pop_rule="n+1")


class HeavyTailedNSGA2(NSGA2):
    """Probe of "standard-mutation": the heavy-tailed ("fast") mutation of Doerr, Le,
    Makhmara & Nguyen (GECCO 2017): flip exactly k distinct bits, P(k) proportional to
    k^-1.5 on 1..ceil(n/2). P(k = 1) = 1/sum_k k^-1.5 > 1/zeta(1.5) = 0.38, near bit-wise
    mutation's (1 - 1/n)^(n-1) >= 1/e for the one-bit moves the bounds count; it replaces
    whatever mutation the config names."""

    beta = 1.5

    def _vary_binary(self, parents: NDArray[np.bool_], mutation: str, crossover: str,
                     rng: np.random.Generator) -> NDArray[np.bool_]:
        children = parents.copy()
        size, n = children.shape
        support = np.arange(1, -(-n // 2) + 1)
        weights = support.astype(float) ** -self.beta
        strengths = rng.choice(support, size=size, p=weights / weights.sum())
        ranks = np.argsort(np.argsort(rng.random((size, n)), axis=1), axis=1)
        children ^= ranks < strengths[:, None]  # k uniformly chosen distinct positions
        return children


def heavy_tailed_times(context: CheckContext, problem: str, ns: tuple[int, ...], seeds: int,
                       cap: int, selection: str = "deb-tournament",
                       pop_rule: str = "4(n+1)") -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                          np.ndarray]:
    """(n, T, censored, max covered fraction) of in-process runs with heavy-tailed mutation."""
    rows = []
    for n in ns:
        pop = 4 * (n + 1) if pop_rule == "4(n+1)" else n + 1
        config = NSGA2Config(pop=pop, selection=selection, mutation="bitwise",
                             crossover="none", max_generations=cap)
        instance = (OneMinMax if problem == "oneminmax" else LOTZ)(BitStringConfig(n=n))
        for seed in range(context.seed, context.seed + seeds):
            recorder = TraceRecorder()
            HeavyTailedNSGA2(config).run(instance, seed, recorder)
            summary = recorder.summary
            t = summary["generations_run"] if summary["censored"] \
                else summary["generations_to_cover"]
            rows.append((n, t, bool(summary["censored"]), summary["max_covered_fraction"]))
    n_col, t_col, c_col, f_col = zip(*rows, strict=True)
    return (np.array(n_col, dtype=float), np.array(t_col, dtype=float), np.array(c_col),
            np.array(f_col, dtype=float))


_HEAVY = Sabotage("heavy-tailed-mutation", "assumption-dropped",
                  "heavy-tailed mutation (flip k ~ k^-1.5 distinct bits, Doerr et al. 2017) in "
                  "place of one-bit/bit-wise", assumption="standard-mutation", probe=True)


def _times(runs: list[StoredRun]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, T, censored) per run; censored runs count as their cap."""
    n = np.array([r.spec.problem_config["n"] for r in runs], dtype=float)
    censored = np.array([bool(r.summary["censored"]) for r in runs])
    t = np.array([r.summary["generations_to_cover"] if not c else r.summary["generations_run"]
                  for r, c in zip(runs, censored, strict=True)], dtype=float)
    return n, t, censored


# -- survival lemma -----------------------------------------------------------------------------

#: the mutations and crossovers a drawn configuration samples from (and every selection)
MUTATIONS = ("one-bit", "bitwise")
CROSSOVERS = ("none", "uniform", "one-point")


def draw_operators(draw: st.DrawFn) -> dict[str, str]:
    """A selection, a mutation and a crossover (any of each, drawn in this order): the
    operators of a drawn NSGA-II configuration on OneMinMax, inside a composite strategy."""
    return {"selection": draw(st.sampled_from(SELECTIONS)),
            "mutation": draw(st.sampled_from(MUTATIONS)),
            "crossover": draw(st.sampled_from(CROSSOVERS))}


@st.composite
def stated_survival_instance(draw: st.DrawFn, max_n: int = 20, max_pairs: int = 5,
                             extra: Callable[[st.DrawFn, int], dict[str, Any]] | None = None,
                             ) -> dict[str, Any]:
    """A configuration the survival lemma covers: OneMinMax with 1 <= n <= ``max_n``, an
    even population N = 4(n+1) + 2j with 0 <= j <= ``max_pairs``, any operators, a seed.
    ``extra(draw, N)`` draws the fields a variant adds after N (the refinement of
    ``nsga2_extra``)."""
    n = draw(st.integers(1, max_n))
    pop = 4 * (n + 1) + 2 * draw(st.integers(0, max_pairs))
    return {"n": n, "pop": pop, **({} if extra is None else extra(draw, pop)),
            **draw_operators(draw), "seed": draw(st.integers(0, 2**16))}


@st.composite
def _small_population_instance(draw: st.DrawFn) -> dict[str, Any]:
    """N = n+1 with fair selection and no crossover (the sabotage of N >= 4(n+1))."""
    n = draw(st.integers(4, 30))
    return {"n": n, "pop": n + 1, "selection": "fair",
            "mutation": draw(st.sampled_from(MUTATIONS)),
            "crossover": "none", "seed": draw(st.integers(0, 2**16))}


def front_values_lost(solver: NSGA2, instance: dict[str, Any], generations: int
                      ) -> Measurement:
    """Run ``solver`` on OneMinMax of the instance's n at its seed: the most Pareto-front
    values of R_t that any generation lost from P_{t+1} (the survival lemma claims 0), with
    the first generation that lost one."""
    recorder = TraceRecorder()
    solver.run(OneMinMax(BitStringConfig(n=instance["n"])), instance["seed"], recorder)
    lost = recorder.column("front_values_lost")
    worst = int(np.argmax(lost))
    measured = float(lost[worst])
    return Measurement(measured, 0.0, measured <= 0.0,
                       {**instance, "generations": generations,
                        "first_loss_generation": worst if measured > 0 else None})


class SurvivalCheck(Check):
    bound_id = "nsga2.oneminmax.survival"
    name = "nsga2-survival"
    method = "every generation of every Hypothesis-drawn configuration (shrunk counterexample)"
    #: generations of each drawn run (the N = n+1 sabotage runs five times as many);
    #: Hypothesis examples (drawn configurations)
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"generations": 40, "examples": 40},
        "full": {"generations": 200, "examples": 200}}
    sabotages = (
        Sabotage("N=n+1", "assumption-dropped", "population n+1 (fair selection)",
                 assumption="N>=4(n+1)"),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        sizes = self.sizes(context)
        generations = sizes["generations"]
        if setting.name == "N=n+1":
            generations *= 5
        failed: set[str] = set()

        def measure(instance: dict[str, Any]) -> Measurement:
            constants = {"n": instance["n"], "N": instance["pop"]}
            failed.update(a.name for a in self.bound.failed_assumptions(constants))
            solver = NSGA2(NSGA2Config(pop=instance["pop"], selection=instance["selection"],
                                       mutation=instance["mutation"],
                                       crossover=instance["crossover"],
                                       max_generations=generations, stop_when_covered=False))
            return front_values_lost(solver, instance, generations)

        strategy = (_small_population_instance() if setting.name == "N=n+1"
                    else stated_survival_instance())
        outcome = self.search(context, setting, strategy, measure, sizes["examples"])
        return self.search_result(
            setting, outcome, failed,
            statistic_name="front values lost (max over generations)",
            statistic=outcome.counter_measured, tightness=None,
            counter_labels=("values_lost",), details={"generations_per_run": generations},
            triviality=Triviality.none(
                "an exact claim: no front value is ever lost (a count that must equal 0; "
                "the count is trivially >= 0, so 0 is the strongest possible statement)"))


# -- order claims ------------------------------------------------------------------------------

class _OrderCheck(Check):
    method = "OLS of log T on log g(n), one-sided slope test (H1: slope > 1)"
    problem: str
    plan_name: str  # the cover plan of the as-stated setting (sizes per profile there)

    def growth(self, n: np.ndarray, setting: Sabotage) -> np.ndarray:
        raise NotImplementedError

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        sizes = context.sizes(self.plan_name)
        ns, seeds, cap = tuple(sizes["ns"]), sizes["seeds"], sizes["cap"]
        small = setting.name == "N=n+1"
        if small:  # runs that never cover: a short cap already shows it; odd n so that
            # N = n + 1 is even and Deb's tournament (the as-stated selection) can run: only
            # the population changes
            ns, seeds, cap = tuple(v if v % 2 else v - 1 for v in ns[:2]), 6, min(cap, 600)
        if setting.probe:  # exploratory: the two smallest sizes, fewer seeds
            ns, seeds = ns[:2], 10
        crossover = "uniform" if setting.name == "crossover" else "none"
        heavy = setting.name == "heavy-tailed-mutation"
        if heavy:  # in-process runs (the solver registry has no such mutation)
            ns, seeds = ns[:2], 6
            n, t, censored, _ = heavy_tailed_times(context, self.problem, ns, seeds, cap)
            pop0 = 4 * (ns[0] + 1)
        else:
            runs = context.runs(self.plan_name,
                              {"ns": ns, "seeds": seeds, "cap": cap},
                              selection="deb-tournament",
                              pop_rule="n+1" if small else "4(n+1)",
                              crossover=crossover)
            n, t, censored = _times(runs)
            pop0 = runs[0].spec.solver_config["pop"]
        failed = {a.name for a in self.bound.failed_assumptions(
            _bit_constants(int(n[0]), pop0, "deb-tournament",
                           "heavy-tailed" if heavy else "bitwise", crossover))}
        censored_share = {int(v): float(censored[n == v].mean()) for v in np.unique(n)}
        g = self.growth(n, setting)
        fit = loglog_fit(g, np.maximum(t, 1.0), hypothesised_slope=1.0)
        plain = loglog_fit(n, np.maximum(t, 1.0), hypothesised_slope=1.0)
        constant = constant_fit(g, t)
        mostly_censored = any(share > 0.5 for share in censored_share.values())
        violated = fit.p_greater < ALPHA or mostly_censored
        means = {int(v): float(t[n == v].mean()) for v in np.unique(n)}
        return self.result(
            setting, assumptions_hold=not failed, instances=len(means), runs=len(t),
            violations=int(violated),
            outcome=Outcome.VIOLATION if violated else Outcome.HOLDS,
            statistic_name="slope of log T on log g(n)", statistic=fit.slope,
            p_value=fit.p_greater, level=ALPHA,
            tightness=None,
            counterexample=({"censored_share": censored_share, "cap": cap}
                            if mostly_censored else
                            ({"slope": fit.slope, "ci": [fit.slope_ci_low, fit.slope_ci_high]}
                             if violated else None)),
            details={"ns": [int(v) for v in np.unique(n)], "seeds": seeds,
                     "mean_generations": means, "censored_share": censored_share,
                     "slope_ci": [fit.slope_ci_low, fit.slope_ci_high],
                     "loglog_slope_on_n": plain.slope,
                     "loglog_slope_on_n_ci": [plain.slope_ci_low, plain.slope_ci_high],
                     "fitted_constant": constant.constant,
                     "fitted_constant_ci": [constant.ci_low, constant.ci_high],
                     "failed_assumptions": sorted(failed)},
            power=order_power(t, self.growth(n, AS_STATED), self.growth(n, self.sabotages[0]),
                              self.sabotages[0].name),
            triviality=Triviality.none(NO_TRIVIAL_RUNTIME),
        )


class OneMinMaxOrderCheck(_OrderCheck):
    bound_id = "nsga2.oneminmax.runtime-order"
    name = "nsga2-oneminmax-order"
    #: reads the same OneMinMax cover runs (fair selection, bit-wise, cap 3000) as the others
    run_group = "nsga2-oneminmax-cover-runs"
    problem = "oneminmax"
    plan_name = ONEMINMAX_COVER
    sabotages = (
        Sabotage("order-n", "bound-scaled", "the claimed order n instead of n log n"),
        Sabotage("N=n+1", "assumption-dropped",
                 "population n+1 (fair selection): the front is never covered",
                 assumption="N>=4(n+1)"),
        Sabotage("crossover", "assumption-dropped",
                 "uniform crossover with probability 0.9 on top of the mutation",
                 assumption="no-crossover", probe=True),
        _HEAVY,
    )

    def growth(self, n: np.ndarray, setting: Sabotage) -> np.ndarray:
        return n if setting.name == "order-n" else n * np.log(n)


class LOTZOrderCheck(_OrderCheck):
    bound_id = "nsga2.lotz.runtime-order"
    name = "nsga2-lotz-order"
    problem = "lotz"
    plan_name = LOTZ_COVER
    sabotages = (
        Sabotage("order-n", "bound-scaled", "the claimed order n instead of n^2"),
        Sabotage("N=n+1", "assumption-dropped", "population n+1 (fair selection)",
                 assumption="N>=4(n+1)"),
        Sabotage("crossover", "assumption-dropped",
                 "uniform crossover with probability 0.9 on top of the mutation",
                 assumption="no-crossover", probe=True),
        _HEAVY,
    )

    def growth(self, n: np.ndarray, setting: Sabotage) -> np.ndarray:
        return n if setting.name == "order-n" else n**2


# -- the explicit constant -------------------------------------------------------------------------

class ExplicitConstantCheck(Check):
    bound_id = "nsga2.oneminmax.runtime-explicit"
    name = "nsga2-oneminmax-explicit"
    #: reads the same OneMinMax cover runs (fair selection, bit-wise, cap 3000) as the others
    run_group = "nsga2-oneminmax-cover-runs"
    method = "one-sided t-test per configuration (H1: mean T > bound), Holm-corrected"
    sabotages = (
        Sabotage("scaled-0.05", "bound-scaled", "the bound multiplied by 0.05", factor=0.05),
        Sabotage("N=n+1", "assumption-dropped", "population n+1: censored at the cap",
                 assumption="N>=4(n+1)"),
        Sabotage("tournament", "assumption-dropped",
                 "binary tournament and Deb's tournament selection in place of fair/uniform "
                 "(the bound evaluated with p_sel = 1)",
                 assumption="fair-or-uniform-selection", probe=True),
        Sabotage("crossover", "assumption-dropped",
                 "uniform crossover with probability 0.9 on top of the mutation",
                 assumption="no-crossover", probe=True),
        _HEAVY,
    )
    #: seeds of the crossover probe (None: the plan's seeds)
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"crossover_seeds": 10},
        "full": {"crossover_seeds": None}}

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        plan_sizes = context.sizes(ONEMINMAX_EXPLICIT)
        sizes = self.sizes(context)
        ns: tuple[int, ...] = tuple(plan_sizes["ns"])
        seeds = plan_sizes["seeds"]
        small = setting.name == "N=n+1"
        configs = [(s, m) for s in ("fair", "uniform") for m in ("bitwise", "one-bit")]
        crossover = "uniform" if setting.name == "crossover" else "none"
        if small:  # never covers: a few runs at the smallest n, censored at the cap, suffice
            configs, seeds, ns = configs[:1], 4, ns[:1]
        if setting.name == "tournament":
            configs = [("tournament", "bitwise"), ("deb-tournament", "bitwise")]
        if setting.name == "crossover":  # a probe: one configuration at n = 25 (seeds: SIZES)
            configs, ns = configs[:1], ns[:1]
            if sizes["crossover_seeds"] is not None:
                seeds = sizes["crossover_seeds"]
        heavy = setting.name == "heavy-tailed-mutation"
        if heavy:  # in-process runs; the bound evaluated with bit-wise mutation's q_mut
            configs, seeds, ns = configs[:1], 8, ns[:1]
        rows: list[dict[str, Any]] = []
        failed: set[str] = set()
        for selection, mutation in configs:
            cap = plan_sizes["cap"]
            if heavy:
                n_values, t, censored, _ = heavy_tailed_times(context, "oneminmax", ns, seeds,
                                                              cap, selection=selection)
            else:
                runs = context.runs(ONEMINMAX_EXPLICIT,
                                  {"ns": ns, "seeds": seeds, "cap": cap}, selection=selection,
                                  mutation=mutation, pop_rule="n+1" if small else "4(n+1)",
                                  crossover=crossover)
                n_values, t, censored = _times(runs)
            for n in ns:
                pop = n + 1 if small else 4 * (n + 1)
                constants = _bit_constants(n, pop, selection, mutation, crossover)
                if heavy:
                    constants["one_bit_or_bitwise_mutation"] = False
                if selection in ("tournament", "deb-tournament"):
                    constants["p_sel"] = 1.0
                failed.update(a.name for a in self.bound.failed_assumptions(constants))
                value = self.bound.evaluate(**constants) * setting.factor
                sample = t[n_values == n]
                test = mean_test(sample, value, alternative="greater")
                rows.append({"n": n, "pop": pop, "selection": selection, "mutation": mutation,
                             "mean": test.mean, "ci": [test.ci_low, test.ci_high],
                             "bound": value, "p_value": test.p_value,
                             "censored": int(censored[n_values == n].sum()),
                             "tightness": test.mean / value, "runs": len(sample),
                             "sd": float(np.std(sample, ddof=1))})
        scaled = self.sabotages[0]
        return self.holm_result(
            setting, rows, failed, "smallest Holm-adjusted p (H1: mean T > bound)",
            {"configurations": rows},
            power=scaled_t_power(rows, scaled.factor,
                                 [r["bound"] / setting.factor for r in rows],
                                 [r["sd"] for r in rows]),
            triviality=Triviality.none(NO_TRIVIAL_RUNTIME))


# -- the negative result for N = n+1 ---------------------------------------------------------------

class SmallPopulationCheck(Check):
    bound_id = "nsga2.oneminmax.small-population"
    name = "nsga2-small-population"
    #: reads the same OneMinMax cover runs (fair selection, bit-wise, cap 3000) as the others
    run_group = "nsga2-oneminmax-cover-runs"
    method = "exact binomial test of H1: P(front ever covered) > 0.1"
    p0 = 0.1
    sabotages = (
        Sabotage("N=4(n+1)", "assumption-dropped", "population 4(n+1): every run covers",
                 assumption="N=n+1"),
        Sabotage("heavy-tailed-mutation", "assumption-dropped",
                 "heavy-tailed mutation (flip k ~ k^-1.5 distinct bits) with N = n+1, n = 50",
                 assumption="standard-mutation", probe=True),
    )
    #: the heavy-tailed probe's seeds and horizon (generations), run in-process (not
    #: stored, not parallel) at the plan's smallest n: the full profile doubles the quick
    #: one's (the plan's 50 seeds x 5000 generations at n = 50 and 100 took 425 s)
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"heavy_seeds": 8, "heavy_horizon": 300},
        "full": {"heavy_seeds": 16, "heavy_horizon": 600}}

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        plan_sizes = context.sizes(ONEMINMAX_SMALL_POPULATION)
        sizes = self.sizes(context)
        ns, seeds, horizon = tuple(plan_sizes["ns"]), plan_sizes["seeds"], plan_sizes["cap"]
        large = setting.name == "N=4(n+1)"
        heavy = setting.name == "heavy-tailed-mutation"
        if heavy:  # a probe run in-process, at the smallest n only (see SIZES)
            ns, seeds, horizon = ns[:1], sizes["heavy_seeds"], sizes["heavy_horizon"]
            _, _, censored, fractions = heavy_tailed_times(context, "oneminmax", ns, seeds,
                                                           horizon, selection="fair",
                                                           pop_rule="n+1")
            covered, total, pop0 = int((~censored).sum()), len(censored), ns[0] + 1
        else:
            # N = 4(n+1) covers long before any cap: with the explicit check's cap the runs
            # are the same specs as its fair/bit-wise runs, so the store reuses them
            cap = context.sizes(ONEMINMAX_EXPLICIT)["cap"] if large else horizon
            runs = context.runs(ONEMINMAX_SMALL_POPULATION,
                              {"ns": ns, "seeds": seeds, "cap": cap},
                              selection="fair", pop_rule="4(n+1)" if large else "n+1")
            covered = sum(bool(r.summary["covered"]) for r in runs)
            fractions = np.array([r.summary["max_covered_fraction"] for r in runs])
            total, pop0 = len(runs), runs[0].spec.solver_config["pop"]
        constants = _bit_constants(ns[0], pop0, "fair", "heavy-tailed" if heavy else "bitwise",
                                   "none")
        failed = {a.name for a in self.bound.failed_assumptions(constants)}
        test = binomial_test(covered, total, self.p0, alternative="greater")
        violated = test.p_value < ALPHA
        return self.result(
            setting, assumptions_hold=not failed, instances=len(ns), runs=total,
            violations=int(violated), outcome=Outcome.VIOLATION if violated else Outcome.HOLDS,
            statistic_name="runs that covered the whole front", statistic=float(covered),
            p_value=test.p_value, level=ALPHA,
            tightness=float(fractions.mean()),
            counterexample={"covered_runs": covered, "runs": total} if violated else None,
            details={"horizon_generations": horizon, "ns": list(ns),
                     "mean_max_covered_fraction": float(fractions.mean()),
                     "min_uncovered_fraction": float(1 - fractions.max()),
                     "cover_rate_ci": [test.ci_low, test.ci_high],
                     "power_against_p_0.5": binomial_power(total, self.p0, 0.5, ALPHA,
                                                           greater=True).power,
                     "failed_assumptions": sorted(failed)},
            power=binomial_power(total, self.p0, 1.0, ALPHA, greater=True,
                                 alternative="P(cover) = 1, the N = 4(n+1) sabotage's (it "
                                 "covers in every run, nsga2.oneminmax.runtime-order)"),
            triviality=Triviality.from_pairs(
                "the tested probability of covering the whole front, P(cover) <= 0.1, "
                "against the trivial P <= 1", [(self.p0, 1.0)]),
        )


NSGA2_CHECKS: tuple[Check, ...] = (SurvivalCheck(), OneMinMaxOrderCheck(),
                                   ExplicitConstantCheck(), LOTZOrderCheck(),
                                   SmallPopulationCheck())

