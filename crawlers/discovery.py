"""Pure discovery functions: feeds, sitemaps, listing pages and dated archives -> dated article candidates."""
from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

from lxml import etree, html

from sources.dates import VN_TZ, parse_time


@dataclass(frozen=True)
class Candidate:
    """A URL found by discovery, with the date its discovery source gave it (None when undated)."""

    url: str
    discovered_at: datetime | None = None
    # How much later than `discovered_at` the article may have been published: ids that encode the CMS's
    # creation time (Dân Trí, Tuổi Trẻ, NLĐ) run minutes to an hour ahead of publication.
    lead: timedelta = timedelta(0)


@dataclass(frozen=True)
class ListingPage:
    """What one listing page yields: its article candidates and the next page to read, if any."""

    items: list[Candidate]
    next_url: str | None


def _xml_root(body: bytes):
    # recover=True: real feeds ship stray '&' and truncated tails; a partial parse beats none.
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except etree.LxmlError as exc:
        raise ValueError(f"not an XML document: {exc}") from None
    if root is None:
        raise ValueError("not an XML document")
    return root


def _local(el, name: str):
    """First child of `el` whose local name is `name`, namespace-agnostic (sitemaps mix several)."""
    for child in el:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return child
    return None


def _text(el) -> str | None:
    return el.text.strip() if el is not None and el.text else None


def parse_feed(body: bytes, base_url: str) -> list[Candidate]:
    """RSS 2.0 items (link + pubDate) or Atom entries (link + published/updated); CDATA or plain text alike.

    Like every parser here, raises ValueError when the bytes are not a document at all.
    """
    root = _xml_root(body)
    out = []
    for item in root.iter():
        if not isinstance(item.tag, str):
            continue
        name = etree.QName(item).localname
        if name == "item":
            link = _text(_local(item, "link")) or _text(_local(item, "guid"))
            when = parse_time(_text(_local(item, "pubDate")), "rfc822")
        elif name == "entry":
            link_el = _local(item, "link")
            link = link_el.get("href") if link_el is not None else None
            when = parse_time(_text(_local(item, "published")) or _text(_local(item, "updated")))
        else:
            continue
        if link:
            out.append(Candidate(urljoin(base_url, link), when))
    return out


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[Candidate], list[Candidate]]:
    """(child sitemaps, page URLs) of a sitemap index or urlset.

    A page is dated by news:publication_date, else lastmod; a child sitemap by its lastmod.
    """
    root = _xml_root(body)
    children, pages = [], []
    for el in root:
        if not isinstance(el.tag, str):
            continue
        name = etree.QName(el).localname
        loc = _text(_local(el, "loc"))
        if not loc:
            continue
        lastmod = parse_time(_text(_local(el, "lastmod")))
        if name == "sitemap":
            children.append(Candidate(urljoin(base_url, loc), lastmod))
        elif name == "url":
            news = _local(el, "news")
            published = parse_time(_text(_local(news, "publication_date"))) if news is not None else None
            pages.append(Candidate(urljoin(base_url, loc), published or lastmod))
    # Some shards stamp every URL with the shard's build time (VOV, reported): a lastmod shared by all
    # pages says when the file was written, not when anything was published, so those pages are undated.
    if len(pages) > 1 and len({c.discovered_at for c in pages}) == 1:
        pages = [Candidate(c.url) for c in pages]
    return children, pages


def parse_listing(body: bytes, base_url: str, spec: dict, encoding: str = "utf-8") -> ListingPage:
    """Article links of a listing page, per the profile's listing spec.

    spec keys: `item` (CSS of one story block, default the whole page), `link` (CSS of its anchor),
    `time_attr` + `time_format` (the item's date attribute, e.g. VnExpress data-publishtime, epoch),
    `time_selector` (CSS of a descendant carrying that attribute, default the item itself),
    `url_time` {pattern, format, lead_minutes} (a date encoded in the URL, e.g. Tuổi Trẻ ids start
    yyyymmddhhmmss; lead_minutes: how long after that time publication may come), `next` (CSS of the
    next-page anchor) and `page_template` (numbered pages with {page}, for listings without a next link).
    """
    # lxml guesses latin-1 for bytes without a <meta charset>; the caller knows the HTTP charset.
    try:
        doc = html.fromstring(body, base_url=base_url, parser=html.HTMLParser(encoding=encoding))
    except etree.LxmlError as exc:
        raise ValueError(f"not an HTML document: {exc}") from None
    blocks = doc.cssselect(spec["item"]) if spec.get("item") else [doc]
    url_time = spec.get("url_time")
    url_time_re = re.compile(url_time["pattern"]) if url_time else None
    seen, items = set(), []
    for block in blocks:
        for anchor in block.cssselect(spec["link"]):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:")):
                continue
            url = urljoin(base_url, href)
            if url in seen:
                continue
            seen.add(url)
            when = None
            if spec.get("time_attr"):
                holders = block.cssselect(spec["time_selector"]) if spec.get("time_selector") else [block]
                for holder in holders:
                    when = parse_time(holder.get(spec["time_attr"]), spec.get("time_format", "iso"))
                    if when:
                        break
            lead = timedelta(0)
            if when is None and url_time_re:
                match = url_time_re.search(url)
                when = parse_time(match.group(1), url_time["format"]) if match else None
                lead = timedelta(minutes=url_time.get("lead_minutes", 0))
            items.append(Candidate(url, when, lead))
    next_url = None
    if spec.get("next"):
        for anchor in doc.cssselect(spec["next"]):
            if anchor.get("href"):
                next_url = urljoin(base_url, anchor.get("href").strip())
                break
    return ListingPage(items, next_url)


def next_page_url(page: ListingPage, spec: dict, page_no: int) -> str | None:
    """The listing page after `page_no`: the page's own next link, else the spec's numbered `page_template`."""
    if page.next_url:
        return page.next_url
    return spec["page_template"].format(page=page_no + 1) if spec.get("page_template") else None


def listing_exhausted(page: ListingPage, start: datetime, known: set[str]) -> bool:
    """Stop paginating: the page brought no new URL, or its dated items are all older than the window.

    Listings run newest first, so once a whole page predates `start`, later pages do too.
    """
    if not any(c.url not in known for c in page.items):
        return True
    dated = [c.discovered_at for c in page.items if c.discovered_at]
    return bool(dated) and max(dated) < start


def periods(kind: str, start: datetime, end: datetime, tz: timezone):
    """The local-time [from, to) periods of `kind` (day | 5day | month) that overlap [start, end)."""
    first = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "month":
        cursor = first.replace(day=1)
    elif kind == "5day":
        # Tuổi Trẻ-style shards: days 1-5, 6-10, ..., 26-end of month.
        cursor = first.replace(day=min(25, (first.day - 1) // 5 * 5) + 1)
    elif kind == "day":
        cursor = first
    else:
        raise ValueError(f"unknown archive period {kind!r}; use day, 5day or month")
    while cursor < end:
        last_day = calendar.monthrange(cursor.year, cursor.month)[1]
        if kind == "day":
            nxt = cursor + timedelta(days=1)
        elif kind == "month" or cursor.day == 26:
            nxt = cursor.replace(day=last_day) + timedelta(days=1)
        else:
            nxt = cursor + timedelta(days=5)
        yield cursor, nxt
        cursor = nxt


def expand_archive(spec: dict, start: datetime, end: datetime, tz: timezone = VN_TZ) -> list[str]:
    """The archive URLs covering [start, end): `template` filled per period and per `params` combination.

    Placeholders: {year} {month} {day} (no zero padding), {mm} {dd} (padded), {d1} {d2} (first and last day
    of the period), {from_unix} {to_unix} (the period's bounds as unix seconds), plus every key of `params`
    (each a list; all combinations are expanded).
    """
    params = spec.get("params") or {}
    keys = sorted(params)
    urls = []
    for lo, hi in periods(spec["period"], start, end, tz):
        last = hi - timedelta(days=1)
        base = {
            "year": lo.year, "month": lo.month, "day": lo.day, "mm": f"{lo.month:02d}", "dd": f"{lo.day:02d}",
            "d1": lo.day, "d2": last.day, "from_unix": int(lo.timestamp()), "to_unix": int(hi.timestamp()),
        }
        for combo in itertools.product(*(params[k] for k in keys)):
            urls.append(spec["template"].format(**base, **dict(zip(keys, combo))))
    return urls


def in_window(candidate: Candidate, start: datetime, end: datetime) -> bool:
    """Dated candidates must fall in [start - lead, end); undated ones are kept (we cannot tell, so we look)."""
    return candidate.discovered_at is None or start - candidate.lead <= candidate.discovered_at < end


def select_articles(candidates, start: datetime, end: datetime, article_url: str) -> list[Candidate]:
    """Deduplicated article candidates worth fetching: matching `article_url` and inside the window.

    A URL seen both dated and undated keeps its date, so the date decides.
    """
    pattern = re.compile(article_url)
    best: dict[str, Candidate] = {}
    for c in candidates:
        if not pattern.search(c.url):
            continue
        if c.url not in best or (best[c.url].discovered_at is None and c.discovered_at is not None):
            best[c.url] = c
    return [c for c in best.values() if in_window(c, start, end)]
