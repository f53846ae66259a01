"""Empirical checks of the emo bounds (filled in by issues 3 and 6)."""

from __future__ import annotations

from proofs_checks.check import Check

CHECKS: tuple[Check, ...] = ()
#: bound id -> why it has no empirical check (it is checked symbolically instead)
SYMBOLIC_ONLY: dict[str, str] = {}
