"""Near-duplicate keys: MinHash signatures over syllable shingles, cut into LSH bands that Postgres indexes."""
from __future__ import annotations

import functools
import hashlib
import re
import struct

import numpy as np
from datasketch import MinHash

from transforms.dedup import body_key
from warehouse import settings

# 128 permutations estimate a Jaccard of 0.5 within about +-0.044 (one standard deviation, sqrt(J(1-J)/128)):
# tight enough to verify candidates; more would multiply the signature work for little precision.
NUM_PERM = settings.SIGNATURE_LENGTH
SEED = 20260307  # fixed for ever: signatures stored in the warehouse must stay comparable
SCHEME = "affine32"  # datasketch's permutation scheme, pinned for the same reason (32-bit values)
# Shingles of 7 syllables (about three Vietnamese words). Reprints differ from their original by whole
# paragraphs, which costs about the same share of shingles at any length; templated stories (price tables,
# lottery results, weather bulletins) differ by a number every few words, and every shingle spanning a number
# is lost, so longer shingles pull them apart. Shorter shingles merged price tables on the pair set
# (bench/dedup/pair_eval.py; the measured precision and recall per length are in docs/benchmarks.md). The
# cost: an edit inside a paragraph breaks 7 shingles, so a reprint reworded throughout falls below the
# threshold sooner.
SHINGLE = 7
# Under ~50 syllables (two sentences) a text is a teaser, a caption page or boilerplate: too short to say
# that two pages tell one story. Such articles get no signature and are never clustered (nor dropped).
MIN_SYLLABLES = 50
# The LSH layout (BANTIN_STORY_BANDS, default 32 bands of 4 rows): a pair at Jaccard s becomes a candidate
# with probability 1-(1-s^4)^32, near certain above the threshold and negligible for unrelated news, so a
# batch finds few hopeless candidates in a large history. More, shorter bands would compare the rare reprint
# just above the threshold that this layout misses, at the price of candidates for most weakly similar pairs
# and twice the index rows, which a million-article history cannot afford. The band index records the layout
# it was built with and is rebuilt by the next load when the setting changes.
#
# The threshold (BANTIN_STORY_THRESHOLD, default 0.5): reprints with one edit (a new lead, a cut, a byline)
# sit well above it, templated lottery results and price tables just below; lower thresholds merged templates
# on regenerated pair sets, higher ones cost recall (docs/benchmarks.md). It changes decisions from then on.

_SYLLABLE = re.compile(r"\w+")
_SHINGLES_PER_UPDATE = 4096


def layout() -> tuple[int, int]:
    """(bands, rows) of the LSH layout, from BANTIN_STORY_BANDS."""
    return settings.get("BANTIN_STORY_BANDS")


def layout_name() -> str:
    return "{}x{}".format(*layout())


def threshold() -> float:
    """The estimated Jaccard at which two texts are one story, from BANTIN_STORY_THRESHOLD."""
    return settings.get("BANTIN_STORY_THRESHOLD")


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


def shingles(words: list[str]) -> set[bytes]:
    """The SHINGLE-syllable shingles a signature is taken over."""
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature_of_key(key: str) -> np.ndarray | None:
    """`signature` from a body_key already computed (normalising costs as much as hashing the shingles)."""
    words = _SYLLABLE.findall(key)
    if len(words) < MIN_SYLLABLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    batch = list(shingles(words))
    # datasketch hashes a batch as one (shingles x NUM_PERM) uint64 array, 1 KB a shingle, and copies it once:
    # hundreds of MB for a body at the 500,000-character cap. Minimums fold chunk by chunk to the same signature.
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
@functools.lru_cache(maxsize=4)
def _persons(bands: int) -> list[bytes]:
    return [f"bantin-band-{band:02d}".encode() for band in range(bands)]


def bands(sig: np.ndarray) -> list[int]:
    """One signed 32-bit key per band (a Postgres integer), from the band's rows and its number."""
    n_bands, rows = layout()
    persons = _persons(n_bands)
    raw = sig.astype("<u4").tobytes()
    width = rows * 4
    return [struct.unpack("<i", hashlib.blake2b(raw[i * width:(i + 1) * width], digest_size=4,
                                                person=persons[i]).digest())[0]
            for i in range(n_bands)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / NUM_PERM
