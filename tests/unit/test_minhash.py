"""MinHash keys, without a database."""
import json
from pathlib import Path

import numpy as np

from transforms import minhash

REPO = Path(__file__).resolve().parents[2]
BODY = json.loads(next((REPO / "sources/vnexpress/pages").glob("*.json")).read_text("utf-8"))["body"]


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
    assert np.array_equal(sig, whole.hashvalues.astype(np.uint32))
