"""The second look at a candidate pair (transforms/passages.py): an update that reuses half of its story joins
it, a bulletin's next edition and two outlets quoting one official do not, on recorded and generated texts."""
from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from bench.dedup import copyedit, pairs
from transforms import matching, minhash, passages

REPO = Path(__file__).resolve().parents[2]
BODY = json.loads(next((REPO / "sources/dantri/pages").glob("*.json")).read_text(encoding="utf-8"))["body"]


def update_of(body: str, seed: int = 0) -> str:
    """An update of the story: new paragraphs, then the original's first half lightly edited as background."""
    return "\n\n".join(copyedit.follow_up(random.Random(seed), body.split("\n\n"), (9, 3)))


def member(article_id: int, text: str) -> matching.Member:
    sig = minhash.signature(text)
    return matching.Member(article_id, "dantri", article_id, sig, minhash.bands(sig), date(2026, 3, 7))


def test_an_update_reusing_half_of_its_story_joins_it_on_the_second_look():
    update = update_of(BODY)
    a, b = minhash.signature(BODY), minhash.signature(update)
    # The signatures alone reject it: half of the text is new, so the containment is under the threshold.
    assert not minhash.same_story(a, b, minhash.threshold())
    assert minhash.containment(a, b) >= matching.SECOND_LOOK
    reading = passages.read(BODY, update)
    assert reading.passage >= passages.PASSAGE and reading.changed_figures == 0
    assert reading.same_story(minhash.threshold())
    texts = {1: BODY, 2: update}
    assert matching.decide([member(2, update)], [member(1, BODY)], lambda m: texts[m.article_id]) == {
        2: (1, "repost")}
    # Without the texts the load's rule is the signatures' alone.
    assert matching.decide([member(2, update)], [member(1, BODY)]) == {}


def test_a_bulletins_next_edition_is_kept_apart_by_its_figures_replaced_in_place():
    rng = random.Random(3)
    for draw in (pairs.lottery_north, pairs.exchange_rates, pairs.traffic_accident):
        a, b = draw(rng, date(2026, 3, 9)), draw(rng, date(2026, 3, 10))
        reading = passages.read(a, b)
        assert reading.changed_figures >= passages.CHANGED_FIGURES, draw.__name__
        assert not reading.same_story(minhash.threshold())
        assert "replaced in place" in reading.reason(minhash.threshold())


def test_a_copy_restyles_figures_without_replacing_them():
    copy = "\n\n".join(copyedit.numbers(random.Random(5), BODY.split("\n\n")))
    assert copy != BODY
    assert passages.read(BODY, copy).changed_figures == 0


def test_two_outlets_quoting_one_official_share_no_passage():
    rng = random.Random(11)
    for event in pairs.EVENTS:
        a, b = pairs.same_event(rng, event, 2)
        reading = passages.read(a, b)
        assert reading.passage < passages.PASSAGE
        assert not reading.same_story(minhash.threshold())


def test_reports_that_are_mostly_quotes_share_no_passage():
    # What is left once the quotes are set aside is the attribution both outlets wrote around them: too little
    # to call a passage, however much of it they share.
    quote = " ".join(BODY.split()[:120])
    a = f"Ông Nguyễn Văn A, Bộ trưởng, cho biết: “{quote}”. Ông nói thêm: “{quote[::-1]}”."
    b = f"Ông Nguyễn Văn A, Bộ trưởng, cho biết: “{quote}”. Ông nói thêm rằng: “{quote.upper()}”."
    reading = passages.read(a, b)
    assert reading.passage == 0.0 and reading.changed_figures == 0


def test_texts_too_short_or_too_long_are_not_read():
    assert passages.read("Giá vàng tăng.", BODY) is None
    words = BODY.split()
    huge = " ".join(words * (passages.MAX_SYLLABLES // len(words) + 1))
    assert passages.read(huge, BODY) is None


def test_compare_says_when_the_texts_were_read_again():
    result = matching.compare(BODY, update_of(BODY))
    assert result.same_story
    assert "the texts read again: one shared passage covers" in result.reason


def test_a_candidate_of_a_story_already_joined_is_not_read_again():
    # The copy joins the story on its signatures; the update in the same story would need a second look, which
    # cannot change where the copy goes (another outlet's, so not the relation either), so it is not read.
    # The update's own outlet is another matter: a repost, not a reprint.
    update = update_of(BODY)
    copy = BODY.replace("\n\n", "\n\nTheo Dân trí.\n\n", 1)
    texts = {1: BODY, 2: update, 3: copy}
    read = []

    def text(m: matching.Member) -> str:
        read.append(m.article_id)
        return texts[m.article_id]

    original, joined = member(1, BODY), member(2, update)
    original.source, joined.source = "dantri", "vnexpress"
    joined.story_id = 1
    copy_member = member(3, copy)
    copy_member.source = "tuoitre"
    assert not minhash.same_story(copy_member.sig, joined.sig, minhash.threshold())
    assert minhash.containment(copy_member.sig, joined.sig) >= matching.SECOND_LOOK  # a second look were it asked
    assert matching.decide([copy_member], [original, joined], text) == {3: (1, "reprint")}
    assert read == []
    copy_member = member(3, copy)
    copy_member.source = "vnexpress"
    assert matching.decide([copy_member], [original, joined], text) == {3: (1, "repost")}
    assert sorted(set(read)) == [2, 3]
