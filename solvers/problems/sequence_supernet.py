"""Sequence supernets as architecture problems: "sentiment-supernet" and "series-supernet".

The text and time-series tasks of issue 18, in the interface of
:class:`solvers.problems.supernet.SupernetProblem` (``differentiable = True``, ``evaluate``,
``report``, ``objective_gradients``, ``query_seconds``, ``reference_point``, a memoised
warm-up): candidates are NAS-Bench-201-family cells (six edges, one operation index per
edge, ``none`` drops the edge) over :data:`~solvers.supernet.sequence_data.TEXT_OPS` or
:data:`~solvers.supernet.sequence_data.SERIES_OPS`; the networks, operations and their
sources are in :mod:`solvers.supernet.sequence`. Objectives, minimised:

* ``error`` -- the one-shot validation error rate (sentiment) or the one-shot validation
  RMSE of the level-relative forecasts in standardised units (series): the cell evaluated
  with the weights it inherits from the supernet, one-hot mixing weights (Bender et al.,
  ICML 2018), batch-norm statistics of the evaluation batch, as ``mnist-supernet``;
* ``latency`` -- the cell's latency (ms): the sum over its edges (and cells) of the
  per-operation latencies measured on this CPU; ``latency="stored"`` (default) reads the
  table shipped as package data (:mod:`solvers.supernet.sequence_latency`, machine
  recorded), so a seed gives the same run on any machine; ``"measured"`` times it when
  first needed;
* ``params`` -- the cell's trainable parameters in thousands (analytic,
  :func:`~solvers.supernet.sequence_data.op_params`).

Data. Sentiment: a seeded split of all 3,000 sentences stratified by (domain, label) into
2,000 train (weights) / 500 validation (alpha, one-shot error) / 500 test (``report``).
Series (``series`` = sunspots | co2): the windows before the first rolling-origin test
index of :data:`~solvers.supernet.sequence_data.SERIES_PROTOCOLS` (the last
``val_windows`` validate); ``report`` gives the one-shot RMSE (original units) of the
forecasts at the rolling origins themselves.

The supernet is warmed up lazily: ``warmup_steps`` SGD-momentum weight steps at uniform
alpha from ``instance_seed``; a process keeps one warmed-up supernet per configuration and
thread, with a snapshot that a later problem of the same configuration restores (the
logic of ``mnist-supernet``), so results do not depend on what ran before.
``objective_gradients`` takes a weight step at alpha (unless ``gradient_weight_step`` is
false) and returns the DARTS architecture gradient of the validation loss (cross-entropy
or MSE, :mod:`solvers.supernet.darts`) with the exact gradients of the expected latency and
parameters. TensorFlow is imported when the supernet is first needed.
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
from solvers.problems.supernet import _capture, claim_shared
from solvers.supernet.sequence_data import (
    SERIES_PROTOCOLS,
    params_table,
    sequence_space,
)
from theory.errors import InvalidParameterError

__all__ = ["SentimentSupernetConfig", "SentimentSupernetProblem", "SeriesSupernetConfig",
           "SeriesSupernetProblem"]

#: built supernets of this process: shared key -> objects, variables, warm snapshot, owner
_SHARED: dict[tuple[Any, ...], dict[str, Any]] = {}
TEXT_LENGTH = 32  # tokens per sentence (solvers.datasets.encode's max_len)

_COMMON_RULES: tuple[Rule, ...] = (
    Rule("1 <= channels <= 256", ("channels",), lambda c: 1 <= c.channels <= 256),
    Rule("1 <= cells <= 4", ("cells",), lambda c: 1 <= c.cells <= 4),
    Rule("warmup_steps >= 0", ("warmup_steps",), lambda c: c.warmup_steps >= 0),
    Rule("batch >= 2", ("batch",), lambda c: c.batch >= 2),
    Rule("w_lr > 0", ("w_lr",), lambda c: c.w_lr > 0),
    choices("order", ("first", "second")),
    choices("latency", ("stored", "measured")),
    Rule("instance_seed >= 0", ("instance_seed",), lambda c: c.instance_seed >= 0),
    Rule("seconds_per_query >= 0", ("seconds_per_query",), lambda c: c.seconds_per_query >= 0),
)


@dataclass(frozen=True)
class SentimentSupernetConfig(Config):
    channels: int = field(default=8, metadata={"help": "channels C of the cells"})
    cells: int = field(default=1, metadata={"help": "cells in sequence (one shared alpha)"})
    embed_dim: int = field(default=32, metadata={"help": "token embedding size"})
    warmup_steps: int = field(default=200, metadata={"help": "supernet training steps"})
    batch: int = field(default=64, metadata={"help": "batch size"})
    w_lr: float = field(default=0.1, metadata={"help": "SGD learning rate of the weights"})
    eval_size: int = field(default=500, metadata={"help": "validation sentences per query"})
    order: str = field(default="first", metadata={"help": "DARTS order of the gradients"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the supernet weights"})
    split_seed: int = field(default=0, metadata={"help": "seed of the data split"})
    seconds_per_query: float = field(default=1.0, metadata={
        "help": "simulated search seconds charged per one-shot query"})
    latency: str = field(default="stored", metadata={"help": "stored or measured"})
    gradient_weight_step: bool = field(default=True, metadata={
        "help": "objective_gradients takes a weight step first (false: frozen weights)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *_COMMON_RULES,
        Rule("embed_dim >= 1", ("embed_dim",), lambda c: c.embed_dim >= 1),
        Rule("10 <= eval_size <= 500", ("eval_size",), lambda c: 10 <= c.eval_size <= 500),
        Rule("split_seed >= 0", ("split_seed",), lambda c: c.split_seed >= 0),
    )


@dataclass(frozen=True)
class SeriesSupernetConfig(Config):
    series: str = field(default="sunspots", metadata={"help": "sunspots (yearly) | co2 (weekly)"})
    channels: int = field(default=8, metadata={"help": "channels C of the cells"})
    cells: int = field(default=1, metadata={"help": "cells in sequence (one shared alpha)"})
    warmup_steps: int = field(default=200, metadata={"help": "supernet training steps"})
    batch: int = field(default=32, metadata={"help": "batch size"})
    w_lr: float = field(default=0.05, metadata={"help": "SGD learning rate of the weights"})
    order: str = field(default="first", metadata={"help": "DARTS order of the gradients"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the supernet weights"})
    seconds_per_query: float = field(default=1.0, metadata={
        "help": "simulated search seconds charged per one-shot query"})
    latency: str = field(default="stored", metadata={"help": "stored or measured"})
    gradient_weight_step: bool = field(default=True, metadata={
        "help": "objective_gradients takes a weight step first (false: frozen weights)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        choices("series", tuple(SERIES_PROTOCOLS)),
        *_COMMON_RULES,
    )


class _SequenceSupernet(ArchitectureProblem[Any]):
    """What both sequence problems share: the memoised supernet, queries, gradients."""

    differentiable = True
    objective_names = ("error", "latency", "params")
    family = ""

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        self.space = sequence_space(self.family)
        self._rng: np.random.Generator | None = None
        self._saved: list[NDArray[Any]] | None = None
        self._costs_table: Any = None
        if config.latency == "stored":
            self._cost_table()  # raises now when no table is stored for the configuration

    # -- hooks --------------------------------------------------------------------------
    @property
    def length(self) -> int:
        raise NotImplementedError

    def _make(self, rng: np.random.Generator) -> tuple[Any, Any, dict[str, Any]]:
        """(network, state, data) of a freshly initialised supernet."""
        raise NotImplementedError

    def _score(self, outputs: NDArray[np.float64], targets: NDArray[Any]) -> float:
        raise NotImplementedError

    # -- lazy supernet ------------------------------------------------------------------
    def _shared_key(self) -> tuple[Any, ...]:
        fields = self.config.to_dict()
        for name in ("seconds_per_query", "eval_size", "latency", "order",
                     "gradient_weight_step"):
            fields.pop(name, None)
        return (threading.get_ident(), self.name, *sorted(fields.items()))

    def _net(self) -> dict[str, Any]:
        shared = _SHARED.get(self._shared_key())
        if shared is None:
            shared = self._build()
        else:
            claim_shared(shared, self)
        return {**shared, "rng": self._rng}

    def _build(self) -> dict[str, Any]:
        import tensorflow as tf

        rng = np.random.default_rng(np.random.SeedSequence(self.config.instance_seed))
        network, state, data = self._make(rng)
        tx, ty = tf.constant(data["train_x"]), tf.constant(data["train_y"])
        n_train = len(data["train_y"])
        for _ in range(self.config.warmup_steps):
            idx = tf.constant(rng.choice(n_train, min(self.config.batch, n_train),
                                         replace=False))
            state.weight_step(tf.gather(tx, idx), tf.gather(ty, idx))
        outputs = tf.function(lambda x, w: network.call(x, w, training=True), autograph=False)
        variables = [*network.variables, *state.momentum, state.alpha, state.adam_m,
                     state.adam_v, state.adam_t, state.w_lr]
        shared = {"state": state, "data": data, "outputs": outputs, "variables": variables,
                  "warm": _capture(variables), "warm_rng": rng.bit_generator.state,
                  "bit_generator": rng.bit_generator, "owner": weakref.ref(self)}
        _SHARED[self._shared_key()] = shared
        self._rng = rng
        return shared

    def _cost_table(self) -> Any:
        if self._costs_table is None:
            from solvers.supernet.sequence_data import SequenceCosts

            c = self.config
            if c.latency == "stored":
                from solvers.supernet.sequence_latency import sequence_latency

                latency = sequence_latency(self.family, c.channels, self.length,
                                           self.space.ops)
            else:
                from solvers.supernet.sequence import measure_latency_table

                latency = measure_latency_table(self.family, c.channels, self.length)
            self._costs_table = SequenceCosts(tuple(self.space.ops), latency,
                                              params_table(self.family, c.channels), c.cells)
        return self._costs_table

    def _one_hot(self, cell: Cell) -> NDArray[np.float64]:
        weights = np.zeros((self.space.n_edges, self.space.n_ops))
        weights[np.arange(self.space.n_edges), list(cell)] = 1.0
        weights[:, self.space.ops.index("none")] = 0.0
        return weights

    def _outputs(self, cell: Cell, x: NDArray[Any]) -> NDArray[np.float64]:
        import tensorflow as tf

        built = self._net()
        w = tf.constant(self._one_hot(cell), dtype=tf.float32)
        out = [built["outputs"](tf.constant(x[b:b + 250]), w).numpy()
               for b in range(0, len(x), 250)]
        return np.concatenate(out).astype(float)

    def _errors(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        data = self._net()["data"]
        x, y = data["val_x"][:self._eval_size()], data["val_y"][:self._eval_size()]
        return np.array([self._score(self._outputs(c, x), y) for c in cells])

    def _eval_size(self) -> int:
        return int(getattr(self.config, "eval_size", 10**9))

    def _costs(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        table = self._cost_table()
        return np.array([table.discrete([() if self.space.ops[i] == "none"
                                         else (self.space.ops[i],) for i in c])
                         for c in cells])

    # -- interface ----------------------------------------------------------------------
    def evaluate(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        valid = [self.space.validate(c) for c in cells]
        return np.column_stack([self._errors(valid), self._costs(valid)])

    def query_seconds(self, cells: Sequence[Cell]) -> NDArray[np.float64]:
        return np.full(len(cells), self.config.seconds_per_query)

    def objective_gradients(self, alpha: NDArray[np.float64]
                            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        import tensorflow as tf

        from solvers.supernet import darts

        matrix = np.asarray(alpha, dtype=float)
        if matrix.shape != (self.space.n_edges, self.space.n_ops) or \
                not np.all(np.isfinite(matrix)):
            raise InvalidParameterError(
                f"alpha is finite with shape ({self.space.n_edges}, {self.space.n_ops})",
                f"shape {matrix.shape}")
        built = self._net()
        state, data, rng = built["state"], built["data"], built["rng"]
        state.alpha.assign(matrix.astype(np.float32))
        n_train, n_val = len(data["train_y"]), len(data["val_y"])
        ti = rng.choice(n_train, min(self.config.batch, n_train), replace=False)
        vi = rng.choice(n_val, min(self.config.batch, n_val), replace=False)
        train = (tf.constant(data["train_x"][ti]), tf.constant(data["train_y"][ti]))
        val = (tf.constant(data["val_x"][vi]), tf.constant(data["val_y"][vi]))
        if self.config.gradient_weight_step:
            state.weight_step(*train)
        arch = (darts.first_order(state, val) if self.config.order == "first"
                else darts.second_order(state, train, val))
        costs = self._cost_table()
        lat, g_lat = costs.expected_latency(matrix)
        par, g_par = costs.expected_kparams(matrix)
        return np.array([arch.val_loss, lat, par]), np.stack([arch.grad, g_lat, g_par])

    def _reference_error(self) -> float:
        raise NotImplementedError

    def reference_point(self) -> NDArray[np.float64]:
        lat, par = self._cost_table().worst()
        return np.array([self._reference_error(), 1.1 * lat, 1.1 * par])


class SentimentSupernetProblem(_SequenceSupernet):
    """One-shot sentiment classification error of text cells (module docstring)."""

    name = "sentiment-supernet"
    Config = SentimentSupernetConfig
    family = "text"
    #: solver "train-from-scratch": the found cell or a reference on the cross-domain folds
    trains_from_scratch = True
    reference_models = ("bow-logreg", "text-cnn")

    def train_from_scratch(self, model: str, cell: Cell | None, preset: str, epochs: int,
                           rng: np.random.Generator) -> tuple[list[Any], dict[str, Any]]:
        """:func:`solvers.applications.sequence_tasks.train_text_model`."""
        from solvers.applications.sequence_tasks import train_text_model

        return train_text_model(self.space, model, cell, preset, epochs,
                                int(rng.integers(2**31 - 1)), self.config.split_seed)

    @property
    def length(self) -> int:
        return TEXT_LENGTH

    def _make(self, rng: np.random.Generator) -> tuple[Any, Any, dict[str, Any]]:
        from solvers.supernet.model import ArchState
        from solvers.supernet.sequence import TextNetwork, initialise_sequence, text_data

        c = self.config
        text = text_data(c.split_seed)
        network = TextNetwork(text.vocabulary_size, c.channels, c.cells, None, c.embed_dim)
        initialise_sequence(network, rng)
        state = ArchState(network, np.zeros((self.space.n_edges, self.space.n_ops)),
                          w_lr=c.w_lr)
        data = {"train_x": text.train_x, "train_y": text.train_y, "val_x": text.val_x,
                "val_y": text.val_y, "test_x": text.test_x, "test_y": text.test_y}
        return network, state, data

    def _score(self, outputs: NDArray[np.float64], targets: NDArray[Any]) -> float:
        return float(np.mean(outputs.argmax(axis=1) != targets))

    def _reference_error(self) -> float:
        return 1.0  # the largest error rate

    def report(self, cells: Sequence[Cell]) -> dict[str, NDArray[np.float64]]:
        valid = [self.space.validate(c) for c in cells]
        data = self._net()["data"]
        costs = self._costs(valid)
        errors = [self._score(self._outputs(c, data["test_x"]), data["test_y"]) for c in valid]
        return {"one_shot_test_error": np.array(errors), "latency_ms": costs[:, 0],
                "kparams": costs[:, 1]}


class SeriesSupernetProblem(_SequenceSupernet):
    """One-shot forecasting RMSE of series cells (module docstring)."""

    name = "series-supernet"
    Config = SeriesSupernetConfig
    family = "series"
    #: solver "train-from-scratch": the found cell or a reference on the rolling origins
    trains_from_scratch = True
    reference_models = ("arima", "ets")

    def train_from_scratch(self, model: str, cell: Cell | None, preset: str, epochs: int,
                           rng: np.random.Generator) -> tuple[list[Any], dict[str, Any]]:
        """:func:`solvers.applications.sequence_tasks.train_series_model`."""
        from solvers.applications.sequence_tasks import train_series_model

        return train_series_model(self.space, self.config.series, model, cell, preset,
                                  epochs, int(rng.integers(2**31 - 1)))

    @property
    def length(self) -> int:
        return SERIES_PROTOCOLS[self.config.series].window

    def _make(self, rng: np.random.Generator) -> tuple[Any, Any, dict[str, Any]]:
        from solvers.supernet.sequence import (
            SeriesArchState,
            SeriesNetwork,
            initialise_sequence,
            series_data,
        )

        c = self.config
        protocol = SERIES_PROTOCOLS[c.series]
        windows = series_data(c.series)
        network = SeriesNetwork(protocol.window, protocol.horizon,
                                2 if protocol.level_feature else 1, c.channels, c.cells)
        initialise_sequence(network, rng)
        state = SeriesArchState(network, np.zeros((self.space.n_edges, self.space.n_ops)),
                                w_lr=c.w_lr)
        data = {"train_x": windows.train_x, "train_y": windows.train_y,
                "val_x": windows.val_x, "val_y": windows.val_y, "windows": windows}
        return network, state, data

    def _score(self, outputs: NDArray[np.float64], targets: NDArray[Any]) -> float:
        return float(np.sqrt(np.mean((outputs - np.asarray(targets, dtype=float)) ** 2)))

    def _reference_error(self) -> float:
        """Twice the naive (no-change) forecast's validation RMSE: a cell beyond it is
        outside the hypervolume box (an RMSE has no upper end)."""
        from solvers.supernet.sequence_data import naive_val_rmse

        return 2.0 * naive_val_rmse(self.config.series)

    def report(self, cells: Sequence[Cell]) -> dict[str, NDArray[np.float64]]:
        """One-shot RMSE (original units, all horizons) of the forecasts at the rolling
        origins of the protocol, and the costs."""
        from solvers.datasets import rolling_origin_splits
        from solvers.supernet.sequence_data import load_series, series_features

        valid = [self.space.validate(c) for c in cells]
        p = SERIES_PROTOCOLS[self.config.series]
        windows = self._net()["data"]["windows"]
        values = load_series(self.config.series)
        splits = list(rolling_origin_splits(values, p.n_origins, p.horizon, p.min_train))
        origins = np.array([int(test[0]) for _, test in splits])
        x = series_features(values, origins, p.window, windows.mean, windows.scale,
                            p.level_feature)
        actual = np.array([values[test] for _, test in splits])
        rmse = []
        for c in valid:
            forecast = values[origins - 1][:, None] + self._outputs(c, x) * windows.scale
            rmse.append(float(np.sqrt(np.mean((forecast - actual) ** 2))))
        costs = self._costs(valid)
        return {"one_shot_test_rmse": np.array(rmse), "latency_ms": costs[:, 0],
                "kparams": costs[:, 1]}
