# The verbs a user needs. `make run` and `make test` are the whole set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint eval bench bench-quick profile serve clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pressfacts run

test: $(STAMP)
	$(BIN)/python -m pytest

# the sample, then 1k, 10k, 20k and 100k pages cold, with one new page among 10k, 20k and 100k:
# ~10 min on 2 cores (corpora generated once, kept in /tmp); bench-quick stops at 10k (~3 min)
bench: $(STAMP)
	$(BIN)/python -m tools.bench --sizes 1000,10000,20000,100000 --out warehouse/bench.json

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

# the tests that do not run the real flow (pytest -m "not e2e"): under 90 s on 2 cores
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e"

# Python (ruff), the dbt models (sqlfluff: dbt_project/.sqlfluff) and the dbt project (dbt parse,
# warnings are errors). dbt parse reads profiles.yml, so it gets a warehouse path, and its
# target/ and logs/ go to a temporary folder: nothing is downloaded or left in the tree.
lint: $(STAMP)
	$(BIN)/ruff check flows tests tools
	$(BIN)/ruff format --check flows tests tools
	$(BIN)/sqlfluff lint dbt_project
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	PRESSFACTS_WAREHOUSE="$$tmp/parse.duckdb" $(BIN)/dbt --warn-error parse --no-partial-parse \
		--project-dir dbt_project --profiles-dir dbt_project \
		--target-path "$$tmp/target" --log-path "$$tmp/logs" --no-send-anonymous-usage-stats

clean:
	rm -rf $(VENV) warehouse/*.duckdb warehouse/docs dbt_project/target dbt_project/logs

# Optional: a Superset dashboard on the warehouse (README "Dashboard (optional)"). Superset gets its own
# environment (.venv-bi/, ~0.9 GB, from tools/bi/requirements.txt), its own files under
# warehouse/.superset/, and the warehouse read-only. Not part of `make run` or `make test`.
BI_VENV   := .venv-bi
BI_STAMP  := $(BI_VENV)/.installed
BI_PORT   ?= 8088
BI_ENV    := SUPERSET_CONFIG_PATH=$(CURDIR)/tools/bi/superset_config.py FLASK_APP=superset

.PHONY: bi bi-serve

$(BI_STAMP): tools/bi/requirements.txt
	$(PYTHON) -m venv $(BI_VENV)
	$(BI_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BI_VENV)/bin/python -m pip install --quiet -r tools/bi/requirements.txt
	touch $(BI_STAMP)

bi: $(BI_STAMP)
	@test -f "$${PRESSFACTS_WAREHOUSE:-warehouse/pressfacts.duckdb}" || $(MAKE) run
	$(BI_VENV)/bin/python tools/bi/setup.py
	@echo "Superset is set up. Start it with:  make bi-serve   (or: $(BI_ENV) $(BI_VENV)/bin/superset run -h 127.0.0.1 -p $(BI_PORT))"
	@echo "then open http://127.0.0.1:$(BI_PORT)/superset/dashboard/pressfacts/ and log in as $${PRESSFACTS_BI_USER:-admin} (password admin, or PRESSFACTS_BI_PASSWORD as it was at the first make bi)"

bi-serve: $(BI_STAMP)
	$(BI_ENV) $(BI_VENV)/bin/superset run -h 127.0.0.1 -p $(BI_PORT) --with-threads
