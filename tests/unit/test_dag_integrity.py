"""Team policy for every DAG, checked on the parsed DagBag: no import errors, owner, retries, tags, pools,
real data intervals and a runbook."""
from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"
# Parsing needs a config but no metadata DB; keep Airflow's files out of ~/airflow when run as plain pytest.
os.environ.setdefault("AIRFLOW_HOME", str(DAGS.parent / ".data" / "airflow-pytest"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import BundleDagBag

    # bundle_path puts dags/ on sys.path, as the DAG processor does, so `import common` resolves.
    return BundleDagBag(dag_folder=DAGS, bundle_path=DAGS)


@pytest.fixture(scope="module")
def common():
    import sys

    sys.path.insert(0, str(DAGS))
    import common

    return common


def test_no_import_errors(dagbag):
    assert not dagbag.import_errors, f"DAG import errors: {dagbag.import_errors}"
    assert set(INGEST) <= set(dagbag.dag_ids), f"DAGs parsed: {dagbag.dag_ids}"


# The DAGs that run the ingest tasks, and their runbooks.
INGEST = {"news_ingest": "runbook.md", "news_backfill": "backfill.md"}


@pytest.mark.parametrize("dag_id", INGEST)
def test_the_runbook_is_the_doc_file(dagbag, dag_id):
    runbook = (DAGS.parent / "docs" / INGEST[dag_id]).read_text(encoding="utf-8")
    assert dagbag.dags[dag_id].doc_md == runbook, f"{dag_id}'s doc_md is not docs/{INGEST[dag_id]}'s text"


def test_policy(dagbag, common):
    for dag_id, dag in dagbag.dags.items():
        assert dag.doc_md and "backfill" in dag.doc_md, f"{dag_id}: doc_md must be the runbook (incl. backfill)"
        unknown = set(dag.tags) - set(common.ALLOWED_TAGS)
        assert dag.tags and not unknown, f"{dag_id}: tags {sorted(unknown)} not in {common.ALLOWED_TAGS}"
        for t in dag.tasks:
            assert t.owner and t.owner != "airflow", f"{dag_id}.{t.task_id}: owner not set"
            assert t.retries >= 2, f"{dag_id}.{t.task_id}: retries={t.retries}, policy is >= 2"
            assert t.retry_delay.total_seconds() > 0, f"{dag_id}.{t.task_id}: no retry_delay"


@pytest.mark.parametrize(("dag_id", "hours", "end"), [("news_ingest", 1, (2026, 3, 7, 12)),
                                                      ("news_backfill", 24, (2026, 3, 7))])
def test_intervals_have_width(dagbag, dag_id, hours, end):
    """A bare cron gives data_interval_start == data_interval_end in Airflow 3; the crawl window would be empty."""
    import pendulum
    from airflow.serialization.encoders import coerce_to_core_timetable

    dag = dagbag.dags[dag_id]
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable", dag.timetable
    interval = coerce_to_core_timetable(dag.timetable).infer_manual_data_interval(
        run_after=pendulum.datetime(2026, 3, 7, 12, tz="Asia/Ho_Chi_Minh"))
    assert interval.end - interval.start == pendulum.duration(hours=hours), interval
    assert interval.end == pendulum.datetime(*end, tz="Asia/Ho_Chi_Minh"), interval
    assert dag.catchup is False and dag.max_active_runs <= 2


def test_the_backfill_dag_is_created_paused(dagbag):
    """Unpaused, it would crawl every day the hourly runs already crawled."""
    assert dagbag.dags["news_backfill"].is_paused_upon_creation is True
    assert not dagbag.dags["news_ingest"].is_paused_upon_creation


def test_the_backfill_dag_runs_the_ingest_tasks(dagbag):
    hourly, daily = dagbag.dags["news_ingest"], dagbag.dags["news_backfill"]
    assert {(t.task_id, t.pool, frozenset(t.downstream_task_ids)) for t in daily.tasks} == \
        {(t.task_id, t.pool, frozenset(t.downstream_task_ids)) for t in hourly.tasks}
    # A day's crawl outlasts an hour's; its limit must leave the crawl's own watchdog room to fire first.
    from crawlers.run import DEFAULT_TIMEOUT_SECONDS

    assert all(t.execution_timeout.total_seconds() > DEFAULT_TIMEOUT_SECONDS for t in daily.tasks)
    # The latest hour's crawl takes a source's pool before a backfill day's.
    assert all(t.priority_weight < hourly.get_task(t.task_id).priority_weight for t in daily.tasks)


@pytest.mark.parametrize("dag_id", INGEST)
def test_one_crawl_per_source_in_its_own_pool(dagbag, dag_id):
    from sources import source_names

    dag = dagbag.dags[dag_id]
    from bantin.stack import pools_file

    created = json.loads(pools_file().read_text())
    for name in source_names():
        task = dag.get_task(f"crawl_{name}")
        assert task.pool == f"crawl_{name}", f"crawl_{name} runs in pool {task.pool!r}"
        assert created.get(task.pool, {}).get("slots") == 1, f"the bootstrap does not create pool {task.pool}"



@pytest.mark.parametrize("dag_id", INGEST)
def test_each_source_is_cleaned_as_soon_as_it_is_crawled(dagbag, dag_id):
    """clean_<source> after crawl_<source> alone, so cleaning one source overlaps the other crawls and the
    cleans spread over every worker slot; dedupe waits for them all."""
    from sources import source_names

    dag = dagbag.dags[dag_id]
    for name in source_names():
        clean = dag.get_task(f"clean_{name}")
        assert clean.upstream_task_ids == {f"crawl_{name}"}, f"clean_{name} waits for {clean.upstream_task_ids}"
        assert clean.downstream_task_ids == {"dedupe"}
    assert dag.get_task("dedupe").upstream_task_ids == {f"clean_{name}" for name in source_names()}


@pytest.mark.parametrize("dag_id", INGEST)
def test_stage_order(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    chain = ["dedupe", "load", "check", "purge_raw"]
    for up, down in itertools.pairwise(chain):
        assert down in dag.get_task(up).downstream_task_ids, f"{up} must run before {down}"
