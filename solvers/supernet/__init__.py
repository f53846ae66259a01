"""A TensorFlow weight-sharing supernet (DARTS, first and second order, hardware-aware).

Modules (each imports TensorFlow itself; importing this package does not):

* :mod:`solvers.supernet.ops` — the candidate operations of both cell families as Keras
  layers (NAS-Bench-201: zero, skip, ReLU-Conv-BN 1x1/3x3, 3x3 average pool; DARTS: zero,
  3x3 max/average pool, skip, separable 3x3/5x5, dilated 3x3/5x5).
* :mod:`solvers.supernet.model` — mixed operations weighted by softmax(alpha), search cells,
  the macro skeleton, the derived discrete network, the MNIST5k split and compiled steps.
* :mod:`solvers.supernet.darts` — architecture gradients: first order, second order with
  DARTS's finite-difference Hessian-vector product, and the exact implicit hypergradient
  (conjugate gradient) as a reference; each counts its gradient evaluations.
* :mod:`solvers.supernet.hardware` — measured per-operation latency, analytic memory, their
  differentiable expectations under softmax(alpha), and the derived network's real costs.
* :mod:`solvers.supernet.mgda` — weighted-sum and MGDA (min-norm) multi-objective steps.
* :mod:`solvers.supernet.search` — the instrumented search, derivation and retraining.
"""

from __future__ import annotations

__all__: list[str] = []
