"""Hourly ingestion of Vietnamese news: crawl each source for the run's data interval, then clean, dedupe,
load and check (the task graph is common.ingest_tasks, shared with news_backfill)."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag
from common import DEFAULT_ARGS, hourly, ingest_tasks, runbook


@dag(
    dag_id="news_ingest",
    schedule=hourly(),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    # Two runs may overlap (a slow hour, a retry); more would only queue behind the per-source pools.
    max_active_runs=2,
    default_args=DEFAULT_ARGS,
    tags=["bantin", "ingest", "crawl"],
    doc_md=runbook("runbook.md"),
)
def news_ingest():
    ingest_tasks()


news_ingest()
