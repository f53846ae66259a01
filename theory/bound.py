"""The ``Bound`` object: one convergence or complexity claim, complete and evaluable.

A bound carries one symbolic statement (sympy), the kind of claim it makes, its
assumptions as named predicates that can be evaluated on a problem instance, the exact
source, a numeric evaluator and its LaTeX (STYLE.md pattern 1, after PEPit's examples).

A bound speaks about a *named quantity* ("min_grad_norm_sq", "generations_to_cover"); the
checks in ``proofs_checks`` bind that name to what a solver recorded. ``theory`` itself
never looks at a run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

import sympy as sp

from theory.errors import InvalidParameterError

__all__ = ["ASSUMPTION_RTOL", "EQ_RTOL", "Assumption", "Bound", "Direction", "Mode", "Source",
           "approx_eq"]


#: The one relative tolerance of assumption predicates on real-valued boundaries. Equality
#: assumptions hold to it (``1/49 * 49`` is not 1 in binary floating point), and so does every
#: non-strict inequality ``a <= b`` / ``a >= b``: an instance built exactly on the boundary
#: (a step ``h = 2/(mu+L)`` computed in floating point lands one ulp above it for about 5% of
#: random ``(L, mu)``) satisfies it. Strict inequalities are decided exactly: their boundary
#: is excluded on purpose (``gamma < 2/L`` makes a denominator vanish at equality).
EQ_RTOL = sp.Rational(1, 10**12)
#: alias under the name the inequality rule is documented by
ASSUMPTION_RTOL = EQ_RTOL


def approx_eq(lhs: sp.Expr, rhs: sp.Expr) -> sp.Basic:
    """``lhs == rhs`` up to the relative tolerance ``EQ_RTOL``."""
    return sp.Abs(lhs - rhs) <= EQ_RTOL * sp.Abs(rhs)


def _with_boundary_tolerance(predicate: sp.Basic) -> sp.Basic:
    """``predicate`` with every non-strict inequality ``a <= b`` replaced by
    ``a - b <= ASSUMPTION_RTOL (|a| + |b|)`` (and ``>=`` alike); strict ones and booleans
    unchanged. Inequalities that are already a tolerance (``approx_eq``) keep their form:
    widening them again changes nothing that matters (a factor 1 + 1e-12 on the tolerance)."""
    if isinstance(predicate, sp.LessThan):
        a, b = predicate.lhs, predicate.rhs
        return sp.LessThan(a - b, ASSUMPTION_RTOL * (sp.Abs(a) + sp.Abs(b)), evaluate=False)
    if isinstance(predicate, sp.GreaterThan):
        a, b = predicate.lhs, predicate.rhs
        return sp.LessThan(b - a, ASSUMPTION_RTOL * (sp.Abs(a) + sp.Abs(b)), evaluate=False)
    if isinstance(predicate, sp.And | sp.Or | sp.Not):
        return predicate.func(*(_with_boundary_tolerance(arg) for arg in predicate.args))
    return predicate



class Direction(StrEnum):
    """Which way the measured quantity relates to the expression."""

    UPPER = "upper"  # quantity <= expression
    LOWER = "lower"  # quantity >= expression
    EQUAL = "equal"  # quantity == expression (exact counts, attained worst cases)


class Mode(StrEnum):
    """In what sense the claim holds."""

    DETERMINISTIC = "deterministic"  # on every instance satisfying the assumptions
    EXPECTATION = "expectation"  # for the expected value over the algorithm's randomness
    HIGH_PROBABILITY = "high-probability"  # with probability tending to one in the size
    ORDER = "asymptotic-order"  # expected value is O(expression) as the size grows


@dataclass(frozen=True)
class Source:
    """Where a claim comes from.

    ``locator`` is the theorem, lemma, corollary or section. ``derived`` marks a constant
    derived in this project rather than quoted; its proof is checked step by step in
    ``proofs_checks.proofs.symbolic``. ``locator_checked`` is False where the locator could not be
    read against the published text when the entry was written; such entries are listed by
    ``nasbound bounds list`` so that a reader knows what to verify, and ``note`` then says what
    was tried and what is missing. ``rests_on`` names the ids of the catalogue bounds whose
    statements a derived constant or argument uses; a derived bound inherits their unchecked
    locators (``theory.registry.unchecked_basis``).
    """

    authors: str
    title: str
    venue: str
    year: int
    locator: str
    derived: bool = False
    locator_checked: bool = True
    note: str = ""
    rests_on: tuple[str, ...] = ()

    def cite(self) -> str:
        text = f"{self.authors} ({self.year}), {self.title}, {self.venue}, {self.locator}"
        if self.derived:
            text += " [constant derived here]"
        return text


def _as_sympy_value(value: object) -> object:
    if isinstance(value, bool):
        return sp.true if value else sp.false
    return sp.sympify(value)


@dataclass(frozen=True)
class Assumption:
    """A named hypothesis of a bound, evaluable on an instance's constants.

    ``predicate`` is a sympy Boolean over named symbols. Structural properties that are
    not algebraic ("f is convex") are boolean symbols (``Symbol('convex')``) which an
    instance sets to True or False; algebraic ones are relations (``N >= 4*(n+1)``).
    """

    name: str
    statement: str
    predicate: sp.Basic

    @cached_property
    def symbol_names(self) -> frozenset[str]:
        return frozenset(str(s) for s in self.predicate.free_symbols)

    @cached_property
    def _decided_predicate(self) -> sp.Basic:
        """What :meth:`holds` decides: the predicate with boundary tolerance (see
        ``ASSUMPTION_RTOL``)."""
        return _with_boundary_tolerance(self.predicate)

    def holds(self, constants: Mapping[str, object]) -> bool:
        """Decide the predicate on ``constants``; unknown or undecidable raises."""
        missing = sorted(self.symbol_names - set(constants))
        if missing:
            raise InvalidParameterError(
                f"assumption {self.name!r} needs {', '.join(missing)}",
                f"constants {sorted(constants)}",
            )
        try:
            subs = {s: _as_sympy_value(constants[str(s)]) for s in self.predicate.free_symbols}
            value = self._decided_predicate.subs(subs)
        except (TypeError, sp.SympifyError) as exc:  # NaN comparisons, None, ...
            given = ", ".join(f"{s}={constants[s]!r}" for s in sorted(self.symbol_names))
            raise InvalidParameterError(
                f"assumption {self.name!r} ({self.rule}) must be decidable", given, str(exc)
            ) from exc
        if value is sp.true:
            return True
        if value is sp.false:
            return False
        simplified = sp.simplify(value)
        if simplified is sp.true:
            return True
        if simplified is sp.false:
            return False
        raise InvalidParameterError(
            f"assumption {self.name!r} ({self.rule}) must be decidable",
            f"{self.predicate.subs(subs)} after substitution",
        )

    @property
    def rule(self) -> str:
        return str(sp.sstr(self.predicate))

    def latex(self) -> str:
        return str(sp.latex(self.predicate))


@dataclass(frozen=True)
class Bound:
    """One claim: ``quantity  <direction>  expression`` in the sense of ``mode``.

    ``symbols`` describes every free symbol of ``expression`` (name -> meaning), so the
    bound can be evaluated and printed without reading its module. ``definitions`` lists
    auxiliary quantities written as their own symbol in ``expression`` (for example the
    harmonic number ``H_n``) together with how an instance computes them; they are
    documentation, the instance supplies their value.
    """

    id: str
    family: str
    title: str
    quantity: str
    quantity_description: str
    quantity_latex: str
    direction: Direction
    mode: Mode
    expression: sp.Expr
    symbols: Mapping[str, str]
    assumptions: tuple[Assumption, ...]
    source: Source
    tight: bool = False
    tight_note: str = ""
    definitions: Mapping[str, str] = field(default_factory=dict)
    order_variable: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        free = {str(s) for s in self.expression.free_symbols}
        undeclared = sorted(free - set(self.symbols))
        if undeclared:
            raise InvalidParameterError(
                "every free symbol of a bound's expression is declared in `symbols`",
                f"undeclared {undeclared} in bound {self.id!r}",
            )
        if self.mode is Mode.ORDER and self.order_variable not in free:
            raise InvalidParameterError(
                "an asymptotic-order bound names its growth variable (order_variable)",
                f"order_variable={self.order_variable!r} in bound {self.id!r}",
            )

    # -- symbolic views -------------------------------------------------------------
    @cached_property
    def free_symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(sorted(self.expression.free_symbols, key=str))

    @cached_property
    def quantity_symbol(self) -> sp.Symbol:
        return sp.Symbol(self.quantity, real=True)

    def statement(self) -> sp.Basic:
        """The claim as a sympy relation (for ORDER claims, the growth rate compared)."""
        q = self.quantity_symbol
        if self.direction is Direction.UPPER:
            return sp.Le(q, self.expression)
        if self.direction is Direction.LOWER:
            return sp.Ge(q, self.expression)
        return sp.Eq(q, self.expression)

    def latex(self) -> str:
        """The claim in LaTeX, decorated by its mode."""
        rhs = sp.latex(self.expression)
        lhs = self.quantity_latex
        if self.mode is Mode.EXPECTATION:
            lhs = rf"\mathbb{{E}}\left[{lhs}\right]"
        if self.mode is Mode.ORDER:  # O for upper bounds, Omega for lower, Theta for both
            landau = {Direction.UPPER: "O", Direction.LOWER: r"\Omega",
                      Direction.EQUAL: r"\Theta"}[self.direction]
            return rf"\mathbb{{E}}\left[{lhs}\right] = {landau}\!\left({rhs}\right)"
        rel = {Direction.UPPER: r"\le", Direction.LOWER: r"\ge", Direction.EQUAL: "="}
        return f"{lhs} {rel[self.direction]} {rhs}"

    # -- numeric views --------------------------------------------------------------
    @cached_property
    def _evaluator(self) -> Callable[..., Any]:
        evaluator: Callable[..., Any] = sp.lambdify(self.free_symbols, self.expression,
                                                    modules=["math"])
        return evaluator

    @cached_property
    def _has_rounding(self) -> bool:
        return bool(self.expression.has(sp.floor, sp.ceiling))

    def _evaluate_exactly(self, args: list[Any]) -> float:
        """floor/ceiling of a float quotient can land one below an integer (343 * 7**-2 =
        6.999999999999999): expressions with rounding are evaluated in exact rational
        arithmetic on the (exactly represented) float inputs."""
        exact = self.expression.subs({s: sp.Rational(a) for s, a in
                                      zip(self.free_symbols, args, strict=True)}).doit()
        if exact.has(sp.zoo, sp.nan) or not exact.is_real:
            raise ValueError(f"not a real number: {exact}")
        return float(exact)

    def evaluate(self, **constants: float) -> float:
        """The expression's value on ``constants`` (extra names are ignored)."""
        missing = [str(s) for s in self.free_symbols if str(s) not in constants]
        if missing:
            raise InvalidParameterError(
                f"bound {self.id!r} needs a value for every symbol of its expression",
                f"missing {', '.join(missing)}",
            )
        args = [constants[str(s)] for s in self.free_symbols]
        try:
            if self._has_rounding and all(isinstance(a, int | float) and math.isfinite(a)
                                          for a in args):
                value = self._evaluate_exactly(args)
            else:
                value = float(self._evaluator(*args))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
            # TypeError: a complex value (fractional power of a negative base) or a non-number
            given = ", ".join(f"{s}={constants[str(s)]}" for s in self.free_symbols)
            raise InvalidParameterError(
                f"bound {self.id!r} is finite on the given constants", given, str(exc)
            ) from exc
        if math.isnan(value):
            given = ", ".join(f"{s}={constants[str(s)]}" for s in self.free_symbols)
            raise InvalidParameterError(
                f"bound {self.id!r} is defined on the given constants", given, "NaN"
            )
        return value

    def failed_assumptions(self, constants: Mapping[str, object]) -> list[Assumption]:
        """The assumptions that do not hold on ``constants``."""
        return [a for a in self.assumptions if not a.holds(constants)]

    def require_assumptions(self, constants: Mapping[str, object]) -> None:
        """Raise naming the first broken assumption, with the values given."""
        for assumption in self.assumptions:
            if not assumption.holds(constants):
                given = ", ".join(
                    f"{name}={constants[name]}" for name in sorted(assumption.symbol_names)
                )
                raise InvalidParameterError(
                    assumption.rule, given, f"assumption {assumption.name!r} of {self.id}"
                )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (what ``nasbound bounds show --json`` prints)."""
        return {
            "id": self.id,
            "family": self.family,
            "title": self.title,
            "quantity": self.quantity,
            "quantity_description": self.quantity_description,
            "direction": self.direction.value,
            "mode": self.mode.value,
            "tight": self.tight,
            "expression": sp.sstr(self.expression),
            "latex": self.latex(),
            "symbols": dict(self.symbols),
            "definitions": dict(self.definitions),
            "assumptions": [
                {"name": a.name, "statement": a.statement, "rule": a.rule}
                for a in self.assumptions
            ],
            "source": {
                "authors": self.source.authors,
                "title": self.source.title,
                "venue": self.source.venue,
                "year": self.source.year,
                "locator": self.source.locator,
                "derived": self.source.derived,
                "locator_checked": self.source.locator_checked,
                "note": self.source.note,
                "rests_on": list(self.source.rests_on),
            },
            "order_variable": self.order_variable,
            "notes": self.notes,
        }
