"""What landed, read back through the api views only (what a downstream user would see)."""
from __future__ import annotations


def _rows(cur, sql: str, params=()) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


_LATEST_RUN_SQL = "SELECT run_id FROM api.run_stats WHERE load_number = 1 ORDER BY loaded_at DESC LIMIT 1"


def latest_run_id(db_url: str) -> str | None:
    """The run whose own (first) load is the latest, or None before any run loaded."""
    import psycopg2

    conn = psycopg2.connect(db_url)
    try:
        with conn, conn.cursor() as cur:
            latest = _rows(cur, _LATEST_RUN_SQL)
    finally:
        conn.close()
    return latest[0][0] if latest else None


def collect(db_url: str, run_id: str | None = None) -> dict:
    """Figures for one run (default: the latest run loaded) and the archive totals: what the run's first load
    landed, and the later loads of the run (re-runs, reprocesses), which never rewrite it."""
    import psycopg2

    conn = psycopg2.connect(db_url)
    try:
        with conn, conn.cursor() as cur:
            if run_id is None:
                latest = _rows(cur, _LATEST_RUN_SQL)
                run_id = latest[0][0] if latest else None
            elif not _rows(cur, "SELECT 1 FROM api.run_stats WHERE run_id = %s LIMIT 1", (run_id,)):
                raise ValueError(f"no loaded run {run_id!r} (runs are named as in Airflow, e.g. "
                                 "scheduled__2026-03-07T04:00:00+00:00; `bantin report` shows the latest)")
            totals = dict(_rows(cur, "SELECT source, count(*) FROM api.articles GROUP BY source ORDER BY source"))
            (stories,) = _rows(cur, """SELECT count(*), count(*) FILTER (WHERE member_count > 1),
                                              coalesce(max(member_count), 0) FROM api.stories""")
            runs = _rows(
                cur,
                """SELECT source, pages_fetched, fetch_failures, articles_new, articles_updated,
                          articles_duplicate, rejected, rejects_by_reason
                   FROM api.run_stats WHERE run_id = %s AND load_number = 1 ORDER BY source""",
                (run_id,),
            )
            later = _rows(cur, """SELECT load_number, load_kind, max(loaded_at), sum(articles_new),
                                         sum(articles_updated), sum(articles_duplicate)
                                  FROM api.run_stats WHERE run_id = %s AND load_number > 1
                                  GROUP BY 1, 2 ORDER BY 1""", (run_id,))
    finally:
        conn.close()
    keys = ("pages_fetched", "fetch_failures", "new", "updated", "duplicate", "rejected", "rejects_by_reason")
    return {"run_id": run_id, "articles_total": totals,
            "stories": dict(zip(("stories", "multi_member", "largest"), stories)),
            "run": {row[0]: dict(zip(keys, row[1:])) for row in runs},
            "later_loads": [dict(zip(("load", "kind", "loaded_at", "new", "updated", "duplicate"), row))
                            for row in later]}


def format_report(figures: dict) -> str:
    lines = [f"run {figures['run_id'] or '(none loaded yet)'}"]
    header = (f"{'source':<12}{'fetched':>8}{'new':>6}{'updated':>9}{'dup skipped':>13}{'rejected':>10}"
              f"{'in api.articles':>17}")
    lines.append(header)
    sources = sorted(set(figures["articles_total"]) | set(figures["run"]))
    for source in sources:
        r = figures["run"].get(source, {})
        lines.append(
            f"{source:<12}{r.get('pages_fetched', 0) + r.get('fetch_failures', 0):>8}{r.get('new', 0):>6}"
            f"{r.get('updated', 0):>9}{r.get('duplicate', 0):>13}{r.get('rejected', 0):>10}"
            f"{figures['articles_total'].get(source, 0):>17}"
        )
    reasons: dict[str, int] = {}
    for r in figures["run"].values():
        for reason, n in (r.get("rejects_by_reason") or {}).items():
            reasons[reason] = reasons.get(reason, 0) + n
    lines.append("rejects by reason: " + (", ".join(f"{k}={v}" for k, v in sorted(reasons.items())) or "none"))
    st = figures["stories"]
    lines.append(f"stories: {st['stories']} ({st['multi_member']} with reprints or reposts; largest "
                 f"{st['largest']} articles)")
    new = sum(r.get("new", 0) for r in figures["run"].values())
    lines.append(f"{new} new article rows" if new else "0 new rows: everything fetched was already stored")
    for load in figures.get("later_loads", []):
        lines.append(f"later load #{load['load']} ({load['kind']}, {load['loaded_at']:%Y-%m-%d %H:%M %Z}): "
                     f"{load['new']} new, {load['updated']} updated, {load['duplicate']} unchanged")
    return "\n".join(lines)


def print_report(run_id: str | None = None, db_url: str | None = None) -> None:
    from warehouse import db

    print(format_report(collect(db_url or db.database_url(), run_id)))
