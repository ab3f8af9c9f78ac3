"""bantin's crawl stage against the fetch limit, side by side on the same replay and URLs.

Per source, over the archive replay of all 15 sources (ARCHIVE: days × articles per source per day), the whole
archive as one backfill window:
- bantin: `scrapy crawl site` (discovery, fetch, landing into PostgreSQL), its rate from its own summary line;
- bare Scrapy: `bench/e2e/bare_spider.py` downloading exactly the URLs bantin's crawl requested (its feeds,
  listings and sitemap shards as well as its articles; robots.txt both fetch for themselves), nothing else.

Both run with politeness off, as on the replay (no delay, no AutoThrottle), and 16 requests per site, so the
landing pipeline, not the per-site limit, decides the pace; the replay runs in a process of its own. Repeats
interleave the two; the table quotes medians. `python -m bench.e2e.crawl_stage [--repeats 5] [--write]`;
`bench.e2e.e2e` runs the same comparison on its larger archive.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime

from bench.dedup.common import bench_database, machine, publish
from sources.dates import VN_TZ

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Two days of 150 articles per source: a crawl of a few hundred pages per source, 4,500 in all, so discovery's
# first fetches (feeds, listings, shards before the first article) weigh as in a backfill's day.
ARCHIVE = (2, 150)
# The replay's default anchor and the whole archive before it.
START, END = datetime(2026, 3, 5, 12, tzinfo=VN_TZ), datetime(2026, 3, 7, 12, 0, 1, tzinfo=VN_TZ)
UNTHROTTLED = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "CONCURRENT_REQUESTS=16", "-s", "DOWNLOAD_DELAY=0",
               "-s", "AUTOTHROTTLE_ENABLED=False"]
RATE = re.compile(r"([\d.]+) pages/s over ([\d.]+) s")


def _elapsed(cmd: list[str], env: dict, marker: str) -> tuple[float, float]:
    """(seconds inside the crawl, wall seconds of the whole process) from the crawl's own last rate line."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t0
    lines = [line for line in done.stderr.splitlines() if marker in line]
    if done.returncode != 0 or not lines or float(RATE.search(lines[-1]).group(1)) == 0:
        raise RuntimeError(f"{' '.join(cmd[:6])}... exited {done.returncode}:\n{done.stderr[-2000:]}")
    return float(RATE.search(lines[-1]).group(2)), wall


def _crawl(source: str, run_id: str, window: tuple[datetime, datetime] = (START, END), *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"source={source}", "-a", f"run_id={run_id}",
            "-a", f"start={window[0].isoformat()}", "-a", f"end={window[1].isoformat()}", *UNTHROTTLED, *extra]


# Scrapy's DEBUG line for every response the engine received: `Crawled (200) <GET https://...> (referer: ...)`.
CRAWLED = re.compile(r"Crawled \(\d+\) <GET (\S+)>")


def requested_urls(source: str, run_id: str, env: dict, db_url: str,
                   window: tuple[datetime, datetime] = (START, END)) -> list[str]:
    """An untimed crawl of `source` (which also warms the caches): every URL it requested and got an answer
    for (its DEBUG log), and every page it landed or recorded as failed, robots.txt aside."""
    import psycopg2

    done = subprocess.run(_crawl(source, run_id, window, "-s", "LOG_LEVEL=DEBUG"), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"the first crawl of {source} exited {done.returncode}:\n{done.stderr[-2000:]}")
    conn = psycopg2.connect(db_url)
    with conn, conn.cursor() as cur:
        cur.execute("""SELECT url FROM raw.pages WHERE run_id = %(run)s
                       UNION ALL SELECT url FROM raw.fetch_failures WHERE run_id = %(run)s""", {"run": run_id})
        landed = [row[0] for row in cur.fetchall()]
    conn.close()
    urls = dict.fromkeys(CRAWLED.findall(done.stderr) + landed)
    return [u for u in urls if not u.endswith("/robots.txt")]


def bare_command(urls_file: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "runspider", "bench/e2e/bare_spider.py", "-a", f"urls={urls_file}",
            "-s", "ITEM_PIPELINES={}", *extra]


def measure(env: dict, db_url: str, repeats: int, sources: tuple[str, ...], window: tuple[datetime, datetime],
            tmp: str) -> dict:
    """Both sides per source on the replay `env` names (BANTIN_REPLAY_URL), into the warehouse at `db_url`.
    Returns {source: {"bantin": [(elapsed, wall)...], "bare": [...], "pages": URLs, "urls": URL file}}."""
    results = {s: {"bantin": [], "bare": [], "pages": 0} for s in sources}
    for source in sources:
        urls = requested_urls(source, f"bench__{source}_urls", env, db_url, window)
        results[source]["urls"] = os.path.join(tmp, f"{source}.txt")
        with open(results[source]["urls"], "w", encoding="utf-8") as fh:
            fh.write("\n".join(urls))
        results[source]["pages"] = len(urls)
    for r in range(repeats):
        for source in sources:
            runs = {"bantin": lambda s=source, r=r: _elapsed(_crawl(s, f"bench__{s}_{r}", window), env,
                                                             "crawl summary"),
                    "bare": lambda s=source: _elapsed(bare_command(results[s]["urls"], *UNTHROTTLED), env,
                                                      "bare fetch")}
            # Alternate who goes first, so neither always meets the other's warm or cold cache.
            for name in (("bantin", "bare") if r % 2 == 0 else ("bare", "bantin")):
                results[source][name].append(runs[name]())
    return results


def run(repeats: int, sources: tuple[str, ...] | None = None) -> dict:
    import psycopg2

    from bantin.stack import replay
    from sources import source_names

    url = bench_database("bantin_bench_crawl")
    env = {**os.environ, "BANTIN_DATABASE_URL": url}
    with replay(env, archive=ARCHIVE), tempfile.TemporaryDirectory() as tmp:
        results = measure(env, url, repeats, sources or tuple(source_names()), (START, END), tmp)
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        results["machine"] = machine(cur)
    conn.close()
    return results


def ratios(results: dict) -> dict[str, tuple[int, float, float]]:
    """{source: (URLs, bantin pages/s, bare Scrapy pages/s)} from the medians of the repeats."""
    out = {}
    for source, row in results.items():
        if isinstance(row, dict) and "bantin" in row:
            out[source] = (row["pages"], row["pages"] / statistics.median(e for e, _ in row["bantin"]),
                           row["pages"] / statistics.median(e for e, _ in row["bare"]))
    return out


def markdown(results: dict, repeats: int) -> str:
    lines = ["## Crawl stage: bantin's `scrapy crawl site` against bare Scrapy", "",
             f"`python -m bench.e2e.crawl_stage --repeats {repeats} --write` on {results['machine']}. "
             f"Per source, the archive replay ({ARCHIVE[0]} days × {ARCHIVE[1]} articles per source and day) as "
             "one backfill window: bantin discovers, fetches and lands every page into PostgreSQL; bare Scrapy "
             "(`bench/e2e/bare_spider.py`) only downloads the URLs bantin requested (feeds, listings and sitemap "
             "shards as well as articles), with the same settings (the project's, the replay rewrite included): "
             "no delay, no AutoThrottle, 16 requests per site, the replay in a process of its own. Rates are those "
             "URLs over each crawl's own elapsed time (process start excluded); medians of the repeats, "
             "interleaved.", "",
             "| source | URLs | bantin pages/s | bare Scrapy pages/s | bantin ÷ bare | target |",
             "|---|---|---|---|---|---|"]
    rates = ratios(results)
    for source, (pages, bantin, bare) in rates.items():
        lines.append(f"| {source} | {pages} | {bantin:.0f} | {bare:.0f} | {bantin / bare:.2f}× | ≥ 0.9× |")
    lines += ["", f"Median ratio over the {len(rates)} sources: "
              f"**{statistics.median(b / f for _, b, f in rates.values()):.2f}×**. bantin must fetch a source's "
              "discovery pages before it knows its articles; bare Scrapy is given every URL at once. Both wait out "
              "the same bad routes: the synthetic sites' slow page costs each the download timeout, so "
              "bienphong's row measures that timeout, not the crawl."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    args = parser.parse_args()
    publish("crawl-stage", markdown(run(args.repeats), args.repeats), args.write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
