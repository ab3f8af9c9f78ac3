"""Pages that are not articles are classified with a reason, never stored as articles."""
import pytest

from crawlers.sources import load_profile
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
