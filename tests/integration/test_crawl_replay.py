"""The real `scrapy crawl site` subprocess, per source, against the replay, landing into a fresh PostgreSQL."""
from __future__ import annotations

import gzip
import hashlib
import logging
import unicodedata
from datetime import datetime, timedelta

import pytest
from helpers import REPO, VN, query, serving_replay

from crawlers.run import CrawlFailed, run_crawl

# Short enough that the replay's slow route (which sleeps past it) costs seconds, long enough for a loaded CI box.
DOWNLOAD_TIMEOUT = 3
RUN_ID = "test__crawl"


@pytest.fixture(scope="module")
def replay_url():
    with serving_replay(slow_seconds=DOWNLOAD_TIMEOUT + 2) as url:
        yield url


def crawl(db_url: str, replay: str, source: str, start: datetime, end: datetime, run_id: str = RUN_ID) -> int:
    env = {"BANTIN_DATABASE_URL": db_url, "BANTIN_REPLAY_URL": replay,
           "BANTIN_DOWNLOAD_TIMEOUT": str(DOWNLOAD_TIMEOUT)}
    return run_crawl(source, run_id, start, end, env=env, timeout=120)


def pages(db_url: str, source: str, run_id: str = RUN_ID) -> dict[str, dict]:
    rows = query(db_url, """SELECT url, final_url, status, headers, body_gz, body_bytes, discovered_via, discovered_at
                            FROM raw.pages WHERE run_id = %s AND source = %s""", (run_id, source))
    keys = ("url", "final_url", "status", "headers", "body_gz", "body_bytes", "discovered_via", "discovered_at")
    return {r[0]: dict(zip(keys, r)) for r in rows}


def body(page: dict) -> bytes:
    raw = gzip.decompress(bytes(page["body_gz"]))
    assert len(raw) == page["body_bytes"], f"{page['url']}: body_bytes disagrees with the stored body"
    return raw


def assert_crawl_finished(db_url: str, source: str, start: datetime, end: datetime) -> dict:
    rows = query(db_url, """SELECT window_start, window_end, started_at, finished_at, finish_reason, stats
                            FROM raw.crawls WHERE run_id = %s AND source = %s""", (RUN_ID, source))
    assert len(rows) == 1, f"no raw.crawls row for {source}"
    window_start, window_end, started, finished, reason, stats = rows[0]
    assert (window_start, window_end) == (start, end)
    assert finished is not None and finished >= started, f"{source}: crawl not marked finished"
    assert reason == "finished"
    assert stats["item_scraped_count"] > 0 and "downloader/request_count" in stats
    return stats


def test_bienphong_window_and_bad_responses(fresh_db, replay_url):
    start, end = datetime(2026, 3, 7, 11, tzinfo=VN), datetime(2026, 3, 7, 12, tzinfo=VN)
    assert crawl(fresh_db, replay_url, "bienphong", start, end) == 0
    got = pages(fresh_db, "bienphong")
    base = "https://www.bienphong.com.vn/"

    dated = [p for p in got.values() if p["discovered_at"] is not None]
    assert len(dated) == 6, f"expected the 6 articles of the hour, got {sorted(got)}"
    for p in dated:
        assert start <= p["discovered_at"] < end and p["status"] == 200
        assert p["headers"]["content-type"] == "text/html; charset=utf-8"
        assert {"content-length", "last-modified", "etag"} <= set(p["headers"])
        page = body(p).decode("utf-8")
        assert f'<link rel="canonical" href="{p["url"]}">' in page

    assert got[base + "loi-khong-tim-thay-post9000001.html"]["status"] == 404
    assert got[base + "loi-may-chu-post9000002.html"]["status"] == 500
    assert got[base + "trang-chuyen-muc-post9000007.html"]["status"] == 200
    garbage = got[base + "noi-dung-loi-ma-post9000006.html"]
    with pytest.raises(UnicodeDecodeError):
        body(garbage).decode("utf-8")
    cp = got[base + "bai-viet-ma-windows-1258-post9000005.html"]
    assert cp["headers"]["content-type"] == "text/html; charset=windows-1258"
    # windows-1258 composes tones from combining marks; NFC brings back the precomposed letters.
    assert "Biên phòng - " in unicodedata.normalize("NFC", body(cp).decode("cp1258"))
    moved = got["https://bienphong.com.vn/bai-viet-chuyen-huong-post9000009.html"]
    assert (moved["status"], moved["final_url"]) == (200, base + "bai-viet-chuyen-huong-post9000009.html")
    assert {p["discovered_via"] for p in got.values()} <= {"feed", "listing", "archive", "sitemap"}

    failures = dict(query(fresh_db, "SELECT url, reason FROM raw.fetch_failures WHERE run_id = %s", (RUN_ID,)))
    assert failures == {
        base + "phan-hoi-cham-post9000003.html": "timeout",
        base + "noi-dung-bi-cat-post9000004.html": "truncated",
        base + "ban-in-bai-viet-post9000008.html": "robots_disallowed",
    }
    assert not set(failures) & set(got), "a URL is both landed and failed"
    stats = assert_crawl_finished(fresh_db, "bienphong", start, end)
    assert stats["robotstxt/forbidden"] == 1


def test_vnexpress_lands_the_recorded_article(fresh_db, replay_url):
    # The recorded article was published 2026-03-07 00:05 (+07), ~12 h before the anchor: the feed no longer
    # lists it, so only listing pagination or the day-range archive can reach it.
    start, end = datetime(2026, 3, 6, 23, 30, tzinfo=VN), datetime(2026, 3, 7, 0, 30, tzinfo=VN)
    assert crawl(fresh_db, replay_url, "vnexpress", start, end) == 0
    got = pages(fresh_db, "vnexpress")
    recorded = got.get("https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html")
    assert recorded, f"recorded article not landed; got {sorted(got)}"
    expected = (REPO / "sources/vnexpress/pages"
                / "cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html").read_bytes()
    assert hashlib.sha256(body(recorded)).digest() == hashlib.sha256(expected).digest()
    assert recorded["discovered_via"] in ("listing", "archive")
    assert recorded["discovered_at"] == datetime(2026, 3, 7, 0, 5, tzinfo=VN)
    dated = [p for p in got.values() if p["discovered_at"] is not None]
    assert len(dated) == 7, "6 synthetic articles of the hour + the recorded one"
    # The real listing's 6 undated top stories are fetched in every window (undated = we cannot tell).
    assert len(got) - len(dated) == 6
    assert all(p["status"] == 200 for p in got.values())
    assert_crawl_finished(fresh_db, "vnexpress", start, end)

    # Re-running the same run and window upserts: same rows, no duplicates, no failures.
    before = {u: p["body_gz"] for u, p in got.items()}
    assert crawl(fresh_db, replay_url, "vnexpress", start, end) == 0
    assert {u: p["body_gz"] for u, p in pages(fresh_db, "vnexpress").items()} == before
    assert query(fresh_db, "SELECT count(*) FROM raw.fetch_failures")[0][0] == 0


def test_tuoitre_shards_and_listing(fresh_db, replay_url):
    start, end = datetime(2026, 3, 7, 7, 30, tzinfo=VN), datetime(2026, 3, 7, 8, 30, tzinfo=VN)
    assert crawl(fresh_db, replay_url, "tuoitre", start, end) == 0
    got = pages(fresh_db, "tuoitre")
    recorded = got["https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"]
    expected = (REPO / "sources/tuoitre/pages"
                / "chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.html").read_bytes()
    assert body(recorded) == expected
    # 6 synthetic articles + the recorded one + 2 more real-listing stories of 07:47 and 07:56, + 2 listing
    # stories whose id (the creation time) falls in the profile's 60-minute lead before the window.
    assert len(got) == 11, sorted(got)
    assert all(start - timedelta(minutes=60) <= p["discovered_at"] < end for p in got.values())
    assert {p["discovered_via"] for p in got.values()} <= {"feed", "listing", "archive"}
    assert_crawl_finished(fresh_db, "tuoitre", start, end)

    # A backfill hour of the previous day: past the feed and the listing, only the 5-day shard reaches it.
    start, end = datetime(2026, 3, 6, 9, tzinfo=VN), datetime(2026, 3, 6, 10, tzinfo=VN)
    assert crawl(fresh_db, replay_url, "tuoitre", start, end, run_id="test__backfill") == 0
    old = pages(fresh_db, "tuoitre", run_id="test__backfill")
    assert len(old) == 6 and {p["discovered_via"] for p in old.values()} == {"archive"}, sorted(old)
    assert all(start <= p["discovered_at"] < end and p["status"] == 200 for p in old.values())


def test_run_crawl_fails_loudly(fresh_db, replay_url):
    start, end = datetime(2026, 3, 7, 11, tzinfo=VN), datetime(2026, 3, 7, 12, tzinfo=VN)
    with pytest.raises(CrawlFailed, match="exited with status 1"):
        crawl(fresh_db, replay_url, "no-such-source", start, end)
    with pytest.raises(CrawlFailed, match="BANTIN_DATABASE_URL"):
        run_crawl("vnexpress", RUN_ID, start, end, env={"BANTIN_DATABASE_URL": ""})


def test_failure_reasons():
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadConnectionRefusedError,
        DownloadTimeoutError,
        IgnoreRequest,
        ResponseDataLossError,
    )

    from crawlers.spiders.site import classify_failure

    assert classify_failure(DownloadTimeoutError("took longer than 3.0 seconds")) == "timeout"
    assert classify_failure(ResponseDataLossError()) == "truncated"
    assert classify_failure(IgnoreRequest("Forbidden by robots.txt")) == "robots_disallowed"
    assert classify_failure(CannotResolveHostError("no such host")) == "dns_error"
    assert classify_failure(DownloadConnectionRefusedError("refused")) == "connection_error"
    # A redirect off the source's domains is (crawlers/middlewares.py); an IgnoreRequest for another reason
    # (Scrapy's own offsite filter of a discovery link, ...) is not a fetch failure of the site.
    assert classify_failure(IgnoreRequest("Filtered offsite redirect to 'tuoitre.vn'")) == "offsite_redirect"
    assert classify_failure(IgnoreRequest("Filtered offsite request")) is None


def test_the_crawl_log_keeps_scrapys_levels_and_ends_with_a_summary(fresh_db, replay_url, caplog):
    # bienphong's replay answers one article with a 500 on every retry: Scrapy logs it at ERROR, and the UI's
    # level filter must find it there, not at INFO.
    start, end = datetime(2026, 3, 7, 11, tzinfo=VN), datetime(2026, 3, 7, 12, tzinfo=VN)
    with caplog.at_level(logging.DEBUG, logger="crawlers.run"):
        crawl(fresh_db, replay_url, "bienphong", start, end)
    records = [r for r in caplog.records if r.name == "crawlers.run"]
    errors = [r.getMessage() for r in records if r.levelno == logging.ERROR]
    assert any("Gave up retrying" in m for m in errors), f"no ERROR record for the 500; errors: {errors}"
    assert not any("Gave up retrying" in r.getMessage() for r in records if r.levelno < logging.ERROR)
    summary = records[-1].getMessage()
    assert records[-1].levelno == logging.INFO, summary
    landed = query(fresh_db, "SELECT pages_landed FROM raw.crawls WHERE run_id = %s AND source = 'bienphong'",
                   (RUN_ID,))[0][0]
    failures = dict(query(fresh_db, """SELECT reason, count(*) FROM raw.fetch_failures
                                       WHERE run_id = %s AND source = 'bienphong' GROUP BY reason""", (RUN_ID,)))
    assert summary.startswith("crawl summary bienphong: "), summary
    assert f"landed {landed}" in summary and "discovered " in summary and "pages/s" in summary, summary
    for reason, n in failures.items():
        assert f"{reason}={n}" in summary, f"{reason}: {n} failures missing from {summary!r}"
