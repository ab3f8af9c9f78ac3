"""Dedup cost against a growing history: the Postgres LSH path vs in-memory datasketch vs naive pairwise.

    python -m bench.dedup.scale [--sizes 10000,100000,1000000] [--batch 10000] [--repeats 3] [--write]

Each history size is built in its own database (`bantin_bench_dedup_<size>`, dropped at the end unless --keep),
and the same fresh batch is staged in each. The Postgres path is production's: the timed step is
`transforms.stories.assign_stories`, which `load_run` calls before it inserts the batch (new members, their ids,
the one indexed candidate join on core.article_bands, verification by production's rule (`matching.verified`:
the signatures, and the texts read again for the pairs they reject but estimate close), the decided stories and
the batch's own index rows); the transaction is rolled back and the tables
vacuumed, so every repeat faces the same history. It is measured on every size in each repeat, in a rotated
order, after one untimed pass per size to warm the cache; then datasketch and naive run against each size's
history.
"""
from __future__ import annotations

import argparse
import dataclasses
import io
import multiprocessing
import statistics
import sys
import time
from datetime import timedelta

import numpy as np

from bench.dedup import corpus
from bench.dedup.common import PeakRSS, bench_database, copy_line, machine, mb, publish
from transforms import matching, minhash, stories
from transforms.dedup import body_key, key_hash
from warehouse.db import drop_database

RUN_ID = "bench-dedup-batch"
# Batch articles are indexed above any history, and reprint only the last day of the smallest history
# (corpus.REPRINT_WINDOW), so every history size holds the same stories to match and only the noise it adds
# differs (larger histories also hold the reprints of that day published the day after). The batch's originals
# are dated as the articles that follow the smallest history (its next two weeks, see `_batch_chunk`).
BATCH_START = 5 * 10 ** 6
CHUNK = 1000  # articles per worker task: big enough to amortise pickling, small enough to stream
# Naive comparison costs batch x history x NUM_PERM comparisons; past this many pairs (2e8: a 10k batch
# against 20k history, ~20 s here) it is skipped rather than left to run for minutes per repeat.
NAIVE_MAX_PAIRS = 2 * 10 ** 8

_ARTICLE_COLUMNS = ("article_id, source, canonical_url, url, title, sapo, body, authors, published_at, language, "
                    "body_hash, first_seen_at, last_seen_at, first_run_id, last_run_id, story_id, relation")
_STAGING_COLUMNS = ("run_id, page_id, source, url, canonical_url, title, sapo, body, authors, published_at, "
                    "language, body_hash, fetched_at, minhash, action")


def _hash_and_signature(body: str):
    """transforms.stages' pair: the body normalised once, then hashed and signed."""
    key = body_key(body)
    return key_hash(key), minhash.signature_of_key(key)


def _history_chunk(task: tuple[int, int]) -> tuple[str, str, str]:
    """COPY text for core.articles, core.article_signatures and core.article_bands, articles start..+n."""
    start, n = task
    arts, sigs, bands = [], [], []
    for a in corpus.articles(n, start):
        aid = a.index + 1
        story = (a.reprint_of if a.reprint_of is not None else a.index) + 1
        body_hash, sig = _hash_and_signature(a.body)
        arts.append(copy_line((aid, a.source, a.url, a.url, a.title, a.sapo, a.body, a.authors,
                               a.published_at, "vi", body_hash, a.published_at, a.published_at,
                               "bench-history", "bench-history", story,
                               "original" if a.reprint_of is None else "reprint")))
        if sig is None:
            continue
        dated = a.published_at.date()
        sigs.append(copy_line((aid, minhash.to_bytes(sig), dated)))
        bands.extend(copy_line((matching.bucket(dated), key, aid)) for key in minhash.bands(sig))
    return "".join(arts), "".join(sigs), "".join(bands)


def _batch_chunk(task: tuple[int, int, int]) -> tuple[str, list[bytes]]:
    """COPY text for staging.articles (action 'new', as dedupe_run leaves them) and the stored signatures."""
    start, n, originals_below = task
    rows, sigs = [], []
    # Dated as articles originals_below.. would be: a batch is the next stretch of news after the smallest
    # history, and in a larger one it meets the same density of articles around its dates, as the latest
    # batch of any archive does (the corpus dates one article every 2 minutes). Left at its index's date
    # (decades later) it would find an empty story window in every history.
    shift = timedelta(minutes=2 * (BATCH_START - originals_below))
    for a in corpus.articles(n, start, originals_below=originals_below):
        if a.reprint_of is None:  # a reprint is dated from its original, which the history holds
            a = dataclasses.replace(a, published_at=a.published_at - shift)
        body_hash, sig = _hash_and_signature(a.body)
        rows.append(copy_line((RUN_ID, a.index, a.source, a.url, a.url, a.title, a.sapo, a.body,
                               a.authors, a.published_at, "vi", body_hash, a.published_at,
                               None if sig is None else minhash.to_bytes(sig), "new")))
        if sig is not None:
            sigs.append(minhash.to_bytes(sig))
    return "".join(rows), sigs


def _chunks(start: int, stop: int):
    return [(s, min(CHUNK, stop - s)) for s in range(start, stop, CHUNK)]


def grow_history(url: str, start: int, stop: int, pool) -> float:
    """Add articles start..stop-1 to the history with COPY; returns seconds taken.

    The band index's key is dropped during the load and rebuilt after (one sort beats 32 random B-tree
    inserts per article), and FK triggers are off: the rows are consistent by construction, and the constraints are
    still declared when the measurements run."""
    import psycopg2

    t0 = time.perf_counter()
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("ALTER TABLE core.article_bands DROP CONSTRAINT article_bands_pkey")
        for table in ("articles", "article_signatures", "article_bands"):
            cur.execute(f"ALTER TABLE core.{table} DISABLE TRIGGER ALL")
        for arts, sigs, bands in pool.imap(_history_chunk, _chunks(start, stop)):
            cur.copy_expert(f"COPY core.articles ({_ARTICLE_COLUMNS}) FROM STDIN", io.StringIO(arts))
            cur.copy_expert("COPY core.article_signatures (article_id, minhash, dated) FROM STDIN",
                            io.StringIO(sigs))
            cur.copy_expert("COPY core.article_bands (bucket, band_key, article_id) FROM STDIN", io.StringIO(bands))
        for table in ("articles", "article_signatures", "article_bands"):
            cur.execute(f"ALTER TABLE core.{table} ENABLE TRIGGER ALL")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("ALTER TABLE core.article_bands ADD PRIMARY KEY (bucket, band_key, article_id)")
        cur.execute("SELECT setval('core.articles_article_id_seq', %s)", (stop,))
        cur.execute("SELECT setval('core.story_id_seq', %s)", (stop,))
        # The note a load leaves on the index it built: without it, the first measured load would find an index
        # of another scheme and rebuild it inside its (rolled back) transaction, every repeat.
        cur.execute("COMMENT ON TABLE core.article_bands IS %s", (stories.layout_note(),))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE core.articles, core.article_signatures, core.article_bands")
    conn.close()
    return time.perf_counter() - t0


@dataclasses.dataclass
class Signed:
    """Signatures for the in-memory methods: each one whole, and their values stacked (n, NUM_PERM) uint32."""

    sigs: list
    values: np.ndarray

    @classmethod
    def of(cls, raws) -> Signed:
        sigs = [minhash.from_bytes(raw) for raw in raws]
        values = np.stack([sig.values for sig in sigs]) if sigs else np.empty((0, minhash.NUM_PERM), np.uint32)
        return cls(sigs, values)

    def __len__(self) -> int:
        return len(self.sigs)


def stage_batch(url: str, n: int, originals_below: int, pool) -> Signed:
    """Stage the fresh batch once (committed); return its signatures."""
    import psycopg2

    conn = psycopg2.connect(url)
    packed = []
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM staging.articles WHERE run_id = %s", (RUN_ID,))
        tasks = [(s, c, originals_below) for s, c in _chunks(BATCH_START, BATCH_START + n)]
        for rows, sigs in pool.imap(_batch_chunk, tasks):
            cur.copy_expert(f"COPY staging.articles ({_STAGING_COLUMNS}) FROM STDIN", io.StringIO(rows))
            packed.extend(sigs)
        cur.execute("ANALYZE staging.articles")
    conn.close()
    return Signed.of(packed)


def history_size(url: str) -> int:
    import psycopg2

    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM core.articles WHERE first_run_id = 'bench-history'")
        n = cur.fetchone()[0]
    conn.close()
    return n


def history_signatures(url: str) -> Signed:
    import psycopg2

    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT minhash FROM core.article_signatures ORDER BY article_id")
        signed = Signed.of(bytes(r[0]) for r in cur)
    conn.close()
    return signed


def measure_postgres(url: str) -> dict:
    import psycopg2

    from transforms.stories import assign_stories, lock_stories

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            lock_stories(cur)
            with PeakRSS() as rss:
                t0 = time.perf_counter()
                out = assign_stories(cur, RUN_ID)
                seconds = time.perf_counter() - t0
    finally:
        conn.rollback()  # the history stays exactly as built
        conn.close()
    vacuum(url)
    return {"seconds": seconds, "rss": rss.delta, "joined": out["joined"]}


def vacuum(url: str) -> None:
    """Clear what a rolled-back repeat leaves behind, untimed. Its 320,000 band rows and 10,000 articles stay
    in the indexes as dead entries until a vacuum: the next repeat's index-only probes would visit the heap for
    each (81,250 heap fetches instead of 48 in one 2,000-article round at 1M), and the GIN pending lists of
    core.articles would keep growing. A pipeline commits its loads, and autovacuum keeps those pages visible."""
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM core.articles, core.article_signatures, core.article_bands")
    conn.close()


def measure_datasketch(history: Signed, batch: Signed) -> dict:
    """datasketch's MinHashLSH with production's layout (bands x rows): insert the history, then query and
    insert each batch member in turn (as `decide` does), verifying candidates by production's rule
    (`minhash.same_story`)."""
    from datasketch import LeanMinHash, MinHashLSH

    at = minhash.threshold()
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        lsh = MinHashLSH(threshold=at, num_perm=minhash.NUM_PERM, params=minhash.layout())
        with lsh.insertion_session() as session:
            for i, values in enumerate(history.values):
                session.insert(i, LeanMinHash(seed=minhash.SEED, hashvalues=values, scheme=minhash.SCHEME))
        t1 = time.perf_counter()
        joined = 0
        for j, sig in enumerate(batch.sigs):
            m = LeanMinHash(seed=minhash.SEED, hashvalues=sig.values, scheme=minhash.SCHEME)
            others = [batch.sigs[-c - 1] if c < 0 else history.sigs[c] for c in lsh.query(m)]
            joined += any(minhash.same_story(sig, o, at) for o in others)
            lsh.insert(-j - 1, m)
        t2 = time.perf_counter()
        del lsh
    return {"seconds": t2 - t0, "insert": t1 - t0, "query": t2 - t1, "rss": rss.delta, "joined": joined}


def measure_naive(history: Signed, batch: Signed) -> dict:
    """Every batch signature against every history signature, in numpy blocks of 256 x 1024 pairs (32 MB):
    the estimated containment of each pair, then production's numbers check on the pairs above the threshold."""
    counts_h = np.array([s.shingles for s in history.sigs], dtype=np.float64)
    counts_b = np.array([s.shingles for s in batch.sigs], dtype=np.float64)
    at = minhash.threshold()
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        joined = np.zeros(len(batch), dtype=bool)
        for b in range(0, len(batch), 256):
            block = batch.values[b:b + 256, None, :]
            nb = counts_b[b:b + 256, None]
            for h in range(0, len(history), 1024):
                j = np.count_nonzero(block == history.values[None, h:h + 1024, :], axis=2) / minhash.NUM_PERM
                nh = counts_h[None, h:h + 1024]
                contained = j * (nb + nh) / ((1 + j) * np.minimum(nb, nh))
                for x, y in zip(*np.nonzero(contained >= at)):
                    if not joined[b + x] and not minhash.numbers_disagree(batch.sigs[b + x], history.sigs[h + y]):
                        joined[b + x] = True
        seconds = time.perf_counter() - t0
    # History matches only: the batch members' matches among themselves add batch^2/2 more of the same work.
    return {"seconds": seconds, "rss": rss.delta, "joined": int(joined.sum())}


def run(urls: dict[int, str], batch_size: int, repeats: int, naive_max_pairs: int = NAIVE_MAX_PAIRS,
        report=None) -> list[dict]:
    """`urls` maps each history size to its own (migrated) database, empty or holding a kept history: grow each
    history to its size, then measure each method `repeats` times. The Postgres path is measured on every
    size in each repeat (sizes rotated), so the sizes it compares share the same minutes of a noisy machine
    rather than being measured half an hour apart around a 1M build. `report(results)` is called after each
    size's in-memory methods, so early sizes are kept even if a later one is cut short."""
    sizes = sorted(urls)
    builds = {}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:  # the machine's 2 cores; signatures are the expensive part of building
        for size in sizes:  # the same batch in every database (corpus articles are pure functions of their index)
            batch = stage_batch(urls[size], batch_size, sizes[0], pool)
            built = history_size(urls[size])
            builds[size] = grow_history(urls[size], built, size, pool) if size > built else None
    # One untimed pass per size first: building has cycled the buffer cache, while a scheduled load finds the
    # index the previous hour's load left warm.
    for size in sizes:
        measure_postgres(urls[size])
    postgres = {size: [] for size in sizes}
    for r in range(repeats):
        for size in sizes[r % len(sizes):] + sizes[:r % len(sizes)]:
            postgres[size].append(measure_postgres(urls[size]))
    results = []
    for size in sizes:
        history = history_signatures(urls[size])
        methods = {"datasketch": lambda history=history: measure_datasketch(history, batch)}
        naive_skipped = len(history) * len(batch) > naive_max_pairs
        if not naive_skipped:
            methods["naive"] = lambda history=history: measure_naive(history, batch)
        runs = {"postgres": postgres[size], **{name: [] for name in methods}}
        names = list(methods)
        for r in range(repeats):
            for name in names[r % len(names):] + names[:r % len(names)]:  # rotate who runs first
                runs[name].append(methods[name]())
        history = None  # free the history signatures before the next size is read
        row = {"history": size, "batch": batch_size, "build_seconds": builds[size],
               "naive_skipped": naive_skipped, "methods": {}}
        for name, rs in runs.items():
            row["methods"][name] = {
                "seconds": statistics.median(x["seconds"] for x in rs),
                "min": min(x["seconds"] for x in rs), "max": max(x["seconds"] for x in rs),
                # The largest, not the median: a later repeat reuses memory the allocator kept from the first
                # (datasketch at 1M: 9.7 GB in its first repeat, a few hundred MB in the next ones).
                "rss": max(x["rss"] for x in rs), "joined": rs[0]["joined"],
                **({"insert": statistics.median(x["insert"] for x in rs),
                    "query": statistics.median(x["query"] for x in rs)} if name == "datasketch" else {}),
            }
        results.append(row)
        if report:
            report(results)
    return results


def render(results: list[dict], sizes: list[int], command: str, facts: str, repeats: int) -> str:
    lines = [
        f"## Dedup at scale: a {results[0]['batch']:,}-article batch against growing histories" if results
        else "## Dedup at scale",
        "", "```", command, "```", "", f"Machine: {facts}. Peak memory is the benchmark process's own RSS "
        "high-water mark (`VmHWM` after resetting it through `/proc/self/clear_refs`), minus its RSS before the "
        "step: what the step added, the largest of the repeats. The Postgres server's memory is not in it "
        "(shared buffers and a bounded `work_mem` per query).", "",
        f"Corpus: `bench/dedup/corpus.py`, 30% reprints, each within a day ({corpus.REPRINT_WINDOW} articles) of "
        "its original, one article every 2 minutes. The batch reprints the last day of the smallest history, so "
        "every history holds the same stories to match (the larger ones also hold that day's reprints published "
        "the day after), and its originals are dated as the two weeks that follow that history, so every history "
        f"meets it with the same density of articles around its dates. Story window: {matching.window_days()} days "
        "(`transforms/matching.py`); datasketch and naive compare against the whole history. "
        "Each history size is its own database, built from empty. "
        f"Medians of {repeats} repeats. The Postgres path is measured on every history size in each repeat, sizes "
        "rotated, so the sizes it compares share the same minutes of this noisy machine; it rolls each repeat back "
        "and vacuums (untimed), and runs one untimed pass per size first, to warm the cache as the previous hour's "
        "load would. datasketch and naive then run against each size, rotated per repeat.",
        "",
        "| history | method | median s | min–max s | peak RSS added | batch articles joined | history build |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in results:
        build = "kept from an earlier run" if row["build_seconds"] is None else f"{row['build_seconds']:.0f} s"
        for name, m in row["methods"].items():
            detail = f" (insert {m['insert']:.2f} + query {m['query']:.2f})" if name == "datasketch" else ""
            lines.append(f"| {row['history']:,} | {name} | {m['seconds']:.2f}{detail} | "
                         f"{m['min']:.2f}–{m['max']:.2f} | {mb(m['rss'])} | {m['joined']:,} | {build} |")
        if row["naive_skipped"]:
            lines.append(f"| {row['history']:,} | naive | skipped: {row['history'] * row['batch']:,} pairs > "
                         f"{NAIVE_MAX_PAIRS:,} cap |  |  |  |  |")
    done = {r["history"] for r in results}
    for size in sizes:
        if size not in done:
            lines.append(f"| {size:,} | all | **did not finish in this run** |  |  |  |  |")
    lines.append("")
    if len(results) >= 2:
        first, last = results[0], results[-1]
        ratio = last["methods"]["postgres"]["seconds"] / first["methods"]["postgres"]["seconds"]
        if last["history"] >= 100 * first["history"]:
            verdict = "**met**" if ratio <= 1.3 else "**not met**"
        else:  # the 100x history the target speaks of did not finish: say so rather than judge a smaller one
            verdict = "**not measured** (the 100× history did not finish)"
        lines.append(f"Postgres path, {last['history']:,}-history / {first['history']:,}-history time: "
                     f"**{ratio:.2f}×**; target ≤ 1.3× at 100× the history (1M / 10k): {verdict}.")
        rss = [r["methods"]["postgres"]["rss"] for r in results]
        lines.append("")
        # Bounded by the batch: what the step adds at the largest history is under twice what it adds at the
        # smallest (candidate rows do grow a little, with chance band collisions). The history's signatures,
        # the least any in-memory index of it must hold, are printed beside for scale.
        held = last["history"] * minhash.NUM_PERM * 4
        bounded = rss[-1] <= 2 * rss[0]
        lines.append(f"Postgres path peak RSS added, by history: {', '.join(mb(x) for x in rss)} (the "
                     f"{last['history']:,}-history's MinHash values alone are {mb(held)}): memory bounded by the "
                     f"batch, "
                     f"not the history: {'**yes**' if bounded else '**no**'}. datasketch: "
                     f"{', '.join(mb(r['methods']['datasketch']['rss']) for r in results)}.")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--batch", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--naive-max-pairs", type=int, default=NAIVE_MAX_PAIRS)
    parser.add_argument("--db", default="bantin_bench_dedup",
                        help="database name prefix: each history size gets its own, <db>_<size>")
    parser.add_argument("--keep", action="store_true", help="leave the benchmark databases for inspection")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the histories a --keep run left in <db>_<size>, grown where a size needs")
    parser.add_argument("--write", action="store_true", help="rewrite the dedup-scale section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    command = ".venv/bin/python -m bench.dedup.scale " + " ".join(argv if argv is not None else sys.argv[1:])
    names = {size: f"{args.db}_{size}" for size in sizes}
    if args.reuse:
        from warehouse.db import server_url, with_database

        urls = {size: with_database(server_url(), name) for size, name in names.items()}
    else:
        urls = {size: bench_database(name) for size, name in names.items()}
    import psycopg2

    with psycopg2.connect(urls[sizes[0]]) as conn, conn.cursor() as cur:
        facts = machine(cur)

    def report(results):
        publish("dedup-scale", render(results, sizes, command, facts, args.repeats), args.write)

    try:
        run(urls, args.batch, args.repeats, args.naive_max_pairs, report)
    finally:
        if not args.keep:
            for name in names.values():
                drop_database(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
