"""MinHash keys, without a database."""
import json
from pathlib import Path

import numpy as np
import pytest

from transforms import minhash

REPO = Path(__file__).resolve().parents[2]
BODY = json.loads(next((REPO / "sources/vnexpress/pages").glob("*.json")).read_text("utf-8"))["body"]


def test_short_text_has_no_signature():
    assert minhash.signature("Bình luận ZALO Chia sẻ " * 5) is None


def test_signature_is_deterministic_and_round_trips():
    a, b = minhash.signature(BODY), minhash.signature(BODY)
    assert a.same_text(b) and a.values.dtype == np.uint32 and len(a.values) == minhash.NUM_PERM
    assert a.shingles == len(minhash.shingles(minhash.syllables(BODY)))
    assert len(a.numbers) == sum(1 for w in minhash.syllables(BODY) if any(c.isdigit() for c in w))
    back = minhash.from_bytes(minhash.to_bytes(a))
    assert back.same_text(a) and np.array_equal(back.numbers, a.numbers)
    assert minhash.bands(a) == minhash.bands(b) and len(set(minhash.bands(a))) == minhash.layout()[0]


def test_a_signature_of_the_previous_scheme_is_told_apart():
    # The previous scheme stored the 128 values alone; those bytes must be signed again, never compared.
    old = minhash.signature(BODY).values.astype("<u4").tobytes()
    assert not minhash.is_current(old) and minhash.is_current(minhash.to_bytes(minhash.signature(BODY)))
    with pytest.raises(ValueError, match="previous scheme"):
        minhash.from_bytes(old)


def test_containment_scores_a_copy_cut_short_as_a_whole_copy():
    half = "\n\n".join(BODY.split("\n\n")[:len(BODY.split("\n\n")) // 2])
    whole, part = minhash.signature(BODY), minhash.signature(half)
    assert minhash.containment(whole, part) > 0.9 > 0.6 > minhash.similarity(whole, part)


def test_a_percentage_restyled_is_the_same_figure():
    assert minhash.syllables("tăng 15% so với") == minhash.syllables("tăng 15 phần trăm so với")


def test_tone_placement_and_case_do_not_change_the_key():
    variant = BODY.replace("hòa", "hoà").replace("khỏe", "khoẻ").upper()
    assert minhash.signature(BODY).same_text(minhash.signature(variant))


def test_staging_row_normalises_once_and_keeps_both_keys():
    from transforms.dedup import body_hash
    from transforms.stages import STAGING_COLUMNS, staging_row

    article = json.loads(next((REPO / "sources/vnexpress/pages").glob("*.json")).read_text("utf-8"))
    row = dict(zip(STAGING_COLUMNS.split(", "), staging_row(
        "r1", {"page_id": 1, "source": "vnexpress", "url": article["url"], "fetched_at": None},
        {**article, "canonical_url": article["url"]})))
    assert row["body_hash"] == body_hash(BODY)
    assert row["minhash"] == minhash.to_bytes(minhash.signature(BODY))


def test_importing_the_stages_loads_neither_numpy_nor_datasketch():
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
    assert np.array_equal(sig.values, whole.hashvalues.astype(np.uint32)) and sig.shingles == len(shingles)
