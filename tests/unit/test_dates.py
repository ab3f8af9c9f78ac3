"""sources.dates: every date shape on the saved pages (vn-news-sites §5.4)."""
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sources.dates import isoformat, parse_datetime

VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-07T08:01:53+07:00", datetime(2026, 3, 7, 8, 1, 53, tzinfo=VN)),      # tuoitre meta
    ("2026-03-07T08:52:11.000 +07:00", datetime(2026, 3, 7, 8, 52, 11, tzinfo=VN)),  # vietnamnet: space
    ("2026-03-07T00:05:00+0700", datetime(2026, 3, 7, 0, 5, tzinfo=VN)),            # nhandan: no colon
    ("2026-03-07 08:07", datetime(2026, 3, 7, 8, 7, tzinfo=VN)),                    # dantri: offsetless = +07
    ("2026-03-07T01:00:00Z", datetime(2026, 3, 7, 1, 0, tzinfo=UTC)),
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", datetime(2026, 3, 7, 0, 5, tzinfo=VN)),   # vnexpress, no padding
    ("07/03/2026 08:01 GMT+7", datetime(2026, 3, 7, 8, 1, tzinfo=VN)),             # tuoitre: DMY, not 3 July
    ("Thứ bảy, 07/03/2026 - 08:07", datetime(2026, 3, 7, 8, 7, tzinfo=VN)),        # dantri
    ("Thứ Bảy, 07/03/2026 - 08:52", datetime(2026, 3, 7, 8, 52, tzinfo=VN)),
    ("07/03/2026 \u00a0 08:52 (GMT+07:00)", datetime(2026, 3, 7, 8, 52, tzinfo=VN)),  # raw NBSP
    ("14h20 ngày 28/9/2023", datetime(2023, 9, 28, 14, 20, tzinfo=VN)),
    ("1772816700", datetime(2026, 3, 7, 0, 5, tzinfo=VN)),                          # its_publication epoch
    (1772816700, datetime(2026, 3, 7, 0, 5, tzinfo=VN)),
    ("25 Tháng Chín 2023", datetime(2023, 9, 25, tzinfo=VN)),                       # dateparser, vi
    ("Thứ bảy, 07/03/2026 - 08:07", datetime(2026, 3, 7, 8, 7, tzinfo=VN)),        # ` - ` before the time
    (" - 07/03/2026 08:30", datetime(2026, 3, 7, 8, 30, tzinfo=VN)),               # baodautu .post-time
    ("07/03/2026 14h20", datetime(2026, 3, 7, 14, 20, tzinfo=VN)),
    ("08:52 07/03/2026", datetime(2026, 3, 7, 8, 52, tzinfo=VN)),                   # znews: time first
    ("08:52 - 07/03/2026", datetime(2026, 3, 7, 8, 52, tzinfo=VN)),                 # thanhnien <= 2020
    ("2026-03-07T10:22:00", datetime(2026, 3, 7, 10, 22, tzinfo=VN)),               # cafef listing: naive
    ("2026-03-07T08:07:18 +07:00", datetime(2026, 3, 7, 8, 7, 18, tzinfo=VN)),      # JSON-LD, space
    ("2026-03-07 08:07:18 +0700", datetime(2026, 3, 7, 8, 7, 18, tzinfo=VN)),
    ("Chủ nhật, 8/3/2026, 23:59 (GMT+7)", datetime(2026, 3, 8, 23, 59, tzinfo=VN)),
    ("07/03/2026 08:01 GMT+9", datetime(2026, 3, 7, 8, 1, tzinfo=timezone(timedelta(hours=9)))),
    ("T2, 25/09/2023", datetime(2023, 9, 25, tzinfo=VN)),                           # dateparser reads None
    ("CN, 8/3/2026 09:00", datetime(2026, 3, 8, 9, 0, tzinfo=VN)),
    ("Thứ 7, 07/03/2026 08:30", datetime(2026, 3, 7, 8, 30, tzinfo=VN)),
    ("26/02/2026 12:00", datetime(2026, 2, 26, 12, 0, tzinfo=VN)),                  # baochinhphu listing text
    ("06/03/2026 - 00:05", datetime(2026, 3, 6, 0, 5, tzinfo=VN)),                  # cafef listing text
    ("25.9.2023", datetime(2023, 9, 25, tzinfo=VN)), ("22-4-1959", datetime(1959, 4, 22, tzinfo=VN)),
    ("21 tháng 09 năm 2025", datetime(2025, 9, 21, tzinfo=VN)),
])
def test_parses(raw, expected):
    parsed = parse_datetime(raw)
    assert parsed == expected and parsed.tzinfo is not None


@pytest.mark.parametrize("raw", [
    None, "", "garbage", "0912011882",                 # the bienphong hotline is not an epoch
    "Ngày 17-8", "Sáng 25/9",                           # no year: dateparser would invent the current one
    "31/02/2026 10:00", "2026-13-45",
    "Đường dây nóng: 0912011882 - (024) 39364407",      # never searched for a date
    "Đường dây nóng: 0912011882 - (024) 39364407Chủ nhật, 24/09/2023 05:02 GMT+7",  # the header, whole
    "Tin mới nhất ngày 7/3/2026 về giá vàng",          # a date inside a sentence is not a date value
    "206/03/2026 - 00:05",                              # cafef's corrupt data-time attribute
    "2/26/2026 12:00:00 PM",                            # month-first without `format: us`: not guessed
    float("nan"), float("inf"),
])
def test_rejects(raw):
    assert parse_datetime(raw) is None


def test_isoformat_has_offset_and_seconds():
    assert isoformat(parse_datetime("2026-03-07T08:52:11.123+07:00")) == "2026-03-07T08:52:11+07:00"
    assert isoformat(None) is None


@pytest.mark.parametrize("raw, fmt, expected", [
    ("2/26/2026 12:00:00 PM", "us", datetime(2026, 2, 26, 12, 0, tzinfo=VN)),      # baochinhphu listing title
    ("3/5/2026 3:34:00 PM", "us", datetime(2026, 3, 5, 15, 34, tzinfo=VN)),        # 5 March, not 3 May
    ("3/5/2026 12:10:00 AM", "US", datetime(2026, 3, 5, 0, 10, tzinfo=VN)),
    ("03/07/2026 08:30:15", "us", datetime(2026, 3, 7, 8, 30, 15, tzinfo=VN)),      # thanhnien comments, 24 h
    ("07/03/2026 - 08:30", "%d/%m/%Y - %H:%M", datetime(2026, 3, 7, 8, 30, tzinfo=VN)),
    ("2026-03-07 08:30 +0900", "%Y-%m-%d %H:%M %z", datetime(2026, 3, 7, 8, 30, tzinfo=timezone(timedelta(hours=9)))),
])
def test_explicit_format(raw, fmt, expected):
    assert parse_datetime(raw, fmt) == expected


@pytest.mark.parametrize("raw, fmt", [("13/5/2026", "us"), ("3/5/2026 13:00:00 PM", "us"), ("2026-03-07", "%d/%m/%Y")])
def test_explicit_format_rejects(raw, fmt):
    assert parse_datetime(raw, fmt) is None
