"""The database steps of a run: clean (raw -> staging), dedupe, load (staging -> core), check, purge.

Each step takes the warehouse URI and an Airflow run id, reads only what earlier steps wrote for that run,
and can be re-run on its own: a retry or a reprocess replaces the run's staging rows and upserts core rows.
"""
from __future__ import annotations

import json
import logging
import re
from contextlib import contextmanager
from datetime import datetime, timedelta

from warehouse import settings
from warehouse.sql import stage_sql

log = logging.getLogger(__name__)

# Per-source shares are only judged from this many attempts on: with fewer, one dead link is already 10%+.
MIN_ATTEMPTS_PER_SOURCE = 20
# Rows per INSERT batch while cleaning: bounds memory to a few MB of extracted text per round trip.
BATCH_ROWS = 200


class RunCheckFailed(RuntimeError):
    """The run's data is not fit to keep flowing downstream; the message says why."""


def _connect(db_url: str):
    import psycopg2

    return psycopg2.connect(db_url)


@contextmanager
def transaction(db_url: str):
    """(connection, cursor) of one transaction: committed when the block ends, rolled back when it raises.

    When the database itself went away mid-step, the error that says so is what propagates; psycopg2's own
    `with conn:` would replace it with "InterfaceError: connection already closed" from the rollback it tries
    on the dead connection, which hides the cause from the operator."""
    import psycopg2

    conn = _connect(db_url)
    try:
        yield conn, conn.cursor()
        conn.commit()
    except BaseException:
        if not conn.closed:
            try:
                conn.rollback()
            except psycopg2.Error:
                pass  # the original error says more than the failed rollback
        raise
    finally:
        conn.close()


def _inflate(body_gz: bytes, limit: int = settings.MAX_PAGE_BYTES) -> bytes:
    """The stored page, gunzipped, never past `limit` bytes."""
    # ISA-L's inflate: the standard gzip format, whoever wrote it, for less CPU than zlib's (docs/benchmarks.md).
    from isal import isal_zlib

    from transforms.extract import Rejected

    inflater = isal_zlib.decompressobj(wbits=31)  # 31: the gzip container the landing pipeline writes
    try:
        body = inflater.decompress(body_gz, limit + 1)
    except isal_zlib.error as exc:
        raise Rejected("corrupt_body", f"the stored gzip cannot be read: {exc}") from None
    if len(body) > limit or inflater.unconsumed_tail:
        raise Rejected("too_large", f"the page expands past {limit} bytes")
    if not inflater.eof:
        raise Rejected("corrupt_body", "the stored gzip ends before its stream does")
    return body


def staging_row(run_id: str, page: dict, article: dict) -> tuple:
    from transforms import minhash
    from transforms.dedup import body_key, key_hash

    key = body_key(article["body"])  # normalised once: the hash and the signature both read it
    sig = minhash.signature_of_key(key)

    return (
        run_id, page["page_id"], page["source"], page["url"], article["canonical_url"] or page["url"],
        article["title"], article["sapo"], article["dateline"], article["body"], article["authors"],
        article["published_at"], article.get("published_at_raw"), article["modified_at"], article.get("seen_at"),
        article["section"], article["tags"], article["image_url"], article["language"], article["captions"],
        article.get("source_credit"), json.dumps(article["extracted_by"], ensure_ascii=False), key_hash(key),
        page["fetched_at"], None if sig is None else minhash.to_bytes(sig), article.get("canonical_refused"),
    )


STAGING_COLUMNS = (
    "run_id, page_id, source, url, canonical_url, title, sapo, dateline, body, authors, published_at, "
    "published_at_raw, modified_at, seen_at, section, tags, image_url, language, captions, source_credit, "
    "extracted_by, body_hash, fetched_at, minhash, canonical_refused"
)


def _clean_page(run_id: str, page: dict):
    """("staged", row), ("rejected", reason, detail) or None for a landed page that is not an article URL.
    Never raises for the page's sake: whatever one page holds, the run goes on without it."""
    from sources import load_profile
    from transforms.extract import Rejected, extract_page

    try:
        try:
            profile = load_profile(page["source"])
        except KeyError:
            raise Rejected("unknown_source", f"no profile for source {page['source']!r} (its folder under "
                                                 "sources/ is gone)") from None
        # Feeds, sitemaps and listings may be landed for audit; only article URLs are cleaned.
        if not re.search(profile["article_url"], page["url"]):
            return None
        if page["status"] != 200:
            return "rejected", f"http_{page['status']}", None
        article = extract_page(_inflate(bytes(page["body_gz"])), page["final_url"], profile=profile,
                               headers=page["headers"])
        return "staged", staging_row(run_id, page, article)
    except Rejected as exc:
        where = f"page {page['page_id']}"
        return "rejected", exc.reason, f"{where}: {exc.detail}" if exc.detail else where
    except Exception as exc:  # a bug met on one page must not fail every retry of the run
        log.exception("clean %s: page %s (%s) failed", run_id, page["page_id"], page["url"])
        return "rejected", "parse_error", f"page {page['page_id']}: {type(exc).__name__}: {exc}"


def clean_run(db_url: str, run_id: str, source: str | None = None) -> dict:
    """Extract every article page landed by `run_id` (of `source` only, when given) into staging; everything else
    becomes a reject. A source's clean replaces that source's rows of the run and nothing else, so the DAG cleans
    each source in a task of its own while the other sources still crawl.

    One page never fails the run: a page that cannot be read, extracted or stored is a reject naming it."""
    from psycopg2.extras import execute_values

    counts = {"pages": 0, "staged": 0, "rejected": 0, "skipped_non_article_urls": 0}
    # `source IS NULL` makes one statement serve the whole run (reprocess) and one source (the DAG's tasks).
    which = {"run": run_id, "source": source}
    of_the_run = "run_id = %(run)s AND (%(source)s::text IS NULL OR source = %(source)s)"
    with transaction(db_url) as (conn, out):
        out.execute(f"DELETE FROM staging.articles WHERE {of_the_run}", which)
        out.execute(f"DELETE FROM core.rejects WHERE {of_the_run}", which)
        out.execute(
            f"""INSERT INTO core.rejects (run_id, source, url, stage, reason, detail, occurred_at)
                SELECT run_id, source, url, 'fetch', reason, detail, failed_at
                FROM raw.fetch_failures WHERE {of_the_run}""",
            which,
        )
        staged, rejects = [], []
        # A named (server-side) cursor streams pages instead of holding a whole run's bodies in memory.
        pages = conn.cursor(name="pages")
        pages.itersize = 50
        columns = ("page_id", "source", "url", "final_url", "status", "headers", "body_gz", "fetched_at")
        pages.execute(f"SELECT {', '.join(columns)} FROM raw.pages WHERE {of_the_run} ORDER BY page_id", which)
        for values in pages:
            page = dict(zip(columns, values))
            outcome = _clean_page(run_id, page)
            if outcome is None:
                counts["skipped_non_article_urls"] += 1
                continue
            counts["pages"] += 1
            if outcome[0] == "staged":
                staged.append((page, outcome[1]))
            else:
                rejects.append((page, outcome[1], outcome[2]))
            if len(staged) >= BATCH_ROWS:
                counts["staged"] += flush_staged(out, staged, rejects, execute_values)
            if len(rejects) >= BATCH_ROWS:
                counts["rejected"] += _flush_rejects(out, run_id, rejects, execute_values)
        pages.close()
        counts["staged"] += flush_staged(out, staged, rejects, execute_values)
        counts["rejected"] += _flush_rejects(out, run_id, rejects, execute_values)
    log.info("clean %s%s: %s", run_id, f" ({source})" if source else "", counts)
    return counts


def _row_errors():
    """What storing one staged row can raise for that row's sake (not the connection's): a value PostgreSQL
    refuses, client-side (a NUL) or server-side (a constraint, an index entry over its size limit)."""
    import psycopg2
    from psycopg2 import errors

    return ValueError, psycopg2.DataError, psycopg2.IntegrityError, errors.ProgramLimitExceeded


def flush_staged(cur, staged: list, rejects: list, execute_values) -> int:
    """Insert the staged rows in one statement; if PostgreSQL refuses one, insert them one by one and turn each
    refused row into a reject naming its page. Returns the rows staged."""
    insert = f"INSERT INTO staging.articles ({STAGING_COLUMNS}) VALUES %s"
    rows = [row for _, row in staged]
    n = 0
    if rows:
        cur.execute("SAVEPOINT staged_batch")
        try:
            execute_values(cur, insert, rows)
            n = len(rows)
        except _row_errors():
            cur.execute("ROLLBACK TO SAVEPOINT staged_batch")
            for page, row in staged:
                cur.execute("SAVEPOINT staged_row")
                try:
                    execute_values(cur, insert, [row])
                    cur.execute("RELEASE SAVEPOINT staged_row")  # a long run of subtransactions slows snapshots
                    n += 1
                except _row_errors() as exc:
                    cur.execute("ROLLBACK TO SAVEPOINT staged_row; RELEASE SAVEPOINT staged_row")
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    rejects.append((page, "parse_error",
                                    f"page {page['page_id']}: PostgreSQL refused the row: {first}"))
        cur.execute("RELEASE SAVEPOINT staged_batch")
    staged.clear()
    return n


def _flush_rejects(cur, run_id: str, rejects: list, execute_values) -> int:
    n = len(rejects)
    if rejects:
        execute_values(
            cur,
            """INSERT INTO core.rejects (run_id, source, url, stage, reason, detail, occurred_at, page_id) VALUES %s
               ON CONFLICT (run_id, url, stage) DO UPDATE SET reason = EXCLUDED.reason, detail = EXCLUDED.detail,
                   page_id = EXCLUDED.page_id""",
            [(run_id, p["source"], p["url"], "extract", reason, detail, p["fetched_at"], p["page_id"])
             for p, reason, detail in rejects],
        )
        rejects.clear()
    return n


# The load's statements in sql/stages/, in the order they must run: a replaced version is copied to history
# (load_versions) before the row takes the new content (load_updates).
LOAD_STATEMENTS = ("load_new", "load_versions", "load_updates", "load_duplicates")


def dedupe_run(db_url: str, run_id: str) -> dict:
    """Decide new / updated / duplicate for each staged article of the run."""
    with transaction(db_url) as (conn, cur):
        # Fresh statistics for the rows the cleans just wrote: planned on a staging table it believes empty,
        # dedupe and load nest-loop over core.articles, a cost that grows with the run instead of staying
        # seconds. Once here, after all of the run's cleans, rather than in each source's: ANALYZE's lock
        # conflicts with itself, so fifteen cleans would queue behind one another's. Committed at once, so a
        # concurrent run's dedupe does not wait for this one to finish.
        cur.execute("ANALYZE staging.articles")
        conn.commit()
        cur.execute(stage_sql("dedupe"), {"run": run_id})
        cur.execute("SELECT action, count(*) FROM staging.articles WHERE run_id = %s GROUP BY action", (run_id,))
        counts = dict(cur.fetchall())
    log.info("dedupe %s: %s", run_id, counts)
    return counts


def load_run(db_url: str, run_id: str, window_start: datetime, window_end: datetime, *,
             reprocess: bool = False) -> dict:
    """Upsert the run's decided articles into core and record this load's per-source stats, in one transaction.
    The stats are a new entry, of kind `run` (the run's first load), `rerun` (a later one by the DAG) or
    `reprocess`."""
    # Imported here: transforms.stories loads numpy and datasketch, which dedupe, check and purge do without.
    from transforms.stories import assign_stories, lock_stories

    with transaction(db_url) as (_, cur):
        # Loads take turns (see transforms/stories.py): taken first, so every statement after it sees
        # what a concurrent load committed before this one got the lock.
        lock_stories(cur)
        cur.execute("SELECT coalesce(max(load_number), 0) + 1 FROM core.run_source_stats WHERE run_id = %s",
                    (run_id,))
        load = cur.fetchone()[0]
        kind = "reprocess" if reprocess else "run" if load == 1 else "rerun"
        params = {"run": run_id, "start": window_start, "end": window_end, "load": load, "kind": kind}
        cur.execute(stage_sql("dedupe"), params)  # again: what a load that held the lock before this one stored counts
        clusters = assign_stories(cur, run_id)  # first: the inserts take their stories from it
        for statement in LOAD_STATEMENTS:
            cur.execute(stage_sql(statement), params)
        cur.execute(stage_sql("run_source_stats"), params)
        _record_drift(cur, run_id, load)
        cur.execute(
            """SELECT source, articles_new, articles_updated, articles_duplicate, rejected
               FROM core.run_source_stats WHERE run_id = %s AND load_number = %s ORDER BY source""",
            (run_id, load),
        )
        stats = {row[0]: dict(zip(("new", "updated", "duplicate", "rejected"), row[1:])) for row in cur}
    log.info("load %s (#%d, %s): %s; stories: %s", run_id, load, kind, stats, clusters)
    return stats


def loaded_days(db_url: str, run_id: str) -> list[str]:
    """The publication days (ISO dates) a run's load touched (sql/stages/loaded_days.sql)."""
    with transaction(db_url) as (_, cur):
        cur.execute(stage_sql("loaded_days"), {"run": run_id})
        return [day.isoformat() for (day,) in cur.fetchall()]


def summarise_days(db_url: str, days: list[str], run_id: str) -> int:
    """Rebuild api.daily_source_summary for `days` (ISO dates), in one transaction; the rows written."""
    with transaction(db_url) as (_, cur):
        cur.execute("DELETE FROM api.daily_source_summary WHERE day = ANY(%s::date[])", (days,))
        cur.execute(stage_sql("daily_summary"), {"days": days, "run": run_id})
        written = cur.rowcount
    log.info("daily summary %s: %d rows over %d days", run_id, written, len(days))
    return written


def _profile(source: str) -> dict:
    """The source's profile, or {} for a source no longer profiled (its pages are already rejects)."""
    from sources import load_profile

    try:
        return load_profile(source)
    except KeyError:
        return {}


def _record_drift(cur, run_id: str, load: int) -> None:
    """Writes the layout drift of each source's entry of this load (transforms/drift.py)."""
    from transforms.drift import layout_drift

    cur.execute("""SELECT source, field_methods, articles_new + articles_updated + articles_duplicate
                   FROM core.run_source_stats WHERE run_id = %s AND load_number = %s""", (run_id, load))
    for source, methods, articles in cur.fetchall():
        drift = layout_drift(source, _profile(source), methods, articles)
        if drift:
            cur.execute("UPDATE core.run_source_stats SET drift = %s WHERE run_id = %s AND load_number = %s "
                        "AND source = %s", (drift, run_id, load, source))


def check_run(db_url: str, run_id: str) -> dict:
    """Fail loudly when the run's output is not trustworthy; return the figures it judged.

    Per source, a crawl that did not finish (killed, timed out, or stopped because its pages could not be
    landed), a crawl that landed fewer pages than it fetched, and pages fetched with no article stored each
    fail the run; so does a reject share above BANTIN_MAX_REJECT_SHARE. Layout drift is logged as a warning,
    and fails the run for a profile that sets `layout_drift: fail`."""
    with transaction(db_url) as (_, cur):
        cur.execute(stage_sql("check_run_stats"), {"run": run_id})
        rows = cur.fetchall()
        cur.execute(stage_sql("check_run_crawls"), {"run": run_id})
        crawls = cur.fetchall()
    # BANTIN_MAX_REJECT_SHARE (default half): a run rejecting more than this share of its attempts is failing,
    # not unlucky. A normal hour loses a few dead links, while a site redesign or a block pushes extraction or
    # fetch failures toward 100%; half sits far from both.
    limit = settings.get("BANTIN_MAX_REJECT_SHARE")
    problems = []
    if not crawls:
        problems.append("no crawl recorded for this run: the crawl tasks did not reach the warehouse")
    for source, finished, reason, received, landed in crawls:
        if not finished:
            problems.append(f"{source}: its crawl did not finish (killed, or it ended while the warehouse was "
                            "unreachable): re-run crawl_" + source)
        elif reason != "finished":
            problems.append(f"{source}: its crawl ended '{reason}', not 'finished'")
        if landed < received:
            problems.append(f"{source}: {received - landed} of {received} fetched pages were not landed")
    fetched = sum(r[1] for r in rows)
    attempts = sum(r[1] + r[2] for r in rows)
    stored = sum(r[3] for r in rows)
    rejected = sum(r[4] for r in rows)
    if attempts and rejected / attempts > limit:
        problems.append(f"rejected {rejected} of {attempts} attempts ({rejected / attempts:.0%} > {limit:.0%})")
    crawled = {c[0] for c in crawls}
    for source, pages, failures, source_stored, source_rejected, reasons, drift in rows:
        for warning in drift:
            # A warning unless the profile says `layout_drift: fail`: the articles still loaded, from fallbacks.
            log.warning("layout drift: %s", warning)
            if _profile(source).get("layout_drift") == "fail":
                problems.append(f"layout drift: {warning}")
        tries = pages + failures
        # Judged per source that crawled in this run: a page of a source no longer profiled is already a reject.
        if source in crawled and pages > 0 and source_stored == 0:
            problems.append(f"{source}: fetched {pages} article pages but stored no article; reasons {reasons}")
        elif tries >= MIN_ATTEMPTS_PER_SOURCE and source_rejected / tries > limit:
            problems.append(f"{source}: rejected {source_rejected} of {tries} attempts; reasons {reasons}")
    summary = {"run_id": run_id, "fetched": fetched, "stored": stored, "rejected": rejected, "attempts": attempts}
    if problems:
        raise RunCheckFailed(f"run {run_id} failed its checks: " + "; ".join(problems))
    return summary


def retention_days() -> int:
    """Raw pages are the replay log for reprocessing; the default 30 days covers a month of fixes at a few GB
    per source."""
    return settings.get("BANTIN_RAW_RETENTION_DAYS")


def purge_raw(db_url: str, reference: datetime, days: int | None = None) -> dict:
    """Delete what a run leaves behind once it is older than `days` before `reference` (the run's data interval
    end): raw pages and fetch failures, the staged rows cleaned from them and their rejects. Articles, their
    versions, the crawls and the run statistics stay. Returns the rows deleted, per table."""
    cutoff = reference - timedelta(days=retention_days() if days is None else days)
    deleted = {}
    with transaction(db_url) as (_, cur):
        for table, column in (("raw.pages", "fetched_at"), ("raw.fetch_failures", "failed_at"),
                              ("staging.articles", "fetched_at"), ("core.rejects", "occurred_at")):
            cur.execute(f"DELETE FROM {table} WHERE {column} < %s", (cutoff,))
            deleted[table] = cur.rowcount
    log.info("purged rows older than %s: %s", cutoff.isoformat(), deleted)
    return deleted
