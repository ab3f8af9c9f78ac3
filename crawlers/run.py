"""Run one source's crawl as the `scrapy crawl site` subprocess (what the Airflow crawl task calls)."""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
from collections import deque
from datetime import datetime
from pathlib import Path

from crawlers.stats import SUMMARY

REPO_ROOT = Path(__file__).resolve().parent.parent
# A crawl of one source for one hour-window takes seconds; a multi-day backfill with AutoThrottle against a
# slow site takes minutes. Two hours bounds a hung crawl well inside a daily schedule.
DEFAULT_TIMEOUT_SECONDS = 2 * 60 * 60

log = logging.getLogger(__name__)

# Scrapy's LOG_FORMAT: `2026-03-07 11:00:00 [scrapy.core.engine] INFO: Spider opened`. A line without it (a
# traceback's, a multi-line message's) continues the record before it, at the same level.
_SCRAPY_LINE = re.compile(r"^\S+ \S+ \[[^\]]+\] (DEBUG|INFO|WARNING|ERROR|CRITICAL): ")


class CrawlFailed(RuntimeError):
    """The scrapy subprocess exited non-zero or overran its timeout."""


def crawl_command(source: str, run_id: str, start: datetime | str, end: datetime | str) -> list[str]:
    def iso(value):
        return value.isoformat() if isinstance(value, datetime) else str(value)

    return [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"source={source}", "-a", f"run_id={run_id}",
            "-a", f"start={iso(start)}", "-a", f"end={iso(end)}"]


def run_crawl(source: str, run_id: str, start: datetime | str, end: datetime | str, *,
              env: dict | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> int:
    """Crawl `source` for the window [start, end) into the warehouse; return the exit code (0).

    `env` overrides/extends os.environ (e.g. BANTIN_DATABASE_URL, BANTIN_REPLAY_URL). The subprocess log is
    streamed line by line to this process's logger (and so to the Airflow task log).
    """
    cmd = crawl_command(source, run_id, start, end)
    full_env = {**os.environ, **(env or {})}
    if not full_env.get("BANTIN_DATABASE_URL"):
        raise CrawlFailed("BANTIN_DATABASE_URL is not set: the crawl would have nowhere to land pages")
    log.info("crawl %s run %s window [%s, %s): %s", source, run_id, start, end, " ".join(cmd))
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace", bufsize=1)
    # A watchdog, because a hung crawl prints nothing and would block the log loop forever.
    fired = threading.Event()

    def kill() -> None:
        fired.set()
        proc.kill()

    watchdog = threading.Timer(timeout, kill)
    watchdog.start()
    tail: deque[str] = deque(maxlen=30)
    level = logging.INFO
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            # Each line at Scrapy's own level, so the task log's ERROR filter finds what Scrapy logged as ERROR.
            if m := _SCRAPY_LINE.match(line):
                level = logging.getLevelName(m.group(1))
                if line[m.end():].startswith(SUMMARY):
                    # The crawl's own summary (its last line), as a record of this task, without Scrapy's prefix.
                    log.info("%s", line[m.end():])
                    tail.append(line)
                    continue
            log.log(level, "[scrapy %s] %s", source, line)
            tail.append(line)
        code = proc.wait()
    finally:
        watchdog.cancel()
    if fired.is_set():
        raise CrawlFailed(f"crawl {source} run {run_id} exceeded {timeout:.0f} s and was killed")
    if code != 0:
        raise CrawlFailed(f"crawl {source} run {run_id} exited with status {code}; last log lines:\n"
                          + "\n".join(tail))
    return code
