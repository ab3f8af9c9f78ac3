"""Pure text rules: datelines, bylines, captions, footers, stray tokens and the plain-text page parser (§6)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from transforms.normalize import clean_lines, clean_text

# Bare agency prefixes; any short parenthesised prefix such as `(Dân trí) - ` or `(NLĐO)-` is matched
# generically, because that is the Vietnamese press convention for a dateline.
KNOWN_DATELINES = ("Biên phòng", "TTO", "VOV.VN", "VTV.vn", "ANTD.VN", "PLO", "NDO", "QĐND")
# 30 characters holds the longest agency tag seen (`(Chinhphu.vn)`) with room, and keeps a lead that opens
# with a real parenthetical remark from being taken for a dateline.
_PAREN_DATELINE = re.compile(r"^\((?P<tag>[^()\d]{2,30})\)\s*[-–—]\s*")
_DASH = r"\s*[-–—]\s*"

# Outlets and agencies (casefolded, spaces removed): metadata puts them in author fields, and a body signs off
# with them ("Theo TTXVN"). They are credited as a source, never taken as an author.
ORGANISATIONS = frozenset({
    "vnexpress", "báovnexpress", "tinnhanhvnexpress", "tuoitreonline", "tuổitrẻonline", "baotuoitre",
    "báotuổitrẻ", "tuoitre", "tuổitrẻ", "dântrí", "báodântrí", "vietnamnetnews", "vietnamnet", "báobiênphòng",
    "biênphòng", "thanhniên", "báothanhniên", "nhândân", "báonhândân", "vov", "ttxvn", "chinhphu.vn",
    "báochínhphủ", "nld", "ngườilaođộng", "báongườilaođộng", "znews", "zingnews", "laođộng", "banbiêntập",
    "tiềnphong", "sàigòngiảiphóng", "sggp", "đạiđoànkết", "quânđộinhândân", "qđnd", "côngannhândân", "cand",
    "anninhthủđô", "kinhtếđôthị", "phápluậttp.hcm", "plo", "vietnamplus", "vtv", "vtc", "vna", "tto", "ndo",
    "reuters", "afp", "ap", "xinhua", "tânhoaxã", "bbc", "cnn", "bloomberg", "nikkei", "kyodo", "yonhap",
})
_ORG_HINT = re.compile(r"\b(báo|tạp chí|online|news|ban biên tập|tòa soạn|đài|thông tấn)\b|\.(vn|net|com)\b", re.I)
# `(tổng hợp)` = "compiled", `(theo X)` = "after X": annotations on a byline, not part of the name; X is credited.
_BYLINE_NOTE = re.compile(r"\s*\((?:tổng hợp|theo (?P<after>[^)]*)|lược dịch|dịch|biên dịch)\)\s*$", re.I)
# A credit role before the names: `Tin, ảnh: QUANG HÙNG` (report and photos), `Bài và ảnh: …`, `Thực hiện: …`.
_BYLINE_ROLE = re.compile(
    r"^(?:(?:tin|bài|ảnh|video|clip|đồ họa|đồ hoạ|thực hiện|trình bày)\s*(?:,|và|&|/|-)?\s*)+:\s*", re.I)
# A role that credits pictures or layout only: `Ảnh: T.L` names a photographer (a caption credit), not an author.
_PICTURE_ROLE = re.compile(r"^(?:(?:ảnh|video|clip|đồ họa|đồ hoạ|trình bày)\s*(?:,|và|&|/|-)?\s*)+:\s*", re.I)
_MORE_AUTHORS = re.compile(r"\s+và\s+\d+\s+tác giả khác\s*$", re.I)  # Tuổi Trẻ: "X và 1 tác giả khác"
_NAME_SPLIT = re.compile(r"\s*(?:;|,|&|/|\s[-–—]\s|\svà\s)\s*", re.I)
# Vietnamese personal names run 2-5 syllables; 6 leaves room for a compound given name, and more
# means a sentence rather than a name.
_MIN_NAME_WORDS, _MAX_NAME_WORDS = 2, 6
# Initials signed at the foot of a body: `P.V`, `H.Y.T.`, `N.Hùng`, `Đ. Tùng`, or 2-3 bare capitals (`PV`, `NTH`).
# Three initials is the most a Vietnamese name abbreviates to (family, middle, given); more is an acronym.
_UPPER = "".join(sorted({c for c in map(chr, range(0x41, 0x1F00)) if c.isupper() and c.isalpha()
                         and unicodedata.name(c, "").startswith("LATIN")}))
_INITIALS = re.compile(rf"(?:[{_UPPER}]\.\s?){{1,3}}(?:[{_UPPER}]\.?|[{_UPPER}][^\W\d_{_UPPER}]+)?|[{_UPPER}]{{2,3}}")
# A credit named without a known outlet (`Theo Đại Đoàn kết`, `Nguồn: Bộ Y tế`) is a short, mostly capitalised
# name; 6 words holds the ministries and papers seen, and a longer line is a sentence that opens with "Theo".
_MAX_CREDIT_WORDS = 6
_CREDIT_LINE = re.compile(r"^\(?(?:theo|nguồn\s*:)\s+(?P<credit>[^()]+?)\)?$", re.I)
_SENTENCE_END = (".", ":", "!", "?", "…", ";", ",")
# A byline is a line of its own; 120 characters holds four full names with roles and a credit.
_MAX_BYLINE_CHARS = 120


@dataclass(frozen=True)
class Byline:
    """Who wrote an article (people, in order) and whom it credits as its source (an outlet or agency)."""

    authors: list[str] = field(default_factory=list)
    credit: str | None = None

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


def org_key(name: str) -> str:
    """An outlet's name as ORGANISATIONS keys it: NFC, casefolded, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name).casefold())


def is_organisation(name: str) -> bool:
    return org_key(name) in ORGANISATIONS or bool(_ORG_HINT.search(name))


def is_person_name(name: str) -> bool:
    """Looks like a person: 2-6 capitalised words, no digits, e-mail or URL, not an organisation."""
    words = name.split()
    return (_MIN_NAME_WORDS <= len(words) <= _MAX_NAME_WORDS
            and all(w[0].isupper() for w in words)
            and not re.search(r"[\d@:/]", name)
            and not is_organisation(name))


def is_initials(name: str) -> bool:
    return bool(_INITIALS.fullmatch(name)) and org_key(name) not in ORGANISATIONS


def _is_credit(name: str, credits: frozenset[str], *, named: bool = False) -> bool:
    """An outlet or agency. `named`: the line said so (`Theo X`, `Nguồn: X`), so a short, mostly capitalised
    name is enough; otherwise it must be a known outlet or read like one (`Báo …`, `….vn`)."""
    words = name.split()
    if not words or org_key(name) in ORGANISATIONS or org_key(name) in credits:
        return bool(words)
    capitalised = sum(w[0].isupper() for w in words)
    short = len(words) <= _MAX_CREDIT_WORDS and words[0][0].isupper() and 2 * capitalised >= len(words)
    return short and (named or bool(_ORG_HINT.search(name))) and not re.search(r"[\d@,;]", name)


def parse_byline(raw: str | None, *, initials: bool = True, credits=()) -> Byline:
    """The people and the source credit of one byline, author field or sign-off line; Byline() when it is none.

    `initials`: take initials (`P.V`, `N.Hùng`) as authors. `credits`: the profile's own outlet names."""
    raw, known = clean_text(raw), frozenset(map(org_key, credits))
    if not raw or len(raw) > _MAX_BYLINE_CHARS:
        return Byline()
    if raw.endswith(_SENTENCE_END) and not (initials and raw.endswith(".") and is_initials(raw.split()[-1])):
        return Byline()
    m = _CREDIT_LINE.match(raw)
    if m:  # "Theo X": X wrote it when X is a person, else X is the source
        name = clean_text(m.group("credit"))
        if raw.casefold().startswith(("theo", "(theo")) and is_person_name(name) and org_key(name) not in known:
            return Byline([name])
        return Byline([], name) if _is_credit(name, known, named=True) else Byline()
    if _PICTURE_ROLE.match(raw):
        return Byline()
    role = _BYLINE_ROLE.match(raw)
    raw = _MORE_AUTHORS.sub("", raw[role.end():] if role else raw)
    note = _BYLINE_NOTE.search(raw)
    credit = clean_text(note.group("after")) if note and note.group("after") else None
    authors = []
    for part in _NAME_SPLIT.split(_BYLINE_NOTE.sub("", raw)):
        name = clean_text(_BYLINE_NOTE.sub("", part))
        if _is_credit(name, known):
            credit = credit or name
        elif is_person_name(name) or (initials and is_initials(name)):
            authors.append(name)
    return Byline(list(dict.fromkeys(authors)), credit)


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


def parse_text_page(text: str, datelines: tuple[str, ...] | list[str] = (), *, initials: bool = True,
                    credits=()) -> dict:
    """A seed-shaped plain-text page -> title, sapo, dateline, paragraphs, authors, source_credit, captions,
    seen_at, footer. `initials` and `credits` tune the byline rule (parse_byline).

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
    byline = parse_byline(rest[-1], initials=initials, credits=credits) if rest else Byline()
    if byline.authors or byline.credit:
        rest = rest[:-1]
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
            "authors": byline.authors, "source_credit": byline.credit, "captions": captions, "seen_at": seen_at,
            "footer": footer}
