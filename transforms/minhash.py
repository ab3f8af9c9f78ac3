"""Near-duplicate keys: MinHash signatures over syllable shingles, cut into LSH bands that Postgres indexes."""
from __future__ import annotations

import functools
import hashlib
import re
import struct
from collections import Counter
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from transforms.dedup import body_key
from warehouse import settings

# 128 permutations estimate a Jaccard of 0.5 within about +-0.044 (one standard deviation, sqrt(J(1-J)/128)):
# tight enough to verify candidates; more would multiply the signature work for little precision.
NUM_PERM = settings.SIGNATURE_LENGTH
SEED = 20260307  # fixed for ever: signatures stored in the warehouse must stay comparable
SCHEME = "affine32"  # datasketch's permutation scheme, pinned for the same reason (32-bit values)
# Shingles of 5 syllables (about two Vietnamese words). Outlets copy-edit what they reprint: a word dropped,
# inserted or changed every twenty or so, and every edit breaks the shingles that span it, so shorter shingles
# keep a copy-edited reprint recognisable. Templated bulletins (price tables, exchange rates, accident reports)
# rise as shingles shorten, faster than copies do; the numbers check below, not the shingle length, is what
# keeps them apart. With that check, 5 gave the pair set's copies the highest recall at which no bulletin was
# merged; the measurements per length are in docs/benchmarks.md (bench/dedup/options.py).
SHINGLE = 5
# Under ~50 syllables (two sentences) a text is a teaser, a caption page or boilerplate: too short to say
# that two pages tell one story. Such articles get no signature and are never clustered (nor dropped).
MIN_SYLLABLES = 50
# The score is containment, not Jaccard: the share of the shorter text's shingles found in the longer one,
# estimated from the MinHash Jaccard J and the two shingle counts as J(|A|+|B|) / ((1+J) min(|A|,|B|)). An
# outlet that runs the first half of a story, or a summary of its sentences, ran that story; Jaccard would
# halve it for being short.
#
# The numbers check: a bulletin's next edition repeats its template word for word and changes its figures,
# while a copy restyles figures ("15%" / "15 phần trăm") but keeps them. When both texts carry at least
# MANY_NUMBERS number tokens and fewer than NUMBERS_AGREE of the smaller text's are found in the other (counted
# with repeats), they are two stories whatever their score. Under MANY_NUMBERS a text is a report, not a table,
# and a changed lead can carry off most of its few figures.
MANY_NUMBERS = 10
NUMBERS_AGREE = 0.6
# The LSH layout (BANTIN_STORY_BANDS, default 48 bands of 2 rows, over the first 96 values): a pair becomes a
# candidate with probability 1-(1-J^2)^48. A copy edited at a tenth of its words, or cut to half, has a Jaccard
# near 0.3, and an update that reuses half of its story 0.23-0.40: bands of 4 rows bring such pairs together
# one time in four; at 0.3, 32 bands of 2 rows miss one pair in twenty, 48 one in a hundred.
# Unrelated news has a Jaccard near 0 over 5-syllable shingles, so chance candidates stay rare (measured per
# 1,000 articles of history in docs/benchmarks.md); each band is one index key an article, so the band count
# is what a million-article history's index costs (docs/benchmarks.md).
# The band index records the layout it was built with and is rebuilt by the next load when the setting changes.
#
# The threshold (BANTIN_STORY_THRESHOLD, default 0.54): the estimated containment at which two texts are one
# story. The pair set's hard negatives (bulletins past the numbers check, same-beat and same-event reports)
# estimate up to just under it; copy-edited reprints well above. It changes decisions from then on.
#
# Stored signatures carry their scheme in their length: NUM_PERM values, then the shingle count and the number
# hashes. A signature of exactly NUM_PERM values is the previous scheme (7-syllable shingles, no counts), which
# `transforms.stories` signs again from the stored body before any load compares with it.
SCHEME_NAME = f"{SHINGLE}-syllable shingles, containment, numbers"

_SYLLABLE = re.compile(r"\w+")
_PERCENT = re.compile(r"(\d)\s*%")
_SHINGLES_PER_UPDATE = 4096


@dataclass(frozen=True, eq=False)
class Signature:
    """What a text is compared by: its MinHash values, how many distinct shingles they were taken over, and the
    hashes of its number tokens (sorted, repeats kept)."""

    values: np.ndarray
    shingles: int
    numbers: np.ndarray

    def same_text(self, other: Signature) -> bool:
        """The same shingles, as far as a signature can tell (a page template's copies)."""
        return self.shingles == other.shingles and np.array_equal(self.values, other.values)


def layout() -> tuple[int, int]:
    """(bands, rows) of the LSH layout, from BANTIN_STORY_BANDS."""
    return settings.get("BANTIN_STORY_BANDS")


def layout_name() -> str:
    return "{}x{}".format(*layout())


def threshold() -> float:
    """The estimated containment at which two texts are one story, from BANTIN_STORY_THRESHOLD."""
    return settings.get("BANTIN_STORY_THRESHOLD")


def syllables(body: str) -> list[str]:
    """The body's syllables after the shared normalisation (NFC, one tone placement, case folded)."""
    return syllables_of_key(body_key(body))


def syllables_of_key(key: str) -> list[str]:
    # "15%" and "15 phần trăm" are one figure: the sign is not a syllable, so it is spelt out first.
    return _SYLLABLE.findall(_PERCENT.sub(r"\1 phần trăm", key))


@functools.lru_cache(maxsize=1)
def _permutations():
    # Generating the permutations costs more than hashing a document; every signature shares one set.
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def signature(body: str) -> Signature | None:
    """The body's signature, or None when it is too short to judge."""
    return signature_of_key(body_key(body))


def shingles(words: list[str]) -> set[bytes]:
    """The SHINGLE-syllable shingles a signature is taken over."""
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def _number_hashes(words: list[str]) -> np.ndarray:
    hashes = [struct.unpack("<i", hashlib.blake2b(w.encode(), digest_size=4).digest())[0]
              for w in words if any(c.isdigit() for c in w)]
    return np.array(sorted(hashes), dtype=np.int32)


def signature_of_key(key: str) -> Signature | None:
    """`signature` from a body_key already computed (normalising costs as much as hashing the shingles)."""
    words = syllables_of_key(key)
    if len(words) < MIN_SYLLABLES:
        return None
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)
    batch = list(shingles(words))
    # datasketch hashes a batch as one (shingles x NUM_PERM) uint64 array, 1 KB a shingle, and copies it once:
    # hundreds of MB for a body at the 500,000-character cap. Minimums fold chunk by chunk to the same signature.
    for i in range(0, len(batch), _SHINGLES_PER_UPDATE):
        m.update_batch(batch[i:i + _SHINGLES_PER_UPDATE])
    return Signature(m.hashvalues.astype(np.uint32), len(batch), _number_hashes(words))


def to_bytes(sig: Signature) -> bytes:
    return (sig.values.astype("<u4").tobytes() + struct.pack("<I", sig.shingles)
            + sig.numbers.astype("<i4").tobytes())


def is_current(raw: bytes) -> bool:
    """Whether stored bytes are this scheme's (the previous one stored the NUM_PERM values alone)."""
    return len(raw) != NUM_PERM * 4


def from_bytes(raw: bytes) -> Signature:
    raw = bytes(raw)
    if not is_current(raw):
        raise ValueError("a signature of the previous scheme: sign the text again")
    width = NUM_PERM * 4
    return Signature(np.frombuffer(raw[:width], dtype="<u4"), struct.unpack("<I", raw[width:width + 4])[0],
                     np.frombuffer(raw[width + 4:], dtype="<i4"))


# Band keys are 32-bit and carry their band number (blake2b's `person` field), so the index is one integer
# column pair (band_key, article_id): 20 bytes an entry instead of 36 for (band smallint, hash bigint, id
# bigint), which keeps a million-article index (48M entries) in the buffer cache. The cost of 32 bits: a
# batch key meets an unrelated history key by chance with probability 2^-32, so a 10,000-article batch against
# the window's keys draws a few hundred spurious candidates at most, each rejected by verification.
@functools.lru_cache(maxsize=4)
def _persons(bands: int) -> list[bytes]:
    return [f"bantin-band-{band:02d}".encode() for band in range(bands)]


def bands(sig: Signature) -> list[int]:
    """One signed 32-bit key per band (a Postgres integer), from the band's rows and its number."""
    n_bands, rows = layout()
    persons = _persons(n_bands)
    raw = sig.values.astype("<u4").tobytes()
    width = rows * 4
    return [struct.unpack("<i", hashlib.blake2b(raw[i * width:(i + 1) * width], digest_size=4,
                                                person=persons[i]).digest())[0]
            for i in range(n_bands)]


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a.values == b.values)) / NUM_PERM


def containment(a: Signature, b: Signature) -> float:
    """Estimated share of the smaller shingle set found in the other (capped at 1: the estimate is noisy)."""
    j = similarity(a, b)
    return min(1.0, j * (a.shingles + b.shingles) / ((1 + j) * min(a.shingles, b.shingles)))


def numbers_disagree(a: Signature, b: Signature) -> bool:
    """Both texts carry many numbers and too few of the smaller one's are in the other (see NUMBERS_AGREE)."""
    small = min(len(a.numbers), len(b.numbers))
    if small < MANY_NUMBERS:
        return False
    shared = sum((Counter(a.numbers.tolist()) & Counter(b.numbers.tolist())).values())
    return shared / small < NUMBERS_AGREE


def same_story(a: Signature, b: Signature, at: float) -> bool:
    """The verification of a candidate pair: containment at the threshold `at` (threshold(), read once by the
    caller for all its pairs), and figures that agree."""
    return containment(a, b) >= at and not numbers_disagree(a, b)
