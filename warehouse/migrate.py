"""Bring a warehouse up to date: alembic migrations (sql/migrations), then every view in sql/views re-applied."""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def sqlalchemy_url(libpq_url: str) -> str:
    """The same server as a SQLAlchemy URL (psycopg2 driver); libpq query options such as host= carry over."""
    return "postgresql+psycopg2://" + libpq_url.split("://", 1)[1]


def execute_sql_beside(revision_file: str) -> None:
    """A revision's upgrade: run the .sql file next to it, so the DDL reads (and diffs) as plain SQL."""
    from alembic import op

    op.execute(Path(revision_file).with_suffix(".sql").read_text(encoding="utf-8"))


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SQL_DIR / "migrations"))
    # ConfigParser interpolates '%'; escape it so percent-encoded passwords survive.
    cfg.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    command.upgrade(cfg, revision)


def apply_views(url: str) -> list[str]:
    """Re-apply every view file in name order, in one transaction, so readers never see a half-built api."""
    import psycopg2

    files = sorted((SQL_DIR / "views").glob("*.sql"))
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            for path in files:
                cur.execute(path.read_text(encoding="utf-8"))
    finally:
        conn.close()
    return [p.name for p in files]


def scram_verifier(password: str, iterations: int = 4096, salt: bytes | None = None) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier of `password` (RFC 5802, 7677), what the server stores. Computed here
    because psycopg2 has no binding for libpq's PQencryptPasswordConn, and ALTER ROLE ... PASSWORD with the
    clear password would put it in the server's log under log_statement = ddl. 4,096 iterations is the
    server's own default (scram_iterations)."""
    import base64
    import hashlib
    import hmac
    import secrets

    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}:{b64(server_key)}"


def enable_reader(url: str) -> None:
    """bantin_reader may log in, with its password (warehouse.db.reader_password). The role is the server's, not
    one database's, so every warehouse on a server shares it; the grants (sql/views/900_grants.sql) are per
    database."""
    import psycopg2

    from warehouse.db import READER, reader_password

    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            # Generated passwords are ASCII; a non-ASCII one would need SASLprep first, which the server then
            # applies to the clear password, so it is sent as it is.
            password = reader_password()
            secret = scram_verifier(password) if password.isascii() else password
            cur.execute(f"ALTER ROLE {READER} WITH LOGIN PASSWORD %s", (secret,))
    finally:
        conn.close()


def migrate(url: str) -> None:
    upgrade(url)
    applied = apply_views(url)
    enable_reader(url)
    log.info("views re-applied: %s", ", ".join(applied))
