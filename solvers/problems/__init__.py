"""Problems with their ground truth; ``PROBLEMS`` maps each registered name to its class."""

from __future__ import annotations

from solvers.problems.base import BinaryProblem, Problem, RealProblem, SmoothProblem
from solvers.problems.bilevel import BilevelQuadratic, BilevelSoftplus
from solvers.problems.binary import LOTZ, OneMinMax
from solvers.problems.dtlz import DTLZ2
from solvers.problems.jump import OneJumpZeroJump
from solvers.problems.many_objective import ManyOneMinMax
from solvers.problems.nb201 import NB201Problem
from solvers.problems.pseudo_boolean import Jump, OneMax
from solvers.problems.sequence_supernet import (
    SentimentSupernetProblem,
    SeriesSupernetProblem,
)
from solvers.problems.smooth import (
    DroriTeboulleHuber,
    IndefiniteQuadratic,
    Logistic,
    Quadratic,
    RotatedCauchy,
)
from solvers.problems.supernet import SupernetProblem
from solvers.problems.zdt import ZDT1, ZDT2, ZDT3

PROBLEMS: dict[str, type[Problem]] = {
    cls.name: cls
    for cls in (OneMinMax, LOTZ, ZDT1, ZDT2, ZDT3, DTLZ2, Quadratic, IndefiniteQuadratic,
                RotatedCauchy, Logistic, DroriTeboulleHuber, OneJumpZeroJump,
                BilevelQuadratic, BilevelSoftplus, NB201Problem, SupernetProblem,
                ManyOneMinMax, OneMax, Jump, SentimentSupernetProblem,
                SeriesSupernetProblem)
}

__all__ = ["PROBLEMS", "BinaryProblem", "Problem", "RealProblem", "SmoothProblem"]
