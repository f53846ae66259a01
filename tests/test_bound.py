"""Bound, Assumption, Source and the bound registry (theory.bound, theory.registry).

The conformance part is parametrised over ``all_bounds()`` (STYLE.md pattern 8): a bound
registered tomorrow is checked for a complete description, printable LaTeX, a numeric
evaluator that agrees with sympy, and a JSON description.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from types import SimpleNamespace

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import theory.registry as registry
from theory import (
    Assumption,
    Bound,
    Direction,
    InvalidParameterError,
    Mode,
    NasboundError,
    Source,
    UnknownNameError,
    all_bounds,
    get_bound,
    select_bounds,
)
from theory.bound import EQ_RTOL, approx_eq
from theory.bounds.evolutionary import A_POP_4
from theory.bounds.gradient import A_CONVEX, A_STEP_1_OVER_L

#: Every bound id registered today. Ids are stable: a rename or a removal must be a
#: deliberate edit of this set (and of every run, check and table that cites the id).
EXPECTED_IDS = frozenset({
    "gd.nonconvex.min-grad-norm",
    "gd.convex.nesterov",
    "gd.convex.drori-teboulle",
    "gd.strongly-convex.distance",
    "sgd.nonconvex.ghadimi-lan-thm2.1",
    "sgd.nonconvex.ghadimi-lan-cor2.2",
    "bilevel.hypergradient.ift-identity",
    "bilevel.itd.quadratic-error",
    "bilevel.aid-neumann.quadratic-error",
    "bilevel.darts.fd-hvp-error",
    "bilevel.hgd.inexact-min-grad-norm",
    "bilevel.hgd.ji-yang-liang-order",
    "bilevel.darts.gradient-evaluations-per-step",
    "bilevel.darts.cost-ratio",
    "bilevel.darts.supernet-activation-memory",
    "bilevel.darts.first-order-error",
    "bilevel.darts.second-order-error",
    "nsga2.oneminmax.survival",
    "nsga2.oneminmax.runtime-order",
    "nsga2.oneminmax.runtime-explicit",
    "nsga2.lotz.runtime-order",
    "nsga2.oneminmax.small-population",
    "emo.semo.lotz.runtime-order",
    "emo.gsemo.lotz.runtime-order",
    "emo.semo.oneminmax.runtime-order",
    "emo.gsemo.oneminmax.runtime-order",
    "emo.semo.oneminmax.runtime-explicit",
    "emo.gsemo.ojzj.runtime-explicit",
    "emo.convergence.probability-one",
    "emo.nsga2.ojzj.runtime-order",
    "emo.nsga2.ojzj.lower-order",
    "emo.nsga2-stochastic.lotz.runtime-order",
    "emo.nsga2.momm.no-cover",
    "nsga2-extra.oneminmax.survival",
    "nsga2-extra.oneminmax.runtime-explicit",
    "nsga2-extra.evaluations.count",
    "nsga2-extra.oneminmax.evaluations-explicit",
    "nsga2-extra.oneminmax.cover-tail",
    "nsga2-extra.oneminmax.convergence-as",
    "hybrid.pruning.front-kept",
    "hybrid.refine.armijo-step",
    "hybrid.refine.descent-lemma",
    "nds.deb2002.pair-comparisons",
    "nds.deb2002.order",
    "nds.jensen2003.order",
    "crowding.deb2002.order",
    "hv.beume2009.upper-order",
    "hv.beume2009.lower-order",
    "space.nb201.cell-count",
    "space.nb201.isomorphism-classes",
    "space.darts.cell-count",
    "bayesopt.gp-ucb.finite-regret",
    "bayesopt.gp-ucb.rkhs-regret",
    "bayesopt.info-gain.lemma5.3",
    "bayesopt.info-gain.linear-order",
    "bayesopt.info-gain.se-order",
    "bayesopt.info-gain.matern-order",
    "progressive.sh.round-pulls",
    "progressive.sh.total-budget",
    "progressive.sh.identification",
    "progressive.hyperband.rung-sizes",
    "progressive.hyperband.iteration-budget",
    "fedavg.full.li2020-thm1",
    "fedavg.scheme-i.li2020-thm2",
    "fedavg.scheme-ii.li2020-thm3",
    "eda.cga.onemax.upper-order",
    "eda.cga.onemax.lower-order",
    "eda.cga.jump.upper-order",
})

#: lambdify (math module, float arithmetic) against sympy's exact evaluation.
EVAL_RTOL = 1e-9

BOUNDS = all_bounds()
BOUND_IDS = [b.id for b in BOUNDS]


# -- registry -----------------------------------------------------------------------------
def test_registered_ids_are_exactly_the_expected_ones() -> None:
    ids = [b.id for b in all_bounds()]
    assert len(ids) == len(set(ids)), "bound ids must be unique"
    assert set(ids) == EXPECTED_IDS


def test_registry_is_stable_across_calls() -> None:
    assert [b.id for b in all_bounds()] == BOUND_IDS
    for bound in BOUNDS:
        assert get_bound(bound.id) is bound


def test_ids_are_plain_lowercase_tokens() -> None:
    for bound_id in BOUND_IDS:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.\-]*[a-z0-9]", bound_id), bound_id


def test_duplicate_ids_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    first = BOUNDS[0]
    clash = SimpleNamespace(BOUNDS=(first,))
    monkeypatch.setattr(registry, "_FAMILY_MODULES", (*registry._FAMILY_MODULES, clash))
    registry._catalogue.cache_clear()
    try:
        with pytest.raises(InvalidParameterError, match=re.escape(repr(first.id))) as info:
            all_bounds()
        assert "bound ids are unique" in str(info.value)
    finally:
        monkeypatch.undo()
        registry._catalogue.cache_clear()
    assert {b.id for b in all_bounds()} == EXPECTED_IDS


def test_unknown_bound_id_lists_the_known_ones() -> None:
    with pytest.raises(UnknownNameError) as info:
        get_bound("gd.convex.nesterof")
    err = info.value
    assert isinstance(err, NasboundError)
    assert isinstance(err, LookupError)
    message = str(err)
    assert "'gd.convex.nesterof'" in message
    for bound_id in EXPECTED_IDS:
        assert bound_id in message
    assert set(err.known) == EXPECTED_IDS


def test_select_bounds_filters_by_family_and_mode() -> None:
    assert select_bounds() == BOUNDS
    families = registry.families()
    assert set(families) == {b.family for b in BOUNDS}
    by_family = [b for fam in families for b in select_bounds(family=fam)]
    assert sorted(b.id for b in by_family) == sorted(BOUND_IDS)
    for fam in families:
        assert all(b.family == fam for b in select_bounds(family=fam))
    for mode in Mode:
        chosen = select_bounds(mode=mode.value)
        assert {b.id for b in chosen} == {b.id for b in BOUNDS if b.mode is mode}
    both = select_bounds(family="gradient", mode="expectation")
    assert {b.id for b in both} == {"sgd.nonconvex.ghadimi-lan-thm2.1",
                                    "sgd.nonconvex.ghadimi-lan-cor2.2"}
    assert select_bounds(family="complexity", mode="expectation") == ()


def test_select_bounds_rejects_unknown_family_and_mode() -> None:
    with pytest.raises(UnknownNameError) as info:
        select_bounds(family="gradients")
    assert "'gradients'" in str(info.value)
    for fam in registry.families():
        assert fam in str(info.value)
    with pytest.raises(UnknownNameError) as info:
        select_bounds(mode="probable")
    assert "'probable'" in str(info.value)
    for mode in Mode:
        assert mode.value in str(info.value)


# -- conformance: every registered bound --------------------------------------------------
def _balanced(text: str) -> bool:
    depth = 0
    for token in re.findall(r"\\[{}]|[{}]", text):
        if token in ("\\{", "\\}"):
            continue
        depth += 1 if token == "{" else -1
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("bound", BOUNDS, ids=BOUND_IDS)
def test_bound_is_completely_described(bound: Bound) -> None:
    assert bound.title and bound.quantity and bound.quantity_description
    assert bound.quantity_latex
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", bound.quantity), bound.quantity
    assert isinstance(bound.direction, Direction)
    assert isinstance(bound.mode, Mode)
    declared = {str(s) for s in bound.free_symbols}
    assert declared <= set(bound.symbols)
    assert all(bound.symbols[name] for name in declared), "every symbol has a meaning"
    names = [a.name for a in bound.assumptions]
    assert len(names) == len(set(names)), "assumption names are unique within a bound"
    for assumption in bound.assumptions:
        assert assumption.name and assumption.statement
        assert assumption.rule == sp.sstr(assumption.predicate)
    src = bound.source
    assert src.authors and src.title and src.venue and src.locator
    assert 1900 < src.year < 2100
    if bound.mode is Mode.ORDER:
        assert bound.order_variable in declared


@pytest.mark.parametrize("bound", BOUNDS, ids=BOUND_IDS)
def test_latex_is_balanced_and_shows_the_claim(bound: Bound) -> None:
    text = bound.latex()
    assert text.strip()
    assert _balanced(text), text
    assert text.count(r"\left") == text.count(r"\right"), text
    assert bound.quantity_latex in text
    if bound.mode is Mode.ORDER:
        landau = {Direction.UPPER: "O", Direction.LOWER: r"\Omega",
                  Direction.EQUAL: r"\Theta"}[bound.direction]
        assert rf"= {landau}\!\left(" in text
        assert r"\mathbb{E}" in text
    else:
        relation = {Direction.UPPER: r"\le", Direction.LOWER: r"\ge", Direction.EQUAL: "="}
        assert f" {relation[bound.direction]} " in text
        assert text.endswith(sp.latex(bound.expression))
        assert (r"\mathbb{E}" in text) == (bound.mode is Mode.EXPECTATION)
    for assumption in bound.assumptions:
        assert assumption.latex().strip()
        assert _balanced(assumption.latex())


@pytest.mark.parametrize("bound", BOUNDS, ids=BOUND_IDS)
def test_statement_relation_matches_direction(bound: Bound) -> None:
    statement = bound.statement()
    expected = {Direction.UPPER: sp.Le, Direction.LOWER: sp.Ge, Direction.EQUAL: sp.Eq}
    assert isinstance(statement, expected[bound.direction])
    assert statement.lhs == bound.quantity_symbol
    assert statement.rhs == bound.expression


@pytest.mark.parametrize("bound", BOUNDS, ids=BOUND_IDS)
def test_to_dict_is_json_ready(bound: Bound) -> None:
    data = bound.to_dict()
    text = json.dumps(data)
    assert json.loads(text) == data
    assert data["id"] == bound.id
    assert data["direction"] == bound.direction.value
    assert data["mode"] == bound.mode.value
    assert data["latex"] == bound.latex()
    assert sp.sympify(data["expression"], locals={str(s): s for s in bound.free_symbols}) \
        == bound.expression
    assert [a["name"] for a in data["assumptions"]] == [a.name for a in bound.assumptions]
    assert data["source"]["year"] == bound.source.year


# Values are multiples of 1/4 so that +, -, * are exact in binary floating point and a
# zero denominator is zero in both evaluations.
_QUARTERS = st.integers(1, 40).map(lambda k: Fraction(k, 4))


@st.composite
def constants_for(draw: st.DrawFn, bound: Bound) -> dict[str, Fraction]:
    values = {}
    for symbol in bound.free_symbols:
        if symbol.is_integer:
            values[str(symbol)] = Fraction(draw(st.integers(1, 12)))
        else:
            values[str(symbol)] = draw(_QUARTERS)
    return values


#: bounds whose expression is a sum over floors sympy cannot evaluate in closed form; their
#: values are checked in exact arithmetic against a simulator in their family's tests
#: (tests/test_progressive.py)
UNEVALUATED_SUMS = [b for b in BOUNDS if b.expression.has(sp.Sum)]


@pytest.mark.parametrize("bound", [b for b in BOUNDS if b not in UNEVALUATED_SUMS],
                         ids=[b.id for b in BOUNDS if b not in UNEVALUATED_SUMS])
@settings(deadline=None)
@given(data=st.data())
def test_evaluate_agrees_with_sympy(bound: Bound, data: st.DataObject) -> None:
    constants = data.draw(constants_for(bound))
    if bound.expression.has(sp.floor, sp.ceiling):  # exact only where the assumptions hold
        decidable = [a for a in bound.assumptions if a.symbol_names <= set(constants)]
        assume(all(a.holds({k: float(v) for k, v in constants.items()}) for a in decidable))
    exact = bound.expression.subs(
        {s: sp.Rational(constants[str(s)].numerator, constants[str(s)].denominator)
         for s in bound.free_symbols}).doit()
    floats = {name: float(v) for name, v in constants.items()}
    assume(not (exact.is_finite and exact.is_real and abs(exact) > 1e300))  # beyond floats
    if exact.is_finite and exact.is_real:
        value = bound.evaluate(**floats, unrelated_name=123.0)
        assert value == pytest.approx(float(exact), rel=EVAL_RTOL, abs=1e-300)
    else:
        with pytest.raises(InvalidParameterError, match=re.escape(bound.id)):
            bound.evaluate(**floats)


# Reference values worked by hand from the expressions in theory/bounds/*.py.
HAND_VALUES = [
    ("gd.nonconvex.min-grad-norm", dict(L=2.0, Delta=3.0, N=5), 2.0),  # 2*2*3/6
    ("gd.convex.nesterov", dict(L=1.0, R=2.0, N=4), 1.0),  # 2*1*4/8
    ("gd.convex.drori-teboulle", dict(L=1.0, R=1.0, N=1, h_norm=1.0), 1 / 6),  # 1/(4+2)
    ("gd.strongly-convex.distance", dict(L=3.0, mu=1.0, h=0.5, k=2, R=2.0), 0.25),
    # 1 - 2*0.5*3/4 = 1/4, (1/4)^2 * 4 = 1/4
    ("sgd.nonconvex.ghadimi-lan-thm2.1",
     dict(L=1.0, Delta=1.0, sigma=1.0, S_1=2.0, S_2=1.0), 1.0),  # (2+1)/(4-1)
    ("sgd.nonconvex.ghadimi-lan-cor2.2",
     dict(L=1.0, Delta=1.0, sigma=1.0, N=4, Dtilde=1.0), 2.0),  # 2/4 + (1+2)/2
    ("nsga2.oneminmax.survival", {}, 0.0),
    ("nsga2.oneminmax.runtime-order", dict(n=math.e), math.e),
    ("nsga2.oneminmax.runtime-explicit", dict(n=2, H_n=1.5, p_sel=1.0, q_mut=1.0), 6.0),
    ("nsga2.lotz.runtime-order", dict(n=7), 49.0),
    ("nsga2.oneminmax.small-population", dict(c=0.25), 0.75),
    ("nds.deb2002.pair-comparisons", dict(N=10), 90.0),
]


#: the spine's bounds, whose values are worked by hand here; the later families' values are
#: checked in their own test modules (tests/test_bilevel.py, test_emo.py, test_nsga2_extra.py,
#: test_bayesopt.py, test_progressive.py, test_counting.py)
SPINE_IDS = frozenset(i for i in EXPECTED_IDS if i.split(".")[0] in ("gd", "sgd", "nsga2")
                      or i.startswith("nds.deb2002.pair"))


def test_hand_values_cover_every_spine_bound() -> None:
    assert {bound_id for bound_id, _, _ in HAND_VALUES} == SPINE_IDS


@pytest.mark.parametrize(("bound_id", "constants", "expected"), HAND_VALUES,
                         ids=[h[0] for h in HAND_VALUES])
def test_evaluate_on_hand_values(bound_id: str, constants: dict[str, float],
                                 expected: float) -> None:
    assert get_bound(bound_id).evaluate(**constants) == pytest.approx(expected, rel=1e-12)


def test_evaluate_names_the_missing_symbols() -> None:
    bound = get_bound("gd.convex.nesterov")
    with pytest.raises(InvalidParameterError) as info:
        bound.evaluate(L=1.0)
    message = str(info.value)
    assert "gd.convex.nesterov" in message
    assert "N" in message and "R" in message
    assert "missing" in message


def test_evaluate_names_the_values_where_undefined() -> None:
    corollary = get_bound("sgd.nonconvex.ghadimi-lan-cor2.2")
    with pytest.raises(InvalidParameterError) as info:
        corollary.evaluate(L=1.0, Delta=1.0, sigma=1.0, N=0, Dtilde=1.0)
    assert "finite" in str(info.value) and "N=0" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        corollary.evaluate(L=1.0, Delta=1.0, sigma=1.0, N=-4, Dtilde=1.0)
    assert "N=-4" in str(info.value)
    nonconvex = get_bound("gd.nonconvex.min-grad-norm")
    with pytest.raises(InvalidParameterError) as info:
        nonconvex.evaluate(L=math.inf, Delta=0.0, N=1)  # inf * 0
    assert "NaN" in str(info.value) and "L=inf" in str(info.value)


def test_evaluate_rejects_a_complex_value() -> None:
    # k is an integer symbol; a fractional k of a negative base has no real value
    bound = get_bound("gd.strongly-convex.distance")
    with pytest.raises(InvalidParameterError) as info:
        bound.evaluate(h=3.0, mu=1.0, L=1.0, k=0.5, R=1.0)
    assert "k=0.5" in str(info.value)


# -- Bound construction rules ------------------------------------------------------------
_X = sp.Symbol("x", positive=True)
_SOURCE = Source(authors="A. Author", title="T", venue="V", year=2000, locator="Thm 1")


def _bound(**changes: object) -> Bound:
    fields: dict[str, object] = dict(
        id="test.bound", family="test", title="t", quantity="q", quantity_description="q",
        quantity_latex="q", direction=Direction.UPPER, mode=Mode.DETERMINISTIC,
        expression=2 * _X, symbols={"x": "a number"}, assumptions=(), source=_SOURCE,
    )
    fields.update(changes)
    return Bound(**fields)  # type: ignore[arg-type]


def test_undeclared_symbol_is_rejected() -> None:
    assert _bound().evaluate(x=3.0) == 6.0
    with pytest.raises(InvalidParameterError) as info:
        _bound(symbols={})
    assert "['x']" in str(info.value) and "test.bound" in str(info.value)


def test_order_bound_needs_its_growth_variable() -> None:
    assert _bound(mode=Mode.ORDER, order_variable="x").latex().startswith(r"\mathbb{E}")
    with pytest.raises(InvalidParameterError) as info:
        _bound(mode=Mode.ORDER, order_variable="n")
    assert "order_variable='n'" in str(info.value)


def test_source_cite() -> None:
    assert _SOURCE.cite() == "A. Author (2000), T, V, Thm 1"
    derived = Source(authors="A", title="T", venue="V", year=2001, locator="L", derived=True)
    assert derived.cite().endswith("[constant derived here]")


# -- assumptions --------------------------------------------------------------------------
def test_assumption_on_relations() -> None:
    assert A_POP_4.symbol_names == frozenset({"N", "n"})
    assert A_POP_4.holds({"N": 36, "n": 8})
    assert not A_POP_4.holds({"N": 35, "n": 8})
    assert A_POP_4.holds({"N": 36, "n": 8, "unrelated": "ignored"})


def test_boolean_assumptions() -> None:
    assert A_CONVEX.holds({"convex": True})
    assert not A_CONVEX.holds({"convex": False})


def test_equality_assumptions_allow_rounding() -> None:
    assert A_STEP_1_OVER_L.holds({"h": 1 / 49, "L": 49.0})  # 1/49 * 49 != 1 in floats
    assert not A_STEP_1_OVER_L.holds({"h": (1 + 1e-6) / 49, "L": 49.0})
    assert sp.simplify(approx_eq(sp.Integer(1) + EQ_RTOL / 2, sp.Integer(1))) is sp.true


def test_missing_constant_names_the_assumption_and_the_symbol() -> None:
    with pytest.raises(InvalidParameterError) as info:
        A_POP_4.holds({"N": 36})
    message = str(info.value)
    assert "N>=4(n+1)" in message and "needs n" in message


UNDECIDABLE = [
    (A_POP_4, {"N": sp.Symbol("z"), "n": 3}, "z >= 16"),
    (A_POP_4, {"N": "abc", "n": 3}, "abc"),
    (A_POP_4, {"N": float("nan"), "n": 3}, "nan"),
    (A_CONVEX, {"convex": 1}, "1"),  # an int is not a truth value
]


@pytest.mark.parametrize(("assumption", "constants", "shown"), UNDECIDABLE,
                         ids=["symbol", "string", "nan", "int-for-bool"])
def test_undecidable_assumption_names_the_rule_and_value(
        assumption: Assumption, constants: dict[str, object], shown: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        assumption.holds(constants)
    message = str(info.value)
    assert assumption.name in message
    assert assumption.rule in message
    assert shown in message


def test_failed_and_required_assumptions() -> None:
    bound = get_bound("gd.convex.nesterov")
    good = {"L_smooth": True, "convex": True, "h": 0.5, "L": 2.0}
    assert bound.failed_assumptions(good) == []
    bound.require_assumptions(good)  # does not raise
    bad = {**good, "convex": False, "h": 0.4}
    assert [a.name for a in bound.failed_assumptions(bad)] == ["convex", "step-1/L"]
    with pytest.raises(InvalidParameterError) as info:
        bound.require_assumptions(bad)
    assert "convex=False" in str(info.value)
    assert "gd.convex.nesterov" in str(info.value)


def test_require_assumptions_names_rule_and_values() -> None:
    bound = get_bound("nsga2.oneminmax.survival")
    with pytest.raises(InvalidParameterError) as info:
        bound.require_assumptions({"N": 10, "n": 8})
    err = info.value
    assert err.rule == A_POP_4.rule
    assert err.given == "N=10, n=8"
    assert "N >= 4*n + 4" in str(err) and "N=10, n=8" in str(err)
    assert "N>=4(n+1)" in str(err)


def test_assumption_is_frozen() -> None:
    assumption = Assumption("x>0", "x is positive", _X > 0)
    with pytest.raises(AttributeError):
        assumption.name = "other"  # type: ignore[misc]


# -- locator provenance (issue 14, "Sources") ---------------------------------------------
_UNCHECKED_BOUNDS = [b for b in all_bounds() if not b.source.locator_checked]


def test_some_locators_are_still_unchecked() -> None:
    # the parametrised test below must not pass vacuously
    assert _UNCHECKED_BOUNDS


@pytest.mark.parametrize("bound", _UNCHECKED_BOUNDS, ids=lambda b: b.id)
def test_unchecked_locator_note_says_what_was_tried(bound: Bound) -> None:
    note = bound.source.note
    assert note.strip(), f"{bound.id}: an unchecked locator needs a note"
    assert "tried" in note.lower(), f"{bound.id}: the note must say what was tried"
    assert "not read" in note or "not found" in note or "not verified" in note, (
        f"{bound.id}: the note must say what is missing"
    )


@pytest.mark.parametrize("bound", all_bounds(), ids=lambda b: b.id)
def test_rests_on_names_other_catalogue_bounds(bound: Bound) -> None:
    ids = {b.id for b in all_bounds()}
    assert set(bound.source.rests_on) <= ids
    assert bound.id not in bound.source.rests_on
    assert bound.to_dict()["source"]["rests_on"] == list(bound.source.rests_on)


def test_unchecked_basis_of_a_derived_bound_follows_what_it_rests_on() -> None:
    derived = get_bound("nsga2-extra.oneminmax.runtime-explicit")
    assert derived.source.derived and derived.source.locator_checked
    basis = registry.unchecked_basis(derived)
    assert derived.id not in basis
    assert "nsga2.oneminmax.survival" in basis  # via nsga2-extra.oneminmax.survival
    assert len(basis) == len(set(basis))
    for bound_id in basis:
        assert not get_bound(bound_id).source.locator_checked


def test_unchecked_basis_on_constructed_bounds() -> None:
    checked = _bound()
    assert registry.unchecked_basis(checked) == []
    unchecked = _bound(source=Source(authors="A", title="T", venue="V", year=2001,
                                     locator="L", locator_checked=False, note="tried: x"))
    assert registry.unchecked_basis(unchecked) == ["test.bound"]
    derived = _bound(source=Source(authors="A", title="T", venue="V", year=2001, locator="L",
                                   derived=True,
                                   rests_on=("gd.convex.nesterov", "nsga2.oneminmax.survival")))
    assert registry.unchecked_basis(derived) == ["nsga2.oneminmax.survival"]
    both = _bound(source=Source(authors="A", title="T", venue="V", year=2001, locator="L",
                                derived=True, locator_checked=False, note="tried: x",
                                rests_on=("bilevel.darts.first-order-error",)))
    assert registry.unchecked_basis(both) == ["test.bound", "bilevel.hypergradient.ift-identity"]


def test_unchecked_basis_of_a_fully_checked_bound_is_empty() -> None:
    assert registry.unchecked_basis(get_bound("gd.convex.drori-teboulle")) == []
    assert registry.unchecked_basis(get_bound("progressive.hyperband.iteration-budget")) == []


def test_bounds_show_and_list_print_the_unchecked_mark(capsys: pytest.CaptureFixture[str]) -> None:
    from paper.cli import main

    assert main(["bounds", "show", "nsga2-extra.oneminmax.survival"]) == 0
    out = capsys.readouterr().out
    assert "locator unchecked: nsga2.oneminmax.survival" in out
    assert main(["bounds", "show", "progressive.sh.round-pulls"]) == 0
    out = capsys.readouterr().out
    assert "locator unchecked: progressive.sh.round-pulls" in out
    source_line = next(line for line in out.splitlines() if line.lstrip().startswith("source"))
    assert "Karnin" in source_line and "Jamieson" not in source_line
    assert main(["bounds", "show", "gd.convex.drori-teboulle"]) == 0
    assert "locator unchecked" not in capsys.readouterr().out
    assert main(["bounds", "show", "nsga2-extra.oneminmax.survival", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchecked_basis"] == [
        "nsga2.oneminmax.survival"]
    assert main(["bounds", "list", "--family", "nsga2-extra"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["nsga2-extra.oneminmax.survival"].endswith("[rests on unchecked locator]")
    assert "unchecked" not in lines["nsga2-extra.evaluations.count"]
