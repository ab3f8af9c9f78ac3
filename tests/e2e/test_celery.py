"""`make run WORKERS=2 OFFLINE=1` as an operator starts it: the CeleryExecutor with its embedded broker and two
Celery workers, the same DAG code. The scheduler's hourly runs of news_ingest (the first, and the next when the
hour turns meanwhile) run their tasks on both workers (each task's hostname names its worker) and land the hours'
articles of the archive replay; the example consumer counts every one of them; SIGTERM then stops broker, workers
and Airflow within seconds.

Runs `bantin run` in a home of its own (its own embedded PostgreSQL and metadata database), the checkout's
DAGs linked in."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from helpers import REPO, own_home_env, probe, stop_own_server

BANTIN = Path(sys.executable).with_name("bantin")
# Start-up (about a minute) plus a run of 15 crawls through 4 task slots, each crawl a task process and a
# `scrapy crawl` of its own: about three minutes on the 2-core reference machine; twice that when the hour turns
# during the first run and the scheduler starts the next.
RUN_TIMEOUT_S = 900
FINISHED = ("success", "failed")


@pytest.mark.skipif(bool(os.environ.get("BANTIN_DATABASE_URL")),
                    reason="`make run` is the local stack on the embedded PostgreSQL")
def test_a_run_on_two_celery_workers(tmp_path):
    from bantin.stack import free_port

    home = tmp_path / "home"
    home.mkdir()
    (home / "dags").symlink_to(REPO / "dags")  # the DAGs folder is the home's (bantin/airflow_env.py)
    env = own_home_env(home, BANTIN_AIRFLOW_PORT=str(free_port()))
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BANTIN), "run", "--offline", "--workers", "2"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            assert proc.poll() is None, f"bantin run exited {proc.returncode}:\n{log.read_text()[-3000:]}"
            # The scheduler starts a run each time the hour turns: a run that straddles it has a successor.
            # Settled means every run it started has ended and the consumer has counted what they landed.
            runs = probe(env, "SELECT run_id, state FROM dag_run WHERE dag_id = 'news_ingest'")
            summaries = probe(env, "SELECT run_type, state FROM dag_run WHERE dag_id = 'news_daily_summary'")
            landed = probe(env, "SELECT source, count(*) FROM api.articles GROUP BY source", warehouse=True)
            counted = probe(env, "SELECT sum(articles) FROM api.daily_source_summary", warehouse=True)
            if any(state == "failed" for _, state in runs):
                break
            if (runs and summaries and all(state in FINISHED for _, state in runs + summaries)
                    and counted == [(sum(n for _, n in landed),)]):
                break
            assert time.monotonic() < deadline, (f"not settled: news_ingest {runs}, news_daily_summary {summaries}, "
                                                 f"landed {landed}, counted {counted}\n{log.read_text()[-3000:]}")
            time.sleep(5)
        assert all(state == "success" for _, state in runs), f"{runs}:\n{log.read_text()[-3000:]}"
        tasks = probe(env, "SELECT task_id, hostname, state FROM task_instance WHERE dag_id = 'news_ingest'")
        assert tasks and all(s == "success" for _, _, s in tasks), tasks
        workers = {host.rsplit("-", 1)[-1] for _, host, _ in tasks}
        assert workers == {"worker1", "worker2"}, f"tasks ran on {workers}: {tasks}"
        assert len(landed) >= 10 and sum(n for _, n in landed) >= 15, f"articles landed per source: {landed}"
        # The load's asset event started the example consumer, which counted every day the runs' articles fell on.
        assert set(summaries) == {("asset_triggered", "success")}, summaries
        children = psutil.Process(proc.pid).children(recursive=True)
        assert any("valkey-server" in " ".join(p.cmdline()) for p in children), "no broker among the children"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 130, f"bantin run did not stop on SIGTERM:\n{log.read_text()[-3000:]}"
        _, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, f"left running: {[p.cmdline() for p in alive]}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        stop_own_server(env)
