"""The README's commands, run verbatim after `make demo`, as a user on a fresh checkout runs them.

In a home of its own (BANTIN_HOME: its own embedded PostgreSQL, warehouse and Airflow metadata), so the test
neither reads nor changes the checkout's .data."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from helpers import REPO, own_home_env, stop_own_server

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README text under `## title`, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def blocks(text: str, info: str = "") -> list[str]:
    """The fenced blocks of `text` whose info string is `info` (empty: the commands; `text`: shown output)."""
    return [body for kind, body in re.findall(r"^```(\w*)\n(.*?)^```", text, re.M | re.S) if kind == info]


def sh(block: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="module")
def after_demo(tmp_path_factory):
    """A home where `make demo` has run once."""
    home = tmp_path_factory.mktemp("readme") / "home"
    home.mkdir()
    (home / "dags").symlink_to(REPO / "dags")  # the DAGs folder is the home's (bantin/airflow_env.py)
    env = own_home_env(home)
    demo = sh("make demo", env)
    assert demo.returncode == 0, f"make demo failed:\n{demo.stdout[-3000:]}\n{demo.stderr[-3000:]}"
    assert "rows added to api.articles" in demo.stdout, demo.stdout[-2000:]
    yield env
    stop_own_server(env)


def test_the_demo_run_shows_its_real_duration(after_demo):
    # `airflow dags test` records its run as started at the logical date (months back for the demo's anchor),
    # and the UI's run-duration chart then read "271d 3h" for a run of a minute.
    probe = ("import json; from warehouse import db; "
             "c = db.connect(db.with_database(db.server_url(), db.AIRFLOW_DB)); cur = c.cursor(); "
             "cur.execute(\"SELECT extract(epoch FROM end_date - start_date) FROM dag_run "
             "WHERE dag_id = 'news_ingest'\"); print(json.dumps([float(r[0]) for r in cur.fetchall()]))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=after_demo, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    durations = json.loads(done.stdout)
    assert durations and all(0 < d < 3600 for d in durations), f"the demo's run lasted {durations} s by its dates"


def test_airflow_cli_block(after_demo):
    (block,) = [b for b in blocks(section("Run Airflow locally")) if "airflow-env" in b]
    done = sh(block, after_demo)
    assert done.returncode == 0 and "news_ingest" in done.stdout, done.stderr[-2000:]


def test_backfill_block(after_demo):
    # The month's block (make run, then bantin backfill) runs for as long as docs/benchmarks.md says; its
    # `bantin backfill` runs under `bantin run` in tests/faults/test_backfill_crash.py.
    (block,) = [b for b in blocks(section("Backfill")) if "airflow backfill create" in b]
    done = sh(block, after_demo)
    assert done.returncode == 0, done.stderr[-3000:]
    # Without `make run` there is no scheduler to execute them; the runs are created, queued for it.
    runs = sh('eval "$(.venv/bin/bantin airflow-env)"; .venv/bin/airflow dags list-runs news_ingest -o plain',
              after_demo)
    assert runs.returncode == 0 and "backfill__" in runs.stdout, (runs.stdout[-2000:], runs.stderr[-2000:])


def test_reprocess_block(after_demo):
    (block,) = blocks(section("Reprocess"))
    done = sh(block, after_demo)
    assert done.returncode == 0, done.stderr[-3000:]
    # Both reprocesses are loads of the demo's run of their own; the report shows them after what it landed.
    assert "later load #2 (reprocess" in done.stdout and "later load #3 (reprocess" in done.stdout, done.stdout[-2000:]


@pytest.mark.skipif(shutil.which("psql") is None, reason="the psql client is absent")
def test_query_blocks(after_demo):
    query_blocks = [b for b in blocks(section("Query the results")) if "psql" in b]
    assert len(query_blocks) == 3
    for block in query_blocks:
        done = sh(block, after_demo)
        assert done.returncode == 0, f"{block}\n{done.stderr[-2000:]}"
        assert re.search(r"\(\d+ rows?\)", done.stdout), done.stdout


def test_stories_compare_prints_what_the_readme_shows():
    text = section("Query the results")
    commands = [b for b in blocks(text) if "stories compare" in b]
    shown = blocks(text, "text")
    assert len(commands) == len(shown) == 2  # a reprint, and an update joined on a second look
    for block, output in zip(commands, shown):
        done = sh(block, dict(os.environ))
        assert done.returncode == 0, done.stderr
        assert done.stdout == output
