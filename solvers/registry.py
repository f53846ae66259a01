"""Solver and problem registries, and building either from names and parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from solvers.algorithms.base import Solver
from solvers.algorithms.gradient import SGD, GradientDescent
from solvers.algorithms.nsga2 import NSGA2
from solvers.config import config_from_mapping
from solvers.problems import PROBLEMS, Problem
from theory.errors import UnknownNameError

__all__ = ["PROBLEMS", "SOLVERS", "make_problem", "make_solver"]

SOLVERS: dict[str, type[Solver]] = {cls.name: cls for cls in (GradientDescent, SGD, NSGA2)}


def make_problem(name: str, params: Mapping[str, Any] | None = None) -> Problem:
    if name not in PROBLEMS:
        raise UnknownNameError("problem", name, list(PROBLEMS))
    cls = PROBLEMS[name]
    return cls(config_from_mapping(cls.Config, params or {}, f"problem {name!r}"))


def make_solver(name: str, params: Mapping[str, Any] | None = None) -> Solver:
    if name not in SOLVERS:
        raise UnknownNameError("solver", name, list(SOLVERS))
    cls = SOLVERS[name]
    return cls(config_from_mapping(cls.Config, params or {}, f"solver {name!r}"))
