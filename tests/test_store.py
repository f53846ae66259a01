"""The run store (solvers.store) and the execution front door (solvers.execute).

Content addressing, atomic writes, reuse of finished runs, and the three kinds of damage a
crash or a disk can leave (partial folder, corrupted trace, garbage manifest): each is
detected, moved to ``.quarantine`` and rerun, never read. Bad specs fail before the store is
touched.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from solvers.execute import execute_spec, make_spec
from solvers.lab import Lab
from solvers.registry import PROBLEMS, SOLVERS, make_problem, make_solver
from solvers.store import SCHEMA_VERSION, RunSpec, RunStore, StoredRun
from solvers.trace import TraceRecorder
from theory.errors import InvalidParameterError, UnknownNameError


def small(seed: int = 0, **solver_params: Any) -> RunSpec:
    return make_spec("gd", {"steps": 5, **solver_params}, "quadratic", {"dim": 3}, seed)


def record(spec: RunSpec) -> TraceRecorder:
    recorder = TraceRecorder()
    make_solver(spec.solver, spec.solver_config).run(
        make_problem(spec.problem, spec.problem_config), spec.seed, recorder)
    return recorder


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def run_folders(store: RunStore) -> list[Path]:
    return sorted(p.parent for p in store.root.glob("??/*/manifest.json"))


def quarantined(store: RunStore) -> list[Path]:
    folder = store.root / ".quarantine"
    return sorted(folder.iterdir()) if folder.exists() else []


# -- keys -------------------------------------------------------------------------------
def test_canonical_form_and_key_are_fixed() -> None:
    # changing this string orphans every stored run: bump SCHEMA_VERSION deliberately
    spec = RunSpec("gd", {"steps": 1}, "quadratic", {"dim": 2}, 3)
    canonical = ('{"problem":"quadratic","problem_config":{"dim":2},"schema":1,"seed":3,'
                 '"solver":"gd","solver_config":{"steps":1}}')
    assert SCHEMA_VERSION == 1
    assert spec.canonical() == canonical
    assert spec.key == hashlib.sha256(canonical.encode()).hexdigest()
    assert RunSpec.from_dict(spec.to_dict()) == spec


def test_key_depends_on_every_field() -> None:
    base = make_spec("nsga2", {"pop": 8}, "oneminmax", {"n": 6}, 0)
    variants = [
        RunSpec("other", base.solver_config, base.problem, base.problem_config, base.seed),
        RunSpec(base.solver, base.solver_config, "lotz", base.problem_config, base.seed),
        RunSpec(base.solver, base.solver_config, base.problem, base.problem_config, 1),
    ]
    for name, value in base.solver_config.items():
        changed = 1 + value if isinstance(value, int | float) and not isinstance(value, bool) \
            else (not value if isinstance(value, bool) else value + "x")
        variants.append(RunSpec(base.solver, {**base.solver_config, name: changed},
                                base.problem, base.problem_config, base.seed))
    variants.append(RunSpec(base.solver, base.solver_config, base.problem, {"n": 7}, base.seed))
    keys = {spec.key for spec in variants}
    assert len(keys) == len(variants)
    assert base.key not in keys
    assert len(variants) == 3 + len(base.solver_config) + 1


def test_key_ignores_how_the_spec_was_written() -> None:
    spelled_out = make_spec("gd", {"steps": "100", "step_size": "1"}, "quadratic",
                            {"dim": 10, "L": 1}, 0)
    defaults = make_spec("gd", {}, "quadratic", {}, 0)
    assert spelled_out.key == defaults.key
    reordered = RunSpec(defaults.solver, dict(reversed(list(defaults.solver_config.items()))),
                        defaults.problem, defaults.problem_config, defaults.seed)
    assert reordered.key == defaults.key


# -- save and load ----------------------------------------------------------------------
def test_save_then_load_gives_the_same_trace_and_manifest(store: RunStore) -> None:
    spec = small()
    recorder = record(spec)
    saved = store.save(spec, recorder, wall_seconds=1.25)
    loaded = store.load(spec)
    assert loaded is not None
    assert loaded.path == saved.path == store.root / spec.key[:2] / spec.key
    pd.testing.assert_frame_equal(loaded.trace, recorder.to_frame(), check_exact=True)
    manifest = loaded.manifest
    assert manifest == saved.manifest
    assert manifest["key"] == spec.key
    assert RunSpec.from_dict(manifest["spec"]) == spec
    assert manifest["summary"] == recorder.summary == loaded.summary
    assert manifest["rows"] == len(recorder)
    assert manifest["wall_seconds"] == 1.25
    trace_bytes = (loaded.path / "trace.parquet").read_bytes()
    assert manifest["trace_sha256"] == hashlib.sha256(trace_bytes).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", manifest["git_commit"])
    for package in ("numpy", "pandas", "pyarrow", "moocore", "python"):
        assert manifest["versions"][package]
    assert manifest["machine"]["cpu_count"] >= 1 and "system" in manifest["machine"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["finished_at"])
    assert spec in store
    assert small(seed=1) not in store
    assert store.load(small(seed=1)) is None


def test_save_leaves_no_temporary_files(store: RunStore) -> None:
    for seed in range(3):
        spec = small(seed)
        store.save(spec, record(spec), 0.0)
    assert list((store.root / ".tmp").iterdir()) == []
    assert len(run_folders(store)) == 3
    for folder in run_folders(store):
        assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "trace.parquet"]


def test_failed_save_leaves_nothing(store: RunStore) -> None:
    with pytest.raises(InvalidParameterError, match="at least one row"):
        store.save(small(), TraceRecorder(), 0.0)  # an empty trace cannot be written
    assert files_under(store.root) == []
    assert store.load(small()) is None


def test_concurrent_duplicate_saves_keep_one(store: RunStore) -> None:
    spec = small()
    recorder = record(spec)
    barrier = threading.Barrier(8)
    results: list[Any] = [None] * 8
    errors: list[BaseException] = []

    def save(i: int) -> None:
        try:
            barrier.wait()
            results[i] = store.save(spec, recorder, wall_seconds=float(i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(run_folders(store)) == 1
    kept = store.load(spec)
    assert kept is not None
    assert all(run.manifest == kept.manifest for run in results), "every writer sees the winner"
    assert list((store.root / ".tmp").iterdir()) == []
    assert quarantined(store) == []


def test_iter_runs_lists_valid_runs_and_quarantines_bad_manifests(store: RunStore) -> None:
    specs = [small(seed) for seed in range(3)]
    for spec in specs:
        store.save(spec, record(spec), 0.0)
    (store.path(specs[1]) / "manifest.json").write_text("{not json")
    runs = store.iter_runs()
    assert sorted(run.spec.key for run in runs) == sorted([specs[0].key, specs[2].key])
    assert len(quarantined(store)) == 1
    assert RunStore(store.root / "absent").iter_runs() == []


# -- damage -------------------------------------------------------------------------------
def _partial(folder: Path) -> None:
    (folder / "manifest.json").unlink()


def _corrupt_trace(folder: Path) -> None:
    path = folder / "trace.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _garbage_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_bytes(b"\x00\xff garbage {")


def _foreign_manifest(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["key"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _unreadable_parquet_with_matching_checksum(folder: Path) -> None:
    path = folder / "trace.parquet"
    path.write_bytes(b"not parquet at all")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["trace_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _missing_trace(folder: Path) -> None:
    (folder / "trace.parquet").unlink()


DAMAGE = {
    "partial-folder": _partial,
    "corrupted-trace": _corrupt_trace,
    "garbage-manifest": _garbage_manifest,
    "foreign-manifest": _foreign_manifest,
    "unreadable-parquet": _unreadable_parquet_with_matching_checksum,
    "missing-trace": _missing_trace,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_run_is_quarantined_and_rerun(store: RunStore, damage: Any) -> None:
    spec = small()
    first = Lab(store, workers=1).runs([spec])
    assert (first.executed, first.reused) == (1, 0)
    good = first.runs[0].trace.copy()
    folder = store.path(spec)
    damage(folder)
    damaged_files = sorted(p.name for p in folder.iterdir())

    assert store.load(spec) is None  # detected, never read
    assert not folder.exists()
    moved = quarantined(store)
    assert len(moved) == 1 and moved[0].name.startswith(spec.key)
    assert sorted(p.name for p in moved[0].iterdir()) == damaged_files

    damage(store.save(spec, record(spec), 0.0).path)  # damaged again, then the lab
    again = Lab(store, workers=1).runs([spec])
    assert (again.executed, again.reused) == (1, 0)
    assert len(quarantined(store)) == 2
    rerun = store.load(spec)
    assert rerun is not None
    pd.testing.assert_frame_equal(rerun.trace.drop(columns="wall_seconds"),
                                  good.drop(columns="wall_seconds"), check_exact=True)


def test_save_over_a_damaged_folder_replaces_it(store: RunStore) -> None:
    spec = small()
    store.save(spec, record(spec), 0.0)
    _corrupt_trace(store.path(spec))
    saved = store.save(spec, record(spec), 2.0)
    assert saved.manifest["wall_seconds"] == 2.0
    assert len(quarantined(store)) == 1
    assert store.load(spec) is not None


# -- the lab -----------------------------------------------------------------------------
def test_second_lab_run_reuses_everything(store: RunStore) -> None:
    specs = [small(seed) for seed in range(3)]
    first = Lab(store, workers=1).runs([*specs, specs[0]])
    assert (first.executed, first.reused) == (3, 0)
    assert [run.spec.key for run in first.runs] == [s.key for s in [*specs, specs[0]]]
    stamps = {f: f.stat().st_mtime_ns for f in files_under(store.root)}
    second = Lab(store, workers=1).runs(specs)
    assert (second.executed, second.reused) == (0, 3)
    assert [run.manifest for run in second.runs] == [run.manifest for run in first.runs[:3]]
    assert {f: f.stat().st_mtime_ns for f in files_under(store.root)} == stamps


def test_execute_spec_is_idempotent(store: RunStore) -> None:
    spec = small()
    first = execute_spec(spec, str(store.root))
    assert first.spec.key == spec.key
    manifest = store.load(spec).manifest  # type: ignore[union-attr]
    assert first.manifest == manifest  # the run as written is the run as read back
    assert execute_spec(spec, str(store.root)).manifest == manifest  # not run again
    assert store.load(spec).manifest == manifest  # type: ignore[union-attr]


def test_lab_reads_each_run_once(store: RunStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run executed now comes back as save wrote it (no read); a stored one is read once.
    (Before the lab, a run was read up to three times per save.)"""
    import solvers.store as store_module

    reads: list[str] = []
    original = store_module.RunStore._read_valid

    def counting(self: RunStore, folder: Path, spec: RunSpec) -> StoredRun:
        reads.append(spec.key)
        return original(self, folder, spec)

    monkeypatch.setattr(store_module.RunStore, "_read_valid", counting)
    specs = [small(seed=s) for s in range(3)]
    first = Lab(store, workers=1).runs([*specs, specs[0]])
    assert first.executed == 3 and reads == []
    assert [r.spec.key for r in first.runs] == [s.key for s in [*specs, specs[0]]]
    second = Lab(store, workers=1).runs(specs)
    assert second.reused == 3 and sorted(reads) == sorted(s.key for s in specs)


# -- bad specs fail before the store is touched -------------------------------------------
BAD_SPECS = [
    pytest.param(("gdd", {}, "quadratic", {}, 0), UnknownNameError,
                 ["unknown solver 'gdd'", *sorted(SOLVERS)], id="unknown-solver"),
    pytest.param(("gd", {}, "quadratics", {}, 0), UnknownNameError,
                 ["unknown problem 'quadratics'", *sorted(PROBLEMS)], id="unknown-problem"),
    pytest.param(("gd", {"stepz": 3}, "quadratic", {}, 0), InvalidParameterError,
                 ["solver 'gd'", "unknown ['stepz']", "steps"], id="bad-solver-parameter"),
    pytest.param(("nsga2", {}, "oneminmax", {"length": 3}, 0), InvalidParameterError,
                 ["problem 'oneminmax'", "unknown ['length']"], id="bad-problem-parameter"),
    pytest.param(("nsga2", {}, "oneminmax", {"n": 0}, 0), InvalidParameterError,
                 ["`n >= 1`", "n=0"], id="n<1"),
    pytest.param(("nsga2", {}, "oneminmax", {"n": "ten"}, 0), InvalidParameterError,
                 ["n='ten'"], id="n-not-a-number"),
    pytest.param(("nsga2", {}, "oneminmax", {"n": 2.5}, 0), InvalidParameterError,
                 ["n is an integer", "n=2.5"], id="n-not-an-integer"),
    pytest.param(("gd", {}, "quadratic", {"L": "abc"}, 0), InvalidParameterError,
                 ["L='abc'"], id="L-not-a-number"),
    pytest.param(("gd", {}, "quadratic", {"L": "inf"}, 0), InvalidParameterError,
                 ["L is finite", "L=inf"], id="L-infinite"),
    pytest.param(("gd", {}, "quadratic", {"instance_seed": -2}, 0), InvalidParameterError,
                 ["instance_seed >= 0", "instance_seed=-2"], id="negative-instance-seed"),
    pytest.param(("gd", {}, "quadratic", {}, -1), InvalidParameterError,
                 ["seed >= 0", "seed=-1"], id="negative-seed"),
    pytest.param(("gd", {}, "quadratic", {}, 1.5), InvalidParameterError,
                 ["seed is an integer", "seed=1.5"], id="fractional-seed"),
    pytest.param(("gd", {}, "quadratic", {}, True), InvalidParameterError,
                 ["seed is an integer", "seed=True"], id="boolean-seed"),
    pytest.param(("nsga2", {"selection": "roulette"}, "oneminmax", {}, 0),
                 InvalidParameterError, ["selection in {", "selection='roulette'"],
                 id="bad-choice"),
    pytest.param(("gd", {}, "oneminmax", {}, 0), InvalidParameterError,
                 ["runs on problems of kind smooth"], id="wrong-kind"),
]


@pytest.mark.parametrize(("args", "error", "phrases"), BAD_SPECS)
def test_bad_specs_raise_clearly_and_write_nothing(store: RunStore, args: tuple[Any, ...],
                                                   error: type[Exception],
                                                   phrases: list[str]) -> None:
    def submit() -> None:
        Lab(store, workers=1).runs([make_spec(*args)])

    with pytest.raises(error) as info:
        submit()
    for phrase in phrases:
        assert phrase in str(info.value)
    assert files_under(store.root) == []
    assert not store.root.exists()


def test_lab_bad_options_name_the_rule(store: RunStore) -> None:
    with pytest.raises(InvalidParameterError, match="workers >= 1"):
        Lab(store, workers=0)
    with pytest.raises(InvalidParameterError, match="SCHEME://HOST:PORT") as info:
        Lab(store, scheduler="localhost:8786")
    assert "'localhost:8786'" in str(info.value)
    assert Lab(store, scheduler="tls://10.0.0.1:8786").scheduler == "tls://10.0.0.1:8786"
