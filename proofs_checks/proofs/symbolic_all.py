"""Every symbolic proof check of the catalogue, gathered from the family modules.

``proofs_checks.proofs.symbolic`` holds the gradient, NSGA-II and counting proofs of the spine;
each later family keeps its own module (``symbolic_bilevel``, ``symbolic_emo``,
``symbolic_nsga2_extra``, ``symbolic_hybrid``, ``symbolic_counting``). ``all_symbolic_checks``
runs them all; the conformance test asserts that every bound whose constant is derived here
is covered, that every result says its kind (``"proof"``: explicit chains of certified
steps, or ``"consistency check"``: a formula re-evaluated) and that every proof is a chain
of at least two verified steps.
"""

from __future__ import annotations

from importlib import import_module

from proofs_checks.proofs.symbolic import SymbolicCheck

__all__ = ["SYMBOLIC_MODULES", "all_symbolic_checks"]

SYMBOLIC_MODULES = ("proofs_checks.proofs.symbolic", "proofs_checks.proofs.symbolic_bilevel",
                    "proofs_checks.proofs.symbolic_emo",
                    "proofs_checks.proofs.symbolic_nsga2_extra",
                    "proofs_checks.proofs.symbolic_hybrid",
                    "proofs_checks.proofs.symbolic_counting", "proofs_checks.proofs.symbolic_eda")


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    """Run every module's checks, in module order."""
    results: list[SymbolicCheck] = []
    for name in SYMBOLIC_MODULES:
        module = import_module(name)
        results.extend(module.all_symbolic_checks())
    return tuple(results)
