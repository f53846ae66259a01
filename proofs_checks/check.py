"""The check framework: tolerances, settings (as stated or sabotaged), results, searches.

Assertions match claims (STYLE.md pattern 2): a deterministic upper bound holds when
``measured <= bound * (1 + RTOL) + ATOL``; an exact count when ``measured == bound``; an
expectation claim by a one-sided test at level ``ALPHA`` with Holm's correction across the
instances of one check; an order claim by the one-sided test of the log-log slope.
Tolerances are declared here once.

Every check can fail: each declares *sabotaged settings* (an assumption dropped, or the
bound scaled down), and a sabotaged run must report the violation it provokes.
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase

from solvers.store import RunStore
from theory.bound import Bound
from theory.errors import InvalidParameterError, UnknownNameError
from theory.registry import get_bound

__all__ = ["ALPHA", "ATOL", "RTOL", "Check", "CheckContext", "CheckResult", "Measurement",
           "Sabotage", "Verdict", "search_instances"]

#: relative tolerance of deterministic inequalities (floating-point round-off of O(N) steps)
RTOL = 1e-9
#: absolute tolerance of deterministic inequalities, for quantities that reach 0
ATOL = 1e-12
#: level of every statistical check (Holm-corrected within a check)
ALPHA = 0.01

PROFILES = ("quick", "full")


class Verdict(StrEnum):
    PASS = "pass"
    VIOLATION = "violation"
    INCONCLUSIVE = "inconclusive"


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
    profile: str = "quick"
    store: RunStore = field(default_factory=lambda: RunStore("results"))
    workers: int | None = None
    progress: bool = False
    seed: int = 0
    database_dir: Path | None = None
    scheduler: str | None = None  # tcp://HOST:PORT of a Dask scheduler, or local execution

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise UnknownNameError("check profile", self.profile, list(PROFILES))

    @property
    def quick(self) -> bool:
        return self.profile == "quick"

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
    verdict: Verdict
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

    @property
    def expected_violation(self) -> bool:
        return self.setting_kind != "none" and not self.probe

    @property
    def ok(self) -> bool:
        """As stated: no violation. Sabotaged: the violation was caught. Probe: always."""
        if self.probe:
            return True
        if self.expected_violation:
            return self.verdict is Verdict.VIOLATION
        return self.verdict is not Verdict.VIOLATION

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
        data["verdict"] = self.verdict.value
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
    tried: int
    violations: int
    worst_tightness: float
    counterexample: Measurement | None


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

    @property
    def bound(self) -> Bound:
        return get_bound(self.bound_id)

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
                    details: dict[str, Any]) -> CheckResult:
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
            verdict=Verdict.VIOLATION if violated else Verdict.PASS,
            statistic_name=statistic_name, statistic=float(adjusted[worst]),
            p_value=float(adjusted[worst]), level=ALPHA,
            tightness=max(r["tightness"] for r in rows),
            counterexample=rows[worst] if violated else None,
            details={**details, "failed_assumptions": sorted(failed)},
        )

    def result(self, setting: Sabotage, **fields: Any) -> CheckResult:
        return CheckResult(bound_id=self.bound_id, check=self.name, setting=setting.name,
                           setting_kind=setting.kind, method=self.method, probe=setting.probe,
                           dropped_assumption=setting.assumption, **fields)


def require_positive(name: str, value: float) -> None:
    if not value > 0:
        raise InvalidParameterError(f"{name} > 0", f"{name}={value}")
