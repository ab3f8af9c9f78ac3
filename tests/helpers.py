"""Helpers shared by the test modules (importable as `helpers`: tests/ is on sys.path via its conftest)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.e2e.home import own_home_env, probe, stop_own_server  # noqa: F401 (re-exported for the tests)

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
