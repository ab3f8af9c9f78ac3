"""`bantin backfill`: a backfill of whole news days through news_backfill, newest day first, as one command.

Airflow's own CLI creates the backfill (`airflow backfill create`) and the running scheduler executes it; this
creates it while the DAG is still paused, then unpauses the DAG (the scheduler runs no task of a paused DAG),
follows the runs in Airflow's metadata database until none is left running, and pauses the DAG again."""
from __future__ import annotations

import subprocess
import sys
import time
from contextlib import closing
from datetime import date, datetime, timedelta
from datetime import time as midnight
from typing import NamedTuple

from sources.dates import VN_TZ

DAG_ID = "news_backfill"
# Between progress reads: a day's run takes a minute or more, so a read every few seconds shows each one finish
# without loading the metadata database.
POLL_SECONDS = 5
# `make run` parses the DAGs within a minute of starting; a DAG still unknown after that is not coming.
PARSE_WAIT_SECONDS = 120
# Airflow's own verdict on a scheduler ([scheduler] scheduler_health_check_threshold): one whose heartbeat is
# older than this is dead, and a backfill then waits for `make run`.
SCHEDULER_SILENT_SECONDS = 30

# Per backfill: its days; how many have a run of their own that succeeded or failed, and the failed runs'
# ids; how many it left to a run that already existed (exception_reason 'already exists' or 'in flight').
# LEFT JOINs: Airflow commits the backfill row before its days, so a fresh one may have none yet.
_PROGRESS_SQL = """
SELECT b.id, b.dag_id, count(bdr.id),
       count(*) FILTER (WHERE dr.state = 'success'),
       count(*) FILTER (WHERE dr.state = 'failed'),
       count(*) FILTER (WHERE bdr.id IS NOT NULL AND bdr.dag_run_id IS NULL),
       coalesce(array_agg(dr.run_id ORDER BY dr.run_id) FILTER (WHERE dr.state = 'failed'), ARRAY[]::text[]),
       b.completed_at IS NOT NULL
  FROM backfill b LEFT JOIN backfill_dag_run bdr ON bdr.backfill_id = b.id
  LEFT JOIN dag_run dr ON dr.id = bdr.dag_run_id
 WHERE {where}
 GROUP BY b.id ORDER BY b.id"""
_ONE = "b.id = %s"
_RUNNING_AND_LATEST = "b.completed_at IS NULL OR b.id = (SELECT max(id) FROM backfill)"


class BackfillError(RuntimeError):
    """Airflow refused the backfill, or cannot run it; the message says why."""


class Progress(NamedTuple):
    id: int
    dag_id: str
    days: int
    succeeded: int
    failed: int
    others: int
    failed_runs: list[str]
    completed: bool

    def line(self) -> str:
        state = "done" if self.completed else "running"
        return (f"backfill {self.id} of {self.dag_id} ({state}): {self.succeeded + self.failed} of "
                f"{self.days - self.others} runs done ({self.succeeded} succeeded, {self.failed} failed)"
                + (f"; days left to runs that already existed: {self.others}" if self.others else ""))


def days_window(days: int | None, since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The news days [since, until) to backfill: `days` full days before `today`, or from `since`."""
    if days is not None and since is not None:
        raise ValueError("give --days or --since, not both")
    until = until or today
    since = since or until - timedelta(days=days or 0)
    if since >= until:
        raise ValueError(f"no day to backfill: {since} is not before {until}")
    return since, until


def _metadata():
    from warehouse import db

    # Read only: the same server's metadata database, never created here (airflow_env() would create it).
    return closing(db.connect(db.with_database(db.server_url(), db.AIRFLOW_DB)))


def _rows(sql: str, params=()) -> list[tuple]:
    with _metadata() as conn, conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def progress(backfill_id: int | None = None) -> list[Progress]:
    """One backfill's progress; without `backfill_id`, every running backfill's and the latest one's."""
    where, params = (_ONE, (backfill_id,)) if backfill_id else (_RUNNING_AND_LATEST, ())
    return [Progress(*row) for row in _rows(_PROGRESS_SQL.format(where=where), params)]


def _scheduler_alive() -> bool:
    return bool(_rows("SELECT 1 FROM job WHERE job_type = 'SchedulerJob' AND state = 'running' AND "
                      "latest_heartbeat > now() - make_interval(secs => %s)", (SCHEDULER_SILENT_SECONDS,)))


def _busy_runs() -> list[str]:
    """The DAG's runs queued or running, the backfill's and any other (a scheduled one)."""
    return [r for (r,) in _rows("SELECT run_id FROM dag_run WHERE dag_id = %s AND state IN ('queued', 'running')",
                                (DAG_ID,))]


def _airflow(env: dict, *args: str) -> subprocess.CompletedProcess:
    from bantin.stack import _airflow_bin

    return subprocess.run([_airflow_bin(), *args], env=env, capture_output=True, text=True)


def _message(done: subprocess.CompletedProcess) -> str:
    # Airflow prints a refusal on stdout (`Warning: No runs to create ...`) or raises it (the last line of the
    # traceback on stderr); its INFO log lines go to stderr too, so the refusal is looked for, not taken last.
    lines = [line.strip() for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()]
    told = [line for line in lines if "Warning:" in line or "Error" in line or "Exception" in line]
    return (told or lines or [f"exit status {done.returncode}"])[-1]


def _pause(env: dict, pause: bool) -> None:
    done = _airflow(env, "dags", "pause" if pause else "unpause", DAG_ID)
    if done.returncode:
        raise BackfillError(f"cannot {'pause' if pause else 'unpause'} {DAG_ID}: {_message(done)}")


def _start(day: date) -> str:
    return datetime.combine(day, midnight(), VN_TZ).isoformat()


def backfill(env: dict, since: date, until: date, *, max_active_runs: int, reprocess_failed: bool = False,
             follow: bool = True, out=sys.stdout) -> int:
    """Backfill the news days [since, until), newest first; with `follow`, wait for it and report its runs.
    Returns 0 when every day's run succeeded, 1 when one failed."""
    deadline = time.monotonic() + PARSE_WAIT_SECONDS
    while not _rows("SELECT 1 FROM serialized_dag WHERE dag_id = %s", (DAG_ID,)):
        if time.monotonic() > deadline:
            raise BackfillError(f"{DAG_ID} is not parsed yet: is `make run` up?")
        time.sleep(POLL_SECONDS)
    # Created before the unpause: an unpaused daily DAG gets the scheduled run of the last full day at once,
    # unless a run for that day exists already, as the backfill's does when its days reach yesterday.
    created = _airflow(env, "backfill", "create", "--dag-id", DAG_ID, "--run-backwards",
                       "--max-active-runs", str(max_active_runs),
                       # Logical dates are the days' starts in Vietnam time; --to-date is inclusive.
                       "--from-date", _start(since), "--to-date", _start(until - timedelta(days=1)),
                       *(["--reprocess-behavior", "failed"] if reprocess_failed else []))
    if created.returncode:
        raise BackfillError(_message(created))
    ((backfill_id,),) = _rows("SELECT max(id) FROM backfill WHERE dag_id = %s", (DAG_ID,))
    _pause(env, False)
    print(f"backfill {backfill_id} of {DAG_ID}: news days {since} to {until - timedelta(days=1)}, newest first, "
          f"{max_active_runs} at a time", file=out, flush=True)
    if not follow:
        print(f"{DAG_ID} stays unpaused until it is done: pause it then (airflow dags pause {DAG_ID})", file=out)
        return 0
    last = None
    try:
        while True:
            (now,) = progress(backfill_id)
            busy = _busy_runs()
            line = now.line() if _scheduler_alive() else "no scheduler running: waiting for `make run`"
            if line != last:
                print(line, file=out, flush=True)
                last = line
            # A scheduled run of the DAG (the last full day) may still run when the backfill's own are done.
            if now.completed and not busy:
                break
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        print(f"stopped following; backfill {backfill_id} goes on in the scheduler and {DAG_ID} stays unpaused "
              f"(`bantin report` shows its progress; then airflow dags pause {DAG_ID})", file=out, flush=True)
        raise
    # Paused again, so it does not crawl every new day the hourly runs crawl.
    _pause(env, True)
    if now.failed:
        print(f"backfill {backfill_id}: failed runs {', '.join(now.failed_runs)}: clear them in the UI, or "
              "backfill again with --reprocess-failed", file=out, flush=True)
        return 1
    return 0
