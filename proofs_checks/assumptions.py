"""The dropped-assumption table: for every assumption of every bound, is it needed?

Built from the check results of sabotaged settings of kind "assumption-dropped" (expected
violations and probes alike): an assumption is *needed* when dropping it produced a
counterexample (the instance is in the check's evidence), *not shown needed* when the
search found none in the instances it tried, and *not tested* when no setting drops it
(with the reason: a symbolic-only bound, or no instance family that breaks it yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from proofs_checks.check import CheckResult, Verdict
from theory.registry import all_bounds

__all__ = ["AssumptionFinding", "dropped_assumption_table"]

NEEDED = "needed"
NOT_SHOWN = "not shown needed"
NOT_TESTED = "not tested"


@dataclass(frozen=True)
class AssumptionFinding:
    bound_id: str
    assumption: str
    rule: str
    status: str
    setting: str
    instances: int
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _evidence(result: CheckResult) -> str:
    if result.verdict is Verdict.VIOLATION and result.counterexample is not None:
        shown = {k: v for k, v in result.counterexample.items()
                 if not isinstance(v, list | dict)}
        return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in list(shown.items())[:8])
    return f"no counterexample in {result.instances} instances ({result.evidence})"


def dropped_assumption_table(results: Sequence[CheckResult],
                             symbolic_only: dict[str, str] | None = None
                             ) -> list[AssumptionFinding]:
    """One finding per (bound, assumption) of the registry, in catalogue order."""
    symbolic_only = symbolic_only or {}
    dropped: dict[tuple[str, str], list[CheckResult]] = {}
    for result in results:
        if result.setting_kind == "assumption-dropped" and result.dropped_assumption:
            dropped.setdefault((result.bound_id, result.dropped_assumption), []).append(result)
    findings = []
    for bound in all_bounds():
        for assumption in bound.assumptions:
            found = dropped.get((bound.id, assumption.name), [])
            if not found:
                reason = (f"symbolic-only bound: {symbolic_only[bound.id]}"
                          if bound.id in symbolic_only else
                          "no sabotaged setting drops it yet")
                findings.append(AssumptionFinding(bound.id, assumption.name, assumption.rule,
                                                  NOT_TESTED, "", 0, reason))
                continue
            violating = [r for r in found if r.verdict is Verdict.VIOLATION]
            chosen = violating[0] if violating else found[0]
            findings.append(AssumptionFinding(
                bound.id, assumption.name, assumption.rule,
                NEEDED if violating else NOT_SHOWN, chosen.setting,
                sum(r.instances for r in found), _evidence(chosen)))
    return findings
