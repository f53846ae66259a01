"""Running specs: build, validate, run, store; many runs through an executor.

``make_spec`` validates names and parameters before anything runs, so bad input fails
before the store is touched. ``run_many`` skips runs already stored, sends the rest to an
executor, shows a progress bar, and returns the stored runs in the order of the specs.

Executors: in-process with ``workers=1``; a local process pool by default; a Dask
distributed cluster when ``scheduler="tcp://HOST:PORT"`` is given. Each run is one task
keyed by its run key, so a spec submitted twice is computed once; a worker that dies
mid-run loses nothing already stored, and Dask reschedules its task elsewhere. The store
must then be a folder every worker can reach (the same machine, or a shared file system):
a run is written atomically by whichever worker computes it, and a second writer of the
same run keeps the first one, so runs are neither lost nor duplicated.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from solvers.registry import make_problem, make_solver
from solvers.store import RunSpec, RunStore, StoredRun
from solvers.trace import TraceRecorder

__all__ = ["RunReport", "execute_spec", "exit_with_parent", "make_spec", "pool_context",
           "run_many"]


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


def execute_spec(spec: RunSpec, store_root: str) -> str:
    """Run one spec and store it (a worker's entry point); returns the run key."""
    store = RunStore(store_root)
    if store.load(spec) is not None:
        return spec.key
    problem = make_problem(spec.problem, spec.problem_config)
    solver = make_solver(spec.solver, spec.solver_config)
    recorder = TraceRecorder()
    start = time.perf_counter()
    solver.run(problem, spec.seed, recorder)
    store.save(spec, recorder, time.perf_counter() - start)
    return spec.key


@dataclass
class RunReport:
    runs: list[StoredRun]
    reused: int
    executed: int


def _run_on_dask(missing: Sequence[RunSpec], root: str, scheduler: str, bar: Any) -> None:
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        futures = [client.submit(execute_spec, spec, root, key=f"nasbound-run-{spec.key}",
                                 pure=False, retries=2) for spec in missing]
        for future in dask_completed(futures):
            future.result()
            bar.update()


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


def run_many(specs: Sequence[RunSpec], store: RunStore, workers: int | None = None,
             executor: Executor | None = None, progress: bool = True,
             description: str = "runs", scheduler: str | None = None) -> RunReport:
    """Every spec's stored run, running the missing ones first."""
    unique: dict[str, RunSpec] = {spec.key: spec for spec in specs}
    missing = [spec for spec in unique.values() if store.load(spec) is None]
    reused = len(unique) - len(missing)
    if missing:
        bar = tqdm(total=len(missing), desc=description, disable=not progress, leave=False)
        root = str(Path(store.root).resolve())
        workers = workers if workers is not None else (os.cpu_count() or 1)
        if scheduler is not None:
            _run_on_dask(missing, root, scheduler, bar)
        elif executor is None and (workers <= 1 or len(missing) == 1):
            for spec in missing:
                execute_spec(spec, root)
                bar.update()
        else:
            own = executor is None
            pool = executor or ProcessPoolExecutor(max_workers=min(workers, len(missing)),
                                                   mp_context=pool_context(),
                                                   initializer=exit_with_parent)
            try:
                futures = [pool.submit(execute_spec, spec, root) for spec in missing]
                for future in as_completed(futures):
                    future.result()
                    bar.update()
            finally:
                if own:
                    pool.shutdown()
        bar.close()
    runs = []
    for spec in specs:
        run = store.load(spec)
        if run is None:  # pragma: no cover - a run that vanished after being written
            raise RuntimeError(f"run {spec.key} is missing after execution")
        runs.append(run)
    return RunReport(runs, reused, len(missing))


def seeds(count: int, start: int = 0) -> Iterable[int]:
    return range(start, start + count)
