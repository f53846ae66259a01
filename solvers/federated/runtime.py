"""The server's round loop and the client runners (in the process, or Dask workers).

A round: the server picks the participants, sends each the current parameters (numpy arrays
only: a dict name -> list of arrays), each client task returns its updated parameters, its
sample count and its metrics, and the server averages the parameters of the clients that
*reported*, weighted by their shard sizes (FedAvg, McMahan et al. 2017) renormalised over
them. A client is *lost* when its worker died (``KilledWorker``), its task raised, or it did
not answer within ``round_timeout`` seconds; the round then completes with the others, the
lost clients and why are recorded in the trace row, and the next round goes on. A round in
which no client reported keeps the parameters. Each finished round is appended (one JSON
line, flushed) to the optional journal, so nothing computed is lost if the server itself
stops.

Runners:

* :class:`InProcessRunner` — calls the tasks one after another in this process (tests,
  small runs); a task that raises is a lost client.
* :class:`DaskRunner` — one task per client on a ``distributed`` cluster: a
  ``LocalCluster`` of ``workers`` single-threaded processes by default (its scheduler
  in this process, with ``allowed-failures = 0`` so a task whose worker dies fails at once
  instead of being retried), or an existing scheduler (``scheduler="tcp://HOST:PORT"``).
  Workers get ``OMP_NUM_THREADS = TF_NUM_INTRAOP_THREADS = TF_NUM_INTEROP_THREADS = 1``.
  Clients are spread over the live workers round-robin each round (a worker restarted by
  its nanny after a crash gets work again).

Fault injection (:class:`FaultPlan`) is part of the runner's contract, for testing
resilience: a (round, client) listed in ``kill`` ends its worker process with ``os._exit``
inside the task, ``fail`` raises, ``hang`` sleeps past any timeout.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError

__all__ = ["ClientUpdate", "DaskRunner", "FaultPlan", "InProcessRunner", "Params",
           "RoundsOutcome", "aggregate", "federated_rounds", "params_bytes"]

logger = logging.getLogger(__name__)

#: parameters exchanged: name -> list of arrays (weights of a network, [alpha], [w])
Params = dict[str, list[np.ndarray]]
#: what one client task is: (function, positional arguments); the function returns a
#: ClientUpdate
Task = tuple[Callable[..., "ClientUpdate"], tuple[Any, ...]]

SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1",
                     "TF_NUM_INTEROP_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                     "MKL_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}


@dataclass
class ClientUpdate:
    """A client's answer: its parameters after local training, its sample count (the
    aggregation weight) and its scalar metrics."""

    client: int
    params: Params
    samples: float
    metrics: dict[str, float] = field(default_factory=dict)


class ClientFailure(RuntimeError):
    """Raised inside a client task by the fault plan's ``fail`` entries."""


@dataclass(frozen=True)
class FaultPlan:
    """(round, client) pairs whose task kills its worker, raises, or hangs."""

    kill: tuple[tuple[int, int], ...] = ()
    fail: tuple[tuple[int, int], ...] = ()
    hang: tuple[tuple[int, int], ...] = ()

    def action(self, round_index: int, client: int) -> str:
        key = (round_index, client)
        if key in self.kill:
            return "kill"
        if key in self.fail:
            return "fail"
        if key in self.hang:
            return "hang"
        return ""


def _run_task(action: str, fn: Callable[..., ClientUpdate], *args: Any) -> ClientUpdate:
    """What a worker executes: the fault (if any), then the client's function."""
    if action == "kill":
        os._exit(17)
    if action == "fail":
        raise ClientFailure("fault plan: this client fails this round")
    if action == "hang":
        time.sleep(3600)
    return fn(*args)


def params_bytes(params: Params) -> int:
    return int(sum(a.nbytes for arrays in params.values() for a in arrays))


def aggregate(updates: Sequence[ClientUpdate]) -> Params:
    """sum_k n_k theta_k / sum_k n_k over the updates given (those that reported)."""
    total = float(sum(u.samples for u in updates))
    if not updates or total <= 0:
        raise InvalidParameterError("at least one update with samples > 0", f"{len(updates)}")
    out: Params = {}
    for name in updates[0].params:
        parts = [[np.asarray(a, dtype=np.float64) for a in u.params[name]] for u in updates]
        out[name] = []
        for i in range(len(parts[0])):
            mean = np.zeros_like(parts[0][i])
            for u, p in zip(updates, parts, strict=True):
                mean += u.samples / total * p[i]
            out[name].append(mean.astype(np.asarray(updates[0].params[name][i]).dtype))
    return out


# ------------------------------------------------------------------------------- runners
class InProcessRunner:
    """Runs each task here, sequentially; an exception marks the client lost."""

    def __init__(self, faults: FaultPlan = FaultPlan()) -> None:
        self.faults = faults

    def run_round(self, round_index: int, tasks: Mapping[int, Task]
                  ) -> tuple[dict[int, ClientUpdate], dict[int, str]]:
        done: dict[int, ClientUpdate] = {}
        lost: dict[int, str] = {}
        for client, (fn, args) in tasks.items():
            action = self.faults.action(round_index, client)
            if action in ("kill", "hang"):  # cannot end or block this process: lost
                lost[client] = f"fault plan: {action} (in-process runner)"
                continue
            try:
                done[client] = _run_task(action, fn, *args)
            except Exception as exc:  # a failing client must not stop the round
                lost[client] = f"{type(exc).__name__}: {exc}"
        return done, lost

    def close(self) -> None:
        return None

    def __enter__(self) -> InProcessRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskRunner:
    """Client tasks on Dask workers (see the module docstring)."""

    def __init__(self, scheduler: str | None = None, workers: int = 2,
                 round_timeout: float = 300.0, faults: FaultPlan = FaultPlan(),
                 memory_limit: str = "2GiB") -> None:
        import dask
        from distributed import Client, LocalCluster

        if workers < 1:
            raise InvalidParameterError("workers >= 1", f"workers={workers}")
        if not round_timeout > 0:
            raise InvalidParameterError("round_timeout > 0", f"round_timeout={round_timeout}")
        self.round_timeout = round_timeout
        self.faults = faults
        self.cluster: Any = None
        os.environ.update({k: v for k, v in SINGLE_THREAD_ENV.items() if k not in os.environ}
                          if scheduler is None else {})
        self._config = dask.config.set({"distributed.scheduler.allowed-failures": 0,
                                        "distributed.worker.daemon": False})
        self._config.__enter__()
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        memory_limit=memory_limit, env=dict(SINGLE_THREAD_ENV),
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)
        self._tag = f"{os.getpid()}-{time.time_ns()}"

    def _workers(self) -> list[str]:
        deadline = time.monotonic() + self.round_timeout
        while True:
            names = sorted(self.client.scheduler_info(n_workers=-1)["workers"])
            if names or time.monotonic() > deadline:
                return names
            time.sleep(0.2)

    def run_round(self, round_index: int, tasks: Mapping[int, Task]
                  ) -> tuple[dict[int, ClientUpdate], dict[int, str]]:
        from distributed import wait

        workers = self._workers()
        if not workers:
            return {}, {c: "no live worker" for c in tasks}
        futures = {}
        for i, (client, (fn, args)) in enumerate(tasks.items()):
            action = self.faults.action(round_index, client)
            futures[client] = self.client.submit(
                _run_task, action, fn, *args, key=f"fed-{self._tag}-r{round_index}-c{client}",
                pure=False, retries=0, workers=[workers[i % len(workers)]],
                allow_other_workers=True)
        with contextlib.suppress(TimeoutError):
            wait(list(futures.values()), timeout=self.round_timeout)
        done: dict[int, ClientUpdate] = {}
        lost: dict[int, str] = {}
        for client, future in futures.items():
            if future.status == "finished":
                try:
                    done[client] = future.result(timeout=self.round_timeout)
                except Exception as exc:  # lost in transfer
                    lost[client] = f"{type(exc).__name__}: {exc}"
            elif future.status == "error":
                error = future.exception()
                lost[client] = f"{type(error).__name__}: {error}"
            else:
                lost[client] = f"timeout after {self.round_timeout:g} s ({future.status})"
                future.cancel()
        return done, lost

    def close(self) -> None:
        try:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self._config.__exit__(None, None, None)

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------------------ rounds
@dataclass
class RoundsOutcome:
    params: Params
    lost: dict[int, dict[int, str]]  # round -> client -> reason
    bytes_total: int
    rounds_done: int


def federated_rounds(*, params: Params, rounds: int, participants: Callable[[int], list[int]],
                     make_task: Callable[[int, int, Params], Task], runner: Any,
                     evaluate: Callable[[Params], dict[str, float]],
                     recorder: TraceRecorder, journal: Path | None = None,
                     start_round: int = 0, stop: Callable[[dict[str, float]], bool] | None = None,
                     iterations_per_round: int = 1) -> RoundsOutcome:
    """Run ``rounds`` rounds from ``params`` (see the module docstring); one trace row per
    round: the evaluation's metrics, clients asked / reported / lost (as text), bytes down
    and up (parameters as float arrays) and their running total, and the mean of the
    reported clients' metrics (``client_<name>``). ``stop`` ends early on a row's metrics."""
    lost_by_round: dict[int, dict[int, str]] = {}
    total = 0
    done_rounds = 0
    for r in range(start_round, start_round + rounds):
        chosen = participants(r)
        tasks = {k: make_task(r, k, params) for k in chosen}
        start = time.perf_counter()
        updates, lost = runner.run_round(r, tasks)
        seconds = time.perf_counter() - start
        reported = [updates[k] for k in chosen if k in updates]
        down = params_bytes(params) * len(chosen)
        up = sum(params_bytes(u.params) for u in reported)
        if reported:
            params = aggregate(reported)
        total += down + up
        metrics = evaluate(params)
        client_metrics: dict[str, float] = {}
        for name in (reported[0].metrics if reported else {}):
            client_metrics[f"client_{name}"] = float(np.mean([u.metrics[name] for u in reported]))
        row = {**metrics, **client_metrics, "clients_asked": len(chosen),
               "clients_reported": len(reported), "lost_clients": ",".join(map(str, sorted(lost))),
               "bytes_down": down, "bytes_up": up, "bytes_total": total,
               "round_seconds": seconds}
        recorder.record(r, (r + 1) * iterations_per_round, round=r, **row)
        if lost:
            lost_by_round[r] = dict(lost)
            logger.warning("round %d: lost clients %s", r, lost)
        if journal is not None:
            with journal.open("a") as handle:
                handle.write(json.dumps({"round": r, **row, "lost": {str(k): v for k, v in
                                                                   lost.items()}}) + "\n")
                handle.flush()
        done_rounds += 1
        if stop is not None and stop(metrics):
            break
    return RoundsOutcome(params, lost_by_round, total, done_rounds)
