# Two commands for a fresh machine: `make demo` runs the main job, `make test` runs the tests.
# Each installs what it needs first (a virtualenv in .venv, the npm mock server in node_modules).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint typecheck imports bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP)
	$(BIN)/connector-front demo

test: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy connector_front

imports: $(STAMP)
	$(BIN)/lint-imports --no-logo --no-cache

check: lint typecheck imports

bench: $(STAMP)
	$(BIN)/python bench/bench_listing.py
	$(BIN)/python bench/bench_listing.py --contacts 1000 --rate-limit 4 --rate-window 1
	$(BIN)/python bench/bench_unified.py

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
