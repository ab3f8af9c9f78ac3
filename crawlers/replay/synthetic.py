"""The replayed sites: a deterministic URL map from (source material, anchor) to HTTP replies."""
from __future__ import annotations

import functools
import html
import json
import random
import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from string import Template

import yaml

from crawlers.replay.reply import Reply, archive_fault
from sources import SOURCES_DIR
from sources.dates import VN_TZ

DEFAULT_ANCHOR = "2026-03-07T12:00:00+07:00"
# One synthetic article per source every 10 minutes over the 48 hours before the anchor: a one-hour window
# holds ~6 per source, and a backfill of the previous day still finds its articles through the archives.
SLOT_SECONDS = 600
HISTORY = timedelta(hours=48)
FEED_SIZE = 30  # the live feeds list about the latest 30 items
# Bodies must not be near-duplicates by accident, or the story stage clusters unrelated synthetic
# articles. A body is 8-14 sentences drawn at random (seeded by its variant number) from a pool of ~270
# (`sentences()`), two to a paragraph, so no two synthetic articles come near the story threshold. Variants
# come in 4 bands of 1105 (7.6 days of 10-minute slots): one band per source (`corpus_band` in site.yaml) and
# a shared one for articles outside the schedule.
VARIANT_BAND = 1105
SENTENCES_PER_PARAGRAPH = 2
UNSCHEDULED_BAND = 3
REPRINT_EVERY = 4  # about the low end of the 30-40% reprint share estimated for news in general
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # the five Vietnamese tones as combining marks
CORPUS_PATH = SOURCES_DIR / "corpus.json"


@dataclass(frozen=True)
class Article:
    """One article of the schedule (recorded ones are served from their file by path)."""

    id: str
    url: str
    published: datetime
    title: str
    variant: int = 0  # which paragraph combination its body uses (see Site.variant_for_slot)


def _h(*parts) -> int:
    """A stable hash (Python's hash() is salted per process; the replay must be the same every run)."""
    return zlib.crc32("|".join(map(str, parts)).encode())


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")


def fmt_time(pattern: str, when: datetime) -> str:
    """Vietnamese display dates: {weekday} 'Thứ bảy', {Weekday} 'Thứ Bảy', {d}/{m} unpadded, {dd}/{mm} padded."""
    local = when.astimezone(VN_TZ)
    weekday = WEEKDAYS[local.weekday()]
    return pattern.format(
        weekday=weekday, Weekday=weekday.title() if local.weekday() < 6 else weekday,
        d=local.day, m=local.month, dd=f"{local.day:02d}", mm=f"{local.month:02d}", Y=local.year,
        H=f"{local.hour:02d}", M=f"{local.minute:02d}",
    )


@functools.cache
def corpus() -> dict:
    return json.loads(CORPUS_PATH.read_text(encoding="utf-8"))


@functools.cache
def sentences() -> list[str]:
    """The replay's unit of body text: the corpus paragraphs and every labelled page's body, cut into
    sentences (fragments under 6 words dropped). A larger pool keeps chance overlaps between synthetic
    articles rare: drawn from the corpus paragraphs alone, two bodies sometimes came near the story threshold."""
    paragraphs = list(corpus()["paragraphs"])
    for expected in sorted(SOURCES_DIR.glob("*/pages/*.json")):
        paragraphs += json.loads(expected.read_text(encoding="utf-8"))["body"].split("\n\n")
    pool = dict.fromkeys(sentence for paragraph in paragraphs
                         for sentence in re.split(r"(?<=[.!?…])\s+", paragraph) if len(sentence.split()) >= 6)
    return list(pool)


def _pick(items: list, *key) -> str:
    return items[_h(*key) % len(items)]


def to_cp1258(text: str) -> bytes:
    """Encode NFC text in windows-1258, which has only some precomposed letters and composes the rest
    from a base letter plus a combining tone mark, as Vietnamese Windows software did."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        # Keep the vowel quality (â, ê, ô, ă, ơ, ư) precomposed, since cp1258 has those letters; the tone
        # (grave, acute, tilde, hook, dot below) follows as a combining mark.
        quality = decomposed[0] + "".join(m for m in decomposed[1:] if m not in TONE_MARKS)
        tones = "".join(m for m in decomposed[1:] if m in TONE_MARKS)
        out += unicodedata.normalize("NFC", quality).encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


class Site:
    """One source's replayed site for a given anchor."""

    def __init__(self, name: str, anchor: datetime, *, history: timedelta = HISTORY, slot_seconds: int = SLOT_SECONDS,
                 band_size: int = VARIANT_BAND, faults: bool = False):
        """The defaults are the demo's replay; an archive (crawlers/replay/archive.py) widens `history`, sets
        the density with `slot_seconds`, widens the body bands so none wraps, and adds its ~1 % of `faults`."""
        self.name = name
        self.history, self.slot_seconds, self.band_size, self.faults = history, slot_seconds, band_size, faults
        self.dir = SOURCES_DIR / name / "replay"
        self.cfg = yaml.safe_load((self.dir / "site.yaml").read_text(encoding="utf-8"))
        self.hosts = self.cfg["hosts"]
        self.anchor = anchor
        self.article_id_re = re.compile(self.cfg["article_id_re"])
        self.templates = {
            p.stem: Template(p.read_text(encoding="utf-8")) for p in self.dir.glob("*.html")
        }
        self.recorded_paths = {r["path"]: self.dir / r["file"] for r in self.cfg.get("recorded", [])}
        self.articles = self._schedule()
        self.by_path = {self.path_of(a.url): a for a in self.articles}

    # --- the schedule -------------------------------------------------------------------------------
    def _article_id(self, slot: int, published: datetime) -> str:
        scheme = self.cfg["id_scheme"]
        if scheme == "slot":
            return str(slot)
        if scheme == "slot_plus_million":
            return str(1_000_000 + slot)
        if scheme == "local_timestamp":
            return published.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S") + f"{slot % 1000:03d}"
        raise ValueError(f"{self.name}: unknown id_scheme {scheme!r}")

    def url_for(self, article_id: str, title: str, host: str | None = None) -> str:
        path = self.cfg["article_path"].format(slug=slugify(title), id=article_id)
        return f"https://{host or self.hosts[0]}{path}"

    @staticmethod
    def path_of(url: str) -> str:
        return "/" + url.split("://", 1)[1].split("/", 1)[1]

    def _schedule(self) -> list[Article]:
        """Newest first: one article per slot over the history, plus the recorded articles in range."""
        titles = corpus()["titles"]
        step = self.slot_seconds
        last = int(self.anchor.timestamp()) // step
        first = int((self.anchor - self.history).timestamp()) // step + 1
        out = []
        for slot in range(first, last + 1):
            # A stable offset inside the slot so times look published, not cron-aligned.
            published = datetime.fromtimestamp(slot * step + _h(self.name, slot) % max(1, step * 9 // 10), tz=VN_TZ)
            if published > self.anchor:
                continue
            title = _pick(titles, self.name, "title", slot)
            article_id = self._article_id(slot, published)
            out.append(Article(article_id, self.url_for(article_id, title), published, title,
                               self.variant_for_slot(slot)))
        for rec in self.cfg.get("recorded", []):
            if "published" in rec:
                published = datetime.fromisoformat(rec["published"])
                if self.anchor - self.history < published <= self.anchor:
                    url = f"https://{self.hosts[0]}{rec['path']}"
                    article_id = self.article_id_re.search(rec["path"]).group(1)
                    out.append(Article(article_id, url, published, rec["title"]))
        return sorted(out, key=lambda a: a.published, reverse=True)

    def between(self, lo: datetime, hi: datetime) -> list[Article]:
        return [a for a in self.articles if lo <= a.published < hi]

    # --- rendering ----------------------------------------------------------------------------------
    def variant_for_slot(self, slot: int) -> int:
        # Syndication: a site with `reprints_from_band` runs one story in REPRINT_EVERY of that band's
        # outlet's slot-mates as its own (same paragraphs, its own title, lead and byline), so the replay
        # gives the story stage real reprints to cluster.
        origin = self.cfg.get("reprints_from_band")
        band = origin if origin is not None and _h(self.name, "reprint", slot) % REPRINT_EVERY == 0 \
            else self.cfg["corpus_band"]
        return band * self.band_size + slot % self.band_size

    def variant_unscheduled(self, article_id: str) -> int:
        return UNSCHEDULED_BAND * self.band_size + _h(self.name, "variant", article_id) % self.band_size

    def render_article(self, article_id: str, url: str, published: datetime, title: str, variant: int) -> str:
        c = corpus()
        sapo = _pick(c["sapos"], self.name, "sapo", article_id)
        count = 4 + variant % 4  # by variant, so a reprint carries as many paragraphs as its original
        # A string seed goes through SHA-512; small integer seeds give correlated Mersenne Twister streams
        # (seeds 1061 and 2150 drew 7 of the same 10 sentences).
        picked = random.Random(f"body:{variant}").sample(sentences(), count * SENTENCES_PER_PARAGRAPH)
        paragraphs = [" ".join(picked[i:i + SENTENCES_PER_PARAGRAPH])
                      for i in range(0, len(picked), SENTENCES_PER_PARAGRAPH)]
        author = _pick(c["authors"], self.name, "author", article_id)
        # Edited up to 90 minutes later, never after the anchor ("now" for the replayed site).
        modified = max(published, min(published + timedelta(minutes=_h(self.name, "mod", article_id) % 90),
                                      self.anchor))
        related = "".join(
            f'<li><a href="{html.escape(a.url)}">{html.escape(a.title)}</a></li>'
            for a in self.articles[:3] if a.id != article_id
        )
        values = {
            "url": html.escape(url), "id": article_id, "title": html.escape(title),
            "title_attr": html.escape(title, quote=True), "sapo": html.escape(sapo),
            "sapo_attr": html.escape(sapo, quote=True),
            "json_title": json.dumps(title, ensure_ascii=False), "json_sapo": json.dumps(sapo, ensure_ascii=False),
            "paragraphs": "\n".join(self.cfg["paragraph"].format(text=html.escape(p)) for p in paragraphs),
            "iso": published.astimezone(VN_TZ).isoformat(), "iso_modified": modified.astimezone(VN_TZ).isoformat(),
            "shown": fmt_time(self.cfg.get("shown", "{dd}/{mm}/{Y} {H}:{M}"), published),
            "clock": fmt_time(self.cfg.get("clock", "{dd}/{mm}/{Y} {H}:{M}"), self.anchor),
            "author": author, "author_upper": author.upper(), "author_slug": slugify(author),
            "section": self.cfg["section"], "section_slug": slugify(self.cfg["section"]),
            "image": f"https://img.replay.invalid/{self.name}/{article_id}.jpg", "related": related,
        }
        return self.templates["article"].substitute(values)

    def _article_headers(self, published: datetime, body: bytes) -> dict:
        return {"Last-Modified": format_datetime(published.astimezone(UTC), usegmt=True),
                "ETag": f'"{zlib.crc32(body):08x}"'}

    def article_reply(self, path: str) -> Reply | None:
        if path in self.recorded_paths:
            body = self.recorded_paths[path].read_bytes()
            return Reply(200, body, headers={"ETag": f'"{zlib.crc32(body):08x}"'})
        match = self.article_id_re.search(path)
        if not match:
            return None
        known = self.by_path.get(path)
        if known:
            body = self.render_article(known.id, known.url, known.published, known.title, known.variant).encode()
            fault = archive_fault(known.url, body) if self.faults else None
            return fault or Reply(200, body, headers=self._article_headers(known.published, body))
        # An id the schedule does not hold (a real listing's link, a legacy link): still an article.
        article_id = match.group(1)
        published = self._unscheduled_time(article_id)
        title = _pick(corpus()["titles"], self.name, "title", article_id)
        body = self.render_article(article_id, f"https://{self.hosts[0]}{path}", published, title,
                                   self.variant_unscheduled(article_id)).encode()
        return Reply(200, body, headers=self._article_headers(published, body))

    def _unscheduled_time(self, article_id: str) -> datetime:
        if self.cfg["id_scheme"] == "local_timestamp":
            return datetime.strptime(article_id[:14], "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
        return datetime.fromisoformat(self.cfg.get("capture_time") or self.anchor.isoformat())

    def listing_reply(self, articles: list[Article], url: str, heading: str, next_url: str | None,
                      extra_items: str = "") -> Reply:
        items = []
        for n, a in enumerate(articles, 1):
            items.append(self.templates["listing_item"].substitute(
                url=html.escape(a.url), title=html.escape(a.title), title_attr=html.escape(a.title, quote=True),
                sapo=html.escape(_pick(corpus()["sapos"], self.name, "sapo", a.id)), n=n,
                epoch=int(a.published.timestamp()),
                time_attr=f'datetime="{a.published.astimezone(VN_TZ).isoformat()}"',
            ))
        body = self.templates["listing"].substitute(
            url=html.escape(url), heading=html.escape(heading), items=extra_items + "\n".join(items),
            clock=fmt_time(self.cfg.get("clock", "{dd}/{mm}/{Y} {H}:{M}"), self.anchor),
            rel_next=f'<link rel="next" href="{html.escape(next_url)}"/>' if next_url else "",
            next_link=f'<a class="next-page next" href="{html.escape(next_url)}">Trang sau</a>' if next_url else "",
        )
        return Reply(200, body.encode())

    def paged_listing(self, page: int) -> Reply | None:
        spec = self.cfg["listing"]
        per = spec["per_page"]
        chunk = self.articles[(page - 1) * per: page * per]
        if page > 1 and not chunk:
            return None
        more = len(self.articles) > page * per
        next_url = f"https://{self.hosts[0]}{spec['page_path'].format(n=page + 1)}" if more else None
        url = f"https://{self.hosts[0]}{spec['path'] if page == 1 else spec['page_path'].format(n=page)}"
        extra = self._bad_items() if page == 1 else ""
        return self.listing_reply(chunk, url, spec["heading"], next_url, extra)

    def _bad_items(self) -> str:
        """The bad-response links, undated so every window's crawl fetches them."""
        out = []
        for n, bad in enumerate(self.cfg.get("bad", []), 1):
            host = self.hosts[-1] if bad["kind"] == "redirect" else self.hosts[0]
            title = f"Bài kiểm thử {n}"
            out.append(self.templates["listing_item"].substitute(
                url=f"https://{host}{bad['path']}", title=title, title_attr=title, sapo="", n=n, epoch="",
                time_attr=""))
        return "\n".join(out)

    def bad_reply(self, path: str) -> Reply | None:
        for bad in self.cfg.get("bad", []):
            if bad["path"] != path:
                continue
            kind = bad["kind"]
            article_id = self.article_id_re.search(path).group(1)
            published = self.anchor - timedelta(hours=1)
            title = bad.get("title") or _pick(corpus()["titles"], self.name, "title", article_id)
            page = self.render_article(article_id, f"https://{self.hosts[0]}{path}", published, title,
                                       self.variant_unscheduled(article_id))
            if kind == "status":
                return Reply(bad["status"], f"<html><body><h1>Lỗi {bad['status']}</h1></body></html>".encode())
            if kind == "slow":
                return Reply(200, page.encode(), mode="slow")
            if kind == "truncated":
                return Reply(200, page.encode(), mode="truncated")
            if kind == "cp1258":
                body = to_cp1258(page.replace('<meta charset="utf-8">', '<meta charset="windows-1258">'))
                return Reply(200, body, content_type="text/html; charset=windows-1258")
            if kind == "garbage":
                # Bytes that are not UTF-8 (lone continuation and invalid lead bytes), declared UTF-8.
                noise = bytes((0x80 + (_h("garbage", i) % 0x7F)) for i in range(4000))
                return Reply(200, b"<html><body>" + noise + b"</body></html>")
            if kind == "not_article":
                # What a CMS serves at a stale article URL: the section page, 200, canonical to the section.
                section = f"https://{self.hosts[0]}{self.cfg['listing']['path']}"
                body = ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Thời sự - Báo Biên "
                        f"phòng</title><link rel=\"canonical\" href=\"{section}\"><meta property=\"og:type\" "
                        "content=\"website\"></head><body><div class=\"category__list\"><h1>Trang bạn tìm không "
                        "tồn tại hoặc đã bị gỡ bỏ</h1><a href=\"https://www.bienphong.com.vn/\">Về trang chủ</a>"
                        "</div></body></html>")
                return Reply(200, body.encode())
            # robots (served if a crawler ignores robots.txt) and redirect targets are plain articles.
            return Reply(200, page.encode())
        return None

    # --- feeds and sitemaps -------------------------------------------------------------------------
    def feed_reply(self, cdata: bool) -> Reply:
        def text(value: str) -> str:
            return f"<![CDATA[{value}]]>" if cdata else html.escape(value)

        items = "".join(
            f"<item><title>{text(a.title)}</title><link>{text(a.url)}</link><guid>{html.escape(a.url)}</guid>"
            f"<pubDate>{format_datetime(a.published.astimezone(VN_TZ))}</pubDate></item>\n"
            for a in self.articles[:FEED_SIZE]
        )
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{html.escape(self.name)}</title><link>https://{self.hosts[0]}/</link>"
                f"<description>Replay feed</description>\n{items}</channel></rss>\n")
        return Reply(200, body.encode(), "application/rss+xml; charset=utf-8")

    def urlset_reply(self, articles: list[Article]) -> Reply:
        urls = "".join(
            f"<url><loc>{html.escape(a.url)}</loc><lastmod>{a.published.astimezone(VN_TZ).isoformat()}</lastmod>"
            f"<news:news><news:publication><news:name>{html.escape(self.name)}</news:name>"
            f"<news:language>vi</news:language></news:publication>"
            f"<news:publication_date>{a.published.astimezone(VN_TZ).isoformat()}</news:publication_date>"
            f"<news:title>{html.escape(a.title)}</news:title></news:news></url>\n"
            for a in articles
        )
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + urls + "</urlset>\n")
        return Reply(200, body.encode(), "application/xml; charset=utf-8")

    def monthly_index_reply(self) -> Reply:
        latest: dict[tuple[int, int], datetime] = {}
        for a in self.articles:
            local = a.published.astimezone(VN_TZ)
            key = (local.year, local.month)
            latest[key] = max(latest.get(key, local), local)
        entries = "".join(
            f"<sitemap><loc>https://{self.hosts[0]}{self.cfg['monthly_path'].format(year=y, month=m)}</loc>"
            f"<lastmod>{latest[(y, m)].isoformat()}</lastmod></sitemap>\n"
            for y, m in sorted(latest, reverse=True)
        )
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</sitemapindex>\n")
        return Reply(200, body.encode(), "application/xml; charset=utf-8")

    # --- routing ------------------------------------------------------------------------------------
    def route(self, host: str, path: str, query: str) -> Reply | None:
        if self.cfg.get("redirect_to_first_host") and host != self.hosts[0] and path != "/robots.txt":
            location = f"https://{self.hosts[0]}{path}" + (f"?{query}" if query else "")
            return Reply(301, b"", headers={"Location": location})
        if path == "/robots.txt":
            return Reply(200, (self.dir / "robots.txt").read_bytes(), "text/plain; charset=utf-8")
        for feed in self.cfg.get("feeds", []):
            if path == feed["path"]:
                return self.feed_reply(feed["cdata"])
        bad = self.bad_reply(path)
        if bad:
            return bad
        spec = self.cfg.get("listing")
        if spec:
            if path == spec["path"]:
                return self.paged_listing(1)
            page_re = "^" + re.escape(spec["page_path"]).replace(r"\{n\}", r"(\d+)") + "$"
            m = re.match(page_re, path)
            if m and 1 < int(m.group(1)) <= 100:  # bounded: the schedule never needs more pages
                return self.paged_listing(int(m.group(1)))
        if self.cfg.get("day_listing_re"):
            m = re.match(self.cfg["day_listing_re"], path)
            if m:
                lo = datetime.fromtimestamp(int(m["from_unix"]), tz=VN_TZ)
                hi = datetime.fromtimestamp(int(m["to_unix"]), tz=VN_TZ)
                url = f"https://{host}{path}"
                return self.listing_reply(self.between(lo, hi), url, "Tin theo ngày", None)
        if self.cfg.get("shard_re"):
            m = re.match(self.cfg["shard_re"], path)
            if m:
                year, month, d1, d2 = (int(m[k]) for k in ("year", "month", "d1", "d2"))
                try:
                    lo = datetime(year, month, d1, tzinfo=VN_TZ)
                    hi = datetime(year, month, d2, tzinfo=VN_TZ) + timedelta(days=1)
                except ValueError:
                    return None
                return self.urlset_reply(self.between(lo, hi))
        if self.cfg.get("monthly_re"):
            m = re.match(self.cfg["monthly_re"], path)
            if m:
                year, month = int(m["year"]), int(m["month"])
                if not 1 <= month <= 12:
                    return None
                lo = datetime(year, month, 1, tzinfo=VN_TZ)
                hi = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=VN_TZ)
                return self.urlset_reply(self.between(lo, hi))
        if path == self.cfg.get("sitemap_index"):
            return self.monthly_index_reply()
        return self.article_reply(path)
