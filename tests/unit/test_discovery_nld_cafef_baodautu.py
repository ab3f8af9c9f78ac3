"""Discovery on the real NLĐ, CafeF and Báo Đầu Tư listings (saved 2026-03-07), read with the profiles' own specs.

The expected URLs, counts and times were read off the pages (see the comments); the profiles are
sources/{nld,cafef,baodautu}/profile.yaml.
"""
from __future__ import annotations

import re

import pytest
from helpers import REPO, vn

from crawlers import discovery as disc
from sources import load_profile, profile_for_url
from sources.dates import parse_time

RECORDED = {name: REPO / f"sources/{name}/replay/recorded/{name}_list.html" for name in ("nld", "cafef", "baodautu")}
NLD_URL = "https://nld.com.vn/kinh-te.htm"
CAFEF_URL = "https://cafef.vn/thi-truong-chung-khoan.chn"
BDT_URL = "https://baodautu.vn/tai-chinh-chung-khoan-d6/"


def listing(source: str, url: str) -> tuple[dict, disc.ListingPage]:
    (spec,) = [s for s in load_profile(source)["discovery"]["listings"] if s["url"] == url]
    return spec, disc.parse_listing(RECORDED[source].read_bytes(), url, spec)


def test_recorded_listings_are_the_shared_fixtures_byte_for_byte():
    import hashlib

    # sha256 prefixes from ../shared/fixtures/real/README.md
    prefixes = {"nld": "3ca02948e9dba2c4", "cafef": "ac400446443389d0", "baodautu": "9154ee3a9dbde920"}
    for name, prefix in prefixes.items():
        assert hashlib.sha256(RECORDED[name].read_bytes()).hexdigest().startswith(prefix), name


# --- Người Lao Động ---------------------------------------------------------------------------------------

def test_nld_real_listing_dated_by_id():
    _, page = listing("nld", NLD_URL)
    # 24 a.box-category-link-title stories, all distinct; the 20 related links use another class. Relative hrefs.
    assert len(page.items) == 24
    first = page.items[0]
    assert first.url == ("https://nld.com.vn/nhung-sai-sot-ho-kinh-doanh-thuong-gap-khi-thuc-hien-quy-dinh-moi-ve-thue"
                         "-196260307071308923.htm")
    # 196 + yymmddhhmmss: 26-03-07 07:13:08. This is the id's creation time, a lower bound of publication.
    assert first.discovered_at == vn(2026, 3, 7, 7, 13, 8)
    assert page.items[1].url.endswith("-196260307081326128.htm")
    assert page.items[1].discovered_at == vn(2026, 3, 7, 8, 13, 26)   # the page is not in time order
    assert page.items[-1].url.endswith(
        "/nguoi-dan-co-nhieu-nha-cho-thue-cach-tinh-va-nop-thue-the-nao-196260306082424098.htm")
    assert page.items[-1].discovered_at == vn(2026, 3, 6, 8, 24, 24)
    assert all(c.discovered_at for c in page.items)
    assert max(c.discovered_at for c in page.items) == vn(2026, 3, 7, 8, 13, 26)
    # No next link on the page: page 2 is timelinelist/<zoneId>/2.htm (#hdZoneId 1961014), see page_template.
    assert page.next_url is None
    article_url = re.compile(load_profile("nld")["article_url"])
    assert all(article_url.match(c.url) for c in page.items)


def test_nld_zone_id_and_page_template_agree_with_the_page():
    spec, _ = listing("nld", NLD_URL)
    body = RECORDED["nld"].read_text(encoding="utf-8")
    zone = re.search(r'id="hdZoneId" value="(\d+)"', body).group(1)
    assert zone == "1961014"
    assert spec["page_template"].format(page=2) == f"https://nld.com.vn/timelinelist/{zone}/2.htm"
    assert 'href="https://nld.com.vn/rss/kinh-te.rss"' in body
    assert load_profile("nld")["discovery"]["feeds"] == ["https://nld.com.vn/rss/kinh-te.rss"]


def test_nld_listing_stop_signal():
    _, page = listing("nld", NLD_URL)
    assert disc.listing_exhausted(page, vn(2026, 3, 7, 9, 0), known=set())       # newest id is 08:13
    assert not disc.listing_exhausted(page, vn(2026, 3, 7, 8, 0), known=set())
    assert disc.listing_exhausted(page, vn(2026, 3, 6, 0, 0), known={c.url for c in page.items})


# --- CafeF ------------------------------------------------------------------------------------------------

def test_cafef_real_listing_times_from_time_ago_title():
    _, page = listing("cafef", CAFEF_URL)
    # 21 .tlitem.box-category-item blocks, one h3 link each; span.time-ago[title] is naive ISO local time.
    assert len(page.items) == 21
    first = page.items[0]
    assert first.url == ("https://cafef.vn/tap-doan-hoa-sen-dat-ke-hoachloi-nhuan-sau-thue-len-toi-600-ty-dong-trong"
                         "-ndtc-2025-2026-188260307102244359.chn")      # the slug lost the U+00A0 word break
    assert first.discovered_at == vn(2026, 3, 7, 10, 22)
    assert page.items[1].discovered_at == vn(2026, 3, 7, 9, 56)
    # Publication (time-ago) is not the id's time: id 26-03-06 22:56:29, published 03-07 00:10.
    third = page.items[2]
    assert third.url.endswith("-188260306225629255.chn")
    assert third.discovered_at == vn(2026, 3, 7, 0, 10)
    # A 17-digit id (188 + 14 digits) is still an article.
    assert page.items[5].url.endswith("-18826030622510955.chn")
    assert page.items[-1].url.endswith("/lich-su-kien-va-tin-van-chung-khoan-ngay-6-3-2026-188260305234014576.chn")
    assert page.items[-1].discovered_at == vn(2026, 3, 6, 5, 0)
    assert all(c.discovered_at for c in page.items)
    assert page.next_url is None       # timelinelist/18831/<n>.chn, see page_template
    article_url = re.compile(load_profile("cafef")["article_url"])
    assert all(article_url.match(c.url) for c in page.items)


def test_cafef_corrupt_data_time_is_not_used():
    spec, _ = listing("cafef", CAFEF_URL)
    assert spec["time_attr"] == "title" and spec["time_selector"] == "span.time-ago"
    body = RECORDED["cafef"].read_text(encoding="utf-8")
    # The top boxes' p.time[data-time] disagree with their own text: "206/03/2026 - 00:05" shows 06/03/2026 - 00:05.
    assert '<p class="time" data-time="206/03/2026 - 00:05">06/03/2026 - 00:05</p>' in body
    assert parse_time("206/03/2026 - 00:05", "%d/%m/%Y - %H:%M") is None
    # Titles carry a raw U+00A0.
    assert "kế hoạch\u00a0lợi nhuận" in body
    zone = re.search(r'id="hdZoneId" value="(\d+)"', body).group(1)
    assert spec["page_template"].format(page=2) == f"https://cafef.vn/timelinelist/{zone}/2.chn"


def test_cafef_window_over_real_listing():
    _, page = listing("cafef", CAFEF_URL)
    picked = disc.select_articles(page.items, vn(2026, 3, 7, 0, 0), vn(2026, 3, 7, 1, 0),
                                  load_profile("cafef")["article_url"])
    # 00:10, 00:08, 00:05 and 00:04 fall inside; 23:02 the day before does not.
    assert sorted(c.discovered_at.minute for c in picked) == [4, 5, 8, 10]
    assert disc.listing_exhausted(page, vn(2026, 3, 7, 11, 0), known=set())
    assert not disc.listing_exhausted(page, vn(2026, 3, 7, 10, 0), known=set())


# --- Báo Đầu Tư -------------------------------------------------------------------------------------------

def test_baodautu_real_listing_undated_with_relative_next():
    _, page = listing("baodautu", BDT_URL)
    # Distinct story links of .news_focus (2), article.news_top_box (1), the first .list_thumb_square (5),
    # .list_news_home (12) and the second .list_thumb_square (8, two repeats) = 26; thumbnails repeat titles.
    assert len(page.items) == 26
    assert page.items[0] == disc.Candidate(
        "https://baodautu.vn/xu-phat-giam-doc-tai-chinh-tap-doan-tien-son-thanh-hoa-vi-thao-tung-co-phieu-d538952.html")
    assert page.items[2].url == "https://baodautu.vn/khi-bao-hiem-tro-thanh-don-bay-kien-tao-gia-san-d538940.html"
    assert page.items[8].url == "https://baodautu.vn/nuoc-thu-dau-mot-muon-huy-dong-hon-5499-ty-dong-tu-co-dong-d538858.html"
    assert page.items[-1].url == "https://baodautu.vn/viet-nam-40-nam-doi-moi-hanh-trinh-mo-duong-ra-the-gioi-d511415.html"
    # No per-item times anywhere on the page.
    assert all(c.discovered_at is None for c in page.items)
    # nav.pagation: "p1" (active) comes first; the next page is the link after it, resolved against the
    # fetched URL, not the http:// canonical.
    assert page.next_url == "https://baodautu.vn/tai-chinh-chung-khoan-d6/p2"
    article_url = re.compile(load_profile("baodautu")["article_url"])
    assert all(article_url.match(c.url) for c in page.items)
    assert not article_url.match("https://baodautu.vn/dau-tu-tai-chinh-d6/")


def test_baodautu_relative_pagination_from_a_later_page():
    spec = load_profile("baodautu")["discovery"]["listings"][0]
    page = disc.parse_listing(RECORDED["baodautu"].read_bytes(), "https://baodautu.vn/tai-chinh-chung-khoan-d6/p2",
                              spec)
    # The same bytes fetched as …/p2 resolve the relative "p2" against …/p2's directory.
    assert page.next_url == "https://baodautu.vn/tai-chinh-chung-khoan-d6/p2"
    body = RECORDED["baodautu"].read_text(encoding="utf-8")
    assert '<link rel="canonical" href="http://baodautu.vn/tai-chinh-chung-khoan-d6/" />' in body
    assert "Thứ Bảy, Ngày 07 tháng 03 năm 2026," in body      # the header clock, never a publication date


def test_baodautu_stop_signals_are_new_urls_and_max_pages():
    spec, page = listing("baodautu", BDT_URL)
    # Undated items never end pagination by date; a page repeating known URLs does, and max_pages bounds it.
    assert not disc.listing_exhausted(page, vn(2030, 1, 1), known=set())
    assert disc.listing_exhausted(page, vn(2030, 1, 1), known={c.url for c in page.items})
    assert spec["max_pages"] == 3
    assert "feeds" not in load_profile("baodautu")["discovery"]     # reported empty


# --- dated archives (backfill) ---------------------------------------------------------------------------

def archive(source: str) -> dict:
    (spec,) = load_profile(source)["discovery"]["archives"]
    return spec


def test_cafef_five_day_shards_across_month_end():
    urls = disc.expand_archive(archive("cafef"), vn(2026, 2, 27), vn(2026, 3, 2))
    assert urls == ["https://cafef.vn/sitemaps/sitemaps-2026-2-26-28.xml", "https://cafef.vn/sitemaps/sitemaps-2026-3-1-5.xml"]
    # The shape public crawlers fetched for October 2022: 1-5, …, 26-31.
    urls = disc.expand_archive(archive("cafef"), vn(2022, 10, 1), vn(2022, 11, 1))
    assert [u.rsplit("sitemaps-", 1)[1] for u in urls] == [
        "2022-10-1-5.xml", "2022-10-6-10.xml", "2022-10-11-15.xml", "2022-10-16-20.xml", "2022-10-21-25.xml",
        "2022-10-26-31.xml"]


def test_baodautu_monthly_news_sitemaps_unpadded():
    urls = disc.expand_archive(archive("baodautu"), vn(2025, 12, 31, 23), vn(2026, 3, 7, 12))
    assert urls == ["https://baodautu.vn/sitemaps/news-2025-12.xml", "https://baodautu.vn/sitemaps/news-2026-1.xml",
                    "https://baodautu.vn/sitemaps/news-2026-2.xml", "https://baodautu.vn/sitemaps/news-2026-3.xml"]


def test_nld_hypothesised_shards():
    # Unconfirmed for nld (the CMS family's pattern); see the profile comment.
    assert disc.expand_archive(archive("nld"), vn(2026, 3, 7, 8), vn(2026, 3, 7, 9)) == [
        "https://nld.com.vn/sitemaps/sitemaps-2026-3-6-10.xml"]


# --- routing ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, source", [
    ("https://nld.com.vn/kinh-te.htm", "nld"),
    ("https://cafef.vn/thi-truong-chung-khoan.chn", "cafef"),
    ("https://m.cafef.vn/x-188260307102244359.chn", "cafef"),
    ("http://baodautu.vn/tai-chinh-chung-khoan-d6/", "baodautu"),
    # nld must not capture Tuổi Trẻ: tuoitre.vn is deliberately not in nld's allowed_domains.
    ("https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm", "tuoitre"),
])
def test_profile_routing(url, source):
    assert profile_for_url(url)["name"] == source
