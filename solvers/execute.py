"""Building and executing single runs: validate a spec, run it, store it.

``make_spec`` validates names and parameters before anything runs, so bad input fails before
the store is touched. ``execute_spec`` is a worker's entry point: it runs one spec and
returns the stored run as the store wrote it. Running many specs -- skipping stored ones,
spreading the rest over processes or a Dask cluster, showing progress -- is
:class:`solvers.lab.Lab`'s job; this module holds what its workers need (``pool_context``,
``exit_with_parent``), importable without the lab.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from solvers.registry import make_problem, make_solver
from solvers.store import RunSpec, RunStore, StoredRun
from solvers.trace import TraceRecorder

__all__ = ["execute_spec", "exit_with_parent", "make_spec", "pool_context"]


def make_spec(solver: str, solver_params: Mapping[str, Any] | None, problem: str,
              problem_params: Mapping[str, Any] | None, seed: int) -> RunSpec:
    """A validated spec with every config field filled in (defaults included)."""
    solver_obj = make_solver(solver, solver_params)
    problem_obj = make_problem(problem, problem_params)
    solver_obj.validate(problem_obj)
    from solvers.algorithms.base import rng_for

    rng_for(seed)  # validates the seed
    return RunSpec(solver, solver_obj.config.to_dict(), problem, problem_obj.config.to_dict(),
                   int(seed))


def execute_spec(spec: RunSpec, store_root: str) -> StoredRun:
    """Run one spec and store it (a worker's entry point); the stored run as written.

    A run another worker stored meanwhile (a Dask task rescheduled, two pools that needed
    the same run) is read back instead of computed again."""
    store = RunStore(store_root)
    if (store.path(spec) / "manifest.json").exists():
        existing = store.load(spec)
        if existing is not None:
            return existing
    problem = make_problem(spec.problem, spec.problem_config)
    solver = make_solver(spec.solver, spec.solver_config)
    recorder = TraceRecorder()
    start = time.perf_counter()
    solver.run(problem, spec.seed, recorder)
    return store.save(spec, recorder, time.perf_counter() - start)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # the parent died (e.g. SIGKILL): what this worker had stored stays stored


def exit_with_parent() -> None:
    """A pool worker's initializer: exit when the process that started the pool dies.

    A killed ``reproduce`` or ``check`` would otherwise leave its pool workers waiting on a
    task queue nobody feeds, forever. Runs are written atomically, so a worker that exits
    mid-run leaves nothing half-written."""
    import threading

    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True,
                     name="nasbound-exit-with-parent").start()


_FORKSERVER_PRELOAD = ["solvers.registry", "solvers.execute"]


def pool_context() -> multiprocessing.context.BaseContext:
    """Fork (fast) unless this process has imported TensorFlow: its thread pools do not
    survive a fork, and a forked worker that runs a TensorFlow model deadlocks (seen when
    the supernet checks ran before the NAS runs of ``reproduce``). Then a fork server: one
    clean process, started once per interpreter without TensorFlow, that imports the
    registries once and forks each worker from itself. (Spawning instead cost every pool
    ~2.4 s of imports per worker: about half the quick check profile's wall time.)"""
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    if "tensorflow" in sys.modules:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_FORKSERVER_PRELOAD)  # no effect once started
        return context
    return multiprocessing.get_context("fork")
