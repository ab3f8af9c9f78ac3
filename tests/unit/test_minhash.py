"""MinHash keys and the story decision, without a database."""
import json
from datetime import date
from pathlib import Path

import numpy as np

from transforms import minhash
from transforms.matching import Member, decide

REPO = Path(__file__).resolve().parents[2]
BODY = json.loads(next((REPO / "sources/vnexpress/pages").glob("*.json")).read_text("utf-8"))["body"]


DAY = date(2026, 3, 7)


def member(article_id, source, story_id, body, dated=DAY):
    sig = minhash.signature(body)
    return Member(article_id, source, story_id, sig, minhash.bands(sig), dated)


def test_short_text_has_no_signature():
    assert minhash.signature("Bình luận ZALO Chia sẻ " * 5) is None


def test_signature_is_deterministic_and_round_trips():
    a, b = minhash.signature(BODY), minhash.signature(BODY)
    assert np.array_equal(a, b) and a.dtype == np.uint32 and len(a) == minhash.NUM_PERM
    assert np.array_equal(minhash.from_bytes(minhash.to_bytes(a)), a)
    assert minhash.bands(a) == minhash.bands(b) and len(set(minhash.bands(a))) == minhash.layout()[0]


def test_tone_placement_and_case_do_not_change_the_key():
    variant = BODY.replace("hòa", "hoà").replace("khỏe", "khoẻ").upper()
    assert minhash.similarity(minhash.signature(BODY), minhash.signature(variant)) == 1.0


def test_decide_joins_the_oldest_story_and_names_the_relation():
    history = [member(1, "vnexpress", 10, BODY)]
    cut = "\n\n".join(BODY.split("\n\n")[1:])
    batch = [member(2, "dantri", 20, cut), member(3, "vnexpress", 30, BODY), member(4, "tuoitre", 40, cut + " Hết.")]
    assert decide(batch, history) == {2: (10, "reprint"), 3: (10, "repost"), 4: (10, "reprint")}


def test_decide_leaves_unrelated_articles_alone():
    other = " ".join(f"đoạn {i} nói về chuyện khác hẳn của ngày {i % 28 + 1} tháng ba" for i in range(40))
    assert decide([member(2, "dantri", 20, other)], [member(1, "vnexpress", 10, BODY)]) == {}


def test_decide_compares_only_articles_published_within_the_story_window():
    from datetime import timedelta

    from transforms.matching import window_days

    history = [member(1, "vnexpress", 10, BODY)]
    near = DAY + timedelta(days=window_days() - 1)  # always compared
    far = DAY + timedelta(days=2 * window_days())   # never
    assert decide([member(2, "dantri", 20, BODY, near)], history) == {2: (10, "reprint")}
    assert decide([member(3, "dantri", 30, BODY, far)], history) == {}
    # Within one batch too: the later copy is a window away from the first batch member, not from history.
    assert decide([member(4, "dantri", 40, BODY, far), member(5, "tuoitre", 50, BODY, far)], history) == {
        5: (40, "reprint")}


def test_a_third_word_for_word_copy_from_one_outlet_is_a_template():
    from transforms.matching import TEMPLATE_COPIES

    # The first copies already stored (the second joined the first as a repost); one more arrives per run.
    history = [member(n, "vnexpress", 10, BODY) for n in range(1, TEMPLATE_COPIES)]
    batch = [member(10, "vnexpress", 30, BODY), member(11, "dantri", 40, BODY), member(12, "vnexpress", 50, BODY)]
    # Another outlet running the text is a reprint as ever; the outlet's own later copies join nothing.
    assert decide(batch, history) == {11: (10, "reprint")}
    assert [m.template for m in batch] == [True, False, True]


def test_staging_row_normalises_once_and_keeps_both_keys():
    from transforms.dedup import body_hash
    from transforms.stages import STAGING_COLUMNS, staging_row

    article = json.loads(next((REPO / "sources/vnexpress/pages").glob("*.json")).read_text("utf-8"))
    row = dict(zip(STAGING_COLUMNS.split(", "), staging_row(
        "r1", {"page_id": 1, "source": "vnexpress", "url": article["url"], "fetched_at": None},
        {**article, "canonical_url": article["url"]})))
    assert row["body_hash"] == body_hash(BODY)
    assert row["minhash"] == minhash.to_bytes(minhash.signature(BODY))


def test_a_candidate_needs_only_the_keys_it_shares_with_the_batch():
    # _CANDIDATES_SQL returns each history article with the batch keys it matched, not all 32.
    cut = "\n\n".join(BODY.split("\n\n")[1:])
    batch = [member(2, "dantri", 20, cut)]
    full = member(1, "vnexpress", 10, BODY)
    shared = Member(1, "vnexpress", 10, full.sig, [k for k in full.keys if k in set(batch[0].keys)], DAY)
    assert 0 < len(shared.keys) < minhash.layout()[0]
    assert decide(batch, [shared]) == decide(batch, [full]) == {2: (10, "reprint")}


def test_the_load_statements_read_the_story_stages_decisions_without_importing_it():
    import subprocess
    import sys
    from pathlib import Path


    # Every step of a run imports transforms.stages; only load_run needs numpy and datasketch.
    probe = "import sys, transforms.stages; print(sorted({'numpy', 'datasketch'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out == "[]\n"


def test_long_body_signature_is_folded_in_chunks_to_the_same_values():
    # More shingles than one update holds: the chunked fold must equal one datasketch batch over all of them.
    import numpy as np
    from datasketch import MinHash

    words = [f"âm{i}" for i in range(3 * minhash._SHINGLES_PER_UPDATE)]
    sig = minhash.signature(" ".join(words))
    shingles = {" ".join(words[i:i + minhash.SHINGLE]).encode() for i in range(len(words) - minhash.SHINGLE + 1)}
    whole = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED, scheme=minhash.SCHEME)
    whole.update_batch(list(shingles))
    assert np.array_equal(sig, whole.hashvalues.astype(np.uint32))
