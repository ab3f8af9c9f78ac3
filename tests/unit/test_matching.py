"""The story rule (transforms/matching.py) on plain values: no database, no warehouse."""
import json
from datetime import date, timedelta
from pathlib import Path

from transforms import minhash
from transforms.matching import TEMPLATE_COPIES, Member, bucket, decide, window_days

REPO = Path(__file__).resolve().parents[2]
BODY = json.loads(next((REPO / "sources/vnexpress/pages").glob("*.json")).read_text("utf-8"))["body"]
DAY = date(2026, 3, 7)


def member(article_id, source, story_id, body, dated=DAY):
    sig = minhash.signature(body)
    return Member(article_id, source, story_id, sig, minhash.bands(sig), dated)


def test_decide_joins_the_oldest_story_and_names_the_relation():
    history = [member(1, "vnexpress", 10, BODY)]
    cut = "\n\n".join(BODY.split("\n\n")[1:])
    batch = [member(2, "dantri", 20, cut), member(3, "vnexpress", 30, BODY), member(4, "tuoitre", 40, cut + " Hết.")]
    assert decide(batch, history) == {2: (10, "reprint"), 3: (10, "repost"), 4: (10, "reprint")}


def test_decide_leaves_unrelated_articles_alone():
    other = " ".join(f"đoạn {i} nói về chuyện khác hẳn của ngày {i % 28 + 1} tháng ba" for i in range(40))
    assert decide([member(2, "dantri", 20, other)], [member(1, "vnexpress", 10, BODY)]) == {}


def test_decide_compares_only_articles_published_within_the_story_window():
    history = [member(1, "vnexpress", 10, BODY)]
    near = DAY + timedelta(days=window_days() - 1)  # always compared
    far = DAY + timedelta(days=2 * window_days())   # never
    assert decide([member(2, "dantri", 20, BODY, near)], history) == {2: (10, "reprint")}
    assert decide([member(3, "dantri", 30, BODY, far)], history) == {}
    # Within one batch too: the later copy is a window away from the first batch member, not from history.
    assert decide([member(4, "dantri", 40, BODY, far), member(5, "tuoitre", 50, BODY, far)], history) == {
        5: (40, "reprint")}


def test_a_third_word_for_word_copy_from_one_outlet_is_a_template():
    # The first copies already stored (the second joined the first as a repost); one more arrives per run.
    history = [member(n, "vnexpress", 10, BODY) for n in range(1, TEMPLATE_COPIES)]
    batch = [member(10, "vnexpress", 30, BODY), member(11, "dantri", 40, BODY), member(12, "vnexpress", 50, BODY)]
    # Another outlet running the text is a reprint as ever; the outlet's own later copies join nothing.
    assert decide(batch, history) == {11: (10, "reprint")}
    assert [m.template for m in batch] == [True, False, True]


def test_a_candidate_needs_only_the_keys_it_shares_with_the_batch():
    # sql/stages/story_candidates.sql returns each history article with the batch keys it matched, not all 32.
    cut = "\n\n".join(BODY.split("\n\n")[1:])
    batch = [member(2, "dantri", 20, cut)]
    full = member(1, "vnexpress", 10, BODY)
    shared = Member(1, "vnexpress", 10, full.sig, [k for k in full.keys if k in set(batch[0].keys)], DAY)
    assert 0 < len(shared.keys) < minhash.layout()[0]
    assert decide(batch, [shared]) == decide(batch, [full]) == {2: (10, "reprint")}


def test_buckets_are_whole_windows_and_neighbours_are_compared():
    days = window_days()
    assert bucket(date(1970, 1, 1)) == 0 and bucket(date(1970, 1, 1) + timedelta(days=days)) == 1
    first = date(1970, 1, 1) + timedelta(days=10 * days)  # the first day of bucket 10
    history = [member(1, "vnexpress", 10, BODY, first + timedelta(days=days - 1))]  # its last day
    # One window later is bucket 11, a neighbour: compared. One day more is bucket 12: never, although the
    # two are only a window and a day apart (between one and two windows apart, the buckets decide).
    assert decide([member(2, "dantri", 20, BODY, first + timedelta(days=2 * days - 1))], history) == {
        2: (10, "reprint")}
    assert decide([member(3, "dantri", 30, BODY, first + timedelta(days=2 * days))], history) == {}


def test_the_threshold_is_read_from_the_setting(monkeypatch):
    # The first half of the story and a paragraph of its own: neither text contains the other.
    paras = BODY.split("\n\n")
    own = "Theo thông tin mới nhất, cơ quan chức năng đang khẩn trương xác minh các phản ánh liên quan. " * 8
    edited = "\n\n".join([*paras[:len(paras) // 2], own])
    history = [member(1, "vnexpress", 10, BODY)]
    score = minhash.containment(history[0].sig, minhash.signature(edited))
    assert score < 0.99 and decide([member(2, "dantri", 20, edited)], history) == {2: (10, "reprint")}
    monkeypatch.setenv("BANTIN_STORY_THRESHOLD", str(score + 0.01))
    assert decide([member(3, "dantri", 30, edited)], history) == {}


def test_a_bulletins_next_edition_is_not_its_story():
    # The same template, every figure changed: containment alone would join them; the numbers check does not.
    def bulletin(seed):
        rows = [f"Tại trạm quan trắc thứ {i} thuộc hệ thống sông Hồng, mực nước đo được vào buổi sáng nay đạt "
                f"{seed * 7 + i * 13} cm, vẫn thấp hơn mức báo động một khoảng an toàn, người dân ven sông có "
                f"thể yên tâm sản xuất." for i in range(1, 16)]
        return "Bản tin thủy văn hằng ngày của Trung tâm Dự báo. " + " ".join(rows)
    today, tomorrow = minhash.signature(bulletin(3)), minhash.signature(bulletin(4))
    assert minhash.containment(today, tomorrow) >= minhash.threshold()
    assert minhash.numbers_disagree(today, tomorrow) and not minhash.numbers_disagree(today, today)
    assert decide([member(2, "dantri", 20, bulletin(4))], [member(1, "vnexpress", 10, bulletin(3))]) == {}


def test_two_stories_met_at_once_join_the_older_one():
    history = [member(1, "vnexpress", 7, BODY), member(2, "tuoitre", 3, BODY)]
    assert decide([member(5, "dantri", 50, BODY)], history) == {5: (3, "reprint")}


def test_templates_follow_the_copy_count():
    assert TEMPLATE_COPIES >= 3, "an outlet reposting once or twice is a repost, not a template"
