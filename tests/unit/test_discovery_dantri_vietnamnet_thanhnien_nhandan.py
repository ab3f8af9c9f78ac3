"""Discovery for the batch-1 profiles (dantri, vietnamnet, thanhnien, nhandan) on recorded bytes.

The Dân Trí and VietNamNet listings are real pages (shared fixtures, byte-identical copies under each source's
replay/recorded/); the expected values below were read off those pages, not off the parser's output.
"""
from __future__ import annotations

import json
import re

import pytest
from helpers import REPO, listing_spec, vn

from crawlers import discovery as disc
from sources import load_profile

RECORDED = {
    "dantri": REPO / "sources/dantri/replay/recorded/dantri_list.html",
    "vietnamnet": REPO / "sources/vietnamnet/replay/recorded/vietnamnet_list.html",
}


# --- Dân Trí: article.article-item h3 a, dated by the id, next page trang-2 -----------------------------------

DANTRI_URL = "https://dantri.com.vn/kinh-doanh.htm"


@pytest.fixture(scope="module")
def dantri_page():
    return disc.parse_listing(RECORDED["dantri"].read_bytes(), DANTRI_URL, listing_spec("dantri", DANTRI_URL))


def test_dantri_real_listing(dantri_page):
    page = dantri_page
    # 57 article.article-item blocks (7 highlights, 13 timeline items, 5 sidebar "Tiêu điểm", 32 sub-section
    # boxes), each with one h3 link; the highlights reappear in the boxes, so 43 distinct stories remain.
    assert len(page.items) == 43
    first = page.items[0]
    assert first.url == ("https://dantri.com.vn/kinh-doanh/"
                         "gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-dongluong-20260307080054340.htm")
    # The id's first 14 digits are the local creation time; the story was published at 08:07:18 (JSON-LD).
    assert first.discovered_at == vn(2026, 3, 7, 8, 0, 54)
    assert page.items[1].url.endswith("-20260305135210797.htm")
    assert page.items[1].discovered_at == vn(2026, 3, 5, 13, 52, 10)
    # The 13-item paginated timeline (data-content-name category-timeline_page_1) starts after the 7 highlights.
    assert page.items[7].url.endswith("/diem-chung-bat-ngo-giua-ty-phu-an-do-om-16-tan-vang-va-ca-map-tai-chinh"
                                      "-20260305233743751.htm")
    # Every item is dated by its URL; the oldest is an evergreen sub-section pick from October 2025.
    assert all(c.discovered_at for c in page.items)
    assert min(c.discovered_at for c in page.items) == vn(2025, 10, 10, 19, 35, 55)
    assert page.items[-1].url.endswith("-20251010193555138.htm")
    # Relative "/kinh-doanh/trang-2.htm" on a.page-item.next (rel=nofollow; there is no link rel=next).
    assert page.next_url == "https://dantri.com.vn/kinh-doanh/trang-2.htm"


def test_dantri_listing_urls_are_articles(dantri_page):
    article_url = load_profile("dantri")["article_url"]
    picked = disc.select_articles(dantri_page.items, vn(2000, 1, 1), vn(2100, 1, 1), article_url)
    assert len(picked) == 43
    # One sub-section box links into another section; it is still an article URL.
    assert [c.url for c in picked if "/kinh-doanh/" not in c.url] == [
        "https://dantri.com.vn/bat-dong-san/nha-re-hon-o-to-nguoi-tre-trung-quoc-bo-pho-tim-ve-mua-nha-o-du-an-ma"
        "-20260306110524534.htm"]
    # Section, pagination, author and topic pages are not articles.
    for url in (DANTRI_URL, dantri_page.next_url, "https://dantri.com.vn/tac-gia/tri-tuc-3617.htm",
                "https://dantri.com.vn/chu-de/ty-gia-ngoai-te-4276.htm"):
        assert not re.search(article_url, url), url


def test_dantri_listing_stop_signal(dantri_page):
    # Newest id time 2026-03-07 08:00:54: a window from 08:00 needs this page, one from 09:00 stops here.
    assert not disc.listing_exhausted(dantri_page, vn(2026, 3, 7, 8, 0), known=set())
    assert disc.listing_exhausted(dantri_page, vn(2026, 3, 7, 9, 0), known=set())
    assert disc.listing_exhausted(dantri_page, vn(2026, 3, 1), known={c.url for c in dantri_page.items})


def test_dantri_window_over_real_listing(dantri_page):
    picked = disc.select_articles(dantri_page.items, vn(2026, 3, 6, 22), vn(2026, 3, 7, 1),
                                  load_profile("dantri")["article_url"])
    # 22:19 and 23:08 on 03-06, 00:37 on 03-07 fall inside; 08:00 on 03-07 is after the window.
    assert sorted(c.url.rsplit("-", 1)[1] for c in picked) == [
        "20260306221942032.htm", "20260306230818304.htm", "20260307003732124.htm"]


# --- VietNamNet: .vnn-title a, undated, zero-based -page<n> ---------------------------------------------------

VNN_URL = "https://vietnamnet.vn/kinh-doanh"


@pytest.fixture(scope="module")
def vnn_page():
    return disc.parse_listing(RECORDED["vietnamnet"].read_bytes(), VNN_URL, listing_spec("vietnamnet", VNN_URL))


def test_vietnamnet_real_listing(vnn_page):
    page = vnn_page
    # 31 .vnn-title anchors (1 lead h2, 5 top h3, 15 "topStory-15nd" and 10 list items), all distinct.
    assert len(page.items) == 31
    assert page.items[0] == disc.Candidate("https://vietnamnet.vn/co-phieu-flc-duoc-giao-dich-tro-lai-2495349.html")
    assert page.items[1].url == ("https://vietnamnet.vn/gia-xang-dau-tang-manh-quy-binh-on-con-gan-6-000-ty-sao-chua"
                                 "-chi-2495141.html")
    assert page.items[-1].url == ("https://vietnamnet.vn/gia-vang-the-gioi-lai-suy-giam-tuot-moc-5-100-usd-ounce"
                                  "-2494969.html")
    # No item carries a time: the window cannot stop pagination, only max_pages and "no new URL" can.
    assert all(c.discovered_at is None for c in page.items)
    # Zero-based: the category page is page 0 ("1" links to -page0), so the next page is -page1, not -page2.
    assert page.next_url == "https://vietnamnet.vn/kinh-doanh-page1"


def test_vietnamnet_listing_stop_signal(vnn_page):
    assert not disc.listing_exhausted(vnn_page, vn(2026, 3, 7), known=set())
    # Undated items never exhaust by date, however old the window start ...
    assert not disc.listing_exhausted(vnn_page, vn(2030, 1, 1), known=set())
    # ... only a page that repeats what was already listed does.
    assert disc.listing_exhausted(vnn_page, vn(2026, 3, 7), known={c.url for c in vnn_page.items})


def test_vietnamnet_article_pattern(vnn_page):
    article_url = load_profile("vietnamnet")["article_url"]
    assert all(re.search(article_url, c.url) for c in vnn_page.items)
    for url in (VNN_URL, vnn_page.next_url, "https://vietnamnet.vn/co-phieu-flc-tag10255416778094936500.html",
                "https://vietnamnet.vn/kinh-doanh/tai-chinh", "https://vietnamnet.vn/tac-gia/duy-anh-0008IL.html"):
        assert not re.search(article_url, url), url


# --- archives: the dated backfill URLs ------------------------------------------------------------------------

def archive_spec(source: str) -> dict:
    (spec,) = load_profile(source)["discovery"]["archives"]
    return spec


@pytest.mark.parametrize("source, expected", [
    # Monthly, zero-padded month, named by the first day ([R]: a public crawler reads them off sitemaps/articles.xml).
    ("dantri", ["https://dantri.com.vn/sitemaps/Article-2026-02-01.xml",
                "https://dantri.com.vn/sitemaps/Article-2026-03-01.xml"]),
    # Monthly, month BEFORE year ([R]); only part -01 is requested until the index is seen.
    ("vietnamnet", ["https://vietnamnet.vn/sitemap-article-02-2026-01.xml",
                    "https://vietnamnet.vn/sitemap-article-03-2026-01.xml"]),
    # 5-day shards, no zero padding; February's last shard is 26-28.
    ("thanhnien", ["https://thanhnien.vn/sitemaps/sitemaps-2026-2-26-28.xml",
                   "https://thanhnien.vn/sitemaps/sitemaps-2026-3-1-5.xml"]),
    # Monthly, no zero padding.
    ("nhandan", ["https://nhandan.vn/sitemaps/news-2026-2.xml", "https://nhandan.vn/sitemaps/news-2026-3.xml"]),
])
def test_archive_across_month_end(source, expected):
    assert disc.expand_archive(archive_spec(source), vn(2026, 2, 27, 12), vn(2026, 3, 2, 1)) == expected


def test_article_patterns_accept_their_recorded_pages():
    for source in ("dantri", "vietnamnet", "thanhnien", "nhandan"):
        pattern = load_profile(source)["article_url"]
        pages = sorted((REPO / "sources" / source / "pages").glob("*.json"))
        assert pages, source
        for page in pages:
            url = json.loads(page.read_text(encoding="utf-8"))["url"]
            assert re.search(pattern, url), (source, url)
