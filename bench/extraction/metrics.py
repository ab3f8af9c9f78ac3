"""Per-field scoring: pure functions over one expected value and one extracted value."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date, datetime

# \w on NFC text covers every Vietnamese letter (all have precomposed forms), so a token is one syllable
# or one run of digits; punctuation and whitespace separate tokens.
_TOKEN = re.compile(r"\w+")


def norm_text(value: str | None) -> str:
    """NFC with whitespace runs collapsed: how titles are compared."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def title_ok(expected: str | None, got: str | None) -> bool:
    return norm_text(expected) == norm_text(got)


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):  # a bare date has no time of day, so it is never "to the minute"
        return None
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None


def date_ok(expected, got) -> bool:
    """Same wall-clock minute and same UTC offset. A missing label wants no date (a header clock is wrong);
    a naive, date-only or unparseable value is wrong."""
    if expected is None:
        return got in (None, "")
    want, have = _as_datetime(expected), _as_datetime(got) if got not in (None, "") else None
    if have is None or have.tzinfo is None or have.utcoffset() is None:
        return False
    return (have.utcoffset() == want.utcoffset()
            and have.replace(second=0, microsecond=0, tzinfo=None) == want.replace(second=0, microsecond=0,
                                                                                   tzinfo=None))


def author_set(values) -> frozenset[str]:
    """Authors as a set of NFC, casefolded, whitespace-collapsed names; a 'A; B' string is split on ';'."""
    if isinstance(values, str):
        values = values.split(";")
    return frozenset(n for n in (norm_text(v).casefold() for v in values or []) if n)


def authors_ok(expected, got) -> bool:
    return author_set(expected) == author_set(got)


def tokens(text: str | None) -> Counter:
    return Counter(_TOKEN.findall(unicodedata.normalize("NFC", text or "").casefold()))


def overlap(expected: str | None, got: str | None) -> tuple[int, int, int]:
    """(shared, extracted, expected) token counts, shared as a multiset: summed over pages they give the
    micro-averaged precision shared/extracted and recall shared/expected."""
    want, have = tokens(expected), tokens(got)
    return sum((want & have).values()), sum(have.values()), sum(want.values())


def prf(shared: int, extracted: int, expected: int) -> tuple[float, float, float]:
    p = shared / extracted if extracted else 0.0
    r = shared / expected if expected else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def leaks(expected_body: str | None, got_body: str | None, strings) -> list[str]:
    """The strings present in the extracted body and absent from the expected one."""
    want, have = unicodedata.normalize("NFC", expected_body or ""), unicodedata.normalize("NFC", got_body or "")
    return [s for s in strings if s in have and s not in want]
