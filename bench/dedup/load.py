"""Load throughput (the upsert path vs a raw COPY into core.articles) and the transform steps' peak RSS.

    python -m bench.dedup.load [--rows 10000] [--repeats 3] [--pages 100000] [--write]

Throughput, in a dedicated database (`bantin_bench_load`), side by side in one run, methods rotated per
repeat, the tables truncated and re-seeded before every timed step:
- upsert path: the staged rows written as `clean_run` writes them (`transforms.stages.flush_staged`, batches
  of BATCH_ROWS), `dedupe_run`, then `load_run`'s upsert statements (`sql/stages/load_*.sql`) under the loaders' lock;
- raw COPY: the same rows' core columns COPYed straight into core.articles (no staging, no decision).
Both pay core.articles' indexes and its generated search vectors. Rows are corpus articles of 3-5 KB.
At 50% already present, half the rows are seeded first (untimed): the upsert path then meets them as
unchanged duplicates, while the raw COPY, which cannot take a row that exists, gets as many fresh rows.
The story stage is not in either: `python -m bench.dedup.scale` measures it.

Peak RSS: `--pages` realistic raw pages (gzip HTML made from the recorded pages, their paragraphs, title and
URL replaced by corpus text) are landed in one run; clean_run, dedupe_run and load_run each run in a fresh
subprocess, whose peak RSS is its own `VmHWM` (interpreter and imports included).
"""
from __future__ import annotations

import argparse
import glob
import gzip
import html
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from bench.dedup import corpus
from bench.dedup.common import bench_database, copy_line, machine, mb, publish
from warehouse.db import drop_database

RUN_ID = "bench-load"
PAGES_RUN = "bench-load-pages"  # + the page count
_CORE_COLUMNS = ("source, canonical_url, url, title, sapo, dateline, body, authors, published_at, "
                 "published_at_raw, modified_at, seen_at, section, tags, image_url, language, captions, "
                 "extracted_by, body_hash, first_seen_at, last_seen_at, first_run_id, last_run_id")


def staged_rows(n: int) -> list[tuple]:
    """n staging rows exactly as clean_run builds them (`staging_row`: body hash, MinHash signature)."""
    from transforms.stages import staging_row

    fetched = datetime(2026, 3, 7, tzinfo=UTC)
    rows = []
    for i, a in enumerate(corpus.articles(n)):
        page = {"page_id": i + 1, "source": a.source, "url": a.url, "fetched_at": fetched}
        article = {"canonical_url": a.url, "title": a.title, "sapo": a.sapo, "dateline": None, "body": a.body,
                   "authors": list(a.authors), "published_at": a.published_at, "published_at_raw": None,
                   "modified_at": None, "seen_at": None, "section": "kinh-doanh", "tags": [], "image_url": None,
                   "language": "vi", "captions": [], "extracted_by": {"body": "profile"}}
        rows.append(staging_row(RUN_ID, page, article))
    return rows


def _core_line(row: tuple, url_suffix: str = "") -> str:
    (run_id, _, source, _url, canonical, title, sapo, dateline, body, authors, published, published_raw,
     modified, seen, section, tags, image, language, captions, _credit, extracted_by, body_hash, fetched, _sig,
     _refused) = row
    return copy_line((source, canonical + url_suffix, canonical + url_suffix, title, sapo, dateline, body, authors,
                      published, published_raw, modified, seen, section, tags, image, language, captions,
                      extracted_by, body_hash, fetched, fetched, run_id, run_id))


def _reset(cur, seed: list[tuple]) -> None:
    cur.execute("TRUNCATE core.articles, staging.articles, core.run_source_stats CASCADE")
    if seed:
        cur.copy_expert(f"COPY core.articles ({_CORE_COLUMNS}) FROM STDIN",
                        io.StringIO("".join(_core_line(r) for r in seed)))
    cur.execute("ANALYZE core.articles")


def upsert_path(url: str, rows: list[tuple]) -> float:
    import psycopg2
    from psycopg2.extras import execute_values

    from transforms import stages
    from transforms.stories import lock_stories, open_decisions
    from warehouse.sql import stage_sql

    t0 = time.perf_counter()
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as out:
            for i in range(0, len(rows), stages.BATCH_ROWS):
                batch = [({"page_id": row[1]}, row) for row in rows[i:i + stages.BATCH_ROWS]]
                stages.flush_staged(out, batch, [], execute_values)
        stages.dedupe_run(url, RUN_ID)
        with conn, conn.cursor() as cur:
            lock_stories(cur)
            open_decisions(cur)  # left empty: the story stage is measured by bench.dedup.scale
            for statement in stages.LOAD_STATEMENTS:
                cur.execute(stage_sql(statement), {"run": RUN_ID})
    finally:
        conn.close()
    return time.perf_counter() - t0


def raw_copy(url: str, rows: list[tuple]) -> float:
    import psycopg2

    t0 = time.perf_counter()
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            buf = io.StringIO("".join(_core_line(r, "?raw") for r in rows))
            cur.copy_expert(f"COPY core.articles ({_CORE_COLUMNS}) FROM STDIN", buf)
    finally:
        conn.close()
    return time.perf_counter() - t0


def throughput(url: str, n: int, repeats: int) -> list[dict]:
    import psycopg2

    rows = staged_rows(n)
    out = []
    for present in (0.0, 0.5):
        seed = rows[:int(n * present)]
        times = {"upsert": [], "copy": []}
        for r in range(repeats):
            for name in (("upsert", "copy") if r % 2 == 0 else ("copy", "upsert")):
                conn = psycopg2.connect(url)
                with conn, conn.cursor() as cur:
                    _reset(cur, seed)
                conn.close()
                times[name].append(upsert_path(url, rows) if name == "upsert" else raw_copy(url, rows))
        ratios = [c / u for u, c in zip(times["upsert"], times["copy"])]
        out.append({"present": present, "rows": n,
                    "upsert": n / statistics.median(times["upsert"]), "copy": n / statistics.median(times["copy"]),
                    "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios)})
    return out


def _templates() -> list[dict]:
    """The recorded article pages whose body paragraphs appear verbatim in their HTML (so they can be swapped)."""
    out = []
    for path in sorted(glob.glob(os.path.join(corpus.REPO, "sources/*/pages/*.html"))):
        label = path[:-5] + ".json"
        if not os.path.exists(label):
            continue
        with open(path, encoding="utf-8") as fh:
            page = fh.read()
        with open(label, encoding="utf-8") as fh:
            expected = json.load(fh)
        paragraphs = [p for p in expected["body"].split("\n") if p.strip() and p in page]
        if len(paragraphs) * 2 < len([p for p in expected["body"].split("\n") if p.strip()]):
            continue  # mostly entity-encoded: the page would keep its recorded text
        out.append({"source": os.path.basename(os.path.dirname(os.path.dirname(path))), "html": page,
                    "url": expected["url"], "title": expected["title"], "paragraphs": paragraphs})
    return out


def _page(template: dict, index: int) -> tuple[str, bytes]:
    """A new article on the template's layout: its URL id, title and paragraphs replaced by corpus text."""
    a = corpus.original(index)
    m = re.search(r"\d+(?=\D*$)", template["url"])
    new_url = template["url"][:m.start()] + str(int(m.group(0)) + index + 1).zfill(len(m.group(0))) \
        + template["url"][m.end():]
    page = template["html"].replace(template["url"], new_url).replace(template["title"], html.escape(a.title, False))
    body = a.body.split("\n")
    for k, paragraph in enumerate(template["paragraphs"]):
        page = page.replace(paragraph, html.escape(body[k % len(body)], False))
    return new_url, gzip.compress(page.encode(), compresslevel=6)


def land_pages(url: str, run_id: str, n: int) -> None:
    import psycopg2

    templates = _templates()
    fetched = datetime(2026, 3, 7, tzinfo=UTC)
    headers = json.dumps({"Content-Type": "text/html; charset=utf-8"})
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM raw.pages WHERE run_id = %s", (run_id,))
        for source in sorted({t["source"] for t in templates}):
            cur.execute("""INSERT INTO raw.crawls (run_id, source, window_start, window_end, started_at)
                           VALUES (%s, %s, %s, %s, %s)""", (run_id, source, fetched, fetched, fetched))
        for start in range(0, n, 1000):
            lines = []
            for i in range(start, min(n, start + 1000)):
                t = templates[i % len(templates)]
                page_url, body_gz = _page(t, i)
                lines.append(copy_line((run_id, t["source"], page_url, page_url, 200,
                                        fetched + timedelta(seconds=i), headers, body_gz, len(body_gz) * 6)))
            cur.copy_expert("COPY raw.pages (run_id, source, url, final_url, status, fetched_at, headers, body_gz, "
                            "body_bytes) FROM STDIN", io.StringIO("".join(lines)))
    conn.close()


_STEP = """
import json, sys, time
from datetime import datetime, timezone
from transforms import stages
url, run, step = sys.argv[1:4]
t0 = time.perf_counter()
if step == "load_run":
    w = datetime(2026, 3, 7, tzinfo=timezone.utc)
    out = stages.load_run(url, run, w, w)
else:
    out = getattr(stages, step)(url, run)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report the parent's size at fork.
hwm = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": time.perf_counter() - t0, "maxrss": hwm, "out": str(out)[:300]}))
"""


def transform_rss(url: str, n: int) -> list[dict]:
    """Land n pages in a run of their own, then clean, dedupe and load it, each step in a fresh process."""
    import psycopg2

    run_id = f"{PAGES_RUN}-{n}"
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        _reset(cur, [])  # each size loads into an empty core, so the sizes differ only in pages
        cur.execute("TRUNCATE raw.pages, raw.crawls")
    conn.close()
    t0 = time.perf_counter()
    land_pages(url, run_id, n)
    out = [{"pages": n, "step": "land pages (benchmark's own COPY)", "seconds": time.perf_counter() - t0}]
    for step in ("clean_run", "dedupe_run", "load_run"):
        proc = subprocess.run([sys.executable, "-c", _STEP, url, run_id, step], cwd=corpus.REPO,
                              capture_output=True, text=True, check=True)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        out.append({"pages": n, "step": step, **result})
        print(n, step, result, flush=True)
    return out


def render(command: str, facts: str, rows: int, repeats: int, tput: list[dict], rss: list[dict],
           pages: list[int]) -> str:
    lines = ["## Load throughput and transform memory", "", "```", command, "```", "", f"Machine: {facts}.", "",
             f"Throughput: {rows:,} corpus articles (3–5 KB bodies), medians of {repeats} repeats, the two methods "
             "alternating who goes first; the ratio is the median of the per-repeat ratios. Upsert path = staging "
             "write as `clean_run` does it + `dedupe_run` + `load_run`'s upsert statements; raw COPY = the same "
             "rows' core columns COPYed into core.articles. Both pay the table's indexes and generated search "
             "vectors; the story stage is in neither (see the dedup-scale section).", "",
             "| already present | upsert path rows/s | raw COPY rows/s | upsert / COPY | range | target ≥ 0.8× |",
             "|---|---|---|---|---|---|"]
    for t in tput:
        lines.append(f"| {t['present']:.0%} | {t['upsert']:.0f} | {t['copy']:.0f} | **{t['ratio']:.2f}×** | "
                     f"{t['ratio_min']:.2f}–{t['ratio_max']:.2f} | "
                     f"{'**met**' if t['ratio'] >= 0.8 else '**not met**'} |")
    lines.append("")
    if pages:
        lines += ["Transform steps over landed raw pages (gzip HTML from the recorded page layouts, text from the "
                  "corpus), one run per size, each step in a fresh process; peak RSS is its `VmHWM` (interpreter "
                  "and imports included). The ≤ 300 MB target holds for each transform step (clean, dedupe, load, the "
                  "story stage inside load) at 100,000 pages.", "",
                  "| pages | step | seconds | peak RSS | ≤ 300 MB |", "|---|---|---|---|---|"]
        for r in rss:
            verdict = ""
            if "maxrss" in r:
                verdict = "**met**" if r["maxrss"] <= 300 * 2 ** 20 else "**not met**"
                verdict += "" if r["pages"] >= 100000 else f" at {r['pages']:,} pages"
            peak = mb(r["maxrss"]) if "maxrss" in r else ""
            lines.append(f"| {r['pages']:,} | {r['step']} | {r['seconds']:.0f} | {peak} | {verdict} |")
        for n in pages:
            if not any(r["pages"] == n for r in rss):
                lines.append(f"| {n:,} | all | **did not finish in this run** |  |  |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pages", default="100000", help="page counts for the transform RSS runs, comma-separated; "
                                                          "0 skips them")
    parser.add_argument("--db", default="bantin_bench_load")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--write", action="store_true", help="rewrite the load section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    command = ".venv/bin/python -m bench.dedup.load " + " ".join(argv if argv is not None else sys.argv[1:])
    url = bench_database(args.db)
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        facts = machine(cur)
    pages = [int(p) for p in args.pages.split(",") if int(p)]
    try:
        tput, rss = throughput(url, args.rows, args.repeats), []
        # Written after the throughput and after each page count, so a cut-short run keeps what it measured.
        for n in [None, *pages]:
            if n:
                rss += transform_rss(url, n)
            publish("load", render(command, facts, args.rows, args.repeats, tput, rss, pages), args.write)
    finally:
        if not args.keep:
            drop_database(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
