"""Landing pipeline: writes raw.pages, raw.fetch_failures and raw.crawls exactly as fetched (no cleaning)."""
from __future__ import annotations

import gzip
import json
import logging
import re
import time
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import DropItem

from crawlers.items import FetchFailure, RawPage
from crawlers.stats import FAILED, LANDED, RECEIVED
from warehouse import settings
from warehouse.sql import stage_sql

log = logging.getLogger(__name__)

# The header subset kept per page (architecture.md): enough to re-decode and to revalidate, nothing else.
KEPT_HEADERS = ("content-type", "content-length", "last-modified", "etag", "location")
# jsonb cannot hold NUL, and no control character belongs in a header value.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# How long landing keeps retrying a database that went away before the crawl gives up
# (BANTIN_LANDING_RETRY_SECONDS, default two minutes): a PostgreSQL restart takes seconds and a managed
# database's failover one to two minutes; beyond that an operator is needed, and a crawl that keeps fetching
# pages it cannot land only loses them.
# The first retry waits this long and each later one twice as long, up to MAX_DELAY: a blip costs a second,
# a long outage one attempt every 10 s. The wait is shared: while the database is away one item tries it, the
# others wait for that try, rather than a connection storm from every item in flight.
FIRST_DELAY, MAX_DELAY = 0.5, 10.0
# psycopg2 is synchronous, so a connection attempt or a write holds the crawl's one thread: bounded here, so a
# database that drops packets (a failover, a partition) costs seconds per attempt, never the kernel's ~15-minute
# TCP timeout. A landing write takes milliseconds; a minute means it is stuck.
CONNECTION_OPTIONS = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
                      "keepalives_count": 3, "options": "-c statement_timeout=60000"}


def database_url() -> str:
    url = settings.get("BANTIN_DATABASE_URL")
    if not url:
        # Fail the crawl loudly (exit status 1): a crawl that lands nothing must not look green.
        raise RuntimeError(
            "BANTIN_DATABASE_URL is not set: the crawler lands pages in PostgreSQL and needs its libpq URI "
            "(the Airflow task passes warehouse.db.database_url(); by hand: "
            "BANTIN_DATABASE_URL=$(bantin db url) python -m scrapy crawl site ...)"
        )
    return url


def retry_seconds() -> float:
    return settings.get("BANTIN_LANDING_RETRY_SECONDS")


def header_subset(headers) -> dict:
    """Scrapy's Headers (bytes keys/values, multi-valued) -> {lower-case name: str} for the kept names."""
    out = {}
    for name in KEPT_HEADERS:
        value = headers.get(name)
        if value is not None:
            out[name] = _CONTROL.sub("", value.decode("latin-1") if isinstance(value, bytes) else str(value))
    return out


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _connection_lost(exc: Exception, conn) -> bool:
    """Whether a psycopg2 error means the database went away (retry) rather than refused this row: the client
    lost the connection (no SQLSTATE), or the server says so (class 08, connection exception; 57P, operator
    intervention: shutting down, starting up, in recovery)."""
    import psycopg2

    if isinstance(exc, psycopg2.InterfaceError) or conn is None or conn.closed:
        return True
    code = getattr(exc, "pgcode", None)
    # psycopg2 reports "server closed the connection unexpectedly" as a bare DatabaseError or OperationalError.
    return code.startswith(("08", "57P")) if code else type(exc) in (psycopg2.DatabaseError, psycopg2.OperationalError)


class LandingPipeline:
    """One autocommit connection per crawl; every write is an idempotent upsert keyed by (run_id, url), so a
    write retried after the connection dropped cannot land twice.

    When the database goes away mid-crawl (a restart, a failover), writes wait and reconnect with bounded,
    shared backoff; the downloads go on meanwhile but for the attempts themselves (CONNECTION_OPTIONS bounds
    each). After retry_seconds() the crawl stops, `scrapy crawl` exits 1, and the run's check fails on the
    pages received but not landed."""

    def __init__(self, crawler, url: str):
        self.crawler = crawler
        self.url = url
        self.conn = None
        self.gave_up: str | None = None
        self.next_try = 0.0  # time.monotonic() before which no write tries the database again
        self.delay = FIRST_DELAY  # the wait after the next failed try

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler, database_url())
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _cursor(self):
        import psycopg2

        if self.conn is None or self.conn.closed:
            self.conn = psycopg2.connect(self.url, **CONNECTION_OPTIONS)
            self.conn.autocommit = True
        return self.conn.cursor()

    async def _write(self, what: str, statement, *, item: bool = True) -> None:
        """Run `statement(cursor)`, reconnecting and retrying while the database is unreachable. Giving up
        stops the crawl; after that, items fail at once (`item`), while the crawl's own records still try."""
        import psycopg2
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        deadline, last = time.monotonic() + retry_seconds(), "unreachable"
        while True:
            if self.gave_up and item:
                raise DropItem(f"{what}: not landed: {self.gave_up}")
            wait = self.next_try - time.monotonic()
            if wait > 0:  # another write is due to try the database first
                if time.monotonic() + wait > deadline:
                    why = f"the database stayed unreachable for {retry_seconds():.0f} s ({last})"
                    if not item:
                        raise RuntimeError(f"{what}: {why}")
                    self._give_up(why)
                    continue
                await maybe_deferred_to_future(deferLater(reactor, wait))
                continue
            try:
                with self._cursor() as cur:
                    statement(cur)
                self.delay = FIRST_DELAY
                return
            except psycopg2.Error as exc:
                if not _connection_lost(exc, self.conn):
                    raise
                if self.conn is not None:
                    self.conn.close()
                last = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                self.next_try = time.monotonic() + self.delay
                log.warning("landing %s: database unreachable (%s); retrying in %.1f s", what, last, self.delay)
                self.delay = min(self.delay * 2, MAX_DELAY)

    def _give_up(self, why: str) -> None:
        if self.gave_up:
            return
        self.gave_up = why
        self.crawler.stats.set_value(FAILED, why)
        log.error("landing gave up: %s; stopping the crawl", why)
        from scrapy.utils.defer import deferred_from_coro

        # Not awaited: closing waits for the items in flight, this one among them.
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="landing_failed"))

    async def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        await self._write("the crawl's start", item=False, statement=lambda cur: cur.execute(
            stage_sql("land_crawl_start"),
            (spider.run_id, spider.source, spider.window_start, spider.window_end, datetime.now(UTC)),
        ))

    async def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        self.crawler.stats.inc_value(RECEIVED)
        try:
            await self._write(item.url, lambda cur: self._land(cur, spider, item))
        except DropItem:
            raise
        except Exception as exc:  # the database refused this row: counted as not landed, and the crawl goes on
            log.error("landing %s refused: %s: %s", item.url, type(exc).__name__, exc)
            raise DropItem(f"{item.url}: the database refused it: {exc}") from exc
        self.crawler.stats.inc_value(LANDED)
        return item

    @staticmethod
    def _land(cur, spider, item) -> None:
        from psycopg2 import Binary
        from psycopg2.extras import Json

        if isinstance(item, RawPage):
            cur.execute(
                stage_sql("land_page"),
                (spider.run_id, spider.source, item.url, item.final_url, item.status, item.fetched_at,
                 Json(item.headers), Binary(gzip.compress(item.body, mtime=0)), len(item.body),
                 item.discovered_via, item.discovered_at),
            )
            # A page that finally answered supersedes an earlier failure of the same run (a re-run).
            cur.execute("DELETE FROM raw.fetch_failures WHERE run_id = %s AND url = %s", (spider.run_id, item.url))
        elif isinstance(item, FetchFailure):
            cur.execute(
                stage_sql("land_fetch_failure"),
                (spider.run_id, spider.source, item.url, item.reason, _CONTROL.sub("", item.detail[:2000]),
                 item.failed_at),
            )

    async def spider_closed(self, spider, reason):
        # Runs after the engine has closed the pipelines' item flow, so the stats are complete.
        from psycopg2.extras import Json

        stats = dict(self.crawler.stats.get_stats())
        dumps = lambda o: json.dumps(o, default=_jsonable)  # noqa: E731
        try:
            # A crawl that gave up still records how it ended, if the database is back by now.
            await self._write("the crawl's end", item=False, statement=lambda cur: cur.execute(
                stage_sql("land_crawl_end"),
                (datetime.now(UTC), reason, Json(stats, dumps=dumps), stats.get(RECEIVED, 0),
                 stats.get(LANDED, 0), spider.run_id, spider.source),
            ))
        except RuntimeError as exc:
            # Unrecorded, the crawl counts as unfinished: the run's check fails, and so does the exit status.
            self.crawler.stats.set_value(FAILED, str(exc))
            log.error("%s", exc)
        finally:
            if self.conn is not None:
                self.conn.close()
                self.conn = None
