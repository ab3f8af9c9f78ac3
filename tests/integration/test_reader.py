"""bantin_reader, the consumers' login: the api schema and nothing else, no way up, bounded statements."""
from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from test_warehouse import good_pages, land, run_all

from warehouse import db

BANTIN = Path(sys.executable).with_name("bantin")


@pytest.fixture
def reader(fresh_db):
    land(fresh_db, "run_r", good_pages())
    run_all(fresh_db, "run_r")
    conn = psycopg2.connect(db.with_user(fresh_db, db.READER, db.reader_password()))
    conn.autocommit = True
    yield conn
    conn.close()


def refused(conn, sql: str) -> str:
    with conn.cursor() as cur, pytest.raises(psycopg2.Error) as caught:
        cur.execute(sql)
    return str(caught.value)


def test_reader_url_logs_in_as_the_reader(fresh_db):
    done = subprocess.run([str(BANTIN), "db", "url", "--reader"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "BANTIN_DATABASE_URL": fresh_db})
    assert done.returncode == 0, done.stderr
    conn = psycopg2.connect(done.stdout.strip())
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user, session_user")
            assert cur.fetchone() == (db.READER, db.READER)
    finally:
        conn.close()
    if not os.environ.get("BANTIN_READER_PASSWORD"):
        mode = stat.S_IMODE((db.data_dir() / "reader.password").stat().st_mode)
        assert mode == 0o600, oct(mode)


def test_reader_reads_the_api_only(reader):
    with reader.cursor() as cur:
        cur.execute("SELECT count(*) FROM api.articles")
        assert cur.fetchone()[0] == 2
        cur.execute("SELECT count(*) FROM api.search_articles('gia vang', 5)")
    for table in ("core.articles", "raw.pages", "staging.articles", "core.rejects", "core.article_versions"):
        assert "permission denied" in refused(reader, f"SELECT * FROM {table} LIMIT 1"), table


def test_reader_cannot_become_anyone_else(reader):
    assert "permission denied" in refused(reader, "SET ROLE postgres")
    assert "permission denied" in refused(reader, "SET SESSION AUTHORIZATION postgres")
    with reader.cursor() as cur:
        cur.execute("RESET ROLE")  # what gave a SET ROLE session back its superuser
        cur.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cur.fetchone() == (db.READER, False)
    assert "permission denied" in refused(reader, "CREATE TEMP TABLE scratch (x int)")
    assert "permission denied" in refused(reader, "CREATE TABLE api.scratch (x int)")


def test_reader_statements_are_bounded(reader, fresh_db):
    with reader.cursor() as cur:
        cur.execute("SHOW statement_timeout")
        assert cur.fetchone()[0] == "30s"
    # The role's timeout is what cancels a runaway statement: lowered here so the test takes a second.
    with psycopg2.connect(fresh_db) as owner, owner.cursor() as cur:
        cur.execute(f"ALTER ROLE {db.READER} IN DATABASE {urlsplit(fresh_db).path.lstrip('/')} "
                    "SET statement_timeout = '1s'")
    quick = psycopg2.connect(db.with_user(fresh_db, db.READER, db.reader_password()))
    try:
        assert "statement timeout" in refused(quick, "SELECT pg_sleep(3)")
    finally:
        quick.close()
    # A search box query is a few words; a 10 KB one once ran past 20 s.
    assert "search query too long" in refused(reader, f"SELECT * FROM api.search_articles('{'vàng ' * 2000}')")


def test_the_server_keeps_only_a_scram_verifier(fresh_db):
    """The password reaches the server hashed; a login with it, and only with it, succeeds over SCRAM."""
    from warehouse.migrate import scram_verifier

    with psycopg2.connect(fresh_db) as conn, conn.cursor() as cur:
        cur.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (db.READER,))
        assert cur.fetchone()[0].startswith("SCRAM-SHA-256$4096:")
        # The server's own encoding of a clear password, recomputed with its salt, must come out the same.
        cur.execute("SET password_encryption = 'scram-sha-256'; CREATE ROLE scram_probe PASSWORD 'pa55word'")
        cur.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'")
        theirs = cur.fetchone()[0]
        cur.execute("DROP ROLE scram_probe")
    iterations, salt = theirs.split("$")[1].split(":")
    assert scram_verifier("pa55word", int(iterations), base64.b64decode(salt)) == theirs
