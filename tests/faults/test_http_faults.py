"""Faults of the sites: bad responses and bad bytes on one article of a window, served by the suite's server."""
from __future__ import annotations

import pytest
from fault_harness import lost, rejects, rerun_three_times, run_pass, stored_urls, window_articles
from fault_server import Answer, Hang, Page, Reply, Reset, Truncate

SECTION_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thời sự - Báo Biên phòng</title>'
    '<link rel="canonical" href="https://www.bienphong.com.vn/thoi-su/"><meta property="og:type" '
    'content="website"></head><body><div class="category__list"><h1>Thời sự</h1></div></body></html>'
).encode()
# Bytes that are not text in any encoding: invalid UTF-8 lead and continuation bytes, declared UTF-8.
BINARY = b"<html><body>" + bytes(0x80 + (i * 37) % 0x7F for i in range(4000)) + b"</body></html>"


def judge(db, server, ledger, *, fault: str, expected: str, run_id: str, url: str, reason: str | None,
          stored: bool) -> None:
    """One bad page in the window: the run must go on, the page end as `reason` (or be `stored`), every
    other article of the window load, and three re-runs add nothing."""
    first = run_pass(db, server, run_id)
    got = rejects(db, run_id).get(url)
    expected_urls = [u for u in window_articles(server) if stored or u != url]
    missing = lost(db, expected_urls)
    again = rerun_three_times(db, server, run_id)
    errors = list(first.errors.values()) + again.errors
    in_api = url in stored_urls(db)
    outcome = (in_api if stored else got == reason) and not errors
    observed = (f"{'stored' if in_api else f'reject {got}'}; "
                f"{len(expected_urls) - len(missing)} of {len(expected_urls)} window articles stored"
                + (f"; failed: {errors[0]}" if errors else "; every step passed"))
    ledger.record(fault, expected, observed, survived=outcome and not missing and not again.rows_added
                  and not again.duplicates, lost=len(missing), duplicates=again.rows_added + again.duplicates)
    assert not errors, f"{fault}: a step failed: {errors}"
    assert outcome, f"{fault}: expected {'stored' if stored else reason}, observed {observed}"
    assert not missing, f"{fault}: valid articles lost: {missing}"
    assert again.rows_added == 0 and again.duplicates == 0, f"{fault}: re-runs added {again}"


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
    judge(fresh_db, fault_server, ledger, fault=fault, expected=expected, run_id="scheduled__faults",
          url=url, reason=reason, stored=reason is None)


def test_robots_disallow(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[2]
    path = fault_server.path(url)
    robots = f"User-agent: *\nDisallow: {path}\nSitemap: https://www.bienphong.com.vn/sitemap.xml\n"
    fault_server.faults["/robots.txt"] = Answer(Reply(200, robots.encode(), "text/plain; charset=utf-8"))
    judge(fresh_db, fault_server, ledger, fault="robots.txt disallows an article", expected="reject robots_disallowed",
          run_id="scheduled__robots", url=url, reason="robots_disallowed", stored=False)
    assert fault_server.hits[path] == 0, "the crawler fetched a page robots.txt disallows"


def test_stray_bytes_in_utf8(fresh_db, fault_server, ledger):
    """Eight invalid bytes in an otherwise valid UTF-8 article: a decoder must keep the page."""
    url = window_articles(fault_server)[1]

    def splice(body: bytes) -> bytes:
        cut = body.index(b"<p>") + 3
        return body[:cut] + b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28" + body[cut:]

    fault_server.faults[fault_server.path(url)] = Page(splice)
    judge(fresh_db, fault_server, ledger, fault="8 stray invalid bytes in a UTF-8 article",
          expected="stored: the page is mostly valid UTF-8", run_id="scheduled__stray", url=url, reason=None,
          stored=True)
