"""Discovery on recorded bytes: the real VnExpress/Tuổi Trẻ listings, feeds, sitemaps and archive templates."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import REPO, VN, listing_spec, vn

from crawlers import discovery as disc
from sources import load_profile, source_names
from sources.dates import parse_time

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RECORDED = {
    "vnexpress_list": REPO / "sources/vnexpress/replay/recorded/vnexpress_list.html",
    "tuoitre_list": REPO / "sources/tuoitre/replay/recorded/tuoitre_list.html",
}


# --- listings (real pages, read by the profiles' own selectors) -------------------------------------------

def test_vnexpress_real_listing():
    page = disc.parse_listing(RECORDED["vnexpress_list"].read_bytes(), "https://vnexpress.net/kinh-doanh",
                              listing_spec("vnexpress", "https://vnexpress.net/kinh-doanh"))
    # 53 article.item-news blocks: 6 ad/placeholder blocks have no h3.title-news link, 47 stories remain.
    assert len(page.items) == 47
    assert page.items[0] == disc.Candidate(
        "https://vnexpress.net/gia-vang-the-gioi-tang-manh-dau-tho-vuot-90-usd-5047621.html", None)
    # The 6 top stories carry no data-publishtime; everything after them does (unix seconds).
    assert [c.discovered_at for c in page.items[:6]] == [None] * 6
    assert all(c.discovered_at for c in page.items[6:])
    seventh = page.items[6]
    assert seventh.url == "https://vnexpress.net/thai-nguyen-dan-dau-ca-nuoc-ve-thu-hut-fdi-dau-nam-2026-5047492.html"
    assert seventh.discovered_at == datetime.fromtimestamp(1772789449, tz=UTC)
    assert seventh.discovered_at.astimezone(VN) == vn(2026, 3, 6, 16, 30, 49)
    assert page.items[-1].url.endswith("-5046102.html")
    assert page.items[-1].discovered_at == datetime.fromtimestamp(1772575200, tz=UTC)
    assert page.next_url == "https://vnexpress.net/kinh-doanh-p2"


def test_vnexpress_listing_stop_signal():
    page = disc.parse_listing(RECORDED["vnexpress_list"].read_bytes(), "https://vnexpress.net/kinh-doanh",
                              listing_spec("vnexpress", "https://vnexpress.net/kinh-doanh"))
    # Newest dated item: 2026-03-06 16:30 (+07). A window from 03-07 needs no page 2; one from 03-05 does.
    assert disc.listing_exhausted(page, vn(2026, 3, 7, 0, 0), known=set())
    assert not disc.listing_exhausted(page, vn(2026, 3, 5, 0, 0), known=set())
    # A page that only repeats what earlier pages listed is the end, whatever its dates.
    assert disc.listing_exhausted(page, vn(2026, 3, 5, 0, 0), known={c.url for c in page.items})


def test_tuoitre_real_listing_dated_by_url():
    page = disc.parse_listing(RECORDED["tuoitre_list"].read_bytes(), "https://tuoitre.vn/kinh-doanh.htm",
                              listing_spec("tuoitre", "https://tuoitre.vn/kinh-doanh.htm"))
    # 18 a.box-category-link-title anchors, 15 distinct stories (the top stories repeat); relative hrefs.
    assert len(page.items) == 15
    first = page.items[0]
    assert first.url == "https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"
    assert first.discovered_at == vn(2026, 3, 7, 7, 55, 19)
    # A 16-digit id (yyyymmddhhmmss + 2) still yields its time.
    third = page.items[2]
    assert third.url.endswith("-2026030707011493.htm")
    assert third.discovered_at == vn(2026, 3, 7, 7, 1, 14)
    assert all(c.discovered_at for c in page.items)
    assert page.next_url is None


def test_window_over_real_listing():
    page = disc.parse_listing(RECORDED["tuoitre_list"].read_bytes(), "https://tuoitre.vn/kinh-doanh.htm",
                              listing_spec("tuoitre", "https://tuoitre.vn/kinh-doanh.htm"))
    article_url = load_profile("tuoitre")["article_url"]
    picked = disc.select_articles(page.items, vn(2026, 3, 7, 7, 30), vn(2026, 3, 7, 8, 30), article_url)
    # 07:47, 07:55 and 07:56 are inside; 07:01 and 07:23 are ids (creation times) within the profile's
    # 60-minute lead, so they may have been published inside the window and are fetched too.
    assert sorted(c.url.rsplit("-", 1)[1] for c in picked) == [
        "2026030707011493.htm", "20260307072325784.htm",
        "20260307074732188.htm", "20260307075519174.htm", "20260307075621356.htm"]


# --- feeds and sitemaps ---------------------------------------------------------------------------------

def test_rss_with_cdata():
    items = disc.parse_feed((FIXTURES / "rss_cdata.xml").read_bytes(), "https://vnexpress.net/rss/tin-moi-nhat.rss")
    assert [c.url for c in items] == [
        "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
        "https://vnexpress.net/gia-vang-the-gioi-tang-manh-dau-tho-vuot-90-usd-5047621.html",
        "https://vnexpress.net/video/mot-video-4000001.html",
    ]
    assert items[0].discovered_at == vn(2026, 3, 7, 0, 5)
    assert items[2].discovered_at is None


def test_rss_without_cdata():
    items = disc.parse_feed((FIXTURES / "rss_plain.xml").read_bytes(), "https://www.bienphong.com.vn/rss/kinh-te.rss")
    assert len(items) == 2
    assert items[0].url.endswith("-post462001.html")
    assert items[0].discovered_at == datetime(2023, 9, 24, 5, 2, tzinfo=UTC)  # "GMT" is UTC
    assert items[1].discovered_at == vn(2023, 9, 23, 21, 15)


def test_sitemap_index():
    children, pages = disc.parse_sitemap((FIXTURES / "sitemap_index.xml").read_bytes(),
                                         "https://www.bienphong.com.vn/sitemap.xml")
    assert pages == []
    assert [c.url.rsplit("/", 1)[1] for c in children] == ["news-2026-3.xml", "news-2026-2.xml", "categories.xml"]
    assert children[0].discovered_at == vn(2026, 3, 7, 11, 58)
    assert children[2].discovered_at is None


def test_news_sitemap_prefers_publication_date():
    children, pages = disc.parse_sitemap((FIXTURES / "news_sitemap.xml").read_bytes(), "https://tuoitre.vn/x.xml")
    assert children == []
    assert len(pages) == 3
    # news:publication_date wins over lastmod (an edit time); a naive lastmod is read as +07:00.
    assert pages[0].discovered_at == vn(2026, 3, 7, 8, 1, 53)
    assert pages[1].discovered_at == vn(2026, 3, 6, 22, 53, 13)
    assert pages[2].discovered_at is None
    picked = disc.select_articles(pages, vn(2026, 3, 7, 8), vn(2026, 3, 7, 9), load_profile("tuoitre")["article_url"])
    assert [c.url for c in picked] == [pages[0].url]  # the section page fails the article pattern


# --- dated archives -------------------------------------------------------------------------------------

def archive_spec(source: str) -> dict:
    (spec,) = load_profile(source)["discovery"]["archives"]
    return spec


def test_vnexpress_day_range_archive():
    urls = disc.expand_archive(archive_spec("vnexpress"), vn(2026, 3, 6, 23, 30), vn(2026, 3, 7, 0, 30))
    # Two local days touched; each is [00:00, 24:00) +07:00 in unix seconds.
    assert urls == [
        "https://vnexpress.net/category/day/cateid/1001005/fromdate/1772730000/todate/1772816400",
        "https://vnexpress.net/category/day/cateid/1001005/fromdate/1772816400/todate/1772902800",
    ]
    assert datetime.fromtimestamp(1772816400, tz=VN) == vn(2026, 3, 7)


def test_tuoitre_five_day_shards_across_month_end():
    urls = disc.expand_archive(archive_spec("tuoitre"), vn(2026, 2, 24, 12), vn(2026, 3, 6, 1))
    assert [u.rsplit("/", 1)[1] for u in urls] == [
        "sitemaps-2026-2-21-25.xml", "sitemaps-2026-2-26-28.xml", "sitemaps-2026-3-1-5.xml",
        "sitemaps-2026-3-6-10.xml"]
    # The last shard of a 31-day month runs 26-31.
    urls = disc.expand_archive(archive_spec("tuoitre"), vn(2026, 1, 30), vn(2026, 1, 31, 5))
    assert [u.rsplit("/", 1)[1] for u in urls] == ["sitemaps-2026-1-26-31.xml"]


def test_bienphong_monthly_sitemaps_across_year_end():
    urls = disc.expand_archive(archive_spec("bienphong"), vn(2025, 12, 31, 22), vn(2026, 1, 1, 2))
    assert urls == ["https://www.bienphong.com.vn/sitemaps/news-2025-12.xml",
                    "https://www.bienphong.com.vn/sitemaps/news-2026-1.xml"]


def test_window_bounds_are_local_days():
    # 18:00Z on 03-06 is already 01:00 on 03-07 in Vietnam: only the 03-07 day listing is needed.
    urls = disc.expand_archive(archive_spec("vnexpress"), datetime(2026, 3, 6, 18, tzinfo=UTC),
                               datetime(2026, 3, 6, 19, tzinfo=UTC))
    assert urls == ["https://vnexpress.net/category/day/cateid/1001005/fromdate/1772816400/todate/1772902800"]


# --- window and pattern filter --------------------------------------------------------------------------

def test_select_articles_window_pattern_and_dedup():
    article_url = load_profile("vnexpress")["article_url"]
    inside = "https://vnexpress.net/mot-bai-1234567.html"
    candidates = [
        disc.Candidate(inside, None),                                   # undated first ...
        disc.Candidate(inside, vn(2026, 3, 7, 11, 30)),                 # ... then dated inside: kept, dated
        disc.Candidate("https://vnexpress.net/bai-cu-1234568.html", vn(2026, 3, 7, 10, 59)),   # before start
        disc.Candidate("https://vnexpress.net/bai-bien-1234569.html", vn(2026, 3, 7, 12, 0)),  # end is open
        disc.Candidate("https://vnexpress.net/khong-ngay-1234570.html", None),                 # undated: kept
        disc.Candidate("https://vnexpress.net/kinh-doanh-p2", None),                           # not an article
        disc.Candidate("https://vnexpress.net/topic/chu-de-1234571", None),
    ]
    picked = disc.select_articles(candidates, vn(2026, 3, 7, 11), vn(2026, 3, 7, 12), article_url)
    assert picked == [disc.Candidate(inside, vn(2026, 3, 7, 11, 30)),
                      disc.Candidate("https://vnexpress.net/khong-ngay-1234570.html", None)]


@pytest.mark.parametrize("value, fmt, expected", [
    ("1772789449", "epoch", datetime(2026, 3, 6, 9, 30, 49, tzinfo=UTC)),
    ("2026-03-07T08:01:53+07:00", "iso", vn(2026, 3, 7, 8, 1, 53)),
    ("2026-03-07T08:52:11.000 +07:00", "iso", vn(2026, 3, 7, 8, 52, 11)),   # VietNamNet's space
    ("2026-03-07 08:07", "iso", vn(2026, 3, 7, 8, 7)),                       # offsetless means +07:00
    ("Sat, 07 Mar 2026 00:05:00 +0700", "rfc822", vn(2026, 3, 7, 0, 5)),
    ("20260307075519", "%Y%m%d%H%M%S", vn(2026, 3, 7, 7, 55, 19)),
    ("", "iso", None),
    ("not a date", "iso", None),
])
def test_parse_time(value, fmt, expected):
    assert parse_time(value, fmt) == expected


def test_every_profile_has_a_usable_discovery_section():
    for name in source_names():
        d = load_profile(name)["discovery"]
        assert d.get("feeds") or d.get("sitemaps") or d.get("listings"), f"{name}: no recent-news discovery"
        assert d.get("archives"), f"{name}: no dated archive, so backfill cannot reach old days"
        for spec in d["archives"]:
            assert spec["parse"] in ("sitemap", "listing"), f"{name}: archive parse must be sitemap|listing"
            assert disc.expand_archive(spec, vn(2026, 3, 7), vn(2026, 3, 8)), f"{name}: archive expands to nothing"


@pytest.mark.parametrize("parse", [
    lambda b: disc.parse_feed(b, "https://x.vn/rss"),
    lambda b: disc.parse_sitemap(b, "https://x.vn/sitemap.xml"),
    lambda b: disc.parse_listing(b, "https://x.vn/", {"link": "a"}),
])
def test_empty_document_is_a_value_error(parse):
    # The spider counts these as unparseable discovery pages instead of crashing the callback.
    with pytest.raises(ValueError):
        parse(b"")


def test_creation_time_ids_carry_a_lead():
    # Tuổi Trẻ ids encode the CMS creation time (07:55:19 for an article published 08:01:53): a window
    # starting at 08:00 must still pick it up, within the profile's lead.
    spec = {"link": "a", "url_time": {"pattern": r"-(\d{14})\d{3}\.htm$", "format": "%Y%m%d%H%M%S",
                                      "lead_minutes": 60}}
    body = b'<html><body><a href="/bai-viet-20260307075519174.htm">x</a></body></html>'
    (item,) = disc.parse_listing(body, "https://tuoitre.vn/kinh-doanh.htm", spec).items
    assert item.discovered_at == vn(2026, 3, 7, 7, 55, 19) and item.lead == timedelta(minutes=60)
    assert disc.in_window(item, vn(2026, 3, 7, 8), vn(2026, 3, 7, 9))
    assert not disc.in_window(item, vn(2026, 3, 7, 9), vn(2026, 3, 7, 10))


def test_numbered_pages_follow_the_template_when_no_next_link():
    spec = {"link": "a", "page_template": "https://nld.com.vn/timelinelist/1961014/{page}.htm"}
    page = disc.parse_listing(b"<html><body><a href='/a-196260306144618499.htm'>a</a></body></html>",
                              "https://nld.com.vn/kinh-te.htm", spec)
    assert disc.next_page_url(page, spec, 1) == "https://nld.com.vn/timelinelist/1961014/2.htm"
    linked = disc.ListingPage(page.items, "https://nld.com.vn/kinh-te/trang-2.htm")
    assert disc.next_page_url(linked, spec, 1) == "https://nld.com.vn/kinh-te/trang-2.htm"


def test_a_lastmod_shared_by_every_url_is_not_a_date():
    body = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>https://vov.vn/a-post1.vov</loc><lastmod>2026-03-07T10:00:00+07:00</lastmod></url>"
            b"<url><loc>https://vov.vn/b-post2.vov</loc><lastmod>2026-03-07T10:00:00+07:00</lastmod></url>"
            b"</urlset>")
    _, pages = disc.parse_sitemap(body, "https://vov.vn/sitemaps/2026/3/article.xml")
    assert [c.discovered_at for c in pages] == [None, None]


# --- the real "Thời sự" section pages of 2026-01-15 -------------------------------------------------------

THOI_SU = {source: REPO / f"sources/{source}/replay/recorded/{source}_thoi-su_list.html"
           for source in ("tuoitre", "vnexpress")}


def test_tuoitre_real_section_page_read_by_the_profiles_listing():
    url = "https://tuoitre.vn/thoi-su.htm"
    page = disc.parse_listing(THOI_SU["tuoitre"].read_bytes(), url, listing_spec("tuoitre", url))
    assert len(page.items) == 20 and page.next_url is None
    assert page.items[0].url == ("https://tuoitre.vn/ha-noi-hop-cung-6-tinh-thanh-ban-ve-xay-dung-quy-hoach-thu-do-"
                                 "voi-tam-nhin-100-nam-2026011519310258.htm")
    assert page.items[0].discovered_at == vn(2026, 1, 15, 19, 31, 2)
    # Featured stories reach back (to 2025-12-26); the stream is of the capture's day.
    assert all(vn(2025, 12, 26) <= c.discovered_at < vn(2026, 1, 16) for c in page.items)
    assert sum(c.discovered_at >= vn(2026, 1, 15) for c in page.items) == 14
    # An hourly window of the capture's evening picks what was created in it (and an hour before: the lead).
    picked = disc.select_articles(page.items, vn(2026, 1, 15, 20), vn(2026, 1, 15, 21),
                                  load_profile("tuoitre")["article_url"])
    assert {c.url for c in picked} >= {page.items[1].url} and len(picked) < len(page.items)


def test_vnexpress_real_section_page_of_january_has_links_but_no_times():
    url = "https://vnexpress.net/thoi-su"
    page = disc.parse_listing(THOI_SU["vnexpress"].read_bytes(), url, listing_spec("vnexpress", url))
    # The script templates for the top stories (`'+articleData['share_url']+'`) are not links; 43 stories are.
    assert len(page.items) == 43 and page.next_url == "https://vnexpress.net/thoi-su-p2"
    assert all(re.match(load_profile("vnexpress")["article_url"], c.url) for c in page.items)
    assert page.items[0].url.endswith("-5006191.html") and page.items[-1].url.endswith("-5004168.html")
    # This capture carries no data-publishtime: undated items are fetched whatever the window (the load makes
    # that free of duplicates), and pagination stops on repeated URLs and max_pages.
    assert all(c.discovered_at is None for c in page.items)
