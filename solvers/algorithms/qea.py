"""The quantum-inspired evolutionary algorithm (QEA) of Han & Kim, and its multi-objective
form over architecture cells.

Source: K.-H. Han and J.-H. Kim, "Quantum-inspired evolutionary algorithm for a class of
combinatorial optimization problems", IEEE Transactions on Evolutionary Computation 6(6):
580-593, 2002 (Section III: representation, observation, Q-gate, migration; Table I: the
lookup table of the rotation angle). Nothing here runs on, or simulates, a quantum computer.

**Representation.** A Q-bit individual is m Q-bits; Q-bit i is an amplitude pair (alpha_i,
beta_i) with alpha_i^2 + beta_i^2 = 1, stored as its angle: alpha_i = cos(theta_i), beta_i =
sin(theta_i). Every angle in Table I is a multiple of 0.005 pi, so theta_i is kept as an
integer number of units of pi/200 and the cases alpha_i = 0, beta_i = 0 of the sign rule are
decided exactly (a float rotation never lands on 0). All Q-bits start at theta = pi/4
(alpha = beta = 1/sqrt 2).

**Observation.** x_i = 1 with probability |beta_i|^2 (Han & Kim: "if random[0,1) <
|beta_i|^2 then x_i = 1"; the complement event has probability |alpha_i|^2).

**Q-gate.** The rotation [alpha'; beta'] = [[cos d, -sin d], [sin d, cos d]] [alpha; beta],
i.e. theta' = theta + d, with d = s(alpha_i beta_i) * Delta theta_i read from
:data:`HAN_KIM_TABLE` by (x_i, b_i, f(x) >= f(b)): x the observed string of the individual,
b its stored best (its entry of B(t)). The sign column "±1" (one pole reached, the other
wanted) is a fair coin from the run's generator. The table is encoded from Table I of the
paper as transcribed by this project (see ``HAN_KIM_TABLE_SOURCE``: it could not be read
against the published table here); ``tests/test_qea.py`` checks the encoding row by row and
``proofs_checks.proofs.symbolic_eda`` proves that every non-zero row turns |beta_i|^2 the
way its (x_i, b_i, f(x) >= f(b)) case asks.

**Procedure** (Han & Kim, Fig. 2): t = 0: initialise Q(0); observe P(0); evaluate; B(0) =
P(0); b = best of B(0). Each generation t >= 1: observe P(t) from Q(t-1); evaluate; rotate
every q_j by the table against b_j in B(t-1); B(t) = the better of b_j and x_j for each j; b =
best of B(t); *local migration* every ``local_period`` generations (in each group of
``local_group`` consecutive individuals the group's best b_j is copied to the whole
group) and *global migration* every ``global_period`` generations (b copied to every entry
of B(t)). Defaults: 10 individuals, groups of 5, local migration every generation, global
migration every 100 generations (Han & Kim, Section V, as transcribed here; see the source
note).

**Instrumentation** (``qea``): one trace row per generation: best fitness, evaluations (one
per observed string, the population per generation), mean |alpha_i|^2 and mean
| |alpha_i|^2 - 1/2 | over every Q-bit (0 at the start, 1/2 when every Q-bit is collapsed),
and the share of collapsed Q-bits (|alpha_i|^2 in {0, 1}).

**Multi-objective form** (``qea-cells``, any architecture problem): each edge's operation
is a register of w = ceil(log2(ops)) Q-bits (3 for NAS-Bench-201's 5 operations), read as
a binary number (least significant Q-bit first). A register observed as a code >= ops is
observed again (rejection sampling, at most ``redraws`` times), then repaired by clearing its
top bit. Rejection keeps the sampled operation distributed as the register's product
distribution *conditioned* on a valid code (uniform over the 5 operations at the start,
where a modulo rule would give 0, 1, 2 twice the weight of 3, 4); the repair only triggers
on a register whose mass has moved onto invalid codes. One-hot registers (5 Q-bits per
edge) were not chosen: most of their observations are not one-hot and need a repair rule
that biases the search more than rejection does. The scalar comparison f(x) >= f(b)
becomes *x weakly dominates b* (all objectives minimised, x <= b everywhere); B(t) keeps x_j
when it weakly dominates b_j; an attractor b_j that is no longer in the non-dominated archive
of queried cells is replaced by an archive member drawn uniformly (every generation: the
local step), and every ``global_period`` generations every b_j is redrawn from the archive
(the global migration). The archive of all queried cells is the output front (the query
ledger's summary). Queries go through :class:`solvers.algorithms.nas_baselines.QueryLedger`
(a repeated cell is free); the search stops at the budget or after ``STALL_FACTOR``
generations without a new query. The trace is the ledger's one row per query plus the
columns ``generation``, ``mean_abs_p_minus_half`` and ``archive_size``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.algorithms.base import Solver
from solvers.algorithms.nas_baselines import STALL_FACTOR, QueryLedger
from solvers.config import Config, Rule
from solvers.problems.architecture import ArchitectureProblem, Cell
from solvers.problems.base import Problem
from solvers.problems.pseudo_boolean import PseudoBooleanProblem
from solvers.trace import TraceRecorder

__all__ = ["ANGLE_UNIT", "HAN_KIM_TABLE", "HAN_KIM_TABLE_SOURCE", "PLUS_MINUS", "QEA",
           "QEACells", "QEACellsConfig", "QEAConfig", "observe", "rotate",
           "sign_case"]

#: the angle unit: every Delta theta of Table I is an integer multiple of 0.005 pi
ANGLE_UNIT = math.pi / 200
#: theta = pi/4 (alpha = beta = 1/sqrt 2) in units of ANGLE_UNIT
_START = 50
#: a half turn in units (sin^2 and cos^2 have period pi)
_HALF_TURN = 200
#: the sign entry "±1" of Table I: either direction, chosen by a fair coin
PLUS_MINUS = 2

#: Han & Kim (2002), Table I: (x_i, b_i, f(x) >= f(b)) -> (Delta theta_i in units of
#: pi/200, signs s(alpha_i beta_i) in the columns alpha_i beta_i > 0, alpha_i beta_i < 0,
#: alpha_i = 0, beta_i = 0). 0.05 pi = 10, 0.01 pi = 2, 0.025 pi = 5, 0.005 pi = 1 units.
HAN_KIM_TABLE: dict[tuple[int, int, bool], tuple[int, tuple[int, int, int, int]]] = {
    (0, 0, False): (0, (0, 0, 0, 0)),
    (0, 0, True): (0, (0, 0, 0, 0)),
    (0, 1, False): (0, (0, 0, 0, 0)),
    (0, 1, True): (10, (-1, +1, PLUS_MINUS, 0)),
    (1, 0, False): (2, (-1, +1, PLUS_MINUS, 0)),
    (1, 0, True): (5, (+1, -1, 0, PLUS_MINUS)),
    (1, 1, False): (1, (+1, -1, 0, PLUS_MINUS)),
    (1, 1, True): (5, (+1, -1, 0, PLUS_MINUS)),
}
HAN_KIM_TABLE_SOURCE = (
    "K.-H. Han and J.-H. Kim, IEEE TEVC 6(6):580-593, 2002, Table I (the lookup table of "
    "Delta theta_i with the sign s(alpha_i beta_i)), the values used in the paper's knapsack "
    "experiments: 0, 0, 0, 0.05 pi, 0.01 pi, 0.025 pi, 0.005 pi, 0.025 pi. Transcribed from "
    "the paper as known to this project; the stored pages and public code searched "
    "(2026) hold the algorithm's pseudocode and re-implementations (e.g. the R package QGA "
    "after Lahoz-Beltra, whose table differs in its 'true' rows) but not the table itself, "
    "so the values were not read against the published table here")

# the table as arrays, indexed by row = 4 x_i + 2 b_i + [f(x) >= f(b)] and sign case
_DELTA = np.zeros(8, dtype=np.int64)
_SIGNS = np.zeros((8, 4), dtype=np.int64)
for (_x, _b, _better), (_d, _s) in HAN_KIM_TABLE.items():
    _DELTA[4 * _x + 2 * _b + int(_better)] = _d
    _SIGNS[4 * _x + 2 * _b + int(_better)] = _s


def sign_case(theta: NDArray[np.int64]) -> NDArray[np.int64]:
    """The sign column of each angle (units of pi/200): 0 for alpha beta > 0, 1 for alpha
    beta < 0, 2 for alpha = 0, 3 for beta = 0 (exact, on the integer angle)."""
    phase = np.mod(theta, _HALF_TURN)
    case: NDArray[np.int64] = np.where(phase == 0, 3, np.where(phase == 100, 2,
                                                               np.where(phase < 100, 0, 1)))
    return case


def rotate(theta: NDArray[np.int64], x: NDArray[np.bool_], b: NDArray[np.bool_],
           better: NDArray[np.bool_] | bool, rng: np.random.Generator) -> NDArray[np.int64]:
    """The Q-gate of Table I applied to every Q-bit: theta + s(alpha beta) Delta theta.

    ``theta``, ``x``, ``b`` have one entry per Q-bit (any shape); ``better`` is f(x) >= f(b)
    (a scalar or broadcastable). The "±1" entries draw a fair coin from ``rng``, one draw
    per Q-bit (drawn for every Q-bit, so the stream does not depend on how many need it).
    """
    rows = 4 * x.astype(np.int64) + 2 * b.astype(np.int64) + np.asarray(better, dtype=np.int64)
    signs = _SIGNS[rows, sign_case(theta)]
    coins = np.where(rng.random(theta.shape) < 0.5, 1, -1)
    signs = np.where(signs == PLUS_MINUS, coins, signs)
    rotated: NDArray[np.int64] = theta + signs * _DELTA[rows]
    return rotated


def probability_one(theta: NDArray[np.int64]) -> NDArray[np.float64]:
    """|beta|^2 = sin^2(theta) of each Q-bit, exact at the poles."""
    phase = np.mod(theta, _HALF_TURN)
    value: NDArray[np.float64] = np.where(phase == 0, 0.0, np.where(
        phase == 100, 1.0, np.sin(theta * ANGLE_UNIT) ** 2))
    return value


def observe(theta: NDArray[np.int64], rng: np.random.Generator) -> NDArray[np.bool_]:
    """One observation of every Q-bit: 1 with probability |beta|^2."""
    bits: NDArray[np.bool_] = rng.random(theta.shape) < probability_one(theta)
    return bits


def collapse_statistics(theta: NDArray[np.int64]) -> dict[str, float]:
    """Mean |alpha|^2, mean | |alpha|^2 - 1/2 | and the share of collapsed Q-bits."""
    p_zero = 1.0 - probability_one(theta)
    return {"mean_alpha_sq": float(p_zero.mean()),
            "mean_abs_p_minus_half": float(np.abs(p_zero - 0.5).mean()),
            "collapsed_share": float(np.mean((p_zero == 0.0) | (p_zero == 1.0)))}


def _migration_rules() -> tuple[Rule, ...]:
    return (
        Rule("pop >= 1", ("pop",), lambda c: c.pop >= 1),
        Rule("global_period >= 1", ("global_period",), lambda c: c.global_period >= 1),
    )


@dataclass(frozen=True)
class QEAConfig(Config):
    pop: int = field(default=10, metadata={"help": "number of Q-bit individuals"})
    local_group: int = field(default=5, metadata={
        "help": "individuals per local-migration group"})
    local_period: int = field(default=1, metadata={
        "help": "generations between local migrations"})
    global_period: int = field(default=100, metadata={
        "help": "generations between global migrations"})
    max_evaluations: int = field(default=200_000, metadata={"help": "evaluation cap"})
    stop_when_optimal: bool = field(default=True, metadata={
        "help": "stop once an observed string is optimal"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *_migration_rules(),
        Rule("1 <= local_group <= pop", ("local_group", "pop"),
             lambda c: 1 <= c.local_group <= c.pop),
        Rule("local_period >= 1", ("local_period",), lambda c: c.local_period >= 1),
        Rule("max_evaluations >= pop", ("max_evaluations", "pop"),
             lambda c: c.max_evaluations >= c.pop),
    )


class QEA(Solver[QEAConfig]):
    """Han & Kim's QEA on a pseudo-Boolean function (module docstring)."""

    name = "qea"
    Config = QEAConfig
    problem_kinds = ("pseudo-boolean",)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, PseudoBooleanProblem)
        cfg = self.config
        n, pop = problem.n, cfg.pop
        theta = np.full((pop, n), _START, dtype=np.int64)
        x = observe(theta, rng)
        fx = problem.evaluate(x)
        stored, f_stored = x.copy(), fx.copy()  # B(0) = P(0)
        evaluations = pop
        generation = 0
        best = int(f_stored.max())
        found_at: int | None = evaluations if best == problem.optimum_value else None
        found_generation: int | None = 0 if found_at is not None else None
        groups = [np.arange(start, min(start + cfg.local_group, pop))
                  for start in range(0, pop, cfg.local_group)]

        def row() -> None:
            recorder.record(generation, evaluations, best_fitness=float(best),
                            mean_fitness=float(fx.mean()), **collapse_statistics(theta))

        row()
        while evaluations + pop <= cfg.max_evaluations and not (
                found_at is not None and cfg.stop_when_optimal):
            generation += 1
            x = observe(theta, rng)
            fx = problem.evaluate(x)
            evaluations += pop
            theta = rotate(theta, x, stored, (fx >= f_stored)[:, None], rng)
            improved = fx > f_stored
            stored[improved], f_stored[improved] = x[improved], fx[improved]
            if generation % cfg.local_period == 0:
                for group in groups:
                    lead = group[int(np.argmax(f_stored[group]))]
                    stored[group], f_stored[group] = stored[lead], f_stored[lead]
            if generation % cfg.global_period == 0:
                lead = int(np.argmax(f_stored))
                stored[:], f_stored[:] = stored[lead], f_stored[lead]
            best = max(best, int(fx.max()))
            if found_at is None and best == problem.optimum_value:
                hit = int(np.flatnonzero(fx == problem.optimum_value)[0])
                found_at = evaluations - pop + hit + 1
                found_generation = generation
            row()
        recorder.set_summary(
            optimum_found=found_at is not None,
            evaluations_to_optimum=found_at,
            generations_to_optimum=found_generation,
            censored=found_at is None,
            generations_run=generation,
            evaluations_run=evaluations,
            best_fitness=float(best),
            **{f"final_{k}": v for k, v in collapse_statistics(theta).items()},
        )


@dataclass(frozen=True)
class QEACellsConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    pop: int = field(default=10, metadata={"help": "number of Q-bit individuals"})
    global_period: int = field(default=20, metadata={
        "help": "generations between redraws of every attractor from the archive"})
    redraws: int = field(default=16, metadata={
        "help": "re-observations of a register that reads an invalid operation code"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("max_queries >= 1", ("max_queries",), lambda c: c.max_queries >= 1),
        *_migration_rules(),
        Rule("redraws >= 0", ("redraws",), lambda c: c.redraws >= 0),
    )


def register_width(n_ops: int) -> int:
    """Q-bits per edge: ceil(log2(n_ops)), at least 1."""
    return max(1, math.ceil(math.log2(n_ops)))


class QEACells(Solver[QEACellsConfig]):
    """Multi-objective QEA on an architecture problem's cells (module docstring)."""

    name = "qea-cells"
    Config = QEACellsConfig
    problem_kinds = ("architecture",)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, ArchitectureProblem)
        ledger = QueryLedger(problem, self.config.max_queries, recorder,
                             extra_columns=("generation", "mean_abs_p_minus_half",
                                            "archive_size"))
        self._search(problem, ledger, rng)
        ledger.summarise(register_width=register_width(problem.space.n_ops),
                         encoding="binary register per edge, rejection then top-bit repair")

    def _observe_cell(self, theta: NDArray[np.int64], n_ops: int,
                      rng: np.random.Generator) -> tuple[Cell, NDArray[np.bool_]]:
        """One cell from one individual's registers (shape (edges, width)) and the bits
        read (the ones the rotation compares with the attractor's)."""
        width = theta.shape[1]
        weights = 1 << np.arange(width)
        bits = observe(theta, rng)
        for _ in range(self.config.redraws):
            invalid = bits.astype(np.int64) @ weights >= n_ops
            if not invalid.any():
                break
            bits[invalid] = observe(theta[invalid], rng)
        codes = bits.astype(np.int64) @ weights
        invalid = codes >= n_ops
        if invalid.any():  # repair: clear the top bit (codes >= ops <= 2^width - 1)
            bits[invalid, width - 1] = False
            codes = bits.astype(np.int64) @ weights
        return tuple(int(c) for c in codes), bits

    def _search(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        cfg = self.config
        space = problem.space
        width = register_width(space.n_ops)
        weights = 1 << np.arange(width)
        theta = np.full((cfg.pop, space.n_edges, width), _START, dtype=np.int64)
        stored: list[tuple[Cell, NDArray[np.float64]] | None] = [None] * cfg.pop
        archive: dict[Cell, NDArray[np.float64]] = {}
        generation = 0
        stall = 0
        while not ledger.done and stall < STALL_FACTOR:
            before = ledger.queries
            ledger.extras.update(generation=float(generation), archive_size=float(len(archive)),
                                 mean_abs_p_minus_half=collapse_statistics(theta)[
                                     "mean_abs_p_minus_half"])
            for j in range(cfg.pop):
                cell, bits = self._observe_cell(theta[j], space.n_ops, rng)
                cells, values = ledger.query([cell])
                if not cells:
                    continue  # budget spent
                value = values[0]
                _archive_add(archive, cell, value)
                attractor = stored[j]
                if attractor is not None:
                    target = ((np.array(attractor[0])[:, None] & weights) > 0)
                    better = bool(np.all(value <= attractor[1]))
                    theta[j] = rotate(theta[j], bits, target, better, rng)
                if attractor is None or bool(np.all(value <= attractor[1])):
                    stored[j] = (cell, value)
            generation += 1
            members = list(archive)
            if members:
                for j in range(cfg.pop):
                    entry = stored[j]
                    if (generation % cfg.global_period == 0 or entry is None
                            or entry[0] not in archive):
                        pick = members[int(rng.integers(len(members)))]
                        stored[j] = (pick, archive[pick])
            stall = stall + 1 if ledger.queries == before else 0


def _archive_add(archive: dict[Cell, NDArray[np.float64]], cell: Cell,
                 value: NDArray[np.float64]) -> None:
    """Keep ``archive`` the non-dominated set of the cells seen: add ``cell`` unless a
    member dominates it (or it is there), evict the members it dominates."""
    if cell in archive:
        return
    for other in archive.values():
        if np.all(other <= value) and np.any(other < value):
            return
    for other_cell in [c for c, v in archive.items()
                       if np.all(value <= v) and np.any(value < v)]:
        del archive[other_cell]
    archive[cell] = value


def describe_table() -> list[dict[str, Any]]:
    """Table I as rows (for the paper and the tests): x, b, f(x)>=f(b), Delta theta / pi,
    and the four sign entries ("±1" written as such)."""
    rows = []
    for (x, b, better), (delta, signs) in HAN_KIM_TABLE.items():
        rows.append({"x": x, "b": b, "f(x)>=f(b)": better, "delta_over_pi": delta / 200,
                     "signs": ["±1" if s == PLUS_MINUS else f"{s:+d}" if s else "0"
                               for s in signs]})
    return rows
