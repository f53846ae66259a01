"""Federated optimisation: FedAvg on convex problems with known constants, and FedNAS.

Modules (TensorFlow is imported only by :mod:`solvers.federated.nas`, inside the tasks):

* :mod:`solvers.federated.split` — Dirichlet(alpha) label split (Hsu, Qi and Brown 2019),
  seeded; ``alpha = inf`` is the stratified IID split.
* :mod:`solvers.federated.convex` — federated strongly convex problems whose every constant
  of Li et al. (ICLR 2020) is known (per-client quadratics, ridge logistic regression) and
  FedAvg on them (E local SGD steps, decaying or constant step, full participation or the
  sampling schemes I / II), vectorised over seeds.
* :mod:`solvers.federated.runtime` — the server's round loop over a client runner: in the
  process, or Dask workers (a ``LocalCluster`` by default, ``tcp://HOST:PORT`` for a real
  one); lost clients (worker died, task raised, timed out) are recorded and the round
  aggregates those that reported; every finished round is appended to a journal.
* :mod:`solvers.federated.nas` — FedNAS (He, Annavaram and Avestimehr 2020) on the supernet:
  clients search weights and alpha on their shards, the server averages both; the derived
  cell is retrained federated. ``run_federated_search`` is the CLI's entry point.
"""

from __future__ import annotations

__all__: list[str] = []
