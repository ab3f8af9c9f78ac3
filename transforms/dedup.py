"""Exact-duplicate keys: a hash of the article body after the normalisation every source shares."""
from __future__ import annotations

import hashlib
import re
import unicodedata

from transforms.normalize import tone_key

_SPACE = re.compile(r"\s+")


def body_key(body: str) -> str:
    """NFC, one tone placement (`hoà` = `hòa`), case-folded, whitespace-collapsed body: the form two copies
    of one text agree on."""
    # NFC again after casefold: folding can decompose (Greek `ῶ`), and keys must compare as NFC text.
    folded = tone_key(unicodedata.normalize("NFC", body)).casefold()
    return _SPACE.sub(" ", unicodedata.normalize("NFC", folded)).strip()


def body_hash(body: str) -> str:
    return key_hash(body_key(body))


def key_hash(key: str) -> str:
    """body_hash from a body_key already computed (normalising is the expensive part)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
