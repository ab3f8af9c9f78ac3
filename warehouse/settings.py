"""Every `BANTIN_*` variable, declared once with its type, default and meaning; read with `get(name)`.

Values are read when asked for, never at import, so a process that changes its environment (a test, the
operator CLI) sees the change. A bad value is a `SettingError` naming the variable, what it must be and the
value given, not a traceback deep inside the stage that first used it. The README's environment table is
`markdown_table()` (tests/unit/test_settings.py keeps the two equal). The fault suite's report switch
(`make reliability`) belongs to the test harness, not the pipeline, and is not declared here.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Two constants both sides of a contract read, so each has one value. They are not variables.
# MinHash signatures have 128 values (transforms/minhash.py); a band layout must cover exactly that many.
SIGNATURE_LENGTH = 128
# The largest raw page, shared by both sides of raw.pages: the crawler lands nothing larger, on the wire or after
# gzip/deflate/brotli are undone (crawlers/settings.py, DOWNLOAD_MAXSIZE; a larger page is a `too_large` fetch
# failure), and clean inflates no more of a stored page (transforms/stages.py), which bounds what older or
# foreign rows can cost, such as a gzip bomb landed before the cap. 8 times the largest recorded page, where
# Scrapy's own default (1 GiB) lets a small gzip bomb fill gigabytes of crawler memory.
MAX_PAGE_BYTES = 4 * 1024 * 1024


class SettingError(ValueError):
    """A `BANTIN_*` variable holds a value its declaration refuses."""


@dataclass(frozen=True)
class Setting:
    name: str
    meaning: str
    # The default as it would be written in the environment; None when the default is computed (`shown`).
    default: str | None
    # Turns the text into the value, raising ValueError with what the value must be.
    parse: Callable[[str], Any] = str
    # The default as the README shows it, when `default` is None or needs words.
    shown: str | None = None


def _number(kind: type, lowest: float, strict: bool = True) -> Callable[[str], Any]:
    """A parser of finite numbers above `lowest` (or from it, when not `strict`)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < lowest or (strict and value == lowest):
            raise ValueError(f"expected a {'whole number' if kind is int else 'number'} "
                             f"{'above' if strict else 'of at least'} {lowest}")
        return value

    return parse


def _share(lowest_open: bool) -> Callable[[str], float]:
    """A parser of shares: (0, 1], or [0, 1] when zero means something."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (0 < value <= 1 if lowest_open else 0 <= value <= 1):
            raise ValueError(f"expected a number in {'(0' if lowest_open else '[0'}, 1]")
        return value

    return parse


def _layout(text: str) -> tuple[int, int]:
    try:
        bands, rows = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError("expected <bands>x<rows>, e.g. 48x2") from None
    if bands < 1 or rows < 1 or bands * rows > SIGNATURE_LENGTH:
        raise ValueError(f"bands x rows must be at most {SIGNATURE_LENGTH} (the signature length)")
    return bands, rows


def _port(text: str) -> int:
    port = _number(int, 0)(text)
    if port > 65535:
        raise ValueError("expected a TCP port, 1-65535")
    return port


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("BANTIN_DATABASE_URL", "libpq URI of the warehouse", None,
            shown="embedded PostgreSQL 18 under `.data/pg`, database `bantin`"),
    Setting("BANTIN_HOME", "where `.data/` lives", None, shown="the checkout root"),
    # Each load probes and inserts story band keys at random places of core.article_bands' index (20 bytes a
    # key, one key per band and article). PostgreSQL's 128 MB default would serve most of a large index's pages
    # through a system call to the OS cache, and loads would slow down as the archive grows; 2 GB holds a
    # million articles' index (docs/benchmarks.md) with room for the tables' hot pages, within the usual
    # quarter of the reference machine's RAM. The memory is only touched as pages are used. A server named by
    # BANTIN_DATABASE_URL is its operator's to tune.
    Setting("BANTIN_PG_SHARED_BUFFERS", "the embedded server's `shared_buffers` (sized to hold the story band "
            "index of a million articles; the server restarts once when it changes)", "2GB"),
    Setting("BANTIN_STORY_THRESHOLD", "estimated containment at which two texts are one story (decisions from "
            "then on)", "0.54", _share(lowest_open=True)),
    Setting("BANTIN_STORY_BANDS", "LSH layout `<bands>x<rows>` over the first bands x rows of the 128 signature "
            "values; a change rebuilds the band index at the next load", "48x2", _layout),
    Setting("BANTIN_STORY_WINDOW_DAYS", "story window: texts published under this many days apart are compared, "
            "twice as far apart never; a change rebuilds the band index at the next load", "30", _number(int, 0)),
    Setting("BANTIN_REPLAY_URL", "crawl the offline replay at this URL instead of the live sites", None,
            shown="unset (live)"),
    Setting("BANTIN_RAW_RETENTION_DAYS", "raw pages, fetch failures, staged rows and rejects older than this "
            "(before the run's interval end) are purged after a run passes its checks", "30",
            _number(int, 0, strict=False)),
    Setting("BANTIN_DOWNLOAD_TIMEOUT", "crawler download timeout, seconds (the offline demo uses 5)", "30",
            _number(float, 0)),
    Setting("BANTIN_LANDING_RETRY_SECONDS", "how long a crawl keeps retrying an unreachable warehouse before it "
            "stops and exits 1", "120", _number(float, 0, strict=False)),
    Setting("BANTIN_MAX_REJECT_SHARE", "a run rejecting more than this share of its attempts fails its check",
            "0.5", _share(lowest_open=False)),
    Setting("BANTIN_READER_PASSWORD", "password of `bantin_reader` (compose sets it)", None,
            shown="generated into `.data/reader.password`"),
    Setting("BANTIN_BIND_HOST", "address `make run` (and compose's published port) listens on", "127.0.0.1"),
    Setting("BANTIN_AIRFLOW_PORT", "port of `make run`'s UI and API", "8080", _port),
    Setting("BANTIN_WORKER_NAME", "the Celery worker a task ran on, appended to its hostname (set by "
            "`make run WORKERS=N` for each worker)", None, shown="unset"),
)}


def get(name: str) -> Any:
    """The value of `name` from the environment (an empty value counts as unset), else its default, else
    None; SettingError when the value is refused."""
    setting = SETTINGS[name]
    raw = os.environ.get(name) or setting.default
    if raw is None:
        return None
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise SettingError(f"{name}={raw!r}: {exc} ({setting.meaning})") from None


def validate() -> None:
    """Read every setting once: entry points call this first, so a bad value stops the command before it
    starts work, with every refused variable named in one line."""
    problems = []
    for name in SETTINGS:
        try:
            get(name)
        except SettingError as exc:
            problems.append(str(exc))
    if problems:
        raise SettingError("; ".join(problems))


def markdown_table() -> str:
    """The README's environment table."""
    lines = ["| variable | meaning | default |", "|---|---|---|"]
    for s in SETTINGS.values():
        default = s.shown or f"`{s.default}`"
        lines.append(f"| `{s.name}` | {s.meaning} | {default} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
