"""Landing pipeline: writes raw.pages, raw.fetch_failures and raw.crawls exactly as fetched (no cleaning)."""
from __future__ import annotations

import gzip
import json
import logging
import os
from datetime import datetime, timezone

from scrapy import signals

from crawlers.items import FetchFailure, RawPage

log = logging.getLogger(__name__)

# The header subset kept per page (architecture.md): enough to re-decode and to revalidate, nothing else.
KEPT_HEADERS = ("content-type", "content-length", "last-modified", "etag", "location")


def database_url() -> str:
    url = os.environ.get("BANTIN_DATABASE_URL")
    if not url:
        # Fail the crawl loudly (exit status 1): a crawl that lands nothing must not look green.
        raise RuntimeError(
            "BANTIN_DATABASE_URL is not set: the crawler lands pages in PostgreSQL and needs its libpq URI "
            "(the Airflow task passes bantin.db.database_url(); by hand: "
            "BANTIN_DATABASE_URL=$(bantin db url) python -m scrapy crawl site ...)"
        )
    return url


def header_subset(headers) -> dict:
    """Scrapy's Headers (bytes keys/values, multi-valued) -> {lower-case name: str} for the kept names."""
    out = {}
    for name in KEPT_HEADERS:
        value = headers.get(name)
        if value is not None:
            out[name] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return out


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class LandingPipeline:
    """One autocommit connection per crawl; every write is an idempotent upsert keyed by (run_id, url)."""

    def __init__(self, crawler, url: str):
        self.crawler = crawler
        self.url = url
        self.conn = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler, database_url())
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None):
        import psycopg2

        spider = spider or self.crawler.spider
        self.conn = psycopg2.connect(self.url)
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute(
                """
                INSERT INTO raw.crawls (run_id, source, window_start, window_end, started_at)
                VALUES (%s, %s, %s, %s, %s)
                ON CONFLICT (run_id, source) DO UPDATE SET
                    window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
                    started_at = EXCLUDED.started_at, finished_at = NULL, finish_reason = NULL
                """,
                (spider.run_id, spider.source, spider.window_start, spider.window_end, datetime.now(timezone.utc)),
            )

    def process_item(self, item, spider=None):
        from psycopg2 import Binary
        from psycopg2.extras import Json

        spider = spider or self.crawler.spider
        with self.conn.cursor() as cur:
            if isinstance(item, RawPage):
                cur.execute(
                    """
                    INSERT INTO raw.pages (run_id, source, url, final_url, status, fetched_at, headers, body_gz,
                                           body_bytes, discovered_via, discovered_at)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                    ON CONFLICT (run_id, url) DO UPDATE SET
                        final_url = EXCLUDED.final_url, status = EXCLUDED.status, fetched_at = EXCLUDED.fetched_at,
                        headers = EXCLUDED.headers, body_gz = EXCLUDED.body_gz, body_bytes = EXCLUDED.body_bytes,
                        discovered_via = EXCLUDED.discovered_via, discovered_at = EXCLUDED.discovered_at
                    """,
                    (spider.run_id, spider.source, item.url, item.final_url, item.status, item.fetched_at,
                     Json(item.headers), Binary(gzip.compress(item.body, mtime=0)), len(item.body),
                     item.discovered_via, item.discovered_at),
                )
                # A page that finally answered supersedes an earlier failure of the same run (a re-run).
                cur.execute("DELETE FROM raw.fetch_failures WHERE run_id = %s AND url = %s",
                            (spider.run_id, item.url))
            elif isinstance(item, FetchFailure):
                cur.execute(
                    """
                    INSERT INTO raw.fetch_failures (run_id, source, url, reason, detail, failed_at)
                    VALUES (%s, %s, %s, %s, %s, %s)
                    ON CONFLICT (run_id, url) DO UPDATE SET
                        reason = EXCLUDED.reason, detail = EXCLUDED.detail, failed_at = EXCLUDED.failed_at
                    """,
                    (spider.run_id, spider.source, item.url, item.reason, item.detail[:2000], item.failed_at),
                )
        return item

    def spider_closed(self, spider, reason):
        # Runs after the engine has closed the pipelines' item flow, so the stats are complete.
        from psycopg2.extras import Json

        if self.conn is None:
            return
        stats = dict(self.crawler.stats.get_stats())
        try:
            with self.conn.cursor() as cur:
                cur.execute(
                    "UPDATE raw.crawls SET finished_at = %s, finish_reason = %s, stats = %s "
                    "WHERE run_id = %s AND source = %s",
                    (datetime.now(timezone.utc), reason, Json(stats, dumps=lambda o: json.dumps(o, default=_jsonable)),
                     spider.run_id, spider.source),
                )
        finally:
            self.conn.close()
            self.conn = None
