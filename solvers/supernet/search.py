"""The instrumented DARTS search on MNIST5k, derivation, retraining from scratch.

One iteration (Liu et al., ICLR 2019, Algorithm 1): after ``warmup`` weight-only
iterations (as later DARTS variants do, to reduce the early bias towards parameter-free
operations), an architecture step on a validation batch (first or second order,
:mod:`solvers.supernet.darts`), optionally hardware-aware (expected latency and memory of
:mod:`solvers.supernet.hardware`, combined by a weighted sum or by MGDA's common descent
direction, :mod:`solvers.supernet.mgda`), then a weight step on a training batch. Every iteration
records to a :class:`TraceRecorder`:

``train_loss``, ``val_loss``, ``grad_alpha_norm`` (of the error's architecture gradient),
``alpha_entropy`` (mean over edges of the entropy of softmax(alpha), nats),
``dominant_ops`` (argmax operation index per edge, as text), ``param_free_selected``
(parameter-free operations in the derived discrete cell: the skip-connection collapse
of DARTS), ``skip_selected``, ``expected_latency_ms``, ``expected_memory_mb``,
``hessian_eig`` (dominant eigenvalue of grad^2_aa L_val by power iteration on
central-difference Hessian-vector products of the compiled gradient, Zela et al., ICLR
2020; NaN where not computed), ``hypergrad_error_first``/``_second`` (against the
implicit reference of the head-only bilevel problem, NaN where not computed) and the
cumulative gradient evaluations.

After the search the discrete cell is derived (DARTS's rule for DARTS cells, argmax for
NAS-Bench-201 cells), retrained from scratch on train + validation and tested on the
held-out split; a plain two-layer CNN is trained on the same split with the same recipe.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from solvers.config import Config, Rule, choices
from solvers.search_space import PARAMETER_FREE_OPS, DartsCell, softmax
from solvers.supernet import darts, hardware, mgda
from solvers.supernet.model import (
    ArchState,
    DataSplit,
    NetConfig,
    Network,
    discrete_edge_ops,
    initialise,
    mnist_split,
)
from solvers.trace import TraceRecorder

__all__ = ["SearchConfig", "SearchOutcome", "plain_cnn", "retrain", "run_search"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchConfig(Config):
    cell: str = field(default="darts", metadata={"help": "darts or nb201"})
    channels: int = field(default=8, metadata={"help": "supernet channels C"})
    stages: int = field(default=2, metadata={"help": "stages"})
    cells_per_stage: int = field(default=1, metadata={"help": "cells per stage"})
    intermediate_nodes: int = field(default=2, metadata={"help": "DARTS intermediate nodes"})
    ops: str = field(default="", metadata={"help": "operation subset ('' = all)"})
    stem_stride: int = field(default=2, metadata={"help": "stem stride during the search"})
    steps: int = field(default=150, metadata={"help": "search iterations"})
    batch: int = field(default=32, metadata={"help": "batch of both splits"})
    order: str = field(default="first", metadata={"help": "first or second (DARTS)"})
    w_lr: float = field(default=0.05, metadata={"help": "weight learning rate (cosine)"})
    a_lr: float = field(default=3e-2, metadata={"help": "alpha Adam learning rate"})
    warmup: int = field(default=50, metadata={
        "help": "first iterations train the weights only (alpha frozen)"})
    latency_weight: float = field(default=0.0, metadata={"help": "weight of E[latency]"})
    memory_weight: float = field(default=0.0, metadata={"help": "weight of E[memory]"})
    combine: str = field(default="weighted", metadata={"help": "weighted or mgda"})
    hessian_every: int = field(default=0, metadata={
        "help": "dominant alpha-Hessian eigenvalue every k steps (0: at the end only)"})
    hessian_iterations: int = field(default=8, metadata={"help": "power iterations"})
    reference_every: int = field(default=0, metadata={
        "help": "head-only implicit hypergradient reference every k steps (0: never)"})
    reference_ridge: float = field(default=0.05, metadata={"help": "ridge of the head"})
    latency_repeats: int = field(default=10, metadata={"help": "timings per op (median)"})
    retrain_epochs: int = field(default=15, metadata={"help": "epochs of the retraining"})
    retrain_channels: int = field(default=32, metadata={"help": "channels when retraining"})
    retrain_stem_stride: int = field(default=2, metadata={"help": "stem stride, retraining"})
    retrain_lr: float = field(default=0.05, metadata={"help": "retraining learning rate"})
    retrain_batch: int = field(default=64, metadata={"help": "retraining batch"})
    retrain_decay: float = field(default=5e-4, metadata={"help": "retraining weight decay"})
    augment_shift: int = field(default=2, metadata={"help": "random shift (px) augmentation"})
    baseline: bool = field(default=True, metadata={"help": "also train the plain CNN"})
    split_seed: int = field(default=0, metadata={"help": "seed of the data split"})
    n_train: int = field(default=2000, metadata={"help": "search train split (weights)"})
    n_val: int = field(default=2000, metadata={"help": "search validation split (alpha)"})
    n_test: int = field(default=1000, metadata={"help": "held-out test split"})
    compiled: bool = field(default=True, metadata={"help": "tf.function steps"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        choices("order", ("first", "second")),
        choices("combine", ("weighted", "mgda")),
        Rule("steps >= 1", ("steps",), lambda c: c.steps >= 1),
        Rule("0 <= warmup < steps", ("warmup", "steps"), lambda c: 0 <= c.warmup < c.steps),
        Rule("batch >= 2", ("batch",), lambda c: c.batch >= 2),
        Rule("w_lr > 0 and a_lr >= 0", ("w_lr", "a_lr"), lambda c: c.w_lr > 0 <= c.a_lr),
        Rule("latency_weight >= 0 and memory_weight >= 0",
             ("latency_weight", "memory_weight"),
             lambda c: c.latency_weight >= 0 and c.memory_weight >= 0),
        Rule("hessian_every >= 0 and reference_every >= 0",
             ("hessian_every", "reference_every"),
             lambda c: c.hessian_every >= 0 and c.reference_every >= 0),
        Rule("retrain_epochs >= 0", ("retrain_epochs",), lambda c: c.retrain_epochs >= 0),
        Rule("reference_ridge > 0", ("reference_ridge",), lambda c: c.reference_ridge > 0),
        Rule("augment_shift >= 0", ("augment_shift",), lambda c: c.augment_shift >= 0),
    )

    def net_config(self, *, retrain: bool = False) -> NetConfig:
        return NetConfig(cell=self.cell,
                         channels=self.retrain_channels if retrain else self.channels,
                         stages=self.stages, cells_per_stage=self.cells_per_stage,
                         intermediate_nodes=self.intermediate_nodes, ops=self.ops,
                         stem_stride=self.retrain_stem_stride if retrain else self.stem_stride)


@dataclass
class SearchOutcome:
    alpha: NDArray[np.float64]
    edge_ops: list[tuple[str, ...]]
    genotype: Any
    summary: dict[str, Any]


# ---------------------------------------------------------------------- helpers
def alpha_entropy(alpha: NDArray[np.float64]) -> float:
    w = softmax(alpha)
    return float(np.mean(-np.sum(w * np.log(np.maximum(w, 1e-300)), axis=1)))


def collapse_counts(edge_ops: list[tuple[str, ...]]) -> tuple[int, int]:
    """(parameter-free operations, skip connections) kept by the discrete cell."""
    names = [n for ops in edge_ops for n in ops]
    return (sum(n in PARAMETER_FREE_OPS for n in names),
            sum(n == "skip_connect" for n in names))


def _batches(rng: np.random.Generator, n: int, batch: int) -> NDArray[np.int64]:
    return rng.choice(n, size=batch, replace=False)


def _shift_augment(x: NDArray[np.float32], shift: int, rng: np.random.Generator
                   ) -> NDArray[np.float32]:
    if shift == 0:
        return x
    n, h, w, _ = x.shape
    padded = np.pad(x, ((0, 0), (shift, shift), (shift, shift), (0, 0)))
    dy = rng.integers(0, 2 * shift + 1, size=(n,)).tolist()
    dx = rng.integers(0, 2 * shift + 1, size=(n,)).tolist()
    out = np.empty_like(x)
    for i in range(n):
        out[i] = padded[i][dy[i]:dy[i] + h, dx[i]:dx[i] + w]
    return out


def dominant_eigenvalue_fd(state: ArchState, val: tuple[Any, Any], rng: np.random.Generator,
                           iterations: int, eps: float = 1e-2) -> tuple[float, int]:
    """Dominant eigenvalue of grad^2_aa L_val by power iteration; Hessian-vector products
    by central differences of the compiled gradient in alpha (2 evaluations each)."""
    backup = tf.identity(state.alpha)

    def matvec(u: tf.Tensor) -> tf.Tensor:
        state.alpha.assign(backup + eps * u)
        _, g_plus, _ = state.loss_and_grads(*val)
        state.alpha.assign(backup - eps * u)
        _, g_minus, _ = state.loss_and_grads(*val)
        state.alpha.assign(backup)
        return (g_plus - g_minus) / (2 * eps)

    value = darts.largest_eigenvalue(matvec, tuple(state.alpha.shape), rng, iterations,
                                     state.alpha.dtype)
    return value, 2 * iterations


# ---------------------------------------------------------------------- training
def _sgd_trainer(model_call: Any, variables: list[Any], lr: tf.Variable, momentum: float,
                 decay: float) -> Any:
    buffers = [tf.Variable(tf.zeros_like(v), trainable=False) for v in variables]

    @tf.function(autograph=False, reduce_retracing=True)
    def step(x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            logits = model_call(x, True)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        # a discrete cell may leave an operation unconnected to the output (an edge into a
        # node no path reads): its weights get a zero gradient, not None (built here:
        # UnconnectedGradients.ZERO fails on Keras 3 variables, whose dtype is a string)
        grads = [tf.zeros(v.shape, dtype=tf.as_dtype(v.dtype)) if g is None else g
                 for g, v in zip(tape.gradient(loss, variables), variables, strict=True)]
        grads, _ = tf.clip_by_global_norm(grads, 5.0)
        for v, g, b in zip(variables, grads, buffers, strict=True):
            b.assign(momentum * b + g + decay * v)
            v.assign_sub(lr * b)
        return loss

    return step


def train_and_test(model_call: Any, variables: list[Any], data: DataSplit, epochs: int,
                   batch: int, lr0: float, shift: int, rng: np.random.Generator,
                   decay: float = 1e-3) -> dict[str, float]:
    """SGD-momentum 0.9 with weight decay, cosine learning rate, random-shift augmentation;
    trains on train + validation, returns the held-out test accuracy and timings."""
    x = np.concatenate([data.train_x, data.val_x])
    y = np.concatenate([data.train_y, data.val_y])
    dtype = variables[0].dtype
    lr = tf.Variable(lr0, dtype=dtype, trainable=False)
    step = _sgd_trainer(model_call, variables, lr, 0.9, decay)
    per_epoch = len(y) // batch
    total = max(epochs * per_epoch, 1)
    start = time.perf_counter()
    k = 0
    loss = float("nan")
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for b in range(per_epoch):
            idx = order[b * batch:(b + 1) * batch]
            lr.assign(0.5 * lr0 * (1 + math.cos(math.pi * k / total)))
            xb = _shift_augment(x[idx], shift, rng).astype(dtype.name if hasattr(
                dtype, "name") else "float32")
            loss = float(step(tf.constant(xb), tf.constant(y[idx])))
            k += 1
    train_seconds = time.perf_counter() - start
    predict = tf.function(lambda t: model_call(t, False), autograph=False)
    correct = 0
    for b in range(0, len(data.test_y), 250):
        logits = predict(tf.constant(data.test_x[b:b + 250]))
        correct += int(np.sum(np.argmax(logits.numpy(), axis=1) == data.test_y[b:b + 250]))
    return {"test_accuracy": correct / len(data.test_y), "train_seconds": train_seconds,
            "final_train_loss": loss, "steps": float(k)}


def retrain(edge_ops: list[tuple[str, ...]], config: SearchConfig, data: DataSplit,
            rng: np.random.Generator) -> tuple[Network, dict[str, float]]:
    """The derived cell in the skeleton at ``retrain_channels``, trained from scratch."""
    network = Network(config.net_config(retrain=True), edge_ops)
    initialise(network, rng)
    result = train_and_test(lambda x, training: network.call(x, None, training=training),
                            list(network.trainable_variables), data, config.retrain_epochs,
                            config.retrain_batch, config.retrain_lr, config.augment_shift, rng,
                            config.retrain_decay)
    return network, result


def plain_cnn(data: DataSplit, config: SearchConfig, rng: np.random.Generator
              ) -> dict[str, float]:
    """The plain two-layer CNN (conv 32 - pool - conv 64 - pool - linear), same recipe."""
    import keras

    model = keras.Sequential([
        keras.layers.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ])
    for var in model.trainable_variables:
        shape = tuple(var.shape)
        if len(shape) >= 2:
            limit = math.sqrt(6.0 / math.prod(shape[:-1]))
            var.assign(rng.uniform(-limit, limit, size=shape).astype("float32"))
    return train_and_test(lambda x, training: model(x, training=training),
                          list(model.trainable_variables), data, config.retrain_epochs,
                          config.retrain_batch, config.retrain_lr, config.augment_shift, rng,
                          config.retrain_decay)


# ---------------------------------------------------------------------- search
def run_search(config: SearchConfig, rng: np.random.Generator, recorder: TraceRecorder,
               data: DataSplit | None = None, retrain_after: bool = True) -> SearchOutcome:
    """The whole pipeline; writes the trace rows and the summary to ``recorder``."""
    start = time.perf_counter()
    data = data or mnist_split(config.split_seed, config.n_test, config.n_val, config.n_train)
    net_cfg = config.net_config()
    init_rng, batch_rng, probe_rng, retrain_rng = (
        np.random.default_rng(s) for s in rng.bit_generator.seed_seq.spawn(4))  # type: ignore[attr-defined]
    network = Network(net_cfg)
    initialise(network, init_rng)
    space = network.space
    alpha0 = 1e-3 * init_rng.standard_normal((space.n_edges, space.n_ops))
    state = ArchState(network, alpha0, w_lr=config.w_lr, a_lr=config.a_lr,
                      compiled=config.compiled)
    costs = hardware.build_cost_table(net_cfg, config.latency_repeats)
    setup_seconds = time.perf_counter() - start
    tx = tf.constant(data.train_x)
    ty = tf.constant(data.train_y)
    vx = tf.constant(data.val_x)
    vy = tf.constant(data.val_y)
    evaluations = 0
    search_start = time.perf_counter()
    for it in range(config.steps):
        state.w_lr.assign(0.5 * config.w_lr * (1 + math.cos(math.pi * it / config.steps)))
        ti = tf.constant(_batches(batch_rng, len(data.train_y), config.batch))
        vi = tf.constant(_batches(batch_rng, len(data.val_y), config.batch))
        train = (tf.gather(tx, ti), tf.gather(ty, ti))
        val = (tf.gather(vx, vi), tf.gather(vy, vi))
        if config.order == "first":
            arch = darts.first_order(state, val)
        else:
            arch = darts.second_order(state, train, val)
        alpha = state.alpha_numpy()
        lat, g_lat = costs.expected_latency(alpha)
        mem, g_mem = costs.expected_memory(alpha)
        direction = _combine(config, arch.grad, g_lat, g_mem)
        if it >= config.warmup:
            state.alpha_step(tf.constant(direction, dtype=state.alpha.dtype))
        train_loss = float(state.weight_step(*train))
        evaluations += arch.evaluations + 1
        alpha = state.alpha_numpy()
        edge_ops = discrete_edge_ops(space, alpha)
        free, skips = collapse_counts(edge_ops)
        last = it == config.steps - 1
        eig = float("nan")
        if (config.hessian_every and (it + 1) % config.hessian_every == 0) or last:
            eig, _ = dominant_eigenvalue_fd(state, val, probe_rng, config.hessian_iterations)
        err1 = err2 = float("nan")
        if config.reference_every and (it + 1) % config.reference_every == 0:
            err1, err2 = _reference_errors(state, train, val, config.reference_ridge)
        recorder.record(it, evaluations, train_loss=train_loss, val_loss=arch.val_loss,
                        grad_alpha_norm=float(np.linalg.norm(arch.grad)),
                        alpha_entropy=alpha_entropy(alpha),
                        dominant_ops=",".join(str(int(i)) for i in alpha.argmax(axis=1)),
                        param_free_selected=free, skip_selected=skips,
                        expected_latency_ms=lat, expected_memory_mb=mem, hessian_eig=eig,
                        hypergrad_error_first=err1, hypergrad_error_second=err2,
                        arch_evaluations=arch.evaluations)
    search_seconds = time.perf_counter() - search_start
    alpha = state.alpha_numpy()
    edge_ops = discrete_edge_ops(space, alpha)
    genotype = space.derive(alpha) if isinstance(space, DartsCell) else \
        space.to_string(space.from_alpha(alpha))  # type: ignore[attr-defined]
    est_lat, est_mem = costs.discrete(edge_ops)
    at_search_width = Network(net_cfg, edge_ops)
    initialise(at_search_width, init_rng)
    real = hardware.measure_network(at_search_width, repeats=config.latency_repeats)
    free, skips = collapse_counts(edge_ops)
    summary: dict[str, Any] = {
        "genotype": str(genotype), "edge_ops": str(edge_ops),
        "search_seconds": search_seconds, "setup_seconds": setup_seconds,
        "steps_per_second": config.steps / search_seconds,
        "gradient_evaluations": evaluations,
        "evaluations_per_step": evaluations / config.steps,
        "final_val_loss": recorder.column("val_loss")[-1],
        "final_alpha_entropy": alpha_entropy(alpha),
        "param_free_selected": free, "skip_selected": skips,
        "final_hessian_eig": float(recorder.column("hessian_eig")[-1]),
        "estimated_cell_latency_ms": est_lat, "estimated_cell_memory_mb": est_mem,
        "real_latency_ms_search_width": real["latency_ms"],
        "real_memory_mb_search_width": real["memory_mb"],
        "split": data.describe(),
    }
    if retrain_after:
        network, result = retrain(edge_ops, config, data, retrain_rng)
        measured = hardware.measure_network(network, repeats=config.latency_repeats)
        summary.update({f"retrain_{k}": v for k, v in result.items()})
        summary.update({"retrained_latency_ms": measured["latency_ms"],
                        "retrained_params": measured["params"],
                        "retrained_memory_mb": measured["memory_mb"]})
        if config.baseline:
            base = plain_cnn(data, config, retrain_rng)
            summary.update({f"plain_cnn_{k}": v for k, v in base.items()})
    summary["total_seconds"] = time.perf_counter() - start
    recorder.set_summary(**summary)
    return SearchOutcome(alpha, edge_ops, genotype, summary)


def _combine(config: SearchConfig, g_err: NDArray[np.float64], g_lat: NDArray[np.float64],
             g_mem: NDArray[np.float64]) -> NDArray[np.float64]:
    """The architecture step's direction: the error gradient alone, a weighted sum with the
    hardware gradients, or MGDA's min-norm direction over the objectives with weight > 0."""
    if config.latency_weight == 0 and config.memory_weight == 0:
        return g_err
    grads = [g_err]
    weights = [1.0]
    if config.latency_weight > 0:
        grads.append(g_lat)
        weights.append(config.latency_weight)
    if config.memory_weight > 0:
        grads.append(g_mem)
        weights.append(config.memory_weight)
    stacked = np.stack(grads)
    if config.combine == "weighted":
        return mgda.weighted_sum_direction(stacked, np.asarray(weights))
    direction, _ = mgda.mgda_direction(stacked)
    return direction


def _reference_errors(state: ArchState, train: tuple[Any, Any], val: tuple[Any, Any],
                      ridge: float) -> tuple[float, float]:
    """First/second-order errors against the head-only implicit reference; the head is
    restored afterwards, so the search itself is unchanged."""
    head = state.net.head_variables
    backup = [tf.identity(v) for v in head]
    result = darts.head_hypergradients(state, train, val, ridge, power_iterations=5)
    for v, b in zip(head, backup, strict=True):
        v.assign(b)
    return result.error_first, result.error_second
