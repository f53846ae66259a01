"""The check suite's conformance: every bound is checked, every check can fail.

For every registered check and every one of its settings, the quick profile must give the
expected verdict: no violation as stated (with every assumption holding), and a caught
violation with a counterexample in every sabotaged setting.
"""

from __future__ import annotations

import pytest

from proofs_checks.check import CheckContext
from proofs_checks.registry import all_checks, checks_for, symbolic_only
from solvers.lab import Lab
from solvers.store import RunStore
from tests.verdicts import assert_expected_verdict
from theory.errors import UnknownNameError
from theory.registry import all_bounds

SETTINGS = [pytest.param(check, setting.name, id=f"{check.name}:{setting.name}",
                         marks=[pytest.mark.slow] if setting.probe else [])
            for check in all_checks() for setting in check.settings()]


@pytest.fixture(scope="module")
def context(shared_check_store: RunStore) -> CheckContext:
    return CheckContext(profile="quick",
                        lab=Lab(shared_check_store, workers=2))


def test_every_bound_has_a_check_with_a_sabotage_or_a_reason() -> None:
    checked = {check.bound_id for check in all_checks()}
    reasons = symbolic_only()
    assert not checked & set(reasons), "a bound is both checked and declared symbolic-only"
    assert checked | set(reasons) == {bound.id for bound in all_bounds()}
    assert all(len(reason) > 20 for reason in reasons.values())
    for check in all_checks():
        assert check.sabotages, f"{check.name} has no sabotaged setting"


#: bounds whose assumptions no built instance family can break yet, and why (they show as
#: "not tested" in the dropped-assumption table)
NO_DROPPABLE_ASSUMPTION: dict[str, str] = {}  # every bound with assumptions drops one now


def test_every_bound_with_assumptions_has_one_dropped() -> None:
    by_bound: dict[str, list] = {}
    for check in all_checks():
        by_bound.setdefault(check.bound_id, []).append(check)
    for bound in all_bounds():
        if bound.id not in by_bound:
            continue  # symbolic-only
        if bound.id in NO_DROPPABLE_ASSUMPTION:
            continue
        names = {a.name for a in bound.assumptions}
        dropped = {s.assumption for check in by_bound[bound.id] for s in check.sabotages
                   if s.kind == "assumption-dropped"}
        if names:
            assert dropped & names, f"{bound.id}: no sabotage drops one of {sorted(names)}"


@pytest.mark.parametrize(("check", "setting"), SETTINGS)
def test_verdict_in_every_setting(check, setting: str, context: CheckContext) -> None:
    assert_expected_verdict(check, setting, check.run(context, setting))


def test_tight_bound_is_attained() -> None:
    """Drori-Teboulle is tight: some instance (the Huber worst case) has tightness 1."""
    check = next(c for c in all_checks() if c.bound_id == "gd.convex.drori-teboulle")
    result = check.run(CheckContext(profile="quick", lab=Lab(RunStore("unused"))))
    assert result.tightness == pytest.approx(1.0, rel=1e-9)


def test_counterexample_is_shrunk() -> None:
    """The survival lemma's counterexample with N = n+1 is small after shrinking."""
    check = next(c for c in all_checks() if c.bound_id == "nsga2.oneminmax.survival")
    result = check.run(CheckContext(profile="quick", lab=Lab(RunStore("unused"))), "N=n+1")
    assert result.counterexample is not None
    assert result.counterexample["pop"] == result.counterexample["n"] + 1
    assert result.counterexample["n"] <= 12


def test_unknown_ids_and_settings_raise() -> None:
    with pytest.raises(UnknownNameError, match="known bound ids"):
        checks_for(["no.such.bound"])
    with pytest.raises(UnknownNameError, match="as-stated"):
        all_checks()[0].run(CheckContext(lab=Lab(RunStore("unused"))), "no-such-setting")
    with pytest.raises(UnknownNameError, match="quick"):
        CheckContext(profile="weekly")


def test_same_seed_same_verdict_and_statistics(tmp_path) -> None:
    check = next(c for c in all_checks() if c.bound_id == "sgd.nonconvex.ghadimi-lan-thm2.1")
    first = check.run(CheckContext(profile="quick", lab=Lab(RunStore(tmp_path))))
    second = check.run(CheckContext(profile="quick", lab=Lab(RunStore(tmp_path))))
    assert first.details["instances"] == second.details["instances"]
    assert first.p_value == second.p_value


def test_check_sizes_are_data_per_profile_with_overrides() -> None:
    """Every size a check chooses per profile is in its SIZES table (no `x if quick else y`
    in code), and a profile's [check_sizes."NAME"] reaches it; bad keys name the rule."""
    import re
    from pathlib import Path

    from theory.errors import InvalidParameterError

    families = Path(__file__).resolve().parents[1] / "proofs_checks" / "families"
    literals = [f"{p.name}:{i}" for p in sorted(families.glob("*.py"))
                for i, line in enumerate(p.read_text().splitlines(), 1)
                if re.search(r"\bif context\.quick else\b", line)]
    assert literals == []  # sizes live in SIZES (checks) or run plans (shared runs)
    sized = [c for c in all_checks() if c.SIZES]
    assert sized, "some check declares its sizes as data"
    check = sized[0]
    for profile in ("quick", "full"):
        assert set(check.SIZES[profile]) == set(check.SIZES["quick"])  # same names
    key = next(iter(check.SIZES["quick"]))
    value = check.SIZES["quick"][key]
    context = CheckContext(profile="quick", check_sizes={check.name: {key: value}})
    assert check.sizes(context)[key] == value
    assert check.sizes(CheckContext(profile="full"))[key] == check.SIZES["full"][key]
    with pytest.raises(InvalidParameterError, match="names a size of check"):
        check.sizes(CheckContext(profile="quick", check_sizes={check.name: {"nope": 1}}))
