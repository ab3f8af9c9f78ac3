"""Daily ingestion, for backfills: the same tasks as news_ingest (common.ingest_tasks) over whole Vietnam
news days. It is created paused and is meant to be backfilled, newest day first; docs/backfill.md says why
a backfill runs by day rather than by hour."""
from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag
from common import DEFAULT_ARGS, daily, ingest_tasks, runbook

from crawlers.run import DEFAULT_TIMEOUT_SECONDS


@dag(
    dag_id="news_backfill",
    schedule=daily(),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    # Paused, so it never crawls a day the hourly runs already crawled unless an operator asks: a backfill
    # needs it unpaused (the scheduler runs no task of a paused DAG), and `bantin backfill` pauses it after.
    is_paused_upon_creation=True,
    # The backfill's own --max-active-runs decides its parallelism; this bounds the scheduled run.
    max_active_runs=2,
    default_args={
        **DEFAULT_ARGS,
        # A day of one source is 24 hour-windows of pages: minutes at the sites' polite pace, more against a
        # slow one. The crawl's own watchdog (DEFAULT_TIMEOUT_SECONDS) stops a hung scrapy with a clearer
        # message, so the task's limit sits a quarter hour beyond it.
        "execution_timeout": timedelta(seconds=DEFAULT_TIMEOUT_SECONDS, minutes=15),
        # The scheduler queues by priority, then oldest logical date first: at equal weights every backfill
        # day would take each source's pool before the latest hour. Weight 0 lets the hourly runs (weight 1
        # and up) go first, so news stays fresh while a month is backfilled.
        "priority_weight": 0,
    },
    tags=["bantin", "ingest", "crawl", "backfill"],
    doc_md=runbook("backfill.md"),
)
def news_backfill():
    # Its run ids can equal news_ingest's (ingest_tasks says why): prefixed, their rows stay apart.
    ingest_tasks(run_prefix="news_backfill:")


news_backfill()
