"""The bound registry: every bound of the catalogue, keyed by its stable id.

The catalogue is the concatenation of the family modules' ``BOUNDS`` tuples; ids are
unique and never reused for a different claim.
"""

from __future__ import annotations

from functools import cache

from theory.bound import Bound, Mode
from theory.bounds import (
    bayesopt,
    bilevel,
    complexity,
    eda,
    emo,
    evolutionary,
    fedavg,
    gradient,
    hybrid,
    nsga2_extra,
    progressive,
)
from theory.errors import InvalidParameterError, UnknownNameError

__all__ = ["all_bounds", "families", "get_bound", "select_bounds", "unchecked_basis"]

_FAMILY_MODULES = (gradient, bilevel, evolutionary, emo, nsga2_extra, hybrid, complexity,
                   bayesopt, progressive, fedavg, eda)


@cache
def _catalogue() -> dict[str, Bound]:
    table: dict[str, Bound] = {}
    for module in _FAMILY_MODULES:
        for bound in module.BOUNDS:
            if bound.id in table:
                raise InvalidParameterError("bound ids are unique", f"duplicate id {bound.id!r}")
            table[bound.id] = bound
    for bound in table.values():
        unknown = sorted(set(bound.source.rests_on) - set(table))
        if unknown:
            raise InvalidParameterError("a bound rests only on catalogue bounds",
                                        f"unknown {unknown} in rests_on of {bound.id!r}")
    return table


def all_bounds() -> tuple[Bound, ...]:
    """Every registered bound, in catalogue order."""
    return tuple(_catalogue().values())


def get_bound(bound_id: str) -> Bound:
    """The bound with this id; an unknown id raises naming the known ones."""
    try:
        return _catalogue()[bound_id]
    except KeyError:
        raise UnknownNameError("bound id", bound_id, list(_catalogue())) from None


def families() -> tuple[str, ...]:
    return tuple(dict.fromkeys(b.family for b in all_bounds()))


def select_bounds(family: str | None = None, mode: str | None = None) -> tuple[Bound, ...]:
    """Bounds filtered by family and claim mode (either may be None)."""
    if family is not None and family not in families():
        raise UnknownNameError("family", family, list(families()))
    modes = [m.value for m in Mode]
    if mode is not None and mode not in modes:
        raise UnknownNameError("claim mode", mode, modes)
    return tuple(
        b for b in all_bounds()
        if (family is None or b.family == family) and (mode is None or b.mode.value == mode)
    )


def unchecked_basis(bound: Bound) -> list[str]:
    """The ids whose locator is unchecked among ``bound`` and what it rests on.

    Follows ``Source.rests_on`` transitively (each id once, cycles are harmless) and returns,
    in the order met, ``bound.id`` itself when its own locator is unchecked, then every bound
    it rests on, directly or not, whose locator is unchecked. Empty when the whole basis was
    read against the published texts.
    """
    table = _catalogue()
    found: list[str] = []
    seen: set[str] = set()
    stack = [bound]
    while stack:
        current = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        if not current.source.locator_checked:
            found.append(current.id)
        try:
            stack.extend(table[i] for i in reversed(current.source.rests_on))
        except KeyError as exc:
            raise UnknownNameError("bound id", str(exc.args[0]), list(table)) from None
    return found
