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


def enable_reader(url: str) -> None:
    """bantin_reader may log in, with its password (bantin.db.reader_password). The role is the server's, not
    one database's, so every warehouse on a server shares it; the grants (sql/views/900_grants.sql) are per
    database."""
    import psycopg2

    from bantin.db import READER, reader_password

    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            # PASSWORD takes a literal, not a parameter placeholder in a utility statement: psycopg2 quotes it.
            cur.execute(f"ALTER ROLE {READER} WITH LOGIN PASSWORD %s", (reader_password(),))
    finally:
        conn.close()


def migrate(url: str) -> None:
    upgrade(url)
    applied = apply_views(url)
    enable_reader(url)
    log.info("views re-applied: %s", ", ".join(applied))
