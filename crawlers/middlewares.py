"""Downloader middleware that sends requests to the offline replay (BANTIN_REPLAY_URL) instead of the live sites."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

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
