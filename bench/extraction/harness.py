"""Score every extractor on every labelled page, then time them over the same pages, interleaved."""
from __future__ import annotations

import contextlib
import gc
import socket
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.extraction import metrics
from bench.extraction.extractors import EXTRACTORS, Page

BOILERPLATE = Path(__file__).with_name("boilerplate.txt")


def boilerplate_strings(path: Path = BOILERPLATE) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _short(value, limit: int = 60) -> str:
    text = repr(value.isoformat() if hasattr(value, "isoformat") else value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass
class Score:
    """Running totals of one extractor over a set of pages."""
    pages: int = 0
    title: int = 0
    date: int = 0
    authors: int = 0
    shared: int = 0
    extracted: int = 0
    expected: int = 0
    leaks: Counter = field(default_factory=Counter)
    bylines: int = 0
    errors: int = 0

    def add(self, expected: dict, got: dict, boilerplate: list[str]) -> list[str]:
        """Count one page; return what it got wrong, one phrase per field."""
        wrong = [f"no result ({got['error']})"] if "error" in got else []
        self.pages += 1
        self.errors += "error" in got
        for name, key, check in (("title", "title", metrics.title_ok), ("date", "published_at", metrics.date_ok),
                                 ("authors", "authors", metrics.authors_ok)):
            ok = check(expected.get(key), got.get(key))
            setattr(self, name, getattr(self, name) + ok)
            wrong += [] if ok else [f"{name} {_short(got.get(key))} ≠ expected {_short(expected.get(key))}"]
        shared, extracted, want = metrics.overlap(expected.get("body"), got.get("body"))
        self.shared, self.extracted, self.expected = (self.shared + shared, self.extracted + extracted,
                                                      self.expected + want)
        if shared < want or shared < extracted:
            wrong.append(f"body F1 {metrics.prf(shared, extracted, want)[2]:.3f}")
        leaked = metrics.leaks(expected.get("body"), got.get("body"), boilerplate)
        self.leaks.update(leaked)
        wrong += [f"leak {s!r}" for s in leaked]
        bylines = metrics.leaks(expected.get("body"), got.get("body"), expected.get("authors") or [])
        self.bylines += len(bylines)
        wrong += [f"byline {s!r} in body" for s in bylines]
        return wrong

    @property
    def prf(self) -> tuple[float, float, float]:
        return metrics.prf(self.shared, self.extracted, self.expected)


@dataclass
class Result:
    overall: dict[str, Score]                    # extractor -> score on the HTML pages
    per_source: dict[str, dict[str, Score]]      # source -> extractor -> score on its HTML pages
    text_dumps: Score                            # bantin alone on the plain-text dumps
    misses: list[tuple[str, str, list[str]]]     # (page, extractor, wrong fields)
    speed: dict[str, list[float]]                # extractor -> pages/s of each repeat
    html_pages: int

    def median_speed(self, name: str) -> float:
        return statistics.median(self.speed[name])

    def ratios(self, name: str, base: str) -> list[float]:
        """Per-repeat speed ratios: both sides of each saw the same moment of machine load."""
        return [a / b for a, b in zip(self.speed[name], self.speed[base])]


@contextlib.contextmanager
def offline():
    """Make any network use fail at once: the extractors must work on the bytes given, and a stray lookup
    would be timed as extraction."""
    def refuse(*_args, **_kwargs):
        raise OSError("network disabled by the extraction benchmark")

    saved = socket.getaddrinfo, socket.socket.connect
    socket.getaddrinfo, socket.socket.connect = refuse, refuse
    try:
        yield
    finally:
        socket.getaddrinfo, socket.socket.connect = saved


def _call(fn, page: Page) -> dict:
    """One extraction; a crash is scored as an empty result, so one bad page cannot stop the run."""
    try:
        return fn(page)
    except Exception as exc:  # any extractor's failure on any page is data here
        return {"error": type(exc).__name__}


def page_id(page: Page) -> str:
    return f"{page.source}/{page.path.name}"


def run(pages: list[Page], repeats: int = 5, extractors: dict = EXTRACTORS) -> Result:
    with offline():
        return _run(pages, repeats, extractors)


def _run(pages: list[Page], repeats: int, extractors: dict) -> Result:
    boilerplate = boilerplate_strings()
    html = [p for p in pages if not p.is_text]
    overall = {name: Score() for name in extractors}
    per_source: dict[str, dict[str, Score]] = {}
    text_dumps, misses = Score(), []
    # The accuracy pass doubles as the warm-up (imports, lazy tables), so timing starts warm.
    for page in pages:
        # The peers take HTML only; plain-text dumps are scored for bantin alone.
        names = ["bantin"] if page.is_text else list(extractors)
        for name in names:
            got = _call(extractors[name], page)
            if page.is_text:
                wrong = text_dumps.add(page.expected, got, boilerplate)
            else:
                wrong = overall[name].add(page.expected, got, boilerplate)
                per_source.setdefault(page.source, {}).setdefault(name, Score()).add(page.expected, got,
                                                                                     boilerplate)
            if wrong:
                misses.append((page_id(page), name, wrong))
    speed = {name: [] for name in extractors}
    order = list(extractors)
    # Freeze what the warm-up left (modules, tables, caches) out of the collector's reach, so a full
    # collection triggered during the timing scans only the garbage the extractors are making now.
    gc.collect()
    gc.freeze()
    try:
        _time(html, repeats, extractors, order, speed)
    finally:
        gc.unfreeze()
    return Result(overall, per_source, text_dumps, misses, speed, len(html))


def _time(html: list[Page], repeats: int, extractors: dict, order: list[str], speed: dict) -> None:
    for repeat in range(repeats):
        # Interleaved page by page, the order rotated each repeat: a burst of load on the shared machine
        # lands on all extractors alike instead of on whichever was running its whole pass at the time.
        spent = dict.fromkeys(extractors, 0.0)
        turn = order[repeat % len(order):] + order[:repeat % len(order)]
        for page in html:
            for name in turn:
                start = time.perf_counter()
                _call(extractors[name], page)
                spent[name] += time.perf_counter() - start
        for name in extractors:
            speed[name].append(len(html) / spent[name])
