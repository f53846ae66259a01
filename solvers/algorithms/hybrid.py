"""The hybrid optimiser: NSGA-II over cells plus gradient refinement of architecture logits.

Written against :class:`~solvers.problems.architecture.ArchitectureProblem` only (evaluate,
report, query_seconds, reference_point, space, differentiable, objective_gradients), so the
same code runs on NAS-Bench-201 and on a supernet problem.

One generation (population P of ``pop`` cells, budget in distinct queries, see
:mod:`solvers.algorithms.nas_baselines`):

1. **Progressive pruning** (``stages`` > 1): the budget is cut into ``stages`` equal parts;
   when a part is spent, on every edge with more than ``min_ops`` allowed operations one
   operation is removed by a *marginal statistic* of the queried cells: the marginal ideal
   point of operation o on edge e is the best value of each objective over the queried
   cells that use o on e; an operation whose marginal ideal point is dominated by another
   operation's cannot be needed to reach the best value of any objective seen so far, and
   among those the one with the worst mean Pareto rank of its cells is removed (none is
   removed where no marginal ideal point is dominated; operations never queried on the
   edge are kept). In trial runs a mean Pareto rank or an exclusive hypervolume
   contribution removed the costly but accurate ``nor_conv_3x3`` on most edges. Pruned
   operations never appear again in offspring (mutation and crossover repair) and get
   logit -1e9 in refinement.
2. **Differentiable model of the objectives.** If the problem is differentiable and
   ``surrogate="auto"``, its ``objective_gradients(alpha)`` is used. Otherwise the model is
   built online from the queried cells only: the first objective (search error) by an
   accuracy predictor, a TensorFlow MLP (one-hot input of size edges x ops, two hidden ReLU
   layers of ``hidden`` units, weights drawn from the run's generator, full-batch Adam for
   ``train_steps`` steps per generation, warm-started, ``tf.function``-compiled); every
   other objective by an additive per-operation cost table c[e, o] + b fitted by least
   squares on the one-hot encodings (a latency lookup table as in FBNet, Wu et al., CVPR
   2019, Eq. 5, and ProxylessNAS, Cai, Zhu & Han, ICLR 2019, Eq. 5, but fitted to the
   measured networks instead of profiled per operation). Under the product distribution
   p = softmax(alpha) (one categorical per edge) the expected cost of the table is exactly
   E[cost] = b + sum_e sum_o p[e, o] c[e, o] (linearity of expectation), which is what FBNet
   and ProxylessNAS differentiate. Parameter counts are exactly additive over edges
   (``solvers.cost_model.operation_costs``), so for ``memory=params`` the fitted table is
   exact once the queried one-hot encodings span the space; measured latency and peak
   activation memory are not additive and the table is their least-squares approximation.
   The predictor is evaluated at the relaxed input p (the continuous relaxation of the
   one-hot encoding).
3. **Refinement.** ``n_refine`` parents are picked by binary tournament; each gets logits
   alpha_0 = ``init_confidence`` on its operations (0 elsewhere) and a random weight vector
   w ~ Dirichlet(1, ..., 1); ``refine_steps`` steps of gradient descent with step
   ``step_size`` minimise sum_m w_m (f_m(alpha) - lo_m) / (hi_m - lo_m), with lo, hi the
   range of the queried objectives (a random scalarisation per candidate, as in ParEGO,
   Knowles, IEEE TEVC 2006, spreads the refined candidates along the front). The refined
   candidate is argmax(alpha) per edge among allowed operations.
4. **Variation and survival.** ``pop`` offspring by binary tournament, uniform crossover
   and per-edge mutation (rate ``mutation_rate``); offspring and refined candidates are
   queried and join P *before* survival, which keeps the ``pop`` best distinct cells of the
   combined population by rank then crowding distance (NSGA-II), so the refined candidates
   compete exactly like offspring.

Defaults: ``step_size``, ``refine_steps`` and ``mutation_rate`` are the best of
``solvers.tuning.tune_hybrid(TuningConfig(n_trials=16, seeds=2), seed=0)`` (TPE on the
validation setting CIFAR-100 / raspi4, mean final hypervolume ratio, run seeds 1000-1001),
rounded: 0.184 -> 0.18, 21, 0.0927 -> 0.093. The tuning landscape was flat (trial means
0.973-0.985 over 16 trials), so these values are weakly determined.

Instrumentation: the query ledger's columns (hypervolume per query, best search error,
best 200-epoch test accuracy of the current best-by-search cell, simulated seconds) plus
``generation``, ``stage``, ``allowed_ops`` (operations still allowed over all edges),
``grad_norm`` (mean norm of the scalarised gradient at alpha_0 over this generation's
candidates), ``predictor_spearman`` (Spearman rank correlation between the predictor's
out-of-sample predictions and the search errors of the cells first queried in the latest
generation), ``predictor_loss`` (training MSE in standardised units), ``refined_new`` and
``refined_survivors`` of the latest generation. Each column holds its latest value at the
time of the query (NaN before the first one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

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
from solvers.config import Config, Rule, choices
from solvers.problems.architecture import ArchitectureProblem, Cell
from solvers.problems.base import Problem
from solvers.trace import TraceRecorder

__all__ = ["Hybrid", "HybridConfig"]

SURROGATES = ("auto", "predictor")
EXTRA_COLUMNS = ("generation", "stage", "allowed_ops", "grad_norm", "predictor_spearman",
                 "predictor_loss", "refined_new", "refined_survivors")
#: logit given to pruned operations (softmax weight exp(-1e9) = 0 in float32)
PRUNED_LOGIT = -1e9


@dataclass(frozen=True)
class HybridConfig(Config):
    max_queries: int = field(default=150, metadata={"help": "budget in distinct queries"})
    pop: int = field(default=20, metadata={"help": "population size N"})
    n_refine: int = field(default=5, metadata={
        "help": "candidates refined by gradient steps per generation"})
    crossover_prob: float = field(default=0.9, metadata={
        "help": "probability that an offspring is a uniform crossover"})
    mutation_rate: float = field(default=0.093, metadata={
        "help": "per-edge mutation probability"})
    step_size: float = field(default=0.18, metadata={"help": "gradient step on alpha"})
    refine_steps: int = field(default=21, metadata={"help": "gradient steps per candidate"})
    init_confidence: float = field(default=1.0, metadata={
        "help": "initial logit of a parent's operations (0 elsewhere)"})
    stages: int = field(default=3, metadata={
        "help": "progressive stages; one weakest op per edge pruned between stages"})
    min_ops: int = field(default=2, metadata={"help": "operations kept per edge at least"})
    hidden: int = field(default=64, metadata={"help": "hidden units of the predictor MLP"})
    train_steps: int = field(default=200, metadata={
        "help": "full-batch Adam steps of the predictor per generation"})
    learning_rate: float = field(default=0.005, metadata={"help": "predictor Adam step"})
    weight_decay: float = field(default=1e-4, metadata={"help": "predictor L2 penalty"})
    surrogate: str = field(default="auto", metadata={
        "help": "auto (problem gradients where differentiable) | predictor"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("max_queries >= 1", ("max_queries",), lambda c: c.max_queries >= 1),
        Rule("pop >= 2", ("pop",), lambda c: c.pop >= 2),
        Rule("n_refine >= 0", ("n_refine",), lambda c: c.n_refine >= 0),
        Rule("0 <= crossover_prob <= 1", ("crossover_prob",),
             lambda c: 0 <= c.crossover_prob <= 1),
        Rule("0 < mutation_rate <= 1", ("mutation_rate",), lambda c: 0 < c.mutation_rate <= 1),
        Rule("step_size > 0", ("step_size",), lambda c: c.step_size > 0),
        Rule("refine_steps >= 1", ("refine_steps",), lambda c: c.refine_steps >= 1),
        Rule("init_confidence >= 0", ("init_confidence",), lambda c: c.init_confidence >= 0),
        Rule("stages >= 1", ("stages",), lambda c: c.stages >= 1),
        Rule("min_ops >= 1", ("min_ops",), lambda c: c.min_ops >= 1),
        Rule("hidden >= 1", ("hidden",), lambda c: c.hidden >= 1),
        Rule("train_steps >= 1", ("train_steps",), lambda c: c.train_steps >= 1),
        Rule("learning_rate > 0", ("learning_rate",), lambda c: c.learning_rate > 0),
        Rule("weight_decay >= 0", ("weight_decay",), lambda c: c.weight_decay >= 0),
        choices("surrogate", SURROGATES),
    )


def one_hot(cells: list[Cell], n_edges: int, n_ops: int) -> NDArray[np.float32]:
    """Cells as rows of concatenated one-hot vectors, shape (len(cells), edges * ops)."""
    codes = np.zeros((len(cells), n_edges, n_ops), dtype=np.float32)
    if cells:
        index = np.array(cells)
        codes[np.arange(len(cells))[:, None], np.arange(n_edges)[None, :], index] = 1.0
    return codes.reshape(len(cells), n_edges * n_ops)


def fit_cost_table(codes: NDArray[np.float32], values: NDArray[np.float64], n_edges: int,
                   n_ops: int) -> tuple[NDArray[np.float64], float]:
    """Least-squares additive table c[e, o] + b (minimum-norm solution) of ``values``."""
    design = np.hstack([codes.astype(float), np.ones((len(codes), 1))])
    solution = np.linalg.lstsq(design, values, rcond=None)[0]
    return solution[:-1].reshape(n_edges, n_ops), float(solution[-1])


class _Surrogate:
    """The TensorFlow part: the accuracy predictor and the batched refinement."""

    def __init__(self, n_edges: int, n_ops: int, n_costs: int, cfg: HybridConfig,
                 rng: np.random.Generator) -> None:
        import tensorflow as tf

        self.tf = tf
        self.n_edges, self.n_ops = n_edges, n_ops
        n_in = n_edges * n_ops
        shapes = [(n_in, cfg.hidden), (cfg.hidden,), (cfg.hidden, cfg.hidden), (cfg.hidden,),
                  (cfg.hidden, 1), (1,)]
        values = []
        for shape in shapes:
            if len(shape) == 2:  # He-normal weights from the run's generator
                values.append(rng.standard_normal(shape) * math.sqrt(2.0 / shape[0]))
            else:
                values.append(np.zeros(shape))
        self.params = [tf.Variable(v.astype(np.float32)) for v in values]
        self.m = [tf.Variable(tf.zeros_like(p)) for p in self.params]
        self.v = [tf.Variable(tf.zeros_like(p)) for p in self.params]
        self.t = tf.Variable(0.0)
        self.lr = float(cfg.learning_rate)
        self.wd = float(cfg.weight_decay)
        self.y_mean = 0.0
        self.y_std = 1.0
        f32 = tf.float32
        self._train = tf.function(self._train_impl, input_signature=[
            tf.TensorSpec((None, n_in), f32), tf.TensorSpec((None,), f32),
            tf.TensorSpec((), tf.int32)], reduce_retracing=True)
        self._predict = tf.function(self._forward, input_signature=[
            tf.TensorSpec((None, n_in), f32)])
        self._refine = tf.function(self._refine_impl, input_signature=[
            tf.TensorSpec((None, n_edges, n_ops), f32),  # alpha_0
            tf.TensorSpec((None, 1 + n_costs), f32),  # scalarisation weights
            tf.TensorSpec((n_edges, n_ops), f32),  # mask (0 or PRUNED_LOGIT)
            tf.TensorSpec((1 + n_costs,), f32),  # lo
            tf.TensorSpec((1 + n_costs,), f32),  # span
            tf.TensorSpec((n_costs, n_edges, n_ops), f32),  # cost tables
            tf.TensorSpec((n_costs,), f32),  # cost intercepts
            tf.TensorSpec((2,), f32),  # predictor de-standardisation (mean, std)
            tf.TensorSpec((), f32),  # step size
            tf.TensorSpec((), tf.int32),  # steps
        ])

    def _forward(self, x: Any) -> Any:
        tf = self.tf
        w1, b1, w2, b2, w3, b3 = self.params
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
        h = tf.nn.relu(tf.matmul(h, w2) + b2)
        return (tf.matmul(h, w3) + b3)[:, 0]

    def _train_impl(self, x: Any, y: Any, steps: Any) -> Any:
        tf = self.tf
        beta1, beta2, eps = 0.9, 0.999, 1e-7
        loss = tf.constant(0.0)
        for _ in tf.range(steps):
            with tf.GradientTape() as tape:
                mse = tf.reduce_mean(tf.square(self._forward(x) - y))
                penalty = tf.add_n([tf.reduce_sum(tf.square(p)) for p in self.params[0::2]])
                total = mse + self.wd * penalty
            grads = tape.gradient(total, self.params)
            self.t.assign_add(1.0)
            for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
                m.assign(beta1 * m + (1 - beta1) * g)
                v.assign(beta2 * v + (1 - beta2) * tf.square(g))
                m_hat = m / (1 - tf.pow(beta1, self.t))
                v_hat = v / (1 - tf.pow(beta2, self.t))
                p.assign_sub(self.lr * m_hat / (tf.sqrt(v_hat) + eps))
            loss = mse
        return loss

    def _refine_impl(self, alpha0: Any, weights: Any, mask: Any, lo: Any, span: Any,
                     tables: Any, intercepts: Any, y_scale: Any, step: Any, steps: Any
                     ) -> tuple[Any, Any]:
        tf = self.tf
        count = tf.shape(alpha0)[0]

        def scalarised(alpha: Any) -> Any:
            p = tf.nn.softmax(alpha + mask, axis=-1)
            error = self._forward(tf.reshape(p, (count, -1))) * y_scale[1] + y_scale[0]
            costs = tf.einsum("keo,ceo->kc", p, tables) + intercepts
            f = tf.concat([error[:, None], costs], axis=1)
            return tf.reduce_sum(weights * (f - lo) / span, axis=1)

        def gradient(alpha: Any) -> Any:
            with tf.GradientTape() as tape:
                tape.watch(alpha)
                total = tf.reduce_sum(scalarised(alpha))
            return tape.gradient(total, alpha)

        first = gradient(alpha0)
        norms = tf.sqrt(tf.reduce_sum(tf.square(first), axis=[1, 2]))
        alpha = alpha0
        for _ in tf.range(steps):
            alpha = alpha - step * gradient(alpha)
        return alpha, norms

    def fit(self, codes: NDArray[np.float32], errors: NDArray[np.float64], steps: int) -> float:
        self.y_mean = float(errors.mean())
        self.y_std = float(errors.std()) or 1.0
        target = ((errors - self.y_mean) / self.y_std).astype(np.float32)
        return float(self._train(codes, target, np.int32(steps)))

    def predict(self, codes: NDArray[np.float32]) -> NDArray[np.float64]:
        raw = self._predict(codes).numpy().astype(float)
        result: NDArray[np.float64] = raw * self.y_std + self.y_mean
        return result

    def refine(self, alpha0: NDArray[np.float64], weights: NDArray[np.float64],
               mask: NDArray[np.float64], lo: NDArray[np.float64], span: NDArray[np.float64],
               tables: NDArray[np.float64], intercepts: NDArray[np.float64], step: float,
               steps: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        f32 = np.float32
        alpha, norms = self._refine(
            alpha0.astype(f32), weights.astype(f32), mask.astype(f32), lo.astype(f32),
            span.astype(f32), tables.astype(f32), intercepts.astype(f32),
            np.array([self.y_mean, self.y_std], dtype=f32), f32(step), np.int32(steps))
        return alpha.numpy().astype(float), norms.numpy().astype(float)


class Hybrid(Solver[HybridConfig]):
    """NSGA-II + gradient refinement on a differentiable model (module docstring)."""

    name = "hybrid"
    Config = HybridConfig
    problem_kinds = ("architecture",)

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, ArchitectureProblem)
        cfg = self.config
        assert isinstance(cfg, HybridConfig)
        space = problem.space
        n_edges, n_ops, n_obj = space.n_edges, space.n_ops, problem.n_objectives
        ledger = QueryLedger(problem, cfg.max_queries, recorder, EXTRA_COLUMNS)
        use_problem = problem.differentiable and cfg.surrogate == "auto"
        surrogate = None if use_problem else _Surrogate(n_edges, n_ops, n_obj - 1, cfg, rng)
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
        while not ledger.done and stall < STALL_FACTOR and population:
            generation += 1
            while stage < len(boundaries) and ledger.queries >= boundaries[stage]:
                stage += 1
                self._prune(ledger, allowed, cfg.min_ops)
            before = ledger.queries
            known = list(ledger.order)
            refined: list[Cell] = []
            loss = math.nan
            if cfg.n_refine > 0:
                refined, norms, loss = self._refine(problem, ledger, surrogate, population,
                                                    ranks, crowd, allowed, rng)
                grad_norms.append(float(np.mean(norms)))
                ledger.extras["grad_norm"] = float(np.mean(norms))
            ledger.extras.update(generation=float(generation), stage=float(stage),
                                 allowed_ops=float(allowed.sum()), predictor_loss=loss)
            offspring = make_offspring(population, ranks, crowd, cfg.pop, cfg.crossover_prob,
                                       cfg.mutation_rate, allowed, rng)
            cells, values = ledger.query(offspring + refined)
            known_set = set(known)
            new_refined = {c for c in refined if c in ledger.cache and c not in known_set}
            population, objectives, ranks, crowd = survive(
                population + cells, np.vstack([objectives, values]), cfg.pop, rng)
            kept = sum(1 for c in population if c in new_refined)
            refined_total += len(new_refined)
            refined_kept_total += kept
            ledger.extras.update(refined_new=float(len(new_refined)),
                                 refined_survivors=float(kept))
            new_cells = ledger.order[before:]
            if surrogate is not None and cfg.n_refine > 0 and len(new_cells) >= 3:
                rho = self._spearman(surrogate, ledger, new_cells, n_edges, n_ops)
                if math.isfinite(rho):
                    spearman_values.append(rho)
                ledger.extras["predictor_spearman"] = rho
            stall = stall + 1 if ledger.queries == before else 0
        pruned = [[space.ops[o] for o in np.flatnonzero(~allowed[e])] for e in range(n_edges)]
        ledger.summarise(
            generations=generation,
            refined_queries=refined_total,
            refined_survivors=refined_kept_total,
            mean_predictor_spearman=(float(np.mean(spearman_values)) if spearman_values
                                     else math.nan),
            mean_grad_norm=float(np.mean(grad_norms)) if grad_norms else math.nan,
            pruned_ops=[",".join(p) for p in pruned],
            surrogate="problem" if use_problem else "predictor",
            final_population=[cell_name(space, c) for c in population],
        )

    # -- components -----------------------------------------------------------------------
    @staticmethod
    def _prune(ledger: QueryLedger, allowed: NDArray[np.bool_], min_ops: int) -> None:
        """Remove, per edge, one op whose marginal ideal point is dominated (docstring)."""
        cells = np.array(ledger.order)
        values = np.array([ledger.cache[c] for c in ledger.order])
        ranks = pareto_ranks(values)
        for edge in range(allowed.shape[0]):
            options = [int(o) for o in np.flatnonzero(allowed[edge])]
            if len(options) <= min_ops:
                continue
            ideal: dict[int, NDArray[np.float64]] = {}
            mean_rank: dict[int, float] = {}
            for op in options:
                using = cells[:, edge] == op
                if using.any():
                    ideal[op] = values[using].min(axis=0)
                    mean_rank[op] = float(ranks[using].mean())
            dominated = [op for op in ideal if any(
                other != op and np.all(ideal[other] <= ideal[op])
                and np.any(ideal[other] < ideal[op]) for other in ideal)]
            if dominated:
                weakest = max(dominated, key=lambda op: (mean_rank[op], op))
                allowed[edge, weakest] = False

    def _refine(self, problem: ArchitectureProblem, ledger: QueryLedger,
                surrogate: _Surrogate | None, population: list[Cell],
                ranks: NDArray[np.int64], crowd: NDArray[np.float64],
                allowed: NDArray[np.bool_], rng: np.random.Generator
                ) -> tuple[list[Cell], NDArray[np.float64], float]:
        cfg = self.config
        space = problem.space
        n_edges, n_ops, n_obj = space.n_edges, space.n_ops, problem.n_objectives
        parents = [population[int(i)]
                   for i in binary_tournament(ranks, crowd, cfg.n_refine, rng)]
        weights = rng.dirichlet(np.ones(n_obj), size=len(parents))
        queried = list(ledger.order)
        values = np.array([ledger.cache[c] for c in queried])
        lo = values.min(axis=0)
        span = np.where(values.max(axis=0) > lo, values.max(axis=0) - lo, 1.0)
        mask = np.where(allowed, 0.0, PRUNED_LOGIT)
        alpha0 = np.array([space.to_alpha(c, cfg.init_confidence) for c in parents])
        loss = math.nan
        if surrogate is None:
            alpha, norms = self._refine_with_problem(problem, alpha0, weights, mask, lo, span)
        else:
            codes = one_hot(queried, n_edges, n_ops)
            loss = surrogate.fit(codes, values[:, 0], cfg.train_steps)
            tables = np.empty((n_obj - 1, n_edges, n_ops))
            intercepts = np.empty(n_obj - 1)
            for m in range(1, n_obj):
                tables[m - 1], intercepts[m - 1] = fit_cost_table(codes, values[:, m],
                                                                  n_edges, n_ops)
            alpha, norms = surrogate.refine(alpha0, weights, mask, lo, span, tables,
                                            intercepts, cfg.step_size, cfg.refine_steps)
        refined = [space.from_alpha(a + mask) for a in alpha]
        return refined, norms, loss

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
            for step in range(cfg.refine_steps):
                _, grads = problem.objective_gradients(alpha + mask)
                direction = np.tensordot(weights[k] / span, grads, axes=1)
                if step == 0:
                    norms[k] = float(np.linalg.norm(direction))
                alpha = alpha - cfg.step_size * direction
            out[k] = alpha
        return out, norms

    @staticmethod
    def _spearman(surrogate: _Surrogate, ledger: QueryLedger, new_cells: list[Cell],
                  n_edges: int, n_ops: int) -> float:
        """Rank correlation of out-of-sample predictions with the measured search error."""
        predicted = surrogate.predict(one_hot(new_cells, n_edges, n_ops))
        actual = np.array([ledger.cache[c][0] for c in new_cells])
        if np.ptp(predicted) == 0 or np.ptp(actual) == 0:
            return math.nan
        return float(stats.spearmanr(predicted, actual).statistic)
