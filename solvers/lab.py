"""The lab: the one object that runs what a check, figure or command asks for.

A :class:`Lab` holds the run store, the number of local workers, how progress is shown and
the Dask scheduler (if any). ``lab.runs(plan)`` takes a :class:`~solvers.plans.RunPlan` (or
a list of specs), runs the missing ones -- in this process, in a local process pool, or on a
Dask cluster -- and returns every run in the order asked, each read from disk at most once:
a stored run is read (and its trace checksum verified) when it is looked up, and a run
executed now comes back as ``RunStore.save`` produced it, without being read again.

Executors: in-process with ``workers=1`` (or a single missing run); a local process pool by
default; a Dask distributed cluster when ``scheduler="tcp://HOST:PORT"`` is given. Each run
is one task keyed by its run key, so a spec submitted twice is computed once; a worker that
dies mid-run loses nothing already stored, and Dask reschedules its task elsewhere. The store
must then be a folder every worker can reach (the same machine or a shared file system): a
run is written atomically by whichever worker computes it, and a second writer of the same
run keeps the first, so runs are neither lost nor duplicated.

Workers are quiet unless ``verbose``: the C++ banners TensorFlow prints when it is first
imported in a worker go to ``<store>/.logs/worker-<pid>.log`` instead of the terminal.
Progress is a tqdm bar on a terminal and, when standard error is not one (a CI log, a
redirected ``make reproduce``), a line per tenth of the runs with the elapsed time.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tqdm.auto import tqdm

from solvers.execute import execute_spec, exit_with_parent, pool_context
from solvers.store import RunSpec, RunStore, StoredRun
from theory.errors import InvalidParameterError

if TYPE_CHECKING:
    from solvers.plans import RunPlan

__all__ = ["Lab", "LogProgress", "RunReport"]

#: environment variable that keeps workers' standard error on the terminal
VERBOSE_ENV = "NASBOUND_VERBOSE"


@dataclass
class RunReport:
    """The runs a lab returned (in the order asked), and how many were reused or executed."""

    runs: list[StoredRun]
    reused: int
    executed: int


class LogProgress:
    """Progress for a log: one line per tenth of the work (and at the end), with the time.

    tqdm's interface as far as the lab and ``reproduce`` use it (``update``,
    ``set_postfix_str``, ``close``)."""

    def __init__(self, total: int, description: str, stream: TextIO | None = None) -> None:
        self.total, self.description = total, description
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.start = time.perf_counter()
        self._next = 1
        self.postfix = ""

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text

    def update(self, count: int = 1) -> None:
        self.done += count
        while self._next <= 10 and self.done * 10 >= self._next * self.total:
            self._next += 1
            print(f"{self.description}: {self.done}/{self.total} "
                  f"({100 * self.done // self.total}%), "
                  f"{time.perf_counter() - self.start:.0f} s"
                  + (f" (last: {self.postfix})" if self.postfix else ""), file=self.stream,
                  flush=True)

    def close(self) -> None:
        pass


def _progress(total: int, description: str, show: bool) -> Any:
    if not show:
        return tqdm(total=total, disable=True)
    if sys.stderr.isatty():
        return tqdm(total=total, desc=description, leave=False)
    return LogProgress(total, description)


def _quiet_worker(log_dir: str | None) -> None:
    """A pool worker's initializer: exit with the parent; unless verbose, its standard
    error (TensorFlow's C++ banners on first import) goes to a log file in the store."""
    exit_with_parent()
    if log_dir is None or os.environ.get(VERBOSE_ENV):
        return
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    log = os.open(Path(log_dir) / f"worker-{os.getpid()}.log",
                  os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    os.close(log)


@dataclass(frozen=True)
class Lab:
    """Where runs are stored and how they are executed (see the module docstring).

    ``workers``: local processes (default: every core); ``progress``: show progress (a bar
    on a terminal, log lines otherwise); ``scheduler``: ``tcp://HOST:PORT`` of a Dask
    scheduler; ``verbose``: leave the workers' standard error on the terminal.
    """

    store: RunStore = field(default_factory=lambda: RunStore("results"))
    workers: int | None = None
    progress: bool = False
    scheduler: str | None = None
    verbose: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.store, RunStore):
            object.__setattr__(self, "store", RunStore(self.store))
        if self.workers is not None and self.workers < 1:
            raise InvalidParameterError("workers >= 1", f"workers={self.workers}")
        if self.scheduler is not None and "://" not in str(self.scheduler):
            raise InvalidParameterError("scheduler is a Dask address SCHEME://HOST:PORT "
                                        "(e.g. tcp://10.0.0.1:8786)", repr(self.scheduler))

    @classmethod
    def at(cls, root: str | os.PathLike[str], **options: Any) -> Lab:
        """A lab over the store at ``root``."""
        return cls(RunStore(root), **options)

    def with_options(self, **options: Any) -> Lab:
        """This lab with some options changed (e.g. ``workers=1`` inside a pool worker)."""
        return replace(self, **options)

    # -- running ---------------------------------------------------------------------
    def runs(self, plan: RunPlan | Sequence[RunSpec], description: str | None = None,
             executor: Executor | None = None) -> RunReport:
        """Every run of ``plan`` (a RunPlan or specs), executing the missing ones first."""
        from solvers.plans import RunPlan

        if isinstance(plan, RunPlan):
            specs = plan.specs()
            description = description or plan.name
        else:
            specs = list(plan)
        description = description or "runs"
        found: dict[str, StoredRun] = {}
        missing: list[RunSpec] = []
        for spec in {spec.key: spec for spec in specs}.values():
            run = self.store.load(spec)  # the one read of a stored run
            if run is None:
                missing.append(spec)
            else:
                found[spec.key] = run
        reused = len(found)
        if missing:
            found.update(self._execute(missing, description, executor))
        return RunReport([found[spec.key] for spec in specs], reused, len(missing))

    def _execute(self, missing: Sequence[RunSpec], description: str,
                 executor: Executor | None) -> dict[str, StoredRun]:
        bar = _progress(len(missing), description, self.progress)
        root = str(Path(self.store.root).resolve())
        workers = self.workers if self.workers is not None else (os.cpu_count() or 1)
        done: dict[str, StoredRun] = {}
        try:
            if self.scheduler is not None:
                done.update(self._on_dask(missing, root, bar))
            elif executor is None and (workers <= 1 or len(missing) == 1):
                for spec in missing:
                    done[spec.key] = execute_spec(spec, root)
                    bar.update()
            else:
                own = executor is None
                log_dir = None if self.verbose else str(Path(root) / ".logs")
                pool = executor or ProcessPoolExecutor(
                    max_workers=min(workers, len(missing)), mp_context=pool_context(),
                    initializer=_quiet_worker, initargs=(log_dir,))
                try:
                    futures = [pool.submit(execute_spec, spec, root) for spec in missing]
                    for future in as_completed(futures):
                        run = future.result()
                        done[run.spec.key] = run
                        bar.update()
                finally:
                    if own:
                        pool.shutdown()
        finally:
            bar.close()
        return done

    def _on_dask(self, missing: Sequence[RunSpec], root: str, bar: Any
                 ) -> dict[str, StoredRun]:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        done: dict[str, StoredRun] = {}
        with Client(self.scheduler) as client:
            futures = [client.submit(execute_spec, spec, root, key=f"nasbound-run-{spec.key}",
                                     pure=False, retries=2) for spec in missing]
            for future in dask_completed(futures):
                run = future.result()
                done[run.spec.key] = run
                bar.update()
        return done
