"""The upgrade's cost: `bantin db rekey` on an archive whose signatures are all of the previous scheme.

    .venv/bin/python -m bench.dedup.resign --articles 100000            # print only
    .venv/bin/python -m bench.dedup.resign --articles 1000000 --write   # and the docs section

The archive is the corpus (`bench/dedup/corpus.py`) with full 3–5 KB bodies, each with a signature of the
previous scheme's length (its 128 values alone), in `bantin_bench_resign` (dropped at the end). The timed step
is production's `transforms.stories.rekey`: every stored body signed again, 2,000 articles a transaction under
the story lock, then the band index rebuilt. A load that finds the archive unsigned (no operator ran the
command first) does the same work in one process instead of one per core; that path is not timed here.
"""
from __future__ import annotations

import argparse
import io
import sys
import time

from bench.dedup import corpus
from bench.dedup.common import bench_database, copy_line, machine, publish
from transforms import minhash
from transforms.dedup import body_key, key_hash
from warehouse.db import drop_database

COMMAND = ".venv/bin/python -m bench.dedup.resign"
DATABASE = "bantin_bench_resign"
_COLUMNS = ("article_id, source, canonical_url, url, title, sapo, body, authors, published_at, language, "
            "body_hash, first_seen_at, last_seen_at, first_run_id, last_run_id, story_id, relation")
_CHUNK = 5000


def build(url: str, n: int) -> float:
    """n corpus articles with their full bodies and a previous-scheme signature each; returns seconds."""
    import psycopg2

    t0 = time.perf_counter()
    stale = b"\0" * (minhash.NUM_PERM * 4)  # the length is what marks the scheme; the old values are never read
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        for start in range(0, n, _CHUNK):
            arts, sigs = [], []
            for a in corpus.articles(min(_CHUNK, n - start), start):
                aid = a.index + 1
                arts.append(copy_line((aid, a.source, a.url, a.url, a.title, a.sapo, a.body, a.authors,
                                       a.published_at, "vi", key_hash(body_key(a.body)), a.published_at,
                                       a.published_at, "bench", "bench", aid, "original")))
                sigs.append(copy_line((aid, stale, a.published_at.date())))
            cur.copy_expert(f"COPY core.articles ({_COLUMNS}) FROM STDIN", io.StringIO("".join(arts)))
            cur.copy_expert("COPY core.article_signatures (article_id, minhash, dated) FROM STDIN",
                            io.StringIO("".join(sigs)))
        cur.execute("SELECT setval('core.articles_article_id_seq', %s)", (n,))
        cur.execute("SELECT setval('core.story_id_seq', %s)", (n,))
        cur.execute("COMMENT ON TABLE core.article_bands IS 'LSH bands x rows: 32x4; story window: 30 days'")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE core.articles, core.article_signatures")
    conn.close()
    return time.perf_counter() - t0


def section(n: int, built: float, seconds: float, counts: dict, bands: int, facts: str) -> str:
    return "\n".join([
        f"## The upgrade's re-sign: `bantin db rekey` over {n:,} articles of the previous signature scheme",
        "", "```", f"{COMMAND} --articles {n} --write", "```", "",
        f"Machine: {facts}. The archive: {n:,} corpus articles with full 3–5 KB bodies, each with a signature of "
        f"the previous scheme, built in {built:.0f} s. `transforms.stories.rekey`, one run:",
        "",
        "| articles signed again | band keys after | seconds | ms per article |",
        "|---|---|---|---|",
        f"| {counts['resigned']:,} | {bands:,} | {seconds:.0f} | {1000 * seconds / max(counts['resigned'], 1):.2f} |",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup.resign", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100000)
    parser.add_argument("--write", action="store_true", help="replace the dedup-resign section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    import psycopg2

    from transforms.stories import rekey

    url = bench_database(DATABASE)
    try:
        built = build(url, args.articles)
        t0 = time.perf_counter()
        counts = rekey(url)
        seconds = time.perf_counter() - t0
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            facts = machine(cur)
            cur.execute("SELECT count(*) FROM core.article_bands")
            bands = cur.fetchone()[0]
        publish("dedup-resign", section(args.articles, built, seconds, counts, bands, facts), args.write)
    finally:
        drop_database(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
