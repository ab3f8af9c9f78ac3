"""Downloader middlewares: the offline replay's address rewrite (BANTIN_REPLAY_URL), redirects off the site, and
the JS cookie challenge."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.url import url_is_from_any_domain

from warehouse import settings

ORIGINAL_URL = "bantin_original_url"


def replay_url(url: str, base: str) -> str:
    """`https://HOST/PATH?Q` -> `BASE/HOST/PATH?Q` (architecture.md, Replay addressing)."""
    parts = urlsplit(url)
    rest = parts.path or "/"
    if parts.query:
        rest += "?" + parts.query
    return f"{base.rstrip('/')}/{parts.netloc}{rest}"


class ReplayRewriteMiddleware:
    """Active only when BANTIN_REPLAY_URL is set.

    The request's URL is swapped in place just before download and swapped back on the response (or the
    exception), so robots.txt handling, redirects, retries, the spider and the pipelines only ever see the
    original URL. Swapping in place, rather than returning a new Request, keeps the request in its download
    slot instead of rescheduling it through the dupe filter and the robots.txt check a second time.
    """

    def __init__(self, base: str):
        self.base = base

    @classmethod
    def from_crawler(cls, crawler):
        base = settings.get("BANTIN_REPLAY_URL")
        if not base:
            raise NotConfigured("BANTIN_REPLAY_URL unset: crawling the live sites")
        return cls(base)

    def process_request(self, request, spider=None):
        if ORIGINAL_URL in request.meta or not request.url.startswith(("http://", "https://")):
            return None
        request.meta[ORIGINAL_URL] = request.url
        # Request.url has no public setter; _set_url is what Request.__init__ itself uses.
        request._set_url(replay_url(request.url, self.base))
        return None

    def _restore(self, request) -> str | None:
        original = request.meta.pop(ORIGINAL_URL, None)
        if original:
            request._set_url(original)
        return original

    def process_response(self, request, response, spider=None):
        original = self._restore(request)
        if original:
            return response.replace(url=original, request=request)
        return response

    def process_exception(self, request, exception, spider=None):
        self._restore(request)
        return None


class CookieChallengeMiddleware:
    """Answers a JS cookie challenge as a browser would, once per request.

    Lao Động answers every path with a page whose script sets a cookie and reloads (vn-news-sites §3.11,
    `sources/laodong/replay/recorded/laodong_challenge.html`). The cookie is in the script, not in a
    Set-Cookie header, so Scrapy's cookie jar never sees it: this reads it and sends the same request again
    with it. The jar then keeps it for the site, so the crawl's later requests pass without a challenge. A
    second challenge for the same request is let through: the extractor rejects it as `not_article`.
    """

    # A challenge is a few hundred bytes of script; an article whose scripts happen to set a cookie is tens of
    # KB or more. 16 KB bounds what is worth reading for one.
    MAX_BYTES = 16 * 1024
    _COOKIE = re.compile(rb"""document\.cookie\s*=\s*["']\s*([^=;"'\s]+)=([^;"']*)""")
    _RELOAD = re.compile(rb"location\.reload\s*\(")

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response, spider=None):
        if request.meta.get("cookie_challenge") or len(response.body) > self.MAX_BYTES:
            return response
        cookie = self._COOKIE.search(response.body)
        if cookie is None or not self._RELOAD.search(response.body):
            return response
        self.stats.inc_value("bantin/cookie_challenges")
        name, value = (part.decode("latin-1") for part in cookie.groups())
        return request.replace(cookies={name: value}, dont_filter=True,
                               meta={**request.meta, "cookie_challenge": True})


class OffsiteRedirectMiddleware:
    """Refuses a redirect off the source's allowed domains.

    Article requests are sent with dont_filter (a redirect loop must reach the redirect limit, see
    crawlers/spiders/site.py), and Scrapy's OffsiteMiddleware lets every dont_filter request through, so a link
    redirected to another site (nld.com.vn to tuoitre.vn/nld/…, vn-news-sites §3.13) would land that site's page
    as this source's. Refused here, it becomes a fetch failure `offsite_redirect` naming where it went.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        if not request.meta.get("redirect_urls"):
            return None
        # Scrapy no longer passes the spider to downloader middlewares; the crawler knows it.
        domains = getattr(self.crawler.spider, "allowed_domains", None) or []
        if domains and not url_is_from_any_domain(request.url, domains):
            raise IgnoreRequest(f"Filtered offsite redirect to {urlsplit(request.url).hostname!r}")
        return None
