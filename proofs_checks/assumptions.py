"""The dropped-assumption table: for every assumption of every bound, is it needed?

Built from the check results of sabotaged settings of kind "assumption-dropped" (expected
violations and probes alike): an assumption is *needed* when dropping it, and nothing else,
produced a counterexample (the instance is in the check's evidence; the setting's failed
assumptions are exactly that one: :attr:`~proofs_checks.check.CheckResult.only_dropped_fails`),
*confounded* when the only counterexamples came from settings that also break another
assumption or condition (they show that the assumptions together are needed, not that one),
*not shown needed* when the search found none in the instances it tried, and *not tested*
when no setting drops it (with the reason: a symbolic-only bound, or no instance family that
breaks it yet).

Some assumptions are domain-of-definition conditions (N >= 1, 0 < delta < 1, a finite
f(x_1) - f*): without them the bound's expression may not be a number. For those,
``DOMAIN_PROBES`` lists violating points, and the table *evaluates the bound's expression*
there: if it raises, or gives nan, an infinity or a complex value at some violating point,
the assumption is *needed for the statement to be defined* (dropping it admits instances
where the bound says nothing), with every point's outcome as the evidence. Where the
expression is finite at every violating point tried, the evaluation is added to the
evidence and the status comes from the empirical settings as above.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import sympy as sp

from proofs_checks.check import CheckResult, Outcome
from theory.bound import Bound
from theory.errors import InvalidParameterError
from theory.registry import all_bounds, get_bound

__all__ = ["CONFOUNDED", "DOMAIN_PROBES", "AssumptionFinding", "DomainPoint", "DomainProbe",
           "dropped_assumption_table", "evaluate_domain_probe"]

NEEDED = "needed"
NOT_SHOWN = "not shown needed"
NOT_TESTED = "not tested"
NEEDED_DEFINED = "needed for the statement to be defined"
CONFOUNDED = "confounded"
STATUSES = (NEEDED, NEEDED_DEFINED, CONFOUNDED, NOT_SHOWN, NOT_TESTED)


@dataclass(frozen=True)
class AssumptionFinding:
    bound_id: str
    assumption: str
    rule: str
    status: str
    setting: str
    instances: int
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- domain-of-definition probes ---------------------------------------------------------------

Derive = Callable[[dict[str, float]], dict[str, float]]


@dataclass(frozen=True)
class DomainPoint:
    """Constants that violate one assumption (every other assumption holding where it can).

    ``derive`` computes the constants that are functions of the given ones (s_max =
    floor(log_eta R), L = ceil(log2 n)); an exception there means the statement's own
    definitions are not defined at the point.
    """

    label: str
    constants: Mapping[str, float]
    derive: Derive | None = None


@dataclass(frozen=True)
class DomainProbe:
    bound_id: str
    assumption: str
    points: tuple[DomainPoint, ...]


@dataclass(frozen=True)
class PointOutcome:
    label: str
    defined: bool
    outcome: str


@dataclass(frozen=True)
class DomainOutcome:
    probe: DomainProbe
    points: tuple[PointOutcome, ...] = field(default_factory=tuple)

    @property
    def undefined(self) -> bool:
        return any(not p.defined for p in self.points)

    @property
    def evidence(self) -> str:
        return "; ".join(f"{p.label}: {p.outcome}" for p in self.points)


def _evaluate_point(bound: Bound, point: DomainPoint) -> PointOutcome:
    try:
        constants = dict(point.constants)
        if point.derive is not None:
            constants |= point.derive(constants)
        value = bound.evaluate(**constants)
    except (InvalidParameterError, ArithmeticError, ValueError, TypeError) as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        return PointOutcome(point.label, False,
                            f"undefined ({type(cause).__name__}: {cause})"[:120])
    if isinstance(value, complex) or not math.isfinite(value):
        return PointOutcome(point.label, False, f"undefined (value {value})")
    return PointOutcome(point.label, True, f"defined, value {value:.4g}")


def _violates(bound: Bound, predicate: Any, names: frozenset[str], point: DomainPoint) -> bool:
    """The point breaks the predicate, or the sign a symbol of it is declared with
    (``delta`` is declared positive, so 0 < delta is part of the rule "0<delta<1")."""
    constants = dict(point.constants)
    if predicate is sp.true:  # the rule is carried by the declaration (N positive integer)
        return True
    symbols = {str(s): s for s in (*bound.free_symbols, *predicate.free_symbols)}
    for name in names & set(constants):
        symbol, value = symbols[name], constants[name]
        if (symbol.is_positive and not value > 0) or (symbol.is_nonnegative
                                                      and not value >= 0):
            return True
    if not names <= set(constants):
        return True  # a structural property (f* finite, D finite) given by its consequence
    value = predicate.subs({symbols[n]: constants[n] for n in names})
    return value is not sp.true


def evaluate_domain_probe(probe: DomainProbe) -> DomainOutcome:
    """Evaluate the bound's expression at each violating point of ``probe``."""
    bound = get_bound(probe.bound_id)
    names = {a.name for a in bound.assumptions}
    if probe.assumption not in names:
        raise InvalidParameterError(f"assumption of {probe.bound_id} in {sorted(names)}",
                                    probe.assumption)
    assumption = next(a for a in bound.assumptions if a.name == probe.assumption)
    for point in probe.points:  # each point must break the assumption it probes
        if not _violates(bound, assumption.predicate, assumption.symbol_names, point):
            raise InvalidParameterError(f"point {point.label!r} violates {assumption.rule} "
                                        "or the sign its symbols are declared with",
                                        str(dict(point.constants)))
    return DomainOutcome(probe, tuple(_evaluate_point(bound, p) for p in probe.points))


def _ceil_log2(constants: dict[str, float]) -> dict[str, float]:
    n = int(constants["n"])
    if n < 1:
        raise ValueError(f"ceil(log2 n) needs n >= 1, got n={n}")
    return {"L": float((n - 1).bit_length())}


def _round_share(constants: dict[str, float]) -> dict[str, float]:
    """The round budget B/ceil(log2 n) the statement's algorithm spends (no symbol of the
    bound, but its definition: an error here means Sequential Halving is not defined)."""
    rounds = _ceil_log2(constants)["L"]
    if rounds == 0:
        raise ZeroDivisionError(f"round budget B/ceil(log2 n) = {constants['B']:g}/0")
    return {}


def _s_max(constants: dict[str, float]) -> dict[str, float]:
    """s_max = floor(log_eta R) (a float log is exact enough at these points)."""
    return {"s_max": float(math.floor(math.log(constants["R"]) / math.log(constants["eta"])))}


_SGD_THM = {"L": 1.0, "Delta": 1.0, "sigma": 1.0, "S_1": 5.0, "S_2": 2.5, "gamma_max": 0.5}
_SGD_COR = {"L": 1.0, "Delta": 1.0, "sigma": 1.0, "N": 100.0, "Dtilde": 1.0}
_UCB1 = {"T": 10.0, "D_size": 40.0, "delta": 0.1, "sigma": 0.1, "gamma_T": 5.0}
_UCB3 = {"T": 10.0, "delta": 0.1, "sigma": 0.1, "B": 1.0, "gamma_T": 5.0}

#: the domain-of-definition conditions, each with the violating points where the bound's
#: expression is evaluated (a constant step gamma = 2/L over N = 10 steps: S_1 = 20/L,
#: S_2 = 40/L^2; gamma = 3/L: S_1 = 30, S_2 = 90)
DOMAIN_PROBES: tuple[DomainProbe, ...] = (
    DomainProbe("sgd.nonconvex.ghadimi-lan-thm2.1", "bounded-below", (
        DomainPoint("f* = -inf (Delta = inf)", _SGD_THM | {"Delta": math.inf}),)),
    DomainProbe("sgd.nonconvex.ghadimi-lan-thm2.1", "steps<2/L", (
        DomainPoint("gamma = 2/L, N = 10", _SGD_THM | {"S_1": 20.0, "S_2": 40.0,
                                                         "gamma_max": 2.0}),
        DomainPoint("gamma = 3/L, N = 10", _SGD_THM | {"S_1": 30.0, "S_2": 90.0,
                                                         "gamma_max": 3.0}))),
    DomainProbe("sgd.nonconvex.ghadimi-lan-cor2.2", "bounded-below", (
        DomainPoint("f* = -inf (Delta = inf)", _SGD_COR | {"Delta": math.inf}),)),
    DomainProbe("sgd.nonconvex.ghadimi-lan-cor2.2", "N>=1", (
        DomainPoint("N = 0", _SGD_COR | {"N": 0.0}),)),
    DomainProbe("sgd.nonconvex.ghadimi-lan-cor2.2", "sigma>0", (
        DomainPoint("sigma = 0", _SGD_COR | {"sigma": 0.0}),)),
    DomainProbe("bayesopt.gp-ucb.finite-regret", "0<delta<1", (
        DomainPoint("delta = 0", _UCB1 | {"delta": 0.0}),
        DomainPoint("delta = 1", _UCB1 | {"delta": 1.0}),
        DomainPoint("delta = 1e4", _UCB1 | {"delta": 1e4}))),
    DomainProbe("bayesopt.gp-ucb.finite-regret", "finite-D", (
        DomainPoint("|D| = inf", _UCB1 | {"D_size": math.inf}),)),
    DomainProbe("bayesopt.gp-ucb.rkhs-regret", "0<delta<1", (
        DomainPoint("delta = 0", _UCB3 | {"delta": 0.0}),
        DomainPoint("delta = 1", _UCB3 | {"delta": 1.0}),
        DomainPoint("delta = 1e4", _UCB3 | {"delta": 1e4}))),
    DomainProbe("progressive.sh.round-pulls", "n>=2", (
        DomainPoint("n = 1, B = 100, k = 0", {"n": 1.0, "B": 100.0, "k": 0.0},
                    _ceil_log2),)),
    DomainProbe("progressive.sh.total-budget", "n>=2", (
        DomainPoint("n = 1, B = 100", {"n": 1.0, "B": 100.0}, _round_share),)),
    DomainProbe("progressive.hyperband.rung-sizes", "R>=1", (
        DomainPoint("R = 0, eta = 3, s = i = 0", {"R": 0.0, "eta": 3.0, "s": 0.0, "i": 0.0},
                    _s_max),
        DomainPoint("R = 1/2, eta = 3, s = i = 0", {"R": 0.5, "eta": 3.0, "s": 0.0,
                                                     "i": 0.0}, _s_max))),
    DomainProbe("progressive.hyperband.iteration-budget", "R>=1", (
        DomainPoint("R = 0, eta = 3", {"R": 0.0, "eta": 3.0}, _s_max),
        DomainPoint("R = 1/2, eta = 3", {"R": 0.5, "eta": 3.0}, _s_max))),
    DomainProbe("nds.deb2002.pair-comparisons", "N>=1", (
        DomainPoint("N = 0", {"N": 0.0, "M": 2.0}),)),
    DomainProbe("nds.deb2002.pair-comparisons", "M>=1", (
        DomainPoint("M = 0", {"N": 10.0, "M": 0.0}),)),
)


# -- the table ------------------------------------------------------------------------------------

def _evidence(result: CheckResult) -> str:
    if result.outcome is Outcome.VIOLATION and result.counterexample is not None:
        shown = {k: v for k, v in result.counterexample.items()
                 if not isinstance(v, list | dict)}
        return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in list(shown.items())[:8])
    return f"no counterexample in {result.instances} instances ({result.evidence})"


def dropped_assumption_table(results: Sequence[CheckResult],
                             symbolic_only: dict[str, str] | None = None,
                             domain_probes: Sequence[DomainProbe] = DOMAIN_PROBES
                             ) -> list[AssumptionFinding]:
    """One finding per (bound, assumption) of the registry, in catalogue order."""
    symbolic_only = symbolic_only or {}
    dropped: dict[tuple[str, str], list[CheckResult]] = {}
    for result in results:
        if result.setting_kind == "assumption-dropped" and result.dropped_assumption:
            dropped.setdefault((result.bound_id, result.dropped_assumption), []).append(result)
    domain = {(p.bound_id, p.assumption): evaluate_domain_probe(p) for p in domain_probes}
    findings = []
    for bound in all_bounds():
        for assumption in bound.assumptions:
            key = (bound.id, assumption.name)
            found = dropped.get(key, [])
            evaluated = domain.get(key)
            if evaluated is not None and evaluated.undefined:
                findings.append(AssumptionFinding(
                    bound.id, assumption.name, assumption.rule, NEEDED_DEFINED,
                    "bound evaluated at violating points", len(evaluated.points),
                    evaluated.evidence))
                continue
            suffix = "" if evaluated is None else \
                f"; bound evaluated where it fails: {evaluated.evidence}"
            if not found:
                reason = (f"symbolic-only bound: {symbolic_only[bound.id]}"
                          if bound.id in symbolic_only else
                          "no sabotaged setting drops it yet")
                findings.append(AssumptionFinding(bound.id, assumption.name, assumption.rule,
                                                  NOT_TESTED, "", 0, reason + suffix))
                continue
            violating = [r for r in found if r.outcome is Outcome.VIOLATION]
            clean = [r for r in violating if r.only_dropped_fails]
            if clean:
                status, chosen, note = NEEDED, clean[0], ""
            elif violating:
                status, chosen = CONFOUNDED, violating[0]
                also = chosen.confounded_by or ["(failed assumptions not recorded)"]
                note = f"; the setting also breaks {', '.join(also)}"
            else:
                status, chosen, note = NOT_SHOWN, found[0], ""
            findings.append(AssumptionFinding(
                bound.id, assumption.name, assumption.rule, status, chosen.setting,
                sum(r.instances for r in found), _evidence(chosen) + note + suffix))
    return findings
