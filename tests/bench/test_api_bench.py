"""The api benchmark builds a small warehouse and times every query a downstream tool makes."""
from __future__ import annotations

from helpers import query

from bench import api
from warehouse.db import drop_database, server_url, with_database


def test_a_small_warehouse_answers_every_query():
    name = "bantin_bench_api_3000"
    try:
        assert api.main(["--size", "3000", "--repeats", "2", "--keep"]) == 0
        url = with_database(server_url(), name)
        # What the loads keep was kept while the archive was copied in, and every article is in the change feed.
        assert query(url, "SELECT count(*) FROM api.articles") == [(3000,)]
        assert query(url, "SELECT count(*) FROM api.article_changes WHERE kind = 'new'") == [(3000,)]
        assert query(url, "SELECT sum(member_count) FROM api.stories") == [(3000,)]
        assert query(url, "SELECT sum(articles) FROM api.daily_source_counts") == [(3000,)]
        assert query(url, "SELECT count(DISTINCT source) FROM api.source_freshness "
                          "WHERE last_successful_crawl_at IS NOT NULL") == [(15,)]
    finally:
        drop_database(name)


def test_the_report_names_every_query_and_its_verdict():
    results = [{"label": "q1", "rows": 5, "median": 1.0, "p95": 2.0},
               {"label": "q2", "rows": 1, "median": 80.0, "p95": 90.0, "plan": "Seq Scan on articles"}]
    text = api.render(results, 1000, "cmd", "facts", 3, "built in 0 min")
    assert "**1 of 2 met.**" in text and "| q2 | 1 | 80.0 | 90.0 | **no** |" in text
    assert "Seq Scan on articles" in text
