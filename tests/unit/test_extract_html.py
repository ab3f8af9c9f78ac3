"""The lxml reading of a page: text flattening, scoped selectors and body rules, on small built pages."""
from lxml import etree

from transforms.extract import _parse, _select, extract_page, node_text

LONG = "Thời gian qua, quy chế phối hợp giữa đồn Biên phòng và chính quyền địa phương được triển khai đồng bộ."


def test_node_text_spaces_blocks_not_inline_runs():
    root = _parse("<html><body><div id='x'>Đường dây nóng: 0912011882<div>Chủ nhật</div><em>Post</em>. "
                  "a<!-- comment --><script>var x = 1;</script>b&nbsp;c\u200b</div></body></html>")
    # `39364407Chủ nhật` must not glue; `<em>Post</em>.` must not gain a space; comments and scripts vanish.
    assert node_text(_select(root, "#x")[0]) == "Đường dây nóng: 0912011882 Chủ nhật Post. ab c"


def test_scoped_selector_may_name_the_scope_s_ancestors():
    root = _parse("<html><body><article class='fck_detail'><div class='c'><p class='Normal'>1</p></div>"
                  "</article><p class='Normal'>outside</p></body></html>")
    scope = _select(root, "div.c")[0]
    assert [p.text for p in _select(root, "article.fck_detail p.Normal", scope)] == ["1"]
    assert [p.text for p in _select(root, "p.Normal", scope)] == ["1"]
    assert _select(root, "div.c", scope) == []  # the scope itself is not its own descendant


def test_body_rule_drops_boxes_and_keeps_following_text():
    profile = {"domain": "example.vn", "extract": {
        "title": ["h1"],
        "body": {"css": ["div.body"], "paragraphs": "p", "drop": ["div.related"]},
        "authors": {"css": ["div.body p.author"]},
    }}
    html = ('<html><head><meta property="og:type" content="article"></head><body><h1>Tiêu đề</h1>'
            f'<div class="body"><p>{LONG}</p><div class="related"><p>Tin liên quan</p></div><p>{LONG} Hai.</p>'
            '<blockquote><p>Trích dẫn một lần.</p></blockquote><p class="author">Lê Văn Chương</p></div></body></html>')
    article = extract_page(html.encode(), "https://example.vn/a-1.html", profile=profile)
    assert article["body"].split("\n\n") == [LONG, f"{LONG} Hai.", "Trích dẫn một lần."]
    assert article["authors"] == ["Lê Văn Chương"]


def test_parse_tolerates_xml_declaration_and_bom():
    root = _parse("\ufeff<?xml version='1.0' encoding='windows-1258'?><html><body><p>Việt</p></body></html>")
    assert isinstance(root, etree._Element) and node_text(_select(root, "p")[0]) == "Việt"
