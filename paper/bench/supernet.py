"""Benchmark of the supernet's training steps, printed side by side in one run.

    .venv/bin/python -m paper.bench.supernet [--repeats 5] [--xla] [--cell darts]

Measures, on one configuration (default: the quick search's DARTS supernet, 2 stages of one
cell, k = 2 intermediate nodes, all 8 DARTS operations, C = 8, batch 32, 28x28x1 input with
a stride-2 stem), the median time of one full DARTS step (architecture step + weight step):

* eager vs ``tf.function`` (vs XLA with ``--xla``), first order;
* first vs second order (``tf.function``): the measured time ratio next to the theory's
  ratio of gradient evaluations, ``bilevel.darts.cost-ratio`` (5/2), and the counted
  evaluations per step;
* peak resident memory of the process after each phase (``ru_maxrss``) and the supernet's
  stored candidate-operation outputs from ``bilevel.darts.supernet-activation-memory``;
* the weight step alone (SGD-momentum, ``tf.function``) of the supernet against fixed
  networks: the discrete network derived from the same skeleton (one operation per edge,
  the argmax of alpha) and the plain two-layer CNN of the issue's baseline, with their
  weight counts, so the cost of weight sharing per step is seen beside a fixed network.

Trace (compilation) time is reported apart from the steady-state step time. Timings depend
on the machine's load: the medians are of ``--repeats`` steps after two warm-up steps.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _time(step: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(first call seconds, including tracing; median steady-state seconds)."""
    start = time.perf_counter()
    step()
    first = time.perf_counter() - start
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times)


def _weights(variables: list[Any]) -> int:
    import numpy as np

    return sum(int(np.prod(v.shape)) for v in variables)


def _fixed_networks(state: Any, cfg: Any, train: tuple[Any, Any], repeats: int) -> None:
    """Weight-step time of the supernet beside fixed networks trained the same way."""
    import keras
    import numpy as np
    import tensorflow as tf

    from solvers.supernet.model import Network, discrete_edge_ops, initialise
    from solvers.supernet.search import _sgd_trainer

    def trainer(call: Callable[..., Any], variables: list[Any]) -> Callable[[], object]:
        lr = tf.Variable(0.025, dtype=variables[0].dtype, trainable=False)
        step = _sgd_trainer(call, variables, lr, 0.9, 3e-4)
        return lambda: step(*train).numpy()

    derived = Network(cfg, discrete_edge_ops(state.net.space, state.alpha.numpy()))
    initialise(derived, np.random.default_rng(1))
    cnn = keras.Sequential([
        keras.layers.Input((28, 28, 1)), keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dense(10)])
    supernet_vars = list(state.net.trainable_variables)
    derived_vars = list(derived.trainable_variables)
    cnn_vars = list(cnn.trainable_variables)
    cases = [
        ("supernet (all ops, weight sharing)", trainer(
            lambda x, t: state.net.call(x, tf.nn.softmax(state.alpha), training=t),
            supernet_vars), _weights(supernet_vars)),
        ("derived cell, same skeleton", trainer(
            lambda x, t: derived.call(x, None, training=t), derived_vars),
         _weights(derived_vars)),
        ("plain two-layer CNN (baseline)", trainer(
            lambda x, t: cnn(x, training=t), cnn_vars), _weights(cnn_vars)),
    ]
    print(f"{'weight step only, tf.function':34s} {'first call s':>12s} {'median ms':>10s} "
          f"{'steps/s':>8s} {'weights':>12s}")
    medians = []
    for name, step, count in cases:
        first, median = _time(step, repeats)
        medians.append(median)
        print(f"{name:34s} {first:12.2f} {median * 1e3:10.1f} {1 / median:8.2f} {count:12d}")
    print(f"supernet weight step / derived network's: {medians[0] / medians[1]:.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--xla", action="store_true", help="also time jit_compile=True")
    parser.add_argument("--cell", default="darts", choices=("darts", "nb201"))
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--channels", type=int, default=8)
    args = parser.parse_args(argv)

    import numpy as np
    import tensorflow as tf

    from solvers.supernet import darts
    from solvers.supernet.model import ArchState, NetConfig, Network, initialise, mnist_split
    from theory.registry import get_bound

    cfg = NetConfig(cell=args.cell, channels=args.channels, intermediate_nodes=2)
    data = mnist_split(0)
    rng = np.random.default_rng(0)
    train = (tf.constant(data.train_x[:args.batch]), tf.constant(data.train_y[:args.batch]))
    val = (tf.constant(data.val_x[:args.batch]), tf.constant(data.val_y[:args.batch]))
    rows: list[tuple[str, float, float, float]] = []

    def build(compiled: bool, jit: bool | None = None) -> ArchState:
        net = Network(cfg)
        initialise(net, np.random.default_rng(0))
        alpha0 = 1e-3 * rng.standard_normal((net.space.n_edges, net.space.n_ops))
        return ArchState(net, alpha0, compiled=compiled, jit=jit)

    def full_step(state: ArchState, order: str) -> Callable[[], object]:
        def step() -> object:
            arch = (darts.first_order(state, val) if order == "first"
                    else darts.second_order(state, train, val))
            state.alpha_step(tf.constant(arch.grad, dtype=state.alpha.dtype))
            return state.weight_step(*train).numpy()
        return step

    modes: list[tuple[str, bool, bool | None]] = [("eager", False, None),
                                                  ("tf.function", True, None)]
    if args.xla:
        modes.append(("XLA (jit_compile)", True, True))
    states: dict[str, ArchState] = {}
    for label, compiled, jit in modes:
        states[label] = build(compiled, jit)
        first, median = _time(full_step(states[label], "first"),
                              max(2, args.repeats // (3 if label == "eager" else 1)))
        rows.append((f"first order, {label}", first, median, _peak_mb()))
    first2, median2 = _time(full_step(states["tf.function"], "second"), args.repeats)
    rows.append(("second order, tf.function", first2, median2, _peak_mb()))

    net = states["tf.function"].net
    space = net.space
    print(f"supernet: {cfg.cell} cell, {space.n_edges} edges x {space.n_ops} ops, C = "
          f"{cfg.channels}, {cfg.stages} stages x {cfg.cells_per_stage} cell, batch "
          f"{args.batch}, 28x28x1 input (stem stride {cfg.stem_stride}); "
          f"{sum(int(np.prod(v.shape)) for v in net.trainable_variables)} weights")
    print(f"{'full DARTS step (arch + weights)':34s} {'first call s':>12s} "
          f"{'median ms':>10s} {'steps/s':>8s} {'peak RSS MB':>12s}")
    for name, first, median, peak in rows:
        print(f"{name:34s} {first:12.2f} {median * 1e3:10.1f} {1 / median:8.2f} {peak:12.0f}")
    eager = rows[0][2]
    compiled = rows[1][2]
    print(f"tf.function speed-up over eager: {eager / compiled:.1f}x")
    if args.xla:
        print(f"XLA vs tf.function: {rows[1][2] / rows[2][2]:.2f}x")
    measured_ratio = median2 / compiled
    theory = get_bound("bilevel.darts.cost-ratio").evaluate()
    counted = (4 + 1) / (1 + 1)
    print(f"second/first order step time: measured {measured_ratio:.2f}, theory "
          f"(bilevel.darts.cost-ratio) {theory:.2f}, counted evaluations {counted:.2f} "
          f"(5 vs 2 passes; the second order also copies and restores the weights)")
    side = 28 // cfg.stem_stride
    floats = 0.0
    for stage in range(cfg.stages):
        floats += get_bound("bilevel.darts.supernet-activation-memory").evaluate(
            E=space.n_edges, O=space.n_ops - 1, B=args.batch, C=cfg.channels * 2**stage,
            S=side) * cfg.cells_per_stage
        side = (side + 1) // 2
    print(f"stored candidate-op outputs (bilevel.darts.supernet-activation-memory, 'none' not "
          f"materialised): {floats * 4 / 1e6:.1f} MB per forward pass; peak RSS "
          f"{_peak_mb():.0f} MB (whole process, TensorFlow included)")
    _fixed_networks(states["tf.function"], cfg, train, args.repeats)
    print("peer (PEER-FIGURES.md, other config: 1 cell, 14 edges x 6 ops, C = 8, batch 64, "
          "8x8x1): eager 542 ms, tf.function 49 ms, XLA 56 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
