"""A deterministic corpus of Vietnamese news articles with a controlled share of cross-source reprints.

Article `i` is a pure function of (seed, i): any range can be generated alone, in any process, in any order,
so 1M articles stream through a generator (or a worker pool) without ever being held in memory.

Text comes from real recorded bodies (`sources/*/pages/*.json`) and the replay corpus
(`sources/corpus.json`). They hold only ~460 sentences, so an original article splices sentences
(the head of one with the tail of another, cut between syllables) and varies every number, date and place:
local word order, syllable and length statistics stay those of real news, while two originals share almost
no 3-syllable shingles (a pool of whole sentences would make every pair of a 1M corpus look related).
A reprint is an edited copy of an earlier original, run by another source: a new lead, a paragraph cut or
added, a byline, boilerplate; the edits every outlet makes to wire copy (TTXVN, government releases).
"""
from __future__ import annotations

import functools
import glob
import hashlib
import json
import os
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPRINT_RATE = 0.30  # the estimate for news in general is 30-40% reprints
SEED = 20260307
# A reprint arrives within a day of its original (wire copy and syndicated pieces run the same day; `reprint`
# dates them 5 minutes to 10 hours later): one day is this many articles at one article every 2 minutes.
# Drawn from the whole archive instead, every story would keep collecting copies for ever, and a larger history
# would hold ever more members of the stories a batch reprints (4,000 more candidates at 100k than at 10k).
REPRINT_WINDOW = 24 * 30
SWAP = 0.35  # share of an original's syllables replaced by random pool syllables (see _sentence)

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
_PLACES = ["Hà Nội", "TP HCM", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Huế", "Nghệ An", "Thanh Hóa", "Quảng Ninh",
           "Bình Dương", "Đồng Nai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Gia Lai", "An Giang", "Cà Mau",
           "Thái Nguyên", "Bắc Ninh", "Hà Tĩnh", "Quảng Nam", "Kiên Giang", "Lào Cai", "Sơn La", "Tây Ninh"]
_PLACE = re.compile("|".join(re.escape(p) for p in _PLACES))
_BOILERPLATE = ["Xem thêm: Tin mới nhất trong ngày.", "Mời quý độc giả theo dõi các tin tức liên quan.",
                "Bạn đọc có thể gửi ý kiến, phản hồi về tòa soạn qua email.",
                "Theo dõi chúng tôi trên mạng xã hội để cập nhật tin tức nhanh nhất.",
                "(Bài viết có tham khảo nguồn tin từ các cơ quan chức năng)"]
_WIRE = ["Theo TTXVN", "Theo Báo Chính phủ", "Nguồn: TTXVN", "Theo VOV", "Theo Nhân Dân"]


@dataclass(frozen=True)
class Article:
    index: int
    source: str
    url: str
    title: str
    sapo: str
    body: str
    authors: tuple[str, ...]
    published_at: datetime
    reprint_of: int | None  # index of the original this edits, None for an original


@functools.lru_cache(maxsize=1)
def _pool() -> dict:
    paragraphs = []
    for path in sorted(glob.glob(os.path.join(REPO, "sources/*/pages/*.json"))):
        with open(path, encoding="utf-8") as fh:
            paragraphs += [p.strip() for p in json.load(fh)["body"].split("\n") if p.strip()]
    with open(os.path.join(REPO, "sources/corpus.json"), encoding="utf-8") as fh:
        replay = json.load(fh)
    paragraphs += replay["paragraphs"]
    sentences = sorted({s.strip() for p in paragraphs for s in _SENTENCE.split(p) if len(s.split()) >= 6})
    sources = sorted(os.path.basename(os.path.dirname(p))
                     for p in glob.glob(os.path.join(REPO, "sources/*/profile.yaml")))
    syllables = [w for sentence in sentences for w in sentence.split()]
    return {"sentences": sentences, "syllables": syllables, "titles": replay["titles"], "sapos": replay["sapos"],
            "authors": replay["authors"], "sources": sources}


def _rng(seed: int, index: int, salt: str) -> random.Random:
    # Seeded from a hash, not from seed + index: neighbouring articles get unrelated streams.
    digest = hashlib.blake2b(f"{seed}:{index}:{salt}".encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "little"))


def _vary(text: str, rng: random.Random) -> str:
    """The same sentence with other numbers, dates and places: another event told in the same words."""
    def number(m: re.Match) -> str:
        return re.sub(r"\d", lambda _: str(rng.randrange(10)), m.group(0))

    return _PLACE.sub(lambda _: rng.choice(_PLACES), _NUMBER.sub(number, text))


def _sentence(rng: random.Random) -> str:
    pool = _pool()
    a = rng.choice(pool["sentences"]).split()
    if rng.random() < 0.75:
        b = rng.choice(pool["sentences"]).split()
        cut_a, cut_b = rng.randrange(2, len(a) - 1), rng.randrange(1, len(b) - 2)
        a = a[:cut_a] + b[cut_b:]
    # The pool holds only ~11k distinct 3-syllable shingles, so spliced sentences alone leave two unrelated
    # articles sharing ~4% of their shingles, 15x the 0.3% measured between the recorded real pages; at that
    # level chance LSH band collisions, not news, decide the candidate count. Swapping a third of the syllables
    # for pool syllables (drawn by their real frequency) brings unrelated pairs down to ~1%, still above real.
    a = [rng.choice(pool["syllables"]) if rng.random() < SWAP else w for w in a]
    return _vary(" ".join(a), rng)


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))


def is_reprint(index: int, rate: float = REPRINT_RATE, seed: int = SEED) -> bool:
    return index > 0 and _rng(seed, index, "kind").random() < rate


def original(index: int, seed: int = SEED) -> Article:
    """Article `index` as its first publisher wrote it: 3-5 KB of body (UTF-8), the size of a typical story."""
    rng = _rng(seed, index, "original")
    pool = _pool()
    target = rng.randint(3000, 5000)
    paragraphs, size = [], 0
    while size < target:
        paragraphs.append(_paragraph(rng))
        size += len(paragraphs[-1].encode()) + 1
    source = pool["sources"][index % len(pool["sources"])]
    # One article every 2 minutes across all outlets: a few million indices span a couple of decades.
    published = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=2 * index + rng.randrange(2))
    return Article(index, source, f"https://{source}.example.vn/a/{index}", _vary(rng.choice(pool["titles"]), rng),
                   _vary(rng.choice(pool["sapos"]), rng), "\n".join(paragraphs),
                   (rng.choice(pool["authors"]),), published, None)


def reprint(index: int, of: int, seed: int = SEED) -> Article:
    """Another outlet's edited copy of original `of`: between one and three of the edits real reprints make."""
    rng = _rng(seed, index, "reprint")
    pool = _pool()
    base = original(of, seed)
    paragraphs = base.body.split("\n")
    edits = rng.sample(["lead", "cut", "add", "byline", "boilerplate"], rng.randint(1, 3))
    if "lead" in edits:
        paragraphs[0] = _paragraph(rng)
    if "cut" in edits and len(paragraphs) > 3:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    if "add" in edits:
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), _paragraph(rng))
    if "byline" in edits:
        paragraphs.append(rng.choice(_WIRE))
    if "boilerplate" in edits:
        paragraphs.append(rng.choice(_BOILERPLATE))
    others = [s for s in pool["sources"] if s != base.source]
    source = others[(index + of) % len(others)]
    published = base.published_at + timedelta(minutes=rng.randrange(5, 600))
    return Article(index, source, f"https://{source}.example.vn/a/{index}", base.title, base.sapo,
                   "\n".join(paragraphs), (rng.choice(pool["authors"]),), published, of)


def article(index: int, rate: float = REPRINT_RATE, seed: int = SEED, originals_below: int | None = None) -> Article:
    """Article `index`: an original, or (with probability `rate`) a reprint of an earlier original.

    Its original is one of the REPRINT_WINDOW articles before it. `originals_below` moves that window: a batch
    indexed far above a history reprints the last day of the smallest history, which every history holds."""
    if not is_reprint(index, rate, seed):
        return original(index, seed)
    rng = _rng(seed, index, "target")
    hi = min(index, originals_below or index)
    lo = max(0, hi - REPRINT_WINDOW)
    of = rng.randrange(lo, hi)
    while is_reprint(of, rate, seed):  # reprints of reprints are reprints of the original
        of = rng.randrange(lo, of) if of > lo else of - 1  # article 0 is an original, so this ends
    return reprint(index, of, seed)


def articles(n: int, start: int = 0, rate: float = REPRINT_RATE, seed: int = SEED,
             originals_below: int | None = None):
    """Articles start .. start+n-1, one at a time."""
    for index in range(start, start + n):
        yield article(index, rate, seed, originals_below)
