"""The second look at a candidate pair: the two texts aligned syllable by syllable, for the pairs whose
signatures cannot decide (`transforms.matching`).

A signature is a bag of shingles: it says how much two texts share, not where. Two kinds of pair share about
half of their text and need the where:
- an update that reuses half of an earlier article (its background, lightly edited) is one story: the two share
  one long passage in the same order;
- a bulletin's next edition (lottery results, a price table, an accident report) repeats its skeleton and
  changes its figures in place: the alignment finds figure after figure replaced by another figure.
A copy restyles figures ("15%" / "15 phần trăm") but does not replace them, and an update brings its new figures
in new sentences, not in the place of the old ones. Measured on the labelled pair set (bench/dedup/pairs.py,
`dedup-pairs` in docs/benchmarks.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from transforms import minhash

# Quoted speech is set aside before aligning: two outlets quoting one official share the quote word for word
# without either copying the other (the pair set's `same_event` negatives). Curly quotes, or straight ones
# closed within the paragraph.
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
# Matching runs separated by at most GAP syllables on both sides are one passage: a copy-editor's dropped,
# inserted or changed word is one or two syllables, a reworded phrase three.
GAP = 3
# The share of the smaller text that one shared passage must cover to make the pair one story. An update that
# reuses half of an article keeps half of it in one passage; two same-beat reports share clauses, not
# passages. Set midway between the two in the pair set (the measurements are in docs/benchmarks.md).
PASSAGE = 0.42
# From this many of the smaller text's figures replaced in place by other figures, the pair is a templated
# text's next edition. One or two may be a copy's own: a lead rewritten around other figures, a toll revised.
CHANGED_FIGURES = 3
# A replacement of up to this many syllables on each side is "in place": a figure and its unit. Longer ones are
# new text, where an update's new figures are.
_IN_PLACE = 3
# Aligning costs roughly the product of the lengths on repetitive text; past this many syllables (several times
# the longest article recorded, well under the body cap) a text is not read again and the signatures decide.
# The check runs inside a load, holding the story lock.
MAX_SYLLABLES = 20000


def _figure(syllable: str) -> bool:
    return any(c.isdigit() for c in syllable)


@dataclass(frozen=True)
class Reading:
    """What the alignment of two texts says: the exact shingle containment (what the signature estimates),
    the share of the smaller text in its longest shared passage, and its figures replaced in place."""

    containment: float
    passage: float
    changed_figures: int

    def same_story(self, at: float) -> bool:
        return (self.containment >= at or self.passage >= PASSAGE) and self.changed_figures < CHANGED_FIGURES

    def reason(self, at: float) -> str:
        if self.changed_figures >= CHANGED_FIGURES:
            return (f"{self.changed_figures} figures replaced in place by others: a templated text's next "
                    f"edition")
        if self.containment >= at:
            return f"the texts' exact containment is {self.containment:.2f}, at least {at}"
        if self.passage >= PASSAGE:
            return f"one shared passage covers {self.passage:.0%} of the smaller text (at least {PASSAGE:.0%})"
        return (f"the texts' exact containment is {self.containment:.2f} and their longest shared passage "
                f"{self.passage:.0%} of the smaller text: under {at} and {PASSAGE:.0%}")


def containment(a: list[str], b: list[str]) -> float:
    """The exact share of the smaller syllable list's shingles found in the other (what a signature estimates)."""
    x, y = minhash.shingles(a), minhash.shingles(b)
    return len(x & y) / min(len(x), len(y))


def read(a: str, b: str) -> Reading | None:
    """The two texts aligned; None when either is too short to sign or too long to align."""
    words = [minhash.syllables(text) for text in (a, b)]
    if min(map(len, words)) < minhash.MIN_SYLLABLES or max(map(len, words)) > MAX_SYLLABLES:
        return None
    shared = containment(*words)
    x, y = sorted((minhash.syllables(QUOTED.sub(" ", text)) for text in (a, b)), key=len)
    if len(x) < minhash.MIN_SYLLABLES:
        # Mostly quoted speech: what is left ("ông X cho biết") is too little to call a passage of it.
        return Reading(shared, 0.0, 0)
    matcher = SequenceMatcher(None, x, y, autojunk=False)
    changed = sum(sum(map(_figure, x[i1:i2])) for op, i1, i2, j1, j2 in matcher.get_opcodes()
                  if op == "replace" and i2 - i1 <= _IN_PLACE and j2 - j1 <= _IN_PLACE
                  and any(map(_figure, x[i1:i2])) and any(map(_figure, y[j1:j2])))
    longest = run = 0
    end = (0, 0)
    for block in matcher.get_matching_blocks():
        if not block.size:
            continue
        near = block.a - end[0] <= GAP and block.b - end[1] <= GAP
        run = run + block.size if near and run else block.size
        longest = max(longest, run)
        end = (block.a + block.size, block.b + block.size)
    return Reading(shared, longest / len(x), changed)
