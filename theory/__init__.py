"""theory: the formulation and the catalogue of convergence and complexity bounds.

Pure mathematics (sympy and numpy); imports no other layer of nasbound. The names below
are loaded on first use, so that importing ``theory.errors`` (which every layer does)
does not import sympy and the whole catalogue.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from theory.errors import InvalidParameterError, NasboundError, UnknownNameError

__all__ = [
    "Assumption",
    "Bound",
    "Direction",
    "InvalidParameterError",
    "Mode",
    "NasboundError",
    "Source",
    "UnknownNameError",
    "all_bounds",
    "get_bound",
    "select_bounds",
]

_LAZY = {
    "Assumption": "theory.bound",
    "Bound": "theory.bound",
    "Direction": "theory.bound",
    "Mode": "theory.bound",
    "Source": "theory.bound",
    "all_bounds": "theory.registry",
    "get_bound": "theory.registry",
    "select_bounds": "theory.registry",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'theory' has no attribute {name!r}")
