"""Text normalisation: byte decoding, NFC, entities and invisible characters (vn-news-sites §5.1, §5.3)."""
from __future__ import annotations

import codecs
import html
import re
import unicodedata

import ftfy

# No-break spaces are layout, not content (VietNamNet dates, CafeF titles carry raw U+00A0).
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
# Zero-width characters and the soft hyphen are invisible and break ==, hashes and trigram search.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"))
_RUNS = re.compile(r"\s+")
_HEAD_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Only the document head can declare the charset; 4 KiB covers every saved page's <meta> block.
_HEAD_BYTES = 4096
# Garbage gate: replacement or control characters per decoded character. Binary data decodes to
# roughly 10-15 % of them; a real page has none or, after a one-byte corruption, a handful in 100 KB.
_MAX_BAD_RATIO = 0.001
_BAD = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we accept (binary data or unrecoverable mojibake)."""


def clean_text(s: str | None) -> str:
    """NFC, no-break spaces to spaces, invisible characters dropped, whitespace runs collapsed to one space."""
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s).translate(_SPACES).translate(_INVISIBLE)
    return _RUNS.sub(" ", s).strip()


def clean_lines(s: str) -> list[str]:
    """`clean_text` per line (CRLF-safe), dropping empty lines: one paragraph per line."""
    return [line for line in (clean_text(x) for x in s.splitlines()) if line]


def unescape_fixed(s: str, max_passes: int = 3) -> str:
    """html.unescape until the text stops changing; Tuổi Trẻ JSON-LD needs two passes, 3 bounds a loop."""
    for _ in range(max_passes):
        unescaped = html.unescape(s)
        if unescaped == s:
            break
        s = unescaped
    return s


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name if name else None
    except LookupError:
        return None


def _header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*([^;\s]+)", content_type or "", re.I)
    return _codec(match.group(1)) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = _HEAD_CHARSET.search(body[:_HEAD_BYTES])
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def decode_body(body: bytes, content_type_header: str | None = None) -> str:
    """Bytes to NFC text: HTTP charset, then <meta charset>, then UTF-8; else cp1258; mojibake fixed by ftfy.

    Raises UndecodableError when the result is still mostly replacement/control characters.
    """
    text = None
    for encoding in (_header_charset(content_type_header), _meta_charset(body), "utf-8"):
        if encoding:
            try:
                text = body.decode("utf-8-sig" if encoding == "utf-8" else encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        # windows-1258 is the one legacy Vietnamese codec Python has; it yields combining tones, hence NFC below.
        text = body.decode("cp1258", errors="replace")
    text = unicodedata.normalize("NFC", ftfy.fix_encoding(text))
    bad = len(_BAD.findall(text))
    if bad and bad > len(text) * _MAX_BAD_RATIO:
        raise UndecodableError(f"{bad} replacement/control characters in {len(text)} decoded characters")
    return text
