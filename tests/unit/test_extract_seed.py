"""The seed page (shared seed/bienphong-article.txt) and the real pages' pitfalls, through transforms.extract."""
import json
import unicodedata
from pathlib import Path

import pytest

from transforms.extract import OUTPUT_KEYS, Rejected, extract_file, extract_page

REPO = Path(__file__).resolve().parents[2]
# The shared seed sits beside the checkout (CI lays a copy of shared/ next to its clone).
SEED = REPO.parent / "shared/seed/bienphong-article.txt"
SEED_COPY = REPO / "sources/bienphong/pages/gan-ket-chat-che-post473259-seed.txt"
BP_URL = "https://www.bienphong.com.vn/gan-ket-chat-che-post473259.html"
BP_HTML = REPO / "sources/bienphong/pages/gan-ket-chat-che-post473259.html"
VNE = REPO / "sources/vnexpress/pages/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
VNE_URL = "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
TT = REPO / "sources/tuoitre/pages/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.html"
TT_URL = "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"
TEXT_FIELDS = ("title", "sapo", "dateline", "body", "authors", "published_at", "modified_at", "section", "tags",
               "image_url", "captions", "published_at_raw")
SPEAKERS = ("Ông Phan Công Vỹ, Tỉnh ủy viên, Bí thư Huyện ủy Thăng Bình:",
            "Ông Lê Văn Hường, Tỉnh ủy viên, Bí thư Huyện ủy Nam Giang:",
            "Ông Bhling Mia, Tỉnh ủy viên, Bí thư Huyện ủy Tây Giang:")
LAST = ("Thời gian tới, Huyện ủy Tây Giang tiếp tục quan tâm hỗ trợ các đồn Biên phòng về triển khai thực hiện "
        "Luật Biên phòng Việt Nam")


def _text(article: dict) -> str:
    return json.dumps({k: article[k] for k in TEXT_FIELDS}, ensure_ascii=False)


@pytest.fixture(scope="module")
def seed() -> dict:
    path = SEED if SEED.exists() else SEED_COPY
    return extract_file(path, BP_URL)


def test_seed_copy_is_verbatim():
    if SEED.exists():
        assert SEED_COPY.read_bytes() == SEED.read_bytes()


def test_seed_fields(seed):
    assert tuple(seed) == OUTPUT_KEYS
    assert seed["title"].startswith("Gắn kết chặt chẽ trong thực hiện quy chế phối hợp")
    assert seed["sapo"].startswith("Thời gian qua, quy chế phối hợp") and "Biên phòng - " not in seed["sapo"]
    assert seed["dateline"] == "Biên phòng"
    assert seed["authors"] == ["Lê Văn Chương"]
    assert seed["published_at"] is None and seed["published_at_raw"] is None
    assert seed["seen_at"] == "Chủ nhật, 24/09/2023 05:02 GMT+7"


def test_seed_body_keeps_every_paragraph(seed):
    paragraphs = seed["body"].split("\n\n")
    assert len(paragraphs) == 20
    assert paragraphs[0].startswith("Tại Hội nghị sơ kết quy chế phối hợp")
    for speaker in SPEAKERS:
        assert speaker in paragraphs, f"speaker line missing: {speaker}"
    assert paragraphs[-1].startswith(LAST) and paragraphs[-1].endswith('35 năm "Ngày Biên phòng toàn dân".')
    expected = [line.strip() for line in SEED_COPY.read_text(encoding="utf-8").splitlines() if line.strip()][3:-3]
    assert paragraphs == expected


@pytest.mark.parametrize("junk", ["0912011882", "39364407", "24/09/2023 05:02", "Bình luận", "ZALO", "Đường dây nóng"])
def test_seed_header_and_footer_gone(seed, junk):
    assert junk not in _text(seed)


def test_built_html_matches_seed_text(seed):
    html = extract_file(BP_HTML, BP_URL)
    for field in ("title", "sapo", "dateline", "body", "authors", "seen_at"):
        assert html[field] == seed[field], field
    assert html["captions"] == [c for c in html["captions"] if c.endswith("Ảnh: CTV")] and html["captions"]
    for junk in ("0912011882", "24/09/2023 05:02", "Bình luận", "ZALO", "Tin liên quan"):
        assert junk not in _text(html)


def test_vnexpress_pitfalls():
    page = extract_page(VNE.read_bytes(), VNE_URL)
    # Documented rule: "(tổng hợp)"/"(theo …)" annotate the byline and are stripped; the org is never an author.
    assert page["authors"] == ["Hà Thu"]
    assert "VnExpress" not in page["authors"] and "Hà Thu" not in page["body"]
    assert page["published_at"] == "2026-03-07T00:05:00+07:00"
    assert "Tin nóng" not in page["tags"]


def test_tuoitre_pitfalls():
    page = extract_page(TT.read_bytes(), TT_URL)
    assert page["authors"] == ["NHẬT XUÂN", "NGHI VŨ"]
    assert page["title"] == "Chiến sự đẩy giá hoa nhập khẩu dịp 8-3 tăng mạnh" and "&" not in page["title"]
    assert page["published_at"] == "2026-03-07T08:01:53+07:00"  # the meta, not JSON-LD's rounded 08:01:00
    assert "TUOI TRE ONLINE" not in page["authors"]
    assert not any("Xung đột ở Trung Đông khiến xuất khẩu Việt" in p for p in page["body"].split("\n\n"))


@pytest.mark.parametrize("path, url", [(SEED_COPY, BP_URL), (BP_HTML, BP_URL), (VNE, VNE_URL), (TT, TT_URL)])
def test_no_nfd_anywhere(path, url):
    text = json.dumps(extract_file(path, url), ensure_ascii=False)
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("body, reason", [
    (b"", "empty_body"),
    (b"   \n ", "empty_body"),
    (bytes(range(256)) * 10, "undecodable"),
    (b"<html><body><p>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</p></body></html>", "no_title"),
])
def test_rejects(body, reason):
    with pytest.raises(Rejected) as info:
        extract_page(body, BP_URL)
    assert info.value.reason == reason


def test_listing_pages_are_not_articles():
    listing = REPO / "sources/vnexpress/replay/recorded/vnexpress_list.html"
    with pytest.raises(Rejected) as info:
        extract_page(listing.read_bytes(), "https://vnexpress.net/kinh-doanh")
    assert info.value.reason == "not_article"


def test_short_body_is_no_body():
    page = ('<html lang="vi"><head><meta property="og:title" content="Trang lỗi"></head>'
            "<body><h1>Trang lỗi</h1><p>Không tìm thấy trang.</p></body></html>")
    with pytest.raises(Rejected) as info:
        extract_page(page, BP_URL)
    assert info.value.reason == "no_body"


@pytest.mark.parametrize("junk", [b"<html" * 1000, b"<" + b"<div>" * 5000, b"\xff\xfe<\x00h\x00", b"{}",
                                  b"<p>" + b"a" * 50])
def test_never_raises_anything_but_rejected(junk):
    try:
        extract_page(junk, "not a url")
    except Rejected:
        pass
