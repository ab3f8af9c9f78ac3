"""The end-to-end benchmark on a small archive: every contender runs on the same replay, and the table reads them.

One Celery worker only (the two-worker run is the same code, and `tests/e2e/test_celery.py` runs two), so the
test stays a few minutes."""
from __future__ import annotations

import os

import pytest

from bench.e2e import backfill, e2e


@pytest.mark.skipif(bool(os.environ.get("BANTIN_DATABASE_URL")),
                    reason="`bantin run` is the local stack on the embedded PostgreSQL")
def test_every_contender_on_a_small_archive():
    results = e2e.run(days=1, per_day=10, repeats=1, e2e_repeats=1, workers=(1,), starts=1)
    stage = results["crawl_stage"]
    assert len(stage) == 15 and all(pages >= 10 and bantin > 0 and bare > 0 for pages, bantin, bare in stage.values())
    urls = sum(pages for pages, _, _ in stage.values())
    # Both fetchers got an answer for the whole list but the archive's few bad routes.
    for name in ("aiohttp", "bare"):
        (got, seconds), = results["fetch"][name]
        assert got >= 0.95 * urls and seconds > 0, (name, got, urls)
    (run,) = results["e2e"]
    # 150 articles of the day, about 1 % of them bad answers: what was fetched was stored, once.
    assert run["pages"] >= 140 and run["articles"] >= 140 and run["articles"] == run["distinct_urls"], run
    assert run["runs"] == 1 and run["hosts"] == ["worker1"] and 0 < run["cpu_busy"] <= 1, run
    (peer,) = results["news_please"]
    assert peer["stopped"] is None and peer["articles"] > 50 and len(peer["by_source"]) >= 8, peer
    table = e2e.markdown(results)
    assert "| bantin end to end, 1 Celery worker |" in table and "news-please 1.6.16" in table
    assert "2 workers ÷ on 1 worker" not in table  # not measured here


def test_the_backfill_memory_table_tells_a_task_from_the_celery_worker_that_runs_it():
    # The titles these processes give themselves (Airflow's setproctitle, bantin.stack's worker command).
    kind = backfill.PeakMemory.kind
    assert kind(["airflow worker -- 0197e0a2-task-instance-id"]) == "task process"
    assert kind(["airflow task supervisor: ['airflow', 'tasks', 'run']"]) == "task supervisor"
    assert kind(["/venv/bin/python", "/venv/bin/airflow", "celery", "worker", "--celery-hostname",
                 "worker1@%h", "--concurrency", "2"]) == "Celery worker"
    assert kind(["/venv/bin/python", "/venv/bin/scrapy", "crawl", "site", "-a", "source=vnexpress"]) == \
        "scrapy crawl (a crawl task's subprocess)"
