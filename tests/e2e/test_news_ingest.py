"""news_ingest through Airflow (`airflow dags test`) against the offline replay and a fresh warehouse."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import query

from bantin.airflow_env import warehouse_env
from bantin.stack import DEMO_LOGICAL_DATE, OFFLINE_DOWNLOAD_TIMEOUT_S, _airflow_bin
from crawlers.replay.recorded import RecordedSite
from sources import SOURCES_DIR, source_names

# Every source the replay can serve: a synthetic site, or its recorded pages found through its own profile.
SOURCES = {n for n in source_names()
           if (SOURCES_DIR / n / "replay" / "site.yaml").is_file() or RecordedSite(n).pages}
# One per bad response the replay serves (sources/*/replay/site.yaml, `bad:`).
EXPECTED_REJECTS = {"http_404", "http_500", "timeout", "truncated", "robots_disallowed", "undecodable",
                    "not_article"}


def _run_dag(env: dict, log: Path, dag_id: str = "news_ingest", *args: str) -> None:
    with open(log, "w") as out:
        result = subprocess.run([_airflow_bin(), "dags", "test", dag_id, *(args or [DEMO_LOGICAL_DATE])],
                                env=env, stdout=out, stderr=subprocess.STDOUT, timeout=600)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-80:])
    assert result.returncode == 0, f"{dag_id} failed (log {log}):\n{tail}"


def _asset_events(env: dict) -> list[tuple[str, dict]]:
    """The asset events in Airflow's metadata database: (asset name, extra)."""
    metadata = "postgresql://" + env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].split("://", 1)[1]
    return query(metadata, "SELECT a.name, e.extra FROM asset_event AS e JOIN asset AS a ON a.id = e.asset_id "
                           "WHERE e.source_dag_id = 'news_ingest' ORDER BY e.id")


def test_news_ingest_end_to_end(fresh_db, airflow_test_env, replay_url, tmp_path):
    env = {**airflow_test_env, **warehouse_env(fresh_db), "BANTIN_REPLAY_URL": replay_url,
           "BANTIN_DOWNLOAD_TIMEOUT": OFFLINE_DOWNLOAD_TIMEOUT_S}
    _run_dag(env, tmp_path / "first.log")

    per_source = dict(query(fresh_db, "SELECT source, count(*) FROM api.articles GROUP BY source"))
    missing = SOURCES - {s for s, n in per_source.items() if n > 0}
    assert not missing, f"no rows in api.articles for {sorted(missing)}; got {per_source}"

    # `airflow dags test` names the run after the wall clock (manual__<now>); this database has only this one.
    run_ids = [r[0] for r in query(fresh_db, "SELECT DISTINCT run_id FROM api.run_stats")]
    assert len(run_ids) == 1, f"expected one run in api.run_stats, got {run_ids}"
    stats = query(fresh_db, """SELECT source, pages_fetched, articles_new, rejected, rejects_by_reason
                                FROM api.run_stats WHERE run_id = %s""", (run_ids[0],))
    assert {row[0] for row in stats} == set(source_names()), f"api.run_stats for {run_ids[0]}: {stats}"
    for source, fetched, new, _, _ in stats:
        assert source not in SOURCES or (fetched > 0 and new > 0), f"{source}: fetched {fetched}, new {new}"
    assert sum(row[2] for row in stats) == sum(per_source.values()), "run_stats new != rows in api.articles"
    reasons = {reason for row in stats for reason, n in (row[4] or {}).items() if n}
    assert reasons >= EXPECTED_REJECTS, f"rejects missing for {sorted(EXPECTED_REJECTS - reasons)}; got {reasons}"

    # The replay syndicates some VnExpress stories to Tuổi Trẻ: they must land as one story, two outlets.
    shared = query(fresh_db, "SELECT outlets FROM api.stories WHERE member_count > 1")
    assert shared and all(o == ["tuoitre", "vnexpress"] for (o,) in shared), f"reprint stories: {shared}"
    assert query(fresh_db, "SELECT count(*) FROM api.articles WHERE relation = 'reprint'")[0][0] == len(shared)

    # The load announced what it changed: one event per asset, with the run's counts and publication days.
    # The two events of one task come in either order.
    events = sorted(_asset_events(env), key=lambda event: event[0])
    assert [name for name, _ in events] == ["bantin.api.articles", "bantin.api.stories"], events
    extra = events[0][1]
    assert extra["run_id"] == run_ids[0] and events[1][1] == extra
    assert {s: c["new"] for s, c in extra["articles"].items() if c["new"]} == per_source
    days = query(fresh_db, "SELECT DISTINCT day::text FROM api.daily_source_counts ORDER BY 1")
    assert extra["days"] == [d for (d,) in days]
    # The example consumer recounts those days (the scheduler starts it on the event: tests/e2e/test_celery.py;
    # here it runs by hand with the event's days).
    _run_dag(env, tmp_path / "summary.log", "news_daily_summary", "-c", json.dumps({"days": extra["days"]}))
    summary = "SELECT day, source, articles FROM api.daily_source_summary ORDER BY 1, 2"
    assert query(fresh_db, summary) == query(fresh_db, "SELECT day, source, articles FROM api.daily_source_counts "
                                                       "ORDER BY 1, 2")

    _run_dag(env, tmp_path / "second.log")
    again = dict(query(fresh_db, "SELECT source, count(*) FROM api.articles GROUP BY source"))
    assert again == per_source, f"re-running the same window changed api.articles: {per_source} -> {again}"
