# The two commands that matter: `make run` (main job, embedded warehouse) and `make test`.
# Everything installs itself on first use: uv (into .pst/tools if not on PATH) and the locked environment.

SHELL := /bin/bash
PYTHON ?= python3
RUN_DATE ?=
PORT ?= 3000
export UV_PYTHON_DOWNLOADS := never
export DAGSTER_HOME ?= $(CURDIR)/.pst/dagster_home

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.pst/tools/bin/uv)
PY := $(UV) run --locked --no-sync python

# make run's optional run configuration (the same keys as the UI's launchpad)
RUN_ARGS = $(if $(RUN_DATE),--run-date $(RUN_DATE)) \
	$(if $(ACCEPT_ROW_COUNT_DROP),--accept-row-count-drop) \
	$(if $(HORIZON_DAYS),--horizon-days $(HORIZON_DAYS)) \
	$(if $(DEMAND_WINDOW_DAYS),--demand-window-days $(DEMAND_WINDOW_DAYS)) \
	$(if $(LINE_ROUNDING_INCREMENT),--line-rounding-increment $(LINE_ROUNDING_INCREMENT))

.PHONY: run land test dev bench digest compare explain changes report cutover-report sample warehouse-env warehouse-stop dbt-manifest install clean help

help:
	@echo "make run [RUN_DATE=YYYY-MM-DD]   materialize one run_date partition (default: today, plant time)"
	@echo "    [HORIZON_DAYS=31] [DEMAND_WINDOW_DAYS=7] [LINE_ROUNDING_INCREMENT=0.5] [ACCEPT_ROW_COUNT_DROP=1]"
	@echo "make land [RUN_DATE=YYYY-MM-DD]  land the sources of one run_date only (before an analyst's dbt build)"
	@echo "make test                        run the test suite"
	@echo "make compare RUN_DATE=YYYY-MM-DD  the parallel run of a run_date against the legacy schedule"
	@echo "make explain RUN_DATE=YYYY-MM-DD ITEM=id [LOCATION=..] [FPS_DT=..]  why an item got its lines"
	@echo "make changes RUN_DATE=YYYY-MM-DD  what changed against the previous plan"
	@echo "make report RUN_DATE=YYYY-MM-DD   the planners' HTML report in .pst/reports/ (PST_HOME)"
	@echo "make cutover-report              the cutover criteria over the compared run_dates: ready / not ready"
	@echo "make dev [PORT=3000]             Dagster UI + daemon on http://127.0.0.1:PORT"
	@echo "make digest [WEEKLY=1]           send the P4 daily digest (or the weekly summary) now"
	@echo "eval \"\$$(make -s warehouse-env)\" start the embedded warehouse, export dbt's env (then: cd dbt_project && dbt build)"
	@echo "make warehouse-stop              stop the embedded warehouse"
	@echo "make sample [SCALE=N]            regenerate the sample: .pst/sample (SCALE=1) or .pst/sample-scaleN"
	@echo "make bench                       benchmarks: iteration at scales 1, 10, 100, naive loop, daily run by stage"
	@echo "make dbt-manifest                dagster-dbt project prepare-and-package (what the image does)"
	@echo "make clean                       stop the warehouse, remove the Dagster home, sample and dbt artifacts"

$(CURDIR)/.pst/tools/bin/uv:
	@mkdir -p .pst
	@echo "install     uv is not on PATH: installing it into .pst/tools (once)" >&2
	@$(PYTHON) -m venv .pst/tools && .pst/tools/bin/pip install --quiet --disable-pip-version-check uv

# --compile-bytecode: the .pyc files are written once here. Where PYTHONDONTWRITEBYTECODE is
# set (this CI machine, many images) every process - each dbt invocation, each run worker -
# would otherwise compile dagster, dbt and their libraries from source: ~3 s each (D75).
install: | $(UV)
	@started=$$(date +%s%N); $(UV) sync --locked --quiet --compile-bytecode; \
	printf "%-11s %-64s %7.1f s\n" install "locked environment (uv.lock) in .venv" \
	  "$$(( ($$(date +%s%N) - started) / 1000000 ))e-3" >&2

run: install
	@$(PY) -m orchestration.run $(RUN_ARGS)

land: install
	@$(PY) -m orchestration.run --land-only $(RUN_ARGS)

# Three workers on this 2-core machine: a worker waits much of the time (for its dbt
# subprocess, the daemon, a slowed stand-in), so two left ~30 % of the CPU idle (D80).
# A test file stays on one worker (its module fixtures: one warehouse, one Dagster home
# per worker), the slowest files first (tests/conftest.py SLOWEST_FIRST;
# --no-loadscope-reorder keeps that order). PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= 3
test: install
	@$(UV) run --locked --no-sync pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

dev: install
	@$(PY) -m orchestration.dev_prepare --port $(PORT)
	@PST_DAGSTER_URL=$${PST_DAGSTER_URL:-http://127.0.0.1:$(PORT)} \
	  $(UV) run --locked --no-sync dagster dev -h 127.0.0.1 -p $(PORT)

bench: install
	@$(PY) -m benchmarks.scheduling $(BENCH_ARGS)

digest: install
	@$(PY) -m orchestration.defs.monitoring.digest $(if $(WEEKLY),--weekly)

compare: install
	@test -n "$(RUN_DATE)" || { echo "make compare needs RUN_DATE=YYYY-MM-DD" >&2; exit 2; }
	@$(PY) -m orchestration.parallel_run.compare $(RUN_DATE)

PLANNING := $(PY) -m orchestration.planning.cli
explain: install
	@test -n "$(RUN_DATE)" -a -n "$(ITEM)" || { echo "make explain needs RUN_DATE=YYYY-MM-DD ITEM=<item id>" >&2; exit 2; }
	@$(PLANNING) explain $(RUN_DATE) "$(ITEM)" $(if $(LOCATION),--location "$(LOCATION)") $(if $(FPS_DT),--fps-dt $(FPS_DT))

changes: install
	@test -n "$(RUN_DATE)" || { echo "make changes needs RUN_DATE=YYYY-MM-DD" >&2; exit 2; }
	@$(PLANNING) changes $(RUN_DATE)

report: install
	@test -n "$(RUN_DATE)" || { echo "make report needs RUN_DATE=YYYY-MM-DD" >&2; exit 2; }
	@$(PLANNING) report $(RUN_DATE)

cutover-report: install
	@$(PY) -m orchestration.parallel_run.cutover

sample: install
	@$(PY) -m orchestration.sample_data --scale $(or $(SCALE),1) \
	  --out $(if $(filter-out 1,$(or $(SCALE),1)),.pst/sample-scale$(SCALE),.pst/sample)
	@$(if $(filter-out 1,$(or $(SCALE),1)),echo "use it with: PST_LOCAL_DATA_DIR=.pst/sample-scale$(SCALE) make run (the default sample is unchanged)")

warehouse-env: install
	@$(PY) -m orchestration.warehouse env

warehouse-stop: install
	@$(PY) -m orchestration.warehouse stop

dbt-manifest: install
	@$(UV) run --locked --no-sync dagster-dbt project prepare-and-package --file orchestration/defs/dbt/project.py

clean: warehouse-stop
	rm -rf .pst/dagster_home .pst/sample .pst/sample-scale* .pst/dbt_runs dbt_project/target
