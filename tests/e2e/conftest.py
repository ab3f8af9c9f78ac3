"""End-to-end fixtures: Airflow's metadata DB for the test session, on the same PostgreSQL server."""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture(scope="session")
def airflow_test_env(pg_server_url):
    """The environment for `airflow` subprocesses: a new metadata database, migrated (and pools created)
    once per session and dropped at the end, so no state leaks between sessions or into `make demo`'s."""
    from bantin.airflow_env import airflow_env
    from bantin.stack import bootstrap_airflow
    from warehouse import db

    name = f"airflow_test_{uuid.uuid4().hex[:10]}"
    db.ensure_database(name)
    libpq = db.with_database(pg_server_url, name)
    env = airflow_env(metadata_url="postgresql+psycopg2://" + libpq.split("://", 1)[1])
    env["AIRFLOW_HOME"] = str(db.data_dir() / "airflow-e2e")
    bootstrap_airflow(env)
    yield env
    db.drop_database(name)


@pytest.fixture
def replay_url(monkeypatch):
    """The offline replay at its default anchor, served from a thread on a free port, with the offline
    download timeout that the crawl subprocesses must share (see bantin.stack)."""
    from helpers import serving_replay

    from bantin.stack import OFFLINE_DOWNLOAD_TIMEOUT_S

    monkeypatch.setenv("BANTIN_DOWNLOAD_TIMEOUT", OFFLINE_DOWNLOAD_TIMEOUT_S)
    with serving_replay() as url:
        yield url
