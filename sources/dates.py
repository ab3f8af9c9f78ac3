"""The date shapes the sites print and Vietnam time, read by crawling (discovery) and transforms (extraction) alike."""
from __future__ import annotations

import html
import math
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

# Vietnam has kept UTC+7 without DST since 1975, so a fixed offset equals Asia/Ho_Chi_Minh for news dates
# and needs no tz database. An offsetless value on a Vietnamese site is this time (vn-news-sites §5.4).
VN_TZ = timezone(timedelta(hours=7))

# Zones on Earth run from UTC-12:00 to UTC+14:00; a larger displayed offset is a typo, not a time.
MAX_UTC_OFFSET = timedelta(hours=14)

# The part of transforms.normalize.clean_text that changes how a date reads, kept here because sources/ sits
# below transforms/ and must not import it: control characters dropped, NFC (an NFD `Thứ` or `lúc` would miss
# the patterns), invisible characters dropped, no-break spaces (VietNamNet's raw U+00A0) and other whitespace
# runs collapsed to one space, entities unescaped (`&nbsp;` between date and time). Mojibake is not repaired
# (that needs ftfy's heuristics): the extraction passes every value through clean_text before it reaches a
# date field, so only a caller outside it meets the difference.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
_RUNS = re.compile(r"\s+")

# Epoch seconds between 1973 and 2286 (its_publication, data-publishtime). A leading 0 is excluded so a
# phone number such as the bienphong hotline 0912011882 can never pass as a timestamp.
_EPOCH = re.compile(r"[1-9]\d{8,9}")
# fromisoformat rejects a space before the offset or the Z (VietNamNet `.000 +07:00`); glue it back.
_ISO_OFFSET_SPACE = re.compile(r"\s+(Z|[+-]\d{2}:?\d{2})$")
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


def _normalise(s: str) -> str:
    """`s` as clean_text leaves it for a date (see _CONTROL above)."""
    s = _INVISIBLE.sub("", unicodedata.normalize("NFC", _CONTROL.sub("", html.unescape(s))))
    return _RUNS.sub(" ", s).strip()


def _in_tz(parsed: datetime, tz: timezone = VN_TZ) -> datetime:
    """A naive value is local time on the site (`tz`, Vietnam's by default), never UTC."""
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _glue_offset(s: str) -> str:
    return _ISO_OFFSET_SPACE.sub(r"\1", s)


def _from_iso(s: str, tz: timezone = VN_TZ) -> datetime | None:
    """ISO 8601 (space before the offset already glued). Python 3.11's fromisoformat reads a `Z` suffix as UTC
    itself, so `Z` needs no rewrite; a naive value is read in `tz`."""
    try:
        return _in_tz(datetime.fromisoformat(s), tz)
    except ValueError:
        return None


def _from_pattern(s: str, pattern: str, tz: timezone = VN_TZ) -> datetime | None:
    try:
        parsed = datetime.strptime(s, pattern)
    except ValueError:
        return None
    return _in_tz(parsed, tz)


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


def _from_dateparser(s: str) -> datetime | None:
    # Last resort, and only for text naming a year: without one dateparser fills in the current year
    # (or returns "now" for `lúc 14 giờ 20 phút ngày 25/9/2023`), which would be a hidden clock read.
    if not re.search(r"\b(1[89]|2\d)\d{2}\b", s) or _NOT_FOR_DATEPARSER.search(s):
        return None
    # Imported here, not at the top: discovery and the replay load this module for VN_TZ and parse_time only
    # and should not pay for dateparser, a heavy import they never use.
    import dateparser

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
    s = _normalise(raw)
    if not s:
        return None
    if fmt:
        return _from_us(s) if fmt.lower() == "us" else _from_pattern(s, fmt)
    if _EPOCH.fullmatch(s):
        return datetime.fromtimestamp(int(s), tz=VN_TZ)
    iso = _glue_offset(s)
    if _ISO.fullmatch(iso):
        return _from_iso(iso)
    return _from_displayed(s) or _from_dateparser(s)


def parse_time(value: str | None, fmt: str = "iso", tz: timezone = VN_TZ) -> datetime | None:
    """A discovery source's date (feed, sitemap, listing attribute, URL) as an aware datetime, or None when
    empty or unparseable.

    fmt: `epoch` (unix seconds), `iso` (ISO 8601), `rfc822` (RSS pubDate) or a strptime pattern.
    Naive results are read in `tz`, never as UTC.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        if fmt == "epoch":
            return datetime.fromtimestamp(int(float(value)), tz=UTC)
        if fmt == "iso":
            return _from_iso(_glue_offset(value), tz)
        if fmt == "rfc822":
            return _in_tz(parsedate_to_datetime(value), tz)
        return _from_pattern(value, fmt, tz)
    # OSError: an epoch beyond what the platform's time functions take (a feed's garbage, not a date).
    except (ValueError, TypeError, OverflowError, OSError):
        return None


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with offset, seconds precision (what the extraction contract stores)."""
    return value.replace(microsecond=0).isoformat() if value else None
