"""A month's backfill of all 15 sources under the real scheduler, and what a DAG run costs Airflow.

In a bantin home of its own (`.data/bench-backfill`: its own embedded PostgreSQL and metadata database), as an
operator starts it: `bantin run --offline --days D --per-day N [--workers W]`, a replay of D days of every
source up to now, the hourly runs going on as usual. Then, one after the other:
1. granularity: one news day backfilled by hour (news_ingest, 24 runs) and the day before it by day
   (news_backfill, 1 run), the same number of articles; Airflow's cost of a run is the difference in wall
   time over the 23 runs more;
2. the month: `bantin backfill --days 30`, its wall time, what it landed and the peak memory of every process
   `make run` started, sampled each second.

`python -m bench.e2e.backfill [--days-back 30] [--per-day 150] [--workers 2] [--write]`.
"""
from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import psutil

from bench.dedup.common import publish
from bench.e2e.home import fresh_home, probe, stop_stack, wait_for
from sources.dates import VN_TZ

REPO = Path(__file__).resolve().parents[2]
HOME = REPO / ".data" / "bench-backfill"
BANTIN = Path(sys.executable).with_name("bantin")
AIRFLOW = Path(sys.executable).with_name("airflow")


def airflow_env_of(env: dict) -> dict:
    """`env` plus the Airflow settings `bantin airflow-env` gives the bantin it names, for the `airflow` CLI."""
    out = subprocess.run([str(BANTIN), "airflow-env"], env=env, capture_output=True, text=True, check=True).stdout
    extra = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in out.splitlines())
    return {**env, **extra}


TASK, CRAWL = "task process", "scrapy crawl (a crawl task's subprocess)"  # the two the 300 MB is for


class PeakMemory:
    """The largest resident set (RSS) and proportional set (PSS) of each kind of process under `pid`, sampled every
    second on a thread. Both, because Celery forks its tasks from a worker that preloaded their imports: a task's RSS
    counts every page it shares with the worker, its PSS only its share of them."""

    # First match wins, on the titles the processes give themselves: Airflow retitles a task process
    # "airflow worker -- <ti id>" and its supervisor "airflow task supervisor: ...", so those come before the
    # "celery worker" command line that the Celery pool's processes keep.
    KINDS = (("scrapy crawl", CRAWL), ("airflow worker --", TASK),
             ("task supervisor", "task supervisor"), ("celery worker", "Celery worker"), ("scheduler", "scheduler"),
             ("api_server", "API server"), ("api-server", "API server"), ("dag-processor", "DAG processor"),
             ("triggerer", "triggerer"), ("valkey", "broker"))

    def __init__(self, pid: int):
        self.root, self._stop = psutil.Process(pid), threading.Event()
        self.rss, self.pss = defaultdict(int), defaultdict(int)
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @classmethod
    def kind(cls, cmdline: list[str]) -> str:
        line = " ".join(cmdline)
        return next((name for marker, name in cls.KINDS if marker in line), "other")

    def _sample(self):
        while not self._stop.wait(1):
            try:
                procs = self.root.children(recursive=True)
            except psutil.Error:
                continue
            for p in procs:
                try:
                    kind, mem = self.kind(p.cmdline()), p.memory_full_info()
                except psutil.Error:
                    continue
                self.rss[kind], self.pss[kind] = max(self.rss[kind], mem.rss), max(self.pss[kind], mem.pss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def backfill_seconds(env: dict, backfill_id: int) -> tuple[float, int, float, int]:
    """(wall seconds from creation to the end of its last run, task instances, their summed durations, runs of its
    own) of a backfill. Not to its `completed_at`: the scheduler marks backfills complete on a fixed 30 s timer of
    its own, which would add up to 30 s that no task waits for."""
    ((wall, tasks, busy, runs),) = probe(env, f"""
        SELECT extract(epoch FROM max(dr.end_date) - b.created_at), count(ti.*), coalesce(sum(ti.duration), 0),
               count(DISTINCT dr.id)
          FROM backfill b JOIN backfill_dag_run bdr ON bdr.backfill_id = b.id
          JOIN dag_run dr ON dr.id = bdr.dag_run_id
          LEFT JOIN task_instance ti ON ti.dag_id = dr.dag_id AND ti.run_id = dr.run_id
         WHERE b.id = {backfill_id} GROUP BY b.id""")
    return float(wall), int(tasks), float(busy), int(runs)


def last_backfill(env: dict, dag_id: str) -> int:
    return probe(env, f"SELECT max(id) FROM backfill WHERE dag_id = '{dag_id}'")[0][0]


def _done(env: dict, backfill_id: int) -> bool:
    return bool(probe(env, f"SELECT 1 FROM backfill WHERE id = {backfill_id} AND completed_at IS NOT NULL"))


def run(days_back: int, per_day: int, workers: int) -> dict:

    env = fresh_home(HOME)
    # Two days more than the month: the granularity days lie before it, whole inside the archive.
    today = datetime.now(VN_TZ).date()
    hourly_day, daily_day = today - timedelta(days=days_back + 1), today - timedelta(days=days_back + 2)
    log = open(HOME / "run.log", "wb")  # noqa: SIM115 (open for the stack's whole life)
    stack = subprocess.Popen([str(BANTIN), "run", "--offline", "--days", str(days_back + 3), "--per-day",
                              str(per_day), *(["--workers", str(workers)] if workers else [])],
                             env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    results = {"days_back": days_back, "per_day": per_day, "workers": workers}
    try:
        wait_for("the DAGs parsed", lambda: len(probe(env, "SELECT 1 FROM dag WHERE dag_id IN "
                                                        "('news_ingest', 'news_backfill')")) == 2, 300)
        aenv = airflow_env_of(env)
        # 1. granularity: the hourly DAG over one day, then the daily DAG over the day before.
        subprocess.run([str(AIRFLOW), "backfill", "create", "--dag-id", "news_ingest", "--max-active-runs", "2",
                        "--from-date", f"{hourly_day}T00:00:00+07:00", "--to-date", f"{hourly_day}T23:00:00+07:00"],
                       env=aenv, check=True, capture_output=True)
        hourly = last_backfill(env, "news_ingest")
        wait_for("the hourly backfill", lambda: _done(env, hourly), 3600, HOME / "run.log", poll=10)
        results["hourly"] = backfill_seconds(env, hourly)
        t0 = time.monotonic()
        subprocess.run([str(BANTIN), "backfill", "--since", str(daily_day), "--until", str(hourly_day)],
                       env=env, check=True, capture_output=True)
        results["daily"] = backfill_seconds(env, last_backfill(env, "news_backfill"))
        results["daily_follow_s"] = time.monotonic() - t0
        # 2. the month, newest day first.
        with PeakMemory(stack.pid) as memory:
            t0 = time.monotonic()
            done = subprocess.run([str(BANTIN), "backfill", "--days", str(days_back)], env=env, capture_output=True,
                                  text=True)
            results["month_follow_s"] = time.monotonic() - t0
        if done.returncode:
            raise RuntimeError(f"bantin backfill exited {done.returncode}: {done.stdout[-2000:]}{done.stderr[-2000:]}")
        results["month_output"] = done.stdout.strip().splitlines()
        results["month"] = backfill_seconds(env, last_backfill(env, "news_backfill"))
        results["rss"], results["pss"] = dict(memory.rss), dict(memory.pss)
        month = last_backfill(env, "news_backfill")
        runs = ", ".join(f"'news_backfill:{r}'" for (r,) in probe(
            env, f"SELECT dr.run_id FROM backfill_dag_run bdr JOIN dag_run dr ON dr.id = bdr.dag_run_id "
                 f"WHERE bdr.backfill_id = {month}"))
        results["landed"] = probe(env, "SELECT count(*), sum(pages_fetched), sum(articles_new) FROM api.run_stats "
                                       f"WHERE load_number = 1 AND run_id IN ({runs})", warehouse=True)[0]
        results["articles"] = probe(env, "SELECT count(*), count(DISTINCT url) FROM api.articles",
                                    warehouse=True)[0]
        results["machine"] = f"{os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2 ** 30:.0f} GB RAM"
    finally:
        stop_stack(stack, env)
    return results


def markdown(r: dict) -> str:
    (h_wall, h_tasks, h_busy, _), (d_wall, d_tasks, d_busy, _) = r["hourly"], r["daily"]
    m_wall, m_tasks, m_busy, m_runs = r["month"]
    per_run = (h_wall - d_wall) / 23
    executor = f"CeleryExecutor, {r['workers']} workers" if r["workers"] else "LocalExecutor"
    lines = [
        "## Backfill: a month of all 15 sources, and hourly against daily runs", "",
        f"`python -m bench.e2e.backfill --days-back {r['days_back']} --per-day {r['per_day']} --workers "
        f"{r['workers']} --write` on {r['machine']}: `bantin run --offline` in a home of its own ({executor}), "
        f"its replay serving {r['per_day']} articles per source per day up to now, the hourly runs going on as "
        "usual. Wall times run from the backfill's creation to the end of its last run, as Airflow records them; task "
        "time is the task instances' summed durations. One run of each, not a median of repeats: the whole "
        "benchmark takes about 35 minutes.", "",
        "| backfill | runs | task instances | wall | task time |", "|---|---|---|---|---|",
        f"| one day by hour (news_ingest) | 24 | {h_tasks} | {h_wall:.0f} s | {h_busy:.0f} s |",
        f"| one day by day (news_backfill) | 1 | {d_tasks} | {d_wall:.0f} s | {d_busy:.0f} s |",
        f"| {r['days_back']} days by day (`bantin backfill --days {r['days_back']}`) | {m_runs} | "
        f"{m_tasks} | {m_wall:.0f} s ({m_wall / 60:.1f} min) | {m_busy:.0f} s |", "",
        f"A day by hour takes **{h_wall / d_wall:.1f}×** the wall time of a day of the same size by "
        f"day: each of the 23 runs more adds {per_run:.0f} s of wall time at 2 runs at a time ((hourly − "
        f"daily) ÷ 23), {d_tasks} task processes and 15 crawls that fetch their feeds, listings and shards again. "
        f"A month by hour would spend about {per_run * 720 / 60:.0f} min on that alone: hence news_backfill. The "
        f"month's runs fetched {r['landed'][1]} article pages and stored {r['landed'][2]} new articles in "
        f"{r['landed'][0]} per-source loads, {r['landed'][1] / m_wall:.0f} pages/s over its wall time; "
        f"api.articles then held {r['articles'][0]} articles (the hourly and one-day runs' too), "
        f"{r['articles'][1]} distinct URLs." + (
            f" The backfill ran {m_runs} of the {r['days_back']} days: the last one already had its scheduled "
            "run, started when the one-day backfill before it unpaused the DAG." if m_runs < r["days_back"] else ""),
        "",
        "Peak memory per kind of process during the month, each sampled every second: the resident set (RSS), and the "
        "proportional set (PSS), which splits each shared page between the processes that share it. A Celery task "
        "is forked from its worker after the worker preloaded the tasks' imports (`bantin/celery_config.py`), so its "
        "RSS counts those pages again; PSS is what it adds.", "",
        "| process | peak RSS | peak PSS | target |", "|---|---|---|---|",
    ]
    lines += [f"| {kind} | {rss / 2 ** 20:.0f} MB | {r['pss'][kind] / 2 ** 20:.0f} MB | "
              f"{'≤ 300 MB' if kind in (TASK, CRAWL) else ''} |"
              for kind, rss in sorted(r["rss"].items(), key=lambda kv: -kv[1])]
    lines += ["", "`bantin backfill`'s own output: " + " / ".join(f"`{x}`" for x in r["month_output"][-3:])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days-back", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=150)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    args = parser.parse_args()
    publish("backfill", markdown(run(args.days_back, args.per_day, args.workers)), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
