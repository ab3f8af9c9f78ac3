"""Discovery for qdnd, vov, baochinhphu, laodong and znews, on recorded bytes read with the profiles' own specs.

baochinhphu_list.html is the real page (shared fixtures, byte-identical); the other recorded files are built from
vn-news-sites.md §3.8-3.12 (sources/README.md says which).
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime

import pytest
from helpers import REPO, VN, listing_spec, recorded, vn
from lxml import html

from crawlers import discovery as disc
from sources import load_profile

BCP_URL = "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm"


def archive_spec(source: str) -> dict:
    (spec,) = load_profile(source)["discovery"]["archives"]
    return spec


def article_re(source: str) -> re.Pattern:
    return re.compile(load_profile(source)["article_url"])


# --- baochinhphu: the real listing -----------------------------------------------------------------------

def bcp_page() -> disc.ListingPage:
    return disc.parse_listing(recorded("baochinhphu", "baochinhphu_list.html"), BCP_URL,
                              listing_spec("baochinhphu", BCP_URL))


def test_baochinhphu_listing_is_the_shared_fixture_byte_for_byte():
    digest = hashlib.sha256(recorded("baochinhphu", "baochinhphu_list.html")).hexdigest()
    assert digest == "cc9e955e0d898afe7e837b061055e5bddeea9165f67a5418b110fa42c3a64a73"


def test_baochinhphu_real_listing_items():
    page = bcp_page()
    # Focus box: 1 lead (.box-category-item-first) + 1 .box-category-item + 4 .box-category-item-sub = 6;
    # timeline stream: 5 + 13 .box-stream-item = 18. The sidebar's "Tham vấn chính sách" links are not this zone's.
    assert len(page.items) == 24
    assert all(article_re("baochinhphu").match(c.url) for c in page.items)
    assert not any("de-nghi-sua-doi-luat-hai-quan" in c.url for c in page.items)
    lead = page.items[0]
    assert lead.url == "https://baochinhphu.vn/moi-giao-vien-mam-non-khong-kiem-nhiem-qua-2-nhiem-vu-102260305092012481.htm"
    # title="3/5/2026 3:34:00 PM" is 5 March (US order, 12 h), as the visible text "05/03/2026 15:34" says; a
    # day-first reading would give 3 May.
    assert lead.discovered_at == vn(2026, 3, 5, 15, 34)
    # The 5 other focus-box stories carry no time at all.
    assert [c.discovered_at for c in page.items[1:6]] == [None] * 5
    assert page.items[1].url.endswith("-10226030416274747.htm")           # a 17-digit id (2-digit tail)
    stream = page.items[6:]
    assert all(c.discovered_at for c in stream)
    assert stream[0] == disc.Candidate(
        "https://baochinhphu.vn/quy-dinh-moi-ve-dau-gia-han-ngach-thue-quan-nhap-khau-o-to-da-qua-su-dung-102260226120050657.htm",
        vn(2026, 2, 26, 12, 0))                                           # "2/26/2026 12:00:00 PM": noon
    assert stream[1].discovered_at == vn(2026, 2, 25, 15, 37)            # "2/25/2026 3:37:00 PM"
    assert stream[2].discovered_at == vn(2026, 2, 25, 11, 42)            # "2/25/2026 11:42:00 AM"
    sixth = stream[7]
    assert sixth.url.endswith("/chinh-sach-moi-co-hieu-luc-tu-thang-2-2026-102260131215205259.htm")
    assert sixth.discovered_at == vn(2026, 2, 1, 6, 51)                  # "2/1/2026 6:51:00 AM", not 2 January
    assert stream[-1].url.endswith("-102260115150452739.htm")
    assert stream[-1].discovered_at == vn(2026, 1, 15, 15, 38)
    # Newest first in the stream.
    assert [c.discovered_at for c in stream] == sorted((c.discovered_at for c in stream), reverse=True)
    # "Xem thêm" is javascript:; pages 2.. are /timelinelist/<zone>/<n>.htm, loaded by script: no next link.
    assert page.next_url is None


def test_baochinhphu_us_title_agrees_with_the_visible_dmy_text():
    # Read the page independently: every dated item's visible DMY 24 h text is the time the spec parsed from
    # the US-ordered title.
    doc = html.fromstring(recorded("baochinhphu", "baochinhphu_list.html").decode("utf-8"))
    shown = {}
    for span in doc.cssselect(".box-category-time, .box-stream-time"):
        block = next(a for a in span.iterancestors() if "box-category-item" in (a.get("class") or "")
                     or "box-stream-item" in (a.get("class") or ""))
        shown[block.get("data-id")] = datetime.strptime(span.text.strip(), "%d/%m/%Y %H:%M").replace(tzinfo=VN)
    dated = {re.search(r"-(\d+)\.htm$", c.url).group(1): c.discovered_at for c in bcp_page().items if c.discovered_at}
    assert len(shown) == 19
    assert dated == shown


def test_baochinhphu_zone_id_and_timeline_url_are_on_the_page():
    text = recorded("baochinhphu", "baochinhphu_list.html").decode("utf-8")
    assert 'id="hdZoneId" value="1021119"' in text
    assert "timeline.url = '/timelinelist/{0}/{1}.htm'" in text
    assert archive_spec("baochinhphu")["params"]["zone"] == [1021119]


def test_baochinhphu_listing_stop_signal_and_window():
    page = bcp_page()
    # Newest dated item 2026-03-05 15:34: a window from 03-06 needs no further page; one from 03-01 does.
    assert disc.listing_exhausted(page, vn(2026, 3, 6), known=set())
    assert not disc.listing_exhausted(page, vn(2026, 3, 1), known=set())
    picked = disc.select_articles(page.items, vn(2026, 2, 25, 12), vn(2026, 2, 27),
                                  load_profile("baochinhphu")["article_url"])
    dated = sorted(c.url.rsplit("-", 1)[1] for c in picked if c.discovered_at)
    # 25/02 11:42 is before the window; 25/02 15:37 and 26/02 12:00 are inside; the 5 undated are kept.
    assert dated == ["102260225144002057.htm", "102260226120050657.htm"]
    assert sum(c.discovered_at is None for c in picked) == 5


def test_baochinhphu_timeline_archive_pages():
    urls = disc.expand_archive(archive_spec("baochinhphu"), vn(2026, 3, 7), vn(2026, 3, 8))
    assert urls[0] == "https://baochinhphu.vn/timelinelist/1021119/2.htm"
    assert urls[-1] == "https://baochinhphu.vn/timelinelist/1021119/10.htm"
    assert len(urls) == 9
    # A window over two months expands to the same pages twice: one fetch each after the duplicate filter.
    assert set(disc.expand_archive(archive_spec("baochinhphu"), vn(2026, 2, 27), vn(2026, 3, 2))) == set(urls)


def test_challenge_pages_yield_no_candidates():
    # Cloudflare (baochinhphu) and the JS cookie challenge (laodong) answer in place of listings: no links.
    page = disc.parse_listing(recorded("baochinhphu", "baochinhphu_challenge.html"), BCP_URL,
                              listing_spec("baochinhphu", BCP_URL))
    assert page == disc.ListingPage([], None)
    page = disc.parse_listing(recorded("laodong", "laodong_challenge.html"), "https://laodong.vn/xa-hoi",
                              listing_spec("laodong"))
    assert page == disc.ListingPage([], None)
    assert disc.listing_exhausted(page, vn(2026, 3, 7), known=set())


def test_challenge_pages_are_never_articles():
    from transforms.extract import Rejected, extract_page

    for source, name, url in (
            ("baochinhphu", "baochinhphu_challenge.html",
             "https://baochinhphu.vn/bo-sung-chinh-sach-ho-tro-hoc-phi-cho-hoc-sinh-vung-dong-bao-dan-toc-thieu-so-102260307102512345.htm"),
            ("laodong", "laodong_challenge.html",
             "https://laodong.vn/xa-hoi/nhieu-doanh-nghiep-tang-luong-de-giu-chan-cong-nhan-sau-tet-1402731.ldo")):
        with pytest.raises(Rejected):
            extract_page(recorded(source, name), url)


# --- article URL patterns -------------------------------------------------------------------------------

@pytest.mark.parametrize("source, url, is_article", [
    ("qdnd", "https://www.qdnd.vn/quoc-phong-an-ninh/tin-tuc/su-doan-312-khai-mac-hoi-thao-quan-su-nam-2026-874512",
     True),
    ("qdnd", "https://qdnd.vn/chinh-tri/hoi-nghi-quan-uy-trung-uong-873999", True),
    ("qdnd", "https://www.qdnd.vn/quoc-phong-an-ninh/tin-tuc/su-doan-312-874512.html", False),   # no extension
    ("qdnd", "https://www.qdnd.vn/quoc-phong-an-ninh", False),
    ("qdnd", "https://www.qdnd.vn/quoc-phong-an-ninh/tin-tuc/p/2", False),
    ("vov", "https://vov.vn/xa-hoi/giao-duc/ha-noi-chot-phuong-an-tuyen-sinh-lop-10-nam-hoc-2026-2027-post1270456.vov",
     True),
    ("vov", "https://vov.vn/xa-hoi/thoi-tiet-ha-noi-cuoi-tuan-post1270401.vov", True),
    ("vov", "https://vov.vn/video/toan-canh-le-ra-quan-huan-luyen-1270380.vov", False),
    ("vov", "https://vov.vn/xa-hoi", False),
    ("baochinhphu", "https://baochinhphu.vn/quy-dinh-tham-quyen-tuyen-dung-nha-giao-10226012111003401.htm", True),
    ("baochinhphu", "https://baochinhphu.vn/chinh-sach-va-cuoc-song/chinh-sach-moi.htm", False),
    ("baochinhphu", "https://baochinhphu.vn/timelinelist/1021119/2.htm", False),
    ("laodong", "https://laodong.vn/xa-hoi/nhieu-doanh-nghiep-tang-luong-de-giu-chan-cong-nhan-sau-tet-1402731.ldo",
     True),
    ("laodong", "https://laodong.vn/tags/tang-luong-1452.ldo", True),      # a tag page has the same shape [R]
    ("laodong", "https://laodong.vn/xa-hoi?page=2", False),
    ("znews", "https://znews.vn/gia-xang-dau-dong-loat-tang-tu-15h-chieu-nay-post1634512.html", True),
    ("znews", "https://lifestyle.znews.vn/mot-bai-lifestyle-post1634000.html", True),      # sub-domain section
    ("znews", "https://znews.vn/xuat-ban/trang50.html", False),
    ("znews", "https://znews.vn/tieu-diem/gia-xang.html", False),
])
def test_article_url(source, url, is_article):
    assert bool(article_re(source).match(url)) is is_article


# --- qdnd -----------------------------------------------------------------------------------------------

def test_qdnd_rss_cdata():
    items = disc.parse_feed(recorded("qdnd", "qdnd_rss.xml"), "https://www.qdnd.vn/rss/cate/tin-tuc-moi-nhat.rss")
    assert [c.url for c in items] == [
        "https://www.qdnd.vn/quoc-phong-an-ninh/tin-tuc/su-doan-312-khai-mac-hoi-thao-quan-su-nam-2026-874512",
        "https://www.qdnd.vn/chinh-tri/tin-tuc/hoi-nghi-quan-uy-trung-uong-873999",
        "https://www.qdnd.vn/quoc-phong-an-ninh",
    ]
    assert items[0].discovered_at == vn(2026, 3, 7, 8, 15)
    picked = disc.select_articles(items, vn(2026, 3, 6), vn(2026, 3, 8), load_profile("qdnd")["article_url"])
    assert len(picked) == 2                                              # the section link is not an article


def test_qdnd_listing():
    page = disc.parse_listing(recorded("qdnd", "qdnd_list.html"), "https://www.qdnd.vn/quoc-phong-an-ninh/tin-tuc",
                              listing_spec("qdnd"))
    # The thumbnail links the first story again: it is counted once.
    assert [c.url.rsplit("-", 1)[1] for c in page.items] == ["874512", "873960", "873421"]
    assert [c.discovered_at for c in page.items] == [vn(2026, 3, 7, 8, 15), vn(2026, 3, 5, 16, 5),
                                                     vn(2026, 3, 2, 7, 30)]
    assert page.next_url == "https://www.qdnd.vn/quoc-phong-an-ninh/tin-tuc/p/2"


def test_qdnd_rss_redirect_quirk_is_declared():
    quirks = " ".join(load_profile("qdnd")["quirks"])
    assert "/rss" in quirks and "cookie" in quirks


# --- vov ------------------------------------------------------------------------------------------------

def test_vov_rss():
    items = disc.parse_feed(recorded("vov", "vov_rss.xml"), "https://vov.vn/rss.xml")
    assert len(items) == 3
    assert items[1] == disc.Candidate("https://vov.vn/xa-hoi/thoi-tiet-ha-noi-cuoi-tuan-post1270401.vov",
                                      vn(2026, 3, 7, 6, 5))
    picked = disc.select_articles(items, vn(2026, 3, 7), vn(2026, 3, 8), load_profile("vov")["article_url"])
    assert len(picked) == 2                                              # the video is outside article_url


def test_vov_listing():
    page = disc.parse_listing(recorded("vov", "vov_list.html"), "https://vov.vn/xa-hoi", listing_spec("vov"))
    assert [c.discovered_at for c in page.items] == [vn(2026, 3, 7, 9, 30), vn(2026, 3, 7, 6, 5)]
    assert page.next_url == "https://vov.vn/xa-hoi?page=1"


def test_vov_monthly_shards_include_the_current_month_across_year_end():
    # The root index lists a month only after it ends, so the current month's shard comes from the template.
    urls = disc.expand_archive(archive_spec("vov"), vn(2025, 12, 31, 22), vn(2026, 1, 1, 2))
    assert urls == ["https://vov.vn/sitemaps/2025/12/article.xml", "https://vov.vn/sitemaps/2026/1/article.xml"]
    assert disc.expand_archive(archive_spec("vov"), vn(2026, 3, 7), vn(2026, 3, 7, 1)) == [
        "https://vov.vn/sitemaps/2026/3/article.xml"]


def test_vov_shard_urls():
    children, pages = disc.parse_sitemap(recorded("vov", "vov_sitemap_2026_3_article.xml"),
                                         "https://vov.vn/sitemaps/2026/3/article.xml")
    assert children == []
    assert len(pages) == 4
    assert len(disc.select_articles(pages, vn(2026, 3, 1), vn(2026, 4, 1), load_profile("vov")["article_url"])) == 3


def test_vov_uniform_lastmod_is_not_a_publication_date():
    _, pages = disc.parse_sitemap(recorded("vov", "vov_sitemap_2026_3_article.xml"),
                                  "https://vov.vn/sitemaps/2026/3/article.xml")
    # The 06:05 weather story (its RSS pubDate) must be found by a 06:00-07:00 backfill window; every <lastmod>
    # in the shard says 10:00, which is when the shard was built, not when anything was published.
    picked = disc.select_articles(pages, vn(2026, 3, 7, 6), vn(2026, 3, 7, 7), load_profile("vov")["article_url"])
    assert "https://vov.vn/xa-hoi/thoi-tiet-ha-noi-cuoi-tuan-post1270401.vov" in {c.url for c in picked}


# --- laodong --------------------------------------------------------------------------------------------

def test_laodong_listing():
    page = disc.parse_listing(recorded("laodong", "laodong_list.html"), "https://laodong.vn/xa-hoi",
                              listing_spec("laodong"))
    # Lead story in an h2, the rest in h3; relative and absolute hrefs; a story from another section is kept.
    assert [c.url for c in page.items] == [
        "https://laodong.vn/xa-hoi/nhieu-doanh-nghiep-tang-luong-de-giu-chan-cong-nhan-sau-tet-1402731.ldo",
        "https://laodong.vn/xa-hoi/thi-truong-lao-dong-sau-tet-soi-dong-1401502.ldo",
        "https://laodong.vn/cong-doan/cong-doan-don-cong-nhan-tro-lai-lam-viec-sau-tet-1401988.ldo",
    ]
    assert page.items[2].discovered_at == vn(2026, 3, 6, 8, 45)
    assert page.next_url == "https://laodong.vn/xa-hoi?page=2"
    # Not strictly ordered (the 06/03 story follows the 05/03 one): the stop signal uses the newest date.
    assert not disc.listing_exhausted(page, vn(2026, 3, 7), known=set())
    assert disc.listing_exhausted(page, vn(2026, 3, 8), known=set())


# --- znews ----------------------------------------------------------------------------------------------

def test_znews_listing_cap_repeats_page_50():
    spec = listing_spec("znews")
    assert spec["max_pages"] == 50
    body = recorded("znews", "znews_list_trang50.html")
    page50 = disc.parse_listing(body, "https://znews.vn/xuat-ban/trang50.html", spec)
    assert len(page50.items) == 3
    assert page50.items[0] == disc.Candidate("https://znews.vn/nha-van-nguyen-nhat-anh-ra-mat-sach-moi-post1583120.html",
                                             vn(2025, 10, 20, 16, 30))
    assert page50.next_url == "https://znews.vn/xuat-ban/trang51.html"
    # Page 51 is served the same bytes (status 200, no 404): nothing new, so pagination stops there even when
    # the window reaches further back than page 50 does.
    page51 = disc.parse_listing(body, "https://znews.vn/xuat-ban/trang51.html", spec)
    assert disc.listing_exhausted(page51, vn(2025, 1, 1), known={c.url for c in page50.items})


def test_znews_sitemap_index_children_carry_lastmod():
    children, pages = disc.parse_sitemap(recorded("znews", "znews_sitemap.xml"), "https://znews.vn/sitemap/sitemap.xml")
    assert pages == []
    assert [c.url.rsplit("/", 1)[1] for c in children] == [
        "sitemap-news.xml", "sitemap-article-2026-03.xml", "sitemap-article-2026-02.xml", "sitemap-article-2026-01.xml"]
    # The spider skips children last modified before the window: a 2026-02-15 window keeps news, 03 and 02.
    fresh = [c for c in children if c.discovered_at is None or c.discovered_at >= vn(2026, 2, 15)]
    assert len(fresh) == 3
    assert disc.expand_archive(archive_spec("znews"), vn(2026, 2, 15), vn(2026, 2, 16)) == [
        "https://znews.vn/sitemap/sitemap.xml"]


# --- every batch-2 profile -----------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["qdnd", "vov", "baochinhphu", "laodong", "znews"])
def test_profile_declares_identity_discovery_and_quirks(source):
    p = load_profile(source)
    assert p["name"] == source and p["language"] == "vi"
    assert p["discovery"].get("feeds") and p["discovery"].get("listings") and p["discovery"].get("archives")
    assert p["quirks"] and all(isinstance(q, str) and q for q in p["quirks"])
    assert {"title", "sapo", "body", "published_at"} <= set(p["extract"])
    pages = list((REPO / "sources" / source / "pages").glob("*.html"))
    assert pages, f"{source}: no recorded page"
