"""The story decision meets issue 4's targets on its kinds of the labelled pair set (bench/dedup/pairs.py):
precision ≥ 0.99, recall ≥ 0.95 at the default threshold; and no templated, same-topic or same-event pair is
merged; and issue 17's target: every kind of copy with up to 10 % of its words edited, alone or with structural
edits, joins its story at recall ≥ 0.95. Partial copies and follow-ups are measured by
`python -m bench.dedup.pair_eval` (docs/benchmarks.md), where the ones short of 0.95 are named."""
from collections import Counter

import pytest

from bench.dedup.pair_eval import (
    HARD_NEGATIVES,
    PRECISION_TARGET,
    RECALL_TARGET,
    precision_recall,
    score,
)
from bench.dedup.pairs import (
    COPY_EDIT_KINDS,
    FIRST_NEGATIVES,
    NEGATIVE_KINDS,
    POSITIVE_KINDS,
    WHOLE_PARAGRAPH_KINDS,
    pair_set,
)
from transforms import minhash


@pytest.fixture(scope="module")
def scored():
    return score(pair_set())


def test_pair_set_is_deterministic_balanced_and_covers_every_kind():
    pairs = pair_set()
    assert [(p.kind, p.a, p.b) for p in pairs] == [(p.kind, p.a, p.b) for p in pair_set()], "pair set not deterministic"
    kinds = Counter(p.kind for p in pairs)
    missing = [k for k in POSITIVE_KINDS + NEGATIVE_KINDS if not kinds[k]]
    assert not missing, f"no pairs of kind {missing}"
    positives = sum(p.same for p in pairs)
    assert len(pairs) >= 200 and 0.4 <= positives / len(pairs) <= 0.6, f"{positives} positives of {len(pairs)} pairs"
    # An unsigned side would be a pair the stage never judges: the set must test the decision, not the cut-off.
    short = [p.note for p in pairs if len(minhash.syllables(p.a)) < minhash.MIN_SYLLABLES
             or len(minhash.syllables(p.b)) < minhash.MIN_SYLLABLES]
    assert not short, f"pairs with a side under MIN_SYLLABLES: {short}"


def test_precision_and_recall_meet_the_targets_at_the_default_threshold(scored):
    scored = [s for s in scored if s.pair.kind in WHOLE_PARAGRAPH_KINDS + FIRST_NEGATIVES]
    precision, recall, _, _ = precision_recall(scored, minhash.threshold())
    missed = Counter(s.pair.kind for s in scored if s.pair.same and not s.same(minhash.threshold()))
    merged = Counter(s.pair.kind for s in scored if not s.pair.same and s.same(minhash.threshold()))
    assert precision >= PRECISION_TARGET, \
        f"precision {precision:.3f} < {PRECISION_TARGET}; false positives by kind {dict(merged)}"
    assert recall >= RECALL_TARGET, f"recall {recall:.3f} < {RECALL_TARGET}; missed reprints by kind {dict(missed)}"


@pytest.mark.parametrize("kind", COPY_EDIT_KINDS)
def test_copy_edited_reprints_join_their_story(scored, kind):
    rows = [s for s in scored if s.pair.kind == kind]
    missed = [f"{s.pair.note} ({s.similarity:.2f})" for s in rows if not s.same(minhash.threshold())]
    assert 1 - len(missed) / len(rows) >= RECALL_TARGET, f"{kind}: {len(missed)} of {len(rows)} missed: {missed}"


@pytest.mark.parametrize("kind", HARD_NEGATIVES)
def test_no_templated_or_same_topic_pair_is_merged(scored, kind):
    merged = [f"{s.pair.note} ({s.similarity:.2f})" for s in scored
              if s.pair.kind == kind and s.same(minhash.threshold())]
    assert not merged, f"{kind}: different stories merged at threshold {minhash.threshold()}: {merged}"
