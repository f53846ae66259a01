"""Shared test configuration: Hypothesis profiles and a run-store fixture.

Profiles (STYLE.md pattern 9), chosen by the environment variable ``HYPOTHESIS_PROFILE``:

* ``dev`` (default): 20 examples, quick local feedback;
* ``ci``: 50 examples, no deadline, derandomized so CI failures reproduce, and the
  reproduction blob printed on failure;
* ``thorough``: 500 examples, no deadline (``make test-slow``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from solvers.store import RunStore

settings.register_profile("dev", max_examples=20)
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True,
                          print_blob=True)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    """An empty run store in a fresh temporary folder."""
    return RunStore(tmp_path / "runs")


@pytest.fixture(scope="session")
def shared_check_store(tmp_path_factory: pytest.TempPathFactory) -> RunStore:
    """One run store for every check the session runs in the quick profile: runs are keyed
    by their full configuration and seed, so a family's tests and the conformance suite
    (tests/test_checks.py) share them instead of computing each run twice."""
    return RunStore(tmp_path_factory.mktemp("shared-check-runs"))
