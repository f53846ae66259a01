"""Baseline architecture-search methods and the query ledger every architecture solver uses.

**Budget.** Every architecture solver spends at most ``max_queries`` queries. A query is the
first evaluation of a cell; evaluating a cell again is answered from a cache and costs
nothing (neither a query nor simulated time), as in the NAS-Bench-201 protocol where a
trained cell is looked up, not retrained.

**Instrumentation.** :class:`QueryLedger` records one trace row per query: ``queries``,
``simulated_seconds`` (sum of ``problem.query_seconds``), ``hypervolume`` of the
objective vectors of all queried cells (moocore, reference point
``problem.reference_point()``, fixed per problem), ``hypervolume_ratio`` (divided by the
problem's ``max_hypervolume()`` where the problem knows it, else NaN),
``best_search_error`` (lowest first objective so far) and ``best_test_accuracy`` (the
``test_accuracy`` that ``problem.report`` gives for the current best cell by search error,
NaN if the problem reports none), plus the solver's own columns. The summary holds the
best cell, its accuracy, the final hypervolume, the Pareto front of the queried cells and
every queried cell in query order.

**Methods** (all ``problem_kinds = ("architecture",)``):

* ``random-search`` — uniform cells until the budget is spent (Bergstra & Bengio, JMLR
  2012; Li & Talwalkar, UAI 2019 for NAS).
* ``reg-evolution`` — regularised (aging) evolution, Real, Aggarwal, Huang & Le, AAAI 2019,
  Algorithm 1: a queue of ``population`` cells; each cycle samples ``sample`` members
  uniformly without replacement, mutates the one with the lowest search error (one edge
  changed to another operation), appends the child and removes the oldest member. Single
  objective: search error.
* ``nsga2-cells`` — NSGA-II (Deb et al., IEEE TEVC 2002) on the discrete encoding: binary
  tournaments on (rank, crowding distance), uniform crossover per edge, per-edge mutation
  (each edge changes to another operation with probability ``mutation_rate``), survival of
  the distinct cells of parents + offspring by rank then crowding distance
  (:func:`nsga2_survival`, on ``solvers.algorithms.sorting``).
* ``local-search`` — ``mode="pareto"``: Pareto local search (Paquete, Chiarandini & Stützle,
  "Pareto local optimum sets in the biobjective traveling salesman problem: an experimental
  study", in Metaheuristics for Multiobjective Optimisation, LNEMS 535, Springer 2004):
  an archive of mutually non-dominated queried cells; an unexplored archive member chosen
  uniformly has all its one-edge neighbours queried (in random order), each neighbour not
  dominated by the archive enters it (evicting what it dominates), and the member is marked
  explored; when every member is explored the search restarts from a uniform cell.
  ``mode="first-improvement"``: hill climbing on search error, moving to the first
  neighbour (random order) with lower error and restarting from a uniform cell at a local
  optimum (the local search White, Nolen & Savani, UAI 2021, study on NAS benchmarks, in its
  first-improvement form).
* ``optuna-tpe`` / ``optuna-nsgaii`` — Optuna's ``TPESampler`` (single objective, search
  error, unless ``multi_objective``) and ``NSGAIISampler`` (all objectives) drive the same
  problem through an objective function with one categorical parameter per edge; the
  samplers are seeded from the run's generator and Optuna's logging is set to WARNING.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import moocore
import numpy as np
from numpy.typing import NDArray

from solvers.algorithms.base import Solver
from solvers.algorithms.sorting import crowding_distance, pareto_ranks
from solvers.config import Config, Rule, choices
from solvers.problems.architecture import ArchitectureProblem, Cell
from solvers.problems.base import Problem
from solvers.search_space import CellSpace
from solvers.trace import TraceRecorder

__all__ = ["NAS_BASELINES", "LocalSearch", "NSGA2Cells", "OptunaNSGAII", "OptunaTPE",
           "QueryLedger", "RandomSearch", "RegularizedEvolution", "nsga2_survival",
           "per_edge_mutation", "uniform_crossover"]


def cell_name(space: CellSpace, cell: Cell) -> str:
    """The benchmark string of a cell where the space has one, else its indices."""
    to_string = getattr(space, "to_string", None)
    return str(to_string(cell)) if to_string is not None else ",".join(map(str, cell))


class QueryLedger:
    """Budgeted, cached, instrumented access to an architecture problem (module docstring)."""

    def __init__(self, problem: ArchitectureProblem, max_queries: int,
                 recorder: TraceRecorder, extra_columns: Sequence[str] = ()) -> None:
        self.problem = problem
        self.max_queries = max_queries
        self.recorder = recorder
        self.cache: dict[Cell, NDArray[np.float64]] = {}
        self.order: list[Cell] = []
        self.seconds = 0.0
        self.reference = np.asarray(problem.reference_point(), dtype=float)
        maximum = getattr(problem, "max_hypervolume", None)
        self.max_hypervolume = float(maximum()) if callable(maximum) else math.nan
        self.extras: dict[str, float] = {name: math.nan for name in extra_columns}
        self._archive = np.empty((0, problem.n_objectives))
        self._best_error = math.inf
        self._best_cell: Cell | None = None
        self._best_accuracy = math.nan
        self.hypervolume = 0.0

    @property
    def queries(self) -> int:
        return len(self.order)

    @property
    def done(self) -> bool:
        return self.queries >= self.max_queries

    def known(self, cell: Cell) -> bool:
        return cell in self.cache

    def query(self, cells: Sequence[Cell]) -> tuple[list[Cell], NDArray[np.float64]]:
        """Objectives of ``cells``: cached ones free, new ones while the budget lasts.

        Returns the cells that have values (in input order, a cell past the budget dropped)
        and their objective rows.
        """
        kept: list[Cell] = []
        rows: list[NDArray[np.float64]] = []
        for raw in cells:
            cell = tuple(int(v) for v in raw)
            if cell not in self.cache:
                if self.done:
                    continue
                self._new(cell)
            kept.append(cell)
            rows.append(self.cache[cell])
        values = np.array(rows) if rows else np.empty((0, self.problem.n_objectives))
        return kept, values

    def _new(self, cell: Cell) -> None:
        objectives = np.asarray(self.problem.evaluate([cell])[0], dtype=float)
        self.cache[cell] = objectives
        self.order.append(cell)
        self.seconds += float(self.problem.query_seconds([cell])[0])
        if not np.any(np.all(self._archive <= objectives, axis=1)):
            keep = ~np.all(objectives <= self._archive, axis=1)
            self._archive = np.vstack([self._archive[keep], objectives])
            self.hypervolume = float(moocore.hypervolume(self._archive, ref=self.reference))
        if objectives[0] < self._best_error:
            self._best_error = float(objectives[0])
            self._best_cell = cell
            reported = self.problem.report([cell])
            self._best_accuracy = (float(reported["test_accuracy"][0])
                                   if "test_accuracy" in reported else math.nan)
        self.recorder.record(self.queries, self.queries,
                             simulated_seconds=self.seconds,
                             hypervolume=self.hypervolume,
                             hypervolume_ratio=self.hypervolume / self.max_hypervolume,
                             best_search_error=self._best_error,
                             best_test_accuracy=self._best_accuracy,
                             **self.extras)

    def summarise(self, **extra: Any) -> None:
        """Write the run's summary: best cell, final indicators and the queried front."""
        space = self.problem.space
        cells = self.order
        if cells:
            values = np.array([self.cache[c] for c in cells])
            front = np.flatnonzero(moocore.is_nondominated(values))
            reported = self.problem.report([cells[i] for i in front])
            accuracy = reported.get("test_accuracy", np.full(len(front), math.nan))
            front_cells = [cell_name(space, cells[i]) for i in front]
            front_values = values[front].tolist()
            front_accuracy = [float(a) for a in accuracy]
        else:
            front_cells, front_values, front_accuracy = [], [], []
        self.recorder.set_summary(
            queries=self.queries,
            simulated_seconds=self.seconds,
            best_cell=None if self._best_cell is None else cell_name(space, self._best_cell),
            best_search_error=self._best_error,
            best_test_accuracy=self._best_accuracy,
            final_hypervolume=self.hypervolume,
            hypervolume_ratio=self.hypervolume / self.max_hypervolume,
            front_cells=front_cells,
            front_objectives=front_values,
            front_test_accuracy=front_accuracy,
            queried_cells=[cell_name(space, c) for c in cells],
            **extra,
        )


# -- variation and survival shared by the evolutionary methods -------------------------------
def per_edge_mutation(cell: Cell, rate: float, allowed: NDArray[np.bool_],
                      rng: np.random.Generator) -> Cell:
    """Each edge, with probability ``rate``, takes another allowed operation (uniform).

    ``allowed[e, o]`` says whether operation o may appear on edge e; at least one edge
    changes when any edge has an alternative (the first chosen edge is forced when the draw
    changed none), so a mutant differs from its parent.
    """
    values = list(cell)
    n_edges = len(values)
    flips = rng.random(n_edges) < rate
    if not flips.any():
        flips[int(rng.integers(n_edges))] = True
    for edge in np.flatnonzero(flips):
        options = [o for o in np.flatnonzero(allowed[edge]) if o != values[edge]]
        if options:
            values[edge] = int(options[int(rng.integers(len(options)))])
    return tuple(values)


def uniform_crossover(a: Cell, b: Cell, rng: np.random.Generator) -> Cell:
    """Each edge's operation from ``a`` or ``b`` with probability 1/2."""
    mask = rng.random(len(a)) < 0.5
    return tuple(int(x) if m else int(y) for x, y, m in zip(a, b, mask, strict=True))


def nsga2_survival(objectives: NDArray[np.float64], size: int, rng: np.random.Generator
                   ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Indices of ``size`` survivors by rank, then crowding distance (ties at random),
    with the survivors' ranks and crowding distances (Deb et al. 2002, Sec. III-C)."""
    ranks = pareto_ranks(objectives)
    if len(ranks) <= size:
        return np.arange(len(ranks)), ranks, crowding_distance(objectives, ranks)
    cumulative = np.cumsum(np.bincount(ranks))
    last_rank = int(np.searchsorted(cumulative, size))
    keep = ranks <= last_rank
    crowd = np.zeros(len(ranks))
    crowd[keep] = crowding_distance(objectives[keep], ranks[keep])
    chosen = np.flatnonzero(ranks < last_rank)
    last = np.flatnonzero(ranks == last_rank)
    shuffled = last[rng.permutation(len(last))]
    by_crowding = shuffled[np.argsort(-crowd[shuffled], kind="stable")]
    survivors = np.concatenate((chosen, by_crowding[:size - len(chosen)]))
    return survivors, ranks[survivors], crowd[survivors]


def binary_tournament(ranks: NDArray[np.int64], crowd: NDArray[np.float64], count: int,
                      rng: np.random.Generator) -> NDArray[np.int64]:
    """``count`` winners of tournaments between two uniform picks (rank, crowding, coin)."""
    a, b = rng.integers(0, len(ranks), (2, count))
    coin = rng.random(count) < 0.5
    a_wins = (ranks[a] < ranks[b]) | ((ranks[a] == ranks[b]) & (
        (crowd[a] > crowd[b]) | ((crowd[a] == crowd[b]) & coin)))
    return np.where(a_wins, a, b)


def distinct(cells: Sequence[Cell]) -> list[int]:
    """Positions of the first occurrence of each cell."""
    seen: set[Cell] = set()
    keep = []
    for k, cell in enumerate(cells):
        if cell not in seen:
            seen.add(cell)
            keep.append(k)
    return keep


# -- configs ---------------------------------------------------------------------------------
_BUDGET_RULE = Rule("max_queries >= 1", ("max_queries",), lambda c: c.max_queries >= 1)
#: cycles without a new query after which a method stops early (the reachable cells are
#: exhausted); a multiple of the budget
STALL_FACTOR = 50


@dataclass(frozen=True)
class RandomSearchConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    RULES: ClassVar[tuple[Rule, ...]] = (_BUDGET_RULE,)


@dataclass(frozen=True)
class REAConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    population: int = field(default=20, metadata={"help": "population (queue) size P"})
    sample: int = field(default=5, metadata={"help": "tournament sample size S"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        _BUDGET_RULE,
        Rule("population >= 2", ("population",), lambda c: c.population >= 2),
        Rule("1 <= sample <= population", ("sample", "population"),
             lambda c: 1 <= c.sample <= c.population),
    )


@dataclass(frozen=True)
class NSGA2CellsConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    pop: int = field(default=20, metadata={"help": "population size N"})
    crossover_prob: float = field(default=0.9, metadata={
        "help": "probability that an offspring is a uniform crossover of two parents"})
    mutation_rate: float = field(default=1 / 6, metadata={
        "help": "per-edge mutation probability"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        _BUDGET_RULE,
        Rule("pop >= 2", ("pop",), lambda c: c.pop >= 2),
        Rule("0 <= crossover_prob <= 1", ("crossover_prob",),
             lambda c: 0 <= c.crossover_prob <= 1),
        Rule("0 < mutation_rate <= 1", ("mutation_rate",), lambda c: 0 < c.mutation_rate <= 1),
    )


LOCAL_MODES = ("pareto", "first-improvement")


@dataclass(frozen=True)
class LocalSearchConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    mode: str = field(default="pareto", metadata={
        "help": "pareto (Pareto local search) | first-improvement (on search error)"})
    RULES: ClassVar[tuple[Rule, ...]] = (_BUDGET_RULE, choices("mode", LOCAL_MODES))


@dataclass(frozen=True)
class OptunaTPEConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    multi_objective: bool = field(default=False, metadata={
        "help": "optimise all objectives (MOTPE) instead of search error"})
    n_startup_trials: int = field(default=10, metadata={
        "help": "random trials before TPE takes over"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        _BUDGET_RULE,
        Rule("n_startup_trials >= 1", ("n_startup_trials",), lambda c: c.n_startup_trials >= 1),
    )


@dataclass(frozen=True)
class OptunaNSGAIIConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    pop: int = field(default=20, metadata={"help": "NSGAIISampler population_size"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        _BUDGET_RULE,
        Rule("pop >= 2", ("pop",), lambda c: c.pop >= 2),
    )


# -- solvers ---------------------------------------------------------------------------------
class _ArchitectureSolver(Solver[Any]):
    problem_kinds = ("architecture",)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, ArchitectureProblem)
        ledger = QueryLedger(problem, self.config.max_queries, recorder)
        self._search(problem, ledger, rng)
        ledger.summarise()

    def _search(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        raise NotImplementedError


class RandomSearch(_ArchitectureSolver):
    name = "random-search"
    Config = RandomSearchConfig

    def _search(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        for _ in range(STALL_FACTOR * ledger.max_queries):
            if ledger.done:
                break
            ledger.query([problem.space.random_cell(rng)])


class RegularizedEvolution(_ArchitectureSolver):
    name = "reg-evolution"
    Config = REAConfig

    def _search(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        cfg = self.config
        space = problem.space
        population: list[tuple[Cell, float]] = []
        for _ in range(STALL_FACTOR * ledger.max_queries):
            if len(population) >= cfg.population or ledger.done:
                break
            cells, values = ledger.query([space.random_cell(rng)])
            population.extend((c, float(v[0])) for c, v in zip(cells, values, strict=True))
        for _ in range(STALL_FACTOR * ledger.max_queries):
            if ledger.done or not population:
                break
            picks = rng.choice(len(population), size=min(cfg.sample, len(population)),
                               replace=False)
            parent = min((population[int(i)] for i in picks), key=lambda item: item[1])[0]
            cells, values = ledger.query([space.mutate(parent, rng)])
            if cells:
                population.append((cells[0], float(values[0, 0])))
                population.pop(0)


class NSGA2Cells(_ArchitectureSolver):
    name = "nsga2-cells"
    Config = NSGA2CellsConfig

    def _search(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        cfg = self.config
        space = problem.space
        allowed = np.ones((space.n_edges, space.n_ops), dtype=bool)
        population, objectives = initial_population(space, ledger, cfg.pop, rng)
        ranks = pareto_ranks(objectives)
        crowd = crowding_distance(objectives, ranks)
        stall = 0
        while not ledger.done and stall < STALL_FACTOR and population:
            before = ledger.queries
            offspring = make_offspring(population, ranks, crowd, cfg.pop, cfg.crossover_prob,
                                       cfg.mutation_rate, allowed, rng)
            cells, values = ledger.query(offspring)
            population, objectives, ranks, crowd = survive(
                population + cells, np.vstack([objectives, values]), cfg.pop, rng)
            stall = stall + 1 if ledger.queries == before else 0


def initial_population(space: CellSpace, ledger: QueryLedger, size: int,
                       rng: np.random.Generator) -> tuple[list[Cell], NDArray[np.float64]]:
    """``size`` distinct uniform cells, queried (fewer if the budget ends first)."""
    cells: list[Cell] = []
    rows: list[NDArray[np.float64]] = []
    for _ in range(STALL_FACTOR * size):
        if len(cells) >= size or ledger.done:
            break
        cell = space.random_cell(rng)
        if cell in cells:
            continue
        got, values = ledger.query([cell])
        cells.extend(got)
        rows.extend(values)
    return cells, np.array(rows).reshape(len(cells), ledger.problem.n_objectives)


def make_offspring(population: list[Cell], ranks: NDArray[np.int64],
                   crowd: NDArray[np.float64], count: int, crossover_prob: float,
                   mutation_rate: float, allowed: NDArray[np.bool_],
                   rng: np.random.Generator) -> list[Cell]:
    """``count`` children: tournament parents, uniform crossover, per-edge mutation, then
    :func:`repair` (a parent may hold operations that were disallowed after it was made)."""
    first = binary_tournament(ranks, crowd, count, rng)
    second = binary_tournament(ranks, crowd, count, rng)
    children = []
    for a, b in zip(first, second, strict=True):
        child = population[int(a)]
        if rng.random() < crossover_prob:
            child = uniform_crossover(child, population[int(b)], rng)
        children.append(repair(per_edge_mutation(child, mutation_rate, allowed, rng),
                               allowed, rng))
    return children


def repair(cell: Cell, allowed: NDArray[np.bool_], rng: np.random.Generator) -> Cell:
    """Every edge holding a disallowed operation gets a uniform allowed one."""
    values = list(cell)
    for edge, op in enumerate(cell):
        if not allowed[edge, op]:
            options = np.flatnonzero(allowed[edge])
            values[edge] = int(options[int(rng.integers(len(options)))])
    return tuple(values)


def survive(cells: list[Cell], objectives: NDArray[np.float64], size: int,
            rng: np.random.Generator
            ) -> tuple[list[Cell], NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """NSGA-II survival on the distinct cells of ``cells``."""
    keep = distinct(cells)
    cells = [cells[k] for k in keep]
    objectives = objectives[keep]
    survivors, ranks, crowd = nsga2_survival(objectives, size, rng)
    return [cells[int(i)] for i in survivors], objectives[survivors], ranks, crowd


class LocalSearch(_ArchitectureSolver):
    name = "local-search"
    Config = LocalSearchConfig

    def _search(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        if self.config.mode == "pareto":
            self._pareto(problem, ledger, rng)
        else:
            self._first_improvement(problem, ledger, rng)

    @staticmethod
    def _neighbours(space: CellSpace, cell: Cell, rng: np.random.Generator) -> list[Cell]:
        around = space.neighbours(cell)
        return [around[int(i)] for i in rng.permutation(len(around))]

    def _pareto(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        space = problem.space
        archive: dict[Cell, NDArray[np.float64]] = {}
        explored: set[Cell] = set()
        for _ in range(STALL_FACTOR * ledger.max_queries):
            if ledger.done:
                break
            open_cells = [c for c in archive if c not in explored]
            if open_cells:
                current = open_cells[int(rng.integers(len(open_cells)))]
            else:  # restart: a uniform cell, explored whatever its rank
                cells, values = ledger.query([space.random_cell(rng)])
                if not cells:
                    break
                current = cells[0]
                _archive_insert(archive, current, values[0])
            explored.add(current)
            for neighbour in self._neighbours(space, current, rng):
                cells, values = ledger.query([neighbour])
                if cells:
                    _archive_insert(archive, cells[0], values[0])

    def _first_improvement(self, problem: ArchitectureProblem, ledger: QueryLedger,
                           rng: np.random.Generator) -> None:
        space = problem.space
        current: Cell | None = None
        error = math.inf
        for _ in range(STALL_FACTOR * ledger.max_queries):
            if ledger.done:
                break
            if current is None:
                cells, values = ledger.query([space.random_cell(rng)])
                if not cells:
                    break
                current, error = cells[0], float(values[0, 0])
            moved = False
            for neighbour in self._neighbours(space, current, rng):
                cells, values = ledger.query([neighbour])
                if cells and values[0, 0] < error:
                    current, error = cells[0], float(values[0, 0])
                    moved = True
                    break
            if not moved:
                current = None  # local optimum (or budget spent): restart


def _archive_insert(archive: dict[Cell, NDArray[np.float64]], cell: Cell,
                    value: NDArray[np.float64]) -> None:
    """Add ``cell`` unless an archive member weakly dominates it; evict what it dominates."""
    if cell in archive:
        return
    for other in archive.values():
        if np.all(other <= value):
            return
    for other_cell in [c for c, v in archive.items() if np.all(value <= v)]:
        del archive[other_cell]
    archive[cell] = value


class _OptunaSearch(_ArchitectureSolver):
    def _sampler(self, seed: int) -> Any:
        raise NotImplementedError

    def _multi(self) -> bool:
        raise NotImplementedError

    def _search(self, problem: ArchitectureProblem, ledger: QueryLedger,
                rng: np.random.Generator) -> None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        space = problem.space
        multi = self._multi()
        names = [f"edge{e}" for e in range(space.n_edges)]

        def objective(trial: Any) -> Any:
            cell = tuple(space.op_index(trial.suggest_categorical(name, list(space.ops)))
                         for name in names)
            cells, values = ledger.query([cell])
            if not cells:  # budget spent between trials: stop without a value
                trial.study.stop()
                raise optuna.TrialPruned()
            row = values[0]
            return tuple(float(v) for v in row) if multi else float(row[0])

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            sampler = self._sampler(int(rng.integers(2**31 - 1)))
            directions: list[Any] = ["minimize"] * (problem.n_objectives if multi else 1)
            study = optuna.create_study(directions=directions, sampler=sampler)
            for _ in range(STALL_FACTOR * ledger.max_queries):
                if ledger.done:
                    break
                study.optimize(objective, n_trials=1)


class OptunaTPE(_OptunaSearch):
    name = "optuna-tpe"
    Config = OptunaTPEConfig

    def _multi(self) -> bool:
        return bool(self.config.multi_objective)

    def _sampler(self, seed: int) -> Any:
        import optuna

        return optuna.samplers.TPESampler(seed=seed,
                                          n_startup_trials=self.config.n_startup_trials)


class OptunaNSGAII(_OptunaSearch):
    name = "optuna-nsgaii"
    Config = OptunaNSGAIIConfig

    def _multi(self) -> bool:
        return True

    def _sampler(self, seed: int) -> Any:
        import optuna

        return optuna.samplers.NSGAIISampler(population_size=self.config.pop, seed=seed)


#: the baselines, in the order they are reported
NAS_BASELINES: tuple[type[Solver[Any]], ...] = (RandomSearch, RegularizedEvolution, NSGA2Cells,
                                               LocalSearch, OptunaTPE, OptunaNSGAII)
