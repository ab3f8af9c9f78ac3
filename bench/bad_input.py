"""clean_run's peak memory on a run of bad pages, against the 300 MB a transform step is held to.

`python -m bench.bad_input [--repeats 3] [--write]`

One run lands the labelled article pages and, beside them, every kind of bad page the fault suite injects
(tests/faults/), at the sizes that once cost gigabytes: an article with a body over the length cap, a
10 MB page landed before the crawler's size cap, a stored gzip bomb of 1000 MiB, a 3.8 MB title, 4 MiB of
binary bytes, a NUL in a text page, a corrupt gzip body, a page of 200,000 elements. `clean_run` cleans it in
a fresh process, which reports its `VmHWM` (the kernel's high-water mark, interpreter and imports included).
The same run without the bad pages is measured alongside, the two alternating; the ratio is the bad mix's
peak over the good pages' peak. Medians over the repeats.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

from bench.dedup.common import bench_database, machine, mb, publish
from bench.dedup.corpus import REPO as _REPO
from warehouse.db import drop_database

REPO = Path(_REPO)
MARKER = "bad-input"
LIMIT = 300 * 2 ** 20
FETCHED = datetime(2026, 3, 7, tzinfo=UTC)
ARTICLE = next((REPO / "sources/vnexpress/pages").glob("*.html"))
SENTENCE = "Bộ đội Biên phòng tỉnh phối hợp chặt chẽ với chính quyền địa phương trong công tác bảo vệ biên giới. "


def _with_body(paragraphs: str) -> bytes:
    """The recorded VnExpress article with `paragraphs` at the top of its body container."""
    page = ARTICLE.read_text(encoding="utf-8")
    cut = page.index('<p class="Normal">')
    return (page[:cut] + paragraphs + page[cut:]).encode()


def _bomb(expanded_mib: int = 1000) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    return b"".join(packer.compress(chunk) for _ in range(expanded_mib)) + packer.flush()


def bad_pages() -> dict[str, bytes]:
    """kind -> the stored (gzip) body of each bad page."""
    title = ARTICLE.read_text(encoding="utf-8").split("<title>")[1].split("</title>")[0].encode()
    plain = {
        "an article with a 530,000-character body (over its cap)": _with_body(
            "".join(f'<p class="Normal">{SENTENCE * 40}</p>' for _ in range(130))),
        "10 MB page, landed before the crawl's cap": _with_body(f'<p class="Normal">{SENTENCE * 90_000}</p>'),
        "a 3.8 MB <title> (the headline elsewhere sane)": ARTICLE.read_bytes().replace(title, b"Tin " * 191_088),
        "4 MiB of binary bytes": bytes((i * 7919 + i // 251) % 256 for i in range(4 * 2 ** 20)),
        "a NUL in a text page": (SENTENCE * 200).encode().replace(b". ", b".\x00\n", 3),
        "100,000 elements in the body (3.8 MB)": _with_body('<p class="Normal"><span>a</span></p>' * 100_000),
    }
    stored = {kind: gzip.compress(body, mtime=0) for kind, body in plain.items()}
    stored["a stored gzip bomb (1000 MiB expanded)"] = _bomb()
    stored["a corrupt gzip body"] = b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4
    return stored


def land(url: str, run_id: str, bad: bool) -> list[str]:
    """Land the labelled pages (and the bad ones) as run `run_id`; returns the kinds landed."""
    import psycopg2

    rows, kinds = [], []
    for path in sorted((REPO / "sources").glob("*/pages/*.html")):
        label = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        rows.append((path.parts[-3], label["url"], gzip.compress(path.read_bytes(), mtime=0)))
    if bad:
        for n, (kind, body_gz) in enumerate(bad_pages().items()):
            rows.append(("vnexpress", f"https://vnexpress.net/bai-loi-{n}-99{n:05d}.html", body_gz))
            kinds.append(kind)
    conn = psycopg2.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM raw.pages WHERE run_id = %s", (run_id,))
        for source, page_url, body_gz in rows:
            cur.execute("""INSERT INTO raw.pages (run_id, source, url, final_url, status, fetched_at, headers, body_gz,
                                                  body_bytes) VALUES (%s, %s, %s, %s, 200, %s, %s, %s, 0)
                           ON CONFLICT (run_id, url) DO NOTHING""",
                        (run_id, source, page_url, page_url, FETCHED,
                         json.dumps({"content-type": "text/html; charset=utf-8"}), body_gz))
    conn.close()
    return kinds


_CLEAN = """
import json, sys, time
from transforms import stages
t0 = time.perf_counter()
out = stages.clean_run(sys.argv[1], sys.argv[2])
hwm = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": time.perf_counter() - t0, "maxrss": hwm, "out": out}))
"""


def clean(url: str, run_id: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CLEAN, url, run_id], cwd=REPO, capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rejects(url: str, run_id: str) -> dict[str, str]:
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT url, reason FROM core.rejects WHERE run_id = %s", (run_id,))
        return dict(cur.fetchall())


def render(command: str, facts: str, repeats: int, runs: dict, kinds: list[str], reasons: dict) -> str:
    good = statistics.median(r["maxrss"] for r in runs["good"])
    bad = statistics.median(r["maxrss"] for r in runs["bad"])
    lines = ["## clean_run on bad input", "", "```", command, "```", "", f"Machine: {facts}.", "",
             "One run of the labelled pages plus the bad pages below (each the size that once cost gigabytes: "
             "the 10 MB page took 2.2 GB to clean, the bomb 5.3 GB), against the same run without them; each "
             f"`clean_run` in a fresh process, alternating, medians of {repeats}. Peak RSS is `VmHWM`, interpreter "
             "and imports included.", "",
             "| run | pages | peak RSS | seconds | ratio to the good run | ≤ 300 MB |", "|---|---|---|---|---|---|"]
    for name, label in (("good", "labelled pages only"), ("bad", "labelled + bad pages")):
        peak = statistics.median(r["maxrss"] for r in runs[name])
        seconds = statistics.median(r["seconds"] for r in runs[name])
        pages = runs[name][0]["out"]["pages"]
        lines.append(f"| {label} | {pages} | {mb(peak)} | {seconds:.1f} | {peak / good:.2f}× | "
                     f"{'**met**' if peak <= LIMIT else '**not met**'} ({peak / LIMIT:.2f}× the limit) |")
    lines += ["", f"Bad mix at {bad / LIMIT:.2f}× the 300 MB limit. What each bad page became:", "",
              "| bad page | outcome |", "|---|---|"]
    for n, kind in enumerate(kinds):
        outcome = reasons.get(f"https://vnexpress.net/bai-loi-{n}-99{n:05d}.html")
        lines.append(f"| {kind} | {'reject ' + outcome if outcome else 'stored'} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", default="bantin_bench_bad_input")
    parser.add_argument("--write", action="store_true", help="rewrite the bad-input section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    command = ".venv/bin/python -m bench.bad_input " + " ".join(argv if argv is not None else sys.argv[1:])
    url = bench_database(args.db)
    try:
        import psycopg2

        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            facts = machine(cur)
        land(url, "bench-good", bad=False)
        kinds = land(url, "bench-bad", bad=True)
        runs: dict[str, list] = {"good": [], "bad": []}
        for repeat in range(args.repeats):
            for name in (("good", "bad") if repeat % 2 == 0 else ("bad", "good")):
                runs[name].append(clean(url, f"bench-{name}"))
                print(name, runs[name][-1], flush=True)
        publish(MARKER, render(command, facts, args.repeats, runs, kinds, rejects(url, "bench-bad")), args.write)
    finally:
        drop_database(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
