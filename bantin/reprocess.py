"""Reprocessing, an operator step: clean, dedupe and load again the raw pages of chosen runs."""
from __future__ import annotations

import logging
from datetime import datetime

from transforms.stages import clean_run, dedupe_run, load_run, retention_days, transaction
from warehouse.sql import stage_sql

log = logging.getLogger(__name__)


def reprocess(db_url: str, run_ids: list[str] | None = None, since: datetime | None = None,
              until: datetime | None = None) -> dict:
    """Clean, dedupe and load again the raw pages of the given runs, or of the runs that landed news dated in
    [since, until), or, with none of them given, of every run; oldest first, each load a `reprocess` entry of
    its run's statistics. Runs whose raw pages were purged are skipped (an error when named by id)."""
    with transaction(db_url) as (_, cur):
        cur.execute(stage_sql("reprocess_runs"), {"ids": run_ids, "since": since, "until": until})
        runs = cur.fetchall()
    if run_ids:
        missing = sorted(set(run_ids) - {r[0] for r in runs})
        if missing:
            raise ValueError(f"no landed crawl for run(s) {', '.join(missing)}; nothing to reprocess")
        purged = [r[0] for r in runs if not r[3]]
        if purged:
            raise ValueError(f"the raw pages of run(s) {', '.join(purged)} were purged (older than the "
                             f"{retention_days()}-day retention): nothing left to reprocess")
    kept = [r for r in runs if r[3]]
    if not kept:
        raise ValueError("no run with raw pages left matches; give --run-id, or a --since/--until range of news "
                         "dates (published, else first seen)")
    out = {}
    for run_id, start, end, _ in kept:
        clean_run(db_url, run_id)
        dedupe_run(db_url, run_id)
        out[run_id] = load_run(db_url, run_id, start, end, reprocess=True)
    skipped = len(runs) - len(kept)
    if skipped:
        log.info("reprocess: %d matching run(s) skipped, their raw pages purged", skipped)
    return out
