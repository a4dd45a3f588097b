# Two commands for a fresh machine: `make demo` runs the main job, `make test` runs the tests.
# Each installs what it needs first (a virtualenv in .venv, the npm mock server in node_modules).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint typecheck imports bench clean docs docs-serve dist-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench,otel]'
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
	MYPYPATH=bench $(BIN)/mypy --explicit-package-bases bench/*.py

imports: $(STAMP)
	$(BIN)/lint-imports --no-logo --no-cache

check: lint typecheck imports

# The documentation site: the generated reference pages rewritten from the code, then built
# strictly into site/ (a broken link, a missing page or a stale anchor fails the build).
docs: $(STAMP)
	$(BIN)/python scripts/docs_reference.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

docs-serve: $(STAMP)
	$(BIN)/python scripts/docs_reference.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

dist-check: $(STAMP)
	$(BIN)/python scripts/check_wheel.py

bench: $(STAMP)
	$(BIN)/python bench/bench_clients.py --contacts 20000 --conversations 5000 \
		--sizes 10000,50000,100000 --rate-limit 20 --rate-window 1 --repeat 3 \
		--json bench/results/clients.json
	$(BIN)/python bench/bench_webhooks.py --rate 100,200,400 --seconds 10 --json bench/results/webhooks.json
	$(BIN)/python bench/bench_sync.py --contacts 100000 --changes 100 --json bench/results/sync.json
	$(BIN)/python bench/bench_budget.py --rate 4 --seconds 30 --conversations 200 \
		--json bench/results/budget.json
	$(BIN)/python bench/plot.py bench/results/clients.json --out docs/explanation/listing.png
	$(BIN)/python bench/report.py bench/results/*.json --page docs/explanation/benchmarks.md

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache site
