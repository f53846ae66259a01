# nasbound: `make test` runs the default test suite, `make reproduce` regenerates every
# figure, table and the paper. Both create .venv on first use and install into it exactly the
# versions pinned (with hashes) in requirements.lock; `make lock` refreshes that lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp-install
PROFILE ?= quick
OUT ?= out
# The locking and installing tool, itself pinned: uv (a well-kept resolver; its lock is universal,
# with a marker per platform and Python version where the resolution differs).
UV_VERSION := 0.13.9
UV := $(BIN)/uv

.PHONY: test test-slow test-mutants lint typecheck reproduce bench lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# Refresh the lock: the newest versions pyproject.toml admits, for every platform it names.
# Run `make test` afterwards; commit the lock only if it passes.
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --no-header --upgrade -o requirements.lock

lint: $(STAMP)
	$(BIN)/ruff check theory solvers proofs_checks analysis paper tests

typecheck: $(STAMP)
	$(BIN)/mypy theory proofs_checks

test: lint typecheck
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(BIN)/python -m pytest -m "not slow" -q

test-slow: $(STAMP)
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-thorough} $(BIN)/python -m pytest -m slow -q

reproduce: $(STAMP)
	$(BIN)/nasbound reproduce --profile $(PROFILE) --out $(OUT)

bench: $(STAMP)
	$(BIN)/nasbound bench
	$(BIN)/python -m paper.bench.supernet

clean:
	rm -rf $(OUT) results .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Planted solver bugs against the as-stated checks (proofs_checks/mutants.py): the kill rate.
test-mutants: $(STAMP)
	$(BIN)/python -m proofs_checks.mutants --json out/mutants.json
