"""End to end against the fetch limit and a peer, side by side on one replay: `make bench-e2e`.

One archive replay of all 15 sources (`--days` × `--per-day` articles per source, 10,000 article pages or more by
default), anchored at the start of today in Vietnam and served by a process of its own. In one run:
1. bantin's crawl stage against bare Scrapy, per source, on the URLs bantin's crawl requested
   (`bench.e2e.crawl_stage.measure`); those URLs, all sources together, are the list the next two fetch;
2. aiohttp fetching every URL of the list (the server's limit: the replay must not be what the others wait for);
3. bare Scrapy fetching the same list in one process (the fetch limit);
4. bantin end to end, crawl to `api.articles`: `bantin run --workers W` in a home of its own crawling the replay,
   then `bantin backfill` of the archive's days, on 1 and on 2 Celery workers; its time runs from the
   backfill's creation to the end of its last run, as Airflow records them;
5. news-please 1.6 in a venv of its own (`bench/e2e/news_please.py`), crawling the same archive served on the
   replay's own addresses (`bantin replay --own-address`), from each site's robots.txt sitemaps.

Fetch rates (2, 3) are medians over interleaved repeats; the end-to-end runs (4, 5) take minutes each, and are
repeated `--e2e-repeats` times. Process start-up, with and without a bytecode cache, comes last.
`python -m bench.e2e.e2e [--days 3] [--per-day 225] [--repeats 3] [--e2e-repeats 1] [--write]`.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from bench.dedup.common import bench_database, machine, publish
from bench.e2e import crawl_stage, news_please
from bench.e2e.backfill import airflow_env_of, backfill_seconds, last_backfill
from bench.e2e.home import fresh_home, probe, stop_stack, wait_for
from sources.dates import VN_TZ

REPO = Path(__file__).resolve().parents[2]
BANTIN = Path(sys.executable).with_name("bantin")
AIRFLOW = Path(sys.executable).with_name("airflow")
HOME = REPO / ".data" / "bench-e2e"
# 3 days × 225 articles × 15 sources = 10,125 article pages, the "10,000 pages or more"; three whole days
# make three backfill runs, so the end-to-end figure includes Airflow's cost per run.
ARCHIVE = (3, 225)
# Requests in flight for the fetchers of the whole list: bare Scrapy runs with the settings of the crawl-stage
# comparison (crawl_stage.UNTHROTTLED: 16 at once), and aiohttp keeps as many connections open.
CONCURRENCY = 16
# bare_spider.py's last line: `bare fetch: N pages/s over S s (R pages)`.
BARE_LINE = re.compile(r"over ([\d.]+) s \((\d+) pages\)")
# Start-up samples per process kind, with and without a bytecode cache.
STARTS = 5


def today_vn() -> datetime:
    return datetime.now(VN_TZ).replace(hour=0, minute=0, second=0, microsecond=0)


@contextmanager
def own_address_replay(anchor: datetime, archive: tuple[int, int]):
    """`bantin replay --own-address` in a process of its own: yields {host: base URL}."""
    proc = subprocess.Popen([str(BANTIN), "replay", "--own-address", "--anchor", anchor.isoformat(), "--days",
                             str(archive[0]), "--per-day", str(archive[1])], stdout=subprocess.PIPE, text=True)
    try:
        yield json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def _aiohttp_fetch(urls: list[str], base: str, timeout: float) -> tuple[int, float]:
    """(responses, seconds) for every URL through the replay's rewrite address, CONCURRENCY at a time; redirects
    are not followed (their Location is the live site's)."""
    import aiohttp

    from crawlers.middlewares import replay_url

    queue = asyncio.Queue()
    for url in urls:
        queue.put_nowait(replay_url(url, base))
    got = 0

    async def worker(session):
        nonlocal got
        while not queue.empty():
            url = queue.get_nowait()
            try:
                async with session.get(url, allow_redirects=False) as response:
                    await response.read()
                    got += 1
            except (TimeoutError, aiohttp.ClientError):
                pass  # the archive's bad answers (truncated, slow): bare Scrapy gives up on them too

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(CONCURRENCY)))
        return got, time.perf_counter() - t0


def _bare_fetch(env: dict, urls_file: str) -> tuple[int, float]:
    """(responses, seconds) of bare Scrapy fetching the list, from its own last line."""
    done = subprocess.run(crawl_stage.bare_command(urls_file, *crawl_stage.UNTHROTTLED), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=1800)
    found = BARE_LINE.findall(done.stderr)
    if done.returncode or not found:
        raise RuntimeError(f"bare Scrapy exited {done.returncode}:\n{done.stderr[-2000:]}")
    seconds, responses = found[-1]
    return int(responses), float(seconds)


def fetch_limits(env: dict, urls_file: str, repeats: int) -> dict:
    """aiohttp and bare Scrapy on the whole list, interleaved: {name: [(responses, seconds)]}."""
    with open(urls_file, encoding="utf-8") as fh:
        urls = fh.read().split()
    out = {"aiohttp": [], "bare": []}
    for r in range(repeats):
        for name in (("aiohttp", "bare") if r % 2 == 0 else ("bare", "aiohttp")):
            if name == "aiohttp":
                out[name].append(asyncio.run(_aiohttp_fetch(urls, env["BANTIN_REPLAY_URL"],
                                                            float(env["BANTIN_DOWNLOAD_TIMEOUT"]))))
            else:
                out[name].append(_bare_fetch(env, urls_file))
    return out


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat's first line: user, nice, system, idle,
    iowait, irq, softirq, steal (guest time is already inside user and nice). Busy is what ran here: neither
    idle, iowait nor time the hypervisor stole."""
    with open("/proc/stat", encoding="ascii") as fh:
        user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in fh.readline().split()[1:9])
    busy = user + nice + system + irq + softirq
    return busy, busy + idle + iowait + steal


@contextmanager
def cpu_samples(every: float = 0.5):
    """Sample the machine's CPU counters every `every` seconds while the block runs: yields the list of
    (epoch seconds, busy jiffies, total jiffies) being filled."""
    import threading

    samples, stop = [], threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((time.time(), *_cpu_jiffies()))
            stop.wait(every)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


def busy_share(samples: list, start: float, end: float) -> float:
    """The share of all CPUs' time that was busy between the samples nearest `start` and `end`."""
    first = min(samples, key=lambda s: abs(s[0] - start))
    last = min(samples, key=lambda s: abs(s[0] - end))
    return (last[1] - first[1]) / max(1, last[2] - first[2])


def end_to_end(replay_env: dict, workers: int, since: datetime, until: datetime) -> dict:
    """One backfill of [since, until) by a `bantin run --workers N` of its own crawling the replay of
    `replay_env`: what Airflow recorded of it, what it stored, and which workers ran its tasks."""

    home = HOME / f"workers{workers}"
    env = fresh_home(home, BANTIN_REPLAY_URL=replay_env["BANTIN_REPLAY_URL"],
                     BANTIN_DOWNLOAD_TIMEOUT=replay_env["BANTIN_DOWNLOAD_TIMEOUT"])
    log = home / "run.log"
    with open(log, "wb") as out:
        stack = subprocess.Popen([str(BANTIN), "run", "--workers", str(workers)], env=env, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for("the DAGs parsed", lambda: len(probe(env, "SELECT 1 FROM dag WHERE dag_id IN "
                                                        "('news_ingest', 'news_backfill')")) == 2, 300, log)
        # The hourly DAG starts unpaused; its hour lies after the archive's anchor, and it must not share the
        # machine with the backfill being timed. Paused, no task of it starts; those already running end.
        subprocess.run([str(AIRFLOW), "dags", "pause", "news_ingest"], env=airflow_env_of(env), check=True,
                       capture_output=True)
        wait_for("the hourly run's tasks before the pause", lambda: not probe(
            env, "SELECT 1 FROM task_instance WHERE dag_id = 'news_ingest' AND state = 'running'"), 600, log)
        with cpu_samples() as cpu:
            follow = subprocess.run([str(BANTIN), "backfill", "--since", since.date().isoformat(), "--until",
                                     until.date().isoformat()], env=env, capture_output=True, text=True)
        if follow.returncode:
            raise RuntimeError(f"bantin backfill exited {follow.returncode}: {follow.stdout[-2000:]}"
                               f"{follow.stderr[-2000:]}\n{log.read_text()[-3000:]}")
        backfill = last_backfill(env, "news_backfill")
        wall, tasks, busy, runs = backfill_seconds(env, backfill)
        ((created,),) = probe(env, f"SELECT extract(epoch FROM created_at) FROM backfill WHERE id = {backfill}")
        run_ids = [r for (r,) in probe(env, "SELECT dr.run_id FROM backfill_dag_run bdr JOIN dag_run dr ON "
                                            f"dr.id = bdr.dag_run_id WHERE bdr.backfill_id = {backfill}")]
        hosts = probe(env, "SELECT DISTINCT hostname FROM task_instance WHERE dag_id = 'news_backfill' AND run_id "
                           f"IN ({', '.join(repr(r) for r in run_ids)})")
        names = ", ".join(repr(f"news_backfill:{r}") for r in run_ids)
        ((pages,),) = probe(env, "SELECT coalesce(sum(pages_fetched), 0) FROM api.run_stats WHERE load_number = 1 "
                                 f"AND run_id IN ({names})", warehouse=True)
        ((articles, urls),) = probe(env, "SELECT count(*), count(DISTINCT url) FROM api.articles", warehouse=True)
        return {"workers": workers, "seconds": wall, "tasks": tasks, "task_seconds": busy, "runs": runs,
                "pages": int(pages), "articles": articles, "distinct_urls": urls,
                "cpu_busy": busy_share(cpu, float(created), float(created) + wall),
                "hosts": sorted(h.rsplit("-", 1)[-1] for (h,) in hosts)}
    finally:
        stop_stack(stack, env)


def peer(anchor: datetime, archive: tuple[int, int], timeout: float) -> dict:
    """news-please over the archive on the replay's own addresses, one SitemapCrawler per source from the root
    of its site (robots.txt names the sitemaps). Returns news_please.run's figures plus articles per source."""
    from sources import load_profile, source_names

    python = news_please.ensure_venv(REPO / ".data" / "bench-venvs" / "news-please")
    with own_address_replay(anchor, archive) as sites:
        entries, port_of = [], {}
        for name in source_names():
            host = load_profile(name)["domain"]
            base = sites.get(host) or sites[f"www.{host}"]
            entries.append({"name": name, "url": base + "/", "crawler": "SitemapCrawler"})
            port_of["127.0.0.1_" + base.rsplit(":", 1)[1]] = name
        with cpu_samples() as cpu:
            launched = time.time()
            result = news_please.run(python, entries, HOME / "news-please", timeout)
    result["cpu_busy"] = busy_share(cpu, launched, launched + result["seconds"])
    result["by_source"] = {port_of.get(folder, folder): n for folder, n in result.pop("by_site").items()}
    return result


def start_up(samples: int = STARTS) -> dict:
    """Median wall seconds to start a crawl process and a clean task's imports, with the venv's bytecode cache
    and without any (PYTHONPYCACHEPREFIX at an empty folder: no .pyc is found, and none is written)."""
    commands = {
        "`scrapy list` (Scrapy, the project's settings and spider)": [
            sys.executable, "-c", "import sys; sys.argv = ['scrapy', 'list']; from scrapy.cmdline import execute; "
                                  "execute()"],
        "a clean task's imports (Airflow's task runner, the transforms)": [
            sys.executable, "-c", "import airflow.sdk.execution_time.task_runner, transforms.stages, "
                                  "transforms.extract, transforms.minhash, psycopg2.extras"],
    }
    out = {}
    with tempfile.TemporaryDirectory() as empty:
        for label, cmd in commands.items():
            for cache, extra in (("with", {}), ("without", {"PYTHONPYCACHEPREFIX": empty})):
                times = []
                for _ in range(samples):
                    t0 = time.perf_counter()
                    subprocess.run(cmd, cwd=REPO, env={**os.environ, **extra}, check=True, capture_output=True)
                    times.append(time.perf_counter() - t0)
                out[(label, cache)] = statistics.median(times)
    return out


def run(days: int, per_day: int, repeats: int, e2e_repeats: int, workers: tuple[int, ...] = (1, 2),
        starts: int = STARTS) -> dict:
    import psycopg2

    from bantin.stack import replay
    from sources import source_names

    anchor = today_vn()
    since, archive = anchor - timedelta(days=days), (days, per_day)
    window = (since, anchor + timedelta(seconds=1))
    url = bench_database("bantin_bench_e2e")
    env = {**os.environ, "BANTIN_DATABASE_URL": url}
    results = {"days": days, "per_day": per_day, "repeats": repeats, "e2e_repeats": e2e_repeats, "starts": starts}
    with replay(env, anchor=anchor.isoformat(), archive=archive), tempfile.TemporaryDirectory() as tmp:
        stage = crawl_stage.measure(env, url, repeats, tuple(source_names()), window, tmp)
        results["crawl_stage"] = crawl_stage.ratios(stage)
        every = os.path.join(tmp, "all.txt")
        with open(every, "w", encoding="utf-8") as fh:
            for source in source_names():
                with open(stage[source]["urls"], encoding="utf-8") as part:
                    fh.write(part.read().strip() + "\n")
        results["fetch"] = fetch_limits(env, every, repeats)
        results["e2e"] = [end_to_end(env, w, since, anchor) for _ in range(e2e_repeats) for w in workers]
    results["news_please"] = [peer(anchor, archive, timeout=3600) for _ in range(e2e_repeats)]
    results["start_up"] = start_up(starts)
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        results["machine"] = machine(cur)
    conn.close()
    return results


def _median_rate(samples: list[tuple[int, float]]) -> float:
    return statistics.median(n / s for n, s in samples)


def markdown(r: dict) -> str:
    stage = r["crawl_stage"]
    urls = sum(p for p, _, _ in stage.values())
    # The crawl stage over all sources: every URL over the summed per-source medians, each side.
    bantin_stage = urls / sum(p / b for p, b, _ in stage.values())
    bare_stage = urls / sum(p / f for p, _, f in stage.values())
    aio, bare = _median_rate(r["fetch"]["aiohttp"]), _median_rate(r["fetch"]["bare"])
    by_workers = {w: [e for e in r["e2e"] if e["workers"] == w] for w in sorted({e["workers"] for e in r["e2e"]})}
    e2e = {w: statistics.median(e["pages"] / e["seconds"] for e in runs) for w, runs in by_workers.items()}
    e2e_articles = {w: statistics.median(e["articles"] / e["seconds"] for e in runs)
                    for w, runs in by_workers.items()}
    most = max(e2e)  # the figures against the others are quoted for the most workers measured
    np_runs = r["news_please"]
    np_articles = statistics.median(p["articles"] / p["seconds"] for p in np_runs)
    np_pages = statistics.median((p["responses"] or 0) / p["seconds"] for p in np_runs)
    total = r["days"] * r["per_day"] * 15

    def met(value: float, target: float) -> str:
        return f"{value:.2f}× ({'**met**' if value >= target else '**not met**'})"

    lines = [
        "## End to end: bantin against the fetch limit and news-please", "",
        f"`python -m bench.e2e.e2e --days {r['days']} --per-day {r['per_day']} --repeats {r['repeats']} "
        f"--e2e-repeats {r['e2e_repeats']} --write` on {r['machine']}. One archive replay of all 15 sources, "
        f"{r['days']} days × {r['per_day']} articles per source and day ({total:,} article pages) up to the start "
        "of today, in a process of its own. The list is every URL bantin's crawl of each source requested over "
        f"the archive (articles, feeds, listings, sitemap shards): {urls:,} URLs. Fetch rates are medians of "
        f"{r['repeats']} interleaved repeats; each end-to-end run is timed once per repeat "
        f"({r['e2e_repeats']}), the median quoted.", "",
        "| contender | what it does | pages/s | articles/s |", "|---|---|---|---|",
        f"| aiohttp, {CONCURRENCY} connections | fetches the list (the server's limit) | {aio:.0f} |  |",
        f"| bare Scrapy, {CONCURRENCY} requests at once | fetches the list, one process (the fetch limit) | "
        f"{bare:.0f} |  |",
        f"| bare Scrapy, per source | fetches each source's list, one source at a time | {bare_stage:.0f} |  |",
        f"| bantin crawl stage, per source | `scrapy crawl site`: discovers, fetches, lands in `raw.pages` | "
        f"{bantin_stage:.0f} |  |",
    ]
    for w in e2e:
        lines.append(f"| bantin end to end, {w} Celery worker{'s' if w > 1 else ''} | `bantin backfill` of the "
                     f"{r['days']} days: crawl → clean → dedupe → load → `api.articles` | {e2e[w]:.0f} | "
                     f"{e2e_articles[w]:.0f} |")
    lines += [f"| news-please 1.6.16 | crawls each site's robots.txt sitemaps, extracts, stores JSON files | "
              f"{np_pages:.0f} | {np_articles:.0f} |", "",
              "| figure | target | measured |", "|---|---|---|",
              f"| aiohttp ÷ bare Scrapy: the server is not the limit | > 1 | {aio / bare:.2f}× |",
              f"| bantin crawl stage ÷ bare Scrapy, same URLs and settings | ≥ 0.9 | "
              f"{met(bantin_stage / bare_stage, 0.9)} (median per source "
              f"{statistics.median(b / f for _, b, f in stage.values()):.2f}×) |",
              f"| bantin end to end ÷ bare Scrapy fetch, {most} workers | ≥ 0.7 | {met(e2e[most] / bare, 0.7)} |",
              *([f"| end to end on 2 workers ÷ on 1 worker | ≥ 1.7 | {met(e2e[2] / e2e[1], 1.7)} |"]
                if {1, 2} <= set(e2e) else []),
              f"| bantin end to end ÷ news-please end to end, articles/s | ≥ 2.0 | "
              f"{met(e2e_articles[most] / np_articles, 2.0)} |", "",
              "What each end-to-end run did:", "",
              "| run | seconds | runs | task instances | task seconds | article pages | articles stored | ran on "
              "| CPUs busy |", "|---|---|---|---|---|---|---|---|---|"]
    for e in r["e2e"]:
        lines.append(f"| bantin, {e['workers']} worker{'s' if e['workers'] > 1 else ''} | {e['seconds']:.0f} | "
                     f"{e['runs']} | {e['tasks']} | {e['task_seconds']:.0f} | {e['pages']:,} | {e['articles']:,} "
                     f"({e['distinct_urls']:,} distinct URLs) | {', '.join(e['hosts'])} | "
                     f"{e['cpu_busy']:.0%} |")
    for p in np_runs:
        found = ", ".join(f"{s} {n}" for s, n in sorted(p["by_source"].items()))
        lines.append(f"| news-please | {p['seconds']:.0f} | {p['crawler_processes']} crawler processes, "
                     f"{p['parallel_peak']} at once |  |  | {p['responses'] or 0:,} responses | {p['articles']:,} "
                     f"({found}) |  | {p['cpu_busy']:.0%} |")
    lines += ["", f"Process start-up (median wall seconds of {r['starts']}; without a cache: nothing read "
              "from or written to a bytecode cache, as on a fresh venv on these machines, which set "
              "`PYTHONDONTWRITEBYTECODE`; `make` compiles the venv's bytecode once, `uv sync --compile-bytecode`):",
              "", "| process | with the cache | without |", "|---|---|---|"]
    starts = r["start_up"]
    for label in dict.fromkeys(k for k, _ in starts):
        lines.append(f"| {label} | {starts[(label, 'with')]:.2f} s | {starts[(label, 'without')]:.2f} s |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=ARCHIVE[0])
    parser.add_argument("--per-day", type=int, default=ARCHIVE[1])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--e2e-repeats", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    args = parser.parse_args()
    results = run(args.days, args.per_day, args.repeats, args.e2e_repeats)
    with open(HOME / "results.json", "w", encoding="utf-8") as fh:
        json.dump({k: v for k, v in results.items() if k != "start_up"}, fh, indent=1, default=str)
    publish("e2e", markdown(results), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
