"""The MNIST5k weight-sharing supernet as an architecture problem ("mnist-supernet").

Candidates are cells of the configured family (tuples of operation indices, one per edge;
index of ``none`` drops an edge). The objectives, minimised:

* ``error`` — one-shot validation error (fraction) of the cell evaluated with the weights it
  inherits from the supernet: the supernet's mixed operations are given one-hot weights on
  the cell's operations (Bender et al., ICML 2018; the one-shot estimate of Liu et al.,
  ICLR 2019), batch-norm statistics of the evaluation batches;
* ``latency`` — the cell's latency (ms) predicted from per-operation latencies: with
  ``latency="stored"`` (default) the table shipped as package data
  (:mod:`solvers.supernet.latency_store`, measured once, machine recorded in the file), so
  the same seed selects the same cells on any machine; with ``latency="measured"`` timed on
  this machine when the supernet is built (:mod:`solvers.supernet.hardware`), which depends
  on the machine and its load;
* ``memory`` — its parameter + activation memory (MB), analytic.

``dataset="pneumonia"`` trains and evaluates the same supernet on PneumoniaMNIST
(MedMNIST v2 chest X-rays, 28x28 grayscale, the official train / val / test split, two
classes; the medical-imaging task of the seed paper): the error is then the one-shot error
on its validation split. Its latency table is the stored one of the same cell and channels
(the per-operation latencies of the cells do not depend on the classifier's width).

The supernet is trained lazily on first use: ``warmup_steps`` weight steps (SGD-momentum)
with uniform architecture weights on the training split, from ``instance_seed``.

**Memoised warm-up.** Tracing the compiled steps and the warm-up dominate a run's cost
(about 13 s for the NB-201 cell and 50 s for the DARTS cell at 8 channels on two cores,
against 0.05-0.3 s per query), so a process keeps one built supernet per configuration
(and thread) with a snapshot of its warmed-up state: every variable (weights, batch-norm
statistics, momentum and Adam buffers, alpha, learning rate) and the generator's state
after the warm-up. A later problem with the same configuration restores that snapshot
instead of retraining, and reuses the traced functions, so its results are bit-identical
to a fresh process's. When two live problems of one configuration alternate, the one that
hands the supernet over keeps its own snapshot and gets it back on its next call.

``objective_gradients(alpha)`` runs real DARTS steps: one weight step at alpha (the shared
weights keep training; ``gradient_weight_step=False`` freezes them, so that a gradient-using
method evaluates its cells on the same supernet as the methods that only query), then the
architecture gradient (first or second order) of the validation loss, with the exact
gradients of the expected latency and memory. Its first value is the validation
cross-entropy (the differentiable model of the error), not the error rate. ``report``
gives the one-shot error on the held-out test split; retraining from scratch is done by
the search pipeline (``solvers.supernet.search``), not per query.

TensorFlow is imported when the supernet is first needed, never at import of this module.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule, choices
from solvers.problems.architecture import ArchitectureProblem, Cell
from solvers.search_space import CellSpace, DartsCell, NB201Cell

__all__ = ["SupernetConfig", "SupernetProblem"]

#: the data sets a supernet can be trained on: name -> number of classes
SUPERNET_DATASETS = ("mnist5k", "pneumonia")
_CLASSES = {"mnist5k": 10, "pneumonia": 2}
#: built supernets of this process: shared key -> objects, variables, warm snapshot, owner
_SHARED: dict[tuple[Any, ...], dict[str, Any]] = {}


def _capture(variables: Sequence[Any]) -> list[NDArray[Any]]:
    return [np.array(v.numpy(), copy=True) for v in variables]


def _restore(variables: Sequence[Any], values: Sequence[NDArray[Any]]) -> None:
    for var, value in zip(variables, values, strict=True):
        var.assign(value)


def claim_shared(shared: dict[str, Any], problem: Any) -> None:
    """Hand a memoised supernet to ``problem``: the previous owner keeps a snapshot of its
    state, ``problem`` gets its own back (or the warm one) and, on first use, a generator at
    the warm-up's state (the module doc's memoised warm-up; shared by every supernet
    problem)."""
    if shared["owner"]() is problem:
        return
    previous = shared["owner"]()
    if previous is not None:
        previous._saved = _capture(shared["variables"])
    _restore(shared["variables"], problem._saved if problem._saved is not None
             else shared["warm"])
    problem._saved = None
    if problem._rng is None:
        problem._rng = np.random.Generator(type(shared["bit_generator"])())
        problem._rng.bit_generator.state = shared["warm_rng"]
    shared["owner"] = weakref.ref(problem)


@dataclass(frozen=True)
class SupernetConfig(Config):
    dataset: str = field(default="mnist5k", metadata={
        "help": "mnist5k (seeded split of 5,000 digits) | pneumonia (PneumoniaMNIST, "
        "official split, 2 classes)"})
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
    latency: str = field(default="stored", metadata={
        "help": "stored (the package's latency table) or measured (timed at build)"})
    gradient_weight_step: bool = field(default=True, metadata={
        "help": "objective_gradients takes a weight step first (false: frozen weights)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        choices("dataset", SUPERNET_DATASETS),
        choices("cell", ("darts", "nb201")),
        choices("latency", ("stored", "measured")),
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
        if config.latency == "stored":
            from solvers.supernet.latency_store import stored_latency, table_key

            stored_latency(table_key(config.cell, config.channels, tuple(self.space.ops),
                                     intermediate_nodes=config.intermediate_nodes))
        self._rng: np.random.Generator | None = None
        self._saved: list[NDArray[Any]] | None = None  # own state while another holds it
        self._costs_table: Any = None

    # -- lazy supernet ------------------------------------------------------------------
    def _shared_key(self) -> tuple[Any, ...]:
        """What the built supernet and its warmed-up state depend on (and the thread)."""
        fields = self.config.to_dict()
        for name in ("seconds_per_query", "eval_images", "latency", "order",
                     "gradient_weight_step"):
            fields.pop(name)
        return (threading.get_ident(), *sorted(fields.items()))

    def _net(self) -> dict[str, Any]:
        shared = _SHARED.get(self._shared_key())
        if shared is None:
            shared = self._build()
        else:
            claim_shared(shared, self)
        return {**shared, "rng": self._rng, "costs": self._cost_table()}

    def _cost_table(self) -> Any:
        """The latency/memory table: stored (no supernet needed) or measured once here."""
        if self._costs_table is None:
            from solvers.supernet import hardware
            from solvers.supernet.model import NetConfig

            cfg = self.config
            net_cfg = NetConfig(cell=cfg.cell, channels=cfg.channels,
                                intermediate_nodes=cfg.intermediate_nodes, ops=cfg.ops)
            self._costs_table = (hardware.stored_cost_table(net_cfg)
                                 if cfg.latency == "stored"
                                 else hardware.build_cost_table(net_cfg, repeats=5))
        return self._costs_table

    def _build(self) -> dict[str, Any]:
        """Build, trace and warm up the supernet; memoise it with its warm snapshot."""
        import tensorflow as tf

        from solvers.supernet.model import (
            ArchState,
            NetConfig,
            Network,
            initialise,
            mnist_split,
            pneumonia_split,
        )

        cfg = self.config
        net_cfg = NetConfig(cell=cfg.cell, channels=cfg.channels,
                            intermediate_nodes=cfg.intermediate_nodes, ops=cfg.ops)
        rng = np.random.default_rng(np.random.SeedSequence(cfg.instance_seed))
        network = Network(net_cfg, num_classes=_CLASSES[cfg.dataset])
        initialise(network, rng)
        n_edges, n_ops = network.space.n_edges, network.space.n_ops
        state = ArchState(network, np.zeros((n_edges, n_ops)))
        data = mnist_split(cfg.split_seed) if cfg.dataset == "mnist5k" else pneumonia_split()
        tx, ty = tf.constant(data.train_x), tf.constant(data.train_y)
        for _ in range(cfg.warmup_steps):
            idx = tf.constant(rng.choice(len(data.train_y), cfg.batch, replace=False))
            state.weight_step(tf.gather(tx, idx), tf.gather(ty, idx))
        logits = tf.function(lambda x, w: network.call(x, w, training=True), autograph=False)
        variables = [*network.variables, *state.momentum, state.alpha, state.adam_m,
                     state.adam_v, state.adam_t, state.w_lr]
        shared = {"state": state, "data": data, "logits": logits, "net_cfg": net_cfg,
                  "variables": variables, "warm": _capture(variables),
                  "warm_rng": rng.bit_generator.state, "bit_generator": rng.bit_generator,
                  "owner": weakref.ref(self)}
        _SHARED[self._shared_key()] = shared
        self._rng = rng
        return shared

    def _one_hot(self, cell: Cell) -> NDArray[np.float64]:
        from solvers.supernet.model import discrete_edge_ops

        weights = np.zeros((self.space.n_edges, self.space.n_ops))
        for e, ops in enumerate(discrete_edge_ops(self.space, cell)):
            for name in ops:
                weights[e, self.space.ops.index(name)] = 1.0
        return weights

    def _logits(self, cell: Cell, split: str) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """The cell's one-shot logits on the first ``eval_images`` of ``split``, and labels."""
        import tensorflow as tf

        built = self._net()
        data = built["data"]
        x = data.val_x if split == "val" else data.test_x
        y = data.val_y if split == "val" else data.test_y
        n = min(self.config.eval_images, len(y))
        w = tf.constant(self._one_hot(cell), dtype=tf.float32)
        out = [built["logits"](tf.constant(x[b:min(b + 250, n)]), w).numpy()
               for b in range(0, n, 250)]
        return np.concatenate(out).astype(float), np.asarray(y[:n])

    def _errors(self, cells: Sequence[Cell], split: str) -> NDArray[np.float64]:
        errors = np.empty(len(cells))
        for i, cell in enumerate(cells):
            logits, labels = self._logits(cell, split)
            errors[i] = float(np.mean(logits.argmax(axis=1) != labels))
        return errors

    def _auc(self, cells: Sequence[Cell], split: str) -> NDArray[np.float64]:
        """ROC AUC of the two-class one-shot score (logit of class 1 minus class 0): the
        Mann-Whitney U of the positives' scores against the negatives' over n1 n0 (ties
        count 1/2; scipy's U), NaN when a class is absent from the evaluated images."""
        from scipy import stats

        result = np.empty(len(cells))
        for i, cell in enumerate(cells):
            logits, labels = self._logits(cell, split)
            score = logits[:, 1] - logits[:, 0]
            pos, neg = score[labels == 1], score[labels == 0]
            result[i] = (float(stats.mannwhitneyu(pos, neg).statistic) / (len(pos) * len(neg))
                         if len(pos) and len(neg) else float("nan"))
        return result

    def _costs(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        from solvers.supernet.model import discrete_edge_ops

        costs = self._cost_table()
        return np.array([costs.discrete(discrete_edge_ops(self.space, c)) for c in cells])

    # -- interface ----------------------------------------------------------------------
    def evaluate(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        valid = [self.space.validate(c) for c in cells]
        return np.column_stack([self._errors(valid, "val"), self._costs(valid)])

    def report(self, cells: Sequence[Cell]) -> dict[str, NDArray[np.float64]]:
        valid = [self.space.validate(c) for c in cells]
        costs = self._costs(valid)
        out = {"one_shot_test_error": self._errors(valid, "test"),
               "latency_ms": costs[:, 0], "memory_mb": costs[:, 1]}
        if self.config.dataset == "pneumonia":  # imbalanced test split: AUC beside accuracy
            out["one_shot_test_auc"] = self._auc(valid, "test")
        return out

    def query_seconds(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        return np.full(len(cells), self.config.seconds_per_query)

    # -- training from scratch (solver "train-from-scratch") -----------------------------
    trains_from_scratch = True

    @property
    def reference_models(self) -> tuple[str, ...]:
        """MNIST5k: the plain two-layer CNN; PneumoniaMNIST: the ResNet-18-style network."""
        return ("plain-cnn",) if self.config.dataset == "mnist5k" else ("resnet18",)

    def train_from_scratch(self, model: str, cell: Cell | None, preset: str, epochs: int,
                           rng: np.random.Generator
                           ) -> tuple[list[dict[str, float]], dict[str, Any]]:
        """Train the cell (in the skeleton, from scratch) or the reference; held-out metrics.

        MNIST5k: :func:`solvers.supernet.search.retrain` / ``plain_cnn`` on train + validation
        of the seeded split, test accuracy (preset quick: 3 epochs at 16 channels; full: the
        search pipeline's 15 epochs at 32). PneumoniaMNIST: :mod:`solvers.applications.pneumonia`
        (threshold on validation, test accuracy and ROC AUC)."""
        if self.config.dataset == "pneumonia":
            import dataclasses

            from solvers.applications import pneumonia

            recipe = pneumonia.QUICK if preset == "quick" else pneumonia.FULL
            if epochs:
                recipe = dataclasses.replace(recipe, epochs=epochs)
            seed = int(rng.integers(2**31 - 1))  # the recipe's functions take an int seed
            result = (pneumonia.resnet18_reference(recipe, seed) if cell is None else
                      pneumonia.retrain_pneumonia_cell(list(cell), recipe, seed))
            return [], {k: v for k, v in result.items()
                        if isinstance(v, int | float | str) and k not in ("model", "seed")}
        from solvers.supernet.model import discrete_edge_ops, mnist_split
        from solvers.supernet.search import SearchConfig, plain_cnn, retrain

        quick = preset == "quick"
        config = SearchConfig(cell=self.config.cell, ops=self.config.ops,
                              intermediate_nodes=self.config.intermediate_nodes,
                              retrain_epochs=epochs or (3 if quick else 15),
                              retrain_channels=16 if quick else 32,
                              split_seed=self.config.split_seed)
        data = mnist_split(config.split_seed, config.n_test, config.n_val, config.n_train)
        if cell is None:
            result = plain_cnn(data, config, rng)
        else:
            _, result = retrain(discrete_edge_ops(self.space, cell), config, data, rng)
        return [], {"test_accuracy": result["test_accuracy"],
                    "train_seconds": result["train_seconds"],
                    "final_train_loss": result["final_train_loss"]}

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
        if self.config.gradient_weight_step:
            state.weight_step(*train)  # the inner problem keeps training at this alpha
        arch = (darts.first_order(state, val) if self.config.order == "first"
                else darts.second_order(state, train, val))
        lat, g_lat = built["costs"].expected_latency(matrix)
        mem, g_mem = built["costs"].expected_memory(matrix)
        return (np.array([arch.val_loss, lat, mem]), np.stack([arch.grad, g_lat, g_mem]))

    def reference_point(self) -> NDArray[np.float64]:
        costs = self._cost_table()
        lat = float(costs.latency_ms.sum(axis=0).max()) * self.space.n_edges \
            * costs.cells_per_stage
        mem = float((costs.params + costs.activations).sum(axis=0).max()) * 4e-6 \
            * self.space.n_edges * costs.cells_per_stage
        return np.array([1.0, 1.1 * lat, 1.1 * mem])
