"""DARTS (Liu, Simonyan & Yang, ICLR 2019) as a solver of architecture problems.

On the supernet problem ("mnist-supernet") on MNIST5k it runs the real, instrumented search of
:mod:`solvers.supernet.search` (weights by SGD-momentum, alpha by Adam, first or second
order, optional hardware terms by weighted sum or MGDA), derives the discrete cell,
retrains it from scratch and tests it; the trace holds the bilevel instrumentation.

On any other differentiable architecture problem it runs DARTS's outer loop on the
problem's own ``objective_gradients`` (Adam on alpha, objectives combined the same way),
derives the cell by argmax (NAS-Bench-201) or DARTS's rule, and records the derived cell's
objectives each step. TensorFlow is imported only on the supernet path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from solvers.algorithms.base import Solver
from solvers.config import Config, Rule, choices
from solvers.problems.architecture import ArchitectureProblem
from solvers.problems.base import Problem
from solvers.search_space import DartsCell, softmax
from solvers.supernet.mgda import mgda_direction, weighted_sum_direction
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError

__all__ = ["Darts", "DartsConfig"]


@dataclass(frozen=True)
class DartsConfig(Config):
    steps: int = field(default=150, metadata={"help": "search iterations"})
    order: str = field(default="first", metadata={"help": "first or second"})
    batch: int = field(default=32, metadata={"help": "batch (supernet)"})
    w_lr: float = field(default=0.05, metadata={"help": "weight learning rate (supernet)"})
    a_lr: float = field(default=3e-2, metadata={"help": "alpha Adam learning rate"})
    warmup: int = field(default=50, metadata={"help": "weight-only iterations (supernet)"})
    latency_weight: float = field(default=0.0, metadata={"help": "weight of latency"})
    memory_weight: float = field(default=0.0, metadata={"help": "weight of memory"})
    combine: str = field(default="weighted", metadata={"help": "weighted or mgda"})
    hessian_every: int = field(default=0, metadata={"help": "alpha-Hessian eigenvalue every k"})
    reference_every: int = field(default=0, metadata={"help": "hypergradient reference every k"})
    retrain_epochs: int = field(default=15, metadata={"help": "retraining epochs (supernet)"})
    retrain_channels: int = field(default=32, metadata={"help": "retraining channels"})
    baseline: bool = field(default=True, metadata={"help": "also train the plain CNN"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("steps >= 1", ("steps",), lambda c: c.steps >= 1),
        choices("order", ("first", "second")),
        choices("combine", ("weighted", "mgda")),
        Rule("a_lr > 0", ("a_lr",), lambda c: c.a_lr > 0),
        Rule("latency_weight >= 0 and memory_weight >= 0",
             ("latency_weight", "memory_weight"),
             lambda c: c.latency_weight >= 0 and c.memory_weight >= 0),
        Rule("retrain_epochs >= 0", ("retrain_epochs",), lambda c: c.retrain_epochs >= 0),
    )


class Darts(Solver[DartsConfig]):
    name = "darts"
    Config = DartsConfig
    problem_kinds = ("architecture",)
    #: capabilities a problem must declare as a true class attribute of that name
    #: (ArchitectureProblem.differentiable: it has ``objective_gradients``)
    problem_capabilities: ClassVar[tuple[str, ...]] = ("differentiable",)
    #: trace columns that depend on the machine, not on the seed (the supernet's expected
    #: latency comes from per-operation timings measured on this machine)
    volatile_columns: ClassVar[tuple[str, ...]] = ("expected_latency_ms",)
    #: summary entries that depend on the machine (timings, measured latencies)
    volatile_summary_keys: ClassVar[tuple[str, ...]] = (
        "search_seconds", "setup_seconds", "steps_per_second", "total_seconds",
        "estimated_cell_latency_ms", "real_latency_ms_search_width",
        "retrain_train_seconds", "retrained_latency_ms", "plain_cnn_train_seconds")

    def validate(self, problem: Problem) -> None:
        super().validate(problem)
        for capability in self.problem_capabilities:
            if not getattr(problem, capability, False):
                raise InvalidParameterError(
                    f"solver {self.name!r} runs on a {capability} architecture problem",
                    f"problem {problem.name!r} is not {capability}")

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, ArchitectureProblem)
        if problem.name == "mnist-supernet" and \
                getattr(problem.config, "dataset", "mnist5k") == "mnist5k":
            # the MNIST5k pipeline (search, derive, retrain, plain CNN); on PneumoniaMNIST
            # the outer loop runs on the problem's own DARTS gradients (generic path)
            self._run_supernet(problem, rng, recorder)
        else:
            self._run_generic(problem, rng, recorder)

    def _run_supernet(self, problem: ArchitectureProblem, rng: np.random.Generator,
                      recorder: TraceRecorder) -> None:
        from solvers.supernet.search import SearchConfig, run_search

        p: Any = problem.config
        c = self.config
        assert isinstance(c, DartsConfig)
        search = SearchConfig(cell=p.cell, channels=p.channels,
                              intermediate_nodes=p.intermediate_nodes, ops=p.ops,
                              split_seed=p.split_seed, steps=c.steps, order=c.order,
                              batch=c.batch, w_lr=c.w_lr, a_lr=c.a_lr,
                              warmup=min(c.warmup, c.steps - 1),
                              latency_weight=c.latency_weight, memory_weight=c.memory_weight,
                              combine=c.combine, hessian_every=c.hessian_every,
                              reference_every=c.reference_every,
                              retrain_epochs=c.retrain_epochs,
                              retrain_channels=c.retrain_channels, baseline=c.baseline)
        run_search(search, rng, recorder)

    def _run_generic(self, problem: ArchitectureProblem, rng: np.random.Generator,
                     recorder: TraceRecorder) -> None:
        c = self.config
        assert isinstance(c, DartsConfig)
        space = problem.space
        alpha = 1e-3 * rng.standard_normal((space.n_edges, space.n_ops))
        m = np.zeros_like(alpha)
        v = np.zeros_like(alpha)
        b1, b2 = 0.5, 0.999
        weights = np.array([1.0, c.latency_weight, c.memory_weight])[:problem.n_objectives]
        for t in range(1, c.steps + 1):
            values, grads = problem.objective_gradients(alpha)
            active = weights > 0
            if c.combine == "mgda" and active.sum() > 1:
                direction, _ = mgda_direction(grads[active])
            else:
                direction = weighted_sum_direction(grads, weights)
            m = b1 * m + (1 - b1) * direction
            v = b2 * v + (1 - b2) * direction**2
            alpha = alpha - c.a_lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + 1e-8)
            cell = _derive(space, alpha)
            objectives = problem.evaluate([cell])[0]
            w = softmax(alpha)
            entropy = float(np.mean(-np.sum(w * np.log(w), axis=1)))
            recorder.record(t, t, model_value=float(values[0]),
                            # the differentiable model of the second objective (the
                            # supernets' expected latency under softmax(alpha))
                            expected_latency_ms=float(values[1]) if len(values) > 1
                            else float("nan"),
                            grad_alpha_norm=float(np.linalg.norm(grads[0])),
                            alpha_entropy=entropy, cell=",".join(map(str, cell)),
                            **{f"f_{n}": float(o) for n, o in
                               zip(problem.objective_names, objectives, strict=True)})
        final = _derive(space, alpha)
        recorder.set_summary(cell=",".join(map(str, final)),
                             **{f"final_{n}": float(o) for n, o in
                                zip(problem.objective_names, problem.evaluate([final])[0],
                                    strict=True)})


def _derive(space: Any, alpha: np.ndarray) -> tuple[int, ...]:
    """The discrete cell as operation indices (DARTS's rule for DARTS cells)."""
    if isinstance(space, DartsCell):
        cell = [0] * space.n_edges
        for j, node in enumerate(space.derive(alpha)):
            for op, source in node:
                cell[space.edges.index((2 + j, source))] = space.ops.index(op)
        return tuple(cell)
    return tuple(int(i) for i in space.from_alpha(alpha))
