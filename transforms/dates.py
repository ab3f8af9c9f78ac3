"""Publication dates: ISO variants, the sites' displayed Vietnamese formats and epoch seconds (vn-news-sites §5.4)."""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

import dateparser

from transforms.normalize import clean_text

# Vietnam has kept UTC+7 without DST since 1975, so a fixed offset equals Asia/Ho_Chi_Minh for news dates
# and needs no tz database.
VN_TZ = timezone(timedelta(hours=7))

# Zones on Earth run from UTC-12:00 to UTC+14:00; a larger displayed offset is a typo, not a time.
MAX_UTC_OFFSET = timedelta(hours=14)

# Epoch seconds between 1973 and 2286 (its_publication, data-publishtime). A leading 0 is excluded so a
# phone number such as the bienphong hotline 0912011882 can never pass as a timestamp.
_EPOCH = re.compile(r"[1-9]\d{8,9}")
# fromisoformat rejects a space before the offset (VietNamNet `.000 +07:00`); glue it back.
_ISO_OFFSET_SPACE = re.compile(r"(\d)\s+(Z|[+-]\d{2}:?\d{2})$")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?")

# Displayed formats are hand-matched because dateparser reads `14h20` as None and, without forcing the
# order, `07/03/2026` as 3 July; the sites' layouts are fixed, so a strict pattern is safer than a guess.
_WEEKDAY = r"(?:(?:thứ\s+\S+|chủ\s+nhật|cn|t\d)\s*,?\s*)?"
_DATE = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
_TIME = r"(?P<H>\d{1,2})\s*[:h]\s*(?P<M>\d{2})(?::(?P<S>\d{2}))?"
_ZONE = r"(?:\s*\(?\s*GMT\s*(?P<tz>[+-]\d{1,2})(?::?(?P<tzm>\d{2}))?\s*\)?)?"
_SEP = r"\s*(?:,|-|–|\||lúc|ngày)?\s*"
_LEAD = r"(?:[-–—|]\s*)?"  # baodautu's `.post-time` reads ` - 07/03/2026 08:30`
_DISPLAYED = [
    re.compile(rf"{_LEAD}{_WEEKDAY}{_DATE}(?:{_SEP}{_TIME})?{_ZONE}", re.I),  # Thứ bảy, 7/3/2026, 00:05 (GMT+7)
    re.compile(rf"{_LEAD}{_TIME}{_SEP}{_WEEKDAY}{_DATE}{_ZONE}", re.I),  # 14h20 ngày 28/9/2023, 08:52 - 07/03/2026
]
# Month-first values (Báo Chính phủ listing `title` = `2/26/2026 12:00:00 PM`, Thanh Niên comments): only
# under an explicit `format: us`, because `3/5/2026` reads as 3 May in the sites' own order.
_US = re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"
                 r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AP]\.?M\.?)?)?", re.I)
# dateparser only reads dates with month names (`25 Tháng Chín 2023`). A numeric day/month/year is the hand
# patterns' job: one they reject (month-first `2/26/2026 12:00:00 PM` without `format: us`) must not be
# guessed. Five digits in a row are a phone number or an id, never part of a date (years have four): that
# keeps the bienphong hotline `0912011882` away from it.
_NOT_FOR_DATEPARSER = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{5,}")
_PART_OF_DAY = re.compile(r"\b(sáng|trưa|chiều|tối|đêm)\b", re.I)
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DATES_FROM": "past",
}


def _from_displayed(s: str) -> datetime | None:
    for pattern in _DISPLAYED:
        m = pattern.fullmatch(s)
        if not m:
            continue
        g = m.groupdict()
        tz = VN_TZ
        if g["tz"]:
            sign = -1 if g["tz"].startswith("-") else 1
            offset = timedelta(hours=abs(int(g["tz"])), minutes=int(g["tzm"] or 0))
            if offset > MAX_UTC_OFFSET:  # `GMT+25`: a malformed value, not a zone
                return None
            tz = timezone(sign * offset)
        try:
            return datetime(int(g["y"]), int(g["m"]), int(g["d"]), int(g["H"] or 0), int(g["M"] or 0),
                            int(g["S"] or 0), tzinfo=tz)
        except ValueError:  # 31/02 and the like: a malformed value, not a date
            return None
    return None


def _from_us(s: str) -> datetime | None:
    m = _US.fullmatch(s)
    if not m:
        return None
    g = m.groupdict()
    hour = int(g["H"] or 0)
    if g["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if g["ampm"].upper().startswith("P") else 0)
    try:
        return datetime(int(g["y"]), int(g["m"]), int(g["d"]), hour, int(g["M"] or 0), int(g["S"] or 0),
                        tzinfo=VN_TZ)
    except ValueError:
        return None


def _from_pattern(s: str, pattern: str) -> datetime | None:
    try:
        parsed = datetime.strptime(s, pattern)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


def _from_dateparser(s: str) -> datetime | None:
    # Last resort, and only for text naming a year: without one dateparser fills in the current year
    # (or returns "now" for `lúc 14 giờ 20 phút ngày 25/9/2023`), which would be a hidden clock read.
    if not re.search(r"\b(1[89]|2\d)\d{2}\b", s) or _NOT_FOR_DATEPARSER.search(s):
        return None
    s = _PART_OF_DAY.sub(" ", re.sub(r"\b(\d{1,2})h(\d{2})\b", r"\1:\2", s))
    parsed = dateparser.parse(s, languages=["vi"], settings=_DATEPARSER_SETTINGS)
    return parsed if parsed and str(parsed.year) in s else None


def parse_datetime(raw: str | int | float | None, fmt: str | None = None) -> datetime | None:
    """An aware datetime for one date field's value, or None. Never searches free text for a date.

    `fmt` is a profile rule's `format:`: `us` for month-first values (`2/26/2026 12:00:00 PM`), or a
    strptime pattern; either way a value without an offset is Vietnam time (+07:00). Without it the
    value is read as ISO 8601, epoch seconds or the sites' day-first displayed formats."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, float) and not math.isfinite(raw):
        return None
    if isinstance(raw, (int, float)):
        raw = str(int(raw))
    s = clean_text(raw)
    if not s:
        return None
    if fmt:
        return _from_us(s) if fmt.lower() == "us" else _from_pattern(s, fmt)
    if _EPOCH.fullmatch(s):
        return datetime.fromtimestamp(int(s), tz=VN_TZ)
    iso = _ISO_OFFSET_SPACE.sub(r"\1\2", s)
    if _ISO.fullmatch(iso):
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)
    return _from_displayed(s) or _from_dateparser(s)


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with offset, seconds precision (what the extraction contract stores)."""
    return value.replace(microsecond=0).isoformat() if value else None
