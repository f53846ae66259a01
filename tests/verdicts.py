"""The verdict every check must give in every setting of the quick profile, asserted in one
place for the conformance suite (tests/test_checks.py) and the family tests.

As stated (every assumption holding): no violation, no counterexample, the bound compared
with the trivial bound of its quantity (``triviality`` set, with a note), a statistical
check's power against its own sabotage reported (``power`` set), and the verdict ``pass``
unless the check declares its weakness (``Check.known_weakness``, printed with the result).
A sabotaged setting: a violation with its counterexample; when it drops an assumption, that
assumption and no other is reported as failed (a setting that breaks two shows neither is
needed). A probe: a finding either way, never a failure, breaking only its assumption.
``lists_failed``: the check's details name its failed assumptions (strict), else the name is
only checked where the details give the list.
"""

from __future__ import annotations

import json
from typing import Any

from proofs_checks.check import CheckResult, Outcome, Verdict


def assert_expected_verdict(check: Any, setting: str, result: CheckResult,
                            lists_failed: bool = False) -> None:
    json.dumps(result.to_dict())  # the evidence is serialisable as reported
    assert result.instances >= 1
    sabotage = next((s for s in check.sabotages if s.name == setting), None)
    failed = result.details["failed_assumptions"] if lists_failed else \
        result.details.get("failed_assumptions", [getattr(sabotage, "assumption", "")])
    if sabotage is not None and sabotage.probe:
        assert result.probe and result.ok and not result.assumptions_hold
        assert result.dropped_assumption == sabotage.assumption
        assert sabotage.assumption in failed
        assert result.verdict is not Verdict.CONFOUNDED, \
            f"{check.name}: probe {setting} also breaks {result.confounded_by}"
        return
    if setting == "as-stated":
        assert result.assumptions_hold, result.details
        assert result.outcome is Outcome.HOLDS, result.counterexample
        assert result.counterexample is None
        assert result.triviality is not None and result.triviality.note, \
            f"{check.name}: no comparison with the trivial bound of its quantity"
        if result.p_value is not None:
            assert result.power is not None, f"{check.name}: a statistical check without power"
        if not getattr(check, "known_weakness", ""):
            assert result.verdict is Verdict.PASS, (
                f"{check.name}: {result.verdict.value} as stated "
                f"(triviality {result.triviality}, power {result.power})")
    else:
        assert sabotage is not None, f"{check.name} has no setting {setting!r}"
        assert result.outcome is Outcome.VIOLATION, f"{check.name}: {setting} not caught"
        assert result.counterexample is not None
        assert not result.confounded_by, \
            f"{check.name}: {setting} also breaks {result.confounded_by}"
        if sabotage.kind == "assumption-dropped":
            assert not result.assumptions_hold
            assert sabotage.assumption in failed
    assert result.ok
