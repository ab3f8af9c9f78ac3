"""Extraction of what pages carry beyond paragraphs: bylines signed at the foot of the body (initials, "Theo …"),
the source an article credits, and data tables, on the real VnExpress page (sources/vnexpress/pages)."""
from __future__ import annotations

import copy
import json

import pytest

from sources import SOURCES_DIR, load_profile
from transforms.extract import extract_page

URL = "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
PAGE = next((SOURCES_DIR / "vnexpress" / "pages").glob("*5047363.html")).read_bytes()
BYLINE = '<p class="Normal" style="text-align:right;"><strong>Hà Thu</strong> <em>(tổng hợp)</em></p>'.encode()
LAST = "trong bối cảnh thị trường thế giới biến động mạnh."  # a sentence of the body, for the tests to sign after
TABLE = """<table class="tbl_insert"><tbody>
<tr><td><p class="Normal"><strong>Nước</strong></p></td><td><p class="Normal"><strong>Biện pháp</strong></p></td></tr>
<tr><td><p class="Normal">Trung Quốc</p></td><td><p class="Normal">Ngừng ký hợp đồng xuất khẩu nhiên liệu</p></td></tr>
<tr><td><p class="Normal">Thái Lan</p></td><td><p class="Normal">Tạm dừng xuất khẩu, trừ Lào và Myanmar</p></td></tr>
</tbody></table>"""
ROWS = ["Nước | Biện pháp", "Trung Quốc | Ngừng ký hợp đồng xuất khẩu nhiên liệu",
        "Thái Lan | Tạm dừng xuất khẩu, trừ Lào và Myanmar"]


def signed(*lines: str) -> bytes:
    """The page with its byline paragraph replaced by `lines`, each a paragraph of its own at the body's foot."""
    assert BYLINE in PAGE
    return PAGE.replace(BYLINE, "".join(f'<p class="Normal">{line}</p>' for line in lines).encode())


@pytest.mark.parametrize("lines, authors, credit", [
    (["P.V"], ["P.V"], None),
    (["T.Thành (tổng hợp)"], ["T.Thành"], None),
    (["N.Hùng"], ["N.Hùng"], None),
    (["Theo Minh Anh"], ["Minh Anh"], None),
    (["Theo Đại Đoàn kết"], [], "Đại Đoàn kết"),
    (["H.A", "Theo TTXVN"], ["H.A"], "TTXVN"),
    (["TTXVN"], [], "TTXVN"),
])
def test_a_byline_signed_at_the_foot_leaves_the_body(lines, authors, credit):
    article = extract_page(signed(*lines), URL)
    assert (article["authors"], article["source_credit"]) == (authors, credit)
    assert article["body"].endswith(LAST), article["body"][-200:]  # none of the lines stayed in the body
    if credit:
        assert article["extracted_by"]["source_credit"] == "profile"


def test_lines_that_only_look_like_a_sign_off_stay_in_the_body():
    for line in ("Dự án được tài trợ bởi JICA", "Theo kế hoạch, công trình sẽ hoàn thành trong năm nay"):
        article = extract_page(signed(line), URL)
        assert article["body"].endswith(line) and article["source_credit"] is None, line
    photo = extract_page(signed("Ảnh: T.L"), URL)  # a photo credit is a caption, never an author
    assert photo["authors"] == [] and "Ảnh: T.L" in photo["captions"] and "T.L" not in photo["body"]


def test_a_profile_can_turn_initials_off():
    profile = copy.deepcopy(load_profile("vnexpress")) | {"bylines": {"initials": False}}
    article = extract_page(signed("P.V"), URL, profile=profile)
    assert article["authors"] == [] and article["body"].endswith("P.V")


def test_a_data_table_in_the_body_is_kept_a_row_a_paragraph_where_it_stood():
    page = PAGE.replace(BYLINE, TABLE.encode() + BYLINE)
    paragraphs = extract_page(page, URL)["body"].split("\n\n")
    assert paragraphs[-3:] == ROWS and paragraphs[-4].endswith(LAST)
    # Where a site's tables are layout, its profile turns them off: the cells' paragraphs are read as before.
    profile = copy.deepcopy(load_profile("vnexpress"))
    profile["extract"]["body"]["tables"] = False
    paragraphs = extract_page(page, URL, profile=profile)["body"].split("\n\n")
    assert paragraphs[-6:] == ["Nước", "Biện pháp", "Trung Quốc", "Ngừng ký hợp đồng xuất khẩu nhiên liệu",
                               "Thái Lan", "Tạm dừng xuất khẩu, trừ Lào và Myanmar"]


def test_a_data_table_survives_the_generic_path_too():
    article = extract_page(PAGE.replace(BYLINE, TABLE.encode() + BYLINE), URL, profile={})
    assert article["extracted_by"]["body"] == "generic"
    for row in ROWS:
        assert row in article["body"].split("\n\n"), row


def test_a_lead_printed_again_at_the_top_of_the_body_is_kept_once_as_the_sapo():
    sapo = extract_page(PAGE, URL)["sapo"]
    first = b'<article class="fck_detail ">'
    for lead in (f"- {sapo}", f"<strong>(VnE)</strong> - {sapo}", f"{sapo.upper()}"):  # a dateline's remains
        article = extract_page(PAGE.replace(first, first + f'<p class="Normal">{lead}</p>'.encode(), 1), URL)
        assert article["sapo"] == sapo and article["body"].startswith("Xung đột giữa Mỹ - Israel"), lead


def test_the_2017_vietnamnet_page_holds_without_its_profile_too():
    """The real 2017 page (lead inside the body, fixtures and standings tables, `Q.C` signed at the foot) through
    the JSON-LD/meta/generic path alone: what a site with no profile gets."""
    page = next((SOURCES_DIR / "vietnamnet" / "pages").glob("*-362525.html"))
    url = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["url"]
    bare = extract_page(page.read_bytes(), url, profile={})
    assert bare["extracted_by"]["body"] == "generic" and bare["authors"] == ["Q.C"]
    paragraphs = bare["body"].split("\n\n")
    assert paragraphs[0].startswith("Vòng loại thứ 3 Asian Cup 2019")  # the lead went to the sapo, once
    assert "1 | Jordan | 2 | 1 | 1 | 0 | 7 | 0 | +7 | 4" in paragraphs and "Q.C" not in paragraphs
