"""The queries a downstream tool makes, timed on a warehouse of N articles as bantin_reader, cache warm.

    python -m bench.api [--size 1000000] [--repeats 30] [--keep] [--reuse] [--write]

The warehouse (`bantin_bench_api_<size>`) is built with the dedup benchmark's corpus (bench/dedup/corpus.py:
one article every 2 minutes across 15 outlets, 3-5 KB bodies, 30 % reprints that share their original's story)
through COPY into core.articles with its full bodies, so the search vectors, the change feed and every table
the load keeps are filled as the loads would fill them. Around the articles sit what an hourly pipeline leaves
over the same span: a crawl and a run-statistics entry per source and hour, the last 30 days of raw pages
(`BANTIN_RAW_RETENTION_DAYS`) and some fetch failures, and an earlier version of one article in fifty.

`--reuse` measures a warehouse a `--keep` run left, after bringing it up to date with `bantin db migrate`'s
migrate() (the time the upgrade took is reported): the same data, before and after a schema change.

Each query runs once untimed, then `--repeats` times; the report gives the median and the 95th percentile,
and `EXPLAIN (ANALYZE, BUFFERS)` of every query whose median misses the target.
"""
from __future__ import annotations

import argparse
import io
import multiprocessing
import re
import statistics
import sys
import time
from datetime import timedelta

from bench.dedup import corpus
from bench.dedup.common import bench_database, copy_line, machine, publish

TARGET_MS = 50  # the goal for every query at a million articles
CHUNK = 2000  # articles per COPY: a worker's share of generation, and one statement's change-feed rows
RAW_DAYS = 30  # raw pages kept: BANTIN_RAW_RETENTION_DAYS' default
_COLUMNS = ("article_id, source, canonical_url, url, title, sapo, body, authors, published_at, language, body_hash, "
            "first_seen_at, last_seen_at, first_run_id, last_run_id, story_id, relation")


def _run_id(at) -> str:
    return f"scheduled__{at.replace(minute=0, second=0, microsecond=0).isoformat()}"


def _chunk(task: tuple[int, int]) -> str:
    start, n = task
    lines = []
    for a in corpus.articles(n, start):
        story = (a.reprint_of if a.reprint_of is not None else a.index) + 1
        seen = a.published_at + timedelta(minutes=5)
        lines.append(copy_line((a.index + 1, a.source, a.url, a.url, a.title, a.sapo, a.body, a.authors,
                                a.published_at, "vi", f"h{a.index}", seen, seen, _run_id(seen), _run_id(seen),
                                story, "original" if a.reprint_of is None else "reprint")))
    return "".join(lines)


# What an hourly pipeline leaves around its articles, made by the server from the articles' own span.
_SURROUNDINGS = f"""
WITH span AS (SELECT date_trunc('hour', min(first_seen_at)) AS lo, max(first_seen_at) AS hi FROM core.articles),
hours AS (SELECT h FROM span, generate_series(span.lo, span.hi, interval '1 hour') AS h),
sources AS (SELECT DISTINCT source FROM core.articles)
INSERT INTO raw.crawls (run_id, source, window_start, window_end, started_at, finished_at, finish_reason,
                        pages_received, pages_landed)
SELECT 'scheduled__' || to_char(h AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00', s.source, h,
       h + interval '1 hour', h + interval '1 hour', h + interval '1 hour 2 minutes', 'finished', 3, 3
FROM hours, sources AS s;

INSERT INTO core.run_source_stats (run_id, source, window_start, window_end, pages_fetched, fetch_failures,
                                   articles_new, articles_updated, articles_duplicate, rejected,
                                   rejects_by_reason, loaded_at, load_number, load_kind)
SELECT run_id, source, window_start, window_end, 3, 0, 3, 0, 0, 0, '{{}}', finished_at + interval '1 minute', 1,
       'run'
FROM raw.crawls;

INSERT INTO raw.pages (run_id, source, url, final_url, status, fetched_at, body_gz, body_bytes, discovered_via)
SELECT first_run_id, source, url, url, 200, first_seen_at, '\\x1f8b'::bytea, 4096, 'listing'
FROM core.articles WHERE first_seen_at > (SELECT max(first_seen_at) FROM core.articles) - interval '{RAW_DAYS} days';

INSERT INTO raw.fetch_failures (run_id, source, url, reason, detail, failed_at)
SELECT first_run_id, source, url || '?gone', 'http_404', 'bench', first_seen_at
FROM core.articles
WHERE first_seen_at > (SELECT max(first_seen_at) FROM core.articles) - interval '{RAW_DAYS} days'
  AND article_id % 50 = 0;

INSERT INTO core.article_versions (article_id, version, title, sapo, body, authors, published_at, modified_at,
                                   body_hash, replaced_at, replaced_by_run)
SELECT article_id, 1, title, sapo, left(body, 1000), authors, published_at, NULL, body_hash || 'v1',
       first_seen_at + interval '2 hours', last_run_id
FROM core.articles WHERE article_id % 50 = 7;
UPDATE core.articles SET version = 2, body_hash = body_hash || 'v2' WHERE article_id % 50 = 7;
"""


def build(url: str, size: int) -> float:
    """Fill a migrated, empty warehouse with `size` articles and what surrounds them; seconds taken.

    The search (GIN) indexes are dropped during the COPY and built after (one sort beats a million GIN inserts); every
    trigger stays on, so what the load keeps (the change feed, and whatever a migration adds) is kept here too."""
    import psycopg2

    t0 = time.perf_counter()
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'core' AND tablename = 'articles' "
                    "AND indexdef LIKE '% USING gin %'")
        gin = cur.fetchall()
        for name, _ in gin:
            cur.execute(f"DROP INDEX core.{name}")
        indexes = [ddl for _, ddl in gin]
    chunks = [(s, min(CHUNK, size - s)) for s in range(0, size, CHUNK)]
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # the server computes the vectors on the other core
        for done, text in enumerate(pool.imap(_chunk, chunks), 1):
            with conn, conn.cursor() as cur:
                cur.copy_expert(f"COPY core.articles ({_COLUMNS}) FROM STDIN", io.StringIO(text))
            if done % 50 == 0:
                print(f"  {done * CHUNK:,} articles, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    with conn, conn.cursor() as cur:
        cur.execute(_SURROUNDINGS)
        cur.execute("SET maintenance_work_mem = '1GB'")
        for ddl in indexes:
            cur.execute(ddl)
        cur.execute("SELECT setval('core.articles_article_id_seq', %s), setval('core.story_id_seq', %s)",
                    (size, size))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()
    return time.perf_counter() - t0


def _misspelt(title: str) -> str:
    """The first six words of `title` typed without diacritics, its longest word with two letters swapped: what
    the fuzzy title match is for (no text match, since one word is wrong)."""
    import unicodedata

    plain = unicodedata.normalize("NFD", title.lower().replace("đ", "d"))
    words = "".join(c for c in plain if not unicodedata.combining(c)).split()[:6]
    i = max(range(len(words)), key=lambda k: len(words[k]))
    words[i] = words[i][:1] + words[i][2:3] + words[i][1:2] + words[i][3:]
    return " ".join(words)


def queries(cur) -> list[tuple[str, str, tuple]]:
    """(label, SQL, parameters) of what a downstream tool asks, anchored on the warehouse's newest article."""
    cur.execute("SELECT max(published_at) FROM api.articles")
    newest = cur.fetchone()[0]
    day = newest.replace(hour=0, minute=0, second=0, microsecond=0)
    cur.execute("SELECT story_id FROM api.articles WHERE relation = 'reprint' AND published_at >= %s LIMIT 1",
                (day - timedelta(days=1),))
    story = cur.fetchone()[0]
    cur.execute("SELECT title FROM api.articles ORDER BY published_at DESC NULLS LAST LIMIT 1")
    misspelt = _misspelt(cur.fetchone()[0])
    cur.execute("SELECT max(change_id) FROM api.article_changes")
    last_change = cur.fetchone()[0]
    return [
        ("latest 50 articles of a source",
         "SELECT article_id, title, published_at FROM api.articles WHERE source = %s "
         "ORDER BY published_at DESC LIMIT 50", ("vnexpress",)),
        ("a day's articles across sources",
         "SELECT article_id, source, title FROM api.articles WHERE published_at >= %s AND published_at < %s "
         "ORDER BY published_at", (day, day + timedelta(days=1))),
        ("api.daily_source_counts, 30 days",
         "SELECT * FROM api.daily_source_counts WHERE day > %s ORDER BY day, source",
         ((day - timedelta(days=30)).date(),)),
        ("api.stories, top 20 of the last day by outlets",
         "SELECT * FROM api.stories WHERE first_published_at >= %s "
         "ORDER BY cardinality(outlets) DESC, member_count DESC, story_id LIMIT 20", (newest - timedelta(days=1),)),
        ("one story's members",
         "SELECT article_id, source, title, relation FROM api.articles WHERE story_id = %s", (story,)),
        ("api.source_freshness", "SELECT * FROM api.source_freshness", ()),
        ("api.run_stats, latest 20", "SELECT * FROM api.run_stats ORDER BY loaded_at DESC LIMIT 20", ()),
        ("search, two words (kinh te)", "SELECT * FROM api.search_articles(%s, 20)", ("kinh te",)),
        ("search, two words, no hit (thuy dien)", "SELECT * FROM api.search_articles(%s, 20)", ("thuy dien",)),
        ('search, a phrase ("phat trien kinh te")', "SELECT * FROM api.search_articles(%s, 20)",
         ('"phat trien kinh te"',)),
        (f"search, a misspelt title ({misspelt})", "SELECT * FROM api.search_articles(%s, 20)", (misspelt,)),
        ("a page of the change feed (1,000 after a cursor)",
         "SELECT * FROM api.article_changes WHERE change_id > %s ORDER BY change_id LIMIT 1000",
         (max(last_change - 5000, 0),)),
    ]


def _plan(url: str, sql: str, params: tuple) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of `sql` as the reader runs it, the statements inside a function included:
    auto_explain hands each plan back as a notice (loading it needs the superuser the benchmark connects as)."""
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("LOAD 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_timing = on",
                        "log_nested_statements = on", "log_level = notice"):
            cur.execute(f"SET auto_explain.{setting}")
        cur.execute("SET ROLE bantin_reader")
        cur.execute(sql, params)
        cur.fetchall()
    conn.close()
    # One notice per statement, the innermost first; the caller's plan of a function says only "Function Scan",
    # and the helper functions called per row (core.f_unaccent) take microseconds: a plan under 1 ms is dropped.
    plans = [n.strip().removeprefix("NOTICE:  ") for n in conn.notices]
    return "\n".join(p for p in plans if float(re.match(r"duration: ([\d.]+)", p).group(1)) >= 1)


def measure(url: str, repeats: int) -> list[dict]:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    results = []
    with conn.cursor() as cur:
        cur.execute("SET ROLE bantin_reader")
        for label, sql, params in queries(cur):
            cur.execute(sql, params)  # warm
            rows = len(cur.fetchall())
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                cur.execute(sql, params)
                cur.fetchall()
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            result = {"label": label, "rows": rows, "median": statistics.median(times),
                      "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]}
            if result["median"] > TARGET_MS:
                result["plan"] = _plan(url, sql, params)
            results.append(result)
            print(f"  {label}: {result['median']:.1f} ms median, {result['p95']:.1f} ms p95, {rows} rows",
                  file=sys.stderr, flush=True)
    conn.close()
    return results


def render(results: list[dict], size: int, command: str, facts: str, repeats: int, built: str) -> str:
    met = sum(r["median"] <= TARGET_MS for r in results)
    lines = [
        "## The api queries at archive size",
        "",
        f"`{command}` on {facts}. A warehouse of **{size:,} articles** with full bodies ({built}), queried as "
        f"`bantin_reader` with the cache warm: each query once untimed, then {repeats} times. Target: every "
        f"median ≤ {TARGET_MS} ms. **{met} of {len(results)} met.**",
        "",
        "| query | rows | median ms | p95 ms | ≤ 50 ms |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['label']} | {r['rows']:,} | {r['median']:.1f} | {r['p95']:.1f} | "
                     f"{'yes' if r['median'] <= TARGET_MS else '**no**'} |")
    for r in results:
        if "plan" in r:
            lines += ["", f"`EXPLAIN (ANALYZE, BUFFERS)` of {r['label']}:", "```", r["plan"], "```"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="leave the warehouse for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="migrate and measure the warehouse a --keep run left")
    parser.add_argument("--write", action="store_true", help="rewrite the api section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    import psycopg2

    from warehouse.db import drop_database, server_url, with_database
    from warehouse.migrate import migrate

    name = f"bantin_bench_api_{args.size}"
    command = ".venv/bin/python -m bench.api " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.reuse:
        url = with_database(server_url(), name)
        t0 = time.perf_counter()
        migrate(url)
        built = f"kept from an earlier run, brought up to date by `migrate()` in {time.perf_counter() - t0:.0f} s"
    else:
        url = bench_database(name)
        built = f"built in {build(url, args.size) / 60:.0f} min"
    try:
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            facts = machine(cur)
        results = measure(url, args.repeats)
        publish("api", render(results, args.size, command, facts, args.repeats, built), args.write)
    finally:
        if not args.keep:
            drop_database(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
