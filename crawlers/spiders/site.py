"""The generic `site` spider: discovery from a profile's `discovery:` section, then every article landed raw."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError

from crawlers import discovery as disc
from crawlers.items import FetchFailure, RawPage
from crawlers.pipelines import header_subset
from sources import load_profile
from warehouse import settings

# Every status reaches the article callback except the redirects, which RedirectMiddleware must still follow
# (meta handle_httpstatus_all would turn redirect-following off and land bare 301s).
REDIRECT_CODES = {301, 302, 303, 307, 308}
ARTICLE_STATUSES = [s for s in range(100, 600) if s not in REDIRECT_CODES]

# Bounds, so a misbehaving site (endless pagination, a sitemap index of thousands) cannot run a crawl away.
DEFAULT_MAX_PAGES = 5          # listing pages per listing; newest first, a window rarely needs more
DEFAULT_MAX_ARTICLES = 5000    # ~10x a busy day of one Vietnamese national outlet
MAX_SITEMAP_DEPTH = 2          # index -> urlset; nothing deeper exists on the profiled sites
MAX_CHILD_SITEMAPS = 50        # a month of daily shards plus headroom


# Some download exceptions carry no message; the detail column should still say what happened.
FAILURE_DETAILS = {"truncated": "connection closed before Content-Length bytes arrived"}


def parse_window_bound(value: str | None, name: str) -> datetime:
    if not value:
        raise ValueError(f"spider argument {name} is required (ISO 8601 with offset, e.g. 2026-03-07T04:00:00+00:00)")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"spider argument {name}={value!r} is not ISO 8601") from None
    if parsed.tzinfo is None:
        raise ValueError(f"spider argument {name}={value!r} has no UTC offset; the window would be ambiguous")
    return parsed


def classify_failure(exc: BaseException, redirects: list[str] | None = None) -> str | None:
    """The raw.fetch_failures reason for a request that got no response; None when it is not one.

    Scrapy raises IgnoreRequest for several refusals and tells them apart only by message: robots.txt, the
    redirect limit (REDIRECT_MAX_TIMES), a body that exceeds DOWNLOAD_MAXSIZE while it is decompressed, and a
    redirect off the source's allowed_domains (crawlers/middlewares.py, OffsiteRedirectMiddleware).
    A download it cancels (DownloadCancelledError) is one that exceeded DOWNLOAD_MAXSIZE on the wire. A
    redirect chain that visits a URL twice (`redirects`, the request's redirect_urls) is a loop."""
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message:
            return "robots_disallowed"
        if "max redirections" in message:
            return "redirect_loop" if redirects and len(set(redirects)) < len(redirects) else "too_many_redirects"
        if "DOWNLOAD_MAXSIZE" in message:
            return "too_large"
        if "offsite redirect" in message:
            return "offsite_redirect"
        return None
    if isinstance(exc, DownloadCancelledError):
        return "too_large"
    if isinstance(exc, ResponseDataLossError):
        return "truncated"
    if isinstance(exc, DownloadTimeoutError):
        return "timeout"
    if isinstance(exc, CannotResolveHostError):
        return "dns_error"
    # Refused, reset, TLS and every other transport-level failure.
    return "connection_error"


class SiteSpider(scrapy.Spider):
    """`scrapy crawl site -a source=NAME -a run_id=RUN -a start=ISO -a end=ISO` (architecture.md)."""

    name = "site"

    def __init__(self, source=None, run_id=None, start=None, end=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not source or not run_id:
            raise ValueError("spider arguments source and run_id are required")
        self.source = source
        self.run_id = run_id
        self.window_start = parse_window_bound(start, "start")
        self.window_end = parse_window_bound(end, "end")
        if self.window_start >= self.window_end:
            raise ValueError(f"empty window: start {start} is not before end {end}")
        self.profile = load_profile(source)
        self.discovery = self.profile.get("discovery") or {}
        if not self.discovery:
            raise ValueError(f"profile {source!r} has an empty discovery section: nothing to crawl")
        self.allowed_domains = self.profile.get("allowed_domains", [self.profile["domain"]])
        self.article_url = self.profile["article_url"]
        self.tz = timezone(timedelta(hours=float(self.discovery.get("utc_offset_hours", 7))))
        self.max_articles = int(self.discovery.get("max_articles", DEFAULT_MAX_ARTICLES))
        self.requested: set[str] = set()
        self.listed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawl = spider.profile.get("crawl") or {}
        if settings.get("BANTIN_REPLAY_URL"):
            # The replay is one local process: delays would only slow tests; politeness is for live sites.
            crawler.settings.set("DOWNLOAD_DELAY", 0, priority="spider")
            crawler.settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
        else:
            if "download_delay" in crawl:
                crawler.settings.set("DOWNLOAD_DELAY", float(crawl["download_delay"]), priority="spider")
            if "concurrency" in crawl:
                crawler.settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", int(crawl["concurrency"]), priority="spider")
        return spider

    # --- discovery ----------------------------------------------------------------------------------
    async def start(self):
        d = self.discovery
        # Seeds: article URLs to fetch in every window (undated), e.g. a page being watched for edits.
        if d.get("seeds"):
            for request in self._articles([disc.Candidate(url) for url in d["seeds"]], "seed"):
                yield request
        for url in d.get("feeds", []):
            yield self._discovery_request(url, self.parse_feed, "feed")
        for url in d.get("sitemaps", []):
            yield self._discovery_request(url, self.parse_sitemap, "sitemap", sitemap_depth=1)
        for spec in d.get("listings", []):
            yield self._discovery_request(spec["url"], self.parse_listing, "listing", listing=spec, page=1)
        for spec in d.get("archives", []):
            for url in disc.expand_archive(spec, self.window_start, self.window_end, self.tz):
                if spec["parse"] == "sitemap":
                    yield self._discovery_request(url, self.parse_sitemap, "archive", sitemap_depth=1)
                else:
                    yield self._discovery_request(url, self.parse_listing, "archive", listing=spec["listing"],
                                                  page=1)

    def _discovery_request(self, url, callback, via, **meta):
        # dont_filter: a feed that redirects to itself until a cookie is set (qdnd's /rss) must get its second
        # try; loops stay bounded by REDIRECT_MAX_TIMES and max_pages.
        return scrapy.Request(url, callback=callback, errback=self.discovery_failed,
                              meta={"via": via, **meta}, priority=20, dont_filter=True)

    def _unparseable(self, response, exc: Exception) -> None:
        # A feed that turned into an HTML error page must not kill the crawl; the other sources still run.
        self.crawler.stats.inc_value("bantin/discovery_failed/unparseable")
        self.logger.warning("discovery page unparseable: %s: %s", response.url, exc)

    def parse_feed(self, response):
        try:
            items = disc.parse_feed(response.body, response.url)
        except ValueError as exc:
            self._unparseable(response, exc)
            return
        yield from self._articles(items, response.meta["via"])

    def parse_sitemap(self, response):
        try:
            children, pages = disc.parse_sitemap(response.body, response.url)
        except ValueError as exc:
            self._unparseable(response, exc)
            return
        yield from self._articles(pages, response.meta["via"])
        depth = response.meta["sitemap_depth"]
        if depth >= MAX_SITEMAP_DEPTH:
            return
        # A child last modified before the window cannot hold an article published inside it.
        fresh = [c for c in children if c.discovered_at is None or c.discovered_at >= self.window_start]
        fresh.sort(key=lambda c: c.discovered_at or self.window_end, reverse=True)
        for child in fresh[:MAX_CHILD_SITEMAPS]:
            yield self._discovery_request(child.url, self.parse_sitemap, response.meta["via"], sitemap_depth=depth + 1)

    def parse_listing(self, response):
        spec, page_no = response.meta["listing"], response.meta["page"]
        try:
            page = disc.parse_listing(response.body, response.url, spec, encoding=response.encoding)
        except ValueError as exc:
            self._unparseable(response, exc)
            return
        yield from self._articles(page.items, response.meta["via"])
        exhausted = disc.listing_exhausted(page, self.window_start, self.listed)
        self.listed.update(c.url for c in page.items)
        next_url = disc.next_page_url(page, spec, page_no)
        if next_url and not exhausted and page_no < int(spec.get("max_pages", DEFAULT_MAX_PAGES)):
            yield self._discovery_request(next_url, self.parse_listing, response.meta["via"],
                                          listing=spec, page=page_no + 1)

    def _articles(self, candidates, via):
        stats = self.crawler.stats
        stats.inc_value(f"bantin/candidates/{via}", len(candidates))
        for c in disc.select_articles(candidates, self.window_start, self.window_end, self.article_url):
            if c.url in self.requested:
                continue
            if len(self.requested) >= self.max_articles:
                stats.inc_value("bantin/articles_over_limit")
                continue
            self.requested.add(c.url)
            stats.inc_value(f"bantin/articles_requested/{via}")
            # dont_filter: `requested` already fetches each URL once, and the scheduler's dupe filter would drop a
            # redirect back to a URL already seen (a loop) without a word; unfiltered, a loop runs into the
            # redirect limit and is landed as a `redirect_loop` failure.
            yield scrapy.Request(
                c.url, callback=self.parse_article, errback=self.article_failed, priority=10, dont_filter=True,
                meta={"via": via, "discovered_at": c.discovered_at, "handle_httpstatus_list": ARTICLE_STATUSES},
            )

    def discovery_failed(self, failure):
        # Discovery pages are not articles: their failures are logged and counted, not landed.
        reason = classify_failure(failure.value) or type(failure.value).__name__
        if isinstance(failure.value, HttpError):
            reason = f"http_{failure.value.response.status}"
        self.crawler.stats.inc_value(f"bantin/discovery_failed/{reason}")
        self.logger.warning("discovery fetch failed (%s): %s: %s", reason, failure.request.url, failure.value)

    # --- articles -----------------------------------------------------------------------------------
    def parse_article(self, response):
        yield self._raw_page(response)

    def _raw_page(self, response) -> RawPage:
        meta = response.meta
        return RawPage(
            url=(meta.get("redirect_urls") or [response.url])[0],
            final_url=response.url,
            status=response.status,
            headers=header_subset(response.headers),
            body=response.body,
            fetched_at=datetime.now(UTC),
            discovered_via=meta["via"],
            discovered_at=meta.get("discovered_at"),
        )

    def article_failed(self, failure):
        if isinstance(failure.value, HttpError):
            # A status outside ARTICLE_STATUSES (a redirect without Location): still a response, so land it.
            yield self._raw_page(failure.value.response)
            return
        redirects = failure.request.meta.get("redirect_urls")
        reason = classify_failure(failure.value, (redirects or []) + [failure.request.url])
        if reason is None:
            self.logger.info("article request dropped: %s: %s", failure.request.url, failure.value)
            return
        self.crawler.stats.inc_value(f"bantin/fetch_failures/{reason}")
        detail = f"{type(failure.value).__name__}: {failure.value or FAILURE_DETAILS.get(reason, '')}"
        yield FetchFailure(
            url=(redirects or [failure.request.url])[0],
            reason=reason,
            detail=f"{detail}: {failure.request.url}" if reason == "offsite_redirect" else detail,
            failed_at=datetime.now(UTC),
        )
