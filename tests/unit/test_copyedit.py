"""The pair set's copy-edits do what their kinds say (bench/dedup/copyedit.py), on a recorded body."""
import difflib
import random
import re

import pytest

from bench.dedup import copyedit
from bench.dedup.pairs import recorded_pages


@pytest.fixture(scope="module")
def page():
    return next(p for p in recorded_pages() if p.source == "baochinhphu")


@pytest.fixture
def paras(page):
    return [*page.body.split("\n\n"), "Thu Hà"]


def _words(paras):
    return [w for p in paras for w in p.split()]


@pytest.mark.parametrize("rate", [0.02, 0.06, 0.10])
def test_word_edits_touch_about_the_rate_asked_and_keep_the_byline(paras, rate):
    changed = []
    for seed in range(20):
        edited = copyedit.word_edits(random.Random(seed), paras, rate)
        assert edited[-1] == paras[-1]
        # A drop or a substitution changes one word; an insertion adds one: the edit distance in words.
        ops = difflib.SequenceMatcher(a=_words(paras), b=_words(edited), autojunk=False).get_opcodes()
        changed.append(sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal"))
    share = sum(changed) / len(changed) / len(_words(paras[:-1]))
    assert rate * 0.6 <= share <= rate * 1.4, f"{share:.3f} of the words edited for a rate of {rate}"


def test_numbers_are_restyled_not_changed(paras):
    edited = "\n\n".join(copyedit.numbers(random.Random(1), paras))
    assert "40 phần trăm" in edited and "40%" in "\n\n".join(paras)
    assert "150 nghìn" in edited or "150.000" in edited
    # Every digit run of the original survives (a thousand-style figure keeps its leading group).
    assert set(re.findall(r"\d+", edited)) <= set(re.findall(r"\d+", "\n\n".join(paras)))


def test_structural_edits_keep_every_word(page, paras):
    for name in ("sentences", "reorder", "captions", "credit", "sapo"):
        edited = copyedit.structural(random.Random(3), name, page.sapo, list(page.captions), paras)
        original = {w.strip(".,;:").lower() for w in _words(paras)}
        assert original <= {w.strip(".,;:").lower() for w in _words(edited)}, name


def test_partial_copies_reuse_the_share_they_claim(paras):
    total = len(_words(paras))
    half = len(_words(copyedit.first_half(paras)))
    assert 0.5 <= half / total < 0.8
    for share in (0.4, 0.6):
        summary = len(_words(copyedit.summary(random.Random(5), paras, share)))
        assert share - 0.15 <= summary / total <= share + 0.2, (share, summary / total)
    update = copyedit.follow_up(random.Random(7), paras, (5, 3))
    reused = [p for p in update if p.startswith("Như báo đã đưa tin")]
    new_words = len(_words(update[:update.index(reused[0])]))
    old_words = len(_words(update[update.index(reused[0]):-1]))
    assert 0.4 <= old_words / (old_words + new_words) <= 0.6
