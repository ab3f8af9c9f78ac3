"""The Markdown section for a Result, and its splice into docs/benchmarks.md."""
from __future__ import annotations

import os
import platform
import re
import statistics
from importlib.metadata import version
from pathlib import Path

from bench.extraction.extractors import NO_PROFILE
from bench.extraction.harness import Result, Score

DOCS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
START, END = "<!-- bench-extract:start -->", "<!-- bench-extract:end -->"
HEADER = ("# Benchmarks\n\nEach section is written by its benchmark (`bench/README.md`); edit the code, "
          "not the figures.\n")
# The targets for bantin on the labelled pages (issues 3 and 15). Speed is the median of the per-repeat ratios:
# each repeat's two figures saw the same moment of machine load, which a ratio of two medians does not.
TITLE_TARGET, DATE_TARGET, AUTHORS_TARGET, F1_TARGET, SPEED_TARGET = 1.0, 1.0, 0.95, 0.98, 3.5
LEGEND = ("Every extractor gets the same page; `bantin, no profile` is bantin with the page's source profile "
          "removed (JSON-LD, meta, then the generic path: what a site with no profile gets); the peers get it "
          "decoded to text, trafilatura's htmldate is asked for "
          "the time of day and offset (`outputformat`), newspaper4k runs with `fetch_images=False`, and the "
          "network is off. Body tokens are NFC, casefolded syllables; precision, recall and F1 are "
          "micro-averaged (token counts summed over pages, then divided). A leak is a string of "
          "`bench/extraction/boilerplate.txt` (or, for bylines, an expected author) found in the body but not "
          "in the expected body.")


def _share(hits: int, n: int) -> str:
    return f"{hits}/{n} ({hits / n:.0%})" if n else "–"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _cell(score: Score) -> str:
    n = score.pages
    return f"{score.title}/{n} · {score.date}/{n} · {score.authors}/{n} · {score.prf[2]:.3f}"


def machine() -> str:
    # sched_getaffinity is what `nproc` prints: the CPUs this process may use, not those the host has.
    return (f"{len(os.sched_getaffinity(0))} CPUs (`nproc`), {platform.machine()}, Python "
            f"{platform.python_version()}, trafilatura {version('trafilatura')}, newspaper4k {version('newspaper4k')}")


def _rows(result: Result) -> list[tuple[str, str, list[str], str]]:
    """(metric, target, one cell per extractor, bantin's verdict)."""
    scores, b = list(result.overall.values()), result.overall["bantin"]
    ratios = result.ratios("bantin", "trafilatura")

    def rate(field: str, target: float) -> str:
        return _met(b.pages > 0 and getattr(b, field) / b.pages >= target)

    ratio = statistics.median(result.ratios("bantin", "trafilatura"))
    return [
        ("title exact", "100%", [_share(s.title, s.pages) for s in scores], rate("title", TITLE_TARGET)),
        ("`published_at` to the minute, right offset", "100%", [_share(s.date, s.pages) for s in scores],
         rate("date", DATE_TARGET)),
        ("authors exact (set)", "≥ 95%", [_share(s.authors, s.pages) for s in scores],
         rate("authors", AUTHORS_TARGET)),
        ("body token precision (micro)", "", [f"{s.prf[0]:.3f}" for s in scores], ""),
        ("body token recall (micro)", "", [f"{s.prf[1]:.3f}" for s in scores], ""),
        ("body token F1 (micro)", "≥ 0.98", [f"{s.prf[2]:.3f}" for s in scores], _met(b.prf[2] >= F1_TARGET)),
        ("boilerplate strings leaked into the body", "0", [str(sum(s.leaks.values())) for s in scores],
         _met(not b.leaks)),
        ("author bylines leaked into the body", "", [str(s.bylines) for s in scores], ""),
        ("pages with no result (rejected / crashed)", "", [str(s.errors) for s in scores], ""),
        (f"pages/s, median of {len(ratios)} repeat{'s' * (len(ratios) > 1)}", f"≥ {SPEED_TARGET}× trafilatura",
         [f"{result.median_speed(name):.1f}" for name in result.overall],
         f"{ratio:.2f}× trafilatura (median ratio): {_met(ratio >= SPEED_TARGET)}"),
    ]


def _against(mine: Score, peer: Score) -> str:
    """Field by field, whether `mine` is at least `peer`: title, date, authors, body F1, leaks."""
    checks = (("title", "≥", mine.title >= peer.title), ("date", "≥", mine.date >= peer.date),
              ("authors", "≥", mine.authors >= peer.authors), ("body F1", "≥", mine.prf[2] >= peer.prf[2]),
              ("leaks", "≤", sum(mine.leaks.values()) <= sum(peer.leaks.values())))
    return ", ".join(f"{name} {sign if ok else '**not** ' + sign}" for name, sign, ok in checks) + \
        f": {_met(all(ok for _, _, ok in checks))}"


def markdown(result: Result, command: str) -> str:
    names, n, t = list(result.overall), result.html_pages, result.text_dumps
    ratios = result.ratios("bantin", "trafilatura")
    out = [f"## Extraction ({n} labelled HTML pages, {len(result.per_source)} sources)", "",
           "```", command, "```", "", f"Machine: {machine()}.", "", LEGEND, "",
           "| metric | target (bantin) | " + " | ".join(names) + " | bantin vs target |",
           "|---|---|" + "---|" * len(names) + "---|"]
    out += [f"| {label} | {target} | " + " | ".join(cells) + f" | {verdict} |"
            for label, target, cells, verdict in _rows(result)]
    peer = result.overall.get("trafilatura")
    if peer:
        out += ["", "Against trafilatura, field by field: bantin " + _against(result.overall["bantin"], peer) + "."]
        if NO_PROFILE in result.overall:
            out[-1] += " With no profile: " + _against(result.overall[NO_PROFILE], peer) + "."
    out += ["", f"Speed: each repeat runs every extractor once on each of the {n} pages, interleaved page by "
            f"page in an order rotated per repeat; the per-repeat bantin/trafilatura ratios ranged "
            f"{min(ratios):.2f}–{max(ratios):.2f}×."]
    if t.pages:
        out += ["", f"Plain-text dumps ({t.pages}, bantin only: the peers take HTML): title "
                f"{_share(t.title, t.pages)}, date {_share(t.date, t.pages)}, authors {_share(t.authors, t.pages)}, "
                f"body F1 {t.prf[2]:.3f}, leaks {sum(t.leaks.values())}."]
    leaked = [f"{name}: " + ", ".join(f"{s!r} ×{c}" for s, c in score.leaks.most_common())
              for name, score in result.overall.items() if score.leaks]
    if leaked:
        out += ["", "Leaked strings: " + "; ".join(leaked) + "."]
    out += ["", "### Per source", "", "Cells: title · date · authors right, out of the pages; then body F1.", "",
            "| source | pages | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    out += [f"| {source} | {scores['bantin'].pages} | " + " | ".join(_cell(scores[name]) for name in names) + " |"
            for source, scores in sorted(result.per_source.items())]
    misses = [f"- `{page}`: " + "; ".join(wrong) for page, name, wrong in result.misses if name == "bantin"]
    out += ["", "### bantin misses", ""] + (misses or ["None."])
    return "\n".join(out) + "\n"


def write_docs(section: str, path: Path = DOCS) -> None:
    """Replace the extraction section between its markers; other sections stay as they are."""
    block = f"{START}\n{section}{END}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if START in text and END in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END) + r"\n?", lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")
