"""The operator's `bantin` commands on a real warehouse: one-line errors with exit status 2, reprocess scopes,
and run statistics kept as history."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import query
from test_warehouse import good_pages, land, run_all

from transforms import stages

BANTIN = Path(sys.executable).with_name("bantin")
UNREACHABLE = "postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=2"


def bantin(*args: str, db: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "BANTIN_DATABASE_URL": db}
    return subprocess.run([str(BANTIN), *args], capture_output=True, text=True, env=env, timeout=300, **kwargs)


def one_line_error(done: subprocess.CompletedProcess, command: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"bantin {command}: error: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("args", [["report"], ["db", "migrate"], ["reprocess", "--all"], ["db", "rekey"]])
def test_unreachable_warehouse_is_one_line(args):
    line = one_line_error(bantin(*args, db=UNREACHABLE), args[0])
    assert "cannot reach the warehouse at postgresql://nobody@127.0.0.1:1/nowhere" in line, line


def test_bad_dates_and_no_scope_are_refused(fresh_db):
    assert "not an ISO 8601 date" in one_line_error(bantin("reprocess", "--since", "not-a-date", db=fresh_db),
                                                     "reprocess")
    assert "--all" in one_line_error(bantin("reprocess", db=fresh_db), "reprocess")


def test_unknown_run_is_an_error(fresh_db):
    land(fresh_db, "run_known", good_pages())
    run_all(fresh_db, "run_known")
    assert "no loaded run 'nonexistent'" in one_line_error(bantin("report", "--run-id", "nonexistent", db=fresh_db),
                                                            "report")
    assert "no landed crawl for run(s) nonexistent" in one_line_error(
        bantin("reprocess", "--run-id", "nonexistent", db=fresh_db), "reprocess")


def test_report_into_a_closed_pipe(fresh_db):
    land(fresh_db, "run_pipe", good_pages())
    run_all(fresh_db, "run_pipe")
    proc = subprocess.Popen([str(BANTIN), "report"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "BANTIN_DATABASE_URL": fresh_db})
    proc.stdout.close()  # `| head -0`: the reader is gone before a byte is written
    stderr = proc.stderr.read()
    proc.wait(timeout=120)
    one_line_error(subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr), "report")


def test_run_statistics_are_history(fresh_db):
    land(fresh_db, "run_h", good_pages())
    run_all(fresh_db, "run_h")
    stages.check_run(fresh_db, "run_h")
    first = query(fresh_db, "SELECT source, articles_new FROM api.run_stats WHERE run_id = 'run_h' ORDER BY 1")
    assert [n for _, n in first] == [1, 1]
    done = bantin("reprocess", "--run-id", "run_h", db=fresh_db)
    assert done.returncode == 0, done.stderr
    run_all(fresh_db, "run_h")  # the DAG run cleared and run again
    loads = query(fresh_db, """SELECT load_number, load_kind, sum(articles_new), sum(articles_duplicate)
                               FROM api.run_stats WHERE run_id = 'run_h' GROUP BY 1, 2 ORDER BY 1""")
    assert loads == [(1, "run", 2, 0), (2, "reprocess", 0, 2), (3, "rerun", 0, 2)]
    report = bantin("report", "--run-id", "run_h", db=fresh_db)
    assert report.returncode == 0, report.stderr
    assert "2 new article rows" in report.stdout, report.stdout
    assert "later load #2 (reprocess" in report.stdout and "later load #3 (rerun" in report.stdout
    stages.check_run(fresh_db, "run_h")  # judged on its latest load


def test_reprocess_selects_by_news_dates(fresh_db):
    """--since/--until select the runs that landed news of those dates, not by when the crawl ran."""
    land(fresh_db, "run_news", good_pages())
    run_all(fresh_db, "run_news")
    # The landed articles were published on 2026-03-07 (Vietnam time); the crawl window is that morning.
    query(fresh_db, "UPDATE raw.crawls SET started_at = '2026-12-01T00:00:00+00', "
                    "window_start = '2026-01-01T00:00:00+07', window_end = '2026-01-01T01:00:00+07'")
    miss = bantin("reprocess", "--since", "2026-03-08", "--until", "2026-03-09", db=fresh_db)
    assert "no run with raw pages left matches" in one_line_error(miss, "reprocess")
    hit = bantin("reprocess", "--since", "2026-03-07", "--until", "2026-03-08", db=fresh_db)
    assert hit.returncode == 0 and "run_news" in hit.stdout, (hit.stdout, hit.stderr)


def test_latest_run_id(fresh_db):
    assert "no run has loaded yet" in one_line_error(bantin("report", "--latest-run-id", db=fresh_db), "report")
    land(fresh_db, "run_latest", good_pages())
    run_all(fresh_db, "run_latest")
    done = bantin("report", "--latest-run-id", db=fresh_db)
    assert (done.returncode, done.stdout) == (0, "run_latest\n"), done.stderr


@pytest.mark.parametrize(("args", "says"), [
    (["backfill"], "no days chosen"),
    (["backfill", "--since", "2026-03-07", "--until", "2026-03-05"], "no day to backfill"),
    (["backfill", "--since", "March"], "not an ISO 8601 date"),
    (["run", "--days", "30"], "add --offline"),
])
def test_backfill_and_run_refuse_bad_days(fresh_db, args, says):
    assert says in one_line_error(bantin(*args, db=fresh_db), args[0])


def test_backfill_days_window():
    from datetime import date

    from bantin.backfill import days_window

    today = date(2026, 3, 7)
    assert days_window(30, None, None, today) == (date(2026, 2, 5), today)
    assert days_window(None, date(2026, 3, 1), None, today) == (date(2026, 3, 1), today)
    assert days_window(None, date(2026, 3, 1), date(2026, 3, 3), today) == (date(2026, 3, 1), date(2026, 3, 3))
