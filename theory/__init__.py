"""theory: the formulation and the catalogue of convergence and complexity bounds.

Pure mathematics (sympy and numpy); imports no other layer of nasbound.
"""

from theory.bound import Assumption, Bound, Direction, Mode, Source
from theory.errors import InvalidParameterError, NasboundError, UnknownNameError
from theory.registry import all_bounds, get_bound, select_bounds

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
