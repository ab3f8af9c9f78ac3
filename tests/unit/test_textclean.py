"""transforms.textclean: datelines, bylines, captions, footers and stray tokens."""
import pytest

from transforms.textclean import (
    caption_credit,
    cut_footer,
    is_organisation,
    is_stray_token,
    looks_like_byline,
    parse_authors,
    split_dateline,
)


@pytest.mark.parametrize("lead, dateline, rest", [
    ("Biên phòng - Thời gian qua", "Biên phòng", "Thời gian qua"),
    ("(Dân trí) - Giá vàng giảm", "Dân trí", "Giá vàng giảm"),
    ("TTO - Chiều 7-3", "TTO", "Chiều 7-3"),
    ("(Chinhphu.vn) - Thủ tướng", "Chinhphu.vn", "Thủ tướng"),
    ("(NLĐO)-Sáng nay", "NLĐO", "Sáng nay"),
    ("VOV.VN - Hôm nay", "VOV.VN", "Hôm nay"),
    ("Thời gian qua - không có", None, "Thời gian qua - không có"),
])
def test_split_dateline(lead, dateline, rest):
    assert split_dateline(lead) == (dateline, rest)


@pytest.mark.parametrize("raw, people", [
    ("Hà Thu (tổng hợp)", ["Hà Thu"]),                 # VnExpress: the annotation is not part of the name
    ("Minh Sơn (theo Reuters)", ["Minh Sơn"]),
    ("NHẬT XUÂN;NGHI VŨ", ["NHẬT XUÂN", "NGHI VŨ"]),    # Tuổi Trẻ dable:author
    ("NHẬT XUÂN và 1 tác giả khác", ["NHẬT XUÂN"]),
    ("Lê Văn Chương", ["Lê Văn Chương"]),
    ("Theo Reuters", []),                               # a source credit, not an author
    ("VnExpress", []), ("TUOI TRE ONLINE", []), ("baotuoitre", []), ("Dân Trí", []),
    ("VietNamNet News", []), ("Báo Biên phòng", []), ("https://www.facebook.com/x", []),
    ("Tin, ảnh: QUANG HÙNG", ["QUANG HÙNG"]),           # QĐND: the credit's role goes, the name stays
    ("Bài và ảnh: Lê Văn Chương", ["Lê Văn Chương"]), ("Thực hiện: Hà Thu, Minh Sơn", ["Hà Thu", "Minh Sơn"]),
    ("Ảnh: CTV", []),
])
def test_parse_authors(raw, people):
    assert parse_authors(raw) == people


def test_organisations_and_bylines():
    assert is_organisation("Tin nhanh VnExpress") and not is_organisation("Hà Thu")
    assert looks_like_byline("Lê Văn Chương")
    assert not looks_like_byline("Ông Phan Công Vỹ, Tỉnh ủy viên, Bí thư Huyện ủy Thăng Bình:")  # a speaker
    assert not looks_like_byline("Giảm công suất lọc hóa dầu")


def test_captions_footer_stray():
    assert caption_credit("Lễ ký kết tháng 5-2016. Ảnh: CTV") == "CTV"
    assert caption_credit("Một bó hoa hồng - Ảnh: H.Y.T.") == "H.Y.T."
    assert caption_credit("Ông nói: Ảnh hưởng còn lớn lắm, chúng tôi phải tính cách khác.") is None
    assert cut_footer(["a", "b", "Bình luận", "ZALO"]) == (["a", "b"], ["Bình luận", "ZALO"])
    assert cut_footer(["a"]) == (["a"], [])
    assert is_stray_token("bwnv_10") and not is_stray_token("BĐBP_10 năm")
