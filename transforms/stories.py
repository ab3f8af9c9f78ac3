"""Story assignment: each newly stored article joins the oldest story it near-duplicates, or starts its own."""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from transforms import minhash

# One lock id for every loader: clustering reads the stored stories and writes new members, so two loads
# (an hourly run and an overlapping backfill) must take turns, or each would miss the other's new articles
# and split one story in two. Loads are seconds long; waiting for one is cheap.
STORY_LOCK = 0x62616E74696E  # "bantin"


@dataclass
class Member:
    article_id: int
    source: str
    story_id: int
    sig: np.ndarray
    keys: list[int]


def decide(batch: list[Member], history: list[Member]) -> dict[int, tuple[int, str]]:
    """article_id -> (story_id, relation) for every batch member that joins an existing story.

    `batch` is in publication order; each member is compared with history and with the batch members before
    it, through shared LSH bands, and verified by estimated Jaccard. It joins the oldest matching story (the
    smallest id, so ids stay stable); the relation is `repost` when a matched member has the same source."""
    index: dict[tuple[int, int], list[Member]] = defaultdict(list)
    for member in history:
        for band, key in enumerate(member.keys):
            index[band, key].append(member)
    joined: dict[int, tuple[int, str]] = {}
    for member in batch:
        seen: dict[int, Member] = {}
        for band, key in enumerate(member.keys):
            for other in index[band, key]:
                seen.setdefault(other.article_id, other)
        matches = [o for o in seen.values() if minhash.similarity(member.sig, o.sig) >= minhash.THRESHOLD]
        if matches:
            story = min(o.story_id for o in matches)
            relation = "repost" if any(o.source == member.source for o in matches) else "reprint"
            joined[member.article_id] = (story, relation)
            member.story_id = story
        for band, key in enumerate(member.keys):
            index[band, key].append(member)
    return joined


_NEW_MEMBERS_SQL = """
SELECT a.article_id, a.source, a.story_id, s.minhash
FROM staging.articles AS s
JOIN core.articles AS a ON a.canonical_url = s.canonical_url AND a.first_run_id = s.run_id
WHERE s.run_id = %s AND s.action = 'new' AND s.minhash IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM core.article_signatures AS g WHERE g.article_id = a.article_id)
ORDER BY a.published_at ASC NULLS LAST, a.article_id
"""

_CANDIDATES_SQL = """
SELECT DISTINCT a.article_id, a.source, a.story_id, g.minhash
FROM unnest(%s::smallint[], %s::bigint[]) AS q (band, band_hash)
JOIN core.article_bands AS b USING (band, band_hash)
JOIN core.articles AS a USING (article_id)
JOIN core.article_signatures AS g USING (article_id)
"""


def _members(rows) -> list[Member]:
    out = []
    for article_id, source, story_id, raw in rows:
        sig = minhash.from_bytes(raw)
        out.append(Member(article_id, source, story_id, sig, minhash.bands(sig)))
    return out


def _index(cur, members: list[Member]) -> None:
    """Store the members' signatures and band keys. COPY, because a batch writes BANDS rows per article
    (320,000 for 10,000 articles), several times faster than multi-row INSERTs. The members are new to the
    index (their old keys were deleted, or they have none), so nothing can conflict."""
    signatures = io.StringIO("".join(f"{m.article_id}\t\\\\x{minhash.to_bytes(m.sig).hex()}\n" for m in members))
    cur.copy_expert("COPY core.article_signatures (article_id, minhash) FROM STDIN", signatures)
    band_rows = io.StringIO("".join(f"{band}\t{key}\t{m.article_id}\n"
                                    for m in members for band, key in enumerate(m.keys)))
    cur.copy_expert("COPY core.article_bands (band, band_hash, article_id) FROM STDIN", band_rows)


def assign_stories(cur, run_id: str) -> dict:
    """Cluster the articles this run inserted; re-key the ones it updated. Call inside the load transaction,
    after the inserts, holding STORY_LOCK."""
    from psycopg2.extras import execute_values

    # Updated articles keep their story; only their keys follow the new text.
    cur.execute("""SELECT a.article_id, a.source, a.story_id, s.minhash
                   FROM staging.articles AS s JOIN core.articles AS a ON a.canonical_url = s.canonical_url
                   WHERE s.run_id = %s AND s.action = 'updated'""", (run_id,))
    updated = cur.fetchall()
    if updated:
        ids = [r[0] for r in updated]
        cur.execute("DELETE FROM core.article_bands WHERE article_id = ANY(%s)", (ids,))
        cur.execute("DELETE FROM core.article_signatures WHERE article_id = ANY(%s)", (ids,))
        _index(cur, _members([r for r in updated if r[3] is not None]))

    cur.execute(_NEW_MEMBERS_SQL, (run_id,))
    batch = _members(cur.fetchall())
    if not batch:
        return {"signed": 0, "joined": 0}
    pairs = {(band, key) for m in batch for band, key in enumerate(m.keys)}
    # One index probe per batch key keeps the cost flat in the archive's size. Left to itself the planner
    # (which guesses 100 rows for unnest) merge-joins against a full scan of the band index, whose cost
    # grows with history: 5.7 s at 100k articles (bench/dedup/scale.py).
    cur.execute("SET LOCAL enable_mergejoin = off; SET LOCAL enable_hashjoin = off")
    cur.execute(_CANDIDATES_SQL, ([p[0] for p in pairs], [p[1] for p in pairs]))
    candidates = cur.fetchall()
    cur.execute("SET LOCAL enable_mergejoin = on; SET LOCAL enable_hashjoin = on")
    joined = decide(batch, _members(candidates))
    if joined:
        execute_values(cur, """UPDATE core.articles AS a SET story_id = v.story_id, relation = v.relation
                               FROM (VALUES %s) AS v (article_id, story_id, relation)
                               WHERE a.article_id = v.article_id""",
                       [(aid, story, relation) for aid, (story, relation) in joined.items()])
    _index(cur, batch)
    return {"signed": len(batch), "joined": len(joined)}
