"""The hybrid optimiser: NSGA-II, a GP-screened candidate pool, gradient refinement and
front-preserving progressive pruning, over cells of any architecture problem.

Written against :class:`~solvers.problems.architecture.ArchitectureProblem` only (evaluate,
report, query_seconds, reference_point, space, differentiable, objective_gradients), so the
same code runs on NAS-Bench-201 and on a supernet problem. The budget counts distinct
queries (memoised, :class:`~solvers.algorithms.nas_baselines.QueryLedger`).

One generation (population P of ``pop`` cells, batch of ``pop`` new queries):

1. **Model (Bayesian optimisation in the loop).** A Gaussian process on the one-hot
   encodings of the queried cells models the search error (squared-exponential kernel,
   hyperparameters by marginal likelihood; :class:`~solvers.algorithms.surrogates.CellGP`);
   additive per-operation tables model the other objectives (exact for parameter counts;
   a least-squares lookup table for latency, as in FBNet and ProxylessNAS).
2. **Candidate pool.** (a) *Evolution* (NSGA-II, Deb, Pratap, Agarwal & Meyarivan, IEEE TEVC
   2002): ``pool_factor x pop`` offspring of P by binary tournament on (rank, crowding),
   uniform crossover and per-edge mutation; with ``evolution=False`` as many uniform random
   allowed cells instead. (b) *Local search around the accuracy end*: every one-edge
   neighbour of the ``local_top`` queried cells of lowest search error (the neighbourhood
   of local search for NAS, White, Nolen, Ganesh & Neiswanger, UAI 2021; BANANAS's
   mutations of the best cells, White, Neiswanger & Savani, AAAI 2021). (c) *Gradient
   refinement*: ``n_refine`` tournament parents, logits alpha_0 = ``init_confidence`` on
   their operations, a random scalarisation weight w ~ Dirichlet(1) (ParEGO, Knowles, IEEE
   TEVC 2006); on tabular problems ``refine_steps`` gradient steps with Armijo backtracking
   (:func:`~solvers.algorithms.surrogates.armijo_descent`, initial step ``step_size``) on
   the relaxed scalarisation of the models (GP mean at p = softmax(alpha) plus the cost
   tables' expectations); on differentiable problems (``surrogate="auto"``) fixed steps of
   ``problem_step_size`` on the problem's own gradients (DARTS steps on the supernet). The
   refined candidate is the argmax of alpha per edge among allowed operations.
3. **Screening** (``screening="model"``): of the new allowed cells of the pool, a share
   ``accuracy_share`` of the batch goes to the lowest lower confidence bound
   mu - ``kappa`` sigma of the GP (GP-UCB's rule, Srinivas et al., ICML 2010, on error; the
   accuracy end of the front is never starved by the other objectives); the rest is picked
   greedily by hypervolume improvement over the queried front of the optimistic predicted
   vectors (LCB error, predicted costs), as in SMS-EGO (Ponweiser, Wagner, Biermann &
   Vincze, PPSN 2008). ``screening="random"`` picks the batch uniformly from the pool (the
   ablation without the model's choice).
4. **Survival.** The queried batch joins P; NSGA-II survival keeps the ``pop`` best
   distinct cells by rank, then crowding distance.
5. **Progressive pruning** (``stages`` > 1; the budget cut into equal parts): at each stage
   boundary, per edge with more than ``min_ops`` allowed operations, the operations that no
   cell of the queried Pareto front uses on that edge (nor any of the ``local_top`` cells
   of lowest search error) and whose marginal ideal point (the best value of each objective
   over the queried cells that use it there) is dominated by another operation's are
   candidates; the one whose cells have the worst mean Pareto rank is removed. Protecting
   the front's operations makes the rule *front-preserving*: every cell of the queried
   front stays in the allowed space, at every time (``theory.bounds.hybrid``). Pruned
   operations never appear again (offspring are repaired, pool cells filtered, logits
   masked).

Defaults are design values, not tuned on the test settings: ``accuracy_share`` 1/2 gives
each end of the trade-off half of the batch, ``kappa`` = 1, ``local_top`` = 3; the
mutation rate 0.093 is the earlier Optuna tuning's (``solvers.tuning``, validation setting
CIFAR-100 / raspi4). Pruning is off by default (``stages=1``): on NAS-Bench-201 CIFAR-10 at
150 queries, 20 seeds, ``stages=3, min_ops=2`` lowered the mean best-found test accuracy
from 94.29 to 94.06 (the accurate but costly ``nor_conv_3x3`` is the operation most often
dominated in its marginal ideal point early on); the ablation (``with-pruning``) keeps
measuring it.

Instrumentation: the query ledger's columns (hypervolume per query, best search error,
best 200-epoch test accuracy of the current best-by-search cell, simulated seconds) plus
``generation``, ``stage``, ``allowed_ops``, ``gp_length_scale``, ``gp_spearman`` (rank
correlation of the GP's predictions, made before the query, with the measured search errors
of the latest batch), ``grad_norm`` (mean gradient norm at alpha_0), ``refined_new`` and
``refined_survivors``. The summary holds the logs the hybrid's checks read:
``prune_log`` (rows [queries, edge, op] of each removal), ``refine_log`` (per refined
candidate: L bound, smallest accepted step, largest value increase, largest gap of the
fixed-step descent lemma, halvings) and the counts of where the queried cells came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import moocore
import numpy as np
from numpy.typing import NDArray
from scipy import stats

from solvers.algorithms.base import Solver
from solvers.algorithms.nas_baselines import (
    STALL_FACTOR,
    QueryLedger,
    binary_tournament,
    cell_name,
    initial_population,
    make_offspring,
    survive,
)
from solvers.algorithms.sorting import crowding_distance, pareto_ranks
from solvers.algorithms.surrogates import (
    CellGP,
    RelaxedScalarisation,
    armijo_descent,
    fit_cost_table,
    one_hot,
)
from solvers.config import Config, Rule, choices
from solvers.problems.architecture import ArchitectureProblem, Cell
from solvers.problems.base import Problem
from solvers.search_space import CellSpace
from solvers.trace import TraceRecorder

__all__ = ["Hybrid", "HybridConfig", "fit_cost_table", "one_hot", "prune_front_preserving",
           "queried_front"]

SURROGATES = ("auto", "model")
SCREENINGS = ("model", "random")
EXTRA_COLUMNS = ("generation", "stage", "allowed_ops", "gp_length_scale", "gp_spearman",
                 "grad_norm", "refined_new", "refined_survivors")
#: logit given to pruned operations (softmax weight exp(-1e9) = 0)
PRUNED_LOGIT = -1e9
#: where a pool candidate came from (counted for the queried ones)
ORIGINS = ("evolution", "local", "refined")


@dataclass(frozen=True)
class HybridConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    pop: int = field(default=20, metadata={"help": "population size N (and batch size)"})
    pool_factor: int = field(default=10, metadata={
        "help": "offspring in the pool per batch slot"})
    crossover_prob: float = field(default=0.9, metadata={
        "help": "probability that an offspring is a uniform crossover"})
    mutation_rate: float = field(default=0.093, metadata={
        "help": "per-edge mutation probability"})
    evolution: bool = field(default=True, metadata={
        "help": "pool offspring by NSGA-II variation (false: uniform random cells)"})
    local_top: int = field(default=3, metadata={
        "help": "best-error cells whose one-edge neighbours join the pool"})
    screening: str = field(default="model", metadata={
        "help": "model (GP lower confidence bound + predicted hypervolume gain) | random"})
    accuracy_share: float = field(default=0.5, metadata={
        "help": "share of the batch chosen by the GP's lower confidence bound on error"})
    kappa: float = field(default=1.0, metadata={"help": "LCB = mu - kappa sigma"})
    n_refine: int = field(default=5, metadata={
        "help": "candidates refined by gradient steps per generation"})
    refine_steps: int = field(default=20, metadata={
        "help": "Armijo gradient steps per candidate (model surrogate)"})
    step_size: float = field(default=1.0, metadata={
        "help": "initial step of the Armijo line search (model surrogate)"})
    problem_refine_steps: int = field(default=21, metadata={
        "help": "fixed gradient steps per candidate on the problem's own gradients"})
    problem_step_size: float = field(default=0.18, metadata={
        "help": "fixed step on the problem's own gradients (differentiable problems)"})
    init_confidence: float = field(default=1.0, metadata={
        "help": "initial logit of a parent's operations (0 elsewhere)"})
    stages: int = field(default=1, metadata={
        "help": "progressive stages; front-preserving pruning between stages"})
    min_ops: int = field(default=4, metadata={"help": "operations kept per edge at least"})
    surrogate: str = field(default="auto", metadata={
        "help": "auto (problem gradients where differentiable) | model"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("max_queries >= 1", ("max_queries",), lambda c: c.max_queries >= 1),
        Rule("pop >= 2", ("pop",), lambda c: c.pop >= 2),
        Rule("pool_factor >= 1", ("pool_factor",), lambda c: c.pool_factor >= 1),
        Rule("0 <= crossover_prob <= 1", ("crossover_prob",),
             lambda c: 0 <= c.crossover_prob <= 1),
        Rule("0 < mutation_rate <= 1", ("mutation_rate",), lambda c: 0 < c.mutation_rate <= 1),
        Rule("local_top >= 0", ("local_top",), lambda c: c.local_top >= 0),
        choices("screening", SCREENINGS),
        Rule("0 <= accuracy_share <= 1", ("accuracy_share",),
             lambda c: 0 <= c.accuracy_share <= 1),
        Rule("kappa >= 0", ("kappa",), lambda c: c.kappa >= 0),
        Rule("n_refine >= 0", ("n_refine",), lambda c: c.n_refine >= 0),
        Rule("refine_steps >= 1", ("refine_steps",), lambda c: c.refine_steps >= 1),
        Rule("step_size > 0", ("step_size",), lambda c: c.step_size > 0),
        Rule("problem_refine_steps >= 1", ("problem_refine_steps",),
             lambda c: c.problem_refine_steps >= 1),
        Rule("problem_step_size > 0", ("problem_step_size",), lambda c: c.problem_step_size > 0),
        Rule("init_confidence >= 0", ("init_confidence",), lambda c: c.init_confidence >= 0),
        Rule("stages >= 1", ("stages",), lambda c: c.stages >= 1),
        Rule("min_ops >= 1", ("min_ops",), lambda c: c.min_ops >= 1),
        choices("surrogate", SURROGATES),
    )


def queried_front(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Indices of the non-dominated rows (duplicates of a non-dominated row all kept)."""
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(pareto_ranks(values) == 0)


def prune_front_preserving(cells: list[Cell], values: NDArray[np.float64],
                           allowed: NDArray[np.bool_], min_ops: int,
                           protect_front: bool = True, protect_best: int = 0
                           ) -> list[tuple[int, int]]:
    """Remove at most one operation per edge from ``allowed`` (in place); the removals.

    The rule of the module docstring, step 5. ``protect_front=False`` drops the protection
    of the front's operations (the rule of the earlier hybrid: a dominated marginal ideal
    point only), which the checks use as the sabotage of Lemma "front kept".
    """
    table = np.array(cells)
    ranks = pareto_ranks(values)
    front = table[ranks == 0]
    best = np.argsort(values[:, 0], kind="stable")[:protect_best]
    removed: list[tuple[int, int]] = []
    for edge in range(allowed.shape[0]):
        options = [int(o) for o in np.flatnonzero(allowed[edge])]
        if len(options) <= min_ops:
            continue
        protected = set(int(o) for o in front[:, edge]) if protect_front else set()
        protected |= set(int(o) for o in table[best, edge])
        ideal: dict[int, NDArray[np.float64]] = {}
        mean_rank: dict[int, float] = {}
        for op in options:
            using = table[:, edge] == op
            if using.any():
                ideal[op] = values[using].min(axis=0)
                mean_rank[op] = float(ranks[using].mean())
        dominated = [op for op in ideal if op not in protected and any(
            other != op and np.all(ideal[other] <= ideal[op])
            and np.any(ideal[other] < ideal[op]) for other in ideal)]
        if dominated:
            weakest = max(dominated, key=lambda op: (mean_rank[op], op))
            allowed[edge, weakest] = False
            removed.append((edge, weakest))
    return removed


def _is_allowed(cell: Cell, allowed: NDArray[np.bool_]) -> bool:
    return bool(allowed[np.arange(len(cell)), np.asarray(cell)].all())


def _random_allowed(space: CellSpace, allowed: NDArray[np.bool_],
                    rng: np.random.Generator) -> Cell:
    return tuple(int(rng.choice(np.flatnonzero(allowed[e]))) for e in range(space.n_edges))


class Hybrid(Solver[HybridConfig]):
    """NSGA-II + GP screening + gradient refinement + pruning (module docstring)."""

    name = "hybrid"
    Config = HybridConfig
    problem_kinds = ("architecture",)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, ArchitectureProblem)
        cfg = self.config
        assert isinstance(cfg, HybridConfig)
        space = problem.space
        n_edges, n_ops = space.n_edges, space.n_ops
        ledger = QueryLedger(problem, cfg.max_queries, recorder, EXTRA_COLUMNS)
        use_problem = problem.differentiable and cfg.surrogate == "auto"
        allowed = np.ones((n_edges, n_ops), dtype=bool)
        boundaries = [math.ceil(cfg.max_queries * k / cfg.stages) for k in range(1, cfg.stages)]
        stage = 0
        ledger.extras.update(generation=0.0, stage=0.0, allowed_ops=float(allowed.sum()))
        population, objectives = initial_population(space, ledger, cfg.pop, rng)
        ranks = pareto_ranks(objectives)
        crowd = crowding_distance(objectives, ranks)
        generation = stall = refined_total = refined_kept_total = 0
        spearman_values: list[float] = []
        grad_norms: list[float] = []
        prune_log: list[list[int]] = []
        refine_log: list[dict[str, float]] = []
        origin_counts = dict.fromkeys(ORIGINS, 0)
        while not ledger.done and stall < STALL_FACTOR and population:
            generation += 1
            while stage < len(boundaries) and ledger.queries >= boundaries[stage]:
                stage += 1
                cells = list(ledger.order)
                values = np.array([ledger.cache[c] for c in cells])
                for edge, op in prune_front_preserving(cells, values, allowed, cfg.min_ops,
                                                       protect_best=cfg.local_top):
                    prune_log.append([ledger.queries, edge, op])
            before = ledger.queries
            queried = list(ledger.order)
            values = np.array([ledger.cache[c] for c in queried])
            codes = one_hot(queried, n_edges, n_ops)
            gp = CellGP.fit(codes, values[:, 0])
            tables = np.empty((problem.n_objectives - 1, n_edges, n_ops))
            intercepts = np.empty(problem.n_objectives - 1)
            for m in range(1, problem.n_objectives):
                tables[m - 1], intercepts[m - 1] = fit_cost_table(codes, values[:, m],
                                                                  n_edges, n_ops)
            ledger.extras.update(generation=float(generation), stage=float(stage),
                                 allowed_ops=float(allowed.sum()),
                                 gp_length_scale=gp.length_scale)
            # -- the pool ------------------------------------------------------------------
            tagged: list[tuple[Cell, str]] = []
            count = cfg.pool_factor * cfg.pop
            if cfg.evolution:
                tagged += [(c, "evolution") for c in make_offspring(
                    population, ranks, crowd, count, cfg.crossover_prob, cfg.mutation_rate,
                    allowed, rng)]
            else:
                tagged += [(_random_allowed(space, allowed, rng), "evolution")
                           for _ in range(count)]
            for index in np.argsort(values[:, 0], kind="stable")[:cfg.local_top]:
                tagged += [(c, "local") for c in space.neighbours(queried[int(index)])]
            refined: list[Cell] = []
            if cfg.n_refine > 0:
                refined, norms, logs = self._refine(problem, gp, tables, intercepts, values,
                                                    population, ranks, crowd, allowed,
                                                    use_problem, rng)
                refine_log.extend(logs)
                grad_norms.append(float(np.mean(norms)))
                ledger.extras["grad_norm"] = float(np.mean(norms))
                tagged += [(c, "refined") for c in refined]
            pool: list[Cell] = []
            origin: dict[Cell, str] = {}
            for cell, tag in tagged:
                cell = tuple(int(v) for v in cell)
                if cell in origin or ledger.known(cell) or not _is_allowed(cell, allowed):
                    continue
                origin[cell] = tag
                pool.append(cell)
            take = min(cfg.pop, cfg.max_queries - ledger.queries, len(pool))
            chosen, predicted = self._screen(pool, take, gp, tables, intercepts, values,
                                             ledger.reference, n_edges, n_ops, rng)
            cells, new_values = ledger.query(chosen)
            for cell in chosen:
                origin_counts[origin[cell]] += 1
            new_refined = {c for c in chosen if origin[c] == "refined"}
            population, objectives, ranks, crowd = survive(
                population + cells, np.vstack([objectives, new_values]), cfg.pop, rng)
            kept = sum(1 for c in population if c in new_refined)
            refined_total += len(new_refined)
            refined_kept_total += kept
            ledger.extras.update(refined_new=float(len(new_refined)),
                                 refined_survivors=float(kept))
            if len(chosen) >= 3 and np.ptp(predicted) > 0 and np.ptp(new_values[:, 0]) > 0:
                rho = float(stats.spearmanr(predicted, new_values[:, 0]).statistic)
                spearman_values.append(rho)
                ledger.extras["gp_spearman"] = rho
            stall = stall + 1 if ledger.queries == before else 0
        pruned = [[space.ops[o] for o in np.flatnonzero(~allowed[e])] for e in range(n_edges)]
        ledger.summarise(
            generations=generation,
            refined_queries=refined_total,
            refined_survivors=refined_kept_total,
            queried_from_evolution=origin_counts["evolution"],
            queried_from_local=origin_counts["local"],
            queried_from_refined=origin_counts["refined"],
            mean_gp_spearman=(float(np.mean(spearman_values)) if spearman_values
                              else math.nan),
            mean_grad_norm=float(np.mean(grad_norms)) if grad_norms else math.nan,
            pruned_ops=[",".join(p) for p in pruned],
            prune_log=prune_log,
            refine_log=refine_log,
            surrogate="problem" if use_problem else "model",
            final_population=[cell_name(space, c) for c in population],
        )

    # -- components -----------------------------------------------------------------------
    def _screen(self, pool: list[Cell], take: int, gp: CellGP, tables: NDArray[np.float64],
                intercepts: NDArray[np.float64], values: NDArray[np.float64],
                reference: NDArray[np.float64], n_edges: int, n_ops: int,
                rng: np.random.Generator) -> tuple[list[Cell], NDArray[np.float64]]:
        """The batch to query and the GP's predicted error of each (step 3)."""
        cfg = self.config
        if take <= 0:
            return [], np.empty(0)
        codes = one_hot(pool, n_edges, n_ops)
        mean, sd = gp.predict(codes)
        if cfg.screening == "random":
            picks = [int(i) for i in rng.choice(len(pool), size=take, replace=False)]
            return [pool[i] for i in picks], mean[picks]
        lcb = mean - cfg.kappa * sd
        costs = np.einsum("kd,cd->kc", codes, tables.reshape(len(tables), -1)) + intercepts
        optimistic = np.column_stack([lcb, costs])
        n_accuracy = round(cfg.accuracy_share * take)
        picks = [int(i) for i in np.argsort(lcb, kind="stable")[:n_accuracy]]
        front = values[queried_front(values)]
        base = np.vstack([front, optimistic[picks]]) if picks else front
        current = float(moocore.hypervolume(base, ref=reference))
        remaining = [i for i in range(len(pool)) if i not in set(picks)]
        while len(picks) < take and remaining:
            gains = np.array([float(moocore.hypervolume(np.vstack([base, optimistic[i]]),
                                                        ref=reference)) - current
                              for i in remaining])
            # largest gain first; among equal gains the lowest LCB
            order = np.lexsort((lcb[remaining], -gains))
            best = remaining.pop(int(order[0]))
            picks.append(best)
            base = np.vstack([base, optimistic[best]])
            current = float(moocore.hypervolume(base, ref=reference))
        return [pool[i] for i in picks], mean[picks]

    def _refine(self, problem: ArchitectureProblem, gp: CellGP, tables: NDArray[np.float64],
                intercepts: NDArray[np.float64], values: NDArray[np.float64],
                population: list[Cell], ranks: NDArray[np.int64], crowd: NDArray[np.float64],
                allowed: NDArray[np.bool_], use_problem: bool, rng: np.random.Generator
                ) -> tuple[list[Cell], NDArray[np.float64], list[dict[str, float]]]:
        """Refined candidates, first gradient norms and per-candidate descent logs."""
        cfg = self.config
        space = problem.space
        parents = [population[int(i)]
                   for i in binary_tournament(ranks, crowd, cfg.n_refine, rng)]
        weights = rng.dirichlet(np.ones(problem.n_objectives), size=len(parents))
        lo = values.min(axis=0)
        span = np.where(values.max(axis=0) > lo, values.max(axis=0) - lo, 1.0)
        mask = np.where(allowed, 0.0, PRUNED_LOGIT)
        alpha0 = np.array([space.to_alpha(c, cfg.init_confidence) for c in parents])
        logs: list[dict[str, float]] = []
        if use_problem:
            alpha, norms = self._refine_with_problem(problem, alpha0, weights, mask, lo, span)
        else:
            alpha = np.empty_like(alpha0)
            norms = np.empty(len(parents))
            for k in range(len(parents)):
                objective = RelaxedScalarisation(gp, tables, intercepts, weights[k], lo, span,
                                                 mask)
                alpha[k], log = armijo_descent(objective, alpha0[k], cfg.step_size,
                                               cfg.refine_steps)
                norms[k] = log.first_gradient_norm
                increases = np.diff(log.values)
                logs.append({
                    "lipschitz": log.lipschitz,
                    "min_step": float(min(log.steps)),
                    "max_increase": float(increases.max()),
                    "max_descent_gap": float(max(log.descent_gaps)),
                    "max_halvings": float(max(log.halvings)),
                    "start_value": log.values[0],
                    "end_value": log.values[-1],
                })
        refined = [space.from_alpha(a + mask) for a in alpha]
        return refined, norms, logs

    def _refine_with_problem(self, problem: ArchitectureProblem, alpha0: NDArray[np.float64],
                             weights: NDArray[np.float64], mask: NDArray[np.float64],
                             lo: NDArray[np.float64], span: NDArray[np.float64]
                             ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Gradient descent on the problem's own differentiable objective models."""
        cfg = self.config
        del lo  # a constant shift does not change the gradient
        out = alpha0.copy()
        norms = np.empty(len(alpha0))
        for k in range(len(alpha0)):
            alpha = alpha0[k]
            for step in range(cfg.problem_refine_steps):
                _, grads = problem.objective_gradients(alpha + mask)
                direction = np.tensordot(weights[k] / span, grads, axes=1)
                if step == 0:
                    norms[k] = float(np.linalg.norm(direction))
                alpha = alpha - cfg.problem_step_size * direction
            out[k] = alpha
        return out, norms
