# The two commands that matter: `make run` (main job, embedded warehouse) and `make test`.
# Everything installs itself on first use: uv (into .pst/tools if not on PATH) and the locked environment.

SHELL := /bin/bash
PYTHON ?= python3
RUN_DATE ?=
export UV_PYTHON_DOWNLOADS := never
export DAGSTER_HOME ?= $(CURDIR)/.pst/dagster_home

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.pst/tools/bin/uv)

.PHONY: run test dev bench digest sample warehouse-env warehouse-stop dbt-manifest install clean help

help:
	@echo "make run [RUN_DATE=YYYY-MM-DD]   materialize one run_date partition (default: today, plant time)"
	@echo "make digest [WEEKLY=1]           send the P4 daily digest (or the weekly summary) now"
	@echo "make test                        run the test suite"
	@echo "make dev                         Dagster UI on http://127.0.0.1:3000"
	@echo "eval \"\$$(make -s warehouse-env)\" start the embedded warehouse, export dbt's env (then: cd dbt_project && dbt build)"
	@echo "make warehouse-stop              stop the embedded warehouse"
	@echo "make sample [SCALE=N]            regenerate the sample data in .pst/sample"

$(CURDIR)/.pst/tools/bin/uv:
	@mkdir -p .pst
	@$(PYTHON) -m venv .pst/tools && .pst/tools/bin/pip install --quiet --disable-pip-version-check uv

install: | $(UV)
	@$(UV) sync --locked --quiet

run: install
	@$(UV) run --locked --no-sync python -m orchestration.run $(if $(RUN_DATE),--run-date $(RUN_DATE)) $(if $(ACCEPT_ROW_COUNT_DROP),--accept-row-count-drop)

test: install
	@$(UV) run --locked --no-sync pytest $(PYTEST_ARGS)

dev: install
	@$(UV) run --locked --no-sync python -c "from orchestration.run import prepare_dagster_home, ensure_local_data, ensure_dbt_manifest; prepare_dagster_home(); ensure_local_data(); ensure_dbt_manifest()"
	@$(UV) run --locked --no-sync dagster dev -h 127.0.0.1 -p 3000 -m orchestration.definitions

bench: install
	@$(UV) run --locked --no-sync python -m benchmarks.scheduling $(BENCH_ARGS)

digest: install
	@$(UV) run --locked --no-sync python -m orchestration.alerting.digest $(if $(WEEKLY),--weekly)

sample: install
	@$(UV) run --locked --no-sync python -m orchestration.sample_data --out .pst/sample --scale $(or $(SCALE),1)

warehouse-env: install
	@$(UV) run --locked --no-sync python -m orchestration.warehouse env

warehouse-stop: install
	@$(UV) run --locked --no-sync python -m orchestration.warehouse stop

dbt-manifest: install
	@$(UV) run --locked --no-sync dagster-dbt project prepare-and-package --file orchestration/dbt_project_def.py

clean: warehouse-stop
	rm -rf .pst/dagster_home .pst/sample dbt_project/target
