"""FedNAS on the supernet: federated DARTS search, derivation, federated retraining.

FedNAS (He, Annavaram and Avestimehr, 2020, "FedNAS: Federated Deep Learning via Neural
Architecture Search"): K clients each hold a shard of the data; each round every client
starts from the server's supernet weights w and architecture logits alpha, runs
``local_steps`` first-order DARTS alternations on its own shard (an alpha step on a batch of
its validation half, then a weight step on a batch of its training half; alpha frozen in the
first ``warmup_rounds`` rounds), and returns both; the server averages w and alpha weighted by
shard size (FedAvg). The optimisers' state (momentum, Adam moments) is local to a round.
The shards: the search's train and validation splits of MNIST5k (``mnist_split``) or
PneumoniaMNIST's official split, pooled, cut among the clients by a Dirichlet(alpha) label
split (``split="dirichlet"``, Hsu et al. 2019) or the stratified IID split (``"iid"``), each
client's shard halved (seeded) into its train / validation parts.

After the search the cell is derived (DARTS's rule) and the discrete network (BN affine) is
retrained federated from scratch: FedAvg of plain SGD with weight decay, ``retrain_local_steps``
steps per round, every variable exchanged (BN moving statistics included, so the server's
model is evaluated in inference mode). Every round is one trace row (``retrain`` = 0 search,
1 retraining): the server model's held-out test accuracy and loss (the supernet under
softmax(alpha), batch statistics as in the search; the discrete network in inference mode),
clients reported / lost, bytes down and up (float32 weights + alpha, both directions). The
summary holds the objectives: error (1 - final test accuracy of the retrained cell),
latency (ms, batch 1) and parameters of the derived network, bytes per round, and the rounds
and bytes of the retraining to ``target_accuracy`` (None where never reached).

Clients run as Dask workers (``runner="dask"``: a ``LocalCluster`` of ``workers`` processes,
one thread each, or ``scheduler="tcp://HOST:PORT"``) or in this process (``"in-process"``).
Each worker builds its TensorFlow supernet (and data) once and caches it; only numpy arrays
travel. TensorFlow is imported inside the functions (the module imports without it).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from solvers.config import Config, Rule, choices
from solvers.federated.runtime import (
    ClientUpdate,
    DaskRunner,
    FaultPlan,
    InProcessRunner,
    Params,
    federated_rounds,
)
from solvers.federated.split import dirichlet_split
from solvers.trace import TraceRecorder

__all__ = ["FederatedNASConfig", "FederatedOutcome", "run_federated_search"]


@dataclass(frozen=True)
class FederatedNASConfig(Config):
    dataset: str = field(default="mnist", metadata={"help": "mnist (MNIST5k) or pneumonia"})
    clients: int = field(default=3, metadata={"help": "clients K"})
    split: str = field(default="dirichlet", metadata={"help": "dirichlet or iid"})
    alpha: float = field(default=1.0, metadata={"help": "Dirichlet concentration"})
    rounds: int = field(default=10, metadata={"help": "search rounds"})
    warmup_rounds: int = field(default=2, metadata={"help": "rounds with alpha frozen"})
    local_steps: int = field(default=10, metadata={"help": "local DARTS steps per round"})
    batch: int = field(default=32, metadata={"help": "batch of both halves"})
    w_lr: float = field(default=0.05, metadata={"help": "weight learning rate"})
    a_lr: float = field(default=3e-2, metadata={"help": "alpha Adam learning rate"})
    cell: str = field(default="darts", metadata={"help": "darts or nb201"})
    channels: int = field(default=8, metadata={"help": "supernet channels"})
    stages: int = field(default=2, metadata={"help": "stages"})
    intermediate_nodes: int = field(default=2, metadata={"help": "DARTS nodes"})
    ops: str = field(default="", metadata={"help": "operation subset ('' = all)"})
    retrain_rounds: int = field(default=10, metadata={"help": "federated retraining rounds"})
    retrain_local_steps: int = field(default=20, metadata={"help": "local SGD steps/round"})
    retrain_channels: int = field(default=16, metadata={"help": "channels when retraining"})
    retrain_lr: float = field(default=0.05, metadata={"help": "retraining SGD step"})
    retrain_decay: float = field(default=5e-4, metadata={"help": "retraining weight decay"})
    target_accuracy: float = field(default=0.9, metadata={"help": "target test accuracy"})
    split_seed: int = field(default=0, metadata={"help": "seed of the MNIST5k split"})
    n_train: int = field(default=2000, metadata={"help": "MNIST5k train split"})
    n_val: int = field(default=2000, metadata={"help": "MNIST5k validation split"})
    n_test: int = field(default=1000, metadata={"help": "MNIST5k held-out test"})
    runner: str = field(default="dask", metadata={"help": "dask or in-process"})
    workers: int = field(default=0, metadata={"help": "LocalCluster workers (0 = clients)"})
    round_timeout: float = field(default=600.0, metadata={"help": "seconds a client may take"})
    latency_repeats: int = field(default=10, metadata={"help": "timings (median)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        choices("dataset", ("mnist", "pneumonia")),
        choices("split", ("dirichlet", "iid")),
        choices("runner", ("dask", "in-process")),
        choices("cell", ("darts", "nb201")),
        Rule("clients >= 1", ("clients",), lambda c: c.clients >= 1),
        Rule("alpha > 0", ("alpha",), lambda c: c.alpha > 0),
        Rule("rounds >= 1 and 0 <= warmup_rounds <= rounds", ("rounds", "warmup_rounds"),
             lambda c: c.rounds >= 1 and 0 <= c.warmup_rounds <= c.rounds),
        Rule("local_steps >= 1 and retrain_local_steps >= 1 and retrain_rounds >= 0",
             ("local_steps", "retrain_local_steps", "retrain_rounds"),
             lambda c: c.local_steps >= 1 and c.retrain_local_steps >= 1
             and c.retrain_rounds >= 0),
        Rule("batch >= 2", ("batch",), lambda c: c.batch >= 2),
        Rule("w_lr > 0 and a_lr >= 0 and retrain_lr > 0", ("w_lr", "a_lr", "retrain_lr"),
             lambda c: c.w_lr > 0 <= c.a_lr and c.retrain_lr > 0),
        Rule("0 < target_accuracy <= 1", ("target_accuracy",),
             lambda c: 0 < c.target_accuracy <= 1),
        Rule("workers >= 0 and round_timeout > 0", ("workers", "round_timeout"),
             lambda c: c.workers >= 0 and c.round_timeout > 0),
    )

    def net(self, retrain: bool = False) -> dict[str, Any]:
        return {"cell": self.cell, "channels": self.retrain_channels if retrain else
                self.channels, "stages": self.stages, "cells_per_stage": 1,
                "intermediate_nodes": self.intermediate_nodes, "ops": self.ops}


@dataclass
class FederatedOutcome:
    """The derived cell, its objectives, the lost clients by round, the summary."""

    edge_ops: list[tuple[str, ...]]
    alpha: np.ndarray
    summary: dict[str, Any]
    lost: dict[str, dict[int, dict[int, str]]]


# ------------------------------------------------------------------ worker-side caches
#: per-process caches of built TensorFlow objects and loaded data (immutable inputs keyed
#: by their full description; a Dask worker builds each once)
_DATA: dict[tuple[Any, ...], Any] = {}
_MODELS: dict[tuple[Any, ...], Any] = {}


def _single_thread_tf() -> Any:
    from solvers.tf_quiet import quiet_import

    tf = quiet_import("tensorflow")
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # already initialised in this process
        pass
    return tf


def _data(dataset: str, split_seed: int, n_test: int, n_val: int, n_train: int) -> Any:
    key = (dataset, split_seed, n_test, n_val, n_train)
    if key not in _DATA:
        from solvers.supernet.model import mnist_split, pneumonia_split

        _DATA[key] = (pneumonia_split() if dataset == "pneumonia"
                      else mnist_split(split_seed, n_test, n_val, n_train))
    return _DATA[key]


def _pooled(data: Any) -> tuple[np.ndarray, np.ndarray]:
    return (np.concatenate([data.train_x, data.val_x]),
            np.concatenate([data.train_y, data.val_y]))


def _classes(dataset: str) -> int:
    return 2 if dataset == "pneumonia" else 10


def _supernet(net: dict[str, Any], classes: int, w_lr: float, a_lr: float) -> Any:
    key = ("supernet", tuple(sorted(net.items())), classes, w_lr, a_lr)
    if key not in _MODELS:
        _single_thread_tf()
        from solvers.supernet.model import ArchState, NetConfig, Network

        network = Network(NetConfig(**net), num_classes=classes)
        space = network.space
        _MODELS[key] = ArchState(network, np.zeros((space.n_edges, space.n_ops)),
                                 w_lr=w_lr, a_lr=a_lr)
    return _MODELS[key]


def _discrete(net: dict[str, Any], edge_ops: list[tuple[str, ...]], classes: int,
              decay: float) -> tuple[Any, Any, Any]:
    key = ("discrete", tuple(sorted(net.items())), tuple(edge_ops), classes, decay)
    if key not in _MODELS:
        tf = _single_thread_tf()
        from solvers.supernet.model import NetConfig, Network

        network = Network(NetConfig(**net), edge_ops, num_classes=classes)
        variables = list(network.trainable_variables)
        lr = tf.Variable(0.05, dtype=tf.float32, trainable=False)

        @tf.function(autograph=False, reduce_retracing=True)
        def step(x: Any, y: Any) -> Any:
            with tf.GradientTape() as tape:
                logits = network.call(x, None, training=True)
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
            grads = [tf.zeros(v.shape, dtype=tf.float32) if g is None else g
                     for g, v in zip(tape.gradient(loss, variables), variables, strict=True)]
            grads, _ = tf.clip_by_global_norm(grads, 5.0)
            for v, g in zip(variables, grads, strict=True):
                v.assign_sub(lr * (g + decay * v))
            return loss

        _MODELS[key] = (network, step, lr)
    return _MODELS[key]


def _set(variables: list[Any], values: list[np.ndarray]) -> None:
    for v, a in zip(variables, values, strict=True):
        v.assign(a)


def _shard(spec: dict[str, Any], client: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.asarray(spec["shards"][client])
    rng = np.random.default_rng(np.random.SeedSequence([spec["seed"], client, 0x5A]))
    rows = rng.permutation(rows)
    half = max(len(rows) // 2, 1)
    return rows[:half], rows[half:] if len(rows) > 1 else rows


def search_client_task(spec: dict[str, Any], client: int, params: Params,
                       round_index: int) -> ClientUpdate:
    """One client's local FedNAS round (runs in a worker)."""
    tf = _single_thread_tf()
    data = _data(*spec["data"])
    x, y = _pooled(data)
    state = _supernet(spec["net"], spec["classes"], spec["w_lr"], spec["a_lr"])
    _set(state.net.weights, params["weights"])
    state.alpha.assign(params["alpha"][0])
    for buf in state.momentum:
        buf.assign(tf.zeros_like(buf))
    state.adam_m.assign(tf.zeros_like(state.adam_m))
    state.adam_v.assign(tf.zeros_like(state.adam_v))
    state.adam_t.assign(0.0)
    state.w_lr.assign(spec["w_lr_round"])
    train_rows, val_rows = _shard(spec, client)
    rng = np.random.default_rng(np.random.SeedSequence([spec["seed"], round_index, client]))
    from solvers.supernet import darts

    train_loss = val_loss = float("nan")
    for _ in range(spec["local_steps"]):
        vi = rng.choice(val_rows, size=spec["batch"])
        ti = rng.choice(train_rows, size=spec["batch"])
        val = (tf.constant(x[vi]), tf.constant(y[vi]))
        arch = darts.first_order(state, val)
        val_loss = arch.val_loss
        if spec["update_alpha"]:
            state.alpha_step(tf.constant(arch.grad, dtype=state.alpha.dtype))
        train_loss = float(state.weight_step(tf.constant(x[ti]), tf.constant(y[ti])))
    return ClientUpdate(client, {"weights": [np.asarray(v.numpy()) for v in state.net.weights],
                                 "alpha": [state.alpha_numpy().astype(np.float32)]},
                        float(len(spec["shards"][client])),
                        {"train_loss": train_loss, "val_loss": val_loss})


def retrain_client_task(spec: dict[str, Any], client: int, params: Params,
                        round_index: int) -> ClientUpdate:
    """One client's local SGD on the discrete network (runs in a worker)."""
    tf = _single_thread_tf()
    data = _data(*spec["data"])
    x, y = _pooled(data)
    network, step, lr = _discrete(spec["net"], spec["edge_ops"], spec["classes"],
                                  spec["decay"])
    _set(network.weights, params["weights"])
    lr.assign(spec["lr_round"])
    rows = np.asarray(spec["shards"][client])
    rng = np.random.default_rng(np.random.SeedSequence([spec["seed"], round_index, client, 7]))
    loss = float("nan")
    for _ in range(spec["local_steps"]):
        idx = rng.choice(rows, size=spec["batch"])
        loss = float(step(tf.constant(x[idx]), tf.constant(y[idx])))
    return ClientUpdate(client, {"weights": [np.asarray(v.numpy()) for v in network.weights]},
                        float(len(rows)), {"train_loss": loss, "val_loss": loss})


# ------------------------------------------------------------------------------ server
def _accuracy(logits_fn: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tf = _single_thread_tf()
    correct, total_loss = 0, 0.0
    for b in range(0, len(y), 250):
        logits = logits_fn(tf.constant(x[b:b + 250]))
        total_loss += float(tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.constant(y[b:b + 250]), logits=logits)))
        correct += int(np.sum(np.argmax(np.asarray(logits), axis=1) == y[b:b + 250]))
    return correct / len(y), total_loss / len(y)


def _cosine(lr0: float, r: int, rounds: int) -> float:
    return 0.5 * lr0 * (1 + math.cos(math.pi * r / max(rounds, 1)))


def _to_target(recorder: TraceRecorder, start: int, target: float) -> tuple[Any, Any]:
    acc = recorder.column("accuracy")[start:]
    total = recorder.column("bytes_total")[start:]
    hit = np.flatnonzero(acc >= target)
    if not len(hit):
        return None, None
    return int(hit[0] + 1), int(total[hit[0]])


def run_federated_search(config: FederatedNASConfig, seed: int, recorder: TraceRecorder,
                         scheduler: str | None = None, faults: FaultPlan | None = None,
                         journal: Path | None = None) -> FederatedOutcome:
    """FedNAS search + derivation + federated retraining (see the module docstring).

    ``scheduler``: a Dask scheduler address (``tcp://HOST:PORT``) to use instead of the
    config's runner; ``faults``: injected client failures (tests); ``journal``: a JSON-lines
    file every finished round is appended to.
    """
    start = time.perf_counter()
    faults = faults or FaultPlan()
    tf = _single_thread_tf()
    from solvers.search_space import DartsCell
    from solvers.supernet import hardware
    from solvers.supernet.model import discrete_edge_ops, initialise

    root = np.random.SeedSequence(seed)
    split_rng, init_rng, retrain_rng = (np.random.default_rng(s) for s in root.spawn(3))
    data = _data(config.dataset, config.split_seed, config.n_test, config.n_val, config.n_train)
    _, y = _pooled(data)
    classes = _classes(config.dataset)
    shards = dirichlet_split(y, config.clients, math.inf if config.split == "iid"
                             else config.alpha, split_rng, min_size=2 * config.batch // 4 + 2)
    spec_base = {"data": (config.dataset, config.split_seed, config.n_test, config.n_val,
                          config.n_train), "classes": classes,
                 "shards": [s.tolist() for s in shards], "seed": int(seed),
                 "batch": config.batch}
    state = _supernet(config.net(), classes, config.w_lr, config.a_lr)
    initialise(state.net, init_rng)
    space = state.net.space
    alpha0 = (1e-3 * init_rng.standard_normal((space.n_edges, space.n_ops))).astype(np.float32)
    params: Params = {"weights": [np.asarray(v.numpy()) for v in state.net.weights],
                      "alpha": [alpha0]}
    if scheduler is not None:
        runner: Any = DaskRunner(scheduler=scheduler, round_timeout=config.round_timeout,
                                 faults=faults)
    elif config.runner == "dask":
        runner = DaskRunner(workers=config.workers or config.clients,
                            round_timeout=config.round_timeout, faults=faults)
    else:
        runner = InProcessRunner(faults)
    everyone = list(range(config.clients))

    def evaluate_supernet(p: Params) -> dict[str, float]:
        _set(state.net.weights, p["weights"])
        state.alpha.assign(p["alpha"][0])
        acc, loss = _accuracy(state.eval_logits, data.test_x, data.test_y)
        return {"retrain": 0.0, "accuracy": acc, "loss": loss}

    def search_task(r: int, k: int, p: Params) -> Any:
        spec = {**spec_base, "net": config.net(), "w_lr": config.w_lr, "a_lr": config.a_lr,
                "w_lr_round": _cosine(config.w_lr, r, config.rounds),
                "local_steps": config.local_steps, "update_alpha": r >= config.warmup_rounds}
        return search_client_task, (spec, k, p, r)

    with runner:
        search = federated_rounds(params=params, rounds=config.rounds,
                                  participants=lambda r: everyone, make_task=search_task,
                                  runner=runner, evaluate=evaluate_supernet, recorder=recorder,
                                  journal=journal, iterations_per_round=config.local_steps)
        alpha = np.asarray(search.params["alpha"][0], dtype=float)
        edge_ops = discrete_edge_ops(space, alpha)
        genotype = space.derive(alpha) if isinstance(space, DartsCell) else str(edge_ops)
        network, _, _ = _discrete(config.net(retrain=True), edge_ops, classes,
                                  config.retrain_decay)
        initialise(network, retrain_rng)
        rparams: Params = {"weights": [np.asarray(v.numpy()) for v in network.weights]}
        infer = tf.function(lambda t: network.call(t, None, training=False), autograph=False)

        def evaluate_discrete(p: Params) -> dict[str, float]:
            _set(network.weights, p["weights"])
            acc, loss = _accuracy(infer, data.test_x, data.test_y)
            return {"retrain": 1.0, "accuracy": acc, "loss": loss}

        def retrain_task(r: int, k: int, p: Params) -> Any:
            spec = {**spec_base, "net": config.net(retrain=True), "edge_ops": edge_ops,
                    "decay": config.retrain_decay, "local_steps": config.retrain_local_steps,
                    "lr_round": _cosine(config.retrain_lr, r - config.rounds,
                                        config.retrain_rounds)}
            return retrain_client_task, (spec, k, p, r)

        search_rows = len(recorder)
        retrained = federated_rounds(params=rparams, rounds=config.retrain_rounds,
                                     participants=lambda r: everyone, make_task=retrain_task,
                                     runner=runner, evaluate=evaluate_discrete,
                                     recorder=recorder, journal=journal,
                                     start_round=config.rounds,
                                     iterations_per_round=config.retrain_local_steps) \
            if config.retrain_rounds else None
    measured = hardware.measure_network(network, repeats=config.latency_repeats)
    final_acc = float(recorder.column("accuracy")[-1])
    rounds_to, bytes_to = _to_target(recorder, search_rows, config.target_accuracy)
    search_bytes = int(recorder.column("bytes_total")[search_rows - 1])
    summary: dict[str, Any] = {
        "genotype": str(genotype), "edge_ops": str(edge_ops),
        "error": 1.0 - final_acc, "final_test_accuracy": final_acc,
        "supernet_test_accuracy": float(recorder.column("accuracy")[search_rows - 1]),
        "latency_ms": measured["latency_ms"], "params": measured["params"],
        "memory_mb": measured["memory_mb"],
        "search_bytes_per_round": search_bytes / config.rounds,
        "search_bytes_total": search_bytes,
        "retrain_bytes_total": retrained.bytes_total if retrained else 0,
        "rounds_to_target": rounds_to, "bytes_to_target": bytes_to,
        "target_accuracy": config.target_accuracy,
        "lost_search_rounds": len(search.lost),
        "lost_retrain_rounds": len(retrained.lost) if retrained else 0,
        "shard_sizes": str([len(s) for s in shards]), "split": config.split,
        "alpha": config.alpha, "clients": config.clients,
        "total_seconds": time.perf_counter() - start,
    }
    recorder.set_summary(**summary)
    return FederatedOutcome(edge_ops, alpha, summary,
                            {"search": search.lost,
                             "retrain": retrained.lost if retrained else {}})
