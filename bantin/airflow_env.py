"""The environment every `airflow` invocation of this project runs with (CLI, `make run`, demo, tests).

Airflow reads its whole configuration from AIRFLOW__SECTION__KEY variables, so one function builds them all:
no airflow.cfg to drift, and the demo, `make run` and the tests cannot disagree about where things live.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import sys
from pathlib import Path

from warehouse import db, settings

ADMIN_USER = "admin"


def airflow_home() -> Path:
    path = db.data_dir() / "airflow"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _local_secrets(home: Path) -> dict[str, str]:
    """Signing keys generated once per checkout and kept under .data/ (git-ignored), never committed.

    They must be stable across processes: the api-server signs the tokens that task processes present, and
    a per-process random key would make every task fail authentication after a restart."""
    from cryptography.fernet import Fernet

    path = home / "secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    wanted = {"jwt_secret": lambda: secrets.token_urlsafe(32), "secret_key": lambda: secrets.token_urlsafe(32),
              # The embedded Celery broker's password (`make run WORKERS=N`): it listens on the loopback, where
              # every local user could otherwise queue tasks for the workers to run.
              "broker_password": lambda: secrets.token_hex(24),
              # Encrypts connection passwords and variables in the metadata database; empty, they are stored
              # in clear text.
              "fernet_key": lambda: Fernet.generate_key().decode()}
    missing = {key: make() for key, make in wanted.items() if key not in values}
    if missing:  # a checkout's secrets from before a key existed gain it; the others never change
        values.update(missing)
        db.write_private(path, json.dumps(values))
    return values


def admin_password() -> str:
    """The UI password of `admin`, generated on first use into the file the simple auth manager reads."""
    path = airflow_home() / "simple_auth_manager_passwords.json"
    if path.exists():
        return json.loads(path.read_text())[ADMIN_USER]
    password = secrets.token_urlsafe(12)
    db.write_private(path, json.dumps({ADMIN_USER: password}))
    return password


def airflow_env(*, metadata_url: str | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ (or `base`) plus the Airflow settings of this project.

    BANTIN_* variables pass through unchanged, except that BANTIN_DATABASE_URL is resolved here once, so task
    processes and the scrapy subprocesses they start all reach the same warehouse without re-deriving it; the
    tasks' `bantin_warehouse` connection is made from it unless AIRFLOW_CONN_BANTIN_WAREHOUSE is already set.
    `metadata_url` overrides Airflow's metadata database (the tests use their own)."""
    home = airflow_home()
    keys = _local_secrets(home)
    env = dict(os.environ if base is None else base)
    env.update({
        # The task runner starts `airflow` by name: it must be this venv's.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                 env.get("PATH") or os.environ.get("PATH", os.defpath)]),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(db.project_home() / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url or db.airflow_sqlalchemy_url(),
        # LocalExecutor: one process per task, so every crawl is its own scrapy subprocess and nothing shares
        # a Twisted reactor; it needs no broker, which is all one machine needs.
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        # Sized for 2 cores: crawls mostly wait on the network (and the per-source pools keep them polite), so
        # 4 concurrent tasks lets the three sources crawl side by side without starving the scheduler.
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "4",
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__AUTH_MANAGER":
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "simple_auth_manager_passwords.json"),
        "AIRFLOW__API_AUTH__JWT_SECRET": keys["jwt_secret"],
        "AIRFLOW__API__SECRET_KEY": keys["secret_key"],
        "AIRFLOW__CORE__FERNET_KEY": keys["fernet_key"],
        # New DAGs start unpaused: `make run` should ingest without a click in the UI.
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        # A task whose process died with its scheduler (a crash, a kill) is given back to be run again by a
        # scheduler's check for orphans, which runs at its start and then every this many seconds: a restart
        # sooner than Airflow deems the old scheduler dead (30 s) is caught a minute later, not five.
        "AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "60",
        # How long a task's supervisor may sleep between looks at its task process (it heartbeats no more often
        # than this). When the task's sockets close before the process is reaped, the supervisor sleeps this
        # long with nothing to wake it, holding the worker's slot past the task's end (the default, 5 s, is
        # measured in docs/benchmarks.md). One second bounds that, at one heartbeat a second per running task.
        "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
        # Re-scan dags/ every 30 s instead of 5 min, so an edited DAG shows up while developing.
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "BANTIN_HOME": str(db.project_home()),
    })
    env.update(warehouse_env(env.get("BANTIN_DATABASE_URL") or db.database_url(),
                             env.get(WAREHOUSE_CONN_VAR)))
    return env


# Tasks reach the warehouse through this Airflow connection (dags/common: bantin_warehouse).
WAREHOUSE_CONN_VAR = "AIRFLOW_CONN_BANTIN_WAREHOUSE"


def warehouse_env(url: str, connection: str | None = None) -> dict[str, str]:
    """The variables that point Airflow's tasks and the CLI at the warehouse `url`: BANTIN_DATABASE_URL, and the
    `bantin_warehouse` connection made from it, unless one was given (an operator's own, in the environment).
    A libpq URI is a connection URI Airflow reads as it is: a socket directory in `?host=` becomes an extra,
    which the tasks hand back to libpq."""
    return {"BANTIN_DATABASE_URL": url, WAREHOUSE_CONN_VAR: connection or url}


def broker_password() -> str:
    return _local_secrets(airflow_home())["broker_password"]


def celery_env(broker_url: str, metadata_url: str, slots: int) -> dict[str, str]:
    """The settings that turn the LocalExecutor setup into a CeleryExecutor one with `slots` task slots over all
    its workers; the DAGs stay the same.

    Tasks go to the workers through the broker; their states and results come back through Airflow's metadata
    database, as the official compose file does it (`db+` is Celery's SQLAlchemy result backend)."""
    # The scheduler keeps twice the workers' slots queued or running: a slot that frees takes the next task
    # from the broker at once, instead of idling until the scheduler's next loop has seen the task end and queued
    # another. Beyond that, tasks only wait longer in the broker. The crawl pools still bound each site. A task
    # waiting in the broker counts toward [scheduler] task_queued_timeout (10 min), after which Airflow requeues
    # it, twice, before failing it: only slots held by tasks for half an hour would get there.
    queued = str(2 * slots)
    return {
        "AIRFLOW__CORE__PARALLELISM": queued,
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": queued,
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{metadata_url}",
        "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "bantin.celery_config.CELERY_CONFIG",
    }


def worker_hostname() -> str:
    """A task's hostname (`[core] hostname_callable`): the machine's, then the Celery worker that ran it
    (BANTIN_WORKER_NAME, set for each worker `make run WORKERS=N` starts), so the UI tells the workers apart."""
    name = settings.get("BANTIN_WORKER_NAME")
    return f"{socket.getfqdn()}-{name}" if name else socket.getfqdn()
