"""The MNIST5k weight-sharing supernet as an architecture problem ("mnist-supernet").

Candidates are cells of the configured family (tuples of operation indices, one per edge;
index of ``none`` drops an edge). The objectives, minimised:

* ``error`` — one-shot validation error (fraction) of the cell evaluated with the weights it
  inherits from the supernet: the supernet's mixed operations are given one-hot weights on
  the cell's operations (Bender et al., ICML 2018; the one-shot estimate of Liu et al.,
  ICLR 2019), batch-norm statistics of the evaluation batches;
* ``latency`` — the cell's latency (ms) predicted from per-operation latencies measured on
  this machine (:mod:`solvers.supernet.hardware`);
* ``memory`` — its parameter + activation memory (MB), analytic.

The supernet is trained lazily on first use: ``warmup_steps`` weight steps (SGD-momentum)
with uniform architecture weights on the training split, from ``instance_seed``.

``objective_gradients(alpha)`` runs real DARTS steps: one weight step at alpha (the shared
weights keep training), then the architecture gradient (first or second order) of the
validation loss, with the exact gradients of the expected latency and memory. Its first
value is the validation cross-entropy (the differentiable model of the error), not the
error rate. ``report`` gives the one-shot error on the held-out test split; retraining
from scratch is done by the search pipeline (``solvers.supernet.search``), not per query.

TensorFlow is imported when the supernet is first needed, never at import of this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule, choices
from solvers.problems.architecture import ArchitectureProblem, Cell
from solvers.search_space import CellSpace, DartsCell, NB201Cell

__all__ = ["SupernetConfig", "SupernetProblem"]


@dataclass(frozen=True)
class SupernetConfig(Config):
    cell: str = field(default="nb201", metadata={"help": "darts or nb201"})
    channels: int = field(default=8, metadata={"help": "supernet channels"})
    intermediate_nodes: int = field(default=2, metadata={"help": "DARTS intermediate nodes"})
    ops: str = field(default="", metadata={"help": "operation subset ('' = all)"})
    warmup_steps: int = field(default=100, metadata={"help": "supernet training steps"})
    batch: int = field(default=64, metadata={"help": "batch size"})
    eval_images: int = field(default=500, metadata={"help": "validation images per query"})
    order: str = field(default="first", metadata={"help": "DARTS order of the gradients"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the supernet weights"})
    split_seed: int = field(default=0, metadata={"help": "seed of the data split"})
    seconds_per_query: float = field(default=1.0, metadata={
        "help": "simulated search seconds charged per one-shot query"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        choices("cell", ("darts", "nb201")),
        choices("order", ("first", "second")),
        Rule("warmup_steps >= 0", ("warmup_steps",), lambda c: c.warmup_steps >= 0),
        Rule("batch >= 2", ("batch",), lambda c: c.batch >= 2),
        Rule("10 <= eval_images <= 2000", ("eval_images",),
             lambda c: 10 <= c.eval_images <= 2000),
        Rule("instance_seed >= 0 and split_seed >= 0", ("instance_seed", "split_seed"),
             lambda c: c.instance_seed >= 0 and c.split_seed >= 0),
        Rule("seconds_per_query >= 0", ("seconds_per_query",),
             lambda c: c.seconds_per_query >= 0),
    )


class SupernetProblem(ArchitectureProblem[SupernetConfig]):
    """One-shot evaluation of cells with weights inherited from a trained supernet."""

    name = "mnist-supernet"
    Config = SupernetConfig
    differentiable = True

    def __init__(self, config: SupernetConfig) -> None:
        super().__init__(config)
        if config.cell == "darts":
            from solvers.search_space import DARTS_OPS

            ops = tuple(o.strip() for o in config.ops.split(",")) if config.ops else DARTS_OPS
            self.space: CellSpace = DartsCell(config.intermediate_nodes, ops)
        else:
            self.space = NB201Cell()
            if config.ops:
                self.space.ops = tuple(o.strip() for o in config.ops.split(","))
        self._built: dict[str, Any] | None = None

    # -- lazy supernet ------------------------------------------------------------------
    def _net(self) -> dict[str, Any]:
        if self._built is not None:
            return self._built
        import tensorflow as tf

        from solvers.supernet import hardware
        from solvers.supernet.model import ArchState, NetConfig, Network, initialise, mnist_split

        cfg = self.config
        net_cfg = NetConfig(cell=cfg.cell, channels=cfg.channels,
                            intermediate_nodes=cfg.intermediate_nodes, ops=cfg.ops)
        rng = np.random.default_rng(np.random.SeedSequence(cfg.instance_seed))
        network = Network(net_cfg)
        initialise(network, rng)
        n_edges, n_ops = network.space.n_edges, network.space.n_ops
        state = ArchState(network, np.zeros((n_edges, n_ops)))
        data = mnist_split(cfg.split_seed)
        tx, ty = tf.constant(data.train_x), tf.constant(data.train_y)
        for _ in range(cfg.warmup_steps):
            idx = tf.constant(rng.choice(len(data.train_y), cfg.batch, replace=False))
            state.weight_step(tf.gather(tx, idx), tf.gather(ty, idx))
        logits = tf.function(lambda x, w: network.call(x, w, training=True), autograph=False)
        self._built = {"state": state, "data": data, "rng": rng, "logits": logits,
                       "costs": hardware.build_cost_table(net_cfg, repeats=5)}
        return self._built

    def _one_hot(self, cell: Cell) -> NDArray[np.float64]:
        from solvers.supernet.model import discrete_edge_ops

        weights = np.zeros((self.space.n_edges, self.space.n_ops))
        for e, ops in enumerate(discrete_edge_ops(self.space, cell)):
            for name in ops:
                weights[e, self.space.ops.index(name)] = 1.0
        return weights

    def _errors(self, cells: Sequence[Cell], split: str) -> NDArray[np.float64]:
        import tensorflow as tf

        built = self._net()
        data = built["data"]
        x = data.val_x if split == "val" else data.test_x
        y = data.val_y if split == "val" else data.test_y
        n = min(self.config.eval_images, len(y))
        errors = np.empty(len(cells))
        for i, cell in enumerate(cells):
            w = tf.constant(self._one_hot(cell), dtype=tf.float32)
            wrong = 0
            for b in range(0, n, 250):
                out = built["logits"](tf.constant(x[b:min(b + 250, n)]), w).numpy()
                wrong += int(np.sum(out.argmax(axis=1) != y[b:min(b + 250, n)]))
            errors[i] = wrong / n
        return errors

    def _costs(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        from solvers.supernet.model import discrete_edge_ops

        costs = self._net()["costs"]
        return np.array([costs.discrete(discrete_edge_ops(self.space, c)) for c in cells])

    # -- interface ----------------------------------------------------------------------
    def evaluate(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        valid = [self.space.validate(c) for c in cells]
        return np.column_stack([self._errors(valid, "val"), self._costs(valid)])

    def report(self, cells: Sequence[Cell]) -> dict[str, NDArray[np.float64]]:
        valid = [self.space.validate(c) for c in cells]
        costs = self._costs(valid)
        return {"one_shot_test_error": self._errors(valid, "test"),
                "latency_ms": costs[:, 0], "memory_mb": costs[:, 1]}

    def query_seconds(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        return np.full(len(cells), self.config.seconds_per_query)

    def objective_gradients(self, alpha: NDArray[np.float64]
                            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        import tensorflow as tf

        from solvers.supernet import darts

        matrix = np.asarray(alpha, dtype=float)
        if matrix.shape != (self.space.n_edges, self.space.n_ops) or \
                not np.all(np.isfinite(matrix)):
            from theory.errors import InvalidParameterError

            raise InvalidParameterError(
                f"alpha is finite with shape ({self.space.n_edges}, {self.space.n_ops})",
                f"shape {matrix.shape}")
        built = self._net()
        state, data, rng = built["state"], built["data"], built["rng"]
        state.alpha.assign(matrix.astype(np.float32))
        ti = rng.choice(len(data.train_y), self.config.batch, replace=False)
        vi = rng.choice(len(data.val_y), self.config.batch, replace=False)
        train = (tf.constant(data.train_x[ti]), tf.constant(data.train_y[ti]))
        val = (tf.constant(data.val_x[vi]), tf.constant(data.val_y[vi]))
        state.weight_step(*train)  # the inner problem keeps training at this alpha
        arch = (darts.first_order(state, val) if self.config.order == "first"
                else darts.second_order(state, train, val))
        lat, g_lat = built["costs"].expected_latency(matrix)
        mem, g_mem = built["costs"].expected_memory(matrix)
        return (np.array([arch.val_loss, lat, mem]), np.stack([arch.grad, g_lat, g_mem]))

    def reference_point(self) -> NDArray[np.float64]:
        costs = self._net()["costs"]
        lat = float(costs.latency_ms.sum(axis=0).max()) * self.space.n_edges \
            * costs.cells_per_stage
        mem = float((costs.params + costs.activations).sum(axis=0).max()) * 4e-6 \
            * self.space.n_edges * costs.cells_per_stage
        return np.array([1.0, 1.1 * lat, 1.1 * mem])
