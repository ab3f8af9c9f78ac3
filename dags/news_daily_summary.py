"""The example downstream consumer: scheduled on the api.articles asset, it recounts
api.daily_source_summary for the publication days each load touched. Its runbook (docs/daily_summary.md) shows a
downstream team how to schedule its own DAG on bantin's assets."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from common import API_ARTICLES, DEFAULT_ARGS, runbook, warehouse_url


@dag(
    dag_id="news_daily_summary",
    # A run per batch of load events: Airflow hands every event since the last run to the next one.
    schedule=[API_ARTICLES],
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    # One at a time: two runs recounting the same day would only wait on each other's row locks.
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["bantin", "downstream"],
    doc_md=runbook("daily_summary.md"),
)
def news_daily_summary():
    @task
    def summarise(run_id=None, triggering_asset_events=None, dag_run=None) -> int:
        from transforms.stages import summarise_days

        # An asset-triggered run has no data interval of its own: the events carry the producing loads' days.
        # A manual run recounts the days given in its conf: {"days": ["2026-03-07"]}.
        days = {day for event in (triggering_asset_events or {}).get(API_ARTICLES, [])
                for day in (event.extra or {}).get("days", [])}
        days |= set((dag_run.conf or {}).get("days", []))
        return summarise_days(warehouse_url(), sorted(days), run_id)

    summarise()


news_daily_summary()
