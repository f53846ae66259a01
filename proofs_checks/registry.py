"""The check registry: every check, and which bound it holds to its runs.

A bound is either held against runs by a check here or listed in a family's
``SYMBOLIC_ONLY`` with the reason (it is then proved in a ``symbolic*`` module);
``tests/test_checks.py`` enforces that every registered bound is one or the other.
"""

from __future__ import annotations

from proofs_checks.check import Check
from proofs_checks.families import (
    bayesopt,
    bilevel,
    eda,
    emo,
    fedavg,
    hybrid,
    nsga2_extra,
    progressive,
    supernet,
)
from proofs_checks.families.complexity import COMPLEXITY_CHECKS
from proofs_checks.families.gradient import GD_CHECKS, SGD_CHECKS
from proofs_checks.families.nsga2 import NSGA2_CHECKS
from theory.errors import UnknownNameError
from theory.registry import all_bounds, get_bound

__all__ = ["all_checks", "checks_for", "symbolic_only"]

_FAMILIES = (bilevel, supernet, emo, nsga2_extra, hybrid, bayesopt, progressive, eda,
             fedavg)


def all_checks() -> tuple[Check, ...]:
    extra = tuple(check for module in _FAMILIES for check in module.CHECKS)
    return (*GD_CHECKS, *SGD_CHECKS, *NSGA2_CHECKS, *COMPLEXITY_CHECKS, *extra)


def symbolic_only() -> dict[str, str]:
    """Bounds with no empirical check, and why."""
    from proofs_checks.families import complexity

    table: dict[str, str] = dict(complexity.SYMBOLIC_ONLY)
    for module in _FAMILIES:
        table.update(module.SYMBOLIC_ONLY)
    return table


def checks_for(bound_ids: list[str] | None = None) -> tuple[Check, ...]:
    """The checks of the given bounds (all if None); unknown ids raise."""
    checks = all_checks()
    if not bound_ids:
        return checks
    for bound_id in bound_ids:
        get_bound(bound_id)  # raises UnknownNameError naming the known ids
    chosen = tuple(c for c in checks if c.bound_id in bound_ids)
    missing = sorted(set(bound_ids) - {c.bound_id for c in chosen} - set(symbolic_only()))
    if missing:
        raise UnknownNameError("checked bound", missing[0], [b.id for b in all_bounds()])
    return chosen
