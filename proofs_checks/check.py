"""The check framework: tolerances, settings (as stated or sabotaged), results, searches.

Assertions match claims (STYLE.md pattern 2): a deterministic upper bound holds when
``measured <= bound * (1 + RTOL) + ATOL``; an exact count when ``measured == bound``; an
expectation claim by a one-sided test at level ``ALPHA`` with Holm's correction across the
instances of one check; an order claim by the one-sided test of the log-log slope.
Tolerances are declared here once.

Every check can fail: each declares *sabotaged settings* (an assumption dropped, or the
bound scaled down), and a sabotaged run must report the violation it provokes.

What the evidence is worth (:class:`Verdict`) is graded from the raw :class:`Outcome` in one
place, :attr:`CheckResult.verdict`:

* ``fail`` — a violation: where every assumption holds, the bound is refuted; in a sabotaged
  setting, the sabotage was caught (what it is for);
* ``vacuous`` — no violation, but the bound is at or above the *trivial bound* of what it
  measures (regret <= T (max f - min f), a probability <= 1, a distance <= its start) on
  every instance tried: no algorithm could have violated it (:class:`Triviality`);
* ``low-power`` — no violation, but the statistical test had power below ``POWER_TARGET``
  against its own sabotage's alternative at its sample sizes (:class:`Power`);
* ``confounded`` — the setting breaks more than the assumption it is credited to (its
  ``failed_assumptions`` hold more than that one, or the check names another broken
  condition in ``details["also_broken"]``): whatever it shows, it does not show that one
  assumption is needed;
* ``pass`` — none of these: a test that could have failed did not;
* ``inconclusive`` — the check could not decide (censored runs and the like).

``check`` exits non-zero only for real violations (``fail`` where the assumptions hold) and
missed sabotages (:attr:`CheckResult.ok`).
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

from solvers.lab import Lab
from solvers.plans import PLANS, RunPlan, override_sizes, plan
from solvers.plans import PROFILES as PLAN_PROFILES
from solvers.store import StoredRun
from theory.bound import Bound
from theory.errors import InvalidParameterError, UnknownNameError
from theory.registry import get_bound

__all__ = ["ALPHA", "ATOL", "POWER_TARGET", "RTOL", "TIGHT_RTOL", "Check", "CheckContext",
           "CheckResult", "Measurement", "Outcome", "Power", "Sabotage", "Triviality", "Verdict",
           "search_instances"]

#: relative tolerance of deterministic inequalities (floating-point round-off of O(N) steps)
RTOL = 1e-9
#: absolute tolerance of deterministic inequalities, for quantities that reach 0
ATOL = 1e-12
#: level of every statistical check (Holm-corrected within a check)
ALPHA = 0.01

#: a bound declared tight (``Bound.tight``) must be attained on its worst-case instances to
#: this relative tolerance (round-off of O(N) steps on the worst case's own arithmetic)
TIGHT_RTOL = 1e-6
#: a statistical check whose power against its own sabotage is below this is ``low-power``
POWER_TARGET = 0.8

PROFILES = PLAN_PROFILES  # the check profiles: the ones every run plan gives sizes for


class Outcome(StrEnum):
    """What a check's evidence showed, before it is graded."""

    HOLDS = "holds"  # no violation found
    VIOLATION = "violation"  # a violation found (a counterexample, or a rejected test)
    INCONCLUSIVE = "inconclusive"  # the evidence could not decide


class Verdict(StrEnum):
    """What the evidence is worth (graded by :attr:`CheckResult.verdict`, see module doc)."""

    PASS = "pass"
    FAIL = "fail"
    VACUOUS = "vacuous"
    LOW_POWER = "low-power"
    CONFOUNDED = "confounded"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Triviality:
    """The bound against the trivial bound of the quantity it measures.

    ``trivial`` is what holds for *any* algorithm on the instance (a probability is <= 1,
    regret <= T (max f - min f), gradient-descent distance <= its start under the step rule,
    a runtime >= 0); ``bound`` the bound's value on the same instance. ``ratio`` is
    bound / trivial for an upper bound (trivial / bound for a lower one), taken at the
    instance where the bound says the most (smallest ratio): the check is *vacuous* when
    ``ratio >= 1`` there, i.e. on every instance tried. ``vacuous_share`` is the share of
    instances with ratio >= 1. Where no finite trivial bound exists (the runtime of a
    randomised search has none) or the claim is an exact equality, ``ratio`` is None and
    ``note`` says why.
    """

    note: str
    bound: float | None = None
    trivial: float | None = None
    ratio: float | None = None
    vacuous_share: float | None = None

    @property
    def vacuous(self) -> bool:
        return self.ratio is not None and self.ratio >= 1.0

    @classmethod
    def none(cls, reason: str) -> Triviality:
        """No finite trivial bound (or an exact claim): ``reason`` says which."""
        return cls(note=reason)

    @classmethod
    def from_pairs(cls, note: str, pairs: Sequence[tuple[float, float]],
                   lower: bool = False) -> Triviality:
        """From (bound, trivial) per instance; ``lower`` for a lower bound."""
        if not pairs:
            return cls(note=note + " (no instance)")
        ratios = [_trivial_ratio(bound, trivial, lower) for bound, trivial in pairs]
        best = min(range(len(pairs)), key=lambda i: ratios[i])
        share = sum(r >= 1.0 for r in ratios) / len(ratios)
        return cls(note=note, bound=float(pairs[best][0]), trivial=float(pairs[best][1]),
                   ratio=float(ratios[best]), vacuous_share=float(share))


def _trivial_ratio(bound: float, trivial: float, lower: bool) -> float:
    """bound / trivial for an upper bound, trivial / bound for a lower one; a zero in the
    denominator counts as vacuous (inf) unless both sides are zero (1: says nothing more)."""
    numerator, denominator = (trivial, bound) if lower else (bound, trivial)
    if denominator > 0:
        return numerator / denominator
    return 1.0 if numerator == denominator else math.inf


@dataclass(frozen=True)
class Power:
    """The power of a statistical check against its own sabotage's alternative.

    ``power`` is the probability the test (at its level and sample sizes) rejects when the
    truth is ``alternative`` (for example: the slope exceeds the claimed order by the
    scaled-order sabotage's excess; the mean exceeds ``factor`` times the bound);
    ``detectable`` the smallest effect it detects with power ``POWER_TARGET`` at that level
    (in ``effect_unit``); ``method`` how it was computed.
    """

    power: float
    alternative: str
    method: str
    detectable: float | None = None
    effect_unit: str = ""

    @property
    def low(self) -> bool:
        return self.power < POWER_TARGET


@dataclass(frozen=True)
class Sabotage:
    """A setting in which the check must report a violation.

    ``kind`` is "assumption-dropped" (``assumption`` names it) or "bound-scaled" (the
    bound is multiplied by ``factor`` < 1 for upper bounds, or its order replaced).

    A *probe* (``probe=True``) drops an assumption without knowing whether the bound needs
    it: the check reports whether a counterexample was found, and either answer is a
    finding for the dropped-assumption table (``proofs_checks.assumptions``), not a failure.
    """

    name: str
    kind: str
    description: str
    assumption: str = ""
    factor: float = 1.0
    probe: bool = False


AS_STATED = Sabotage("as-stated", "none", "every assumption holds; the bound as published")


@dataclass
class CheckContext:
    """What a check runs with: the check profile, the lab that executes and stores its
    runs, the seed of its searches and runs, the Hypothesis example database, and a profile
    file's overrides of plan sizes (``[plans.NAME]``), so a check and a figure that name the
    same plan get the same runs."""

    profile: str = "quick"
    lab: Lab = field(default_factory=Lab)
    seed: int = 0
    database_dir: Path | None = None
    plan_sizes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: a profile file's overrides of checks' own sizes (``Check.SIZES``), by check name
    check_sizes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise UnknownNameError("check profile", self.profile, list(PROFILES))

    @property
    def quick(self) -> bool:
        return self.profile == "quick"

    def plan(self, name: str, sizes: Mapping[str, Any] | None = None,
             **variant: Any) -> RunPlan:
        """The run plan ``name`` at this profile's sizes (a profile file's overrides, then
        ``sizes``: a setting's own reductions, e.g. the two smallest n of a probe)."""
        merged = {**self.plan_sizes.get(name, {}), **(sizes or {})}
        return plan(name, self.profile, self.seed, {name: merged}, **variant)

    def sizes(self, name: str) -> dict[str, Any]:
        """The sizes of plan ``name`` at this profile (with the profile file's overrides)."""
        if name not in PLANS:
            raise UnknownNameError("run plan", name, sorted(PLANS))
        return PLANS[name].resolve(self.profile, self.plan_sizes.get(name))

    def runs(self, name: str, sizes: Mapping[str, Any] | None = None,
             **variant: Any) -> list[StoredRun]:
        """The stored runs of plan ``name`` (executed by the lab where missing)."""
        return self.lab.runs(self.plan(name, sizes, **variant)).runs

    def database(self, key: str) -> ExampleDatabase | None:
        if self.database_dir is None:
            return None
        return DirectoryBasedExampleDatabase(str(self.database_dir / key))


@dataclass
class CheckResult:
    """The evidence one check produced for one bound in one setting."""

    bound_id: str
    check: str
    setting: str
    setting_kind: str
    assumptions_hold: bool
    method: str
    instances: int
    runs: int
    violations: int
    outcome: Outcome
    statistic_name: str = ""
    statistic: float | None = None
    p_value: float | None = None
    level: float | None = None
    tightness: float | None = None
    counterexample: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    probe: bool = False
    dropped_assumption: str = ""
    #: the bound against the trivial bound of its quantity (None: not assessed)
    triviality: Triviality | None = None
    #: the statistical test's power against its own sabotage (None: not a statistical check)
    power: Power | None = None

    @property
    def expected_violation(self) -> bool:
        return self.setting_kind != "none" and not self.probe

    @property
    def confounded_by(self) -> list[str]:
        """What the setting breaks besides the assumption it is credited to: failed
        assumptions other than ``dropped_assumption`` (any, for a bound-scaled or as-stated
        setting) and the conditions the check names in ``details["also_broken"]``."""
        failed = [str(a) for a in self.details.get("failed_assumptions", [])]
        others = [a for a in failed if a != self.dropped_assumption]
        if self.setting_kind == "none":
            others = []  # as stated, a failed assumption is an error of the check itself
        return others + [str(c) for c in self.details.get("also_broken", [])]

    @property
    def only_dropped_fails(self) -> bool:
        """The setting breaks its named assumption and nothing else the check knows of."""
        failed = self.details.get("failed_assumptions")
        return (failed is not None and list(failed) == [self.dropped_assumption]
                and not self.details.get("also_broken"))

    @property
    def verdict(self) -> Verdict:
        """What the evidence is worth (graded here only; see the module docstring)."""
        if self.outcome is Outcome.INCONCLUSIVE:
            return Verdict.INCONCLUSIVE
        if self.setting_kind != "none" and self.confounded_by:
            return Verdict.CONFOUNDED
        if self.outcome is Outcome.VIOLATION:
            return Verdict.FAIL
        if self.triviality is not None and self.triviality.vacuous:
            return Verdict.VACUOUS
        if self.power is not None and self.power.low:
            return Verdict.LOW_POWER
        return Verdict.PASS

    @property
    def ok(self) -> bool:
        """As stated: no violation. Sabotaged: the violation was caught (confounded or
        not). Probe: always. Vacuous and low-power results are ok here (nothing was
        violated) and flagged by their verdict."""
        if self.probe:
            return True
        if self.expected_violation:
            return self.outcome is Outcome.VIOLATION
        return self.outcome is not Outcome.VIOLATION

    @property
    def trivial_ratio(self) -> float | None:
        """bound / trivial bound (the smaller the more the bound says; >= 1 vacuous)."""
        return None if self.triviality is None else self.triviality.ratio

    @property
    def power_value(self) -> float | None:
        return None if self.power is None else self.power.power

    @property
    def evidence(self) -> str:
        """One line of the numbers behind the verdict."""
        interval = self.details.get("slope_ci")
        censored = self.details.get("censored_share", {})
        if any(share > 0.5 for share in censored.values()):
            return f"censored at the cap, share by n: {censored}"
        if interval is not None and self.statistic is not None:
            return (f"slope {self.statistic:.3f} [{interval[0]:.3f}, {interval[1]:.3f}], "
                    f"c = {self.details.get('fitted_constant', float('nan')):.3g}")
        if self.statistic is not None:
            return f"{self.statistic_name} = {self.statistic:.4g}"
        return self.statistic_name

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = self.evidence
        data["outcome"] = self.outcome.value
        data["verdict"] = self.verdict.value
        data["confounded_by"] = self.confounded_by
        if self.triviality is not None:
            data["triviality"]["vacuous"] = self.triviality.vacuous
        if self.power is not None:
            data["power"]["low"] = self.power.low
        data["ok"] = self.ok
        data["expected_violation"] = self.expected_violation
        ready: dict[str, Any] = _json_ready(data)
        return ready


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if hasattr(value, "item") and callable(value.item):
        return _json_ready(value.item())
    return value


@dataclass(frozen=True)
class Measurement:
    """One instance's outcome: the measured quantity against the bound's value."""

    measured: float
    bound: float
    holds: bool
    instance: Mapping[str, Any]

    @property
    def tightness(self) -> float:
        if self.bound == 0:
            return 1.0 if self.measured == 0 else math.inf
        return self.measured / self.bound


class _Violation(Exception):
    def __init__(self, measurement: Measurement) -> None:
        super().__init__(str(dict(measurement.instance)))
        self.measurement = measurement


@dataclass
class SearchOutcome:
    """What :func:`search_instances` saw: instances measured, violations, the largest
    tightness, and the shrunk counterexample (None when every instance held)."""

    tried: int
    violations: int
    worst_tightness: float
    counterexample: Measurement | None

    @property
    def counter_measured(self) -> float | None:
        """The counterexample's measured value (None when there is none)."""
        return None if self.counterexample is None else self.counterexample.measured


@contextmanager
def _process_independent_generation() -> Iterator[None]:
    """Hypothesis (since 6.131) mixes constants read from the source of every *local*
    module imported in the process into its draws, so the same seeded search drew other
    instances in a pool worker than in a test process that had imported other modules (a
    vacuous-share and, once, a tightness differed between them). For a check's evidence to
    depend on its seed alone, the local-constant pool is held empty (and its cache cleared)
    while a check searches; Hypothesis's own global constants still apply. This touches a
    private hook of the pinned Hypothesis; where it is absent the search runs unchanged."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without the module
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    constants_type = getattr(providers, "Constants", None)
    if original is None or cache is None or constants_type is None:  # pragma: no cover
        yield
        return
    empty = constants_type()
    providers._get_local_constants = lambda: empty
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.cache.clear()


def search_instances(strategy: st.SearchStrategy[Any],
                     measure: Callable[[Any], Measurement], max_examples: int,
                     seed: int, database: ExampleDatabase | None = None) -> SearchOutcome:
    """Run ``measure`` on Hypothesis-drawn instances; shrink the first violation.

    Returns how many instances were measured, how many violated, the largest tightness
    seen, and the smallest violating instance Hypothesis could shrink to (it replays that
    one last, so the exception that escapes carries it).
    """
    outcome = SearchOutcome(0, 0, 0.0, None)

    @settings(max_examples=max_examples, deadline=None, database=database,
              suppress_health_check=list(HealthCheck), derandomize=False,
              phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
              print_blob=False, report_multiple_bugs=False)
    @hypothesis_seed(seed)
    @given(strategy)
    def probe(instance: Any) -> None:
        result = measure(instance)
        outcome.tried += 1
        if math.isfinite(result.tightness):
            outcome.worst_tightness = max(outcome.worst_tightness, result.tightness)
        if not result.holds:
            outcome.violations += 1
            raise _Violation(result)

    try:
        with _process_independent_generation():
            probe()
    except _Violation as violation:
        outcome.counterexample = violation.measurement
    return outcome


def upper_holds(measured: float, bound: float) -> bool:
    """The deterministic upper-bound assertion, with the declared tolerances."""
    if math.isnan(measured):
        return False
    return measured <= bound * (1 + RTOL) + ATOL


class Check(ABC):
    """Binds one bound to instances and runs; subclasses implement ``_run``."""

    bound_id: ClassVar[str]
    name: ClassVar[str]
    method: ClassVar[str]
    sabotages: ClassVar[tuple[Sabotage, ...]]
    #: checks that read the same runs name the same group (default: the check's own name),
    #: so that a pool of settings runs them in one process, one after another
    run_group: ClassVar[str] = ""
    #: a declared, explained limit of the as-stated check in the quick profile (for example
    #: "low power: the quick sizes span 2x"), printed with its result; empty when the check
    #: is expected to ``pass`` outright (the conformance suite holds it to that)
    known_weakness: ClassVar[str] = ""
    #: the check's own sizes per check profile that are not run plans (Hypothesis examples,
    #: Monte-Carlo replicates, horizons of in-process runs): data, read by :meth:`sizes`,
    #: overridable by a profile file's ``[check_sizes."NAME"]`` table
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {}

    @property
    def bound(self) -> Bound:
        return get_bound(self.bound_id)

    def sizes(self, context: CheckContext) -> dict[str, Any]:
        """This check's sizes at ``context``'s profile, with the context's overrides."""
        if context.profile not in self.SIZES:
            raise InvalidParameterError(f"check {self.name!r} declares sizes for profile "
                                        f"{context.profile!r}", f"SIZES={dict(self.SIZES)}")
        return override_sizes(self.SIZES[context.profile],
                              context.check_sizes.get(self.name), f"check {self.name!r}",
                              f"check_sizes.{self.name}")

    def settings(self) -> tuple[Sabotage, ...]:
        return (AS_STATED, *self.sabotages)

    def run(self, context: CheckContext, setting: str = "as-stated") -> CheckResult:
        known = {s.name: s for s in self.settings()}
        if setting not in known:
            raise UnknownNameError(f"setting of check {self.name!r}", setting, list(known))
        start = time.perf_counter()
        result = self._run(context, known[setting])
        result.seconds = time.perf_counter() - start
        return result

    @abstractmethod
    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult: ...

    def holm_result(self, setting: Sabotage, rows: list[dict[str, Any]],
                    failed: set[str], statistic_name: str,
                    details: dict[str, Any], power: Power | None = None,
                    triviality: Triviality | None = None) -> CheckResult:
        """The result of one-sided tests, one per row (each with "p_value", "runs" and
        "tightness"), Holm-corrected at ``ALPHA``; rows gain their adjusted "p_holm"."""
        from analysis.stats import holm

        adjusted, reject = holm([r["p_value"] for r in rows], ALPHA)
        for row, p_adj in zip(rows, adjusted, strict=True):
            row["p_holm"] = float(p_adj)
        worst = min(range(len(rows)), key=lambda i: float(adjusted[i]))
        violated = bool(reject.any())
        return self.result(
            setting, assumptions_hold=not failed, instances=len(rows),
            runs=sum(r["runs"] for r in rows), violations=int(reject.sum()),
            outcome=Outcome.VIOLATION if violated else Outcome.HOLDS,
            statistic_name=statistic_name, statistic=float(adjusted[worst]),
            p_value=float(adjusted[worst]), level=ALPHA,
            tightness=max(r["tightness"] for r in rows),
            counterexample=rows[worst] if violated else None,
            details={**details, "failed_assumptions": sorted(failed)},
            power=power, triviality=triviality,
        )

    def result(self, setting: Sabotage, **fields: Any) -> CheckResult:
        return CheckResult(bound_id=self.bound_id, check=self.name, setting=setting.name,
                           setting_kind=setting.kind, method=self.method, probe=setting.probe,
                           dropped_assumption=setting.assumption, **fields)

    def search(self, context: CheckContext, setting: Sabotage,
               strategy: st.SearchStrategy[Any], measure: Callable[[Any], Measurement],
               examples: int) -> SearchOutcome:
        """:func:`search_instances` at the context's seed, with the example database of this
        check and setting."""
        return search_instances(strategy, measure, examples, context.seed,
                                context.database(f"{self.name}-{setting.name}"))

    def search_result(self, setting: Sabotage, outcome: SearchOutcome, failed: Collection[str],
                      *, statistic_name: str, statistic: float | None,
                      tightness: float | None, triviality: Triviality,
                      details: Mapping[str, Any] | None = None,
                      counter_labels: tuple[str, ...] = ("measured", "bound"),
                      ) -> CheckResult:
        """The result of a deterministic claim held on every instance of :meth:`search`:
        each instance is one run, a violation is reported with the shrunk counterexample
        (its instance, with its measured value and the bound's value under the names
        ``counter_labels``: a shorter tuple keeps only the first, or neither), and the
        failed assumptions lead ``details``."""
        counter = outcome.counterexample
        return self.result(
            setting, assumptions_hold=not failed, instances=outcome.tried, runs=outcome.tried,
            violations=outcome.violations,
            outcome=Outcome.VIOLATION if counter else Outcome.HOLDS,
            statistic_name=statistic_name, statistic=statistic, tightness=tightness,
            counterexample=None if counter is None else {
                **counter.instance,
                **dict(zip(counter_labels, (counter.measured, counter.bound), strict=False))},
            details={"failed_assumptions": sorted(failed), **(details or {})},
            triviality=triviality)


def require_positive(name: str, value: float) -> None:
    if not value > 0:
        raise InvalidParameterError(f"{name} > 0", f"{name}={value}")
