"""Pages that are not articles are classified with a reason, never stored as articles."""
import pytest

from sources import load_profile
from transforms.extract import Rejected, extract_page

ARTICLE_URL = "https://www.bienphong.com.vn/trang-cu-post123456.html"
PARAGRAPHS = "".join(f"<p>Đoạn văn thứ {i} của chuyên mục thời sự, đủ dài để trông như một bài.</p>" for i in range(12))


@pytest.mark.parametrize("head", [
    '<meta property="og:type" content="website">',
    '<link rel="canonical" href="https://www.bienphong.com.vn/thoi-su/">',
])
def test_section_page_at_article_url_is_not_an_article(head):
    html = f"<html lang='vi'><head>{head}<title>Thời sự</title></head><body><h1>Thời sự</h1>{PARAGRAPHS}</body></html>"
    with pytest.raises(Rejected) as info:
        extract_page(html.encode(), ARTICLE_URL, profile=load_profile("bienphong"))
    assert info.value.reason == "not_article"


@pytest.mark.parametrize("body, reason", [(b"", "empty_body"), (b"   \n", "empty_body"),
                                          (b"<html><body><h1>T</h1><p>ng\xe1n</p></body></html>", "no_body")])
def test_empty_and_stub_pages_have_reasons(body, reason):
    with pytest.raises(Rejected) as info:
        extract_page(body, ARTICLE_URL, profile=load_profile("bienphong"))
    assert info.value.reason == reason


ARTICLE_HEAD = ('<meta property="og:type" content="article"><script type="application/ld+json">'
                '{"@type": "NewsArticle", "headline": "Bài thật", "datePublished": "2026-03-07T08:00:00+07:00"}'
                '</script>')


@pytest.mark.parametrize("url, html, kind", [
    # A Cloudflare challenge served with 200 at an article address (a fixture kept for Báo Chính phủ, §3.10).
    (ARTICLE_URL, "<html><head><title>Just a moment...</title></head><body><div id='cf-wrapper'>"
                  "<script>window._cf_chl_opt={cvId: '3'};</script>Checking your browser</div></body></html>",
     "challenge"),
    # Lao Động's JS cookie challenge (§3.11): a script that sets a cookie and reloads, no text.
    ("https://laodong.vn/xa-hoi/bai-1402731.ldo",
     "<html><head><script>document.cookie='D1N=abc; path=/'; window.location.reload();</script></head>"
     "<body></body></html>", "challenge"),
    (ARTICLE_URL,
     f"<html><head><title>Không tìm thấy trang</title></head><body><h1>404</h1>{PARAGRAPHS}</body></html>",
     "error page"),
    ("https://www.bienphong.com.vn/videos/le-chao-co-post473300.html",
     f"<html><head><meta property='og:type' content='video.other'><title>Lễ chào cờ</title></head>"
     f"<body><h1>Lễ chào cờ</h1>{PARAGRAPHS}</body></html>", "video"),
    ("https://vnexpress.net/video/le-hoi-5047400.html",
     f"<html><head>{ARTICLE_HEAD}</head><body><h1>Lễ hội</h1>{PARAGRAPHS}</body></html>", "video"),
    ("https://www.bienphong.com.vn/tin-anh/mua-hoa-post473301.html",
     f"<html><head><title>Mùa hoa</title></head><body><h1>Mùa hoa</h1>{PARAGRAPHS}</body></html>", "gallery"),
    ("https://example.vn/bo-anh",
     '<html><head><script type="application/ld+json">{"@type": "ImageGallery", "name": "Ảnh"}</script>'
     f"<title>Ảnh</title></head><body><h1>Ảnh</h1>{PARAGRAPHS}</body></html>", "gallery"),
    ("https://example.vn/thoi-su",
     f"<html><head><meta property='og:type' content='website'><title>Thời sự</title></head>"
     f"<body><h1>Thời sự</h1>{PARAGRAPHS}</body></html>", "listing"),
])
def test_non_articles_are_classified(url, html, kind):
    with pytest.raises(Rejected) as info:
        extract_page(html.encode(), url)
    assert info.value.reason == "not_article"
    assert kind in info.value.detail, info.value.detail


def test_article_about_a_missing_person_is_still_an_article():
    # "Không tìm thấy" opens real headlines; only a page without NewsArticle JSON-LD can be an error page.
    html = (f"<html><head>{ARTICLE_HEAD}<title>Không tìm thấy trang phục của nạn nhân</title></head>"
            f"<body><h1>Không tìm thấy trang phục của nạn nhân</h1>{PARAGRAPHS}</body></html>")
    article = extract_page(html.encode(), "https://example.vn/khong-tim-thay-123.html")
    assert article["title"] == "Bài thật" and article["body"].startswith("Đoạn văn thứ 0")
