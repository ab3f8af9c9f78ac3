"""Pure text rules: datelines, bylines, captions, footers, stray tokens and the plain-text page parser (§6)."""
from __future__ import annotations

import re
import unicodedata

from transforms.normalize import clean_lines, clean_text

# Bare agency prefixes; any short parenthesised prefix such as `(Dân trí) - ` or `(NLĐO)-` is matched
# generically, because that is the Vietnamese press convention for a dateline.
KNOWN_DATELINES = ("Biên phòng", "TTO", "VOV.VN", "VTV.vn", "ANTD.VN", "PLO", "NDO", "QĐND")
# 30 characters holds the longest agency tag seen (`(Chinhphu.vn)`) with room, and keeps a lead that opens
# with a real parenthetical remark from being taken for a dateline.
_PAREN_DATELINE = re.compile(r"^\((?P<tag>[^()\d]{2,30})\)\s*[-–—]\s*")
_DASH = r"\s*[-–—]\s*"

# Organisations that metadata puts in author fields (casefolded, spaces removed).
ORGANISATIONS = frozenset({
    "vnexpress", "báovnexpress", "tinnhanhvnexpress", "tuoitreonline", "tuổitrẻonline", "baotuoitre",
    "báotuổitrẻ", "tuoitre", "dântrí", "báodântrí", "vietnamnetnews", "vietnamnet", "báobiênphòng",
    "biênphòng", "thanhniên", "báothanhniên", "nhândân", "báonhândân", "vov", "ttxvn", "chinhphu.vn",
    "báochínhphủ", "nld", "ngườilaođộng", "báongườilaođộng", "znews", "laođộng", "banbiêntập",
})
_ORG_HINT = re.compile(r"\b(báo|tạp chí|online|news|ban biên tập|tòa soạn|đài)\b|\.(vn|net|com)\b", re.I)
# `(tổng hợp)` = "compiled", `(theo X)` = "after X": annotations on a byline, not part of the name.
_BYLINE_NOTE = re.compile(r"\s*\((?:tổng hợp|theo [^)]*|lược dịch|dịch|biên dịch)\)\s*$", re.I)
# A credit role before the names: `Tin, ảnh: QUANG HÙNG` (report and photos), `Bài và ảnh: …`, `Thực hiện: …`.
_BYLINE_ROLE = re.compile(
    r"^(?:(?:tin|bài|ảnh|video|clip|đồ họa|đồ hoạ|thực hiện|trình bày)\s*(?:,|và|&|/|-)?\s*)+:\s*", re.I)
_MORE_AUTHORS = re.compile(r"\s+và\s+\d+\s+tác giả khác\s*$", re.I)  # Tuổi Trẻ: "X và 1 tác giả khác"
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|/|\s[-–—]\s|\svà\s)\s*", re.I)
# Vietnamese personal names run 2-5 syllables; 6 leaves room for a compound given name, and more
# means a sentence rather than a name.
_MIN_NAME_WORDS, _MAX_NAME_WORDS = 2, 6

# A caption ends with a photo credit: `… tháng 5-2016. Ảnh: CTV` or Tuổi Trẻ's `… - Ảnh: H.Y.T.`.
# 60 characters is a generous bound for a credit (agency or initials), which keeps sentences out.
_CAPTION = re.compile(r"(?:^|[.\s][-–—]?\s*)(?:Ảnh|Ảnh minh họa|Ảnh minh hoạ|Nguồn ảnh)\s*:\s*(?P<credit>[^\n]{1,60})$")
FOOTER_MARKERS = frozenset({"Bình luận", "ZALO", "Chia sẻ", "Facebook", "In bài", "Tin liên quan", "Xem thêm"})
_STRAY = re.compile(r"^[a-z]+_\d+$")  # image alt/file names leaking as lines, e.g. `bwnv_10`
# A line that points the reader to another story (`Xem thêm: …`, `>> Đọc thêm …`, `Tin liên quan: …`) is the
# site's link furniture inside the body, never the article's text; 300 characters holds a label and a headline.
_READ_MORE = re.compile(r"^(?:>>?\s*)?(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|tin cùng chuyên mục)"
                        r"\s*[:.…>-]", re.I)
_READ_MORE_MAX_CHARS = 300

# The bienphong page header: hotline glued to the site clock (§6 row 2). The clock is when the page was
# rendered, not when the article was published.
_HEADER = re.compile(r"^Đường dây nóng:.*GMT\+7\s*$")
SITE_CLOCK = re.compile(r"(?:Thứ \S+|Chủ nhật), \d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2} GMT\+7")


def split_dateline(text: str, known: tuple[str, ...] | list[str] = ()) -> tuple[str | None, str]:
    """(dateline, rest) for a lead such as `Biên phòng - Thời gian qua…`; (None, text) when there is none."""
    m = _PAREN_DATELINE.match(text)
    if m:
        return clean_text(m.group("tag")), text[m.end():]
    for tag in (*known, *KNOWN_DATELINES):
        m = re.match(re.escape(tag) + _DASH, text)
        if tag and m:
            return tag, text[m.end():]
    return None, text


def _org_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name).casefold())


def is_organisation(name: str) -> bool:
    return _org_key(name) in ORGANISATIONS or bool(_ORG_HINT.search(name))


def is_person_name(name: str) -> bool:
    """Looks like a person: 2-6 capitalised words, no digits, e-mail or URL, not an organisation."""
    words = name.split()
    return (_MIN_NAME_WORDS <= len(words) <= _MAX_NAME_WORDS
            and all(w[0].isupper() for w in words)
            and not re.search(r"[\d@:/]", name)
            and not is_organisation(name))


def parse_authors(raw: str | None) -> list[str]:
    """People named by one byline or author field, in order. `Theo X` credits a source, not an author."""
    raw = clean_text(raw)
    if not raw or re.match(r"^theo\s", raw, re.I):
        return []
    raw = _MORE_AUTHORS.sub("", _BYLINE_NOTE.sub("", _BYLINE_ROLE.sub("", raw)))
    names = [clean_text(_BYLINE_NOTE.sub("", part)) for part in _NAME_SPLIT.split(raw)]
    return list(dict.fromkeys(n for n in names if is_person_name(n)))


def looks_like_byline(line: str) -> bool:
    """A line that is only a byline: names (optionally annotated) with no final punctuation (§6 row 6)."""
    return not line.rstrip().endswith((".", ":", "!", "?", "…", ";", ",")) and bool(parse_authors(line))


def caption_credit(line: str) -> str | None:
    """The photo credit if `line` is a caption (`…. Ảnh: CTV`), else None."""
    m = _CAPTION.search(line)
    return clean_text(m.group("credit")) if m else None


def cut_footer(lines: list[str]) -> tuple[list[str], list[str]]:
    """(content, footer) split at the first line that is a share/comment widget label."""
    for i, line in enumerate(lines):
        if line in FOOTER_MARKERS:
            return lines[:i], lines[i:]
    return lines, []


def is_stray_token(line: str) -> bool:
    return bool(_STRAY.match(line))


def is_read_more(line: str) -> bool:
    """A `Xem thêm: <headline>` line: a link to another story, not body text."""
    return len(line) <= _READ_MORE_MAX_CHARS and bool(_READ_MORE.match(line))


def parse_text_page(text: str, datelines: tuple[str, ...] | list[str] = ()) -> dict:
    """A seed-shaped plain-text page -> title, sapo, dateline, paragraphs, authors, captions, seen_at, footer.

    The header clock goes to `seen_at` only; a text page never yields a publication date (§5.4).
    """
    lines = clean_lines(text)
    seen_at = None
    if lines and _HEADER.match(lines[0]):
        clock = SITE_CLOCK.search(lines[0])
        seen_at = clock.group(0) if clock else None
        lines = lines[1:]
    lines, footer = cut_footer([line for line in lines if not is_stray_token(line) and not is_read_more(line)])
    title, rest = (lines[0], lines[1:]) if lines else (None, [])
    authors = []
    if rest and looks_like_byline(rest[-1]):
        authors, rest = parse_authors(rest[-1]), rest[:-1]
    captions = [line for line in rest if caption_credit(line)]
    rest = [line for line in rest if not caption_credit(line)]
    dateline, sapo = None, None
    if rest:
        dateline, lead = split_dateline(rest[0], datelines)
        if dateline:  # a lead carrying the dateline is the sapo
            sapo, rest = clean_text(lead), rest[1:]
    if rest and dateline:  # the body may repeat the dateline (§6 row 5)
        rest[0] = clean_text(split_dateline(rest[0], [dateline])[1])
    return {"title": title, "sapo": sapo, "dateline": dateline, "paragraphs": [p for p in rest if p],
            "authors": authors, "captions": captions, "seen_at": seen_at, "footer": footer}
