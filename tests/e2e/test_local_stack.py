"""`make run` as an operator starts it: the Airflow components listen on the loopback only, and stop within
seconds on SIGTERM or on Ctrl-C (SIGINT to the terminal's whole process group), leaving no job marked running.

Runs `bantin run` in a home of its own (its own embedded PostgreSQL and metadata database, no DAGs), so it
neither touches the checkout's .data nor ingests anything."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from helpers import own_home_env, stop_own_server

BANTIN = Path(sys.executable).with_name("bantin")
# A fresh metadata database migrates, then four components start: about a minute on the 2-core reference machine.
START_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(root: psutil.Process) -> set[tuple[str, int]]:
    out = set()
    for proc in [root, *root.children(recursive=True)]:
        try:
            out |= {(c.laddr.ip, c.laddr.port) for c in proc.net_connections(kind="inet")
                    if c.status == psutil.CONN_LISTEN}
        except psutil.NoSuchProcess:
            continue
    return out


def _running_jobs(env: dict) -> list[tuple[str, str]]:
    probe = ("import json; from warehouse import db; "
             "c = db.connect(db.with_database(db.server_url(), db.AIRFLOW_DB)); cur = c.cursor(); "
             "cur.execute(\"SELECT job_type, hostname FROM job WHERE state = 'running'\"); "
             "print(json.dumps(cur.fetchall()))")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120,
                          check=True)
    return [tuple(row) for row in json.loads(done.stdout)]


@pytest.mark.skipif(bool(os.environ.get("BANTIN_DATABASE_URL")),
                    reason="`make run` is the local stack on the embedded PostgreSQL")
@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
def test_make_run_listens_on_loopback_and_stops_cleanly(tmp_path, stop):
    home = tmp_path / "home"
    (home / "dags").mkdir(parents=True)
    port = _free_port()
    env = own_home_env(home, BANTIN_AIRFLOW_PORT=str(port))
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        # A session of its own, as a terminal gives a foreground job: Ctrl-C signals the whole group.
        proc = subprocess.Popen([str(BANTIN), "run"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert proc.poll() is None, f"bantin run exited {proc.returncode}:\n{log.read_text()[-3000:]}"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/version", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, f"the UI never answered:\n{log.read_text()[-3000:]}"
                time.sleep(2)
        time.sleep(5)  # every component up, not only the API server
        listening = _listening(psutil.Process(proc.pid))
        assert (("127.0.0.1", port)) in listening, listening
        exposed = {(ip, p) for ip, p in listening if ip not in ("127.0.0.1", "::1")}
        assert not exposed, f"listening beyond the loopback: {exposed}"
        assert not {p for _, p in listening} & {8793, 8794}, f"task log servers started: {listening}"
        children = psutil.Process(proc.pid).children(recursive=True)
        started = time.monotonic()
        if stop == "sigterm":
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        # Seconds, not the components' whole stop timeout: a stop that ends in a kill leaves jobs marked running.
        assert proc.wait(timeout=25) == 130, f"bantin run did not stop on {stop}:\n{log.read_text()[-3000:]}"
        took = time.monotonic() - started
        _, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"left running after {took:.0f} s: {[p.cmdline() for p in alive]}"
        assert _running_jobs(env) == [], f"jobs still marked running after {stop}:\n{log.read_text()[-2000:]}"
    finally:
        if proc.poll() is None:
            proc.kill()
        stop_own_server(env)
