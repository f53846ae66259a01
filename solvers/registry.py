"""Solver and problem registries, and building either from names and parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from solvers.algorithms.base import Solver
from solvers.algorithms.bilevel import HypergradientDescent
from solvers.algorithms.cga import CGA
from solvers.algorithms.darts_solver import Darts
from solvers.algorithms.gradient import SGD, GradientDescent
from solvers.algorithms.hybrid import Hybrid
from solvers.algorithms.nas_baselines import NAS_BASELINES
from solvers.algorithms.nsga2 import NSGA2
from solvers.algorithms.qea import QEA, QEACells
from solvers.algorithms.semo import GSEMO, SEMO
from solvers.algorithms.train_from_scratch import TrainFromScratch
from solvers.config import config_from_mapping
from solvers.problems import PROBLEMS, Problem
from theory.errors import UnknownNameError

__all__ = ["PROBLEMS", "SOLVERS", "make_problem", "make_solver"]

_SOLVER_CLASSES: tuple[type[Solver[Any]], ...] = (
    GradientDescent, SGD, NSGA2, SEMO, GSEMO, HypergradientDescent, *NAS_BASELINES, Hybrid,
    Darts, TrainFromScratch, CGA, QEA, QEACells)
SOLVERS: dict[str, type[Solver[Any]]] = {cls.name: cls for cls in _SOLVER_CLASSES}


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
