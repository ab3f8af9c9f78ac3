"""An archive for a source that has a recorded page but no synthetic site: `days` × `per_day` articles in the
layout of that page, served through the source's own discovery routes (feeds, sitemaps, listings and dated
archive shards, as its profile names them), for backfills and load at archive scale.

The recorded page becomes a template once: its body paragraphs are replaced by a marker, and its title, sapo,
URL, id and every rendering of its publication and modification times by markers of their own (the times in
the shape the page wrote them: ISO with or without seconds and offset, d/m/yyyy, HH:MM). Rendering an article
fills the markers, so the extractor meets the source's real markup, JSON-LD and meta tags."""
from __future__ import annotations

import functools
import html
import json
import math
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

from lxml import html as lxml_html

from crawlers.discovery import expand_archive, periods
from crawlers.replay.recorded import _selector_chain, _wrap
from crawlers.replay.reply import Reply, archive_fault
from crawlers.replay.synthetic import (
    FEED_SIZE,
    REPRINT_EVERY,
    SENTENCES_PER_PARAGRAPH,
    _h,
    _pick,
    corpus,
    sentences,
    slugify,
)
from sources import SOURCES_DIR, load_profile
from sources.dates import VN_TZ

# A listing page holds this many items, as the real sections do (20-30); a timeline archive with a fixed list
# of pages holds as many as it takes for its pages to cover the archive.
LISTING_PAGE = 20
# News sitemaps list the last two days (Google's rule for news sitemaps).
NEWS_SITEMAP = timedelta(days=2)
# Creation-time ids run ahead of publication by at most this much on the recorded pages (Dân Trí: minutes).
ID_LEAD = timedelta(hours=3)
ID_TIME_FORMATS = ("%Y%m%d%H%M%S", "%y%m%d%H%M%S")
# Body seeds: one band per source, wide enough for any archive (a source's slots never wrap into the next).
# Bands 0-2 are the synthetic sites' (their site.yaml), 3 their unscheduled articles'.
BAND = 10_000_000
ARCHIVE_FIRST_BAND = 4


@dataclass(frozen=True)
class Archive:
    """The span and density of an archive replay: `per_day` articles per source for `days` before the anchor."""

    days: float = 2.0
    per_day: int = 48

    def __post_init__(self):
        if not (self.days > 0 and 1 <= self.per_day <= 86_400):
            raise ValueError(f"an archive needs days > 0 and 1 <= per_day <= 86400 (got {self.days}, {self.per_day})")

    @property
    def slot_seconds(self) -> int:
        return 86_400 // self.per_day


@dataclass(frozen=True)
class Entry:
    slot: int
    url: str
    article_id: str
    published: datetime
    title: str
    variant: int


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_DATE = re.compile(r"(?<![\d/-])\d{1,2}([/-])\d{1,2}\1\d{4}(?![\d/-])")
_TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])")
# How a title or sapo is written where it appears, most specific first: JSON-LD, attributes, text.
FORMS = {
    "json_ascii": lambda v: json.dumps(v)[1:-1],
    "json": lambda v: json.dumps(v, ensure_ascii=False)[1:-1],
    "attr": lambda v: html.escape(v),
    "text": lambda v: html.escape(v, quote=False),
}
_MARK = re.compile("\ue000([A-Z]+)(?::([^\ue000]*))?\ue000")


def _iso_shape(token: str) -> tuple[str, datetime] | None:
    """(shape, instant) of an ISO token: the shape says which parts it wrote, to write them again."""
    sep = "T" if "T" in token else " "
    m = re.match(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$", token)
    if not m:
        return None
    try:
        when = datetime.fromisoformat(f"{m[1]}T{m[2]}{m[3] or ''}{m[4] or ''}"
                                      + ("+00:00" if m[5] == "Z" else (m[5] or "")))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=VN_TZ)
    # No colon in a shape: the clock pattern (_TIME) runs over the marked text afterwards.
    offset = (m[5] or "").replace(":", "_")
    shape = f"{sep}|{'s' if m[3] else ''}|{len(m[4]) - 1 if m[4] else 0}|{offset}"
    return shape, when


def _render_iso(shape: str, when: datetime) -> str:
    sep, seconds, fraction, offset = shape.split("|")
    offset = offset.replace("_", ":")
    fraction = int(fraction)
    local = when.astimezone(UTC if offset == "Z" else VN_TZ)
    out = local.strftime(f"%Y-%m-%d{sep}%H:%M") + (local.strftime(":%S") if seconds else "")
    out += ("." + "0" * fraction) if fraction else ""
    if offset == "Z":
        return out + "Z"
    return out + (offset if offset else "")


def _render_date(shape: str, when: datetime) -> str:
    local, separator = when.astimezone(VN_TZ), shape[-1]
    day, month = (f"{local.day:02d}", f"{local.month:02d}") if shape.startswith("padded") else (local.day, local.month)
    return f"{day}{separator}{month}{separator}{local.year}"


def _render_time(shape: str, when: datetime) -> str:
    local = when.astimezone(VN_TZ)
    return local.strftime("%H:%M:%S" if shape == "s" else "%H:%M")


class Template:
    """A recorded article page with markers where an archive article's own values go."""

    def __init__(self, name: str):
        self.profile = load_profile(name)
        pages = sorted((SOURCES_DIR / name / "pages").glob("*.json"))
        if not pages:
            raise ValueError(f"{name}: no recorded page to build an archive from (sources/{name}/pages/)")
        expected = json.loads(pages[0].read_text(encoding="utf-8"))
        # NFC, as the extractor's expected values are: a page written decomposed still gets its title marked.
        page = unicodedata.normalize("NFC", pages[0].with_suffix(".html").read_text(encoding="utf-8"))
        self.url = expected["url"]
        self.published = datetime.fromisoformat(expected["published_at"])
        self.modified = datetime.fromisoformat(expected.get("modified_at") or expected["published_at"])
        self.id = self._id_of(self.url)
        self.id_time = self._id_time()
        self.text = self._mark(self._replace_body(page, expected.get("authors") or []), expected)
        opening = self.text[:self.text.index("\ue000BODY\ue000")]
        self.paragraph_close = "</p>\n" + opening[opening.rindex("<p"):]

    def _id_of(self, url: str) -> str:
        ids = re.findall(r"\d{5,}", urlsplit(url).path.rsplit("/", 1)[-1])
        if not ids:
            raise ValueError(f"{self.profile['name']}: no numeric id in {url}")
        return ids[-1]

    def _id_time(self) -> tuple[int, str, timedelta] | None:
        """(offset, format, lead) when the id embeds the article's creation time, as Dân Trí's and Tuổi Trẻ's do."""
        for fmt in ID_TIME_FORMATS:
            width = len(datetime(2000, 1, 1).strftime(fmt))
            for offset in range(len(self.id) - width + 1):
                try:
                    when = datetime.strptime(self.id[offset:offset + width], fmt).replace(tzinfo=VN_TZ)
                except ValueError:
                    continue
                if timedelta(0) <= self.published - when <= ID_LEAD:
                    return offset, fmt, self.published - when
        return None

    def _replace_body(self, page: str, authors: list[str]) -> str:
        """The page with its body paragraphs replaced by one marker, through the profile's own body rule. A
        paragraph that carries the byline stays (VOV and others sign in the body's last paragraph)."""
        rule = self.profile.get("extract", {}).get("body", {})
        doc = lxml_html.document_fromstring(page)
        container = next((found[0] for css in rule.get("css", []) if (found := doc.cssselect(css))), None)
        if container is None:
            raise ValueError(f"{self.profile['name']}: the body rule finds nothing on its recorded page")
        dropped = {el for css in rule.get("drop", []) for el in container.cssselect(css)}
        paragraphs = [p for p in container.cssselect(rule.get("paragraphs", "p"))
                      if not any(a in dropped for a in p.iterancestors()) and p not in dropped
                      and (p.text_content() or "").strip()
                      and not any(a.casefold() in p.text_content().casefold() for a in authors)]
        if not paragraphs:
            raise ValueError(f"{self.profile['name']}: no body paragraph on its recorded page")
        first = paragraphs[0]
        marker = first.makeelement("p", dict(first.attrib) if first.tag == "p" else {})
        marker.text = "\ue000BODY\ue000"
        first.addprevious(marker)
        for p in paragraphs:
            p.getparent().remove(p)
        doctype = doc.getroottree().docinfo.doctype
        return lxml_html.tostring(doc, encoding="unicode", doctype=doctype or None)

    def _mark(self, text: str, expected: dict) -> str:
        path = urlsplit(self.url).path
        for value, mark in ((self.url, "URL"), (expected.get("canonical_url") or self.url, "URL"),
                            (path, "PATH")):
            text = text.replace(value, f"\ue000{mark}\ue000")
        for value, mark in ((expected["title"], "TITLE"), (expected.get("sapo") or "", "SAPO")):
            if len(value) < 12:  # too short to be found only where it is the title or the sapo
                continue
            for form, render in FORMS.items():
                # Spaces as the page wrote them: a no-break space or &nbsp; between words (CafeF's titles).
                words = (re.escape(w) for w in render(value).split(" "))
                text = re.sub(r"(?:\s|\xa0|&nbsp;)+".join(words), f"\ue000{mark}:{form}\ue000", text)
        text = text.replace(self.id, "\ue000ID\ue000")
        return self._mark_times(text)

    def _mark_times(self, text: str) -> str:
        times = {"PUB": self.published, "MOD": self.modified}

        def which(when: datetime, seconds: bool) -> str | None:
            for mark, value in times.items():
                ref = value if seconds else value.replace(second=0, microsecond=0)
                if when == ref:
                    return mark
            return None

        def iso(m):
            parsed = _iso_shape(m[0])
            mark = parsed and which(parsed[1], parsed[0].split("|")[1] == "s")
            return f"\ue000{mark}ISO:{parsed[0]}\ue000" if mark else m[0]

        text = _ISO.sub(iso, text)

        def date(m):
            day, month, year = (int(x) for x in m[0].split(m[1]))
            for mark, value in times.items():
                local = value.astimezone(VN_TZ)
                if (day, month, year) == (local.day, local.month, local.year):
                    padded = "padded" if len(m[0]) == 10 else "bare"
                    return f"\ue000{mark}DATE:{padded}{m[1]}\ue000"
            return m[0]

        def clock(m):
            parts = [int(x) for x in m[0].split(":")]
            for mark, value in times.items():
                local = value.astimezone(VN_TZ)
                if parts == [local.hour, local.minute, local.second][:len(parts)]:
                    return f"\ue000{mark}TIME:{'s' if len(parts) == 3 else ''}\ue000"
            return m[0]

        return _TIME.sub(clock, _DATE.sub(date, text))

    def new_id(self, slot: int, published: datetime) -> str:
        if self.id_time:
            offset, fmt, lead = self.id_time
            width = len(datetime(2000, 1, 1).strftime(fmt))
            stamp = (published - lead).astimezone(VN_TZ).strftime(fmt)
            tail = len(self.id) - offset - width
            digits = f"{_h('id', slot) % 10 ** tail:0{tail}d}" if tail else ""
            return self.id[:offset] + stamp + digits
        # A plain counter: older articles have smaller ids, as a CMS's sequence gives them.
        return str(max(int(self.id) + slot, 10 ** (len(self.id) - 1)))

    def new_url(self, article_id: str, title: str) -> str:
        """The recorded URL with the new id, and the title's slug where the recorded one had its slug (before a
        separator such as "-", "-post" or "-d"); the recorded slug if the profile's pattern refuses that."""
        parts = urlsplit(self.url)
        head, last = parts.path.rsplit("/", 1)
        before, _, after = last.rpartition(self.id)
        separator = re.search(r"-[a-z]*$", before)
        for stem in ((slugify(title) + separator[0]) if separator else before, before):
            url = f"{parts.scheme}://{parts.netloc}{head}/{stem}{article_id}{after}"
            if re.search(self.profile["article_url"], url):
                return url
        raise ValueError(f"{self.profile['name']}: an archive URL the profile refuses: {url}")

    def render(self, entry: Entry, sapo: str, paragraphs: list[str]) -> str:
        modified = entry.published + (self.modified - self.published)
        values = {"URL": entry.url, "PATH": urlsplit(entry.url).path, "ID": entry.article_id}

        def fill(m):
            mark, shape = m[1], m[2]
            if mark in values:
                return values[mark]
            if mark in ("TITLE", "SAPO"):
                return FORMS[shape](entry.title if mark == "TITLE" else sapo)
            when = entry.published if mark.startswith("PUB") else modified
            kind = mark[3:]
            return {"ISO": _render_iso, "DATE": _render_date, "TIME": _render_time}[kind](shape, when)

        # The marker sits alone in a paragraph of the page's own markup: each paragraph gets that markup.
        body = self.paragraph_close.join(html.escape(p, quote=False) for p in paragraphs)
        return _MARK.sub(fill, self.text.replace("\ue000BODY\ue000", body, 1))


@functools.cache
def template(name: str) -> Template:
    return Template(name)


class ArchiveSite:
    """One recorded source's archive, for a given anchor and span."""

    def __init__(self, name: str, anchor: datetime, archive: Archive, band: int, reprints_from: int | None):
        self.name = name
        self.template = template(name)
        self.profile = self.template.profile
        self.anchor, self.archive = anchor, archive
        self.band, self.reprints_from = band, reprints_from
        self.entries = self._schedule()
        self.by_path = {urlsplit(e.url).path: e for e in self.entries}
        discovery = self.profile.get("discovery") or {}
        self.feeds = {urlsplit(u).path for u in discovery.get("feeds", [])}
        self.sitemaps = {urlsplit(u).path for u in discovery.get("sitemaps", [])}
        self.listings = {urlsplit(s["url"]).path: s for s in discovery.get("listings", [])}
        self.shards = self._shards(discovery.get("archives", []))
        self.shard_paths = {urlsplit(url).path: url for url in self.shards}
        # What robots.txt names, as a real site's names its sitemap index: the news sitemaps and the dated shards
        # (the index's children), so a crawler that discovers from robots.txt alone reaches the archive too.
        self.robots = "User-agent: *\nAllow: /\n" + "".join(f"Sitemap: {url}\n" for url in dict.fromkeys(
            [*discovery.get("sitemaps", []),
             *(url for url, (spec, *_) in self.shards.items() if spec.get("parse") == "sitemap")]))
        urls = [self.template.url, *discovery.get("feeds", []), *discovery.get("sitemaps", []),
                *(s["url"] for s in discovery.get("listings", [])),
                *(a["template"] for a in discovery.get("archives", []))]
        hosts = {urlsplit(u).hostname for u in urls}
        self.hosts = sorted(h for h in hosts if h)

    def _schedule(self) -> list[Entry]:
        step = self.archive.slot_seconds
        last = int(self.anchor.timestamp()) // step
        first = int((self.anchor - timedelta(days=self.archive.days)).timestamp()) // step + 1
        titles, out = corpus()["titles"], []
        for slot in range(first, last + 1):
            # Whole minutes: some pages show only HH:MM, and the extractor can only give back what they show.
            offset = _h(self.name, slot) % max(1, step * 9 // 10) // 60 * 60
            published = datetime.fromtimestamp(slot * step + offset, tz=VN_TZ)
            if published > self.anchor:
                continue
            title = _pick(titles, self.name, "title", slot)
            article_id = self.template.new_id(slot - last, published)
            band = self.band
            if self.reprints_from is not None and _h(self.name, "reprint", slot) % REPRINT_EVERY == 0:
                band = self.reprints_from  # syndication: the origin's body for this slot, under our own title
            out.append(Entry(slot, self.template.new_url(article_id, title), article_id, published, title,
                             band * BAND + slot % BAND))
        return sorted(out, key=lambda e: e.published, reverse=True)

    def _shards(self, archives: list[dict]) -> dict[str, tuple]:
        """Every archive URL the span needs -> (its spec, its period [from, to), its number among the spec's
        numbered pages, if it has them)."""
        out = {}
        start = self.anchor - timedelta(days=self.archive.days)
        for spec in archives:
            for lo, hi in periods(spec["period"], start, self.anchor + timedelta(seconds=1), VN_TZ):
                for url in expand_archive(spec, lo, lo + timedelta(seconds=1)):
                    page = re.search(r"(\d+)\.htm$", url) if spec.get("params", {}).get("page") else None
                    out.setdefault(url, (spec, lo, hi, int(page[1]) if page else None))
        return out

    def between(self, lo: datetime, hi: datetime) -> list[Entry]:
        return [e for e in self.entries if lo <= e.published < hi]

    # --- pages --------------------------------------------------------------------------------------
    def article(self, entry: Entry) -> Reply:
        c = corpus()
        count = 4 + entry.variant % 4
        picked = random.Random(f"body:{entry.variant}").sample(sentences(), count * SENTENCES_PER_PARAGRAPH)
        paragraphs = [" ".join(picked[i:i + SENTENCES_PER_PARAGRAPH])
                      for i in range(0, len(picked), SENTENCES_PER_PARAGRAPH)]
        sapo = _pick(c["sapos"], self.name, "sapo", entry.article_id)
        body = self.template.render(entry, sapo, paragraphs).encode()
        return archive_fault(entry.url, body) or Reply(200, body, headers={
            "Last-Modified": format_datetime(entry.published.astimezone(UTC), usegmt=True)})

    def feed(self) -> Reply:
        items = "".join(
            f"<item><title>{html.escape(e.title)}</title><link>{html.escape(e.url)}</link>"
            f"<guid>{html.escape(e.url)}</guid><pubDate>{format_datetime(e.published)}</pubDate></item>\n"
            for e in self.entries[:FEED_SIZE])
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{html.escape(self.name)}</title>\n{items}</channel></rss>\n")
        return Reply(200, body.encode(), "application/rss+xml; charset=utf-8")

    def urlset(self, entries: list[Entry]) -> Reply:
        urls = "".join(f"<url><loc>{html.escape(e.url)}</loc><lastmod>{e.published.isoformat()}</lastmod></url>\n"
                       for e in entries)
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')
        return Reply(200, body.encode(), "application/xml; charset=utf-8")

    def listing(self, spec: dict, url: str, entries: list[Entry], next_url: str | None) -> Reply | None:
        try:
            link = _selector_chain(spec["link"])
            item = _selector_chain(spec["item"]) if spec.get("item") else []
            holder = _selector_chain(spec["time_selector"]) if spec.get("time_selector") else []
        except (ValueError, KeyError, IndexError):
            return None  # a selector this generator cannot satisfy: the listing simply 404s
        try:
            after = _selector_chain(spec["next"]) if spec.get("next") and next_url else []
        except (ValueError, IndexError):
            after = []  # a next-page rule it cannot write (a sibling combinator): one page, as if the last
        blocks = []
        for e in entries:
            inner = _wrap(link, html.escape(e.title), {"href": e.url})
            stamp = {spec["time_attr"]: _stamp(e.published, spec.get("time_format", "iso"))} \
                if spec.get("time_attr") else {}
            if holder:
                inner += _wrap(holder, "", stamp)
                stamp = {}
            blocks.append(_wrap(item, inner, stamp) if item else inner)
        more = _wrap(after, "Trang sau", {"href": next_url}) if after else ""
        body = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(url)}</title>'
                f'</head><body>{"".join(blocks)}{more}</body></html>')
        return Reply(200, body.encode())

    def route(self, host: str, path: str, query: str) -> Reply | None:
        if path == "/robots.txt":
            return Reply(200, self.robots.encode(), "text/plain; charset=utf-8")
        if path in self.by_path:
            return self.article(self.by_path[path])
        if path in self.feeds:
            return self.feed()
        # A dated archive first: where the profile names one URL as both (Lao Động's /sitemap.xml), it is the
        # site's whole index, which a news sitemap's last days are part of.
        if path in self.shard_paths:
            return self._shard(*self.shards[self.shard_paths[path]])
        if path in self.sitemaps:
            return self.urlset([e for e in self.entries if e.published > self.anchor - NEWS_SITEMAP])
        if path in self.listings:
            spec = self.listings[path]
            page = int(query.removeprefix("page=")) if query.startswith("page=") and query[5:].isdigit() else 1
            chunk = self.entries[(page - 1) * LISTING_PAGE: page * LISTING_PAGE]
            base = spec["url"].split("?")[0]
            more = f"{base}?page={page + 1}" if len(self.entries) > page * LISTING_PAGE else None
            return self.listing(spec, f"{base}?page={page}", chunk, more) if chunk else None
        return None

    def _shard(self, spec: dict, lo: datetime, hi: datetime, page: int | None) -> Reply | None:
        if spec.get("parse") == "listing":
            # A timeline of numbered pages (Báo Chính phủ): the pages share the archive between them.
            pages = spec["params"]["page"]
            per = max(LISTING_PAGE, math.ceil(len(self.entries) / len(pages)))
            n = pages.index(page) if page in pages else 0
            return self.listing(spec["listing"], spec["template"], self.entries[n * per:(n + 1) * per], None)
        if "{" not in spec["template"]:
            return self.urlset(self.entries)  # one static sitemap of everything
        return self.urlset(self.between(lo, hi))


def _stamp(when: datetime, fmt: str) -> str:
    if fmt == "epoch":
        return str(int(when.timestamp()))
    if fmt == "iso":
        return when.isoformat()
    return when.astimezone(VN_TZ).strftime(fmt)
