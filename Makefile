# nasbound: `make test` runs the default test suite, `make reproduce` regenerates every
# figure, table and the paper. Both create .venv and install the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp-install
PROFILE ?= quick
OUT ?= out

.PHONY: test test-slow lint typecheck reproduce bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

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
