"""The warehouse as Airflow's tasks reach it: the `bantin_warehouse` connection, through the Postgres provider's
hook, made from BANTIN_DATABASE_URL unless an operator defined it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bantin.airflow_env import airflow_env

DAGS = Path(__file__).resolve().parents[2] / "dags"
# What a task does (dags/common.warehouse_url), then a query over the URI it got, in a process of its own
# with the project's Airflow environment, as a task process has it.
PROBE = (f"import sys; sys.path.insert(0, {str(DAGS)!r}); from common import warehouse_url; import psycopg2; "
         "url = warehouse_url(); c = psycopg2.connect(url); cur = c.cursor(); "
         "cur.execute('SELECT current_database(), count(*) FROM api.articles'); print(*cur.fetchone())")


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _task_sees(env: dict) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_tasks_reach_the_warehouse_through_the_connection_made_from_the_url(fresh_db):
    env = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere", base={"BANTIN_DATABASE_URL": fresh_db})
    assert env["AIRFLOW_CONN_BANTIN_WAREHOUSE"] == fresh_db
    assert _task_sees(env) == f"{_name(fresh_db)} 0"


def test_an_operators_own_connection_wins(fresh_db, another_fresh_db):
    # The CLI keeps BANTIN_DATABASE_URL; the tasks follow the connection the operator defined.
    env = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere",
                      base={"BANTIN_DATABASE_URL": fresh_db, "AIRFLOW_CONN_BANTIN_WAREHOUSE": another_fresh_db})
    assert env["BANTIN_DATABASE_URL"] == fresh_db
    assert _task_sees(env).split()[0] == _name(another_fresh_db)


def test_without_the_connection_a_task_says_which_is_missing(fresh_db):
    env = airflow_env(metadata_url="postgresql+psycopg2://nobody@/nowhere", base={"BANTIN_DATABASE_URL": fresh_db})
    del env["AIRFLOW_CONN_BANTIN_WAREHOUSE"]
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "bantin_warehouse" in done.stderr, done.stderr[-2000:]
