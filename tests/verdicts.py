"""The verdict every check must give in every setting of the quick profile, asserted in one
place for the conformance suite (tests/test_checks.py) and the family tests.

As stated (every assumption holding): PASS and no counterexample. A sabotaged setting: a
VIOLATION with its counterexample; when it drops an assumption, the assumption is reported
as failed. A probe: a finding either way, never a failure, with the dropped assumption
reported. ``lists_failed``: the check's details name its failed assumptions (strict), else
the name is only checked where the details give the list.
"""

from __future__ import annotations

import json
from typing import Any

from proofs_checks.check import CheckResult, Verdict


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
        return
    if setting == "as-stated":
        assert result.assumptions_hold, result.details
        assert result.verdict is Verdict.PASS, result.counterexample
        assert result.counterexample is None
    else:
        assert sabotage is not None, f"{check.name} has no setting {setting!r}"
        assert result.verdict is Verdict.VIOLATION, f"{check.name}: {setting} not caught"
        assert result.counterexample is not None
        if sabotage.kind == "assumption-dropped":
            assert not result.assumptions_hold
            assert sabotage.assumption in failed
    assert result.ok
