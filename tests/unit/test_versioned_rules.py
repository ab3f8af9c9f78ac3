"""A profile's `extract: versions:` serves older layouts, chosen by the page's machine-readable date."""
import datetime

import pytest
import yaml

from transforms.extract import extract_page

URL = "https://thanhnien.vn/bai-viet-185200101000000000.htm"
PROFILE = yaml.safe_load(r"""
name: thanhnien
domain: thanhnien.vn
article_url: '^https://thanhnien\.vn/[a-z0-9-]+-\d{15,21}\.htm$'
extract:
  title: {css: [h1.detail-title]}
  sapo: {css: [h2.detail-sapo]}
  body: {css: [div.detail-content], paragraphs: p}
  versions:
    - until: '2021-01-01'          # <= 2020 layout (vn-news-sites §3.4)
      title: {css: [h1.details__headline]}
      body: {css: ['#abody'], paragraphs: p}
    - until: 2023-06-01            # unquoted: YAML reads a date
      title: {css: [h1.title-2022]}
""")
PARAGRAPHS = "".join(f"<p>Đoạn {i}: nông dân Đồng Tháp trúng mùa xoài, thương lái đặt cọc tận vườn.</p>"
                     for i in range(5))


def page(published: str | None, where: str = "jsonld") -> bytes:
    head = ""
    if published and where == "jsonld":
        head = ('<script type="application/ld+json">'
                f'{{"@type": "NewsArticle", "datePublished": "{published}"}}</script>')
    elif published:
        head = f'<meta property="article:published_time" content="{published}">'
    body = ("<h1 class='details__headline'>Tiêu đề 2020</h1><h1 class='title-2022'>Tiêu đề 2022</h1>"
            "<h1 class='detail-title'>Tiêu đề mới</h1><h2 class='detail-sapo'>Sapo mới</h2>"
            f"<div id='abody'>{PARAGRAPHS}</div><div class='detail-content'>{PARAGRAPHS.replace('Đoạn', 'Mục')}</div>")
    return f"<html lang='vi'><head>{head}</head><body>{body}</body></html>".encode()


def test_yaml_reads_unquoted_until_as_a_date():
    assert isinstance(PROFILE["extract"]["versions"][1]["until"], datetime.date)


@pytest.mark.parametrize("published, where, title, body_word", [
    ("2020-05-01T08:00:00+07:00", "jsonld", "Tiêu đề 2020", "Đoạn"),
    ("2020-12-31T23:30:00+07:00", "meta", "Tiêu đề 2020", "Đoạn"),       # still 2020 in Vietnam
    ("2020-12-31T17:30:00Z", "jsonld", "Tiêu đề 2022", "Mục"),           # 00:30 on 1 January in Vietnam
    ("2022-03-01T08:00:00+07:00", "jsonld", "Tiêu đề 2022", "Mục"),      # the version leaves body to the current rule
    ("2026-03-07T08:00:00+07:00", "jsonld", "Tiêu đề mới", "Mục"),
    (None, None, "Tiêu đề mới", "Mục"),                                  # no machine date: the current rules
])
def test_version_chosen_by_machine_date(published, where, title, body_word):
    article = extract_page(page(published, where), URL, profile=PROFILE)
    assert article["title"] == title
    assert article["body"].startswith(f"{body_word} 0")
    assert article["extracted_by"]["title"] == "profile"


def test_profiles_without_versions_are_unchanged():
    current = {k: v for k, v in PROFILE.items() if k != "extract"} | {
        "extract": {k: v for k, v in PROFILE["extract"].items() if k != "versions"}}
    assert extract_page(page("2020-05-01T08:00:00+07:00"), URL, profile=current)["title"] == "Tiêu đề mới"


def test_dantri_2023_page_reads_with_its_layouts_rules():
    from sources import load_profile

    paragraphs = "".join(f"<p>Đoạn {i}: giá vàng miếng trong nước biến động mạnh trong phiên sáng nay.</p>"
                         for i in range(8))
    page = ('<html lang="vi"><head><script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "Giá vàng giảm", "datePublished": "2023-05-02T08:00:00+07:00"}</script></head><body>'
            '<h1 class="title-page detail">Giá vàng giảm</h1><h2 class="singular-sapo">(Dân trí) - Giá vàng '
            f'giảm sâu.</h2><div class="singular-content">{paragraphs}</div></body></html>')
    article = extract_page(page.encode(), "https://dantri.com.vn/kinh-doanh/gia-vang-20230502080000000.htm",
                           profile=load_profile("dantri"))
    assert article["dateline"] == "Dân trí" and article["sapo"] == "Giá vàng giảm sâu."
    assert {article["extracted_by"][f] for f in ("title", "sapo", "body")} == {"profile"}
    assert article["body"].count("\n\n") == 7
