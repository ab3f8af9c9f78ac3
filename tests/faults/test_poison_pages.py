"""Poison pages: one page whose bytes, markup or stored form once failed the whole clean or load, every retry.

Each must end as a reject with its reason and page id (or be stored after all), while the run goes on."""
from __future__ import annotations

import itertools
import re

from fault_harness import WINDOW, judge, run_pass, stored_urls, window_articles
from fault_server import Answer, Bomb, CookieChallenge, Page, Redirect, Reply, gzip_bomb
from helpers import REPO, query

SEED_TEXT = (REPO / "sources/bienphong/pages/gan-ket-chat-che-post473259-seed.txt").read_bytes()
HOST = "https://www.bienphong.com.vn"


def _sub(pattern: bytes, replacement: bytes):
    def edit(body: bytes) -> bytes:
        edited, n = re.subn(pattern, replacement, body, flags=re.S)
        assert n, f"the replay's page no longer has {pattern!r}"
        return edited

    return edit


def _tamper(sql: str, url: str):
    def tamper(db: str, run_id: str) -> None:
        query(db, sql + " WHERE run_id = %s AND url = %s", (run_id, url))

    return tamper


def test_nul_byte_in_a_text_page(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    fault_server.faults[fault_server.path(url)] = Page(lambda _: SEED_TEXT.replace(b"\n\n", b"\n\x00\n", 1),
                                                       "text/plain; charset=utf-8")
    judge(fresh_db, fault_server, ledger, fault="a NUL byte in a text/plain page",
          expected="stored, the NUL dropped (PostgreSQL text cannot hold it)", url=url)


def test_corrupt_stored_gzip(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    first = judge(fresh_db, fault_server, ledger, fault="a stored page whose gzip body is corrupt",
                  expected="reject corrupt_body naming the page", url=url, reason="corrupt_body",
                  tamper=_tamper("UPDATE raw.pages SET body_gz = '\\x1f8b0800deadbeef'::bytea", url))
    ((_, detail, page_id),) = first.results["reject"]
    assert page_id is not None and detail.startswith(f"page {page_id}: "), detail


def test_page_of_a_removed_source(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    judge(fresh_db, fault_server, ledger, fault="a stored page of a source whose folder was removed",
          expected="reject unknown_source", url=url, reason="unknown_source",
          tamper=_tamper("UPDATE raw.pages SET source = 'retired'", url))


def test_gzip_bomb_already_stored(fresh_db, fault_server, ledger):
    """Landed before the crawl's size cap existed: it must not cost 5 GB on every reprocess."""
    url = window_articles(fault_server)[4]

    def tamper(db: str, run_id: str) -> None:
        query(db, "UPDATE raw.pages SET body_gz = %s WHERE run_id = %s AND url = %s",
              (gzip_bomb(), run_id, url))

    judge(fresh_db, fault_server, ledger, fault="a stored gzip bomb (1 MB expanding to 1000 MiB)",
          expected="reject too_large, decompression bounded", url=url, reason="too_large", tamper=tamper)


def test_canonical_url_too_long_for_the_index(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    long_url = f"{HOST}/{'a' * 3000}-post1.html".encode()
    fault_server.faults[fault_server.path(url)] = Page(_sub(rb'rel="canonical" href="[^"]+"',
                                                            b'rel="canonical" href="' + long_url + b'"'))
    judge(fresh_db, fault_server, ledger, fault="a canonical URL over the index's 2,704 bytes",
          expected="the fetched URL is the key; the refusal counted", url=url, counted="canonicals_refused")


def test_canonical_url_with_a_bad_port(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    fault_server.faults[fault_server.path(url)] = Page(_sub(rb'(rel="canonical" href="https://www.bienphong.com.vn)',
                                                            rb"\1:99999"))
    judge(fresh_db, fault_server, ledger, fault="a canonical URL with port 99999",
          expected="stored under the fetched URL (was parse_error)", url=url, counted="canonicals_refused")


def test_date_offset_out_of_range(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    fault_server.faults[fault_server.path(url)] = Page(_sub(rb'(article:published_time" content=)"[^"]+"',
                                                            rb'\1"7/3/2026 10:00 (GMT+25)"'))
    judge(fresh_db, fault_server, ledger, fault="a publication date at GMT+25",
          expected="stored, the date from JSON-LD (was parse_error)", url=url)
    published = query(fresh_db, "SELECT published_at FROM api.articles WHERE url = %s", (url,))[0][0]
    assert published is not None


def test_canonical_pointing_at_another_sources_article(fresh_db, fault_server, ledger):
    """An attacker's page (or a CMS bug) claims another outlet's article as its canonical URL."""
    victim = fault_server.replay.sites["vnexpress.net"].between(*WINDOW)[0].url
    first = run_pass(fresh_db, fault_server, "scheduled__vnexpress", source="vnexpress")
    assert not first.errors, first.errors
    before = query(fresh_db, "SELECT source, url, title, body FROM api.articles WHERE canonical_url = %s", (victim,))
    assert before, "the vnexpress article was not stored"
    url = window_articles(fault_server)[4]
    fault_server.faults[fault_server.path(url)] = Page(_sub(rb'rel="canonical" href="[^"]+"',
                                                            b'rel="canonical" href="' + victim.encode() + b'"'))
    judge(fresh_db, fault_server, ledger, fault="a canonical URL naming another source's stored article",
          expected="the other article untouched; this one stored under its own URL; counted", url=url,
          counted="canonicals_refused")
    after = query(fresh_db, "SELECT source, url, title, body FROM api.articles WHERE canonical_url = %s", (victim,))
    assert after == before, "another source's article was overwritten"


def test_boilerplate_only_body(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    related = "".join(f'<p><a href="{HOST}/tin-{n}-post{n}.html">Xem thêm: Bài viết liên quan số {n} về biên '
                      "giới</a></p>" for n in range(12)).encode()
    fault_server.faults[fault_server.path(url)] = Page(_sub(rb'(<div class="article__body cms-body">).*?(</div>)',
                                                            rb"\1" + related + rb"\2"))
    judge(fresh_db, fault_server, ledger, fault="a body that is only 'Xem thêm' links",
          expected="reject no_body", url=url, reason="no_body")


def test_absurd_title(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    page = fault_server.page(fault_server.path(url))
    title = re.search(rb"<h1[^>]*>([^<]+)</h1>", page).group(1)
    # ASCII, so five copies (title, og:title, JSON-LD, h1, ...) stay inside the 4 MiB page cap.
    fault_server.faults[fault_server.path(url)] = Page(lambda body: body.replace(title, b"Tin " * 191_088))
    judge(fresh_db, fault_server, ledger, fault="a 764,352-character title in every title field",
          expected="reject title_too_long", url=url, reason="title_too_long")


def test_redirect_loop(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    path = fault_server.path(url)
    fault_server.faults[path] = Redirect("/vong-lap-post8000001.html")
    fault_server.faults["/vong-lap-post8000001.html"] = Redirect(path)
    judge(fresh_db, fault_server, ledger, fault="a redirect loop", expected="fetch failure redirect_loop",
          url=url, reason="redirect_loop")


def test_too_many_redirects(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    hops = [fault_server.path(url)] + [f"/chuyen-tiep-{n}-post{8100000 + n}.html" for n in range(25)]
    for here, there in itertools.pairwise(hops):
        fault_server.faults[here] = Redirect(there)
    judge(fresh_db, fault_server, ledger, fault="a chain of 25 redirects", expected="fetch failure too_many_redirects",
          url=url, reason="too_many_redirects")


def test_page_over_the_size_cap(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    huge = b"<html><body>" + b"<p>" + "Biên phòng ".encode() * 800_000 + b"</p></body></html>"
    fault_server.faults[fault_server.path(url)] = Answer(Reply(200, huge))
    first = judge(fresh_db, fault_server, ledger, fault="a 10 MB page", expected="fetch failure too_large", url=url,
                  reason="too_large")
    assert first.results["reject"][0][2] is None, "refused by the crawler (no page landed), not by clean"


def test_gzip_bomb(fresh_db, fault_server, ledger):
    url = window_articles(fault_server)[4]
    fault_server.faults[fault_server.path(url)] = Bomb()
    first = judge(fresh_db, fault_server, ledger, fault="a gzip bomb (1 MB on the wire, 1000 MiB expanded)",
                  expected="fetch failure too_large, decompression stopped at the cap", url=url, reason="too_large")
    assert first.results["reject"][0][2] is None, "refused by the crawler (no page landed), not by clean"


def test_redirect_to_another_site(fresh_db, fault_server, ledger):
    # nld.com.vn is reported to redirect its articles to tuoitre.vn/nld/… (vn-news-sites §3.13): the answer is
    # on another site, which this source must never land as its own (it could claim that site's articles); the
    # link gets a reason naming where it went instead of a silent drop.
    url = window_articles(fault_server)[4]
    fault_server.faults[fault_server.path(url)] = Redirect(
        "https://tuoitre.vn/nld/bai-da-chuyen-sang-bao-khac-196260307083000123.htm")
    judge(fresh_db, fault_server, ledger, fault="a redirect to another site's article",
          expected="fetch failure offsite_redirect", url=url, reason="offsite_redirect")


def test_js_cookie_challenge(fresh_db, fault_server, ledger):
    # Lao Động's challenge (vn-news-sites §3.11) in front of two articles: the crawler answers it with the
    # script's cookie, and the cookie jar carries it on, so both pages land as articles.
    first, second = (fault_server.path(u) for u in window_articles(fault_server)[4:6])
    fault_server.faults[first] = fault_server.faults[second] = CookieChallenge()
    judge(fresh_db, fault_server, ledger, fault="a JS cookie challenge (set a cookie, reload)", expected="stored",
          url=window_articles(fault_server)[4])
    assert window_articles(fault_server)[5] in stored_urls(fresh_db)
    (challenges,) = query(fresh_db, "SELECT (stats->>'bantin/cookie_challenges')::int FROM raw.crawls "
                                    "WHERE run_id = 'scheduled__fault'")[0]
    assert challenges >= 1, "no challenge was met: the fault did not apply"
