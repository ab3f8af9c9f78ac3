"""Story storage: the band index, signatures and decisions in the warehouse, around the rule in
`transforms.matching`. Each newly stored article joins the oldest story it near-duplicates, or starts its own."""
from __future__ import annotations

import functools
import io
import logging
import multiprocessing
import os
from collections import defaultdict
from contextlib import contextmanager

from transforms import minhash
from transforms.matching import TEMPLATE_COPIES, Member, bucket, decide, window_days
from warehouse.sql import stage_sql

log = logging.getLogger(__name__)

# One lock id for every loader: clustering reads the stored stories and writes new members, so two loads
# (an hourly run and an overlapping backfill) must take turns, or each would miss the other's new articles
# and split one story in two. Loads are seconds long; waiting for one is cheap.
STORY_LOCK = 0x62616E74696E  # "bantin"


def lock_stories(cur) -> None:
    """Take the loaders' lock for the rest of the transaction."""
    cur.execute("SELECT core.lock_loads()")  # pg_advisory_xact_lock(STORY_LOCK), migration 0013


def _dated_sql(alias: str, seen: str) -> str:
    """The day an article's window is measured from, as SQL over table `alias`: its publication date, else the
    day it was first fetched (column `seen`), in UTC."""
    return f"(coalesce({alias}.published_at, {alias}.{seen}) AT TIME ZONE 'UTC')::date"


# Members per round. A round's band keys are probed, then inserted, in one sorted pass over the band index; the
# more keys a pass holds, the more of them fall on the same leaf page, which narrows the gap between a
# million-article index (too big for the CPU caches) and a small one. A round holds its members, their
# candidates and its keys in memory, so a load's memory follows this, not the run's size. The time and peak RSS
# per round size are in docs/benchmarks.md (bench/dedup/scale.py, bench/dedup/load.py).
CHUNK = 10000

# The run's new articles that carry a signature and are not stored yet, oldest first (ties: first seen). Staging
# says which URLs were new when the run was deduped; a concurrent loader may have stored one since (it held
# the lock before this one), and its row wins. A text one outlet ran word for word under TEMPLATE_COPIES or
# more new URLs of one run is flagged and left out as a page template (transforms/matching.py).
# Composed in Python, as are _UPDATED_SQL and _UNSIGNED_ROWS_SQL: the window's date rule is one helper,
# _dated_sql, shared by the three. The static statements of this stage are in sql/stages/.
_NEW_MEMBERS_SQL = f"""
SELECT page_id, source, minhash, dated, copies >= %(copies)s AS template
FROM (SELECT s.page_id, s.source, s.minhash, s.published_at, s.fetched_at, {_dated_sql("s", "fetched_at")} AS dated,
             count(*) OVER (PARTITION BY s.source, s.body_hash) AS copies
      FROM staging.articles AS s
      WHERE s.run_id = %(run)s AND s.action = 'new' AND s.minhash IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM core.articles AS a WHERE a.canonical_url = s.canonical_url)) AS s
ORDER BY published_at ASC NULLS LAST, fetched_at, page_id
"""

_UPDATED_SQL = f"""
SELECT a.article_id, a.source, a.story_id, s.minhash, {_dated_sql("s", "fetched_at")}, g.minhash, g.dated
FROM staging.articles AS s
JOIN core.articles AS a ON a.canonical_url = s.canonical_url
LEFT JOIN core.article_signatures AS g ON g.article_id = a.article_id
WHERE s.run_id = %s AND s.action = 'updated'
"""

# Every statement of the story stage meets a batch-sized set of rows in archive-sized tables, and the batch's
# rows were written moments ago, so the planner's statistics know nothing of them. Left to itself it guesses,
# and a wrong guess joins against a full scan of core.articles or of the band index, a cost growing with the
# archive. Nested loops over the indexes make every statement cost what the batch costs.
_INDEX_PROBES_ONLY = "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"
_PLANNER_DEFAULTS = "SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on"


def open_decisions(cur) -> None:
    """An empty pg_temp.story_decisions for this transaction (sql/stages/story_decisions.sql)."""
    cur.execute(stage_sql("story_decisions"))


@contextmanager
def story_stage(cur):
    """The story stage's statements, in a transaction holding STORY_LOCK: the signatures and the band index made
    trustworthy, the planner held to index probes and an empty decisions table; the planner's defaults again
    after."""
    _ensure_band_index(cur)
    cur.execute(_INDEX_PROBES_ONLY)
    open_decisions(cur)
    yield
    # Not in a `finally`: after an error the transaction is aborted (and rolled back, settings with it).
    cur.execute(_PLANNER_DEFAULTS)


def _members(rows) -> list[Member]:
    out = []
    for article_id, source, story_id, raw, dated in rows:
        sig = minhash.from_bytes(raw)
        out.append(Member(article_id, source, story_id, sig, minhash.bands(sig), dated))
    return out


def _int_array(values: list[int]) -> str:
    """An integer[] parameter as one array literal. psycopg2 sends a list as ARRAY[v1, v2, ...], an expression
    the server parses element by element, much slower for a round's keys than one literal."""
    return "{" + ",".join(map(str, values)) + "}"


def _copy_text(lines) -> io.BytesIO:
    """COPY input as bytes: a StringIO keeps its text at 4 bytes a character, and a round's band and signature
    rows are megabytes of text."""
    return io.BytesIO("".join(lines).encode())


def _copy_bands(cur, keyed) -> None:
    """COPY (article_id, bucket, keys) into the band index: one row per band and article, several times
    faster by COPY than by multi-row INSERTs. In index order, so the inserts
    walk the index once from left to right instead of jumping between random pages."""
    rows = sorted((b, key, aid) for aid, b, keys in keyed for key in keys)
    cur.copy_expert("COPY core.article_bands (bucket, band_key, article_id) FROM STDIN",
                    _copy_text(f"{b}\t{key}\t{aid}\n" for b, key, aid in rows))


def _index(cur, members: list[Member]) -> None:
    """Store the members' signatures and band keys. The members are new to the index (their old keys were
    deleted, or they have none), so nothing can conflict."""
    cur.copy_expert("COPY core.article_signatures (article_id, minhash, dated) FROM STDIN",
                    _copy_text(f"{m.article_id}\t\\\\x{minhash.to_bytes(m.sig).hex()}\t{m.dated}\n"
                               for m in members))
    _copy_bands(cur, ((m.article_id, m.bucket, m.keys) for m in members))


def rebuild_bands(conn) -> int:
    """Recompute the whole band index from core.article_signatures; returns the articles indexed. The index is
    derived (and unlogged): this is its recovery after a crash, and its migration to a new key layout. The
    table's comment records the layout it was built with."""
    from psycopg2 import sql

    with conn.cursor() as cur, conn.cursor(name="rebuild_bands") as signatures:
        cur.execute("TRUNCATE core.article_bands")
        cur.execute(sql.SQL("COMMENT ON TABLE core.article_bands IS {}").format(sql.Literal(layout_note())))
        signatures.execute("SELECT article_id, minhash, dated FROM core.article_signatures")
        total, days = 0, window_days()
        while rows := signatures.fetchmany(CHUNK):
            _copy_bands(cur, ((aid, bucket(dated, days), minhash.bands(minhash.from_bytes(raw)))
                              for aid, raw, dated in rows))
            total += len(rows)
    log.info("band index rebuilt (%s) for %d signed articles", layout_note(), total)
    return total


def layout_note() -> str:
    """What the band index is built with (its table comment): the signature scheme, layout and story window."""
    return (f"signature: {minhash.SCHEME_NAME}; LSH bands x rows: {minhash.layout_name()}; "
            f"story window: {window_days()} days")


def _ensure_band_index(cur) -> None:
    """Rebuild the band index before clustering when it cannot be trusted: empty beside stored signatures
    (PostgreSQL truncated the unlogged table after a crash, or on a promoted replica), or built with another
    signature scheme, bands x rows layout or story window (an upgrade, or BANTIN_STORY_BANDS or
    BANTIN_STORY_WINDOW_DAYS changed). Either way this batch would miss its stories. Signatures of the previous
    scheme are signed again first (an upgrade's first load, unless `bantin db rekey` did it beforehand)."""
    cur.execute("""SELECT obj_description('core.article_bands'::regclass, 'pg_class'),
                          NOT EXISTS (SELECT 1 FROM core.article_bands)
                          AND EXISTS (SELECT 1 FROM core.article_signatures)""")
    note, lost = cur.fetchone()
    if lost or note != layout_note():
        log.warning("core.article_bands is %s: rebuilding the band index",
                    "empty but signatures exist" if lost else f"'{note}', not '{layout_note()}'")
        if not (note or "").startswith(f"signature: {minhash.SCHEME_NAME};"):
            resign(cur)
        rebuild_bands(cur.connection)


# The stored signatures of the previous scheme (minhash: NUM_PERM values alone), and the staged ones of a run
# cleaned before the upgrade and loaded after it.
_STALE_SQL = """
SELECT 'core', g.article_id, a.body FROM core.article_signatures AS g JOIN core.articles AS a USING (article_id)
WHERE octet_length(g.minhash) = %(old)s AND (%(ids)s::bigint[] IS NULL OR g.article_id = ANY(%(ids)s::bigint[]))
UNION ALL
SELECT 'staging', s.page_id, s.body FROM staging.articles AS s
WHERE octet_length(s.minhash) = %(old)s AND %(ids)s::bigint[] IS NULL
"""


def _signed(body: str | None) -> bytes | None:
    """The stored bytes of a body's signature (module level: a process pool calls it)."""
    sig = minhash.signature(body or "")
    return None if sig is None else minhash.to_bytes(sig)


def resign(cur, ids: list[int] | None = None, sign_all=None) -> int:
    """Sign again, from their stored bodies, the signatures of the previous scheme (those of `ids` only, when
    given); returns how many. Stories stay as they are: a signature decides which stories later articles join,
    not which ones stored articles are in. The band index must be rebuilt after: its keys come from the
    signatures. `sign_all(bodies)` signs a list of bodies (a process pool's map, for `rekey`)."""
    from psycopg2.extras import execute_values

    sign_all = sign_all or (lambda bodies: [_signed(body) for body in bodies])
    total = 0
    with cur.connection.cursor(name="stale_signatures") as stale:
        stale.execute(_STALE_SQL, {"old": minhash.NUM_PERM * 4, "ids": ids})
        while rows := stale.fetchmany(REKEY_CHUNK):
            for table, target, key in (("core", "core.article_signatures", "article_id"),
                                       ("staging", "staging.articles", "page_id")):
                picked = [(i, body) for where, i, body in rows if where == table]
                signed = list(zip([i for i, _ in picked], sign_all([body for _, body in picked])))
                execute_values(cur, f"""UPDATE {target} AS t SET minhash = v.minhash
                                         FROM (VALUES %s) AS v ({key}, minhash) WHERE t.{key} = v.{key}""",
                               [(i, raw) for i, raw in signed if raw is not None], page_size=REKEY_CHUNK)
                # MIN_SYLLABLES is unchanged and spelling out "%" only adds syllables, so a body signed then
                # signs now; one that does not (edited in the database by hand) is left unsigned, as if short.
                if unsigned := [i for i, raw in signed if raw is None]:
                    cur.execute(f"UPDATE {target} SET minhash = NULL WHERE {key} = ANY(%s)" if table == "staging"
                                else "DELETE FROM core.article_signatures WHERE article_id = ANY(%s)", (unsigned,))
            total += len(rows)
    if total:
        log.info("signed again %d signatures of the previous scheme", total)
    return total


def _rekey_updated(cur, run_id: str) -> int:
    """Updated articles keep their story; only their keys follow the new text. Returns how many."""
    total = 0
    with cur.connection.cursor(name="story_updates") as updates:
        updates.execute(_UPDATED_SQL, (run_id,))
        while rows := updates.fetchmany(CHUNK):
            days = window_days()
            old = [(b, key, aid) for aid, _, _, _, _, raw, dated in rows if raw is not None
                   for b in (bucket(dated, days),) for key in minhash.bands(minhash.from_bytes(raw))]
            cur.execute("""DELETE FROM core.article_bands AS b
                           USING unnest(%s::integer[], %s::integer[], %s::integer[]) AS o (b, k, a)
                           WHERE b.bucket = o.b AND b.band_key = o.k AND b.article_id = o.a""",
                        tuple(_int_array([row[i] for row in old]) for i in range(3)))
            cur.execute("DELETE FROM core.article_signatures WHERE article_id = ANY(%s)", ([r[0] for r in rows],))
            _index(cur, _members([r[:5] for r in rows if r[3] is not None]))
            total += len(rows)
    return total


# A member's text, for the rule's second look (transforms/passages.py): the text its signature was taken from.
# A stored article this run updates is keyed already by its new text (`_rekey_updated`), which is only staged
# until the load stores it; an earlier round's member is staged too (pg_temp.story_decisions maps it to its page).
_BODY_SQL = """
SELECT coalesce((SELECT u.body FROM staging.articles AS u
                 WHERE u.run_id = %(run)s AND u.action = 'updated' AND u.canonical_url = a.canonical_url
                 LIMIT 1),
                a.body, s.body)
FROM (SELECT %(id)s::bigint AS article_id) AS x
LEFT JOIN core.articles AS a ON a.article_id = x.article_id
LEFT JOIN pg_temp.story_decisions AS d ON d.article_id = x.article_id
LEFT JOIN staging.articles AS s ON s.run_id = %(run)s AND s.page_id = d.page_id
"""


class _Texts:
    """The texts of a round's members and candidates, read when the rule asks for one: only the pairs its
    signatures cannot decide are read again, a few in a round, so each is one lookup by key. `pages` maps the
    round's own members, not stored yet, to their staged pages."""

    def __init__(self, cur, run_id: str | None = None, pages: dict[int, int] | None = None):
        self.cur, self.run_id, self.pages = cur, run_id, pages or {}
        self.read: dict[int, str | None] = {}

    def __call__(self, member: Member) -> str | None:
        if member.article_id not in self.read:
            if (page := self.pages.get(member.article_id)) is not None:
                self.cur.execute("SELECT body FROM staging.articles WHERE run_id = %s AND page_id = %s",
                                 (self.run_id, page))
            else:
                self.cur.execute(_BODY_SQL, {"id": member.article_id, "run": self.run_id})
            row = self.cur.fetchone()
            self.read[member.article_id] = row[0] if row else None
        return self.read[member.article_id]


def _cluster(cur, batch: list[Member], text: _Texts) -> dict[int, tuple[int, str]]:
    """Join each member of one round to its story (see `decide`) and index it; returns the joins. Earlier
    rounds are already indexed, so a round finds them like any other history."""
    # One probe per bucket the round's members fall in (a scheduled run's round: one or two), over that bucket
    # and its neighbours. The keys are sorted, so the probes walk the index in order, and not kept, as the
    # round's largest transient. A history article found by two probes is one candidate.
    groups: dict[int, set[int]] = defaultdict(set)
    for m in batch:
        groups[m.bucket].update(m.keys)
    candidates: dict[int, Member] = {}
    for b, keys in sorted(groups.items()):
        cur.execute(stage_sql("story_candidates"), (_int_array([b - 1, b, b + 1]), _int_array(sorted(keys))))
        for aid, source, story, raw, dated, shared in cur.fetchall():
            if aid in candidates:
                candidates[aid].keys = sorted(set(candidates[aid].keys) | set(shared))
            else:
                candidates[aid] = Member(aid, source, story, minhash.from_bytes(raw), shared, dated)
    joined = decide(batch, list(candidates.values()), text)
    _index(cur, [m for m in batch if not m.template])
    return joined


def _allocate(cur, column: str, n: int) -> list[int]:
    """n fresh values of a serial column of core.articles, ascending."""
    cur.execute("SELECT nextval(pg_get_serial_sequence('core.articles', %s)) FROM generate_series(1, %s)",
                (column, n))
    return sorted(r[0] for r in cur.fetchall())


def _new_round(cur, rows) -> list[Member]:
    """The round's members, given the article and story ids their rows will be inserted with (in
    publication order, as the rows come): a member that joins an older story gives its own story id up."""
    ids = zip(_allocate(cur, "article_id", len(rows)), _allocate(cur, "story_id", len(rows)))
    return _members((article_id, source, story_id, raw, dated)
                    for (_, source, raw, dated), (article_id, story_id) in zip(rows, ids))


def assign_stories(cur, run_id: str) -> dict:
    """Decide the stories of the articles this run will insert, and index them; re-key the ones it updates.
    Call inside the load transaction, holding STORY_LOCK, before the inserts: they take each new article's
    ids from pg_temp.story_decisions. Streams the run in rounds of CHUNK members."""
    with story_stage(cur):
        return _assign(cur, run_id)


def _assign(cur, run_id: str) -> dict:
    rekeyed = _rekey_updated(cur, run_id)
    signed = joined = templates = 0
    # A server-side cursor: the run's members arrive CHUNK at a time, in publication order.
    with cur.connection.cursor(name="story_members") as members:
        members.execute(_NEW_MEMBERS_SQL, {"run": run_id, "copies": TEMPLATE_COPIES})
        while rows := members.fetchmany(CHUNK):
            templates += sum(1 for row in rows if row[4])
            if not (rows := [row[:4] for row in rows if not row[4]]):
                continue
            batch = _new_round(cur, rows)
            joins = _cluster(cur, batch, _Texts(cur, run_id, {m.article_id: row[0] for row, m in zip(rows, batch)}))
            relations = (joins[m.article_id][1] if m.article_id in joins else "original" for m in batch)
            decisions = _copy_text(f"{page_id}\t{m.article_id}\t{m.source}\t{m.story_id}\t{relation}\n"
                                   for (page_id, *_), m, relation in zip(rows, batch, relations))
            cur.copy_expert("COPY pg_temp.story_decisions (page_id, article_id, source, story_id, relation) FROM STDIN",
                            decisions)
            joined += len(joins)
            templates += sum(m.template for m in batch)
            signed += sum(not m.template for m in batch)
    return {"signed": signed, "joined": joined, "rekeyed": rekeyed, "templates": templates}


# Read under the lock: a load that committed since the list was read may have signed one of them (a new
# version of an old article is re-keyed by the load that stores it).
_UNSIGNED_ROWS_SQL = f"""
SELECT a.article_id, a.source, a.story_id, a.body, {_dated_sql("a", "first_seen_at")}
FROM core.articles AS a
WHERE a.article_id = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM core.article_signatures AS g WHERE g.article_id = a.article_id)
"""


# A rekey round signs its articles while it holds STORY_LOCK (read and signed under the lock so no load signs
# them meanwhile), so its rounds are smaller than a load's: a scheduled load waits for one round at most, a
# few seconds of MinHash.
REKEY_CHUNK = 2000


def rekey(db_url: str) -> dict:
    """Bring stored signatures up to date, then sign and cluster the stored articles that have none.

    First the signatures of a previous scheme are signed again from their bodies (an upgrade; stories stay as
    they are), and the band index is rebuilt for them: an operator runs this after upgrading so that the first
    load does not do it inside its transaction. Then the articles without a signature are signed and clustered,
    oldest first, exactly as a load clusters new ones: each joins the oldest story it near-duplicates; one that
    joins an older story changes its story id (it was alone in its story until now). One transaction per round
    of REKEY_CHUNK, each under STORY_LOCK, so scheduled loads interleave instead of waiting for the whole
    archive."""
    import psycopg2

    conn = psycopg2.connect(db_url)
    counts = {"resigned": 0, "read": 0, "signed": 0, "joined": 0, "templates": 0}
    try:
        counts["resigned"] = _resign_stored(conn)
        with conn, conn.cursor() as cur:
            lock_stories(cur)
            _ensure_band_index(cur)  # signs a staged row of the previous scheme again, if a run left one
        # WITH HOLD: the list (ids only) outlives each round's commit.
        with conn.cursor(name="unsigned", withhold=True) as unsigned:
            unsigned.execute(stage_sql("unsigned_articles"), (TEMPLATE_COPIES,))
            conn.commit()
            while ids := [r[0] for r in unsigned.fetchmany(REKEY_CHUNK)]:
                with conn, conn.cursor() as cur:
                    lock_stories(cur)
                    # The decisions table stays empty: every member of a rekey round is stored already.
                    with story_stage(cur):
                        batch, joins = _rekey_round(cur, ids)
                counts["read"] += len(ids)
                counts["signed"] += sum(not m.template for m in batch)
                counts["joined"] += len(joins)
                counts["templates"] += sum(m.template for m in batch)
    finally:
        conn.close()
    log.info("rekey: %s", counts)
    return counts


def _resign_stored(conn) -> int:
    """rekey's first step: the stored signatures of the previous scheme signed again, a round of REKEY_CHUNK
    per transaction under STORY_LOCK; returns how many."""
    total = 0
    # WITH HOLD: the list (ids only) outlives each round's commit.
    with conn.cursor(name="stale", withhold=True) as stale:
        stale.execute("SELECT article_id FROM core.article_signatures WHERE octet_length(minhash) = %s",
                      (minhash.NUM_PERM * 4,))
        conn.commit()
        if not (ids := [r[0] for r in stale.fetchmany(REKEY_CHUNK)]):
            return 0  # nothing to sign again: no pool to start
        # Signing is the cost (milliseconds a body, docs/benchmarks.md): one process per core while a round
        # holds the lock. Spawned, so no child inherits this process's connection.
        with multiprocessing.get_context("spawn").Pool(os.cpu_count()) as pool:
            sign_all = functools.partial(pool.map, _signed, chunksize=50)
            while ids:
                with conn, conn.cursor() as cur:
                    lock_stories(cur)
                    total += resign(cur, ids, sign_all)
                ids = [r[0] for r in stale.fetchmany(REKEY_CHUNK)]
    return total


def _rekey_round(cur, ids: list[int]) -> tuple[list[Member], dict]:
    """Sign the listed articles still unsigned and cluster them; a join moves a stored row into an older story."""
    from psycopg2.extras import execute_values

    cur.execute(_UNSIGNED_ROWS_SQL, (ids,))
    rows = {r[0]: r[1:] for r in cur.fetchall()}
    batch = []
    for article_id in ids:  # publication order, as listed
        source, story_id, body, dated = rows.get(article_id, (None, None, None, None))
        if (sig := minhash.signature(body or "")) is not None:
            batch.append(Member(article_id, source, story_id, sig, minhash.bands(sig), dated))
    joins = _cluster(cur, batch, _Texts(cur))
    if joins:
        execute_values(cur, """UPDATE core.articles AS a SET story_id = v.story_id, relation = v.relation
                               FROM (VALUES %s) AS v (article_id, story_id, relation)
                               WHERE a.article_id = v.article_id""",
                       [(aid, story, relation) for aid, (story, relation) in joins.items()], page_size=REKEY_CHUNK)
    return batch, joins
