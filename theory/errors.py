"""The package's one exception hierarchy.

Every error raised on bad user input derives from :class:`NasboundError` and says which
rule was broken and which value was given (pattern 6 of STYLE.md). It lives in ``theory``
because every other layer may import ``theory`` and ``theory`` imports no other layer.
"""

from __future__ import annotations

__all__ = ["InvalidParameterError", "NasboundError", "StoreError", "UnknownNameError"]


class NasboundError(Exception):
    """Base class of every error nasbound raises on purpose."""


class InvalidParameterError(NasboundError, ValueError):
    """A value breaks a declared rule.

    The message names the rule as it is written (``pop_size >= 4*(n+1)``) and the value
    that broke it (``got pop_size=10, n=8``).
    """

    def __init__(self, rule: str, given: str, why: str = "") -> None:
        self.rule = rule
        self.given = given
        self.why = why
        tail = f" ({why})" if why else ""
        super().__init__(f"`{rule}` must hold{tail}, got {given}")


class UnknownNameError(NasboundError, LookupError):
    """A name (bound id, solver, problem, profile, ...) is not registered."""

    def __init__(self, kind: str, name: str, known: list[str] | tuple[str, ...]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        shown = ", ".join(sorted(self.known))
        plural = f"{kind[:-1]}ies" if kind.endswith("y") and kind[-2:-1] not in "aeiou" \
            else f"{kind}s"
        super().__init__(f"unknown {kind} {name!r}; known {plural}: {shown}")

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])


class StoreError(NasboundError):
    """A stored run is missing, partial or corrupt."""
