"""Fixtures of the fault suite: its own HTTP server per test, and the ledger that becomes docs/reliability.md."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from fault_server import FaultServer

REPORT_ENV = "BANTIN_RELIABILITY_REPORT"


@dataclass
class Row:
    fault: str
    expected: str
    observed: str
    survived: bool
    lost: int
    duplicates: int


class Ledger:
    def __init__(self):
        self.rows: list[Row] = []

    def record(self, fault: str, expected: str, observed: str, *, survived: bool, lost: int = 0,
               duplicates: int = 0) -> None:
        """One fault's row; recorded before the test asserts, so a fault that is not survived shows as such."""
        self.rows.append(Row(fault, expected, observed, survived, lost, duplicates))

    def markdown(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        survived = sum(r.survived for r in self.rows)
        lines = [
            "# Reliability: the fault matrix",
            "",
            "Written by `make reliability` (the fault suite, `tests/faults/`, which also runs in `make test`); do not",
            "edit by hand. Each row is one fault injected for real into a crawl or a load of the replay's",
            "bienphong site: its own HTTP server serving the bad bytes, a `scrapy crawl` subprocess killed, the",
            "PostgreSQL server stopped. *Lost* counts the articles the server served whole that are missing from",
            "`api.articles`; *duplicates* counts rows added, or stored twice, after the same window ran three more",
            "times (the run retried, an overlapping backfill run, and a reprocess). The two backfill rows are a",
            "month's backfill in small: two news days of all 15 sources, killed mid-way under `make run` (every",
            "process but PostgreSQL) and under `make run WORKERS=2` (the scheduler and one Celery worker); there",
            "*duplicates* counts URLs stored twice.",
            "",
            f"{survived} of {len(self.rows)} faults survived.",
            "",
            "| # | fault | expected | observed | survived | lost | duplicates |",
            "|---|---|---|---|---|---|---|",
        ]
        for n, r in enumerate(self.rows, 1):
            lines.append(f"| {n} | {cell(r.fault)} | {cell(r.expected)} | {cell(r.observed)} | "
                         f"{'yes' if r.survived else '**no**'} | {r.lost} | {r.duplicates} |")
        return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def ledger():
    book = Ledger()
    yield book
    target = os.environ.get(REPORT_ENV)
    if target and book.rows:
        Path(target).write_text(book.markdown(), encoding="utf-8")


@pytest.fixture
def fault_server():
    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
