"""One page's bytes -> the cleaned article of the extraction contract (docs/architecture.md), or Rejected.

Each field is resolved in order: the source profile's `extract:` rules, JSON-LD NewsArticle, OpenGraph/meta,
then a generic fallback (trafilatura for the body); `extracted_by` records which step won each field.
"""
from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import cssselect
import trafilatura
from cssselect.parser import CombinedSelector
from lxml import etree
from lxml.cssselect import CSSSelector

from sources.dates import VN_TZ, isoformat, parse_datetime
from transforms.normalize import INVISIBLE as _INVISIBLE
from transforms.normalize import UndecodableError, clean_lines, clean_text, decode_text, has_text
from transforms.textclean import (
    Byline,
    caption_credit,
    cut_footer,
    is_read_more,
    is_stray_token,
    org_key,
    parse_byline,
    parse_text_page,
    split_dateline,
)
from transforms.urls import canonical_url, host

# The page-level reasons (core.rejects, stage extract); clean_run raises the last two before extraction runs.
REASONS = frozenset({"undecodable", "empty_body", "not_article", "no_title", "no_body", "parse_error", "too_large",
                     "title_too_long", "corrupt_body", "unknown_source"})
# Headlines on the profiled sites run 40-150 characters, and a <title> carrying the site name stays under 250;
# a "title" four times the longest honest one is a paragraph or a dump, not a headline.
MAX_TITLE_CHARS = 1000
# The longest body kept: 70 times the labelled pages' 5,700-7,500 characters, and past the full text of a long
# decree (Báo Chính phủ prints them whole). PostgreSQL's tsvector holds at most 1 MB, which a text of a few
# million characters can reach, and then the whole load would fail on one row.
MAX_BODY_CHARS = 500_000
# The longest canonical URL an article may be keyed on: the sitemap protocol's limit (Scrapy drops requests
# over 2,083), and well inside the 2,704 bytes a core.articles index entry may hold (percent-encoded URLs are
# ASCII, a byte a character).
MAX_URL_CHARS = 2048
# Below ~200 characters (two short Vietnamese sentences, about 40 words) a "body" is a soft-404, a paywall
# stub or a video/photo page's one-line blurb; the saved articles carry 5,700-7,500 characters of body.
MIN_BODY_CHARS = 200
ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                           "OpinionNewsArticle", "BlogPosting", "LiveBlogPosting"})
_META_PUBLISHED = ("article:published_time", "datePublished", "pubdate")
_HOME_CRUMBS = frozenset({"trang chủ", "home", "trang nhất"})
# Non-article pages served with 200 (§3.10: a Cloudflare challenge fixture exists for Báo Chính phủ).
_CHALLENGE_TITLES = frozenset({"just a moment...", "just a moment…", "attention required! | cloudflare",
                               "please wait...", "ddos-guard"})
_ERROR_HEAD = re.compile(r"^(?:lỗi\s*)?404\b|không tìm thấy trang|trang (?:bạn tìm )?không tồn tại"
                         r"|page not found|(?:bài viết|nội dung|đường dẫn) không tồn tại|^not found$")
# Path segments (never the last one, the slug) of the sites' video and photo sections: vnexpress /video/,
# /anh/; bienphong /videos/, /tin-anh/ (vn-news-sites §3.1, §3.2).
_VIDEO_SEGMENTS = frozenset({"video", "videos", "clip", "podcast", "podcasts", "truyen-hinh"})
_GALLERY_SEGMENTS = frozenset({"anh", "tin-anh", "photo", "photos", "gallery", "album", "infographic"})
_GALLERY_TYPES = frozenset({"ImageGallery", "MediaGallery", "ImageObject"})
# Elements that are never article text, removed from a body container before reading paragraphs.
_NEVER_BODY = "script, style, noscript, template, iframe, video, audio, form, button, svg, figure, table.tplCaption"
_DEFAULT_PARAGRAPHS = "p, h2, h3, h4, li, blockquote"
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")  # trafilatura's `|---|---|` under a table's header
# Block elements: text on either side of them is separate, so flattening inserts a space (`39364407Chủ nhật`).
_BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
                    "table", "section", "article", "header", "footer", "figure", "figcaption", "blockquote",
                    "dd", "dt", "hr", "aside", "nav", "main"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
_RUNS = re.compile(r"\s+")
_JSONLD_TYPE = re.compile(r"application/ld\+json", re.I)
# Plain lxml elements: lxml.html's element classes cost a Python call per element proxy.
_PARSER = etree.HTMLParser(encoding="utf-8")
_LOOKS_HTML = re.compile(r"<(?:!doctype|html|head|body|meta|article|div|p)\b", re.I)
# A document declares itself HTML in its first bytes; 4 KB tolerates a long comment or BOM before <html>.
_SNIFF_CHARS = 4096
OUTPUT_KEYS = ("url", "canonical_url", "title", "sapo", "dateline", "body", "authors", "published_at",
               "modified_at", "section", "tags", "image_url", "language", "captions", "source_credit", "extracted_by",
               "published_at_raw", "seen_at", "canonical_refused")
# What is left of a dateline whose tag sits in an element of its own (`<b>TTO</b><p>- Chiều 7-3…`): a dash.
_DASH_REMNANT = re.compile(r"^[-–—]\s+")
_NOT_WORDS = re.compile(r"[\W_]+")
# Nine words in ten, in order: a lead and its meta description differ by a link's words or a clause at most,
# while a first paragraph that is not the lead shares a few names and function words with the sapo, far less.
_SAME_LEAD = 0.9
# A body signs off with at most a byline and a source credit, one line each (`P.V` then `Theo TTXVN`).
_SIGN_OFF_LINES = 2


class Rejected(ValueError):
    """The page is not an article we can store; `.reason` is from the architecture's reject vocabulary."""

    def __init__(self, reason: str, detail: str = ""):
        if reason not in REASONS:
            raise ValueError(f"unknown reject reason {reason!r}")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


def extract_file(path: str | Path, url: str) -> dict:
    """extract_page on a saved file (HTML or a plain-text dump); FileNotFoundError when it does not exist."""
    return extract_page(Path(path).read_bytes(), url)


def extract_page(body: bytes | str, url: str, *, profile: dict | None = None, headers: dict | None = None) -> dict:
    """The cleaned article (keys OUTPUT_KEYS, every string NFC). Raises only Rejected."""
    try:
        if profile is None:
            from sources import profile_for_url

            profile = profile_for_url(url) or {}
        return _extract(body, url, profile, headers or {})
    except Rejected:
        raise
    except UndecodableError as exc:
        raise Rejected("undecodable", str(exc)) from exc
    except Exception as exc:  # the contract: arbitrary input never escapes as another error
        raise Rejected("parse_error", f"{type(exc).__name__}: {exc}") from exc


def _content_type(headers: dict) -> str | None:
    for key, value in headers.items():
        if str(key).lower() == "content-type":
            value = value[0] if isinstance(value, (list, tuple)) and value else value
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _extract(body: bytes | str, url: str, profile: dict, headers: dict) -> dict:
    if isinstance(body, bytes):
        if not body.strip():
            raise Rejected("empty_body", "0 bytes of content")
        body = decode_text(body, _content_type(headers))
    if not has_text(body):
        raise Rejected("empty_body", "no text")
    if not _LOOKS_HTML.search(body[:_SNIFF_CHARS]):
        return _from_text(body, url, profile)
    return _from_html(body, url, profile)


def _finish(url: str, profile: dict, fields: dict, by: dict) -> dict:
    """Validate title/body and shape the output dict in contract order."""
    if not fields.get("title"):
        raise Rejected("no_title", "no title in profile rules, JSON-LD, meta or markup")
    if len(fields.get("body") or "") < MIN_BODY_CHARS:
        raise Rejected("no_body", f"{len(fields.get('body') or '')} body characters < {MIN_BODY_CHARS}")
    if len(fields["body"]) > MAX_BODY_CHARS:
        raise Rejected("too_large", f"{len(fields['body'])} body characters > {MAX_BODY_CHARS}")
    fields.setdefault("canonical_url", canonical_url(url, profile.get("domain")))
    if len(fields["canonical_url"]) > MAX_URL_CHARS:  # the fetched URL itself (Scrapy keeps it under 2,083)
        raise Rejected("too_large", f"a URL of {len(fields['canonical_url'])} characters > {MAX_URL_CHARS}")
    out = {key: fields.get(key) for key in OUTPUT_KEYS}
    out.update(url=unicodedata.normalize("NFC", url), authors=out["authors"] or [], tags=out["tags"] or [],
               captions=out["captions"] or [], extracted_by={k: v for k, v in by.items() if fields.get(k)})
    return out


def _byline_options(profile: dict) -> dict:
    """The profile's tuning of the byline rule: `bylines: {initials: false}` where a site's initials are not
    people, `credits: [...]` for outlets it reprints that the engine does not know. Its own name is a credit."""
    tuning = profile.get("bylines") or {}
    return {"initials": tuning.get("initials", True),
            "credits": [n for n in [profile.get("display_name"), *_as_list(tuning.get("credits"))] if n]}


def _same_lead(paragraph: str, sapo: str) -> bool:
    """The paragraph is the sapo again: the same words in the same order, whatever the punctuation, spacing or
    case, give or take a few (a meta description often drops a link's words: `lịch thi đấu [bóng đá]`)."""
    words, lead = _NOT_WORDS.sub(" ", paragraph.casefold()).split(), _NOT_WORDS.sub(" ", sapo.casefold()).split()
    if not lead or abs(len(words) - len(lead)) > len(lead) * (1 - _SAME_LEAD):
        return False
    return words == lead or difflib.SequenceMatcher(None, words, lead, autojunk=False).ratio() >= _SAME_LEAD


def _own_names(profile: dict) -> set[str]:
    return {org_key(n) for n in (profile.get("display_name"), profile.get("dateline"), profile.get("domain")) if n}


def _sign_off(paragraphs: list[str], options: dict) -> Byline:
    """Pops the byline and credit lines that end a body; the people and the credit they name."""
    authors, credit = [], None
    for _ in range(_SIGN_OFF_LINES):
        byline = parse_byline(paragraphs[-1], **options) if paragraphs else Byline()
        if not (byline.authors or byline.credit):
            break
        paragraphs.pop()
        authors, credit = byline.authors + authors, byline.credit or credit
    return Byline(_dedupe(authors), credit)


def _from_text(text: str, url: str, profile: dict) -> dict:
    page = parse_text_page(text, [profile["dateline"]] if profile.get("dateline") else [], **_byline_options(profile))
    fields = {k: page[k] for k in ("title", "sapo", "dateline", "authors", "captions", "seen_at", "source_credit")}
    fields.update(body="\n\n".join(page["paragraphs"]), language=profile.get("language"))
    by = dict.fromkeys(fields, "text") | {"language": "profile"}
    return _finish(url, profile, fields, by)


# ---------------------------------------------------------------------------------------------- HTML


@functools.lru_cache(maxsize=1024)
def _selector(css: str) -> tuple[CSSSelector, bool]:
    """The compiled selector and whether it has a combinator; compiled once per selector string, since
    profiles reuse a few dozen selectors on every page."""
    combined = any(isinstance(s.parsed_tree, CombinedSelector) for s in cssselect.parse(css))
    return CSSSelector(css, translator="html"), combined


def _select(root, css: str, scope=None) -> list:
    """Elements matching `css` in document order; with `scope`, only its proper descendants.

    As in a browser's `scope.querySelectorAll`, a combinator may reach above the scope
    (`article.fck_detail p.Normal` inside the container), so such a selector is matched on the whole
    document and filtered; a selector without one is matched on the scope's subtree alone."""
    selector, combined = _selector(css)
    if scope is None:
        return selector(root)
    if not combined:
        return [m for m in selector(scope) if m is not scope]
    inside = set(scope.iterdescendants())
    return [m for m in selector(root) if m in inside]


def _drop(el) -> None:
    """Remove `el` and its subtree, keeping the text that follows it (lxml stores it on `el.tail`)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _flat(el) -> str:
    """Whitespace-collapsed text of `el`: a space at block boundaries, none inside inline runs."""
    return _RUNS.sub(" ", _INVISIBLE.sub("", _joined(el))).strip()


def _joined(el) -> str:
    """`el`'s text as it runs, a space around each block; an inline element keeps the spaces at its edges
    (`<strong>Bảng D: </strong>Oman`)."""
    parts = [el.text or ""]
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP:  # comments and processing instructions have no str tag
            inner = _joined(child)
            parts.append(f" {inner} " if tag in _BLOCK else inner)
        parts.append(child.tail or "")
    return "".join(parts)


def node_text(el) -> str:
    """The element's cleaned text with a space at block boundaries and none inside inline runs (`<em>Post</em>.`)."""
    return clean_text(_flat(el))


def _as_list(value) -> list:
    return [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]


def _jsonld_items(root) -> list[dict]:
    items = []
    for script in root.iter("script"):
        if not _JSONLD_TYPE.search(script.get("type") or ""):
            continue
        raw = (script.text or "").replace("\r", " ").replace("\n", " ")  # some sites break lines inside strings
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        stack = _as_list(data)
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                items.append(item)  # strings are unescaped where they are read (clean_text)
                stack.extend(_as_list(item.get("@graph")))
    return items


def _types(item: dict) -> set[str]:
    return {str(t) for t in _as_list(item.get("@type"))}


def _crumbs(items: list[dict]) -> list[str]:
    """BreadcrumbList names in position order, flattening Dân Trí's list-of-lists, without the home crumb."""
    names = []
    for item in items:
        if "BreadcrumbList" not in _types(item):
            continue
        stack, elements = _as_list(item.get("itemListElement")), []
        while stack:
            element = stack.pop(0)
            if isinstance(element, list):
                stack[:0] = element
            elif isinstance(element, dict):
                elements.append(element)
        elements.sort(key=lambda e: e.get("position") if isinstance(e.get("position"), int) else 0)
        for element in elements:
            inner = element.get("item")
            name = element.get("name") or (inner.get("name") if isinstance(inner, dict) else None)
            name = clean_text(str(name)) if name else ""
            if name and name.casefold() not in _HOME_CRUMBS:
                names.append(name)
    return names


class _Page:
    """Parsed metadata layers of one HTML page."""

    def __init__(self, root):
        items = _jsonld_items(root)
        self.article = next((i for i in items if _types(i) & ARTICLE_TYPES), None)
        self.types = {t for i in items for t in _types(i)}
        self.crumbs = _crumbs(items)
        self.meta: dict[str, list[str]] = {}
        for tag in root.iter("meta"):
            content = tag.get("content")
            if content is None:
                continue
            for key in ("property", "name", "itemprop", "http-equiv"):
                if tag.get(key):
                    self.meta.setdefault(tag.get(key).strip().lower(), []).append(content)

    def ld(self, key: str) -> list[str]:
        value = (self.article or {}).get(key)
        values = []
        for v in _as_list(value):
            if isinstance(v, dict):
                v = v.get("url") or v.get("name")
            if isinstance(v, (str, int, float)) and clean_text(str(v)):
                values.append(clean_text(str(v)))
        return values

    def metas(self, *keys: str) -> list[str]:
        for key in keys:
            values = [clean_text(v) for v in self.meta.get(key.lower(), []) if clean_text(v)]
            if values:
                return values
        return []


def _join(base: str, ref: str) -> str:
    try:
        return urljoin(base, ref)
    except ValueError:  # a reference urllib cannot parse: kept as given, and refused by _may_claim
        return ref


def _may_claim(canonical: str, profile: dict) -> bool:
    """Whether a page may key its article on this canonical URL: parseable, short enough for the index, and
    inside its source's allowed domains. Anything else would let one page overwrite an article of another
    source (or crash the load); the page is then keyed on its fetched URL."""
    name = host(canonical)
    if name is None or len(canonical) > MAX_URL_CHARS:
        return False
    domains = profile.get("allowed_domains") or ([profile["domain"]] if profile.get("domain") else [])
    return not domains or any(name == d or name.endswith("." + d) for d in domains)


def _rule(rule) -> dict:
    return rule if isinstance(rule, dict) else {"css": rule}


def _apply_rule(root, rule) -> tuple[list[str], list]:
    """Values of a field rule: the first `css` selector (in order) that yields non-empty text or `attr`."""
    rule = _rule(rule)
    for selector in _as_list(rule.get("css")):
        pairs = []
        for el in _select(root, selector):
            value = el.get(rule["attr"]) if rule.get("attr") else node_text(el)
            value = clean_text(value)
            if value:
                pairs.append((value, el))
        pick = rule.get("pick", "first")
        pairs = pairs[:1] if pick == "first" else pairs[-1:] if pick == "last" else pairs
        values = [v for v, _ in pairs]
        if rule.get("split"):
            values = [clean_text(x) for v in values for x in v.split(rule["split"]) if clean_text(x)]
        excluded = {clean_text(x).casefold() for x in _as_list(rule.get("exclude"))}
        values = [v for v in values if v.casefold() not in excluded]
        if values:
            return values, [el for _, el in pairs]
    return [], []


def _first(candidates, accept=lambda v: v):
    """(value, method) of the first candidate whose values pass `accept` (which may transform them)."""
    for method, values in candidates:
        for value in values if isinstance(values, list) else [values]:
            accepted = accept(value) if value else None
            if accepted:
                return accepted, method
    return None, None


def _dedupe(values: list[str]) -> list[str]:
    seen, out = set(), []
    for v in values:
        if v.casefold() not in seen:
            seen.add(v.casefold())
            out.append(v)
    return out


def _not_article(root, page: _Page, url: str, canonical: str, profile: dict) -> str | None:
    """Which kind of non-article a page served with 200 is (the Rejected detail), or None for an article."""
    heads = [node_text(el).casefold() for tag in ("title", "h1") for el in [next(root.iter(tag), None)]
             if el is not None]
    # Anti-bot interstitials carry no content and must never be stored, whatever their address says.
    if any(h in _CHALLENGE_TITLES for h in heads) or (page.article is None and _challenge_script(root)):
        return "challenge page (anti-bot interstitial)"
    if page.article is None and any(_ERROR_HEAD.search(h) for h in heads):
        return "error page served with 200"
    segments = {s.lower() for s in urlsplit(url).path.split("/")[:-1] if s}
    og_types = {t.lower() for t in page.metas("og:type")}
    if (segments & _VIDEO_SEGMENTS or any(t.startswith("video") for t in og_types)
            or (page.article is None and "VideoObject" in page.types)):
        return "video page"
    if segments & _GALLERY_SEGMENTS or (page.article is None and page.types & _GALLERY_TYPES):
        return "photo gallery"
    if not _is_article(page, url, canonical, profile):
        return "listing or section page: no NewsArticle JSON-LD, URL outside the profile's article_url, og:type"
    return None


def _challenge_script(root) -> bool:
    """A JS cookie challenge (laodong.vn, §3.11): a script sets a cookie and reloads, and there is no text."""
    scripts = " ".join(s.text or "" for s in root.iter("script"))
    if "document.cookie" not in scripts or "location.reload" not in scripts:
        return False
    body = next(root.iter("body"), None)
    return body is None or len(node_text(body)) < MIN_BODY_CHARS


def _is_article(page: _Page, url: str, canonical: str, profile: dict) -> bool:
    """A page is an article when it says so (NewsArticle JSON-LD) or its URLs fit the profile's pattern.

    The page's own word against it wins over its URL: a section page served at an article-like address
    (a soft 404 redirecting in place, a retired story replaced by its category) still declares
    `og:type=website` or a canonical outside the article pattern."""
    if page.article is not None:
        return True
    og_types = [t.lower() for t in page.metas("og:type")]
    pattern = profile.get("article_url")
    if not pattern:
        return "article" in og_types
    if "website" in og_types or (canonical != url and not re.match(pattern, canonical)):
        return False
    return bool(re.match(pattern, url))


def _body_from_rule(root, rule, skip: list) -> tuple[list[str], list[str]]:
    """(paragraphs, captions) from the profile's body container, or ([], []) when it is missing.

    Removes the dropped elements from the tree: nothing reads the container after the body."""
    rule = _rule(rule)
    container = next((c for sel in _as_list(rule.get("css")) for c in _select(root, sel)[:1]), None)
    if container is None:
        return [], []
    for el in _select(root, ", ".join(_as_list(rule.get("drop"))), container) if rule.get("drop") else []:
        _drop(el)
    captions = [node_text(c) for c in _select(root, rule.get("captions", "figcaption"), container)]
    for el in skip:
        if any(a is container for a in el.iterancestors()):
            _drop(el)
    for el in _select(root, _NEVER_BODY, container):
        _drop(el)
    rows = _data_rows(container) if rule.get("tables", True) else set()
    matched = [el for el in _select(root, rule.get("paragraphs", _DEFAULT_PARAGRAPHS) + ", tr", container)
               if el.tag != "tr" or el in rows]  # document order: a table's rows stay where the table is
    return [_row_text(el) if el in rows else node_text(el) for el in _outermost(matched, container)], captions


def _data_rows(container) -> set:
    """The rows of the container's data tables (fixtures, prices, results): article content, one paragraph a
    row. A table is data when it has two rows or more, a row of two cells or more, and no picture: a one-cell
    box or a photo with its caption is layout, whose paragraphs are read as they are."""
    rows = set()
    for table in container.iter("table"):
        own = [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]
        if (len(own) >= 2 and max(len(_cells(tr)) for tr in own) >= 2
                and next(table.iter("img", "picture", "video"), None) is None):
            rows.update(own)
    return rows


def _cells(row) -> list:
    return [c for c in row if c.tag in ("td", "th")]


def _row_text(row) -> str:
    """A table row as one paragraph: its cells' text joined by ` | `."""
    return " | ".join(t for t in map(node_text, _cells(row)) if t)


def _outermost(matched: list, container) -> list:
    """The matched elements not inside another matched one (a <p> in a matched <blockquote> is read once)."""
    chosen, outermost = set(matched), []
    for el in matched:
        parent = el.getparent()
        while parent is not None and parent is not container and parent not in chosen:
            parent = parent.getparent()
        if parent is None or parent is container:
            outermost.append(el)
    return outermost


def _body_generic(html: str, root) -> tuple[list[str], list[str]]:
    # trafilatura's balanced default, not favor_precision: on the labelled pages without their profiles,
    # precision cut Tuổi Trẻ's body to half (F1 0.71) for no fewer leaks (make bench-extract, "no profile").
    text = trafilatura.extract(html, include_comments=False, include_tables=True, include_images=False,
                               deduplicate=False) or ""
    scope = next(root.iter("article"), root)
    return [_table_line(line) for line in clean_lines(text) if not _TABLE_RULE.match(line)], \
        [node_text(c) for c in scope.iter("figcaption")]


def _table_line(line: str) -> str:
    """trafilatura writes a table row as `| a | b |`: the row as a rule-read table's, `a | b`."""
    return " | ".join(c.strip() for c in line.strip().strip("|").split("|")) if line.startswith("|") else line


def _rules_for(extract: dict, page: _Page) -> dict:
    """The field rules for this page: a `versions:` entry (an older layout) when the page's machine-readable
    date (JSON-LD datePublished, then the meta dates) falls before its `until`, else the current rules.

    Entries are tried from the earliest `until`; a field an entry leaves out keeps its current rule. A page
    without a machine-readable date gets the current rules: the displayed date is itself a field rule."""
    current = {k: v for k, v in extract.items() if k != "versions"}
    versions = sorted((v for v in _as_list(extract.get("versions")) if isinstance(v, dict) and v.get("until")),
                      key=lambda v: str(v["until"]))
    if not versions:
        return current
    raw = next((v for v in page.ld("datePublished") + page.metas(*_META_PUBLISHED) if parse_datetime(v)), None)
    if raw is None:
        return current
    day = parse_datetime(raw).astimezone(VN_TZ).date().isoformat()
    for version in versions:
        if day < str(version["until"]):  # YAML reads an unquoted 2021-06-30 as a date; str() gives the same text
            return current | {k: v for k, v in version.items() if k != "until"}
    return current


def _parse(html: str):
    """The lxml tree of a decoded page; bytes with an explicit encoding sidestep lxml's refusal of str
    input that carries an XML encoding declaration, and its own charset sniffing (decode_text did that)."""
    root = etree.fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    if root is None:
        raise Rejected("empty_body", "no elements in the markup")
    return root


def _from_html(html: str, url: str, profile: dict) -> dict:
    root = _parse(html)
    page = _Page(root)
    rules = _rules_for(profile.get("extract") or {}, page)
    fields: dict = {}
    by: dict = {}

    def rule_values(field: str) -> list[str]:
        return _apply_rule(root, rules[field])[0] if field in rules else []

    def resolve(field: str, candidates, accept=lambda v: v):
        value, method = _first(candidates, accept)
        if value:
            fields[field], by[field] = value, method

    # Identity.
    resolve("canonical_url", [("meta", [link.get("href") for link in root.iter("link")
                                        if "canonical" in (link.get("rel") or "").split()]),
                              ("meta", page.metas("og:url"))],
            lambda v: canonical_url(_join(url, v), profile.get("domain")) if v.startswith(("http", "/")) else None)
    kind = _not_article(root, page, url, fields.get("canonical_url", url), profile)
    if kind:
        raise Rejected("not_article", kind)
    if "canonical_url" in fields and not _may_claim(fields["canonical_url"], profile):
        fields["canonical_refused"] = fields.pop("canonical_url")
        by.pop("canonical_url")

    site_names = {clean_text(n).casefold() for n in [profile.get("display_name"), *page.metas("og:site_name")] if n}
    h1 = next(root.iter("h1"), None)
    title_tag = next(root.iter("title"), None)
    titles = [("profile", rule_values("title")), ("jsonld", page.ld("headline")),
              ("meta", page.metas("og:title", "twitter:title")),
              ("generic", [node_text(el) for el in (h1, title_tag) if el is not None])]
    resolve("title", titles, lambda v: v if v.casefold() not in site_names and len(v) <= MAX_TITLE_CHARS else None)
    longest = max((len(v) for _, values in titles for v in values), default=0)
    if "title" not in fields and longest > MAX_TITLE_CHARS:
        raise Rejected("title_too_long", f"every title candidate is too long (up to {longest} characters > "
                                         f"{MAX_TITLE_CHARS})")
    resolve("sapo", [("profile", rule_values("sapo")), ("jsonld", page.ld("description")),
                     ("meta", page.metas("og:description", "description", "twitter:description"))])

    def parsed(raw: str, fmt: str | None = None):
        value = parse_datetime(raw, fmt)
        return (raw, value) if value else None

    for field, ld_key, meta_keys in (
            ("published_at", "datePublished", _META_PUBLISHED),
            ("modified_at", "dateModified", ("article:modified_time", "dateModified", "lastmod"))):
        fmt = _rule(rules.get(field, {})).get("format")  # a rule's own order (`us`) or strptime pattern
        found, method = _first([("profile", rule_values(field))], lambda raw, fmt=fmt: parsed(raw, fmt))
        if not found:
            found, method = _first([("jsonld", page.ld(ld_key)), ("meta", page.metas(*meta_keys))], parsed)
        if found:
            raw_value, when = found
            fields[field], by[field] = isoformat(when), method
            if field == "published_at":
                fields["published_at_raw"] = raw_value
    fields["seen_at"], by["seen_at"] = (rule_values("seen_at") or [None])[0], "profile"

    resolve("section", [("profile", rule_values("section")), ("jsonld", page.crumbs[:1] + page.ld("articleSection")),
                        ("meta", page.metas("article:section"))],
            lambda v: clean_text(v.split(",")[0]))
    tags_rule = _rule(rules.get("tags", {}))

    def split_tags(values: list[str]) -> list[str]:
        excluded = {clean_text(x).casefold() for x in _as_list(tags_rule.get("exclude"))}
        return _dedupe([t for v in values for t in map(clean_text, v.split(",")) if t and t.casefold() not in excluded])

    for method, values in (("profile", rule_values("tags")), ("jsonld", page.ld("keywords")),
                           ("meta", page.metas("article:tag", "keywords", "news_keywords"))):
        if split_tags(values):
            fields["tags"], by["tags"] = split_tags(values), method
            break
    resolve("image_url", [("profile", rule_values("image_url")), ("jsonld", page.ld("image")),
                          ("meta", page.metas("og:image", "twitter:image"))],
            lambda v: _join(url, v) if not v.startswith("data:") else None)
    html_tag = next(root.iter("html"), None)
    resolve("language", [("profile", rule_values("language")), ("jsonld", page.ld("inLanguage")),
                         ("meta", [html_tag.get("lang", "") if html_tag is not None else "",
                                   *page.metas("og:locale", "language")]),
                         ("profile", [profile.get("language") or ""])],
            lambda v: re.split(r"[-_,;\s]", v.strip())[0].lower() or None)

    # Authors before the body: the byline element often sits inside the body container and must leave it.
    options = _byline_options(profile)
    author_values, author_els = _apply_rule(root, rules["authors"]) if "authors" in rules else ([], [])
    bylines = [(m, [parse_byline(v, **options) for v in vals]) for m, vals in (
        ("profile", author_values),
        ("jsonld", [a.get("name", "") for a in _as_list((page.article or {}).get("author"))
                    if isinstance(a, dict) and "Person" in _types(a)]),
        ("meta", page.metas("dable:author", "article:author", "author")))]
    method, authors = next(((m, _dedupe([n for b in bs for n in b.authors])) for m, bs in bylines
                            if any(b.authors for b in bs)), (None, []))
    # The source an article credits: the profile's rule, else the byline element's own `(theo X)`, else the
    # body's sign-off (below). Metadata's organisation authors are the publisher, not a source.
    resolve("source_credit", [("profile", rule_values("source_credit")),
                              ("profile", [b.credit for b in bylines[0][1] if b.credit])])

    paragraphs, captions = _body_from_rule(root, rules["body"], author_els) if "body" in rules else ([], [])
    body_method = "profile"
    if not paragraphs:
        paragraphs, captions = _body_generic(html, root)
        body_method = "generic"
    # Generic extractors keep the headline and captions as paragraphs, and a caption outside <figure>
    # (`…. Ảnh: CTV`) is still a caption: none of them is body text.
    paragraphs = [p for p in paragraphs
                  if p and not is_stray_token(p) and not is_read_more(p) and p != fields.get("title")]
    captions = _dedupe([c for c in captions + [p for p in paragraphs if caption_credit(p)] if c])
    paragraphs, _ = cut_footer([p for p in paragraphs if p not in captions])
    signed = _sign_off(paragraphs, options)  # a byline or credit left at the end of the text
    if signed.authors and not authors:
        method, authors = body_method, signed.authors
    if signed.credit and "source_credit" not in fields:
        fields["source_credit"], by["source_credit"] = signed.credit, body_method
    if org_key(fields.get("source_credit", "")) in _own_names(profile):  # `Thu Hằng/VOV.VN` on VOV signs, not credits
        fields.pop("source_credit")

    known = [profile["dateline"]] if profile.get("dateline") else []
    dateline, sapo = split_dateline(fields.get("sapo", ""), known)
    if dateline:
        fields["sapo"], fields["dateline"], by["dateline"] = clean_text(sapo), dateline, by["sapo"]
    if fields.get("sapo"):
        fields["sapo"] = _DASH_REMNANT.sub("", fields["sapo"])
    if paragraphs:
        lead_dateline, lead = split_dateline(paragraphs[0], [dateline] if dateline else known)
        if lead_dateline:
            paragraphs[0] = clean_text(lead)
            if not dateline:
                fields["dateline"], by["dateline"] = lead_dateline, body_method
        paragraphs[0] = _DASH_REMNANT.sub("", paragraphs[0])
        # og:description is often the lead, and older layouts print the sapo again inside the body: keep it
        # once, as the sapo.
        if _same_lead(paragraphs[0], fields.get("sapo", "")):
            paragraphs.pop(0)
    fields.update(body="\n\n".join(p for p in paragraphs if p), authors=authors, captions=captions)
    by.update(body=body_method, captions=body_method, authors=method)
    return _finish(url, profile, fields, by)
