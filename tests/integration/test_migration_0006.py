"""Migration 0006 on a real PostgreSQL: its frozen band rebuild indexes the signatures of its time (rows and
layout note), and the live code finds that index of the previous signature scheme, signs every article again
and rebuilds it, exactly as `transforms.stories.rebuild_bands` would. That the migration imports no live code is
tests/unit/test_layers.py's check, for every migration."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from helpers import query

REPO = Path(__file__).resolve().parents[2]

# (source, published_at, first_seen_at): a UTC day that is not the Hà Nội day, a day across a year's end, an
# undated article (measured from its first fetch), dates buckets and years apart, and one text stored twice.
ARTICLES = [
    ("vnexpress", "2026-03-07 23:30+07", "2026-03-08 09:00+07"),
    ("dantri", "2025-12-31 20:00-05", "2026-01-01 10:00+07"),
    ("tuoitre", None, "2026-03-08 06:30+07"),
    ("baochinhphu", "2026-05-20 08:00+07", "2026-05-20 09:00+07"),
    ("baodautu", "2024-02-29 12:00+07", "2024-03-01 12:00+07"),
    ("vnexpress", "2026-03-09 08:00+07", "2026-03-09 08:00+07"),  # the first article's text again
]


def _body(source: str) -> str:
    return json.loads(next((REPO / f"sources/{source}/pages").glob("*.json")).read_text(encoding="utf-8"))["body"]


@pytest.fixture
def db_at_0005(pg_server_url):
    """A database migrated to 0005 (the release before the story window), with signed articles; dropped after."""
    from transforms import minhash
    from warehouse import db
    from warehouse.migrate import upgrade

    name = f"bantin_test_{uuid.uuid4().hex[:10]}"
    db.ensure_database(name)
    url = db.with_database(pg_server_url, name)
    try:
        upgrade(url, "0005")
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            for n, (source, published, seen) in enumerate(ARTICLES):
                body = _body(source) if n < len(ARTICLES) - 1 else _body(ARTICLES[0][0])
                cur.execute("""INSERT INTO core.articles (source, canonical_url, url, title, body, published_at,
                                                          language, body_hash, first_seen_at, last_seen_at,
                                                          first_run_id, last_run_id)
                               VALUES (%s, %s, %s, 't', %s, %s, 'vi', %s, %s, %s, 'r1', 'r1')
                               RETURNING article_id""",
                            (source, f"u{n}", f"u{n}", body, published, f"h{n}", seen, seen))
                sig = minhash.signature(body)
                assert sig is not None
                # Stored as that release stored them: the 128 values alone (the previous scheme).
                cur.execute("INSERT INTO core.article_signatures VALUES (%s, %s)",
                            (cur.fetchone()[0], sig.values.astype("<u4").tobytes()))
        conn.close()
        yield url
    finally:
        db.drop_database(name)


def _band_index(url: str) -> tuple[set[tuple[int, int, int]], str]:
    rows = query(url, "SELECT bucket, band_key, article_id FROM core.article_bands")
    (note,) = query(url, "SELECT obj_description('core.article_bands'::regclass, 'pg_class')")[0]
    assert len(rows) == len(set(rows))
    return set(rows), note


def _live(url: str, env: dict[str, str], call: str) -> None:
    """`call` of transforms.stories, the live code, over the migrated database, in a transaction: a process of
    its own, which reads the layout and window from the environment as a load does."""
    code = ("import sys, psycopg2; from transforms import stories\n"
            "conn = psycopg2.connect(sys.argv[1])\n"
            f"with conn: stories.{call}\n")
    subprocess.run([sys.executable, "-c", code, url], cwd=REPO, env={**os.environ, **env}, check=True, timeout=120)


@pytest.mark.parametrize("env", [{}, {"BANTIN_STORY_BANDS": "16x8", "BANTIN_STORY_WINDOW_DAYS": "7"}],
                         ids=["defaults", "overridden"])
def test_upgrade_from_0005_builds_the_band_index_the_live_rebuild_builds(db_at_0005, monkeypatch, env):
    from warehouse.migrate import upgrade

    for name in ("BANTIN_STORY_BANDS", "BANTIN_STORY_WINDOW_DAYS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    upgrade(db_at_0005)
    migrated, note = _band_index(db_at_0005)
    bands = int(env.get("BANTIN_STORY_BANDS", "32x4").split("x")[0])
    window = int(env.get("BANTIN_STORY_WINDOW_DAYS", "30"))
    assert note == f"LSH bands x rows: {bands}x{128 // bands}; story window: {window} days"
    assert len(migrated) == bands * len(ARTICLES)
    assert len({b for b, _, _ in migrated}) >= 4  # the dates fall in several buckets

    # A load's first step finds the index of the previous scheme: every signature signed again, then the index.
    _live(db_at_0005, env, "_ensure_band_index(conn.cursor())")
    rebuilt, live_note = _band_index(db_at_0005)
    assert live_note.startswith("signature: ") and live_note.endswith(f"story window: {window} days")
    assert query(db_at_0005, "SELECT count(*) FROM core.article_signatures WHERE octet_length(minhash) = 512") == [
        (0,)]
    assert {aid for _, _, aid in rebuilt} == {aid for _, _, aid in migrated}
    assert {b for b, _, _ in rebuilt} == {b for b, _, _ in migrated}  # the same dates, the same buckets
    _live(db_at_0005, env, "rebuild_bands(conn)")
    assert _band_index(db_at_0005) == (rebuilt, live_note)
