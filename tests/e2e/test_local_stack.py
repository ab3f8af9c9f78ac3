"""`make run` as an operator starts it: the Airflow components listen on the loopback only and stop on SIGTERM.

Runs `bantin run` in a home of its own (its own embedded PostgreSQL and metadata database, no DAGs), so it
neither touches the checkout's .data nor ingests anything."""
from __future__ import annotations

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


@pytest.mark.skipif(bool(os.environ.get("BANTIN_DATABASE_URL")),
                    reason="`make run` is the local stack on the embedded PostgreSQL")
def test_make_run_listens_on_loopback_and_stops_cleanly(tmp_path):
    home = tmp_path / "home"
    (home / "dags").mkdir(parents=True)
    port = _free_port()
    env = own_home_env(home, BANTIN_AIRFLOW_PORT=str(port))
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BANTIN), "run"], env=env, stdout=out, stderr=subprocess.STDOUT)
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
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 130
        took = time.monotonic() - started
        _, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"left running after {took:.0f} s: {[p.cmdline() for p in alive]}"
    finally:
        if proc.poll() is None:
            proc.kill()
        stop_own_server(env)
