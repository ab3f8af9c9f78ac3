"""Hourly ingestion of Vietnamese news: crawl each source for the run's data interval, then clean, dedupe,
load and check. Orchestration only: every task body is one call into crawlers/ or transforms/."""
from __future__ import annotations

from pathlib import Path

import pendulum
from airflow.sdk import dag, task
from common import DEFAULT_ARGS, hourly

from sources import crawl_pool, source_names

# The runbook is a doc file of the bundle, read as UTF-8 when the DAG is parsed: a missing file is an import
# error in the UI, where a path given to doc_md would silently show as the docs.
RUNBOOK = (Path(__file__).resolve().parent.parent / "docs" / "runbook.md").read_text(encoding="utf-8")


@dag(
    dag_id="news_ingest",
    schedule=hourly(),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    # Two runs may overlap (a slow hour, a retry); more would only queue behind the per-source pools.
    max_active_runs=2,
    default_args=DEFAULT_ARGS,
    tags=["bantin", "ingest", "crawl"],
    doc_md=RUNBOOK,
)
def news_ingest():
    @task
    def crawl(source: str, run_id=None, data_interval_start=None, data_interval_end=None) -> int:
        from crawlers.run import run_crawl
        from warehouse.db import database_url

        # Resolved here so the scrapy subprocess lands pages in the same warehouse as the later stages.
        return run_crawl(source, run_id, data_interval_start, data_interval_end,
                         env={"BANTIN_DATABASE_URL": database_url()})

    @task
    def clean(run_id=None) -> dict:
        from transforms.stages import clean_run
        from warehouse.db import database_url

        return clean_run(database_url(), run_id)

    @task
    def dedupe(run_id=None) -> dict:
        from transforms.stages import dedupe_run
        from warehouse.db import database_url

        return dedupe_run(database_url(), run_id)

    @task
    def load(run_id=None, data_interval_start=None, data_interval_end=None) -> dict:
        from transforms.stages import load_run
        from warehouse.db import database_url

        return load_run(database_url(), run_id, data_interval_start, data_interval_end)

    @task
    def check(run_id=None) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.stages import RunCheckFailed, check_run
        from warehouse.db import database_url

        try:
            return check_run(database_url(), run_id)
        except RunCheckFailed as exc:
            # A failed check is a verdict on data already loaded: retrying cannot change it, so fail at once
            # (red in the UI, with the check's message) instead of after two retry delays.
            raise AirflowFailException(str(exc)) from exc

    @task
    def purge_raw(data_interval_end=None) -> dict:
        from transforms.stages import purge_raw as purge
        from warehouse.db import database_url

        # The cutoff counts back from the run's interval end, never the wall clock: a re-run purges the same
        # rows, and a backfill of old hours purges only pages older than its own window.
        return purge(database_url(), data_interval_end)

    # One task per source rather than crawl.expand(): Airflow cannot give mapped instances different pools
    # (apache/airflow#33657, open), and a pool per source is what keeps backfills polite. The source list is
    # the folders under sources/, read from the DAG bundle itself (no database or network).
    crawls = [
        crawl.override(task_id=f"crawl_{name}", pool=crawl_pool(name))(name) for name in source_names()
    ]
    crawls >> clean() >> dedupe() >> load() >> check() >> purge_raw()


news_ingest()
