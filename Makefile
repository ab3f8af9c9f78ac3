# bantin: one entry point per task. Everything comes from uv.lock; all state lives under .data/ (git-ignored).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := demo

PYTHON ?= python3
VENV := .venv
BANTIN := $(VENV)/bin/bantin
# uv from PATH, else a private copy installed with pip into .data/tools (needs only Python 3.11+).
UV ?= $(or $(shell command -v uv 2>/dev/null),.data/tools/bin/uv)

.PHONY: demo test lint run clean reliability bench-extract bench-dedup bench-bad-input bench-crawl bench-backfill bench-e2e bench-api

.data/tools/bin/uv:
	$(PYTHON) -m venv .data/tools
	.data/tools/bin/python -m pip install --quiet 'uv>=0.8'

# Re-sync only when the lock or the project metadata changed; a second `make` reuses the venv.
# --compile-bytecode: these machines set PYTHONDONTWRITEBYTECODE, so without .pyc files every task process and
# every `scrapy crawl` compiled Airflow, Scrapy and numpy from source again (docs/benchmarks.md, start-up).
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	touch $@

## make demo: bootstrap (embedded PostgreSQL, warehouse, Airflow metadata, pools), run news_ingest once
## through Airflow against the offline replay, print the report. Repeatable: a second run adds no rows.
demo: $(VENV)/.synced
	$(BANTIN) demo

## make lint: ruff, locked in the dev group, with the rules of pyproject.toml.
lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .

## make test: lint, then unit, integration, end-to-end (replay -> Airflow -> PostgreSQL), fault and bench tests.
test: lint
	$(VENV)/bin/pytest -q

## make reliability: the fault suite alone (tests/faults/: bad pages, a killed crawler, PostgreSQL stopped
## mid-crawl and mid-load, racing loads), rewriting docs/reliability.md from what it observed. `make test` runs
## the same suite without writing the file.
reliability: $(VENV)/.synced
	BANTIN_RELIABILITY_REPORT=docs/reliability.md $(VENV)/bin/pytest -q tests/faults

## make bench-extract [REPEATS=5]: bantin, trafilatura and newspaper4k side by side on every labelled page;
## prints the table and rewrites the extraction section of docs/benchmarks.md (bench/README.md).
bench-extract: $(VENV)/.synced
	$(VENV)/bin/python -m bench.extraction --repeats $(or $(REPEATS),5) --write

## make bench-dedup [SIZES=10000,100000,1000000] [PAGES=100000]: dedup of a 10k batch against growing histories
## (Postgres LSH vs datasketch vs naive), then load rows/s vs raw COPY and the transform steps' peak RSS;
## rewrites the dedup-scale and load sections of docs/benchmarks.md. The 1M history alone takes ~1 h on 2 cores.
bench-dedup: $(VENV)/.synced
	$(VENV)/bin/python -m bench.dedup.scale $(if $(SIZES),--sizes $(SIZES)) --write
	$(VENV)/bin/python -m bench.dedup.load $(if $(PAGES),--pages $(PAGES)) --write

## make bench-bad-input [REPEATS=3]: clean_run's peak RSS on a run of bad pages (bombs, 10 MB pages, binary,
## huge titles) against the same run without them and the 300 MB limit; rewrites its docs/benchmarks.md section.
bench-bad-input: $(VENV)/.synced
	$(VENV)/bin/python -m bench.bad_input --repeats $(or $(REPEATS),3) --write

## make bench-crawl [REPEATS=5]: bantin's crawl stage (discover, fetch, land) against a bare Scrapy spider on the
## same URLs and settings, per source over the archive replay of all 15; rewrites its docs/benchmarks.md section.
bench-crawl: $(VENV)/.synced
	$(VENV)/bin/python -m bench.e2e.crawl_stage --repeats $(or $(REPEATS),5) --write

## make bench-backfill [WORKERS=2]: a month of all 15 sources backfilled under the real scheduler (bantin run in a
## home of its own, .data/bench-backfill), and one day by hour against by day; rewrites its docs/benchmarks.md section.
bench-backfill: $(VENV)/.synced
	$(VENV)/bin/python -m bench.e2e.backfill --workers $(or $(WORKERS),2) --write

## make bench-api [SIZE=1000000] [REPEATS=30]: the queries a downstream tool makes (latest of a source, a day, daily
## counts, top stories, a story, freshness, run stats, search, the change feed), timed as bantin_reader on a warehouse
## of SIZE articles with full bodies (about 25 min to build at 1M); rewrites its docs/benchmarks.md section.
bench-api: $(VENV)/.synced
	$(VENV)/bin/python -m bench.api --size $(or $(SIZE),1000000) --repeats $(or $(REPEATS),30) --write

## make bench-e2e [DAYS=3] [PER_DAY=225] [REPEATS=3] [E2E_REPEATS=1]: on one archive replay of all 15 sources, aiohttp,
## bare Scrapy, bantin's crawl stage, bantin end to end (crawl -> api.articles) on 1 and 2 Celery workers and
## news-please (in a venv of its own, .data/bench-venvs) side by side; rewrites its docs/benchmarks.md section.
bench-e2e: $(VENV)/.synced
	$(VENV)/bin/python -m bench.e2e.e2e --days $(or $(DAYS),3) --per-day $(or $(PER_DAY),225) \
	    --repeats $(or $(REPEATS),3) --e2e-repeats $(or $(E2E_REPEATS),1) --write

## make run [OFFLINE=1 [DAYS=D] [PER_DAY=N]] [WORKERS=N]: Airflow (api-server, scheduler, dag-processor, triggerer; with WORKERS, an
## embedded Celery broker and N Celery workers) on 127.0.0.1:8080 (login
## printed; BANTIN_BIND_HOST/BANTIN_AIRFLOW_PORT change it), news_ingest unpaused, crawling the
## live sites, or with OFFLINE=1 a replay whose news runs up to now (DAYS days of it, PER_DAY articles per source
## per day). Ctrl-C stops everything it started.
run: $(VENV)/.synced
	$(BANTIN) run $(if $(OFFLINE),--offline) $(if $(WORKERS),--workers $(WORKERS)) \
	    $(if $(DAYS),--days $(DAYS)) $(if $(PER_DAY),--per-day $(PER_DAY))

## make clean: stop the embedded PostgreSQL and delete all local state (.data/); the venv stays (uv sync
## rebuilds it from the lock anyway, so deleting it buys nothing but a slow next run).
clean:
	if [ -f .data/pg/postmaster.pid ]; then \
	  pid=$$(head -1 .data/pg/postmaster.pid); \
	  kill -INT "$$pid" 2>/dev/null || true; \
	  for _ in $$(seq 50); do kill -0 "$$pid" 2>/dev/null || break; sleep 0.2; done; \
	fi
	rm -rf .data .pytest_cache $(VENV)/.synced
