"""transforms.textclean: datelines, bylines, captions, footers and stray tokens."""
import pytest

from transforms.textclean import (
    Byline,
    caption_credit,
    cut_footer,
    is_organisation,
    is_stray_token,
    parse_byline,
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
def test_authors_of_a_byline(raw, people):
    assert parse_byline(raw).authors == people


def test_organisations_and_bylines():
    assert is_organisation("Tin nhanh VnExpress") and not is_organisation("Hà Thu")
    assert parse_byline("Lê Văn Chương") == Byline(["Lê Văn Chương"])
    assert parse_byline("Ông Phan Công Vỹ, Tỉnh ủy viên, Bí thư Huyện ủy Thăng Bình:") == Byline()  # a speaker
    assert parse_byline("Giảm công suất lọc hóa dầu") == Byline()


def test_captions_footer_stray():
    assert caption_credit("Lễ ký kết tháng 5-2016. Ảnh: CTV") == "CTV"
    assert caption_credit("Một bó hoa hồng - Ảnh: H.Y.T.") == "H.Y.T."
    assert caption_credit("Ông nói: Ảnh hưởng còn lớn lắm, chúng tôi phải tính cách khác.") is None
    assert cut_footer(["a", "b", "Bình luận", "ZALO"]) == (["a", "b"], ["Bình luận", "ZALO"])
    assert cut_footer(["a"]) == (["a"], [])
    assert is_stray_token("bwnv_10") and not is_stray_token("BĐBP_10 năm")


@pytest.mark.parametrize("line, authors, credit", [
    # Initials signed on a line of their own at the foot of the body.
    ("P.V", ["P.V"], None), ("H.A", ["H.A"], None), ("H.Y.T.", ["H.Y.T."], None), ("N.Hùng", ["N.Hùng"], None),
    ("Đ. Tùng", ["Đ. Tùng"], None), ("T.Thành (tổng hợp)", ["T.Thành"], None), ("PV", ["PV"], None),
    ("NTH", ["NTH"], None), ("P.V - H.A", ["P.V", "H.A"], None),
    # "Theo X": X is an author when X is a person, a source credit when X is an outlet or agency.
    ("Theo Minh Anh", ["Minh Anh"], None), ("Theo Đại Đoàn kết", [], "Đại Đoàn kết"),
    ("Theo VnExpress", [], "VnExpress"), ("Theo TTXVN", [], "TTXVN"), ("TTXVN", [], "TTXVN"),
    ("(Theo Reuters)", [], "Reuters"), ("Theo Tuổi Trẻ", [], "Tuổi Trẻ"), ("Nguồn: Bộ Y tế", [], "Bộ Y tế"),
    ("Minh Sơn (theo Reuters)", ["Minh Sơn"], "Reuters"), ("Thu Hằng/VOV.VN", ["Thu Hằng"], "VOV.VN"),
    ("Hà Thu (tổng hợp)", ["Hà Thu"], None), ("Tin, ảnh: QUANG HÙNG", ["QUANG HÙNG"], None),
    # Not bylines: body text that ends in capitals, a photo credit, a sentence opening with "Theo".
    ("Dự án được tài trợ bởi JICA", [], None), ("Kết quả do WHO công bố", [], None), ("Ảnh: T.L", [], None),
    ("Theo kế hoạch, công trình sẽ hoàn thành trong năm nay", [], None),
    ("Theo ông Nguyễn Văn A, giá vàng sẽ còn tăng.", [], None), ("AFP", [], "AFP"), ("Đồ họa: T.L", [], None),
    ("Chúc mừng năm mới", [], None),
])
def test_parse_byline(line, authors, credit):
    assert parse_byline(line) == Byline(authors, credit)


def test_a_profile_can_turn_initials_off_and_name_its_own_credits():
    assert parse_byline("P.V", initials=False) == Byline([], None)
    assert parse_byline("Theo Nhịp Sống Thị Trường") == Byline(["Nhịp Sống Thị Trường"], None)  # looks like a person
    assert parse_byline("Theo Nhịp Sống Thị Trường", credits=["Nhịp sống thị trường"]) == \
        Byline([], "Nhịp Sống Thị Trường")
