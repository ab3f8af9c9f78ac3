"""`bantin backfill`: a backfill of whole news days through news_backfill, newest day first, as one command.

Airflow's own CLI creates the backfill (`airflow backfill create`) and the running scheduler executes it; this
unpauses the DAG first (the scheduler runs no task of a paused DAG), then follows the backfill's runs in
Airflow's metadata database until they are all done, and pauses the DAG again."""
from __future__ import annotations

import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta
from typing import NamedTuple

DAG_ID = "news_backfill"
# Between progress reads: a day's run takes minutes, so a read every few seconds shows each one finish
# without loading the metadata database.
POLL_SECONDS = 5
# `make run` parses the DAGs within a minute of starting; a DAG still unknown after that is not coming.
PARSE_WAIT_SECONDS = 120

# Per backfill: its days, how many have a run that succeeded or failed, and the failed runs' ids. A day that
# already had a run is in backfill_dag_run with no run of its own (exception_reason 'already exists').
_PROGRESS_SQL = """
SELECT b.id, b.dag_id, count(*),
       count(*) FILTER (WHERE dr.state = 'success'),
       count(*) FILTER (WHERE dr.state = 'failed'),
       count(*) FILTER (WHERE bdr.dag_run_id IS NULL),
       coalesce(array_agg(dr.run_id ORDER BY dr.run_id) FILTER (WHERE dr.state = 'failed'), '{}'),
       b.completed_at IS NOT NULL
  FROM backfill b JOIN backfill_dag_run bdr ON bdr.backfill_id = b.id
  LEFT JOIN dag_run dr ON dr.id = bdr.dag_run_id
 WHERE %(where)s
 GROUP BY b.id ORDER BY b.id"""


class Progress(NamedTuple):
    id: int
    dag_id: str
    days: int
    succeeded: int
    failed: int
    skipped: int
    failed_runs: list[str]
    completed: bool

    def line(self) -> str:
        state = "done" if self.completed else "running"
        return (f"backfill {self.id} of {self.dag_id} ({state}): {self.succeeded + self.failed} of "
                f"{self.days - self.skipped} runs done ({self.succeeded} succeeded, {self.failed} failed)"
                + (f", {self.skipped} days already run" if self.skipped else ""))


def progress(env: dict, backfill_id: int | None = None) -> list[Progress]:
    """One backfill's progress; without `backfill_id`, every running backfill's and the latest one's."""
    where = "b.id = %s" if backfill_id else "b.completed_at IS NULL OR b.id = (SELECT max(id) FROM backfill)"
    with _metadata(env) as conn, conn, conn.cursor() as cur:
        cur.execute(_PROGRESS_SQL.replace("%(where)s", where), (backfill_id,) if backfill_id else ())
        return [Progress(*row) for row in cur.fetchall()]


class BackfillError(ValueError):
    """Airflow refused the backfill (its message says why): a one-line error for the operator, as a bad value is."""


def days_window(days: int | None, since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The news days [since, until) to backfill: explicit, or the `days` full days before `today`."""
    until = until or today
    since = since or until - timedelta(days=days or 0)
    if since >= until:
        raise ValueError(f"no day to backfill: {since} is not before {until}")
    return since, until


def _airflow(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(_airflow_bin()), *args], env=env, capture_output=True, text=True)


def _airflow_bin():
    from pathlib import Path

    return Path(sys.executable).with_name("airflow")


def _metadata(env: dict):
    from warehouse import db

    # The metadata URL is SQLAlchemy's (postgresql+psycopg2://...); libpq wants the plain scheme.
    return closing(db.connect("postgresql://" + env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].split("://", 1)[1]))


def _unpause(env: dict) -> None:
    deadline = time.monotonic() + PARSE_WAIT_SECONDS
    while (done := _airflow(env, "dags", "unpause", DAG_ID)).returncode:
        if time.monotonic() > deadline:
            raise BackfillError(f"cannot unpause {DAG_ID} (is `make run` up?): "
                                f"{(done.stderr or done.stdout).strip().splitlines()[-1:]}")
        time.sleep(POLL_SECONDS)


def backfill(env: dict, since: date, until: date, *, max_active_runs: int, reprocess_failed: bool = False,
             follow: bool = True, out=sys.stdout) -> int:
    """Backfill the news days [since, until), newest first; with `follow`, wait for it and report its runs.
    Returns 0 when every day's run succeeded, 1 when one failed."""
    _unpause(env)
    # Logical dates are the days' starts in Vietnam time, and --to-date is inclusive.
    created = _airflow(env, "backfill", "create", "--dag-id", DAG_ID, "--run-backwards",
                       "--max-active-runs", str(max_active_runs),
                       "--from-date", f"{since.isoformat()}T00:00:00+07:00",
                       "--to-date", f"{(until - timedelta(days=1)).isoformat()}T00:00:00+07:00",
                       *(["--reprocess-behavior", "failed"] if reprocess_failed else []))
    if created.returncode:
        lines = (created.stderr or created.stdout).strip().splitlines()
        raise BackfillError(lines[-1] if lines else f"airflow backfill create exited {created.returncode}")
    with _metadata(env) as conn, conn, conn.cursor() as cur:
        cur.execute("SELECT max(id) FROM backfill WHERE dag_id = %s", (DAG_ID,))
        (backfill_id,) = cur.fetchone()
    print(f"backfill {backfill_id} of {DAG_ID}: news days {since} to {until - timedelta(days=1)}, newest first, "
          f"{max_active_runs} at a time", file=out, flush=True)
    if not follow:
        return 0
    last = None
    while True:
        (now,) = progress(env, backfill_id)
        if now.line() != last:
            print(now.line(), file=out, flush=True)
            last = now.line()
        if now.completed:
            break
        time.sleep(POLL_SECONDS)
    # Paused again, so it does not crawl every new day the hourly runs crawl.
    _airflow(env, "dags", "pause", DAG_ID)
    if now.failed:
        print(f"backfill {backfill_id}: failed runs {', '.join(now.failed_runs)}: clear them in the UI, or "
              "backfill again with --reprocess-failed", file=out, flush=True)
        return 1
    return 0
