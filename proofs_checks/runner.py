"""Running many check settings: one after another, or spread over local processes.

Every (check, setting) pair is independent given the run store: it reads the runs it needs
from the store, or runs and stores them. :func:`run_settings` therefore hands the pairs to
a pool of ``workers`` local processes, each of which runs its pairs with ``workers=1`` (its
runs in-process, no pool inside a pool). The settings of one check, and of checks that
declare the same :attr:`~proofs_checks.check.Check.run_group`, go to one process as one
task, one after another: they read the same runs (a bound-scaled setting re-tests the
as-stated runs), which two processes would otherwise compute twice at the same time (seen
in the full profile: the LOTZ order check's order-n setting took 41 s beside its as-stated
setting instead of 0.2 s after it). Most of a check profile's time is spent inside
single checks that run in the calling process (hypothesis searches over instances, symbolic
evaluation), which a pool of *runs* cannot spread; a pool of *settings* can.

The results come back in the order of the pairs, whatever order they finish in, so the
tables written from them are the same for any number of workers; ``on_result`` is called
in that order too, as soon as every earlier pair has finished. A setting's verdict does not
depend on where it ran: its runs are keyed by configuration and seed, and its searches are
seeded from ``context.seed`` (two processes that need the same run may both compute it;
the store keeps one). With a Dask scheduler (``context.lab.scheduler``) or one worker the pairs
run one after another in this process, their runs going to the cluster or run here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from proofs_checks.check import Check, CheckContext, CheckResult
from solvers.store import RunStore
from theory.errors import InvalidParameterError

__all__ = ["run_settings"]

#: the checks of a worker process, by name (looked up once per process)
_WORKER_CHECKS: dict[str, Check] = {}


def _worker_check(name: str) -> Check:
    if not _WORKER_CHECKS:
        from proofs_checks.registry import all_checks

        _WORKER_CHECKS.update({check.name: check for check in all_checks()})
    return _WORKER_CHECKS[name]


def _run_group_in_worker(pairs: list[tuple[str, str]], fields: dict[str, Any]
                         ) -> list[CheckResult]:
    """A pool worker's entry point: settings of registered checks that share runs, one
    after another in this process (the first computes the runs, the others reuse them)."""
    context = CheckContext(profile=fields["profile"], lab=fields["lab"], seed=fields["seed"],
                           database_dir=fields["database_dir"],
                           plan_sizes=fields["plan_sizes"],
                           check_sizes=fields["check_sizes"])
    return [_worker_check(name).run(context, setting) for name, setting in pairs]


def run_settings(jobs: Sequence[tuple[Check, str]], context: CheckContext,
                 workers: int | None = None,
                 on_result: Callable[[int, CheckResult], None] | None = None
                 ) -> list[CheckResult]:
    """Run each (check, setting name) of ``jobs``; the results in the order of ``jobs``.

    ``workers``: processes to spread the settings over (default: ``context.lab.workers``, else
    the CPU count); 1, a single job or a Dask scheduler in ``context`` runs them here, one
    after another. Checks not in the registry (built ad hoc) also run here. ``on_result(i,
    result)`` is called for every job in order. An exception in a job is raised here after
    the pool is shut down; runs stored before it are kept.
    """
    workers = workers if workers is not None else (context.lab.workers or os.cpu_count() or 1)
    if workers < 1:
        raise InvalidParameterError("workers >= 1", f"workers={workers}")
    from proofs_checks.registry import all_checks

    registered = {check.name for check in all_checks()}
    local = (workers == 1 or len(jobs) <= 1 or context.lab.scheduler is not None
             or any(check.name not in registered for check, _ in jobs))
    results: list[CheckResult | None] = [None] * len(jobs)
    if local:
        for index, (check, setting) in enumerate(jobs):
            results[index] = check.run(context, setting)
            if on_result is not None:
                on_result(index, results[index])  # type: ignore[arg-type]
        return [r for r in results if r is not None]

    from solvers.execute import exit_with_parent, pool_context

    # each worker runs its settings' runs in-process (no pool inside a pool), quietly
    lab = context.lab.with_options(store=RunStore(Path(context.lab.store.root).resolve()),
                                   workers=1, progress=False)
    fields = {"profile": context.profile, "lab": lab, "seed": context.seed,
              "database_dir": context.database_dir, "plan_sizes": dict(context.plan_sizes),
              "check_sizes": dict(context.check_sizes)}
    groups: dict[str, list[int]] = {}  # run group -> its jobs' indices, in job order
    group_of: list[str] = []  # job index -> its run group
    for check, _ in jobs:
        group_of.append(check.run_group or check.name)
        groups.setdefault(group_of[-1], []).append(len(group_of) - 1)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(groups)), mp_context=pool_context(),
                               initializer=exit_with_parent)
    try:
        futures = {group: pool.submit(_run_group_in_worker,
                                      [(jobs[i][0].name, jobs[i][1]) for i in indices], fields)
                   for group, indices in groups.items()}
        for index in range(len(jobs)):  # report in job order, as soon as each is known
            if results[index] is None:
                group = group_of[index]
                for i, result in zip(groups[group], futures[group].result(), strict=True):
                    results[i] = result
            if on_result is not None:
                on_result(index, results[index])  # type: ignore[arg-type]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return [r for r in results if r is not None]
