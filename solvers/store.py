"""The run store: finished runs on disk, content-addressed by (config, seed).

One folder per run, ``<root>/<key[:2]>/<key>/`` holding ``trace.parquet`` and
``manifest.json``. ``key`` is the SHA-256 of the canonical JSON of the run's spec (solver,
solver config, problem, problem config, seed, schema version), so the same spec always
maps to the same folder and a stored run is reused, never recomputed.

Writes are atomic: a run is written into a private temporary folder under
``<root>/.tmp`` and renamed into place in one step; a folder either holds a complete run
or does not exist. The manifest carries the trace's SHA-256 and is written last, so a
partial or corrupt folder (missing manifest, bad JSON, checksum mismatch, unreadable
Parquet) is detected on load, moved aside to ``<root>/.quarantine`` and never read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from solvers.trace import TraceRecorder
from theory.errors import StoreError

__all__ = ["SCHEMA_VERSION", "RunSpec", "RunStore", "StoredRun"]

SCHEMA_VERSION = 1
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSpec:
    """What identifies a run: solver and problem (with their configs) and the seed."""

    solver: str
    solver_config: dict[str, Any]
    problem: str
    problem_config: dict[str, Any]
    seed: int

    def canonical(self) -> str:
        payload = {
            "schema": SCHEMA_VERSION,
            "solver": self.solver,
            "solver_config": self.solver_config,
            "problem": self.problem,
            "problem_config": self.problem_config,
            "seed": int(self.seed),
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"))

    @property
    def key(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self.canonical())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSpec:
        return cls(data["solver"], dict(data["solver_config"]), data["problem"],
                   dict(data["problem_config"]), int(data["seed"]))


@dataclass
class StoredRun:
    """A finished run read back from the store."""

    spec: RunSpec
    manifest: dict[str, Any]
    path: Path
    _trace: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def summary(self) -> dict[str, Any]:
        return dict(self.manifest["summary"])

    @property
    def trace(self) -> pd.DataFrame:
        if self._trace is None:
            self._trace = pq.read_table(self.path / "trace.parquet").to_pandas()
        return self._trace


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _git_commit() -> str:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


@cache
def _versions() -> dict[str, str]:
    names = ("nasbound", "numpy", "scipy", "sympy", "pandas", "pyarrow", "moocore")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    found["python"] = sys.version.split()[0]
    return found


def _machine() -> dict[str, Any]:
    return {"system": platform.system(), "machine": platform.machine(),
            "processor": platform.processor(), "cpu_count": os.cpu_count()}


class RunStore:
    """Finished runs under ``root``; see the module docstring for the layout."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, spec: RunSpec) -> Path:
        key = spec.key
        return self.root / key[:2] / key

    # -- reading ---------------------------------------------------------------------
    def load(self, spec: RunSpec) -> StoredRun | None:
        """The stored run for ``spec``; None if absent. A damaged run is quarantined."""
        folder = self.path(spec)
        if not folder.exists():
            return None
        try:
            return self._read_valid(folder, spec)
        except StoreError as exc:
            self._quarantine(folder, str(exc))
            return None

    def _read_valid(self, folder: Path, spec: RunSpec) -> StoredRun:
        manifest_path = folder / "manifest.json"
        trace_path = folder / "trace.parquet"
        if not manifest_path.is_file():
            raise StoreError(f"run {folder.name} has no manifest (partial write)")
        try:
            manifest = json.loads(manifest_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StoreError(f"run {folder.name} has an unreadable manifest: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("key") != spec.key:
            raise StoreError(f"run {folder.name}: manifest does not belong to this spec")
        if not trace_path.is_file():
            raise StoreError(f"run {folder.name} has no trace")
        if _sha256(trace_path) != manifest.get("trace_sha256"):
            raise StoreError(f"run {folder.name}: trace checksum mismatch (corrupt file)")
        try:
            pq.read_metadata(trace_path)
        except (OSError, pa.ArrowException) as exc:
            raise StoreError(f"run {folder.name}: unreadable Parquet: {exc}") from exc
        return StoredRun(spec, manifest, folder)

    def _quarantine(self, folder: Path, reason: str) -> None:
        target_dir = self.root / ".quarantine"
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"{folder.name}-{time.time_ns()}"
        logger.warning("quarantining damaged run %s: %s", folder, reason)
        with contextlib.suppress(FileNotFoundError):
            folder.rename(target)

    def __contains__(self, spec: RunSpec) -> bool:
        return self.load(spec) is not None

    def iter_runs(self) -> list[StoredRun]:
        """Every valid stored run (damaged ones are quarantined on the way)."""
        runs: list[StoredRun] = []
        if not self.root.exists():
            return runs
        for manifest_path in sorted(self.root.glob("??/*/manifest.json")):
            try:
                spec = RunSpec.from_dict(json.loads(manifest_path.read_text())["spec"])
            except (json.JSONDecodeError, KeyError, TypeError):
                self._quarantine(manifest_path.parent, "unreadable manifest")
                continue
            run = self.load(spec)
            if run is not None:
                runs.append(run)
        return runs

    # -- writing ---------------------------------------------------------------------
    def save(self, spec: RunSpec, recorder: TraceRecorder, wall_seconds: float) -> StoredRun:
        """Write a finished run atomically; if another writer got there first, keep theirs.

        Returns the run as written, without reading it back."""
        final = self.path(spec)
        tmp_root = self.root / ".tmp"
        tmp_root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{spec.key[:12]}-", dir=tmp_root))
        try:
            trace_path = tmp / "trace.parquet"
            pq.write_table(recorder.to_arrow(), trace_path)
            with trace_path.open("rb") as handle:
                os.fsync(handle.fileno())
            manifest = {
                "key": spec.key,
                "spec": spec.to_dict(),
                "summary": recorder.summary,
                "rows": len(recorder),
                "trace_sha256": _sha256(trace_path),
                "wall_seconds": wall_seconds,
                "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "versions": _versions(),
                "git_commit": _git_commit(),
                "machine": _machine(),
            }
            manifest_path = tmp / "manifest.json"
            with manifest_path.open("w") as handle:
                json.dump(manifest, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                tmp.rename(final)
            except OSError:
                existing = self.load(spec)
                if existing is None:  # a damaged folder was quarantined: try once more
                    tmp.rename(final)
                else:
                    return existing
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        # the run as written (not read back: its trace is still hashed once, above)
        return StoredRun(spec, manifest, final)
