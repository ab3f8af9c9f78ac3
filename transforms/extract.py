"""One page's bytes -> the cleaned article of the extraction contract (docs/architecture.md), or Rejected.

Each field is resolved in order: the source profile's `extract:` rules, JSON-LD NewsArticle, OpenGraph/meta,
then a generic fallback (trafilatura for the body); `extracted_by` records which step won each field.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import trafilatura
from bs4 import BeautifulSoup, CData, NavigableString, Tag

from transforms.dates import isoformat, parse_datetime
from transforms.normalize import UndecodableError, clean_lines, clean_text, decode_body, unescape_fixed
from transforms.textclean import (caption_credit, cut_footer, is_stray_token, looks_like_byline,
                                  parse_authors, parse_text_page, split_dateline)
from transforms.urls import canonical_url

REASONS = frozenset({"undecodable", "empty_body", "not_article", "no_title", "no_body", "parse_error"})
# Below ~200 characters (two short Vietnamese sentences, about 40 words) a "body" is a soft-404, a paywall
# stub or a video/photo page's one-line blurb; the saved articles carry 5,700-7,500 characters of body.
MIN_BODY_CHARS = 200
ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                           "OpinionNewsArticle", "BlogPosting", "LiveBlogPosting"})
_HOME_CRUMBS = frozenset({"trang chủ", "home", "trang nhất"})
# Elements that are never article text, removed from a body container before reading paragraphs.
_NEVER_BODY = "script, style, noscript, template, iframe, video, audio, form, button, svg, figure, table.tplCaption"
_DEFAULT_PARAGRAPHS = "p, h2, h3, h4, li, blockquote"
# Block elements: text on either side of them is separate, so flattening inserts a space (`39364407Chủ nhật`).
_BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
                    "table", "section", "article", "header", "footer", "figure", "figcaption", "blockquote",
                    "dd", "dt", "hr", "aside", "nav", "main"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
_LOOKS_HTML = re.compile(r"<(?:!doctype|html|head|body|meta|article|div|p)\b", re.I)
# A document declares itself HTML in its first bytes; 4 KB tolerates a long comment or BOM before <html>.
_SNIFF_CHARS = 4096
OUTPUT_KEYS = ("url", "canonical_url", "title", "sapo", "dateline", "body", "authors", "published_at",
               "modified_at", "section", "tags", "image_url", "language", "captions", "extracted_by",
               "published_at_raw", "seen_at")


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
            from crawlers.sources import profile_for_url

            profile = profile_for_url(url) or {}
        return _extract(body, url, profile, headers or {})
    except Rejected:
        raise
    except UndecodableError as exc:
        raise Rejected("undecodable", str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - the contract: arbitrary input never escapes as another error
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
        body = decode_body(body, _content_type(headers))
    if not clean_text(body):
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
    fields.setdefault("canonical_url", canonical_url(url, profile.get("domain")))
    out = {key: fields.get(key) for key in OUTPUT_KEYS}
    out.update(url=url, authors=out["authors"] or [], tags=out["tags"] or [], captions=out["captions"] or [],
               extracted_by={k: v for k, v in by.items() if fields.get(k)})
    return out


def _from_text(text: str, url: str, profile: dict) -> dict:
    page = parse_text_page(text, [profile["dateline"]] if profile.get("dateline") else [])
    fields = {k: page[k] for k in ("title", "sapo", "dateline", "authors", "captions", "seen_at")}
    fields.update(body="\n\n".join(page["paragraphs"]), language=profile.get("language"))
    by = {k: "text" for k in fields} | {"language": "profile"}
    return _finish(url, profile, fields, by)


# ---------------------------------------------------------------------------------------------- HTML


def node_text(el: Tag) -> str:
    """The element's text with a space at block boundaries and none inside inline runs (`<em>Post</em>.`)."""
    parts = []
    for child in el.children:
        if isinstance(child, Tag):
            if child.name in _SKIP:
                continue
            inner = node_text(child)
            parts.append(f" {inner} " if child.name in _BLOCK else inner)
        elif type(child) in (NavigableString, CData):
            parts.append(str(child))
    return clean_text("".join(parts))


def _as_list(value) -> list:
    return [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]


def _unescape_tree(value):
    if isinstance(value, str):
        return unescape_fixed(value)
    if isinstance(value, list):
        return [_unescape_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _unescape_tree(v) for k, v in value.items()}
    return value


def _jsonld_items(soup: BeautifulSoup) -> list[dict]:
    items = []
    for script in soup.find_all("script", type=re.compile(r"application/ld\+json", re.I)):
        raw = (script.string or "").replace("\r", " ").replace("\n", " ")  # some sites break lines inside strings
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
                items.append(_unescape_tree(item))
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

    def __init__(self, soup: BeautifulSoup):
        items = _jsonld_items(soup)
        self.article = next((i for i in items if _types(i) & ARTICLE_TYPES), None)
        self.crumbs = _crumbs(items)
        self.meta: dict[str, list[str]] = {}
        for tag in soup.find_all("meta"):
            content = tag.get("content")
            if content is None:
                continue
            for key in ("property", "name", "itemprop", "http-equiv"):
                if tag.get(key):
                    self.meta.setdefault(tag[key].strip().lower(), []).append(unescape_fixed(content))

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


def _rule(rule) -> dict:
    return rule if isinstance(rule, dict) else {"css": rule}


def _apply_rule(soup: BeautifulSoup, rule) -> tuple[list[str], list[Tag]]:
    """Values of a field rule: the first `css` selector (in order) that yields non-empty text or `attr`."""
    rule = _rule(rule)
    for selector in _as_list(rule.get("css")):
        pairs = []
        for el in soup.select(selector):
            value = el.get(rule["attr"]) if rule.get("attr") else node_text(el)
            value = clean_text(unescape_fixed(" ".join(value) if isinstance(value, list) else value or ""))
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


def _body_from_rule(soup: BeautifulSoup, rule, skip: list[Tag]) -> tuple[list[str], list[str]]:
    """(paragraphs, captions) from the profile's body container, or ([], []) when it is missing."""
    rule = _rule(rule)
    container = next((c for sel in _as_list(rule.get("css")) for c in soup.select(sel)[:1]), None)
    if container is None:
        return [], []
    for el in container.select(", ".join(_as_list(rule.get("drop")))) if rule.get("drop") else []:
        el.decompose()
    captions = [node_text(c) for c in container.select(rule.get("captions", "figcaption"))]
    for el in skip:
        if container in el.parents:
            el.decompose()
    for el in container.select(_NEVER_BODY):
        el.decompose()
    matched = container.select(rule.get("paragraphs", _DEFAULT_PARAGRAPHS))
    ids = {id(el) for el in matched}
    paragraphs = [node_text(el) for el in matched if not any(id(p) in ids for p in el.parents)]
    return paragraphs, captions


def _body_generic(html: str, soup: BeautifulSoup) -> tuple[list[str], list[str]]:
    text = trafilatura.extract(html, include_comments=False, include_tables=False, include_images=False,
                               favor_precision=True, deduplicate=False) or ""
    scope = soup.find("article") or soup
    return clean_lines(text), [node_text(c) for c in scope.find_all("figcaption")]


def _from_html(html: str, url: str, profile: dict) -> dict:
    rules = profile.get("extract") or {}
    soup = BeautifulSoup(html, "lxml")
    page = _Page(soup)
    fields: dict = {}
    by: dict = {}

    def rule_values(field: str) -> list[str]:
        return _apply_rule(soup, rules[field])[0] if field in rules else []

    def resolve(field: str, candidates, accept=lambda v: v):
        value, method = _first(candidates, accept)
        if value:
            fields[field], by[field] = value, method

    # Identity.
    resolve("canonical_url", [("meta", [l.get("href") for l in soup.find_all("link", rel="canonical")]),
                              ("meta", page.metas("og:url"))],
            lambda v: canonical_url(urljoin(url, v), profile.get("domain")) if v.startswith(("http", "/")) else None)
    if not _is_article(page, url, fields.get("canonical_url", url), profile):
        raise Rejected("not_article", "no NewsArticle JSON-LD, URL outside the profile's article_url, og:type")

    site_names = {clean_text(n).casefold() for n in [profile.get("display_name"), *page.metas("og:site_name")] if n}
    h1 = soup.find("h1")
    title_tag = soup.find("title")
    resolve("title", [("profile", rule_values("title")), ("jsonld", page.ld("headline")),
                      ("meta", page.metas("og:title", "twitter:title")),
                      ("generic", [node_text(h1) if h1 else "", node_text(title_tag) if title_tag else ""])],
            lambda v: v if v.casefold() not in site_names else None)
    resolve("sapo", [("profile", rule_values("sapo")), ("jsonld", page.ld("description")),
                     ("meta", page.metas("og:description", "description", "twitter:description"))])

    def parsed(raw: str):
        value = parse_datetime(raw)
        return (raw, value) if value else None

    for field, ld_key, meta_keys in (
            ("published_at", "datePublished", ("article:published_time", "datePublished", "pubdate")),
            ("modified_at", "dateModified", ("article:modified_time", "dateModified", "lastmod"))):
        found, method = _first([("profile", rule_values(field)), ("jsonld", page.ld(ld_key)),
                                ("meta", page.metas(*meta_keys))], parsed)
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
            lambda v: urljoin(url, v) if not v.startswith("data:") else None)
    html_tag = soup.find("html")
    resolve("language", [("profile", rule_values("language")), ("jsonld", page.ld("inLanguage")),
                         ("meta", [html_tag.get("lang", "") if html_tag else "", *page.metas("og:locale", "language")]),
                         ("profile", [profile.get("language") or ""])],
            lambda v: re.split(r"[-_,;\s]", v.strip())[0].lower() or None)

    # Authors before the body: the byline element often sits inside the body container and must leave it.
    author_values, author_els = _apply_rule(soup, rules["authors"]) if "authors" in rules else ([], [])
    people = [(m, [n for v in vals for n in parse_authors(v)]) for m, vals in (
        ("profile", author_values),
        ("jsonld", [a.get("name", "") for a in _as_list((page.article or {}).get("author"))
                    if isinstance(a, dict) and "Person" in _types(a)]),
        ("meta", page.metas("dable:author", "article:author", "author")))]
    method, authors = next(((m, _dedupe(a)) for m, a in people if a), (None, []))

    paragraphs, captions = _body_from_rule(soup, rules["body"], author_els) if "body" in rules else ([], [])
    body_method = "profile"
    if not paragraphs:
        paragraphs, captions = _body_generic(html, soup)
        body_method = "generic"
    # Generic extractors keep the headline and captions as paragraphs, and a caption outside <figure>
    # (`…. Ảnh: CTV`) is still a caption: none of them is body text.
    paragraphs = [p for p in paragraphs if p and not is_stray_token(p) and p != fields.get("title")]
    captions = _dedupe([c for c in captions + [p for p in paragraphs if caption_credit(p)] if c])
    paragraphs, _ = cut_footer([p for p in paragraphs if p not in captions])
    if paragraphs and looks_like_byline(paragraphs[-1]):  # a byline left at the end of the text
        byline = parse_authors(paragraphs.pop())
        if not authors:
            method, authors = body_method, byline

    known = [profile["dateline"]] if profile.get("dateline") else []
    dateline, sapo = split_dateline(fields.get("sapo", ""), known)
    if dateline:
        fields["sapo"], fields["dateline"], by["dateline"] = clean_text(sapo), dateline, by["sapo"]
    if paragraphs:
        lead_dateline, lead = split_dateline(paragraphs[0], [dateline] if dateline else known)
        if lead_dateline:
            paragraphs[0] = clean_text(lead)
            if not dateline:
                fields["dateline"], by["dateline"] = lead_dateline, body_method
        if paragraphs[0] == fields.get("sapo"):  # og:description is often the lead; keep it once, as the sapo
            paragraphs.pop(0)
    fields.update(body="\n\n".join(p for p in paragraphs if p), authors=authors, captions=captions)
    by.update(body=body_method, captions=body_method, authors=method)
    return _finish(url, profile, fields, by)
