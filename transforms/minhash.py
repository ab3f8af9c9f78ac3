"""Near-duplicate keys: MinHash signatures over syllable shingles, cut into LSH bands that Postgres indexes."""
from __future__ import annotations

import functools
import hashlib
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
# Shingles of 3 syllables: one syllable is a Vietnamese morpheme, so single syllables would match every
# news text; 3-syllable runs keep word order and numbers (a lottery draw's digits, a price) in the key.
SHINGLE = 3
# Under ~50 syllables (two sentences) a text is a teaser, a caption page or boilerplate: too short to say
# that two pages tell one story. Such articles get no signature and are never clustered (nor dropped).
MIN_SYLLABLES = 50
# 32 bands of 4 rows: a pair at Jaccard s becomes a candidate with probability 1-(1-s^4)^32, i.e. 0.87 at
# s=0.4, 0.99 at 0.5, >0.999 at 0.6; at s=0.2 only 0.05, so verification sees few hopeless pairs.
BANDS, ROWS = 32, 4
# Verified pairs above this estimated Jaccard are one story. Chosen on the labelled pair set
# (docs/benchmarks.md, bench/dedup): reprints with a new lead, a cut paragraph or a byline sit above 0.6,
# templated stories (weather, lottery, prices) that share most words sit below 0.35.
THRESHOLD = 0.5

_SYLLABLE = re.compile(r"\w+")

assert BANDS * ROWS == NUM_PERM


def syllables(body: str) -> list[str]:
    """The body's syllables after the shared normalisation (NFC, one tone placement, case folded)."""
    return _SYLLABLE.findall(body_key(body))


@functools.lru_cache(maxsize=1)
def _permutations():
    # Generating the permutations costs more than hashing a document; every signature shares one set.
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(body: str) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32 values) of the body, or None when it is too short to judge."""
    words = syllables(body)
    if len(words) < MIN_SYLLABLES:
        return None
    shingles = {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    m.update_batch(list(shingles))
    return m.hashvalues.astype(np.uint32)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<u4")


def bands(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (a Postgres bigint), from the band's rows."""
    raw = sig.astype("<u4").tobytes()
    width = ROWS * 4
    return [struct.unpack("<q", hashlib.blake2b(raw[i * width:(i + 1) * width], digest_size=8).digest())[0]
            for i in range(BANDS)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM
