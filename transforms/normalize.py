"""Text normalisation: byte decoding, NFC, entities and invisible characters (vn-news-sites §5.1, §5.3)."""
from __future__ import annotations

import functools
import html
import re
import unicodedata

import ftfy
from w3lib.encoding import html_to_unicode

# Zero-width characters and the soft hyphen are invisible and break ==, hashes and trigram search.
INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
# Whitespace runs, no-break spaces included (U+00A0, U+202F are layout, not content: VietNamNet dates and
# CafeF titles carry raw U+00A0), all become one space.
_RUNS = re.compile(r"\s+")
_VISIBLE = re.compile(r"[^\s\u200b\u200c\u200d\ufeff\u00ad]")
# What UTF-8 read as latin-1/cp1252 looks like: a lead byte (U+00C2-U+00F4) followed by a continuation byte
# shown as a latin-1 symbol (U+0080-U+00BF) or as cp1252's glyph for 0x80-0x9F. Clean Vietnamese text has
# no such pair (its letters are not followed by those symbols), so ftfy's slow check runs only on text that
# may be mojibake; a false hint costs time, not correctness, since ftfy leaves clean text alone.
_MOJIBAKE_HINT = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                            "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039"
                            "\u203a\u20ac\u2122]")
# Garbage gate: replacement or control characters per decoded character. A real page has none or, with a few
# corrupt bytes, a handful in 100 KB. Binary data has 15 % of them even in the kindest codec (windows-1258
# reads every byte value as a character but the C0 controls, C1 and its unassigned bytes), and bytes that are
# all >= 0x80, the replay's garbage page, still 7 %. One in 50 sits well clear of both: a page is undecodable
# when it is not text, never for a few bad bytes.
MAX_BAD_SHARE = 0.02
_BAD = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Control characters are never content, and PostgreSQL text cannot hold NUL: every stored field drops them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we accept (binary data or unrecoverable mojibake)."""


@functools.cache
def _unstable() -> re.Pattern:
    """A BMP character NFC may change, or any astral one: combining marks, characters that are not their own
    NFC, second halves of canonical pairs and Hangul vowel/final jamo. Every other character is a stable
    starter, where NFC may be split (UAX #15). Astral characters (emoji, rare ideographs) are matched as one
    range rather than listed: sre compiles a BMP-only class to a lookup table, a listed mix to a range scan
    many times slower on a large page. Built once per process."""
    marks = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x10000):
        c = chr(cp)
        if unicodedata.combining(c) or unicodedata.normalize("NFC", c) != c:
            marks.add(cp)
        decomposition = unicodedata.decomposition(c).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            marks.add(int(decomposition[1], 16))
    marks -= set(range(0xD800, 0xE000))  # surrogates cannot be regex members of a str class
    return re.compile("[{}]|[\U00010000-\U0010FFFF]".format("".join(re.escape(chr(cp)) for cp in sorted(marks))))


def to_nfc(s: str) -> str:
    """unicodedata.normalize("NFC", s), applied only to the lines that hold a character NFC may change: a
    newline is a stable starter, so NFC never spans one, and a 500 KB page that is NFC but for a few NFD words
    (Tuổi Trẻ's <title>) costs one regex scan instead of a full normalisation."""
    parts, done = [], 0
    for mark in _unstable().finditer(s):
        if mark.start() < done:  # on a line already normalised
            continue
        start = max(done, s.rfind("\n", 0, mark.start()) + 1)
        end = s.find("\n", mark.end())
        end = len(s) if end < 0 else end
        parts += [s[done:start], unicodedata.normalize("NFC", s[start:end])]
        done = end
    return "".join(parts) + s[done:] if parts else s


def clean_text(s: str | None) -> str:
    """Entities unescaped to a fixed point, mojibake repaired, control characters dropped, NFC, no-break
    spaces to spaces, invisible characters dropped, whitespace runs collapsed: the form of every stored text
    field."""
    if not s:
        return ""
    s = INVISIBLE.sub("", unicodedata.normalize("NFC", _CONTROL.sub("", repair_mojibake(unescape_fixed(s)))))
    return _RUNS.sub(" ", s).strip()


def has_text(s: str) -> bool:
    """Whether `s` has a visible character; stops at the first one instead of cleaning the whole page."""
    return bool(_VISIBLE.search(s))


def repair_mojibake(s: str) -> str:
    """ftfy's encoding repair, run only when `s` shows a mojibake pair (see _MOJIBAKE_HINT)."""
    return ftfy.fix_encoding(s) if _MOJIBAKE_HINT.search(s) else s


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


def _too_bad(text: str) -> bool:
    """Whether more than MAX_BAD_SHARE of `text` is replacement or control characters. Counts lazily and stops at
    the limit: binary data would otherwise cost a match object per character."""
    limit = int(len(text) * MAX_BAD_SHARE)
    return any(n > limit for n, _ in enumerate(_BAD.finditer(text), 1))


def _sniff(body: bytes) -> str:
    """The codec of a page that declares none: UTF-8 when its bytes mostly are, else windows-1258, the one
    legacy Vietnamese codec Python has (it yields combining tones; NFC composes them later)."""
    return "cp1258" if _too_bad(body.decode("utf-8", "replace")) else "utf-8"


def decode_text(body: bytes, content_type_header: str | None = None) -> str:
    """Bytes to text as served: the BOM, the HTTP charset, then <meta charset> or the XML declaration, else
    sniffed (w3lib's html_to_unicode: the order browsers and Scrapy use). Bytes the codec cannot read become
    U+FFFD, so a page with a few corrupt bytes keeps the rest. When the declared codec reads too little of the
    page (a mislabelled page, mojibake), its mojibake repair, UTF-8, then windows-1258 is tried; raises
    UndecodableError when none reads the page (MAX_BAD_SHARE).

    Not normalised: the extractor parses this and cleans each field it keeps (clean_text: mojibake repair,
    NFC), which is far cheaper than repairing and normalising a 500 KB page.
    """
    _, text = html_to_unicode(content_type_header, body, auto_detect_fun=_sniff)
    if not _too_bad(text):
        return text
    # UTF-8 read as latin-1 and saved again shows C1 controls (`á»\x91` for `ố`): repaired, it reads.
    candidates = (lambda: repair_mojibake(text), lambda: body.decode("utf-8", "replace"),
                  lambda: body.decode("cp1258", "replace"))
    for candidate in candidates:
        decoded = candidate()
        if not _too_bad(decoded):
            return decoded
    raise UndecodableError(f"over {MAX_BAD_SHARE:.0%} of the {len(body)} bytes decode to replacement or control "
                           "characters in the declared codec, UTF-8 and windows-1258: not text")


def decode_body(body: bytes, content_type_header: str | None = None) -> str:
    """decode_text, then mojibake fixed by ftfy and NFC: the whole page as clean text."""
    return to_nfc(repair_mojibake(decode_text(body, content_type_header)))


# ------------------------------------------------------------------------------------- tone-mark keys

# The five Vietnamese tone marks as NFD combining characters: grave, acute, tilde, hook above, dot below.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"\w+")
# A syllable's onset. `qu` and `gi` (before a vowel) are consonants: in `quý` and `giá` the u/i is no vowel.
_ONSET = re.compile(r"(?:qu|gi(?=[aeiouyăâêôơư])|ngh|ng|nh|ch|gh|kh|ph|th|tr|[bcdđghklmnpqrstvx])?")
# Open syllables whose tone sits on the first vowel (`hòa khỏe thủy`) or on the second (`hoà khoẻ thuỷ`).
# A closed syllable (`hoàn hoạch khuyên thuyết`) carries it on the later vowel in both styles.
_OPEN_RIMES = frozenset({"oa", "oe", "uy"})


# Vietnamese has about 7,000 distinct syllables, so a cache turns per-syllable NFD work into a lookup
# (an order of magnitude faster on a long article); 64k entries bound it for mixed-language text.
@functools.lru_cache(maxsize=65536)
def _first_vowel_tone(word: str) -> str:
    if word.isascii():  # no tone mark to move
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:  # no tone, or not one Vietnamese syllable
        return word
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    onset = _ONSET.match(base.lower()).end()
    if base[onset:].lower() not in _OPEN_RIMES:
        return word
    return unicodedata.normalize("NFC", base[:onset + 1] + tones[0] + base[onset + 1:])


def tone_key(text: str) -> str:
    """NFC `text` with one tone placement: open oa/oe/uy syllables carry the mark on the first vowel
    (`hoà`→`hòa`, `thuỷ`→`thủy`, `khoẻ`→`khỏe`): the majority style on the saved pages (vn-news-sites
    §5.2).

    For search and dedup keys only: stored text keeps the publisher's spelling. Works per syllable, never by
    substring, so `hoàn`, `hoạch`, `khuyên`, `thuyết`, `quý` and `giá` are left as they are."""
    return _WORD.sub(lambda m: _first_vowel_tone(m.group()), unicodedata.normalize("NFC", text))
