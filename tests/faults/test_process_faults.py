"""Faults of the machinery: the database stopped mid-crawl and mid-load, a crawler killed, runs racing.

Injected for real: `pg_ctl stop -m immediate` on the embedded server, SIGKILL to the `scrapy crawl` process,
two loads in two threads."""
from __future__ import annotations

import os
import signal
import threading
import time
from datetime import datetime

import psutil
import pytest
from fault_harness import (
    EMBEDDED_ONLY,
    VN,
    WINDOW,
    duplicate_rows,
    lost,
    pg_outage,
    pg_start,
    pg_stop,
    rerun_three_times,
    run_pass,
    window_articles,
)
from fault_server import Page
from helpers import query

from transforms import stages
from transforms.stories import STORY_LOCK

# Two days of the replay's bienphong schedule: about 290 articles, so a fault lands in the middle of a crawl.
BIG_WINDOW = (datetime(2026, 3, 5, 12, tzinfo=VN), datetime(2026, 3, 7, 12, tzinfo=VN))
embedded = pytest.mark.skipif(bool(os.environ.get("BANTIN_DATABASE_URL")), reason=EMBEDDED_ONLY)


def _retry_after_a_loud_crawl(ledger, db, server, fault, expected, first, loud, run_id, window=None):
    """The crawl failed loudly (`loud`); Airflow retries the task: the retry must land everything."""
    retry = run_pass(db, server, run_id, window or WINDOW)
    articles = window_articles(server, window or WINDOW)
    missing = lost(db, articles)
    observed = (f"crawl {'exited 1' if loud else first.errors or 'passed'}; the retry "
                f"{'passed' if not retry.errors else retry.errors}; {len(articles) - len(missing)} of "
                f"{len(articles)} articles stored")
    _record(ledger, db, server, fault, expected, observed, loud and not retry.errors, run_id, window, missing)


def _record(ledger, db, server, fault, expected, observed, ok, run_id, window, lost_urls):
    """Re-run three times, record the row, then assert what every fault asserts."""
    again = rerun_three_times(db, server, run_id, window or WINDOW)
    ledger.record(fault, expected, observed + (f"; re-runs failed: {again.errors[0]}" if again.errors else ""),
                  survived=ok and not lost_urls and not again.errors and not again.rows_added
                  and not again.duplicates, lost=len(lost_urls), duplicates=again.rows_added + again.duplicates)
    assert ok, f"{fault}: {observed}"
    assert not lost_urls, f"{fault}: valid articles lost: {lost_urls[:5]} ({len(lost_urls)})"
    assert not again.errors, f"{fault}: re-runs failed: {again.errors}"
    assert again.rows_added == 0 and again.duplicates == 0, f"{fault}: re-runs added {again}"


@embedded
def test_database_restarted_mid_crawl(fresh_db, fault_server, ledger):
    expected = window_articles(fault_server, BIG_WINDOW)
    outages = []
    fault_server.on_article = lambda n: outages.append(pg_outage(2.0)) if n == 100 else None
    first = run_pass(fresh_db, fault_server, "scheduled__blip", BIG_WINDOW)
    for thread in outages:
        thread.join()
    missing = lost(fresh_db, expected)
    crawl = query(fresh_db, "SELECT finish_reason, pages_received, pages_landed FROM raw.crawls")
    ok = bool(outages) and not first.errors and crawl[0][1] == crawl[0][2]
    observed = (f"{'no outage happened' if not outages else 'landing reconnected'}; crawl {crawl}; "
                f"{len(expected) - len(missing)} of {len(expected)} articles stored; "
                + (f"failed: {first.errors}" if first.errors else "every step passed"))
    _record(ledger, fresh_db, fault_server, "PostgreSQL restarted (2 s) during a crawl",
            "landing reconnects with backoff: nothing lost, the run passes", observed, ok, "scheduled__blip",
            BIG_WINDOW, missing)


@embedded
def test_database_down_past_the_landing_retries(fresh_db, fault_server, ledger):
    outages = []
    fault_server.on_article = lambda n: outages.append(pg_outage(8.0)) if n == 50 else None
    first = run_pass(fresh_db, fault_server, "scheduled__outage", BIG_WINDOW,
                     env={"BANTIN_LANDING_RETRY_SECONDS": "2"})
    for thread in outages:
        thread.join()
    fault_server.on_article = None
    loud = first.failed == "crawl" and "exited with status 1" in first.errors["crawl"]
    _retry_after_a_loud_crawl(ledger, fresh_db, fault_server, "PostgreSQL down (8 s) past the landing retries (2 s)",
                              "the crawl stops and exits 1 (the task fails); its retry lands everything", first,
                              loud, "scheduled__outage", BIG_WINDOW)


@embedded
def test_database_down_when_the_crawl_starts(fresh_db, fault_server, ledger):
    pg_stop()
    try:
        first = run_pass(fresh_db, fault_server, "scheduled__down", env={"BANTIN_LANDING_RETRY_SECONDS": "2"})
    finally:
        pg_start()
    loud = (first.failed == "crawl" and "status 1" in first.errors["crawl"]
            and "database stayed unreachable" in first.errors["crawl"])
    _retry_after_a_loud_crawl(ledger, fresh_db, fault_server, "PostgreSQL down when a crawl starts",
                              "the crawl exits 1 naming the database; its retry lands everything", first, loud,
                              "scheduled__down")


def _kill_crawl_at(n_articles: int, run_id: str):
    def on_article(n: int) -> None:
        if n != n_articles:
            return
        for proc in psutil.Process().children(recursive=True):
            try:
                if "scrapy" in proc.cmdline() and f"run_id={run_id}" in proc.cmdline():
                    proc.send_signal(signal.SIGKILL)
            except psutil.Error:  # a child that ended (or is a zombie) meanwhile is not the crawl
                continue

    return on_article


def test_crawler_killed_mid_crawl(fresh_db, fault_server, ledger):
    expected = window_articles(fault_server, BIG_WINDOW)
    fault_server.on_article = _kill_crawl_at(45, "scheduled__killed")
    # An operator (or a trigger rule) runs the later steps anyway: check must see the crawl did not finish.
    first = run_pass(fresh_db, fault_server, "scheduled__killed", BIG_WINDOW, keep_going=True)
    fault_server.on_article = None
    killed = "exited with status -9" in first.errors.get("crawl", "")
    caught = "did not finish" in first.errors.get("check", "")
    retry = run_pass(fresh_db, fault_server, "scheduled__killed", BIG_WINDOW)
    missing = lost(fresh_db, expected)
    observed = (f"crawl {'killed (-9)' if killed else first.errors.get('crawl', 'not killed')}; check "
                f"{'failed: crawl did not finish' if caught else first.errors.get('check', 'passed')}; retry "
                f"{'passed' if not retry.errors else retry.errors}; {len(expected) - len(missing)} of "
                f"{len(expected)} stored")
    _record(ledger, fresh_db, fault_server, "crawler SIGKILLed at 45 of ~290 pages",
            "check fails the source (crawl did not finish); the retry lands everything", observed,
            killed and caught and not retry.errors, "scheduled__killed", BIG_WINDOW, missing)


def test_database_refuses_one_landed_page(fresh_db, fault_server, ledger):
    """Pages land in batches, one transaction each: a row the database refuses must cost that page alone."""
    expected = window_articles(fault_server, BIG_WINDOW)
    poison = expected[40]
    run_id = "scheduled__refused"
    # A trigger of this test's own database refuses one page, as a constraint or a full disk would.
    query(fresh_db, """CREATE FUNCTION fault_refuse() RETURNS trigger LANGUAGE plpgsql AS
                       $$ BEGIN RAISE EXCEPTION 'fault: refused %', NEW.url; END $$;
                       CREATE TRIGGER refuse BEFORE INSERT ON raw.pages FOR EACH ROW
                       WHEN (NEW.url = '""" + poison + "') EXECUTE FUNCTION fault_refuse()")
    first = run_pass(fresh_db, fault_server, run_id, BIG_WINDOW, keep_going=True)
    query(fresh_db, "DROP TRIGGER refuse ON raw.pages; DROP FUNCTION fault_refuse()")
    received, landed = query(fresh_db, "SELECT pages_received, pages_landed FROM raw.crawls WHERE run_id = %s",
                             (run_id,))[0]
    others_stored = not lost(fresh_db, [u for u in expected if u != poison])
    caught = "1 of" in first.errors.get("check", "") and "were not landed" in first.errors.get("check", "")
    retry = run_pass(fresh_db, fault_server, run_id, BIG_WINDOW)  # the database fixed, Airflow's retry
    missing = lost(fresh_db, expected)
    loud = "exited with status 1" in first.errors.get("crawl", "")
    observed = (f"crawl {'exited 1' if loud else first.errors.get('crawl', 'passed')}; landed {landed} of "
                f"{received}; the other "
                f"{len(expected) - 1} articles {'stored' if others_stored else 'not all stored'}; check "
                f"{'failed: 1 page not landed' if caught else first.errors.get('check', 'passed')}; retry "
                f"{'passed' if not retry.errors else retry.errors}; {len(expected) - len(missing)} of "
                f"{len(expected)} stored")
    _record(ledger, fresh_db, fault_server, "PostgreSQL refuses one landed page of ~290",
            "only that page is not landed (its batch's others are); the crawl exits 1 and the check fails on it; the "
            "retry lands everything", observed, loud and received - landed == 1 and others_stored
            and caught and not retry.errors, run_id, BIG_WINDOW, missing)


@embedded
def test_database_stopped_mid_load(fresh_db, fault_server, ledger):
    expected = window_articles(fault_server)
    run_id = "scheduled__midload"
    first = run_pass(fresh_db, fault_server, run_id)
    assert not first.errors, first.errors
    # As if this run had not loaded yet.
    query(fresh_db, "TRUNCATE core.articles, core.article_signatures, core.article_bands, core.run_source_stats "
                    "CASCADE")
    # The load is caught after it inserted the articles, inside its transaction, when the server dies: a trigger
    # of this test's own database holds it there.
    query(fresh_db, """CREATE FUNCTION fault_hold() RETURNS trigger LANGUAGE plpgsql AS
                       $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$;
                       CREATE TRIGGER hold AFTER INSERT ON core.articles FOR EACH STATEMENT
                       EXECUTE FUNCTION fault_hold()""")
    failure: list[BaseException] = []

    def load():
        try:
            stages.load_run(fresh_db, run_id, *WINDOW)
        except BaseException as exc:  # judged below
            failure.append(exc)

    thread = threading.Thread(target=load)
    thread.start()
    _await(lambda: query(fresh_db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND wait_event = 'PgSleep'")[0][0] == 1, seconds=60)
    pg_stop()
    thread.join(timeout=60)
    pg_start()
    query(fresh_db, "DROP TRIGGER hold ON core.articles; DROP FUNCTION fault_hold()")
    message = f"{type(failure[0]).__name__}: {failure[0]}" if failure else "the load did not fail"
    named = bool(failure) and "connection already closed" not in message and "InterfaceError" not in message
    rolled_back = query(fresh_db, "SELECT count(*) FROM core.articles")[0][0] == 0
    retry = run_pass(fresh_db, fault_server, run_id, crawl=False)  # the load task's retry (from clean)
    missing = lost(fresh_db, expected)
    observed = (f"load failed with '{message.splitlines()[0][:120]}'; its inserts "
                f"{'rolled back' if rolled_back else 'were kept'}; retry "
                f"{'passed' if not retry.errors else retry.errors}; {len(expected) - len(missing)} of "
                f"{len(expected)} stored")
    _record(ledger, fresh_db, fault_server, "PostgreSQL stopped in the middle of a load (rows inserted)",
            "the load fails naming the lost connection (not 'connection already closed') and rolls back; its "
            "retry loads everything", observed, named and rolled_back and not retry.errors, run_id, None, missing)


def _waiting_for_the_story_lock(db: str) -> int:
    """Sessions of this database queued for the loaders' lock (a bigint advisory key: its low 32 bits in objid)."""
    return query(db, """SELECT count(*) FROM pg_locks
                        WHERE locktype = 'advisory' AND NOT granted AND objid = %s
                          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
                 (STORY_LOCK & 0xFFFFFFFF,))[0][0]


def _await(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_two_loads_at_once_share_articles(fresh_db, fault_server, ledger):
    """A scheduled run and a backfill of the same hour, both deduped before either loads (each saw the articles
    as new), then loaded at once; the backfill fetched later, and five titles changed in between."""
    import psycopg2

    expected = window_articles(fault_server)
    a, b = "scheduled__race", "backfill__race"
    first = run_pass(fresh_db, fault_server, a)
    query(fresh_db, "TRUNCATE core.articles, core.article_signatures, core.article_bands, core.run_source_stats "
                    "CASCADE")
    changed = expected[:5]
    for url in changed:
        page = fault_server.page(fault_server.path(url))
        fault_server.faults[fault_server.path(url)] = Page(
            lambda _, page=page: page.replace(b"</h1>", " (cập nhật)</h1>".encode(), 1))
    second = run_pass(fresh_db, fault_server, b)
    assert not first.errors and not second.errors, (first.errors, second.errors)
    query(fresh_db, "TRUNCATE core.articles, core.article_signatures, core.article_bands, core.run_source_stats "
                    "CASCADE")
    # Both loads queue behind a held story lock, in order (PostgreSQL grants it first come, first served).
    blocker = psycopg2.connect(fresh_db)
    blocker.cursor().execute("SELECT pg_advisory_lock(%s)", (STORY_LOCK,))
    errors: list[str] = []

    def load(run_id):
        try:
            stages.load_run(fresh_db, run_id, *WINDOW)
        except Exception as exc:  # judged below
            errors.append(f"{run_id}: {exc}")

    threads = []
    for n, run_id in enumerate((a, b), 1):
        threads.append(threading.Thread(target=load, args=(run_id,)))
        threads[-1].start()
        _await(lambda n=n: _waiting_for_the_story_lock(fresh_db) == n)
    blocker.close()
    for t in threads:
        t.join()
    new = query(fresh_db, "SELECT coalesce(sum(articles_new), 0) FROM api.run_stats")[0][0]
    titles = dict(query(fresh_db, "SELECT url, title FROM api.articles"))
    applied = sum(1 for url in changed if titles.get(url, "").endswith("(cập nhật)"))
    versions = query(fresh_db, "SELECT count(*) FROM core.article_versions")[0][0]
    missing = lost(fresh_db, expected)
    ok = not errors and new == len(titles) and applied == versions == len(changed)
    observed = (f"{new} counted new for {len(titles)} rows; {applied} of {len(changed)} changed titles applied, "
                f"{versions} versions kept" + (f"; errors {errors}" if errors else ""))
    _record(ledger, fresh_db, fault_server, "two loads at once, of runs sharing their articles",
            "each article counted new once; the later fetch's changed titles applied, the old ones kept as versions",
            observed, ok, a, None, missing)


def test_backfill_alongside_scheduled_run(fresh_db, fault_server, ledger):
    """A backfill run of the hour crawls and loads while the scheduled run of the same hour does."""
    expected = window_articles(fault_server)
    results = {}

    def run(run_id):
        results[run_id] = run_pass(fresh_db, fault_server, run_id)

    threads = [threading.Thread(target=run, args=(r,)) for r in ("scheduled__same_hour", "backfill__same_hour")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = {r: p.errors for r, p in results.items() if p.errors}
    new = query(fresh_db, "SELECT coalesce(sum(articles_new), 0) FROM api.run_stats")[0][0]
    rows = query(fresh_db, "SELECT count(*) FROM api.articles")[0][0]
    missing = lost(fresh_db, expected)
    observed = f"{rows} rows, {new} counted new, {duplicate_rows(fresh_db)} duplicates" + (
        f"; errors {errors}" if errors else "; both runs passed")
    _record(ledger, fresh_db, fault_server, "a backfill run of an hour alongside its scheduled run",
            "both pass; every article once, counted new once", observed,
            not errors and new == rows == len(expected), "scheduled__same_hour", None, missing)
