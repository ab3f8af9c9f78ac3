"""Landing pipeline: writes raw.pages, raw.fetch_failures and raw.crawls exactly as fetched (no cleaning)."""
from __future__ import annotations

import json
import logging
import re
import time
from datetime import UTC, datetime

import psycopg2
from isal import igzip
from psycopg2 import Binary
from psycopg2.extras import Json
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, threads
from twisted.internet.task import deferLater

from crawlers.items import RawPage
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
    if isinstance(exc, psycopg2.InterfaceError) or conn is None or conn.closed:
        return True
    code = getattr(exc, "pgcode", None)
    # psycopg2 reports "server closed the connection unexpectedly" as a bare DatabaseError or OperationalError.
    return code.startswith(("08", "57P")) if code else type(exc) in (psycopg2.DatabaseError, psycopg2.OperationalError)


# Pages wait to land together, one transaction per batch: a commit is a WAL flush, the largest part of landing
# a page alone (docs/benchmarks.md, crawl-stage). A batch is due BATCH_SECONDS after its first item, or at once
# when it holds BATCH_ITEMS items, a quarter of SCRAPER_SLOT_MAX_ACTIVE_SIZE in bodies (Scrapy stops downloading
# while the responses whose items are still in flight exceed that size, and a batch must never be what stops
# it), or nothing is downloading (no item is coming soon). A tenth of a second is a batch of tens of pages at
# the replay's rates, and nothing a crawl's end waits noticeably for.
BATCH_SECONDS, BATCH_ITEMS = 0.1, 100


# Every landed page is compressed on the crawl's machine, while it crawls; real pages run to half a megabyte.
# A backfill is bound by that CPU, while the bytes are only kept for reprocessing: so ISA-L's gzip, at its level 1
# of 0-3, about as small as zlib's fastest level for a fraction of its CPU (docs/benchmarks.md, crawl-stage).
GZIP_LEVEL = 1


class LandingPipeline:
    """One connection per crawl; every write is an idempotent upsert keyed by (run_id, url), so a batch retried
    after the connection dropped cannot land twice. An item is landed (and counted) when its batch committed.

    When the database goes away mid-crawl (a restart, a failover), writes wait and reconnect with bounded,
    shared backoff; the downloads go on meanwhile but for the attempts themselves (CONNECTION_OPTIONS bounds
    each). After retry_seconds() the crawl stops, `scrapy crawl` exits 1, and the run's check fails on the
    pages received but not landed. A row the database refuses is dropped alone; the rest of its batch lands."""

    def __init__(self, crawler, url: str):
        self.crawler = crawler
        self.url = url
        self.conn = None
        self.gave_up: str | None = None
        self.next_try = 0.0  # time.monotonic() before which no write tries the database again
        self.delay = FIRST_DELAY  # the wait after the next failed try
        self.batch: list = []  # (item, spider, Deferred) waiting for the next flush
        self.batch_bytes = 0
        self.flush_call = None  # the pending reactor.callLater that makes the batch due
        self.due = False  # the batch is to be flushed as soon as no flush is running
        self.flushing = False  # one flush at a time: the connection holds one transaction
        self.batch_bytes_max = crawler.settings.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE") // 4

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler, database_url())
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _cursor(self):
        if self.conn is None or self.conn.closed:
            self.conn = psycopg2.connect(self.url, **CONNECTION_OPTIONS)
        return self.conn.cursor()

    async def _write(self, what: str, statement, *, item: bool = True):
        """Run `statement(cursor)` in one transaction and commit it, reconnecting and retrying while the
        database is unreachable; returns what `statement` returned. Giving up stops the crawl; after that,
        items fail at once (`item`), while the crawl's own records still try."""
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
                from twisted.internet import reactor  # the one Scrapy installed: importing it earlier would pick one

                await maybe_deferred_to_future(deferLater(reactor, wait))
                continue
            try:
                # On a thread: psycopg2 releases the GIL while the server works, and the downloads go on. Writes
                # never overlap (one flush at a time, and the crawl's own records before and after the items).
                result = await maybe_deferred_to_future(threads.deferToThread(self._transaction, statement))
                self.delay = FIRST_DELAY
                return result
            except psycopg2.Error as exc:
                if not _connection_lost(exc, self.conn):
                    raise
                if self.conn is not None:
                    self.conn.close()
                last = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                self.next_try = time.monotonic() + self.delay
                log.warning("landing %s: database unreachable (%s); retrying in %.1f s", what, last, self.delay)
                self.delay = min(self.delay * 2, MAX_DELAY)

    def _transaction(self, statement):
        try:
            with self._cursor() as cur:
                result = statement(cur)
            self.conn.commit()
            return result
        except Exception as exc:
            if not (isinstance(exc, psycopg2.Error) and _connection_lost(exc, self.conn)):
                self.conn.rollback()
            raise

    def _give_up(self, why: str) -> None:
        if self.gave_up:
            return
        self.gave_up = why
        self.crawler.stats.set_value(FAILED, why)
        log.error("landing gave up: %s; stopping the crawl", why)
        # Not awaited: closing waits for the items in flight, this one among them.
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="landing_failed"))

    async def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        await self._write("the crawl's start", item=False, statement=lambda cur: cur.execute(
            stage_sql("land_crawl_start"),
            (spider.run_id, spider.source, spider.window_start, spider.window_end, datetime.now(UTC)),
        ))

    async def process_item(self, item, spider=None):
        self.crawler.stats.inc_value(RECEIVED)
        landed = defer.Deferred()
        self.batch.append((item, spider or self.crawler.spider, landed))
        self.batch_bytes += len(getattr(item, "body", b""))
        if (len(self.batch) >= BATCH_ITEMS or self.batch_bytes >= self.batch_bytes_max
                or not self.crawler.engine.downloader.active):
            self.due = True
        elif self.flush_call is None and not self.due:
            from twisted.internet import reactor

            self.flush_call = reactor.callLater(BATCH_SECONDS, self._time_is_up)
        self._flush_if_due()
        await maybe_deferred_to_future(landed)  # raises DropItem if this item did not land
        self.crawler.stats.inc_value(LANDED)
        return item

    def _time_is_up(self) -> None:
        self.flush_call = None
        self.due = True
        self._flush_if_due()

    def _flush_if_due(self) -> None:
        """Hand a due batch to a flush; items arriving meanwhile start the next batch, due when this flush ends
        if its time or size came by then."""
        if self.flushing or not self.due or not self.batch:
            return
        if self.flush_call is not None and self.flush_call.active():
            self.flush_call.cancel()
        self.flush_call, self.due, self.flushing = None, False, True
        batch, self.batch, self.batch_bytes = self.batch, [], 0
        deferred_from_coro(self._flush(batch)).addBoth(self._flushed)

    def _flushed(self, _) -> None:
        self.flushing = False
        self._flush_if_due()

    async def _flush(self, batch: list) -> None:
        """Land a batch in one transaction. If the database refuses a row, the batch is rolled back and landed
        again with each row in a savepoint of its own, so that only the refused rows are dropped."""
        def land_all(cur):
            cur.execute(b";".join(self._statement(cur, spider, item) for item, spider, _ in batch))
            return {}

        def land_each(cur):
            refused = {}
            for n, (item, spider, _) in enumerate(batch):
                cur.execute("SAVEPOINT landing_item")
                try:
                    cur.execute(self._statement(cur, spider, item))
                except Exception as exc:
                    if isinstance(exc, psycopg2.Error) and _connection_lost(exc, cur.connection):
                        raise
                    cur.execute("ROLLBACK TO SAVEPOINT landing_item")
                    refused[n] = exc
                cur.execute("RELEASE SAVEPOINT landing_item")
            return refused

        what = batch[0][0].url if len(batch) == 1 else f"{len(batch)} items from {batch[0][0].url}"
        try:
            try:
                refused = await self._write(what, land_all)
            except DropItem:
                raise
            except Exception:  # a row refused (by the database, or unencodable): find which, land the others
                refused = await self._write(what, land_each)
        except DropItem:  # landing gave up on the database
            for item, _, landed in batch:
                landed.errback(DropItem(f"{item.url}: not landed: {self.gave_up}"))
            return
        except Exception as exc:  # every waiting item must hear of it, or the crawl would hang
            for item, _, landed in batch:
                landed.errback(DropItem(f"{item.url}: not landed: {type(exc).__name__}: {exc}"))
            return
        for n, (item, _, landed) in enumerate(batch):
            if n in refused:  # counted as not landed, and the crawl goes on
                exc = refused[n]
                log.error("landing %s refused: %s: %s", item.url, type(exc).__name__, exc)
                landed.errback(DropItem(f"{item.url}: the database refused it: {exc}"))
            else:
                landed.callback(True)

    @staticmethod
    def _statement(cur, spider, item) -> bytes:
        """The upsert that lands `item`, as the SQL text itself: a batch's statements go to the server in one
        round trip."""
        if isinstance(item, RawPage):
            return cur.mogrify(stage_sql("land_page"), {
                "run_id": spider.run_id, "source": spider.source, "url": item.url, "final_url": item.final_url,
                "status": item.status, "fetched_at": item.fetched_at, "headers": Json(item.headers),
                "body_gz": Binary(igzip.compress(item.body, compresslevel=GZIP_LEVEL, mtime=0)),
                "body_bytes": len(item.body),
                "discovered_via": item.discovered_via, "discovered_at": item.discovered_at})
        return cur.mogrify(stage_sql("land_fetch_failure"), (
            spider.run_id, spider.source, item.url, item.reason, _CONTROL.sub("", item.detail[:2000]),
            item.failed_at))

    async def spider_closed(self, spider, reason):
        # Runs after the engine has closed the pipelines' item flow, so the stats are complete.
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
