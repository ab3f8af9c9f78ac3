"""The story rule, with no database: which earlier article a new one near-duplicates, within the story window.

`transforms.stories` feeds it members read from the warehouse and stores what it decides; the rule itself is
here, testable on plain values (tests/unit/test_matching.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from transforms import minhash
from warehouse import settings

# An outlet does repost its own story under a new URL (a corrected slug, a second section), once, sometimes
# twice; three identical texts from one outlet is a page template (a placeholder, a paywall or error notice
# long enough to sign), not a story: clustering it would make one giant story of unrelated pages.
TEMPLATE_COPIES = 3

_EPOCH = date(1970, 1, 1).toordinal()


# The story window (BANTIN_STORY_WINDOW_DAYS): two articles are compared only when they were published close
# together. Wire copy and syndicated pieces run within hours or days of their original; a text that resurfaces
# months later is more often the next edition of a template (a holiday schedule, an exam calendar, a yearly
# report) than the same story. The window is also what keeps a load's cost flat as the archive grows: the band
# index is ordered by a bucket of window days first, so a batch probes and inserts into three buckets' stretch
# of it, not into pages spread over the whole archive (docs/benchmarks.md). Articles published less than one
# window apart are always compared, two windows or more apart never, and in between when their buckets are
# adjacent. The date is the publication date, else the day the article was first fetched.
def window_days() -> int:
    return settings.get("BANTIN_STORY_WINDOW_DAYS")


def bucket(dated: date, days: int | None = None) -> int:
    """The band index bucket of an article dated `dated`: whole story windows since 1970."""
    return (dated.toordinal() - _EPOCH) // (days or window_days())


@dataclass
class Member:
    """An article as the rule sees it: its signature, band keys, date, and the story it belongs to."""

    article_id: int
    source: str
    story_id: int
    sig: np.ndarray
    keys: list[int]
    dated: date
    template: bool = False
    bucket: int = field(init=False)

    def __post_init__(self):
        # Computed once: `decide` compares buckets for every candidate of every key.
        self.bucket = bucket(self.dated)


def _near(a: Member, b: Member) -> bool:
    return abs(a.bucket - b.bucket) <= 1


def decide(batch: list[Member], history: list[Member]) -> dict[int, tuple[int, str]]:
    """article_id -> (story_id, relation) for every batch member that joins an existing story.

    `batch` is in publication order; each member is compared with history and with the batch members before
    it, through shared LSH band keys, within the story window, and verified by estimated Jaccard. It joins the
    oldest matching story (the smallest id, so ids stay stable); the relation is `repost` when a matched
    member has the same source. A history member needs only the keys it shares with the batch (a key carries
    its band number).

    A member whose outlet already ran its exact text (the same signature) under TEMPLATE_COPIES - 1 other
    URLs is a page template arriving one copy per run: it is marked, joins nothing and is left out of the
    index, so later copies keep meeting only the first ones."""
    threshold = minhash.threshold()
    index: dict[int, list[Member]] = defaultdict(list)
    for member in history:
        for key in member.keys:
            index[key].append(member)
    joined: dict[int, tuple[int, str]] = {}
    for member in batch:
        seen: dict[int, Member] = {}
        for key in member.keys:
            for other in index[key]:
                if _near(member, other):
                    seen.setdefault(other.article_id, other)
        matches = [o for o in seen.values() if minhash.similarity(member.sig, o.sig) >= threshold]
        copies = sum(1 for o in matches if o.source == member.source and np.array_equal(o.sig, member.sig))
        if copies >= TEMPLATE_COPIES - 1:
            member.template = True
            continue
        if matches:
            story = min(o.story_id for o in matches)
            relation = "repost" if any(o.source == member.source for o in matches) else "reprint"
            joined[member.article_id] = (story, relation)
            member.story_id = story
        for key in member.keys:
            index[key].append(member)
    return joined
