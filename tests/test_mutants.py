"""The planted-bug harness (proofs_checks/mutants.py): its list cannot rot silently."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from proofs_checks.mutants import (
    MUTANTS,
    PROJECT_ROOT,
    SOURCE_ENTRIES,
    Mutant,
    MutantError,
    apply_mutant,
    copy_source_tree,
    run_harness,
    select,
    validate_list,
)
from proofs_checks.registry import all_checks
from theory.errors import UnknownNameError


def test_mutant_list_is_well_formed() -> None:
    validate_list(MUTANTS)  # raises naming the first broken mutant
    names = {check.name for check in all_checks()}
    assert 20 <= len(MUTANTS) <= 40
    assert len({m.id for m in MUTANTS}) == len(MUTANTS)
    for mutant in MUTANTS:
        assert mutant.path.startswith("solvers/"), mutant.id
        assert mutant.checks and set(mutant.checks) <= names, mutant.id
        text = (PROJECT_ROOT / mutant.path).read_text(encoding="utf-8")
        assert text.count(mutant.original_line_substring) == 1, mutant.id


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.id for m in MUTANTS])
def test_each_mutant_changes_exactly_one_line(mutant: Mutant, tmp_path: Path) -> None:
    target = tmp_path / mutant.path
    target.parent.mkdir(parents=True)
    original = (PROJECT_ROOT / mutant.path).read_text(encoding="utf-8")
    target.write_text(original, encoding="utf-8")
    before, after = apply_mutant(tmp_path, mutant)
    old, new = original.splitlines(), target.read_text(encoding="utf-8").splitlines()
    assert len(old) == len(new)
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1
    assert (old[changed[0]], new[changed[0]]) == (before, after)


def test_applying_a_mutant_to_a_copy_changes_one_line_of_one_file(tmp_path: Path) -> None:
    mutant = MUTANTS[0]
    copy = copy_source_tree(PROJECT_ROOT, tmp_path / "copy")
    assert sorted(p.name for p in copy.iterdir()) == sorted(SOURCE_ENTRIES)
    files = {p.relative_to(copy): p.read_bytes() for p in copy.rglob("*.py")}
    apply_mutant(copy, mutant)
    differing = [path for path, data in files.items() if (copy / path).read_bytes() != data]
    assert differing == [Path(mutant.path)]
    # the project itself is untouched
    assert (PROJECT_ROOT / mutant.path).read_bytes() == files[Path(mutant.path)]


def test_a_rotten_mutant_fails_loudly_naming_itself(tmp_path: Path) -> None:
    mutant = MUTANTS[0]
    target = tmp_path / mutant.path
    target.parent.mkdir(parents=True)
    target.write_text("nothing to mutate here\n", encoding="utf-8")
    with pytest.raises(MutantError, match=mutant.id):
        apply_mutant(tmp_path, mutant)
    target.write_text(f"{mutant.original_line_substring}\n" * 2, encoding="utf-8")
    with pytest.raises(MutantError, match="2 times"):
        apply_mutant(tmp_path, mutant)
    unknown = dataclasses.replace(mutant, checks=("no-such-check",))
    with pytest.raises(MutantError, match="unknown checks"):
        validate_list([unknown])
    with pytest.raises(UnknownNameError):
        select(["no-such-mutant"])


@pytest.mark.slow
def test_a_cheap_mutant_is_killed_end_to_end() -> None:
    (mutant,) = select(["darts-size-counts-none"])
    report = run_harness([mutant], jobs=1, timeout=300)
    assert report.baseline["darts-cell-count"]["ok"]
    (outcome,) = report.outcomes
    assert outcome.killed and outcome.how == "violation"
    assert outcome.by == "darts-cell-count"
    assert report.kill_rate_line() == "kill rate: 1/1 (100.0%)"
