# The verbs a user needs. `make run` and `make test` are the whole set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint eval bench bench-quick profile serve clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pressfacts run

test: $(STAMP)
	$(BIN)/python -m pytest

# 1k, 10k and 100k pages, then one new page among 100k: ~12 min on 2 cores (corpora generated once,
# kept in /tmp); bench-quick stops at 10k (~3 min)
bench: $(STAMP)
	$(BIN)/python -m tools.bench --sizes 1000,10000,100000 --out warehouse/bench.json

bench-quick: $(STAMP)
	$(BIN)/python -m tools.bench --sizes 1000,10000 --out warehouse/bench.json

# where extraction spends its time, one core: a table per step and warehouse/profile.html
profile: $(STAMP)
	$(BIN)/python -m tools.profile --pages 1000 --out warehouse/profile.html

# extraction quality, each labelled set apart (dev, world, seeds, sample): needs ../shared
eval: $(STAMP)
	$(BIN)/python -m tools.eval

serve: $(STAMP)
	$(BIN)/pressfacts serve

lint: $(STAMP)
	$(BIN)/ruff check flows tests
	$(BIN)/ruff format --check flows tests

clean:
	rm -rf $(VENV) warehouse/*.duckdb warehouse/docs dbt_project/target dbt_project/logs
