"""transforms.normalize: NFC, invisible characters, entities and byte decoding."""
import unicodedata

import pytest

from transforms.normalize import (
    UndecodableError,
    clean_lines,
    clean_text,
    decode_body,
    unescape_fixed,
)


def test_clean_text_nfc_spaces_and_invisibles():
    nfd = unicodedata.normalize("NFD", "Tin nóng")
    assert clean_text(f"  {nfd}\u00a0\u202fhôm\u200b nay\ufeff\u00ad \n\t ") == "Tin nóng hôm nay"
    assert unicodedata.is_normalized("NFC", clean_text(nfd))
    assert clean_text(None) == ""


def test_clean_lines_drops_blank_lines_and_crlf():
    assert clean_lines("a\r\n\r\n  b  c \r\n\u00a0\n") == ["a", "b c"]


def test_unescape_fixed_double_escaped_tuoitre_headline():
    assert unescape_fixed("Chi&amp;#7871;n s&amp;#7921;") == "Chiến sự"
    assert unescape_fixed("&amp;amp;amp;amp;") == "&amp;"  # bounded at three passes
    assert unescape_fixed("plain") == "plain"


def test_decode_charset_precedence():
    text = "Biên phòng"
    assert decode_body(text.encode("utf-8"), "text/html; charset=UTF-8") == text
    assert decode_body(b'<meta charset="windows-1258">Vi\xea\xf2t').endswith("Việt")  # combining tone -> NFC
    assert decode_body(text.encode("utf-8"), None) == text
    assert decode_body("\ufeffBOM".encode("utf-8")) == "BOM"


def test_decode_cp1258_fallback_is_nfc():
    decoded = decode_body(b"Vi\xea\xf2t Nam", None)  # not UTF-8: falls back to windows-1258 + NFC
    assert decoded == "Việt Nam" and unicodedata.is_normalized("NFC", decoded)


def test_decode_fixes_mojibake():
    assert decode_body("Biên phòng".encode().decode("latin-1").encode("utf-8")) == "Biên phòng"


def test_decode_rejects_binary_garbage():
    with pytest.raises(UndecodableError):
        decode_body(bytes(range(256)) * 20)
    with pytest.raises(ValueError):  # a ValueError subclass, so the CLI prints one line
        decode_body(b"\x00\x01\x02\x03" * 100)


def test_decode_keeps_a_mostly_valid_page():
    # Eight stray invalid bytes in a valid UTF-8 page: the page is kept, the bytes become U+FFFD, and the
    # rest is not re-read as windows-1258.
    page = ("<p>" + "Bộ đội Biên phòng tỉnh phối hợp chặt chẽ với chính quyền địa phương. " * 40 + "</p>").encode()
    damaged = page[:100] + b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28" + page[100:]
    for content_type in ("text/html; charset=utf-8", None):
        decoded = decode_body(damaged, content_type)
        assert "Bộ đội Biên phòng" in decoded and decoded.count("\ufffd") <= 8


def test_decode_mislabelled_page_reads_in_the_codec_that_fits():
    # Declared UTF-8, written in windows-1258: the declared codec reads almost nothing, windows-1258 reads all.
    assert decode_body(b"Vi\xea\xf2t Nam " * 200, "text/html; charset=utf-8").startswith("Việt Nam Việt Nam")


def test_clean_text_drops_control_characters():
    # NUL cannot be stored in PostgreSQL text, and no control character is ever content.
    assert clean_text("Biên\x00 phòng\x07\x1b") == "Biên phòng"
