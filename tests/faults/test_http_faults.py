"""Faults of the sites: bad responses and bad bytes on one article of a window, served by the suite's server."""
from __future__ import annotations

import pytest
from fault_harness import judge, window_articles
from fault_server import Answer, Hang, Page, Reply, Reset, Truncate

SECTION_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thời sự - Báo Biên phòng</title>'
    '<link rel="canonical" href="https://www.bienphong.com.vn/thoi-su/"><meta property="og:type" '
    'content="website"></head><body><div class="category__list"><h1>Thời sự</h1></div></body></html>'
).encode()
# Bytes that are not text in any encoding: invalid UTF-8 lead and continuation bytes, declared UTF-8.
BINARY = b"<html><body>" + bytes(0x80 + (i * 37) % 0x7F for i in range(4000)) + b"</body></html>"


CASES = [
    # (fault, expected, fault object, reason or None when the article must be stored after all)
    ("HTTP 500 on every try", "reject http_500; the rest loads", Answer(Reply(500, b"<h1>500</h1>")), "http_500"),
    ("HTTP 503 twice, then the page", "Scrapy's retry recovers it: stored", Answer(Reply(503, b""), times=2), None),
    ("HTTP 404", "reject http_404", Answer(Reply(404, b"<h1>404</h1>")), "http_404"),
    ("no answer past the download timeout", "reject timeout", Hang(4.0), "timeout"),
    ("connection reset on every try", "reject connection_error", Reset(), "connection_error"),
    ("connection reset once, then the page", "retried: stored", Reset(times=1), None),
    ("body truncated (Content-Length not met)", "reject truncated", Truncate(), "truncated"),
    ("HTTP 200 with an empty body", "reject empty_body", Answer(Reply(200, b"")), "empty_body"),
    ("binary bytes declared UTF-8", "reject undecodable", Answer(Reply(200, BINARY)), "undecodable"),
    ("a section page served at an article URL", "reject not_article", Answer(Reply(200, SECTION_PAGE)),
     "not_article"),
]


@pytest.mark.parametrize(("fault", "expected", "injected", "reason"), CASES, ids=[c[0] for c in CASES])
def test_bad_response(fresh_db, fault_server, ledger, fault, expected, injected, reason):
    url = window_articles(fault_server)[3]
    fault_server.faults[fault_server.path(url)] = injected
    judge(fresh_db, fault_server, ledger, fault=fault, expected=expected, url=url, reason=reason)


def test_robots_disallow(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[2]
    path = fault_server.path(url)
    robots = f"User-agent: *\nDisallow: {path}\nSitemap: https://www.bienphong.com.vn/sitemap.xml\n"
    fault_server.faults["/robots.txt"] = Answer(Reply(200, robots.encode(), "text/plain; charset=utf-8"))
    judge(fresh_db, fault_server, ledger, fault="robots.txt disallows an article", expected="reject robots_disallowed",
          url=url, reason="robots_disallowed")
    assert fault_server.hits[path] == 0, "the crawler fetched a page robots.txt disallows"


def test_stray_bytes_in_utf8(fresh_db, fault_server, ledger):
    """Eight invalid bytes in an otherwise valid UTF-8 article: a decoder must keep the page."""
    url = window_articles(fault_server)[1]

    def splice(body: bytes) -> bytes:
        cut = body.index(b"<p>") + 3
        return body[:cut] + b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28" + body[cut:]

    fault_server.faults[fault_server.path(url)] = Page(splice)
    judge(fresh_db, fault_server, ledger, fault="8 stray invalid bytes in a UTF-8 article",
          expected="stored: the page is mostly valid UTF-8", url=url)
