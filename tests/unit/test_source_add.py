"""`bantin source add`: discovery, the article URL pattern and the identity inferred from a site's own pages, and
the whole command, offline, on the recorded site tests/fixtures/sites/tienphong (bantin has no profile for it)."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from helpers import REPO

from bantin import sources_add as sa
from bantin.cli import main
from transforms.extract import extract_page

SITE = REPO / "tests" / "fixtures" / "sites" / "tienphong"
PAGES = {
    SITE / "gia-lua-gao-xuat-khau-tang-tro-lai-sau-tet-post1873456.html":
        "https://tienphong.vn/gia-lua-gao-xuat-khau-tang-tro-lai-sau-tet-post1873456.tpo",
    SITE / "ha-noi-mo-them-tuyen-xe-buyt-dien-noi-cac-khu-do-thi-phia-tay-post1873519.html":
        "https://tienphong.vn/ha-noi-mo-them-tuyen-xe-buyt-dien-noi-cac-khu-do-thi-phia-tay-post1873519.tpo",
}
# Links on the fixture's home page that are not articles: sections, topics, tags, an event, video pages, the
# magazine on a subdomain (tests/fixtures/sites/README.md).
NOT_ARTICLES = [
    "https://tienphong.vn/", "https://tienphong.vn/xa-hoi/", "https://tienphong.vn/kinh-te/",
    "https://tienphong.vn/video/", "https://tienphong.vn/su-kien/ky-hop-quoc-hoi-thang-3-10452.tpo",
    "https://tienphong.vn/tag/xuat-khau-gao.tpo", "https://tienphong.vn/chu-de-bau-cu-2026-e712.tpo",
    "https://tienphong.vn/video/tau-cao-toc-bac-nam-nhin-tu-cong-truong-post1873601.tpo",
    "https://hoahoctro.tienphong.vn/hoc-sinh-ha-noi-gianh-huy-chuong-vang-olympic-tin-hoc-post1567843.tpo",
]


# --- the article URL pattern ----------------------------------------------------------------------------------
def _site(root: str, *paths: str) -> list[str]:
    return [root + p for p in paths]


# Article URLs in the shapes of sources/*/profile.yaml (their article_url examples and recorded pages), next to
# the links a home page carries that are not articles.
SHAPES = {
    "vnexpress": (
        "vnexpress.net",
        _site("https://vnexpress.net/", "cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
              "gia-vang-hom-nay-5047401.html", "ha-noi-ret-dam-5046998.html", "xuat-khau-gao-tang-5047012.html",
              "tau-cao-toc-bac-nam-5046871.html", "bo-y-te-canh-bao-5047388.html"),
        [*_site("https://vnexpress.net/", "kinh-doanh", "the-gioi", "thoi-su/chinh-tri", "chu-de/gia-vang-1403",
                "tac-gia/ha-thu-1234", "video"),
         "https://video.vnexpress.net/tin-tuc/clip-bao-lu-5047100.html",
         "https://e.vnexpress.net/news/business/rice-exports-4801234.html",
         "https://www.facebook.com/VnExpress", "https://vnexpress.net/kinh-doanh#box_comment"],
        r"^https?://vnexpress\.net/[a-z0-9-]+-\d{6,8}\.html$",
    ),
    "vov": (  # sections one or two deep, a `post` prefix, its own extension
        "vov.vn",
        _site("https://vov.vn/", "xa-hoi/ha-noi-chot-phuong-an-tuyen-sinh-lop-10-nam-hoc-2026-2027-post1270456.vov",
              "kinh-te/gia-xang-tang-post1270388.vov", "the-gioi/chau-a/bau-cu-han-quoc-post1270401.vov",
              "xa-hoi/giao-duc/thi-tot-nghiep-post1270433.vov", "the-thao/v-league-post1270199.vov"),
        [*_site("https://vov.vn/", "xa-hoi", "kinh-te", "tag/tuyen-sinh-lop-10", "tac-gia/thu-hang-152"),
         "https://vovgiaothong.vn/un-tac-post123456.vov", "https://english.vov.vn/en/politics/x-post1270001.vov"],
        r"^https?://vov\.vn/(?:[a-z0-9-]+/){1,2}[a-z0-9-]+-post\d{6,8}\.vov$",
    ),
    "baodautu": (  # `www.` on some links, a `d` prefix; the sections end in `-d<n>/`
        "baodautu.vn",
        _site("https://baodautu.vn/", "dia-oc-sao-phuong-nam-huy-dong-600-ty-dong-trai-phieu-d538961.html",
              "ngan-hang-giam-lai-suat-d538902.html", "fdi-tang-manh-d538877.html") +
        _site("https://www.baodautu.vn/", "chung-khoan-hoi-phuc-d538950.html", "gia-vang-d538911.html"),
        _site("http://baodautu.vn/", "tai-chinh-chung-khoan-d6/", "bat-dong-san-d8/", "dau-tu-d2/",
              "tag/vang-d12.html"),
        r"^https?://(www\.)?baodautu\.vn/[a-z0-9-]+-d\d{5,7}\.html$",
    ),
    "tuoitre": (  # ids that encode a time: 16-17 digits; events are `-e<n>.htm`, authors `/tac-gia/...-<n>.htm`
        "tuoitre.vn",
        _site("https://tuoitre.vn/", "chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm",
              "giam-doc-tai-chinh-tap-doan-tien-son-thanh-hoa-thao-tung-chung-khoan-2026030707011493.htm",
              "ong-to-dung-lam-chu-tich-mot-cong-ty-con-cua-vinaconex-20260306161721108.htm",
              "kinh-te-the-thao-viet-nam-co-du-nang-luc-khai-thac-mo-vang-20260306181938066.htm",
              "bo-cong-thuong-nguon-cung-xang-dau-thang-3-van-du-20260306155855878.htm"),
        [*_site("https://tuoitre.vn/", "kinh-doanh.htm", "thoi-su/xa-hoi.htm", "gia-vang-e592.htm",
                "bau-cu-tong-thong-my-e587.htm", "tac-gia/nhat-xuan-20148.htm", "tac-gia/nghi-vu-47403.htm",
                "video/tin-nong.htm", "chien-su-trung-dong.html"),
         "https://sso.tuoitre.vn/commented-articles", "https://podcast.tuoitre.vn/"],
        r"^https?://tuoitre\.vn/[a-z0-9-]+-\d{15,18}\.htm$",
    ),
    "slugless": (  # `/<section>/<id>.html`, no slug at all (a shape of smaller outlets' CMSs)
        "example.vn",
        _site("https://example.vn/", "thoi-su/2041187.html", "kinh-te/2041190.html", "thoi-su/2041201.html",
              "xa-hoi/2041154.html", "the-thao/2041166.html"),
        _site("https://example.vn/", "thoi-su.html", "kinh-te/", "lien-he.html", "thoi-su/trang-2.html"),
        r"^https?://example\.vn/[a-z0-9-]+/\d{6,8}\.html$",
    ),
}


@pytest.mark.parametrize("name", SHAPES)
def test_the_article_pattern_generalises_the_dominant_shape(name):
    domain, articles, noise, expected = SHAPES[name]
    found = sa.infer_article_url([*noise[:2], *articles, *noise[2:]], domain)
    assert found.regex == expected, f"{name}: {found.regex}"
    missed = [u for u in articles if not re.match(found.regex, u)]
    assert not missed, f"{name}: the pattern misses articles {missed}"
    caught = [u for u in noise if re.match(found.regex, u)]
    assert not caught, f"{name}: the pattern matches non-articles {caught}"
    assert found.matched == len(articles)
    # Only the site's own host (and www.) counts: other subdomains and sites are not its links.
    assert found.total == len([u for u in [*articles, *noise] if re.match(rf"https?://(www\.)?{domain}/", u)])


def test_the_runner_up_shapes_are_reported():
    domain, articles, noise, _ = SHAPES["tuoitre"]
    found = sa.infer_article_url([*articles, *noise], domain)
    # The author pages: a shape of their own, too rare to be the articles'.
    assert "<section>/<slug>-<5 digits>.htm (2 links)" in found.others, found.others


def test_too_few_links_of_any_shape_is_an_error_naming_the_way_out():
    with pytest.raises(sa.AddError, match="--article-url"):
        sa.infer_article_url(SHAPES["vnexpress"][1][:2] + SHAPES["vnexpress"][2], "vnexpress.net")


# --- discovery and identity ----------------------------------------------------------------------------------
def test_sitemaps_come_from_robots_txt():
    robots = (SITE / "robots.txt").read_text(encoding="utf-8")
    assert sa.robots_sitemaps(robots) == ["https://tienphong.vn/sitemap.xml", "https://tienphong.vn/sitemaps/news.xml"]
    assert sa.robots_sitemaps("User-agent: *\nDisallow: /admin/\n") == []
    assert sa.robots_sitemaps("") == []


def test_feeds_come_from_the_home_pages_alternate_links():
    home = b"""<html><head>
      <link rel="alternate" type="application/rss+xml" href="/rss/home.rss" title="Tin moi">
      <link rel="alternate" type="application/atom+xml" href="https://x.vn/atom.xml">
      <link rel="alternate" type="application/rss+xml" href="/rss/home.rss">
      <link rel="alternate" hreflang="en" href="https://x.vn/en/">
      <link rel="alternate" media="only screen and (max-width: 640px)" href="https://m.x.vn/">
      <link rel="stylesheet" type="text/css" href="/a.css">
    </head><body></body></html>"""
    assert sa.home_feeds(sa.parse_html(home), "https://x.vn/") == ["https://x.vn/rss/home.rss",
                                                                   "https://x.vn/atom.xml"]


def test_identity_comes_from_the_home_page():
    home = sa.parse_html((SITE / "home.html").read_bytes())
    assert sa.identity(home) == {"display_name": "Báo Tiền Phong", "language": "vi"}
    bare = sa.parse_html('<html lang="en-US"><head><title> Tin   tức\n X </title></head><body></body></html>')
    assert sa.identity(bare) == {"display_name": "Tin tức X", "language": "en"}
    assert sa.identity(sa.parse_html("<html><body><p>x</p></body></html>")) == {"display_name": None,
                                                                                 "language": "vi"}


@pytest.mark.parametrize("given, domain, name", [
    ("tienphong.vn", "tienphong.vn", "tienphong"),
    ("https://www.tienphong.vn/", "tienphong.vn", "tienphong"),
    ("WWW.Bao-Moi.vn", "bao-moi.vn", "bao_moi"),
    ("nld.com.vn", "nld.com.vn", "nld"),
])
def test_the_domain_and_the_name(given, domain, name):
    assert sa.normalise_domain(given) == domain
    assert sa.default_name(domain) == name


@pytest.mark.parametrize("given", ["localhost", "http://", "tiền phong.vn", ""])
def test_a_bad_domain_is_refused(given):
    with pytest.raises(sa.AddError, match="domain"):
        sa.normalise_domain(given)


# --- the live mode, on a fake network --------------------------------------------------------------------------
# The home page's fourth story, served (with the first page's bytes) as the sample that replaces a disallowed one.
FOURTH = "https://tienphong.vn/ngan-hang-giam-lai-suat-cho-vay-mua-nha-tre-post1873488.tpo"
SITEMAP = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
           b'<loc>https://tienphong.vn/a-post1873456.tpo</loc></url></urlset>')


def _fake_site(robots: str):
    served = {"https://tienphong.vn/robots.txt": robots.encode(),
              "https://tienphong.vn/": (SITE / "home.html").read_bytes(),
              "https://tienphong.vn/sitemap_index.xml": SITEMAP,
              "https://tienphong.vn/rss": b"<html><body><a href='/rss/home.rss'>RSS</a></body></html>",
              **{url: path.read_bytes() for path, url in PAGES.items()}, FOURTH: next(iter(PAGES)).read_bytes()}
    asked = []

    def get(url: str) -> sa.Fetched:
        asked.append(url)
        return sa.Fetched(url, 200, served[url]) if url in served else sa.Fetched(url, 404, b"not found")
    return get, asked


def test_live_mode_probes_the_usual_paths_and_fetches_samples_robots_allows():
    robots = ("User-agent: *\nDisallow: /bo-giao-duc-cong-bo-lich-thi-tot-nghiep-thpt-2026-post1873467.tpo\n"
              "Sitemap: https://tienphong.vn/sitemap.xml\n")
    get, asked = _fake_site(robots)
    site = sa.gather_live("tienphong.vn", samples=3, get=get)
    assert site.sitemaps == [("https://tienphong.vn/sitemap.xml", "robots.txt"),
                             ("https://tienphong.vn/sitemap_index.xml", "probed")]
    assert site.feeds == [("https://tienphong.vn/rss/home.rss", "home page")]
    # /sitemap.xml is named by robots.txt, so it is not probed again; /rss answers with HTML, not a feed.
    assert asked.count("https://tienphong.vn/sitemap.xml") == 0
    assert site.probes["/rss"] == "200 but not a feed" and site.probes["/feed"] == "404"
    # The third link in the home page's order is disallowed, so the fourth is fetched in its place.
    assert [p.url for p in site.samples] == [*PAGES.values(), FOURTH]


def test_live_mode_fails_in_one_line_when_the_home_page_does_not_answer():
    def get(url):
        return sa.Fetched(url, 503, b"")
    with pytest.raises(sa.AddError, match=r"https://tienphong\.vn/ answered 503"):
        sa.gather_live("tienphong.vn", samples=1, get=get)


def test_http_follows_redirects_and_keeps_the_final_url():
    import http.server
    import threading

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/":
                self.send_response(301)
                self.send_header("Location", "/trang-chu/")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", "9")
            self.end_headers()
            self.wfile.write(b"<p>hi</p>")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fetched = sa.Http(delay=0).get(f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()
    assert fetched == sa.Fetched(f"http://127.0.0.1:{server.server_port}/trang-chu/", 200, b"<p>hi</p>")


def test_a_transport_error_is_one_line(unused_port):
    with pytest.raises(sa.AddError, match=rf"cannot fetch http://127\.0\.0\.1:{unused_port}/: "):
        sa.Http(delay=0).get(f"http://127.0.0.1:{unused_port}/")


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the whole command, offline on the recorded site ------------------------------------------------------------
def _add(tmp_path, *extra: str) -> int:
    pages = [arg for path in PAGES for arg in ("--page", str(path))]
    return main(["source", "add", "tienphong.vn", "--home", str(SITE / "home.html"),
                 "--robots", str(SITE / "robots.txt"), *pages, "--dir", str(tmp_path), *extra])


@pytest.fixture
def registry(tmp_path, monkeypatch):
    """`sources` reading profiles from tmp_path, as it reads sources/ (the spider and extract_page look there)."""
    import sources

    monkeypatch.setattr(sources, "SOURCES_DIR", tmp_path)
    sources.load_profile.cache_clear()
    yield tmp_path
    sources.load_profile.cache_clear()


def test_offline_add_writes_a_source_folder(registry, capsys):
    assert _add(registry) == 0
    out = capsys.readouterr().out
    profile = yaml.safe_load((registry / "tienphong" / "profile.yaml").read_text(encoding="utf-8"))
    assert {k: profile[k] for k in ("name", "display_name", "domain", "allowed_domains", "dateline", "language",
                                    "crawl", "extract")} == {
        "name": "tienphong", "display_name": "Báo Tiền Phong", "domain": "tienphong.vn",
        "allowed_domains": ["tienphong.vn"], "dateline": None, "language": "vi",
        "crawl": {"download_delay": 1.0, "concurrency": 2}, "extract": {}}
    assert profile["discovery"] == {"feeds": ["https://tienphong.vn/rss/home.rss"],
                                    "sitemaps": ["https://tienphong.vn/sitemap.xml",
                                                 "https://tienphong.vn/sitemaps/news.xml"]}
    assert profile["article_url"] == r"^https?://tienphong\.vn/[a-z0-9-]+-post\d{6,8}\.tpo$"
    assert all(re.match(profile["article_url"], url) for url in PAGES.values())
    caught = [u for u in NOT_ARTICLES if re.match(profile["article_url"], u)]
    assert not caught, f"article_url matches non-articles {caught}"
    # The written YAML keeps its reasons: why extract is empty, and where the pattern came from.
    text = (registry / "tienphong" / "profile.yaml").read_text(encoding="utf-8")
    assert "# Empty on purpose" in text and "10 of" in text
    assert "not checked" in out and "robots.txt" in out and "https://tienphong.vn/rss/home.rss" in out
    assert "post<7 digits>.tpo: matches 10 of 27 same-site links" in out


def test_the_written_folder_round_trips_through_the_spider_and_the_page_tests(registry, capsys):
    from crawlers.spiders.site import SiteSpider

    assert _add(registry) == 0
    spider = SiteSpider(source="tienphong", run_id="r", start="2026-03-07T04:00:00+00:00",
                        end="2026-03-07T05:00:00+00:00")
    assert spider.allowed_domains == ["tienphong.vn"] and spider.discovery["feeds"]
    # What tests/unit/test_profiles.py does for every folder of sources/: the page, extracted with the profile
    # its URL picks, is its JSON, field for field.
    pages = sorted((registry / "tienphong" / "pages").glob("*.html"))
    assert [p.stem for p in pages] == sorted(path.stem for path in PAGES)
    for page in pages:
        expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        assert expected["url"] == PAGES[SITE / page.name]
        assert extract_page(page.read_bytes(), expected["url"]) == expected, f"{page.name} differs from its JSON"
        assert page.read_bytes() == (SITE / page.name).read_bytes()


def test_the_report_names_every_field_with_its_method(registry, capsys):
    assert _add(registry) == 0
    out = capsys.readouterr().out
    for page in (registry / "tienphong" / "pages").glob("*.json"):
        article = json.loads(page.read_text(encoding="utf-8"))
        assert article["url"] in out
        for field, method in article["extracted_by"].items():
            assert re.search(rf"^  {field} +{method} +\S", out, re.M), f"no line for {field} ({method})"
    assert re.search(r"^  source_credit +missing$", out, re.M)
    # Every value line stays short enough to scan.
    assert max(len(line) for line in out.splitlines() if line.startswith("  body ")) <= 120
    assert "body (generic)" in out and "check each JSON" in out


def test_without_a_feed_or_a_sitemap_the_home_page_is_the_listing(tmp_path, capsys):
    # The spider refuses an empty discovery section; and a sample that is not an article is reported, not saved.
    robots, home = tmp_path / "robots.txt", tmp_path / "home.html"
    robots.write_text("User-agent: *\nDisallow: /tim-kiem/\n", encoding="utf-8")
    home.write_bytes(re.sub(rb'<link rel="alternate" type="application/rss\+xml"[^>]*>', b"",
                            (SITE / "home.html").read_bytes()))
    assert main(["source", "add", "tienphong.vn", "--home", str(home), "--robots", str(robots), "--page", str(home),
                 "--page-url", "https://tienphong.vn/trang-chu-post1873999.tpo", "--dir", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    folder = tmp_path / "out" / "tienphong"
    profile = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
    assert profile["discovery"] == {"listings": [{"url": "https://tienphong.vn/", "link": "a"}]}
    assert "no feed or sitemap found" in out
    assert "rejected (not_article: listing or section page" in out and not any((folder / "pages").iterdir())
    assert "no sample page was saved" in out


def test_page_url_overrides_the_canonical(registry, capsys):
    urls = [arg for url in PAGES.values() for arg in ("--page-url", url.replace("https://", "http://"))]
    assert _add(registry, *urls) == 0
    (first, *_) = sorted((registry / "tienphong" / "pages").glob("*.json"))
    assert json.loads(first.read_text(encoding="utf-8"))["url"].startswith("http://tienphong.vn/")


def test_an_existing_folder_is_refused_without_force(tmp_path, capsys):
    assert _add(tmp_path) == 0
    (tmp_path / "tienphong" / "pages" / "stale.html").write_text("old", encoding="utf-8")
    capsys.readouterr()
    assert _add(tmp_path) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("bantin source: error:") and "--force" in err
    assert _add(tmp_path, "--force") == 0
    # --force replaces the folder: nothing of the old one is left to disagree with the new profile.
    assert not (tmp_path / "tienphong" / "pages" / "stale.html").exists()


@pytest.mark.parametrize("change, message", [
    (lambda args, tmp: args.__setitem__(args.index("--home") + 1, str(tmp / "nope.html")), "--home"),
    (lambda args, tmp: args.__setitem__(args.index("--robots") + 1, str(tmp)), "--robots"),
    (lambda args, tmp: args.remove(args[args.index("--robots") + 1]) or args.remove("--robots"), "--robots"),
    (lambda args, tmp: args.extend(["--page-url", "https://tienphong.vn/a-post1873456.tpo"] * 2), "--page-url"),
    (lambda args, tmp: args.extend(["--name", "Tien Phong"]), "--name"),
    (lambda args, tmp: args.extend(["--article-url", "^https?://tienphong\\.vn/(post"]), "--article-url"),
])
def test_bad_input_is_one_clear_line(tmp_path, capsys, change, message):
    args = ["source", "add", "tienphong.vn", "--home", str(SITE / "home.html"), "--robots",
            str(SITE / "robots.txt"), "--page", str(next(iter(PAGES))), "--dir", str(tmp_path)]
    change(args, tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("bantin source: error:") and message in err, err
    assert not (tmp_path / "tienphong").exists()


def test_a_page_without_a_url_asks_for_page_url(tmp_path, capsys):
    page = tmp_path / "bare.html"
    page.write_bytes(re.sub(rb'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', b"",
                            next(iter(PAGES)).read_bytes()))
    assert main(["source", "add", "tienphong.vn", "--home", str(SITE / "home.html"), "--robots",
                 str(SITE / "robots.txt"), "--page", str(page), "--dir", str(tmp_path / "out")]) == 2
    assert "--page-url" in capsys.readouterr().err
