"""The offline replay's URL map: deterministic, dated around its anchor, real pages byte-identical, bad routes bad."""
from __future__ import annotations

import hashlib
import http.client
import threading
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest

from crawlers import discovery as disc
from crawlers.middlewares import replay_url
from crawlers.replay import Replay, make_server
from crawlers.replay.synthetic import to_cp1258
from sources import load_profile

VN = timezone(timedelta(hours=7))
WINDOW = (datetime(2026, 3, 7, 11, tzinfo=VN), datetime(2026, 3, 7, 12, tzinfo=VN))


@pytest.fixture(scope="module")
def replay() -> Replay:
    return Replay()


def test_rewrite_address():
    assert replay_url("https://vnexpress.net/kinh-doanh-p2?x=1&y=2", "http://127.0.0.1:8765/") == \
        "http://127.0.0.1:8765/vnexpress.net/kinh-doanh-p2?x=1&y=2"
    assert replay_url("https://tuoitre.vn", "http://127.0.0.1:1") == "http://127.0.0.1:1/tuoitre.vn/"


def test_same_anchor_same_site(replay):
    other = Replay()
    for path in ["/vnexpress.net/rss/tin-moi-nhat.rss", "/www.bienphong.com.vn/thoi-su/",
                 "/tuoitre.vn/StaticSitemaps/sitemaps-2026-3-6-10.xml"]:
        assert replay.handle(path).body == other.handle(path).body, f"{path} differs between two replays"
    url = replay.sites["vnexpress.net"].articles[5].url
    path = "/vnexpress.net" + url.split("vnexpress.net", 1)[1]
    assert replay.handle(path).body == other.handle(path).body


@pytest.mark.parametrize("source, feed", [
    ("vnexpress", "https://vnexpress.net/rss/tin-moi-nhat.rss"),
    ("tuoitre", "https://tuoitre.vn/rss/tin-moi-nhat.rss"),
    ("bienphong", "https://www.bienphong.com.vn/rss/home.rss"),
])
def test_one_hour_window_holds_six_articles_per_source(replay, source, feed):
    body = replay.handle("/" + feed.split("://", 1)[1]).body
    items = disc.parse_feed(body, feed)
    assert len(items) == 30
    picked = disc.select_articles(items, *WINDOW, load_profile(source)["article_url"])
    assert len(picked) == 6, f"{source}: {len(picked)} feed items in the default one-hour window"


@pytest.mark.parametrize("name, sha256_prefix, path", [
    # Prefixes from the shared fixtures' README table: the copies must stay byte-identical to the originals.
    ("vnexpress_article.html", "c66b467305e59ac9",
     "/vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"),
    ("vnexpress_list.html", "27a31a283fa7570b", "/vnexpress.net/kinh-doanh"),
    ("tuoitre_article.html", "6aa824599665bcc0",
     "/tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm"),
    ("tuoitre_list.html", "1820352638c50c94", "/tuoitre.vn/kinh-doanh.htm"),
    ("tuoitre_thoi-su_list.html", "cb74b17d7b2360c0", "/tuoitre.vn/thoi-su.htm"),
])
def test_real_pages_served_byte_identical(replay, name, sha256_prefix, path):
    reply = replay.handle(path)
    assert reply.status == 200
    assert hashlib.sha256(reply.body).hexdigest().startswith(sha256_prefix), f"{name} is not the recorded page"


def test_archives_reach_the_previous_day(replay):
    # A backfill of 2026-03-06 through the day listing and the shards finds a day's worth of articles.
    spec = load_profile("vnexpress")["discovery"]["archives"][0]
    day = (datetime(2026, 3, 6, tzinfo=VN), datetime(2026, 3, 7, tzinfo=VN))
    (url,) = disc.expand_archive(spec, *day)
    page = disc.parse_listing(replay.handle("/" + url.split("://", 1)[1]).body, url, spec["listing"])
    assert len(disc.select_articles(page.items, *day, load_profile("vnexpress")["article_url"])) == 144
    spec = load_profile("tuoitre")["discovery"]["archives"][0]
    (url,) = disc.expand_archive(spec, *day)
    _, pages = disc.parse_sitemap(replay.handle("/" + url.split("://", 1)[1]).body, url)
    # 144 synthetic + the recorded article (07/03 08:01 is in the 6-10 shard but outside this day).
    assert len(disc.select_articles(pages, *day, load_profile("tuoitre")["article_url"])) == 144


def test_bienphong_article_layout(replay):
    site = replay.sites["www.bienphong.com.vn"]
    article = site.articles[0]
    body = replay.handle("/www.bienphong.com.vn" + site.path_of(article.url)).body.decode()
    for needle in ['<html lang="vi">', f'<link rel="canonical" href="{article.url}">',
                   'property="article:published_time" content="2026-03-07T11:5', '"@type":"NewsArticle"',
                   "Đường dây nóng: 0912011882 - (024) 39364407</span><span class=\"clock\">Thứ Bảy, 07/03/2026 12:00",
                   'h1 class="article__title cms-title"', '<div class="article__sapo cms-desc">Biên phòng - ',
                   'div class="article__body cms-body"', 'class="article__author"', "Bình luận", "ZALO"]:
        assert needle in body, f"bienphong article lacks {needle!r}"


def test_bad_routes(replay):
    base = "/www.bienphong.com.vn"
    assert replay.handle(base + "/loi-khong-tim-thay-post9000001.html").status == 404
    assert replay.handle(base + "/loi-may-chu-post9000002.html").status == 500
    assert replay.handle(base + "/phan-hoi-cham-post9000003.html").mode == "slow"
    assert replay.handle(base + "/noi-dung-bi-cat-post9000004.html").mode == "truncated"
    cp = replay.handle(base + "/bai-viet-ma-windows-1258-post9000005.html")
    assert cp.content_type == "text/html; charset=windows-1258"
    text = unicodedata.normalize("NFC", cp.body.decode("cp1258"))
    assert "Biên phòng - " in text and "Tăng cường phối hợp bảo vệ chủ quyền" in text
    with pytest.raises(UnicodeDecodeError):
        replay.handle(base + "/noi-dung-loi-ma-post9000006.html").body.decode("utf-8")
    moved = replay.handle("/bienphong.com.vn/bai-viet-chuyen-huong-post9000009.html")
    assert (moved.status, moved.headers["Location"]) == (
        301, "https://www.bienphong.com.vn/bai-viet-chuyen-huong-post9000009.html")
    robots = replay.handle(base + "/robots.txt").body.decode()
    assert "Disallow: /ban-in-" in robots
    # Every bad link is on the first listing page, undated, under a URL that passes the article pattern.
    listing = disc.parse_listing(replay.handle(base + "/thoi-su/").body, "https://www.bienphong.com.vn/thoi-su/",
                                 load_profile("bienphong")["discovery"]["listings"][0])
    undated = [c.url for c in listing.items if c.discovered_at is None]
    assert len(undated) == 9
    assert len(disc.select_articles(listing.items, *WINDOW, load_profile("bienphong")["article_url"])) == 9 + 6


def test_cp1258_round_trip():
    text = "Biên phòng - Việt Nam, Bộ đội, Đồn Biên phòng Bình Minh tổ chức tuyên truyền, ngày Truyền thống BĐBP"
    assert unicodedata.normalize("NFC", to_cp1258(text).decode("cp1258")) == text


def test_server_truncates_and_answers_over_http():
    server = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address
        conn = http.client.HTTPConnection(host, port, timeout=5)
        conn.request("GET", "/www.bienphong.com.vn/noi-dung-bi-cat-post9000004.html")
        resp = conn.getresponse()
        with pytest.raises(http.client.IncompleteRead):
            resp.read()
        conn.close()
        conn = http.client.HTTPConnection(host, port, timeout=5)
        conn.request("GET", "/nowhere.example/x")
        assert conn.getresponse().status == 404
        conn.close()
    finally:
        server.shutdown()
        server.server_close()


def test_the_server_queues_a_crawlers_burst_of_connections():
    # A benchmark server must never be the bottleneck: 16 requests per domain arrive at once, and a listen
    # backlog of 5 (socketserver's default) dropped the rest, each retried by the client a second later.
    import socket

    server = make_server("127.0.0.1", 0)  # bound, not yet accepting: every connect waits in the backlog
    clients = []
    try:
        for _ in range(64):
            client = socket.create_connection(server.server_address, timeout=0.5)
            clients.append(client)
    except OSError as exc:
        pytest.fail(f"connection {len(clients) + 1} of a burst of 64 was not queued: {exc}")
    finally:
        for client in clients:
            client.close()
        server.server_close()


def test_accepted_connections_send_without_delay():
    # Headers and body go out in separate writes; with Nagle's algorithm the body waits for the client's ACK.
    import socket

    server = make_server("127.0.0.1", 0)
    try:
        with socket.create_connection(server.server_address, timeout=5):
            accepted, _ = server.get_request()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        server.server_close()


def test_own_address_links_keep_a_crawler_without_the_rewrite_on_the_replay():
    # A peer crawler (news-please in bench/e2e) has no rewrite middleware: it follows the links it is served, and
    # looks for robots.txt, feeds and sitemaps at the root of a site's host. With own_address, each site is served
    # at the root of an address of its own, and every link or redirect to a replayed site leads there; what is not
    # a replayed site is left alone.
    from crawlers.replay.server import site_servers

    servers = site_servers()
    try:
        replay = servers["vnexpress.net"].replay
        assert set(servers) == set(replay.sites) and len(set(replay.own_address.values())) == len(servers)
        base = replay.own_address["vnexpress.net"]
        assert base == "http://127.0.0.1:{}".format(servers["vnexpress.net"].server_address[1])
        plain = Replay()
        feed = "/vnexpress.net/rss/tin-moi-nhat.rss"
        items = disc.parse_feed(replay.handle(feed).body, base + "/rss/tin-moi-nhat.rss")
        original = [i.url for i in disc.parse_feed(plain.handle(feed).body, "https://vnexpress.net/rss/tin-moi-nhat.rss")]
        assert items and [i.url for i in items] == [base + u.split("vnexpress.net", 1)[1] for u in original]
        page = replay.handle("/" + original[0].split("://", 1)[1]).body
        assert b"//vnexpress.net/" not in page and f"{base}/".encode() in page
        robots = replay.handle("/www.bienphong.com.vn/robots.txt").body.decode()
        assert f"Sitemap: {replay.own_address['www.bienphong.com.vn']}/sitemap.xml" in robots, robots
        moved = replay.handle("/bienphong.com.vn/bai-viet-chuyen-huong-post9000009.html")
        assert moved.headers["Location"] == (replay.own_address["www.bienphong.com.vn"]
                                             + "/bai-viet-chuyen-huong-post9000009.html"), moved.headers
        # A crawler that starts from a site's root finds a home page there, advertising the site's feeds.
        home = replay.handle("/vnexpress.net/")
        assert home.status == 200 and f'type="application/rss+xml" href="{base}/rss/'.encode() in home.body
        # Everything else is served as before.
        assert replay.handle(feed).status == plain.handle(feed).status == 200
        assert replay.handle("/nowhere.example/").status == 404
        # Over HTTP, a site's server answers at its root.
        server = servers["vnexpress.net"]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        conn = http.client.HTTPConnection(*server.server_address[:2], timeout=5)
        conn.request("GET", "/robots.txt")
        assert f"Sitemap: {base}/".encode() in conn.getresponse().read()
        server.shutdown()
    finally:
        for server in servers.values():
            server.server_close()
