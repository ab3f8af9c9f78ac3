"""Every stored field is clean text: NFC, entities to a fixed point, no invisible characters (§5.1, §5.3)."""
import json
import unicodedata

import pytest

from sources import SOURCES_DIR
from transforms.extract import extract_page

URL = "https://example.vn/bai-viet-123.html"
TITLE = "Thủy điện Hòa Bình vận hành an toàn"
PARAGRAPH = "Thời gian qua, Biên phòng tỉnh đã phối hợp chặt chẽ với chính quyền địa phương để giữ vững an ninh."
STRING_FIELDS = ("title", "sapo", "dateline", "body", "section", "image_url", "published_at_raw", "seen_at")


def page(title: str = TITLE, paragraph: str = PARAGRAPH, head: str = "", charset: str = "utf-8") -> str:
    return (f'<html lang="vi"><head><meta charset="{charset}"><meta property="og:type" content="article">{head}'
            f"<title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(f"<p>Đoạn {i}. {paragraph}</p>" for i in range(4)) + "</article></body></html>")


def cp1258(text: str) -> bytes:
    """What a windows-1258 site serves: the base letter (â ê ô ơ ư ă đ are in the code page), then the tone."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
                   + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def assert_clean(article: dict):
    for field in STRING_FIELDS:
        value = article[field]
        if value is not None:
            assert unicodedata.is_normalized("NFC", value), f"{field} is not NFC: {value!r}"
            invisible = [c for c in "\u00a0\u202f\u200b\u200c\u200d\ufeff\u00ad" if c in value]
            assert not invisible, f"{field} keeps {invisible}: {value!r}"
    for field in ("authors", "tags", "captions"):
        assert all(unicodedata.is_normalized("NFC", v) for v in article[field]), field


def test_windows_1258_page_is_decoded_then_nfc():
    raw = cp1258(page(charset="windows-1258"))
    article = extract_page(raw, URL)
    assert article["title"] == TITLE
    assert PARAGRAPH in article["body"]
    assert_clean(article)


def test_mojibake_page_is_repaired():
    mojibake = page().encode("utf-8").decode("latin-1").encode("utf-8")  # UTF-8 read as latin-1, saved again
    article = extract_page(mojibake, URL)
    assert article["title"] == TITLE and PARAGRAPH in article["body"]
    assert_clean(article)


def test_nfd_page_is_stored_nfc():
    article = extract_page(unicodedata.normalize("NFD", page()).encode("utf-8"), URL)
    assert article["title"] == TITLE and PARAGRAPH in article["body"]
    assert_clean(article)


def test_invisible_characters_and_no_break_spaces():
    dirty_title = "\ufeffThủy\u00a0điện Hòa\u202fBình\u200b vận hành\u00ad an toàn"
    dirty_paragraph = PARAGRAPH.replace(" ", "\u00a0", 3).replace("Biên", "Bi\u200bên")
    article = extract_page(page(dirty_title, dirty_paragraph).encode("utf-8"), URL)
    assert article["title"] == TITLE and PARAGRAPH in article["body"]
    assert_clean(article)


def test_entities_unescaped_to_a_fixed_point():
    # Tuổi Trẻ's JSON-LD headline is escaped twice; a double-escaped paragraph is read the same way.
    ld = {"@type": "NewsArticle", "headline": "Chi&amp;#7871;n s&amp;#7921; &amp;amp; h&#7885;a"}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = extract_page(page(paragraph=PARAGRAPH.replace("ố", "&amp;#7889;"), head=head).encode(), URL)
    assert article["title"] == "Chiến sự & họa"
    assert PARAGRAPH in article["body"]
    assert_clean(article)


@pytest.mark.parametrize("path", ["bienphong/pages/gan-ket-chat-che-post473259.html",
                                  "vnexpress/pages/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"])
def test_recorded_pages_are_clean(path):
    expected = json.loads((SOURCES_DIR / path).with_suffix(".json").read_text(encoding="utf-8"))
    assert_clean(extract_page((SOURCES_DIR / path).read_bytes(), expected["url"]))
