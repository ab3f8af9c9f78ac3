"""The warehouse on a real PostgreSQL: migrations, the stages' idempotent load, the api views, the reader role."""
from __future__ import annotations

import gzip
import json
import os
import re
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest
from helpers import query

from transforms import stages
from warehouse import settings
from warehouse.migrate import migrate

REPO = Path(__file__).resolve().parents[2]
VN = timezone(timedelta(hours=7))
WINDOW = (datetime(2026, 3, 7, 8, tzinfo=VN), datetime(2026, 3, 7, 9, tzinfo=VN))
FETCHED = datetime(2026, 3, 7, 9, 5, tzinfo=VN)

# Real pages (byte-identical copies of the shared fixtures) at their real URLs.
PAGES = {
    "vnexpress": "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
    "tuoitre": "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm",
}


def _page_path(source: str) -> Path:
    """The recorded page of `source` (any name: the transforms owner picks the slug)."""
    found = [p for p in sorted((REPO / "sources" / source / "pages").glob("*.html"))
             if PAGES[source].rsplit("-", 1)[-1].split(".")[0] in p.read_text(encoding="utf-8", errors="replace")]
    assert found, f"no recorded page of {PAGES[source]} for source {source}"
    return found[0]


def land(url: str, run_id: str, pages: list[tuple[str, str, int, bytes]] = (), failures=()) -> None:
    """Write what the crawler would have written for `run_id`."""
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        sources = {p[0] for p in pages} | {f[0] for f in failures}
        for source in sources:
            cur.execute(
                """INSERT INTO raw.crawls (run_id, source, window_start, window_end, started_at, finished_at,
                                           finish_reason) VALUES (%s, %s, %s, %s, %s, %s, 'finished')
                   ON CONFLICT DO NOTHING""",
                (run_id, source, *WINDOW, FETCHED, FETCHED),
            )
        for source, page_url, status, body in pages:
            cur.execute(
                """INSERT INTO raw.pages (run_id, source, url, final_url, status, fetched_at, headers, body_gz,
                                          body_bytes, discovered_via)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'listing')""",
                (run_id, source, page_url, page_url, status, FETCHED,
                 json.dumps({"content-type": "text/html; charset=utf-8"}), gzip.compress(body), len(body)),
            )
        for source, page_url, reason in failures:
            cur.execute(
                "INSERT INTO raw.fetch_failures VALUES (%s, %s, %s, %s, 'test', %s)",
                (run_id, source, page_url, reason, FETCHED),
            )
    conn.close()


def run_all(url: str, run_id: str) -> dict:
    stages.clean_run(url, run_id)
    stages.dedupe_run(url, run_id)
    return stages.load_run(url, run_id, *WINDOW)


def good_pages() -> list[tuple[str, str, int, bytes]]:
    return [(source, page_url, 200, _page_path(source).read_bytes()) for source, page_url in PAGES.items()]


def test_migrations_are_idempotent_and_complete(fresh_db):
    migrate(fresh_db)  # a second time: no error, nothing changes
    schemas = {r[0] for r in query(fresh_db, "SELECT nspname FROM pg_namespace")}
    assert {"raw", "staging", "core", "api"} <= schemas
    views = {r[0] for r in query(fresh_db, "SELECT viewname FROM pg_views WHERE schemaname = 'api'")}
    assert views == {"articles", "daily_source_counts", "source_freshness", "run_stats", "stories",
                     "article_changes", "article_versions"}
    functions = {r[0] for r in query(fresh_db, "SELECT proname FROM pg_proc WHERE pronamespace = 'api'::regnamespace")}
    assert functions == {"search_articles"}
    head = max(p.name.split("_")[0] for p in (REPO / "sql/migrations/versions").glob("0*.py"))
    assert query(fresh_db, "SELECT version_num FROM bantin_schema_version") == [(head,)]
    # The story band index is derived data, rebuilt from the signatures: unlogged, so loads write no WAL for it.
    assert query(fresh_db, "SELECT relpersistence FROM pg_class WHERE oid = 'core.article_bands'::regclass") == [("u",)]
    # Landed bodies are gzip already: stored out of line as they are, never put through PostgreSQL's own
    # compression, which only spends the server's CPU failing to shrink them during a crawl.
    assert query(fresh_db, "SELECT attstorage FROM pg_attribute WHERE attrelid = 'raw.pages'::regclass "
                           "AND attname = 'body_gz'") == [("e",)]


@pytest.mark.skipif(bool(os.environ.get("BANTIN_DATABASE_URL")),
                    reason="a server named by BANTIN_DATABASE_URL is tuned by its operator, not by bantin")
def test_embedded_server_has_room_for_the_band_index(pg_server_url):

    wanted = settings.get("BANTIN_PG_SHARED_BUFFERS")
    assert query(pg_server_url, "SELECT pg_size_bytes(current_setting('shared_buffers')) = pg_size_bytes(%s)",
                 (wanted,)) == [(True,)]


def test_reader_role_sees_api_only(fresh_db):
    land(fresh_db, "r1", good_pages())
    run_all(fresh_db, "r1")
    conn = psycopg2.connect(fresh_db)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET ROLE bantin_reader")
        cur.execute("SELECT count(*) FROM api.articles")
        assert cur.fetchone()[0] == 2
        for table in ("raw.pages", "core.articles", "staging.articles"):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(f"SELECT 1 FROM {table} LIMIT 1")
    conn.close()


def test_load_is_idempotent_and_keeps_history(fresh_db):
    land(fresh_db, "run_a", good_pages())
    first = run_all(fresh_db, "run_a")
    assert {s: v["new"] for s, v in first.items()} == {"tuoitre": 1, "vnexpress": 1}
    assert stages.check_run(fresh_db, "run_a") == {
        "run_id": "run_a", "fetched": 2, "stored": 2, "rejected": 0, "attempts": 2}

    # The same run again (a retried task) and another run over the same pages (an overlapping backfill).
    run_all(fresh_db, "run_a")
    land(fresh_db, "run_b", good_pages())
    again = run_all(fresh_db, "run_b")
    assert {s: (v["new"], v["duplicate"]) for s, v in again.items()} == {"tuoitre": (0, 1), "vnexpress": (0, 1)}
    assert query(fresh_db, "SELECT count(*) FROM api.articles") == [(2,)]

    # The publisher edits the VnExpress story: one update, the prior text kept in history.
    source, page_url = "vnexpress", PAGES["vnexpress"]
    edited = _page_path(source).read_bytes().replace(
        b'<p class="Normal">Iraq',
        '<p class="Normal">Cập nhật lúc 10h: giá dầu vẫn tăng.</p><p class="Normal">Iraq'.encode(), 1)
    land(fresh_db, "run_c", [(source, page_url, 200, edited)])
    third = run_all(fresh_db, "run_c")
    assert third["vnexpress"]["updated"] == 1
    assert query(fresh_db, "SELECT count(*) FROM api.articles") == [(2,)]
    assert query(fresh_db, "SELECT version FROM api.articles WHERE source = 'vnexpress'") == [(2,)]
    history = query(fresh_db, "SELECT version, replaced_by_run FROM core.article_versions")
    assert history == [(1, "run_c")]
    # Loading the same staging rows twice (a cleared load task) must not mint another version.
    stages.load_run(fresh_db, "run_c", *WINDOW)
    assert query(fresh_db, "SELECT version FROM api.articles WHERE source = 'vnexpress'") == [(2,)]


def test_rejects_are_recorded_with_reasons_and_stats(fresh_db):
    bad = [
        ("vnexpress", "https://vnexpress.net/mat-bai-1000001.html", 404, b"<html><body>Not found</body></html>"),
        ("vnexpress", "https://vnexpress.net/loi-may-chu-1000002.html", 500, b"oops"),
    ]
    land(fresh_db, "run_r", good_pages() + bad,
         failures=[("tuoitre", "https://tuoitre.vn/cham-12345678901234567.htm", "timeout")])
    stats = run_all(fresh_db, "run_r")
    assert stats["vnexpress"]["rejected"] == 2 and stats["tuoitre"]["rejected"] == 1
    reasons = query(fresh_db, "SELECT source, rejects_by_reason FROM api.run_stats ORDER BY source")
    assert reasons == [("tuoitre", {"timeout": 1}), ("vnexpress", {"http_404": 1, "http_500": 1})]
    fetched = query(fresh_db, "SELECT source, pages_fetched, fetch_failures FROM api.run_stats ORDER BY source")
    assert fetched == [("tuoitre", 1, 1), ("vnexpress", 3, 0)]
    # Three of five attempts rejected is past the abnormal-share limit: the run must fail, naming the figures.
    with pytest.raises(stages.RunCheckFailed, match=r"rejected 3 of 5 attempts"):
        stages.check_run(fresh_db, "run_r")


def test_cleaning_one_source_leaves_the_others_rows(fresh_db):
    """The DAG cleans each source in a task of its own (clean_<source>), side by side: a source's clean, or its
    retry, stages and rejects that source's pages alone, and together they stage what one clean of the run does."""
    bad = [("vnexpress", "https://vnexpress.net/loi-may-chu-1000002.html", 500, b"oops")]
    failures = [("tuoitre", "https://tuoitre.vn/cham-12345678901234567.htm", "timeout")]
    for run_id in ("run_whole", "run_split"):
        land(fresh_db, run_id, good_pages() + bad, failures=failures)
    stages.clean_run(fresh_db, "run_whole")

    def rows(run_id: str) -> list:
        return query(fresh_db, """SELECT 'staged', source, url, title, body, published_at FROM staging.articles
                                  WHERE run_id = %(run)s
                                  UNION ALL SELECT 'reject', source, url, stage, reason, occurred_at FROM core.rejects
                                  WHERE run_id = %(run)s ORDER BY 1, 2, 3""", {"run": run_id})

    assert stages.clean_run(fresh_db, "run_split", source="vnexpress") == {
        "pages": 2, "staged": 1, "rejected": 1, "skipped_non_article_urls": 0}
    assert {r[1] for r in rows("run_split")} == {"vnexpress"}, "a source's clean touched another source's rows"
    stages.clean_run(fresh_db, "run_split", source="tuoitre")
    assert rows("run_split") == rows("run_whole")
    stages.clean_run(fresh_db, "run_split", source="vnexpress")  # a retry of one source's clean
    assert rows("run_split") == rows("run_whole")
    stages.dedupe_run(fresh_db, "run_split")
    assert {s: v["new"] for s, v in stages.load_run(fresh_db, "run_split", *WINDOW).items()} == {
        "tuoitre": 1, "vnexpress": 1}


def test_check_fails_a_run_that_fetched_but_stored_nothing(fresh_db):
    land(fresh_db, "run_z", [("vnexpress", "https://vnexpress.net/loi-1000003.html", 500, b"down")])
    run_all(fresh_db, "run_z")
    with pytest.raises(stages.RunCheckFailed, match="stored no article"):
        stages.check_run(fresh_db, "run_z")


def test_views_answer_downstream_questions(fresh_db):
    land(fresh_db, "run_v", [*good_pages(), ("vnexpress", "https://vnexpress.net/loi-1000004.html", 503, b"busy")])
    run_all(fresh_db, "run_v")
    days = query(fresh_db, "SELECT source, day, articles FROM api.daily_source_counts ORDER BY source")
    assert [(s, n) for s, _, n in days] == [("tuoitre", 1), ("vnexpress", 1)]
    assert all(str(day) == "2026-03-07" for _, day, _ in days)
    fresh = query(fresh_db, """SELECT source, last_successful_crawl_at IS NOT NULL, fetches_24h,
                                      fetch_error_rate_24h FROM api.source_freshness ORDER BY source""")
    assert fresh == [("tuoitre", True, 1, 0), ("vnexpress", True, 2, 0.5)]


def test_purge_respects_retention(fresh_db):
    land(fresh_db, "run_p", [*good_pages(), ("tuoitre", "https://tuoitre.vn/a-20260307000000001.htm", 404, b"")])
    run_all(fresh_db, "run_p")
    counts = "SELECT (SELECT count(*) FROM raw.pages), (SELECT count(*) FROM staging.articles), " \
             "(SELECT count(*) FROM core.rejects), (SELECT count(*) FROM api.articles)"
    assert query(fresh_db, counts) == [(3, 2, 1, 2)]
    assert set(stages.purge_raw(fresh_db, FETCHED + timedelta(days=10), days=30).values()) == {0}
    # Staging rows and rejects go with the raw pages they came from; the articles stay.
    purged = stages.purge_raw(fresh_db, FETCHED + timedelta(days=31), days=30)
    assert purged == {"raw.pages": 3, "raw.fetch_failures": 0, "staging.articles": 2, "core.rejects": 1}
    assert query(fresh_db, counts) == [(0, 0, 0, 2)]


def redesigned(page: bytes) -> bytes:
    """The real VnExpress page after a (made-up) redesign: new classes for the headline, the lead and the body,
    which the profile's selectors no longer match; the JSON-LD and meta tags stay, as they do in a redesign."""
    for old, new in ((b'class="title-detail"', b'class="article-headline"'), (b'class="description"', b'class="lede"'),
                     (b'<article class="fck_detail ">', b'<article class="story-body">'),
                     (b'class="Normal"', b'class="paragraph"')):
        assert old in page, old
        page = page.replace(old, new)
    return page


def test_a_redesign_is_named_by_source_and_field_in_the_log_and_run_stats(fresh_db, caplog, monkeypatch):
    land(fresh_db, "run_before", good_pages())
    run_all(fresh_db, "run_before")
    stages.check_run(fresh_db, "run_before")
    assert query(fresh_db, "SELECT source, drift, field_methods->'body' FROM api.run_stats ORDER BY source") == [
        ("tuoitre", [], {"profile": 1}), ("vnexpress", [], {"profile": 1})]

    source, page_url = "vnexpress", PAGES["vnexpress"]
    land(fresh_db, "run_after", [(source, page_url, 200, redesigned(_page_path(source).read_bytes()))])
    run_all(fresh_db, "run_after")
    with caplog.at_level("WARNING", logger="transforms.stages"):
        stages.check_run(fresh_db, "run_after")  # a warning by default: the article still loaded
    body = "vnexpress: body from generic for 1/1 pages, profile rule matched 0: site redesign?"
    (drift,) = query(fresh_db, "SELECT drift FROM api.run_stats WHERE run_id = 'run_after'")[0]
    assert body in drift and any(w.startswith("vnexpress: title from ") for w in drift), drift
    assert any(r.levelname == "WARNING" and body in r.getMessage() for r in caplog.records)

    # A profile that says `layout_drift: fail` fails the run instead.
    import sources

    real = sources.load_profile
    monkeypatch.setattr(sources, "load_profile", lambda name: {**real(name), "layout_drift": "fail"})
    with pytest.raises(stages.RunCheckFailed, match="layout drift: " + re.escape(body)):
        stages.check_run(fresh_db, "run_after")


def feed(url: str, after: int = 0, limit: int = 1000) -> list[tuple]:
    """A consumer's page of the change feed, read as bantin_reader."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET ROLE bantin_reader")
        cur.execute("SELECT change_id, article_id, kind, version, source FROM api.article_changes "
                    "WHERE change_id > %s ORDER BY change_id LIMIT %s", (after, limit))
        rows = cur.fetchall()
    conn.close()
    return rows


def test_change_feed_and_versions_follow_loads_and_edits(fresh_db):
    land(fresh_db, "run_a", good_pages())
    run_all(fresh_db, "run_a")
    first = feed(fresh_db)
    assert sorted((kind, version, source) for _, _, kind, version, source in first) == [
        ("new", 1, "tuoitre"), ("new", 1, "vnexpress")]
    # Seen again (a duplicate) is not a change; nor is a repeated load.
    land(fresh_db, "run_b", good_pages())
    run_all(fresh_db, "run_b")
    stages.load_run(fresh_db, "run_b", *WINDOW)
    assert feed(fresh_db, first[-1][0]) == []
    # An edit is one `updated` change, and the article's versions show both texts.
    edited = _page_path("vnexpress").read_bytes().replace(
        b'<p class="Normal">Iraq',
        '<p class="Normal">Cập nhật: giá dầu vẫn tăng.</p><p class="Normal">Iraq'.encode(), 1)
    land(fresh_db, "run_c", [("vnexpress", PAGES["vnexpress"], 200, edited)])
    run_all(fresh_db, "run_c")
    [(_, article, kind, version, source)] = feed(fresh_db, first[-1][0])
    assert (kind, version, source) == ("updated", 2, "vnexpress")
    versions = query(fresh_db, "SELECT version, is_current, replaced_by_run, body LIKE '%%Cập nhật: giá dầu%%' "
                               "FROM api.article_versions WHERE article_id = %s ORDER BY version", (article,))
    assert versions == [(1, False, "run_c", False), (2, True, None, True)]
    assert query(fresh_db, "SELECT count(*) FROM api.article_versions") == [(3,)]


def _insert_article(cur, n: int) -> None:
    cur.execute("""INSERT INTO core.articles (source, canonical_url, url, title, body, body_hash, first_seen_at,
                                              last_seen_at, first_run_id, last_run_id)
                   VALUES ('test', %(u)s, %(u)s, 'Tin', 'Nội dung', %(h)s, now(), now(), 'r', 'r')""",
                {"u": f"https://example.vn/{n}.html", "h": str(n)})


def test_change_feed_never_skips_a_change_committed_after_a_later_writer(fresh_db):
    # The race a bare sequence loses: writer A numbers its change first but commits last, after writer B. A
    # consumer that read B's change in between would move its cursor past A's and never see it.
    import threading

    a = psycopg2.connect(fresh_db)
    with a.cursor() as cur:
        _insert_article(cur, 1)  # A's transaction stays open

    def writer_b():
        conn = psycopg2.connect(fresh_db)
        with conn, conn.cursor() as cur:
            _insert_article(cur, 2)
        conn.close()

    b = threading.Thread(target=writer_b)
    b.start()
    b.join(timeout=2)
    # B waits for A (the loaders' lock): nothing is readable yet, so the consumer's cursor stays put.
    assert b.is_alive()
    seen = feed(fresh_db)
    assert seen == []
    a.commit()
    a.close()
    b.join(timeout=30)
    assert not b.is_alive()
    seen += feed(fresh_db, seen[-1][0] if seen else 0)
    assert [url[-1] for url in query(fresh_db, "SELECT right(canonical_url, 6) FROM core.articles "
                                               "ORDER BY article_id")] == ["1.html", "2.html"]
    assert [row[1] for row in seen] == [r[0] for r in query(fresh_db, "SELECT article_id FROM core.articles "
                                                                      "ORDER BY article_id")]


def _load_concurrently(db: str, runs: list[str], after: int) -> list[tuple]:
    """Load the (cleaned, deduped) runs at once, with a consumer reading the feed from `after` all along, one
    change at a time; what it consumed."""
    import threading

    done = threading.Event()
    consumed: list[tuple] = []

    def consumer():
        while True:
            finished = done.is_set()
            consumed.extend(feed(db, consumed[-1][0] if consumed else after, limit=1))
            if finished:
                return

    reader = threading.Thread(target=consumer)
    loads = [threading.Thread(target=stages.load_run, args=(db, run, *WINDOW)) for run in runs]
    reader.start()
    for t in loads:
        t.start()
    for t in loads:
        t.join()
    done.set()
    reader.join()
    return consumed + feed(db, consumed[-1][0] if consumed else after)


def test_change_feed_and_versions_under_two_concurrent_loads(fresh_db):
    # Two runs' loads at once (an hourly run and a backfill), a consumer polling all along: every change once.
    for run, source in (("run_x", "vnexpress"), ("run_y", "tuoitre")):
        land(fresh_db, run, [p for p in good_pages() if p[0] == source])
        stages.clean_run(fresh_db, run)
        stages.dedupe_run(fresh_db, run)
    consumed = _load_concurrently(fresh_db, ["run_x", "run_y"], 0)
    ids = [row[0] for row in consumed]
    assert ids == sorted(set(ids))
    assert sorted(row[4] for row in consumed) == ["tuoitre", "vnexpress"]
    # Then both runs bring the same article, each edited its own way: one becomes version 2, the other 3,
    # whichever loads first, and the feed and the versions agree.
    page = _page_path("vnexpress").read_bytes()
    for run, edit in (("run_e1", "Cập nhật lần một."), ("run_e2", "Cập nhật lần hai.")):
        edited = page.replace(b'<p class="Normal">Iraq',
                              f'<p class="Normal">{edit}</p><p class="Normal">Iraq'.encode(), 1)
        land(fresh_db, run, [("vnexpress", PAGES["vnexpress"], 200, edited)])
        stages.clean_run(fresh_db, run)
        stages.dedupe_run(fresh_db, run)
    updates = _load_concurrently(fresh_db, ["run_e1", "run_e2"], ids[-1])
    assert [(kind, version) for _, _, kind, version, _ in updates] == [("updated", 2), ("updated", 3)]
    article = updates[0][1]
    versions = query(fresh_db, "SELECT version, is_current, replaced_by_run FROM api.article_versions "
                               "WHERE article_id = %s ORDER BY version", (article,))
    assert [v[:2] for v in versions] == [(1, False), (2, False), (3, True)]
    # Version 2 was replaced by the run that made version 3, and vice versa: the loads took turns.
    assert {versions[0][2], versions[1][2]} == {"run_e1", "run_e2"}


@contextmanager
def archive_at(pg_server_url: str, revision: str, *statements: str):
    """A database migrated to `revision` holding three stored articles (and `statements` run on it), then
    brought to the head as an operator's upgrade would; its URL. Dropped afterwards."""
    import uuid

    from warehouse import db
    from warehouse.migrate import upgrade

    name = f"bantin_test_{uuid.uuid4().hex[:10]}"
    db.ensure_database(name)
    url = db.with_database(pg_server_url, name)
    try:
        upgrade(url, revision)
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            for n in (1, 2, 3):
                _insert_article(cur, n)
            for statement in statements:
                cur.execute(statement)
        conn.close()
        migrate(url)
        yield url
    finally:
        db.drop_database(name)


def test_upgrade_puts_the_stored_archive_at_the_head_of_the_feed(pg_server_url):
    # A warehouse from before the feed (0012): each stored article becomes one `new` change, in id order.
    with archive_at(pg_server_url, "0012") as url:
        assert [(kind, version) for _, _, kind, version, _ in feed(url)] == [("new", 1)] * 3
        assert [row[1] for row in feed(url)] == [r[0] for r in query(url, "SELECT article_id FROM core.articles "
                                                                          "ORDER BY article_id")]


# What api.stories and api.daily_source_counts showed when they were computed from every article at each query
# (before migration 0015 kept them as tables): the tables must always equal it.
FROM_SCRATCH = {
    "api.stories": """
        SELECT f.story_id, f.article_id, f.canonical_url, f.title, f.source, f.published_at, f.first_seen_at,
               m.member_count, m.outlets, m.last_member_seen_at
        FROM (SELECT DISTINCT ON (story_id) story_id, article_id, canonical_url, title, source, published_at,
                     first_seen_at
              FROM core.articles ORDER BY story_id, published_at ASC NULLS LAST, first_seen_at, article_id) AS f
        JOIN (SELECT story_id, count(*)::integer AS member_count, array_agg(DISTINCT source ORDER BY source) AS outlets,
                     max(first_seen_at) AS last_member_seen_at FROM core.articles GROUP BY story_id) AS m
        USING (story_id) ORDER BY 1""",
    "api.daily_source_counts": """
        SELECT source, (coalesce(published_at, first_seen_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, count(*)::integer,
               count(*) FILTER (WHERE published_at IS NOT NULL)::integer
        FROM core.articles GROUP BY 1, 2 ORDER BY 1, 2""",
}


def assert_kept(url: str) -> None:
    assert query(url, "SELECT * FROM api.stories ORDER BY 1") == query(url, FROM_SCRATCH["api.stories"])
    assert query(url, "SELECT * FROM api.daily_source_counts ORDER BY 1, 2") == \
        query(url, FROM_SCRATCH["api.daily_source_counts"])


def test_stories_and_daily_counts_are_kept_through_loads_edits_and_moves(fresh_db):
    land(fresh_db, "run_a", good_pages())
    run_all(fresh_db, "run_a")
    for n in (1, 2, 3):
        conn = psycopg2.connect(fresh_db)
        with conn, conn.cursor() as cur:
            _insert_article(cur, n)
        conn.close()
    assert_kept(fresh_db)
    assert len(query(fresh_db, "SELECT * FROM api.stories")) == 5
    # An operator's fixes by hand: a date set (the article moves to another day and gets its first dated count),
    # two articles put into one story (the first publisher is then the earlier one), and one moved back out.
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE core.articles SET published_at = '2026-01-02 23:30+07' WHERE canonical_url LIKE '%/1.html'")
        cur.execute("UPDATE core.articles SET story_id = (SELECT story_id FROM core.articles WHERE source = 'tuoitre') "
                    "WHERE canonical_url LIKE '%/2.html'")
    conn.close()
    assert_kept(fresh_db)
    assert query(fresh_db, "SELECT member_count, outlets FROM api.stories WHERE member_count > 1") == [
        (2, ["test", "tuoitre"])]
    conn = psycopg2.connect(fresh_db)
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE core.articles SET story_id = nextval('core.story_id_seq') "
                    "WHERE canonical_url LIKE '%/2.html'")
    conn.close()
    assert_kept(fresh_db)
    # Seen again: nothing a view shows changes, and the tables keep up.
    land(fresh_db, "run_b", good_pages())
    run_all(fresh_db, "run_b")
    assert_kept(fresh_db)


def test_upgrade_builds_the_kept_stories_and_counts_from_the_archive(pg_server_url):
    dated = "UPDATE core.articles SET published_at = '2025-12-31 20:00-05' WHERE canonical_url LIKE '%/3.html'"
    with archive_at(pg_server_url, "0014", dated) as url:
        assert_kept(url)
        assert len(query(url, "SELECT * FROM api.stories")) == 3
