"""The story rule, with no database: which earlier article a new one near-duplicates, within the story window.

`transforms.stories` feeds it members read from the warehouse and stores what it decides; the rule itself is
here, testable on plain values (tests/unit/test_matching.py).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from transforms import minhash, passages
from warehouse import settings

# An outlet does repost its own story under a new URL (a corrected slug, a second section), once, sometimes
# twice; three identical texts from one outlet is a page template (a placeholder, a paywall or error notice
# long enough to sign), not a story: clustering it would make one giant story of unrelated pages.
TEMPLATE_COPIES = 3

_EPOCH = date(1970, 1, 1).toordinal()

# The estimated containment from which a candidate that its signatures reject is read again, on the two texts
# (transforms/passages.py): an update reusing half of its story, whose estimate sits near the threshold give or
# take the estimate's noise, or a pair the numbers check vetoed on counts alone. Far enough under the threshold
# for that noise; far enough over what unrelated candidates (chance band collisions) estimate that they are
# never read. The pair set's figures are in docs/benchmarks.md.
SECOND_LOOK = 0.30


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
    sig: minhash.Signature
    keys: list[int]
    dated: date
    template: bool = False
    bucket: int = field(init=False)

    def __post_init__(self):
        # Computed once: `decide` compares buckets for every candidate of every key.
        self.bucket = bucket(self.dated)


def _near(a: int, b: int) -> bool:
    """Two articles' buckets are compared when they are the same or adjacent (the story window)."""
    return abs(a - b) <= 1


def verified(a: minhash.Signature, b: minhash.Signature, at: float,
             reading: Callable[[], passages.Reading | None] | None = None) -> bool:
    """The verification of a candidate pair at the threshold `at`: its signatures (`minhash.same_story`), and
    when they reject a pair estimated at SECOND_LOOK or more, the two texts aligned (`reading()`, when given:
    `passages.read` of the two texts, None when they cannot be read)."""
    if minhash.same_story(a, b, at):
        return True
    if reading is None or minhash.containment(a, b) < SECOND_LOOK:
        return False
    found = reading()
    return found is not None and found.same_story(at)


def _reader(text: Callable[[Member], str | None], a: Member, b: Member) -> Callable[[], passages.Reading | None]:
    def reading() -> passages.Reading | None:
        texts = text(a), text(b)
        return None if None in texts else passages.read(*texts)
    return reading


def decide(batch: list[Member], history: list[Member],
           text: Callable[[Member], str | None] | None = None) -> dict[int, tuple[int, str]]:
    """article_id -> (story_id, relation) for every batch member that joins an existing story.

    `batch` is in publication order; each member is compared with history and with the batch members before
    it, through shared LSH band keys, within the story window, and `verified`: estimated containment at the
    threshold and figures that agree, or else, from SECOND_LOOK, the texts that `text(member)` returns aligned
    (without `text`, the signatures alone decide). It joins the oldest matching story (the smallest id,
    so ids stay stable); the relation is `repost` when a matched member has the same source. A history member
    needs only the keys it shares with the batch (a key carries its band number).

    A member whose outlet already ran its exact text (the same signature) under TEMPLATE_COPIES - 1 other
    URLs is a page template arriving one copy per run: it is marked, joins nothing and is left out of the
    index, so later copies keep meeting only the first ones."""
    at = minhash.threshold()
    index: dict[int, list[Member]] = defaultdict(list)
    for member in history:
        for key in member.keys:
            index[key].append(member)
    joined: dict[int, tuple[int, str]] = {}
    for member in batch:
        seen: dict[int, Member] = {}
        for key in member.keys:
            for other in index[key]:
                if _near(member.bucket, other.bucket):
                    seen.setdefault(other.article_id, other)
        matches = [o for o in seen.values() if minhash.same_story(member.sig, o.sig, at)]
        if text is not None:
            # The second look reads and aligns two texts, so it is spent only where it could change the
            # decision: a candidate of a story not matched yet, or of the member's own outlet when every match
            # so far is another outlet's (repost, not reprint). A copy's siblings, other outlets' copies of
            # the story it already joins, are not read again.
            stories = {o.story_id for o in matches}
            repost = any(o.source == member.source for o in matches)
            matched = {o.article_id for o in matches}
            matches += [o for o in seen.values() if o.article_id not in matched
                        and (o.story_id not in stories or (o.source == member.source and not repost))
                        and verified(member.sig, o.sig, at, _reader(text, member, o))]
        copies = sum(1 for o in matches if o.source == member.source and o.sig.same_text(member.sig))
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


@dataclass(frozen=True)
class Comparison:
    """Why two texts would, or would not, be one story (`bantin stories compare`)."""

    syllables: tuple[int, int]
    estimated: float | None  # containment estimated from the signatures, what the rule reads
    exact: float | None      # containment of the shingle sets themselves
    jaccard: float | None    # Jaccard estimated from the signatures, what the bands are drawn by
    shared_bands: int
    same_story: bool
    reason: str


def candidate_probability(similarity: float) -> float:
    """The chance that a pair this similar shares at least one band, under the LSH layout."""
    bands, rows = minhash.layout()
    return 1 - (1 - similarity ** rows) ** bands


def compare(a: str, b: str, dated: tuple[date | None, date | None] = (None, None)) -> Comparison:
    """The rule on two texts, as a load applies it to a new article and a stored one: both signed, a band in
    common (or the load never compares them), within the story window when both dates are known, the estimated
    containment at the threshold or above and figures that agree, or else the texts read again
    (`passages.read`) when the estimate is SECOND_LOOK or more. A page template (the same text under three
    URLs of one outlet) is a property of a whole run and is not judged here."""
    words = [minhash.syllables(text) for text in (a, b)]
    counts = (len(words[0]), len(words[1]))
    short = [name for name, n in zip("AB", counts) if n < minhash.MIN_SYLLABLES]
    if short:
        return Comparison(counts, None, None, None, 0, False,
                          f"{' and '.join(short)} {'has' if len(short) == 1 else 'have'} fewer than "
                          f"{minhash.MIN_SYLLABLES} syllables: too short to sign, never clustered")
    sigs = [minhash.signature(text) for text in (a, b)]
    estimated, jaccard = minhash.containment(*sigs), minhash.similarity(*sigs)
    exact = passages.containment(*words)
    shared = len(set(minhash.bands(sigs[0])) & set(minhash.bands(sigs[1])))
    threshold = minhash.threshold()
    unknown = "" if None not in dated else " (dates unknown: the story window not checked)"
    if not shared:
        reason = (f"no band in common, so a load never compares them (a pair of this Jaccard, {jaccard:.2f}, "
                  f"shares one with probability {candidate_probability(jaccard):.2f})")
    elif None not in dated and not _near(bucket(dated[0]), bucket(dated[1])):
        reason = (f"published {abs((dated[0] - dated[1]).days)} days apart: outside the story window "
                  f"({window_days()} days)")
    else:
        readings: list[passages.Reading | None] = []  # the second look, when `verified` takes one

        def reading() -> passages.Reading | None:
            readings.append(passages.read(a, b))
            return readings[-1]

        same = verified(*sigs, threshold, reading)
        rejected = (f"the estimated containment is under the threshold {threshold}" if estimated < threshold else
                    f"their figures disagree (under {minhash.NUMBERS_AGREE:.0%} of the smaller text's numbers are "
                    f"in the other)")
        if same and not readings:
            reason = (f"a band in common, the estimated containment is at least {threshold} and the figures "
                      f"agree{unknown}")
        elif readings and readings[0] is not None:
            reason = (f"a band in common, but {rejected}; the texts read again: {readings[0].reason(threshold)}"
                      f"{unknown if same else ''}")
        else:
            reason = f"a band in common, but {rejected}" + (
                " (too long to read again)" if readings else
                f", and the estimate is under {SECOND_LOOK}: the texts are not read again")
        return Comparison(counts, estimated, exact, jaccard, shared, same, reason)
    return Comparison(counts, estimated, exact, jaccard, shared, False, reason)
