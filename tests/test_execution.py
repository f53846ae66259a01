"""Scale-out and failure: runs through a real Dask cluster on loopback, a worker killed
mid-grid, and a `nasbound reproduce` killed with SIGKILL and rerun.

What must hold: the same seed gives the same trace on the cluster as in-process; a killed
worker neither loses nor duplicates a run; a killed reproduce, rerun, recomputes none of
the runs it had finished and writes the same results as an uninterrupted one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from solvers.execute import make_spec
from solvers.lab import Lab
from solvers.store import RunStore
from solvers.trace import VOLATILE_COLUMNS

distributed = pytest.importorskip("distributed")


def _grid(seeds: int, n: int = 25, pop: int | None = None,
          selection: str = "deb-tournament", cap: int = 3000) -> list:
    params = {"pop": pop or 4 * (n + 1), "selection": selection, "max_generations": cap}
    return [make_spec("nsga2", params, "oneminmax", {"n": n}, seed) for seed in range(seeds)]


def _stable(run) -> object:
    return run.trace.drop(columns=list(VOLATILE_COLUMNS))


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local


def test_cluster_runs_equal_local_runs(cluster, tmp_path: Path) -> None:
    specs = _grid(6)
    remote = Lab(RunStore(tmp_path / "remote"), scheduler=cluster.scheduler_address).runs(specs)
    local = Lab(RunStore(tmp_path / "local"), workers=1).runs(specs)
    assert remote.executed == 6
    for a, b in zip(remote.runs, local.runs, strict=True):
        assert _stable(a).equals(_stable(b))
        assert a.summary == b.summary
    again = Lab(RunStore(tmp_path / "remote"), scheduler=cluster.scheduler_address).runs(specs)
    assert again.executed == 0 and again.reused == 6


def test_killed_worker_loses_and_duplicates_nothing(cluster, tmp_path: Path) -> None:
    # runs of about a second each (N = n+1 never covers; censored at the cap)
    specs = _grid(8, n=40, pop=41, selection="fair", cap=1500)
    store = RunStore(tmp_path / "runs")
    with distributed.Client(cluster.scheduler_address) as client:
        pids = list(client.run(os.getpid).values())

    def kill_one() -> None:
        time.sleep(1.5)
        os.kill(pids[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_one)
    killer.start()
    report = Lab(store, scheduler=cluster.scheduler_address).runs(specs)
    killer.join()
    assert len(report.runs) == 8
    folders = [p for p in (tmp_path / "runs").glob("??/*") if p.is_dir()]
    assert len(folders) == 8  # one folder per run: nothing lost, nothing duplicated
    reference = Lab(RunStore(tmp_path / "reference"), workers=1).runs(specs[:2])
    for a, b in zip(report.runs[:2], reference.runs, strict=True):
        assert _stable(a).equals(_stable(b))


PROFILE = """
description = "test: one NSGA-II check (LOTZ, as stated) with many runs, no figures"
[checks]
profile = "quick"
bounds = ["nsga2.lotz.runtime-order"]
sabotages = false
[figures]
make = ["tightness"]
dpi = 50
[pdf]
compile = false
"""


def _reproduce(profile: Path, out: Path, results: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "paper.cli", "reproduce", "--profile", str(profile),
         "--out", str(out), "--results", str(results), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _results_without_timing(path: Path) -> list[dict]:
    report = json.loads(path.read_text())
    return [{k: v for k, v in r.items() if k != "seconds"} for r in report["results"]]


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc; empty elsewhere)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(c) for c in task.read_text().split()]
    return children


def _alive(pid: int) -> bool:
    """Running, not a zombie (an orphan's zombie may wait for a reaper that never comes)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def test_killed_reproduce_resumes_without_recomputing(tmp_path: Path) -> None:
    profile = tmp_path / "kill.toml"
    profile.write_text(PROFILE)
    results = tmp_path / "results"
    process = _reproduce(profile, tmp_path / "out", results)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len(list(results.glob("??/*/manifest.json"))) >= 10:
            break
        time.sleep(0.05)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = {p: p.stat().st_mtime_ns for p in results.glob("??/*/manifest.json")}
    assert len(finished) >= 10
    if sys.platform == "linux":  # its pool workers follow it instead of waiting forever
        assert workers, "the killed reproduce had no pool workers: the test lost its point"
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)]
    assert not (tmp_path / "out" / "checks.json").exists()  # it really died mid-grid

    rerun = _reproduce(profile, tmp_path / "out", results)
    assert rerun.wait(timeout=300) == 0
    for path, mtime in finished.items():
        assert path.stat().st_mtime_ns == mtime, f"{path} was recomputed"

    fresh = _reproduce(profile, tmp_path / "fresh", tmp_path / "fresh-results")
    assert fresh.wait(timeout=300) == 0
    resumed_keys = {p.parent.name for p in results.glob("??/*/manifest.json")}
    fresh_keys = {p.parent.name for p in (tmp_path / "fresh-results").glob("??/*/manifest.json")}
    assert resumed_keys == fresh_keys  # every run once, none lost
    assert _results_without_timing(tmp_path / "out" / "checks.json") == \
        _results_without_timing(tmp_path / "fresh" / "checks.json")


def _worker_has_tensorflow() -> bool:
    return "tensorflow" in sys.modules


def test_pool_leaves_tensorflow_behind_once_it_is_imported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked worker of a process holding TensorFlow deadlocks: the pool's workers then
    come from a fork server (a clean process without TensorFlow), and they give the same
    stored runs as in-process execution."""
    from concurrent.futures import ProcessPoolExecutor

    from solvers.execute import pool_context

    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    assert pool_context().get_start_method() == ("fork" if sys.platform == "linux"
                                                  else "spawn")
    monkeypatch.setitem(sys.modules, "tensorflow", object())
    context = pool_context()
    assert context.get_start_method() == ("forkserver" if sys.platform == "linux"
                                          else "spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        assert pool.submit(_worker_has_tensorflow).result() is False
    specs = [make_spec("nsga2", {"pop": 8, "max_generations": 5}, "oneminmax", {"n": 6}, seed)
             for seed in range(2)]
    pooled = Lab(RunStore(tmp_path / "pooled"), workers=2).runs(specs)
    inline = Lab(RunStore(tmp_path / "inline"), workers=1).runs(specs)
    assert pooled.executed == 2
    for a, b in zip(pooled.runs, inline.runs, strict=True):
        assert a.summary["evaluations_to_cover"] == b.summary["evaluations_to_cover"]
        assert a.trace.drop(columns=[c for c in VOLATILE_COLUMNS if c in a.trace]).equals(
            b.trace.drop(columns=[c for c in VOLATILE_COLUMNS if c in b.trace]))
