"""transforms.dates: every date shape on the saved pages (vn-news-sites §5.4)."""
from datetime import datetime, timedelta, timezone

import pytest

from transforms.dates import isoformat, parse_datetime

VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-07T08:01:53+07:00", datetime(2026, 3, 7, 8, 1, 53, tzinfo=VN)),      # tuoitre meta
    ("2026-03-07T08:52:11.000 +07:00", datetime(2026, 3, 7, 8, 52, 11, tzinfo=VN)),  # vietnamnet: space
    ("2026-03-07T00:05:00+0700", datetime(2026, 3, 7, 0, 5, tzinfo=VN)),            # nhandan: no colon
    ("2026-03-07 08:07", datetime(2026, 3, 7, 8, 7, tzinfo=VN)),                    # dantri: offsetless = +07
    ("2026-03-07T01:00:00Z", datetime(2026, 3, 7, 1, 0, tzinfo=timezone.utc)),
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", datetime(2026, 3, 7, 0, 5, tzinfo=VN)),   # vnexpress, no padding
    ("07/03/2026 08:01 GMT+7", datetime(2026, 3, 7, 8, 1, tzinfo=VN)),             # tuoitre: DMY, not 3 July
    ("Thứ bảy, 07/03/2026 - 08:07", datetime(2026, 3, 7, 8, 7, tzinfo=VN)),        # dantri
    ("Thứ Bảy, 07/03/2026 - 08:52", datetime(2026, 3, 7, 8, 52, tzinfo=VN)),
    ("07/03/2026 \u00a0 08:52 (GMT+07:00)", datetime(2026, 3, 7, 8, 52, tzinfo=VN)),  # raw NBSP
    ("14h20 ngày 28/9/2023", datetime(2023, 9, 28, 14, 20, tzinfo=VN)),
    ("1772816700", datetime(2026, 3, 7, 0, 5, tzinfo=VN)),                          # its_publication epoch
    (1772816700, datetime(2026, 3, 7, 0, 5, tzinfo=VN)),
    ("25 Tháng Chín 2023", datetime(2023, 9, 25, tzinfo=VN)),                       # dateparser, vi
])
def test_parses(raw, expected):
    parsed = parse_datetime(raw)
    assert parsed == expected and parsed.tzinfo is not None


@pytest.mark.parametrize("raw", [
    None, "", "garbage", "0912011882",                 # the bienphong hotline is not an epoch
    "Ngày 17-8", "Sáng 25/9",                           # no year: dateparser would invent the current one
    "31/02/2026 10:00", "2026-13-45",
    "Đường dây nóng: 0912011882 - (024) 39364407",      # never searched for a date
])
def test_rejects(raw):
    assert parse_datetime(raw) is None


def test_isoformat_has_offset_and_seconds():
    assert isoformat(parse_datetime("2026-03-07T08:52:11.123+07:00")) == "2026-03-07T08:52:11+07:00"
    assert isoformat(None) is None
