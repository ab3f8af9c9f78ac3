"""Near-duplicate keys: MinHash signatures over syllable shingles, cut into LSH bands that Postgres indexes."""
from __future__ import annotations

import functools
import hashlib
import os
import re
import struct

import numpy as np
from datasketch import MinHash

from transforms.dedup import body_key

# 128 permutations estimate a Jaccard of 0.5 within about ±0.044 (one standard deviation, sqrt(J(1-J)/128)),
# tight enough to verify candidates; doubling it doubles the signature work for ±0.013 more.
NUM_PERM = 128
SEED = 20260307  # fixed for ever: signatures stored in the warehouse must stay comparable
SCHEME = "affine32"  # datasketch's permutation scheme, pinned for the same reason (32-bit values)
# Shingles of 7 syllables (about three Vietnamese words, a syllable being a morpheme). Reprints differ from
# their original by whole paragraphs (a new lead, a cut, a byline), which costs about the same share of
# shingles at any length; templated stories (price tables, xổ số, weather bulletins) differ by a number every
# few words, and every shingle spanning a number is lost, so longer shingles pull them apart. On the pair set
# (bench/dedup/pair_eval.py, docs/benchmarks.md) 3 syllables left 9 price tables above the threshold
# (precision 0.958, recall 0.981), and no threshold met both targets (0.99 precision came only at 0.7, with
# recall 0.862); 7 gives precision 1.000 and recall 0.967, and over 40 regenerated pair sets (seeds 1-40)
# recall 0.983 with 3 false positives in 7,360 negatives. The cost: a copy edit inside a paragraph now breaks
# 7 shingles instead of 3, so a reprint reworded throughout (not merely re-led or cut) falls below the
# threshold sooner.
SHINGLE = 7
# Under ~50 syllables (two sentences) a text is a teaser, a caption page or boilerplate: too short to say
# that two pages tell one story. Such articles get no signature and are never clustered (nor dropped).
MIN_SYLLABLES = 50
# 32 bands of 4 rows: a pair at Jaccard s becomes a candidate with probability 1-(1-s^4)^32, i.e. 0.87 at
# s=0.5, 0.95 at 0.55, 0.99 at 0.6; at s=0.2 only 0.05 and at 0.05 (unrelated news) 0.0002, so a batch
# finds few hopeless candidates in a large history. The price is that a reprint just above the threshold is
# sometimes never compared (none of the 210 on the pair set; the measured recall counts such misses). 64 bands
# of 2 would compare it, but would make candidates of 93% of pairs at s=0.2 and 2.5% at s=0.02, with twice
# the index rows: a million-article history cannot afford that.
# Override with BANTIN_STORY_BANDS=<bands>x<rows> (their product must stay NUM_PERM); the band index records
# the layout it was built with and is rebuilt by the next load when the setting changes.
DEFAULT_LAYOUT = "32x4"
# Verified pairs at or above this estimated Jaccard are one story. Measured on the labelled pair set with
# 7-syllable shingles: reprints with one edit (a new lead, a cut or added paragraph, a byline, boilerplate)
# sit at 0.58 and above, two or three edits on a short body go down to 0.44; templated lottery results reach
# 0.41 and, on a few of 40 regenerated sets, a price table or a same-beat report reaches 0.5. 0.45 gives recall
# 0.986 here, but over the 40 sets 9 false positives (33 sets meet every target, against 37 at 0.5); 0.55
# costs recall (0.943).
# Override with BANTIN_STORY_THRESHOLD; it only changes decisions made from then on.
DEFAULT_THRESHOLD = 0.5

_SYLLABLE = re.compile(r"\w+")
_SHINGLES_PER_UPDATE = 4096


def _layout(text: str) -> tuple[int, int]:
    try:
        bands, rows = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"BANTIN_STORY_BANDS={text!r}: expected <bands>x<rows>, e.g. {DEFAULT_LAYOUT}") from None
    if bands < 1 or rows < 1 or bands * rows != NUM_PERM:
        raise ValueError(f"BANTIN_STORY_BANDS={text!r}: bands x rows must be {NUM_PERM} (the signature length)")
    return bands, rows


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise ValueError(f"BANTIN_STORY_THRESHOLD={text!r}: expected an estimated Jaccard in (0, 1]")
    return value


BANDS, ROWS = _layout(os.environ.get("BANTIN_STORY_BANDS", DEFAULT_LAYOUT))
LAYOUT = f"{BANDS}x{ROWS}"
THRESHOLD = _threshold(os.environ.get("BANTIN_STORY_THRESHOLD", str(DEFAULT_THRESHOLD)))


def syllables(body: str) -> list[str]:
    """The body's syllables after the shared normalisation (NFC, one tone placement, case folded)."""
    return _SYLLABLE.findall(body_key(body))


@functools.lru_cache(maxsize=1)
def _permutations():
    # Generating the permutations costs more than hashing a document; every signature shares one set.
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(body: str) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32 values) of the body, or None when it is too short to judge."""
    return signature_of_key(body_key(body))


def signature_of_key(key: str) -> np.ndarray | None:
    """`signature` from a body_key already computed (normalising costs as much as hashing the shingles)."""
    words = _SYLLABLE.findall(key)
    if len(words) < MIN_SYLLABLES:
        return None
    shingles = {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    batch = list(shingles)
    # datasketch hashes a batch as one (shingles x NUM_PERM) uint64 array, 1 KB a shingle, and copies it once:
    # 340 MB for a 500,000-character body. Minimums fold chunk by chunk to the same signature in 4 MB steps.
    for i in range(0, len(batch), _SHINGLES_PER_UPDATE):
        m.update_batch(batch[i:i + _SHINGLES_PER_UPDATE])
    return m.hashvalues.astype(np.uint32)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<u4")


# Band keys are 32-bit and carry their band number (blake2b's `person` field), so the index is one integer
# column pair (band_key, article_id): 20 bytes an entry instead of 36 for (band smallint, hash bigint, id
# bigint), which keeps a million-article index (32M entries) in the buffer cache. The cost of 32 bits: a
# batch key meets an unrelated history key by chance with probability 2^-32, so a 10,000-article batch against
# a 1M history draws about 320,000 x 32M / 2^32 = 2,400 spurious candidates, each rejected by verification.
def _persons(bands: int) -> list[bytes]:
    return [f"bantin-band-{band:02d}".encode() for band in range(bands)]


_PERSON = _persons(BANDS)


def bands(sig: np.ndarray) -> list[int]:
    """One signed 32-bit key per band (a Postgres integer), from the band's rows and its number."""
    raw = sig.astype("<u4").tobytes()
    width = ROWS * 4
    return [struct.unpack("<i", hashlib.blake2b(raw[i * width:(i + 1) * width], digest_size=4,
                                                person=_PERSON[i]).digest())[0]
            for i in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM
