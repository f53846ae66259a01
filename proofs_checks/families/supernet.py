"""Checks of the bilevel bounds on the real TensorFlow supernet (issue 5).

* ``supernet-fd-hvp-error`` holds ``bilevel.darts.fd-hvp-error`` on DARTS's finite
  difference as the shipped code computes it (:func:`solvers.supernet.darts.fd_mixed_hvp`,
  called by the second-order head step; eps drawn, or by the step's rule 0.01 / ||v||)
  with the supernet's real architecture gradients (float64, a small
  NAS-Bench-201-cell supernet on MNIST5k digits or on PneumoniaMNIST chest X-rays, drawn
  per instance) against the exact Hessian-vector product
  by reverse-over-reverse autodiff. The inner variable is the linear classifier (the
  head-only configuration of :mod:`solvers.supernet.darts`): w -> grad_a g(w, a) is then
  analytic (softmax cross-entropy), so the assumption "third derivative bounded on the
  segment" holds, and its constant is computed exactly along the segment: with phi(t) =
  grad_a g(w + t v), phi'''(t) = sum_ik J_ik G'''(t)_ik where J = d features / d alpha
  (forward-mode, exact) and G(t) = (S(t) - Y) M(t)^T / n, S the softmax of the logits, M
  the classifier kernel; S''' along a line is p((z - k1)^3 - 3 k2 (z - k1) - k3) per row
  (k1, k2, k3 the cumulants of the logit direction z under p). rho ||v||^3 is the largest
  ||phi'''(t)|| on 21 points of [-eps, eps]; the bound is rho eps^2 ||v||^3 / 6 plus the
  a float allowance of 8 x the *measured* round-off of a gradient evaluation (the
  gradient's change under a 1e-10 perturbation of the point), times 2 / (2 eps): the
  network's gradient sums many cancelling terms, so ulps of its value understate its
  round-off by orders of magnitude (measured: about 1e-11 relative in float64).
  Sabotage: the bound halved (as eps -> 0 the ratio tends to 1). The quick profile's
  supernet has three of the NB201 cell's five candidate operations (skip, 1x1 and 3x3
  convolutions), the full profile all five; one process traces the gradient/mixed-HVP graph
  once per configuration and reuses it across instances and settings.
* ``supernet-activation-memory`` holds ``bilevel.darts.supernet-activation-memory`` on
  eager forward passes of supernets of both cell families: the element counts of every
  candidate operation's output, recorded by the mixed operations, summed, against
  E O B C S^2 per cell, with O the operations materialised (``none`` is not: O = 4 of 5
  for NAS-Bench-201, 7 of 8 for DARTS). Sabotage: the count scaled by 0.5. The forward
  passes are made once per configuration in a process and shared by the settings.

The hypergradient errors of first- and second-order DARTS against the implicit (CG)
reference are *measured* by :func:`hypergradient_measurements` (the catalogue's error
bounds assume bilevel quadratics, which the supernet is not); the measurements are
reported next to ``bilevel.darts.first-order-error`` (||J|| ||grad_w f|| / mu, which holds at
the inner optimum of any mu-strongly convex inner problem) and
``bilevel.darts.second-order-error`` (stated for quadratic inner problems; at w* of the head
problem it holds up to xi times the finite-difference error, with spec of the Hessian at w*
in [mu, L_bound]). Collapse diagnostics are
reported by the search's trace (:mod:`solvers.supernet.search`), not checked.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cache
from typing import Any, ClassVar

import numpy as np
from hypothesis import strategies as st

from proofs_checks.check import (
    Check,
    CheckContext,
    CheckResult,
    Measurement,
    Outcome,
    Sabotage,
    Triviality,
    upper_holds,
)
from theory.bounds.bilevel import DARTS_FIRST_ORDER_ERROR, DARTS_SECOND_ORDER_ERROR

__all__ = ["CHECKS", "SYMBOLIC_ONLY", "hypergradient_measurements"]

#: float allowance factor of a central difference (as in proofs_checks.families.bilevel)
FD_ROUNDOFF = 8.0
_MACHINE_EPS = float(np.finfo(float).eps)
_GRID = 21


#: the head's ridge at which w* is computed (as in :func:`hypergradient_measurements`)
_FD_RIDGE = 0.05
_FD_BATCH = 32


#: the quick profile's supernet: the NB201 cell with three of its five candidate
#: operations (a third fewer traced ops; the head-only finite difference sees the body only
#: through phi and J); the full profile uses all five
_FD_QUICK_OPS = "skip_connect,nor_conv_1x1,nor_conv_3x3"


#: the data sets the check's supernets are trained on: MNIST5k digits (10 classes) and
#: PneumoniaMNIST chest X-rays (2 classes, the medical-imaging task of issue 18)
FD_DATASETS = ("mnist5k", "pneumonia")


@cache
def _fd_setup(seed: int = 0, ops: str = "", dataset: str = "mnist5k") -> dict[str, Any]:
    """A float64 NB201-cell supernet, a batch, alpha, w* of the head, J = dPhi/dalpha
    (forward mode, exact), and compiled (tf.function) gradient and mixed-HVP graphs reused
    by every instance and setting of the check in this process (eager execution costs about
    20x more per evaluation here)."""
    import tensorflow as tf

    from solvers.supernet import darts
    from solvers.supernet.model import (
        ArchState,
        NetConfig,
        Network,
        initialise,
        mnist_split,
        pneumonia_split,
    )

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    net = Network(NetConfig(cell="nb201", channels=4, stages=1, dtype="float64", ops=ops),
                  num_classes=10 if dataset == "mnist5k" else 2)
    initialise(net, rng)
    alpha0 = rng.standard_normal((net.space.n_edges, net.space.n_ops))
    state = ArchState(net, alpha0, compiled=False)
    data = mnist_split(0) if dataset == "mnist5k" else pneumonia_split()
    x = tf.constant(data.train_x[:_FD_BATCH].astype(np.float64))
    y = tf.constant(data.train_y[:_FD_BATCH])
    labels = np.asarray(data.train_y[:_FD_BATCH])
    head = net.head_variables
    phi = np.asarray(net.features(x, tf.nn.softmax(state.alpha, axis=-1),
                                  training=True).numpy(), dtype=float)
    # the head at w*(alpha) of the ridge-regularised head problem (what
    # darts.head_hypergradients sets, without its CG reference and constants)
    w0 = np.concatenate([np.asarray(head[0].numpy(), dtype=float),
                         np.asarray(head[1].numpy(), dtype=float)[None, :]]).ravel()
    theta = darts._head_problem(state, phi, labels, _FD_RIDGE, w0, 1e-10)
    matrix = theta.reshape(phi.shape[1] + 1, -1)
    head[0].assign(matrix[:-1])
    head[1].assign(matrix[-1])

    def gradient_and_mixed(v_kernel: tf.Tensor, v_bias: tf.Tensor
                           ) -> tuple[tf.Tensor, tf.Tensor]:
        """(grad_a L, grad^2_{aw} L v) at the current head: one graph, traced once, serves
        both the finite difference's gradients and the exact product"""
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                value = state.loss(x, y)
            grads = inner.gradient(value, [state.alpha, *head],
                                   unconnected_gradients=tf.UnconnectedGradients.ZERO)
            product = tf.reduce_sum(grads[1] * v_kernel) + tf.reduce_sum(grads[2] * v_bias)
        return grads[0], outer.gradient(product, state.alpha,
                                        unconnected_gradients=tf.UnconnectedGradients.ZERO)

    return {"state": state, "x": x, "y": y, "phi": phi, "J": darts.features_jacobian(state, x),
            "labels": labels, "compiled": tf.function(gradient_and_mixed, autograph=False),
            # the training loss, traced once, for the shipped finite difference
            "loss": tf.function(lambda: state.loss(x, y), autograph=False)}


def _third_derivative_sup(setup: Mapping[str, Any], kernel: np.ndarray, bias: np.ndarray,
                          v_kernel: np.ndarray, v_bias: np.ndarray, eps: float) -> float:
    """max over t in [-eps, eps] (grid) of ||phi'''(t)||, phi(t) = grad_a g(w + t v)."""
    phi, jac, labels = setup["phi"], setup["J"], setup["labels"]
    n = phi.shape[0]
    z_dir = phi @ v_kernel + v_bias
    best = 0.0
    for t in np.linspace(-eps, eps, _GRID):
        m = kernel + t * v_kernel
        z = phi @ m + (bias + t * v_bias)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        k1 = np.sum(p * z_dir, axis=1, keepdims=True)
        c = z_dir - k1
        k2 = np.sum(p * c**2, axis=1, keepdims=True)
        k3 = np.sum(p * c**3, axis=1, keepdims=True)
        s2 = p * (c**2 - k2)
        s3 = p * (c**3 - 3 * k2 * c - k3)
        g3 = (s3 @ m.T + 3 * s2 @ v_kernel.T) / n
        value = np.tensordot(g3, jac, axes=([0, 1], [0, 1]))
        best = max(best, float(np.linalg.norm(value)))
    _ = labels
    return best


def fd_measurement(point_seed: int, scale: float, v_norm: float, eps: float, ops: str = "",
                   dataset: str = "mnist5k") -> dict[str, float]:
    """FD error, exact mixed HVP norm, rho and the float allowance at one instance (``ops``:
    the supernet's candidate operations, '' for all; ``dataset``: one of FD_DATASETS, the
    images and labels of its batch). The finite difference measured is the
    shipped one (:func:`solvers.supernet.darts.fd_mixed_hvp`); the check computes only the
    reference (the exact product by reverse over reverse), rho and the allowance."""
    import tensorflow as tf

    from solvers.supernet import darts

    setup = _fd_setup(0, ops, dataset)
    state = setup["state"]
    head = state.net.head_variables
    rng = np.random.default_rng(point_seed)
    backup = [tf.identity(h) for h in head]
    for h in head:
        h.assign_add(scale * rng.standard_normal(tuple(h.shape)))
    v = [rng.standard_normal(tuple(h.shape)) for h in head]
    total = float(np.sqrt(sum(np.sum(p**2) for p in v)))
    v = [p * v_norm / total for p in v]
    v_t = [tf.constant(p) for p in v]
    compiled = setup["compiled"]
    loss = setup["loss"]

    def grad_alpha() -> tf.Tensor:
        return compiled(*v_t)[0]

    try:
        exact = compiled(*v_t)[1]
        backup_point = [tf.identity(h) for h in head]
        # the measured quantity: the shipped finite difference, darts.fd_mixed_hvp, the one
        # DARTS's second-order step on the head calls (darts.head_hypergradients), at this
        # point, direction and eps (it restores the head itself)
        fd = darts.fd_mixed_hvp(loss, state.alpha, head, v_t, eps)
        error = float(tf.norm(fd - exact))
        sup = _third_derivative_sup(setup, np.asarray(head[0].numpy()),
                                    np.asarray(head[1].numpy()), v[0], v[1], eps)
        # round-off of one gradient evaluation, measured: the gradient at w + eps v against
        # the gradient at a point 1e-10 (relative) away, where the exact change is far below
        # it (the network's gradient sums many cancelling terms, so ulps of the result say
        # nothing about its error)
        darts._shift(head, v_t, eps)
        g_plus = grad_alpha()
        tiny = [1e-10 * tf.constant(rng.standard_normal(tuple(h.shape))) for h in head]
        darts._shift(head, tiny, 1.0)
        g_near = grad_alpha()
        for h, b in zip(head, backup_point, strict=True):
            h.assign(b)
        noise = max(float(tf.norm(g_near - g_plus)),
                    _MACHINE_EPS * 2 * float(tf.norm(g_plus)))
        allowance = FD_ROUNDOFF * 2 * noise / (2 * eps)
    finally:
        for h, b in zip(head, backup, strict=True):
            h.assign(b)
    return {"error": error, "rho": sup / v_norm**3, "allowance": allowance,
            "gradient_noise": noise, "exact_norm": float(tf.norm(exact))}


def _darts_eps_scale() -> float:
    """DARTS's eps * ||v|| (0.01, Liu et al. 2019 Sec. 2.3), read from the shipped step."""
    import inspect

    from solvers.supernet import darts

    scale: float = inspect.signature(darts.second_order).parameters["eps_scale"].default
    return scale


@st.composite
def fd_instance(draw: st.DrawFn) -> dict[str, Any]:
    v_norm = 10 ** draw(st.floats(-1.0, 0.5))
    # eps by the shipped step's rule eps = 0.01 / ||v|| (what DARTS runs), or drawn freely
    # (the lemma holds for any eps > 0)
    eps = (_darts_eps_scale() / v_norm if draw(st.booleans()) else
           10 ** draw(st.sampled_from([-2.0, -1.5]) | st.floats(-3.0, 0.0)))
    return {"dataset": draw(st.sampled_from(FD_DATASETS)),
            "point_seed": draw(st.integers(0, 10_000)),
            "scale": draw(st.sampled_from([0.0, 0.5]) | st.floats(0.0, 2.0)),
            "v_norm": v_norm, "eps": eps}


class SupernetFDHVPCheck(Check):
    bound_id = "bilevel.darts.fd-hvp-error"
    name = "supernet-fd-hvp-error"
    method = ("deterministic: error of the shipped finite difference (darts.fd_mixed_hvp, "
              "what DARTS's second-order head step computes) against the exact product, <= "
              "bound*(1+RTOL)+ATOL+float allowance on the real supernet's gradients (head-only "
              "inner variable, float64), drawn points, directions and eps (half by the step's "
              "rule eps = 0.01/||v||); rho computed along each segment")
    #: "ops": the supernet's candidate operations ("" for all five of the NB201 cell: the
    #: full profile); "examples": Hypothesis examples (drawn point, direction and eps)
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"ops": _FD_QUICK_OPS, "examples": 5},
        "full": {"ops": "", "examples": 60}}
    sabotages = (
        Sabotage("scaled-0.5", "bound-scaled",
                 "the bound halved (the central difference's error tends to the bound as "
                 "eps -> 0 when rho is the segment's own constant)", factor=0.5),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        bound = self.bound
        failed: set[str] = set()
        trivial_pairs: list[tuple[float, float]] = []
        sizes = self.sizes(context)
        ops = sizes["ops"]

        def measure(instance: dict[str, Any]) -> Measurement:
            m = fd_measurement(instance["point_seed"], instance["scale"],
                               instance["v_norm"], instance["eps"], ops, instance["dataset"])
            constants = {"rho": m["rho"], "epsilon": instance["eps"],
                         "v_norm": instance["v_norm"], "third_derivative_bounded": True}
            failed.update(a.name for a in bound.failed_assumptions(constants))
            value = bound.evaluate(**constants) * setting.factor
            trivial_pairs.append((value + m["allowance"], m["exact_norm"]))
            return Measurement(m["error"], value, upper_holds(m["error"],
                                                              value + m["allowance"]),
                               {**instance, **m})

        outcome = self.search(context, setting, fd_instance(), measure, sizes["examples"])
        triviality = Triviality.from_pairs(
            "the bound (with its float allowance) against ||grad^2_aw g v||, the error of the "
            "trivial estimate 0 of the product (a bound at or above it says no more than "
            "'the difference is no worse than returning zero')", trivial_pairs)
        return self.search_result(
            setting, outcome, failed, statistic_name="max measured/bound",
            statistic=outcome.worst_tightness, tightness=outcome.worst_tightness,
            details={"float_allowance_factor": FD_ROUNDOFF,
                     "measured_code": "solvers.supernet.darts.fd_mixed_hvp",
                     "supernet_ops": ops or "all (NB201)"},
            triviality=triviality)


# ------------------------------------------------------------------ activation memory
_MEMORY_CONFIGS: tuple[dict[str, Any], ...] = (
    {"cell": "nb201", "channels": 4, "stages": 1, "batch": 2},
    {"cell": "darts", "channels": 4, "stages": 2, "batch": 3, "intermediate_nodes": 2},
    {"cell": "nb201", "channels": 3, "stages": 2, "batch": 1, "cells_per_stage": 2},
    {"cell": "darts", "channels": 2, "stages": 1, "batch": 2, "intermediate_nodes": 1,
     "ops": "none,skip_connect,sep_conv_3x3"},
)


def memory_measurement(config: Mapping[str, Any]) -> dict[str, Any]:
    """Recorded candidate-output floats of one eager forward pass, and the per-cell
    (E, O, B, C, S) of the count (computed once per configuration in a process: the
    check's settings share the forward passes; a fresh copy is returned)."""
    return copy.deepcopy(_memory_measurement(tuple(sorted(config.items()))))


@cache
def _memory_measurement(items: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    import tensorflow as tf

    from solvers.supernet.model import Cell, MixedOp, NetConfig, Network, initialise

    config = dict(items)
    params = {k: v for k, v in config.items() if k != "batch"}
    net = Network(NetConfig(**params))
    initialise(net, np.random.default_rng(0))
    mixed = [e for kind, block in net.blocks if kind == "cell" and isinstance(block, Cell)
             for e in block.edges if isinstance(e, MixedOp)]
    for m in mixed:
        m.recorded = []
    space = net.space
    weights = tf.fill((space.n_edges, space.n_ops), 1.0 / space.n_ops)
    net.call(tf.zeros((config["batch"], 28, 28, 1)), weights, training=True)
    measured = sum(sum(m.recorded or []) for m in mixed)
    for m in mixed:
        m.recorded = None
    side = 28 // net.config.stem_stride
    cells = []
    for stage in range(net.config.stages):
        for _ in range(net.config.cells_per_stage):
            cells.append({"E": space.n_edges, "O": space.n_ops - ("none" in space.ops),
                          "B": config["batch"], "C": net.config.channels * 2**stage,
                          "S": side})
        side = (side + 1) // 2
    from solvers.supernet.hardware import op_memory

    # with internal buffers (ReLU, depthwise, pointwise maps of each conv unit) counted,
    # per the analytic op_memory: what "one output per op" leaves out
    with_buffers = 0.0
    side = 28 // net.config.stem_stride
    for stage in range(net.config.stages):
        per_cell = sum(op_memory(name, net.config.channels * 2**stage, side)[1]
                       for name in space.ops if name != "none")
        with_buffers += per_cell * space.n_edges * config["batch"] * net.config.cells_per_stage
        side = (side + 1) // 2
    return {"measured": measured, "cells": cells, "with_internal_buffers": with_buffers}


class SupernetActivationMemoryCheck(Check):
    bound_id = "bilevel.darts.supernet-activation-memory"
    name = "supernet-activation-memory"
    method = ("exact: candidate-output floats recorded in eager forward passes of supernets "
              "of both cell families equal the sum over cells of E O B C S^2")
    #: how many of the supernet configurations (_MEMORY_CONFIGS, in order) are measured:
    #: the first two (one of each cell family) in the quick profile, all in the full one
    SIZES: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "quick": {"configurations": 2},
        "full": {"configurations": len(_MEMORY_CONFIGS)}}
    sabotages = (
        Sabotage("scaled-0.5", "bound-scaled", "the count multiplied by 0.5", factor=0.5),
        Sabotage("internal-buffers", "assumption-dropped",
                 "internal buffers counted too (ReLU/conv/BN maps inside each candidate op, "
                 "solvers.supernet.hardware.op_memory; pools' outputs, skip none)",
                 assumption="one-output-per-op", probe=True),
    )

    def _run(self, context: CheckContext, setting: Sabotage) -> CheckResult:
        bound = self.bound
        failed: set[str] = set()
        rows = []
        sizes = self.sizes(context)
        configs = _MEMORY_CONFIGS[:sizes["configurations"]]
        buffers = setting.name == "internal-buffers"
        for config in configs:
            m = memory_measurement(config)
            if buffers:
                m["measured"] = m["with_internal_buffers"]
            claimed = 0.0
            for cell in m["cells"]:
                constants = {**cell, "one_output_per_op": not buffers}
                failed.update(a.name for a in bound.failed_assumptions(constants))
                claimed += bound.evaluate(**constants)
            claimed *= setting.factor
            rows.append({**config, "measured": m["measured"], "claimed": claimed})
        wrong = [r for r in rows if r["measured"] != r["claimed"]]
        return self.result(
            setting, assumptions_hold=not failed, instances=len(rows), runs=len(rows),
            violations=len(wrong), outcome=Outcome.VIOLATION if wrong else Outcome.HOLDS,
            statistic_name="configurations whose count differs", statistic=float(len(wrong)),
            tightness=1.0 if not wrong else None, counterexample=wrong[0] if wrong else None,
            details={"rows": rows, "failed_assumptions": sorted(failed)},
            triviality=Triviality.none(
                "exact equality of a deterministic element count (recorded outputs against "
                "E O B C S^2 per cell): no trivial bound to compare with"))


# ------------------------------------------------------------------ measurements
def hypergradient_measurements(seeds: tuple[int, ...] = (0, 1), ridge: float = 0.05,
                               xi: float | None = None, batch: int = 64, ops: str = ""
                               ) -> list[dict[str, float]]:
    """First/second-order DARTS hypergradient errors against the implicit (CG) reference on
    the head-only bilevel problem of a float64 NB201-cell supernet (``ops``: its candidate
    operations, '' for all five), one row per seed (seed of the supernet, alpha and the
    ``batch``-sized training and validation batches), with the problem's constants."""
    import tensorflow as tf

    from solvers.supernet import darts
    from solvers.supernet.model import ArchState, NetConfig, Network, initialise, mnist_split

    data = mnist_split(0)
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        net = Network(NetConfig(cell="nb201", channels=4, stages=1, dtype="float64",
                                ops=ops))
        initialise(net, rng)
        state = ArchState(net, rng.standard_normal((net.space.n_edges, net.space.n_ops)),
                          compiled=False)
        ti = rng.choice(len(data.train_y), batch, replace=False)
        vi = rng.choice(len(data.val_y), batch, replace=False)
        train = (tf.constant(data.train_x[ti].astype(np.float64)),
                 tf.constant(data.train_y[ti]))
        val = (tf.constant(data.val_x[vi].astype(np.float64)), tf.constant(data.val_y[vi]))
        result = darts.head_hypergradients(state, train, val, ridge, xi=xi, seed=seed,
                                           power_iterations=20)
        c = result.constants
        at = {"normB": c["norm_J"], "normGwf": c["grad_w_val_norm"], "mu": c["mu"],
              "xi": c["xi"]}
        rows.append({"seed": float(seed), "error_first": result.error_first,
                     "error_second": result.error_second,
                     "relative_error_first": result.error_first
                     / max(c["exact_norm"], 1e-300),
                     "relative_error_second": result.error_second
                     / max(c["exact_norm"], 1e-300),
                     # theory.bounds.bilevel at the head problem's constants (its spectrum
                     # lies in [mu, L_bound]; L is the power-iteration estimate)
                     "first_order_bound": DARTS_FIRST_ORDER_ERROR.evaluate(**at),
                     "second_order_bound": DARTS_SECOND_ORDER_ERROR.evaluate(
                         **at, L=c["L_bound"]),
                     "second_order_bound_at_L": DARTS_SECOND_ORDER_ERROR.evaluate(
                         **at, L=c["L"]),
                     **c})
    return rows


CHECKS: tuple[Check, ...] = (SupernetFDHVPCheck(), SupernetActivationMemoryCheck())
#: bound id -> why it has no empirical check (none: both bounds above are checked)
SYMBOLIC_ONLY: dict[str, str] = {}
