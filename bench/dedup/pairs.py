"""The labelled pair set for the near-duplicate stage: reprints of the recorded bodies (same story) against
same-topic and templated stories (different stories), built deterministically from a seed, without a network.

Positives edit a recorded body the way a syndicating outlet does. Negatives are what a text key gets wrong:
two reports on one beat on different days, and templated bulletins (weather, lottery, price tables) that
repeat their skeleton word for word and differ only in the event's details, plus unrelated recorded pages."""
from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from transforms.dedup import body_key

REPO = Path(__file__).resolve().parents[2]
SEED = 20260307
POSITIVE_KINDS = ("lead", "added", "removed", "byline", "dateline", "boilerplate", "tone", "combo2", "combo3")
NEGATIVE_KINDS = ("same_topic", "weather", "lottery", "prices", "unrelated")


@dataclass(frozen=True)
class Pair:
    kind: str
    same: bool  # the label: True when both texts tell one story
    a: str
    b: str
    note: str  # what was varied, to read a miss without regenerating


@dataclass(frozen=True)
class Page:
    source: str
    title: str
    sapo: str
    body: str
    authors: tuple[str, ...]


def recorded_pages() -> list[Page]:
    """One page per distinct body among the labelled pages (bienphong records one article three ways)."""
    pages, seen = [], set()
    for path in sorted((REPO / "sources").glob("*/pages/*.json")):
        label = json.loads(path.read_text("utf-8"))
        key = body_key(label.get("body") or "")
        if key and key not in seen:
            seen.add(key)
            pages.append(Page(path.parts[-3], label["title"], label.get("sapo") or "", label["body"],
                              tuple(label.get("authors") or ())))
    return pages


# ---------------------------------------------------------------------------------------------------------
# Positives: the edits a syndicating outlet makes.

DATELINES = ("TTO - ", "(Dân trí) - ", "VOV.VN - ", "(NLĐO) - ", "(Chinhphu.vn) - ", "NDO - ", "(PLO) - ")
BYLINES = ("Nguyễn Văn An", "PV", "Theo TTXVN", "Minh Anh (tổng hợp)", "NHÓM PHÓNG VIÊN", "Thanh Hà - Quốc Dũng",
           "Theo Báo Tin tức", "Lê Hoàng (TTXVN)")
RELATED = ("Giá vàng hôm nay tiếp tục đi ngang", "Hà Nội công bố chỉ tiêu tuyển sinh lớp 10 công lập",
           "Xuất khẩu nông sản quý I dự báo vượt 13 tỷ USD", "Doanh nghiệp dệt may lo thiếu đơn hàng quý II",
           "Thủ tướng yêu cầu đẩy nhanh giải ngân vốn đầu tư công", "Ngân hàng đồng loạt giảm lãi suất cho vay")
BACKGROUND = (
    "Trước đó, tại cuộc họp báo thường kỳ chiều 5/3, đại diện cơ quan chức năng cho biết đang phối hợp với "
    "các địa phương rà soát toàn bộ hồ sơ liên quan và sẽ công bố kết quả trong thời gian sớm nhất.",
    "Theo số liệu của Tổng cục Thống kê, chỉ số giá tiêu dùng tháng 2 tăng 0,42% so với tháng trước và tăng "
    "3,15% so với cùng kỳ năm ngoái, chủ yếu do nhu cầu mua sắm dịp Tết Nguyên đán tăng cao.",
    "Trao đổi với phóng viên, một chuyên gia kinh tế cho rằng diễn biến này phản ánh đúng quy luật cung cầu "
    "và người dân không nên quá lo lắng, song cần theo dõi sát thông tin chính thức từ cơ quan quản lý.",
    "Năm 2025, cả nước ghi nhận hơn 200.000 doanh nghiệp thành lập mới và quay trở lại hoạt động, tăng "
    "khoảng 7% so với năm trước, trong đó khu vực dịch vụ chiếm tỷ trọng lớn nhất.",
    "Để kịp thời hỗ trợ người dân, địa phương đã thành lập tổ công tác liên ngành, bố trí đường dây nóng "
    "tiếp nhận phản ánh và cử cán bộ trực 24/24 giờ trong suốt thời gian cao điểm.",
)
BOILERPLATE = ("Bình luận", "ZALO", "Chia sẻ", "Facebook", "Theo dõi Báo trên Google News")


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


def changed_lead(rng: random.Random, page: Page, paras: list[str]) -> list[str]:
    """The reprint opens with its own lead (built on the sapo), instead of the original first paragraph."""
    opener = rng.choice(("Theo thông tin mới nhất, ", "Sáng nay, ", "Như báo đã đưa tin, ", ""))
    lead = opener + (page.sapo or page.title) + rng.choice(
        ("", " Đây là thông tin được nhiều bạn đọc quan tâm trong những ngày qua.",
         " Thông tin này được cơ quan chức năng xác nhận với phóng viên."))
    return [lead, *paras[1:]]


# Edits take the body's paragraphs with the byline as the last one, as the outlets print it.

def added_paragraph(rng: random.Random, page: Page, paras: list[str]) -> list[str]:
    at = rng.randrange(1, len(paras))
    return [*paras[:at], rng.choice(BACKGROUND), *paras[at:]]


def removed_paragraph(rng: random.Random, page: Page, paras: list[str]) -> list[str]:
    # Editors cut a body paragraph, rarely the lead (that is the changed-lead edit) and never the byline.
    at = rng.randrange(1, len(paras) - 1)
    return paras[:at] + paras[at + 1:]


def other_byline(rng: random.Random, page: Page, paras: list[str]) -> list[str]:
    return [*paras[:-1], rng.choice(BYLINES)]


def dateline(rng: random.Random, page: Page, paras: list[str]) -> list[str]:
    return [rng.choice(DATELINES) + paras[0], *paras[1:]]


def boilerplate(rng: random.Random, page: Page, paras: list[str]) -> list[str]:
    """Chrome the cleaner missed: share buttons, a comment link, a related-stories block."""
    related = "Tin liên quan: " + " ; ".join(rng.sample(RELATED, rng.randint(1, 3)))
    at = rng.randrange(1, len(paras) - 1)
    return [*paras[:at], related, *paras[at:], *rng.sample(BOILERPLATE, rng.randint(2, 4))]


_OLD_STYLE = re.compile(r"\b(\w*?)([òóỏõọ])([ae])\b|\b(\w*?)([ùúủũụ])(y)\b", re.IGNORECASE)


def _old_placement(m: re.Match) -> str:
    # hòa -> hoà, khỏe -> khoẻ, thủy -> thuỷ: the tone moves to the second vowel of an open oa/oe/uy syllable.
    head, toned, vowel = (m.group(1), m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5), m.group(6))
    if head.lower().endswith("q"):  # quý: the u is part of the consonant, the tone already sits on y
        return m.group(0)
    mark = unicodedata.normalize("NFD", toned)[1:]
    bare = unicodedata.normalize("NFD", toned)[0]
    return head + bare + unicodedata.normalize("NFC", vowel + mark)


def tone_variant(rng: random.Random, page: Page, paras: list[str]) -> list[str]:
    """The old tone placement throughout (hoà, thuỷ, khoẻ), as some outlets' CMS still writes."""
    return [_OLD_STYLE.sub(_old_placement, p) for p in paras]


EDITS = {"lead": changed_lead, "added": added_paragraph, "removed": removed_paragraph, "byline": other_byline,
         "dateline": dateline, "boilerplate": boilerplate, "tone": tone_variant}


def positives(rng: random.Random, pages: list[Page]) -> list[Pair]:
    out = []
    for page in pages:
        paras = [*_paragraphs(page.body), " - ".join(page.authors) or "PV"]
        original = "\n\n".join(paras)
        for kind, edit in EDITS.items():
            out.append(Pair(kind, True, original, "\n\n".join(edit(rng, page, paras)), f"{page.source}: {kind}"))
        for size, count in ((2, 4), (3, 3)):
            for _ in range(count):
                names = rng.sample(sorted(EDITS), size)
                edited = paras
                for name in names:
                    edited = EDITS[name](rng, page, edited)
                out.append(Pair(f"combo{size}", True, original, "\n\n".join(edited),
                                f"{page.source}: {'+'.join(names)}"))
    return out


# ---------------------------------------------------------------------------------------------------------
# Negatives: templated bulletins and same-beat reports, with the event details varied as the sites vary them.

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def _dm(d: date) -> str:
    return f"{d.day}/{d.month}"


def _vnd(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _dec(x: float, places: int = 1) -> str:
    return f"{x:.{places}f}".replace(".", ",")


WEATHER_REGIONS = {
    "Phía Tây Bắc Bộ": (13, 27), "Phía Đông Bắc Bộ": (14, 24), "Thanh Hóa - Huế": (16, 26),
    "Đà Nẵng đến Khánh Hòa": (21, 29), "Tây Nguyên": (17, 31), "Nam Bộ": (23, 34),
}
SKIES = ("Có mây, đêm không mưa, ngày nắng.", "Nhiều mây, có mưa rào rải rác, riêng vùng núi có nơi mưa vừa.",
         "Nhiều mây, có mưa nhỏ và mưa phùn rải rác, sáng sớm có sương mù.", "Có mây, ngày nắng, chiều tối có mưa "
         "rào và dông vài nơi.", "Nhiều mây, đêm và sáng có mưa, mưa phùn và sương mù rải rác.",
         "Ít mây, trời nắng nóng, có nơi nắng nóng gay gắt.")
WINDS = ("Gió nhẹ.", "Gió đông bắc cấp 2-3.", "Gió đông nam cấp 2-3.", "Gió bắc cấp 3, vùng ven biển cấp 3-4.",
         "Gió tây nam cấp 2-3.")
COLD = ("Trời rét.", "Đêm và sáng trời lạnh.", "Vùng núi trời rét, có nơi rét đậm.", "")
WEATHER_LEADS = (
    "Theo Trung tâm Dự báo khí tượng thủy văn quốc gia, {when} ({wd} ngày {dm}), {hint}.",
    "Trung tâm Dự báo khí tượng thủy văn quốc gia cho biết, {when} ({wd} ngày {dm}), {hint}.",
)
WEATHER_HINTS = (
    "bộ phận không khí lạnh ở phía bắc tiếp tục di chuyển xuống phía nam, ảnh hưởng đến khu vực Bắc Bộ",
    "rìa phía tây nam của áp cao cận nhiệt đới hoạt động khá mạnh, khu vực Nam Bộ và Tây Nguyên có nắng nóng",
    "dải hội tụ nhiệt đới có trục đi qua Nam Bộ, chiều tối và đêm có mưa rào và dông",
    "không khí lạnh đã suy yếu, khu vực Bắc Bộ ấm dần lên, trời chuyển nồm ẩm",
    "do ảnh hưởng của vùng áp thấp phía tây, Trung Bộ tiếp tục nắng nóng cục bộ",
)
WEATHER_OUTLOOK = (
    "Dự báo từ ngày {n1}, không khí lạnh có khả năng tăng cường trở lại, nhiệt độ ở Bắc Bộ giảm 3-4 độ C.",
    "Từ ngày {n1} đến {n2}, thời tiết ít thay đổi, trời nắng ráo vào ban ngày, đêm và sáng sớm se lạnh.",
    "Cơ quan khí tượng cảnh báo mưa dông có thể kèm theo lốc, sét, mưa đá và gió giật mạnh, ảnh hưởng đến "
    "sản xuất nông nghiệp và giao thông.",
    "Người dân vùng núi cần đề phòng sương muối, băng giá gây hại cho cây trồng và vật nuôi.",
    "Nắng nóng có thể còn kéo dài đến ngày {n2}, người dân cần hạn chế ra ngoài trời vào buổi trưa.",
)


def weather(rng: random.Random, day: date, regions: list[str]) -> str:
    """A national forecast bulletin as the news sites print it: the centre's wording, one block per region."""
    lead = rng.choice(WEATHER_LEADS).format(when=rng.choice(("đêm nay và ngày mai", "ngày và đêm nay")),
                                            wd=WEEKDAYS[day.weekday()], dm=_dm(day), hint=rng.choice(WEATHER_HINTS))
    blocks = [lead]
    for region in regions:
        low, high = WEATHER_REGIONS[region]
        t1 = low + rng.randint(-3, 3)
        t2 = high + rng.randint(-3, 3)
        block = (f"{region}: {rng.choice(SKIES)} {rng.choice(WINDS)} {rng.choice(COLD)} "
                 f"Nhiệt độ thấp nhất {t1}-{t1 + 3} độ C, có nơi dưới {t1 - rng.randint(1, 3)} độ C. "
                 f"Nhiệt độ cao nhất {t2}-{t2 + 3} độ C, có nơi trên {t2 + rng.randint(4, 5)} độ C.")
        blocks.append(re.sub(r" +", " ", block))
    hanoi = (f"Thời tiết Hà Nội: {rng.choice(SKIES)} {rng.choice(WINDS)} Nhiệt độ thấp nhất "
             f"{rng.randint(12, 22)}-{rng.randint(23, 25)} độ C, "
             f"cao nhất {rng.randint(20, 26)}-{rng.randint(27, 33)} độ C.")
    blocks.append(hanoi)
    blocks.append(rng.choice(WEATHER_OUTLOOK).format(n1=_dm(day + timedelta(days=1)), n2=_dm(day + timedelta(days=3))))
    return "\n\n".join(blocks)


MB_PROVINCES = ("Hà Nội", "Quảng Ninh", "Bắc Ninh", "Hà Nội", "Hải Phòng", "Nam Định", "Thái Bình")
MN_PROVINCES = (("TP HCM", "Đồng Tháp", "Cà Mau"), ("Bến Tre", "Vũng Tàu", "Bạc Liêu"),
                ("Đồng Nai", "Cần Thơ", "Sóc Trăng"), ("Tây Ninh", "An Giang", "Bình Thuận"),
                ("Vĩnh Long", "Bình Dương", "Trà Vinh"), ("TP HCM", "Long An", "Bình Phước", "Hậu Giang"),
                ("Tiền Giang", "Kiên Giang", "Đà Lạt"))


def _numbers(rng: random.Random, count: int, digits: int) -> str:
    return " - ".join(f"{rng.randrange(10 ** digits):0{digits}d}" for _ in range(count))


def lottery_north(rng: random.Random, day: date) -> str:
    """Kết quả xổ số miền Bắc: the prize table of one evening's draw between the sites' stock paragraphs."""
    wd = WEEKDAYS[day.weekday()]
    lines = [
        f"Kết quả xổ số miền Bắc (XSMB) hôm nay {wd} ngày {_dm(day)}/{day.year} được Công ty Xổ số kiến thiết "
        f"{MB_PROVINCES[day.weekday()]} mở thưởng lúc 18h15 tại trường quay của công ty.",
        f"Giải đặc biệt: {_numbers(rng, 1, 5)}", f"Giải nhất: {_numbers(rng, 1, 5)}",
        f"Giải nhì: {_numbers(rng, 2, 5)}", f"Giải ba: {_numbers(rng, 6, 5)}", f"Giải tư: {_numbers(rng, 4, 4)}",
        f"Giải năm: {_numbers(rng, 6, 4)}", f"Giải sáu: {_numbers(rng, 3, 3)}", f"Giải bảy: {_numbers(rng, 4, 2)}",
        "Bảng lô tô: " + ", ".join(f"đầu {h}: {_numbers(rng, rng.randint(1, 4), 2)}" for h in range(10)),
        "Cơ cấu giải thưởng xổ số miền Bắc với vé mệnh giá 10.000 đồng: giải đặc biệt trị giá 1 tỷ đồng, giải "
        "nhất 10 triệu đồng, giải nhì 5 triệu đồng, giải ba 1 triệu đồng, giải tư 400.000 đồng, giải năm 200.000 "
        "đồng, giải sáu 100.000 đồng và giải bảy 40.000 đồng.",
        "Kết quả xổ số chỉ mang tính chất tham khảo. Người trúng thưởng vui lòng đối chiếu với kết quả chính thức "
        "do công ty xổ số kiến thiết phát hành và lĩnh thưởng trong vòng 30 ngày kể từ ngày mở thưởng.",
    ]
    return "\n\n".join(lines)


def lottery_south(rng: random.Random, day: date) -> str:
    """Kết quả xổ số miền Nam: one table per province drawing that weekday."""
    provinces = MN_PROVINCES[day.weekday()]
    lines = [f"Kết quả xổ số miền Nam (XSMN) hôm nay {WEEKDAYS[day.weekday()]} ngày {_dm(day)}/{day.year} "
             f"mở thưởng lúc 16h15 tại các đài {', '.join(provinces)}."]
    prizes = (("Giải tám", 1, 2), ("Giải bảy", 1, 3), ("Giải sáu", 3, 4), ("Giải năm", 1, 4), ("Giải tư", 7, 5),
              ("Giải ba", 2, 5), ("Giải nhì", 1, 5), ("Giải nhất", 1, 5), ("Giải đặc biệt", 1, 6))
    for province in provinces:
        lines.append(f"Xổ số {province}: " + "; ".join(f"{n}: {_numbers(rng, c, d)}" for n, c, d in prizes))
    lines.append("Vé số miền Nam có mệnh giá 10.000 đồng, giải đặc biệt trị giá 2 tỷ đồng. Ngoài ra còn có 9 giải "
                 "phụ đặc biệt và 45 giải khuyến khích dành cho vé sai một chữ số so với giải đặc biệt.")
    lines.append("Kết quả xổ số chỉ mang tính chất tham khảo. Người trúng thưởng vui lòng đối chiếu với kết quả "
                 "chính thức do công ty xổ số kiến thiết phát hành.")
    return "\n\n".join(lines)


FUEL = (("xăng E5 RON 92", 21_000), ("xăng RON 95-III", 22_300), ("dầu diesel 0,05S", 19_800),
        ("dầu hỏa", 19_500))
FUEL_REASONS = (
    "căng thẳng địa chính trị tại Trung Đông làm gián đoạn nguồn cung qua eo biển Hormuz",
    "OPEC+ quyết định tăng sản lượng khai thác từ tháng tới, trong khi tồn kho dầu thô của Mỹ tăng",
    "lo ngại nhu cầu năng lượng suy giảm khi kinh tế Trung Quốc tăng trưởng chậm lại",
    "đồng USD mạnh lên và Cục Dự trữ Liên bang Mỹ phát tín hiệu giữ lãi suất cao lâu hơn",
    "các nhà máy lọc dầu tại châu Á bước vào mùa bảo dưỡng, nguồn cung thành phẩm thu hẹp",
)


def fuel_prices(rng: random.Random, day: date, period: int) -> str:
    """A fuel price adjustment by the Ministries of Industry and Trade and of Finance (every Thursday)."""
    up = rng.random() < 0.5
    moves = []
    for name, base in FUEL:
        delta = rng.randrange(10, 90) * 10
        price = base + rng.randrange(-150, 150) * 10
        moves.append(f"{name} {'tăng' if up else 'giảm'} {_vnd(delta)} đồng/lít, "
                     f"{'lên' if up else 'xuống'} {_vnd(price)} đồng/lít")
    fund = rng.choice(("không trích lập và không chi sử dụng Quỹ bình ổn giá xăng dầu",
                       f"trích lập Quỹ bình ổn giá với xăng E5 RON 92 ở mức {rng.randrange(2, 50) * 10} đồng/lít, "
                       f"xăng RON 95 ở mức {rng.randrange(2, 50) * 10} đồng/lít",
                       f"chi sử dụng Quỹ bình ổn giá với dầu diesel ở mức {rng.randrange(5, 80) * 10} đồng/lít"))
    start = day - timedelta(days=7)
    paras = [
        f"Liên Bộ Công Thương - Tài chính vừa công bố điều chỉnh giá bán lẻ xăng dầu, áp dụng từ 15h hôm nay "
        f"({_dm(day)}).",
        "Cụ thể, giá " + "; ".join(moves) + f". Dầu mazut {'tăng' if up else 'giảm'} "
        f"{_vnd(rng.randrange(5, 60) * 10)} đồng/kg, "
        f"{'lên' if up else 'xuống'} {_vnd(17_000 + rng.randrange(-90, 90) * 10)} đồng/kg.",
        f"Tại kỳ điều hành này, liên Bộ {fund}.",
        f"Theo liên Bộ, giá thành phẩm xăng dầu thế giới trong kỳ điều hành vừa qua (từ ngày {_dm(start)} đến "
        f"{_dm(day)}) biến động {'theo xu hướng tăng' if up else 'theo xu hướng giảm'} do {rng.choice(FUEL_REASONS)}.",
        f"Bình quân giá thành phẩm xăng dầu thế giới giữa hai kỳ điều hành là {_dec(rng.uniform(75, 95), 3)} "
        f"USD/thùng xăng RON 92, {_dec(rng.uniform(78, 98), 3)} USD/thùng xăng RON 95 và "
        f"{_dec(rng.uniform(80, 100), 3)} USD/thùng dầu diesel.",
        f"Đây là lần điều chỉnh giá thứ {period} từ đầu năm {day.year}, trong đó giá xăng có "
        f"{rng.randint(2, period)} lần tăng.",
    ]
    return "\n\n".join(paras)


GOLD_BRANDS = ("Công ty Vàng bạc Đá quý Sài Gòn (SJC)", "Tập đoàn DOJI", "Công ty Vàng bạc Đá quý Phú Nhuận (PNJ)",
               "Bảo Tín Minh Châu", "Tập đoàn Phú Quý")
GOLD_DRIVERS = (
    "nhu cầu trú ẩn an toàn tăng khi căng thẳng địa chính trị tại Trung Đông leo thang",
    "đồng USD suy yếu sau khi dữ liệu việc làm của Mỹ kém hơn kỳ vọng",
    "các ngân hàng trung ương tiếp tục mua ròng vàng để đa dạng hóa dự trữ ngoại hối",
    "nhà đầu tư chốt lời sau chuỗi tăng nóng của tuần trước",
    "lợi suất trái phiếu chính phủ Mỹ kỳ hạn 10 năm tăng trở lại",
)
GOLD_EXPERTS = (
    "Ông Kyle Rodda, chuyên gia phân tích cấp cao tại Capital.com, nhận định",
    "Theo ông Nguyễn Quang Huy, CEO Khoa Tài chính - Ngân hàng Đại học Nguyễn Trãi,",
    "Bà Ewa Manthey, chuyên gia chiến lược hàng hóa của ING, cho rằng",
    "Chuyên gia kinh tế Đinh Trọng Thịnh nhận định",
)
GOLD_VIEWS = (
    "giá vàng có thể tiếp tục biến động mạnh trong ngắn hạn, người dân không nên mua đuổi khi chênh lệch giá "
    "trong nước và thế giới còn lớn",
    "xu hướng tăng của kim loại quý vẫn được duy trì, song các nhịp điều chỉnh sẽ diễn ra thường xuyên hơn",
    "thị trường đang chờ quyết định lãi suất của Fed, trước đó giá vàng sẽ giao dịch trong biên độ hẹp",
    "rủi ro lớn nhất với người mua vàng lúc này là chênh lệch mua - bán đã bị nới rộng lên 3 triệu đồng/lượng",
)


def gold_table(rng: random.Random, day: date) -> str:
    """Giá vàng hôm nay: the morning table of listed prices by brand, then the world price."""
    up = rng.random() < 0.5
    base = rng.randrange(1700, 1900) / 10
    lines = [f"Giá vàng hôm nay {_dm(day)}: Tính đến {rng.randint(8, 10)}h sáng, giá vàng trong nước được các "
             f"doanh nghiệp điều chỉnh {'tăng' if up else 'giảm'} mạnh."]
    for brand in GOLD_BRANDS:
        buy = base + rng.randrange(-5, 5) / 10
        lines.append(f"{brand} niêm yết giá vàng miếng ở mức {_dec(buy)}-{_dec(buy + 3)} triệu đồng/lượng (mua - bán), "
                     f"{'tăng' if up else 'giảm'} {_vnd(rng.randrange(2, 15) * 100_000)} đồng/lượng mỗi chiều. "
                     f"Giá vàng "
                     f"nhẫn tròn trơn ở mức {_dec(buy - 0.3)}-{_dec(buy + 2.7)} triệu đồng/lượng.")
    world = rng.randrange(4800, 5300)
    lines.append(f"Trên thị trường thế giới, giá vàng giao ngay ở mức {_vnd(world)} USD/ounce, "
                 f"{'tăng' if up else 'giảm'} {rng.randint(5, 60)} USD so với phiên trước. Quy đổi theo tỷ giá ngân "
                 f"hàng, vàng thế giới tương đương {_dec(world * 0.0317)} triệu đồng/lượng, thấp hơn vàng miếng trong "
                 f"nước khoảng {rng.randint(12, 22)} triệu đồng/lượng.")
    return "\n\n".join(lines)


def gold_report(rng: random.Random, day: date) -> str:
    """A closing gold-market report in prose: same beat and outlet every day, a different market each day."""
    up = rng.random() < 0.5
    verb = "tăng" if up else "giảm"
    sell = rng.randrange(1750, 1900) / 10
    paras = [
        f"Cụ thể, chốt phiên {_dm(day)}, giá vàng miếng SJC được niêm yết tại mức {_dec(sell - 3)}-{_dec(sell)} "
        f"triệu đồng/lượng (mua - bán), {verb} {_vnd(rng.randrange(2, 15) * 100_000)} đồng/lượng mỗi chiều so với "
        f"phiên trước đó. Vàng nhẫn giao dịch tại mức {_dec(sell - 3.3)}-{_dec(sell - 0.3)} triệu đồng/lượng.",
        f"Trên thế giới, giá vàng giao ngay đang ở mức {_vnd(rng.randrange(4800, 5300))} USD/ounce, {verb} "
        f"{rng.randint(5, 70)} USD so với phiên trước. Diễn biến này chủ yếu do {rng.choice(GOLD_DRIVERS)}.",
        f"{rng.choice(GOLD_EXPERTS)} {rng.choice(GOLD_VIEWS)}.",
        rng.choice((
            f"Trong phiên {_dm(day)}, lượng khách đến các cửa hàng vàng trên phố Trần Nhân Tông (Hà Nội) "
            + ("đông hơn thường lệ, nhiều người xếp hàng từ sớm." if up
               else "thưa thớt, chủ yếu là người bán ra chốt lời."),
            f"Ngân hàng Nhà nước công bố tỷ giá trung tâm ở mức {_vnd(rng.randrange(25_000, 25_200))} đồng, "
            f"{verb} {rng.randint(3, 20)} đồng so với phiên trước.",
            f"Theo Hội đồng Vàng Thế giới (WGC), nhu cầu vàng toàn cầu quý trước đạt {_vnd(rng.randrange(1100, 1350))} "
            f"tấn, trong đó các ngân hàng trung ương mua ròng {rng.randrange(200, 330)} tấn.",
        )),
    ]
    return "\n\n".join(paras)


FARM_PROVINCES = {"cà phê": ("Đắk Lắk", "Lâm Đồng", "Gia Lai", "Đắk Nông"),
                  "hồ tiêu": ("Đắk Lắk", "Gia Lai", "Bà Rịa - Vũng Tàu", "Bình Phước", "Đồng Nai")}


def farm_prices(rng: random.Random, day: date, crop: str) -> str:
    """Giá cà phê / hồ tiêu hôm nay: the buying price per growing province, then the exchange."""
    base = 98_000 if crop == "cà phê" else 148_000
    up = rng.random() < 0.5
    verb = "tăng" if up else "giảm"
    lines = [f"Giá {crop} hôm nay {_dm(day)} tại thị trường trong nước {verb} {_vnd(rng.randrange(3, 30) * 100)} "
             f"đồng/kg so với hôm qua."]
    for province in FARM_PROVINCES[crop]:
        lines.append(f"Tại {province}, giá {crop} được thương lái thu mua ở mức "
                     f"{_vnd(base + rng.randrange(-60, 60) * 100)} "
                     f"đồng/kg.")
    if crop == "cà phê":
        lines.append(f"Trên sàn London, giá cà phê Robusta giao tháng {rng.choice((5, 7, 9))} {verb} "
                     f"{rng.randint(10, 160)} USD/tấn, lên mức {_vnd(rng.randrange(3900, 5400))} USD/tấn. Trên sàn "
                     f"New York, giá cà phê Arabica {verb} {_dec(rng.uniform(0.5, 9))} cent/lb.")
    else:
        lines.append(f"Theo Cộng đồng Hồ tiêu Quốc tế (IPC), giá tiêu đen Lampung (Indonesia) ở mức "
                     f"{_vnd(rng.randrange(6500, 7500))} USD/tấn; tiêu đen xuất khẩu của Việt Nam loại 500 g/l "
                     f"giao dịch ở mức {_vnd(rng.randrange(6000, 7000))} USD/tấn.")
    lines.append(rng.choice((
        f"Theo Hiệp hội {crop.capitalize()} Việt Nam, xuất khẩu {crop} tháng trước đạt "
        f"{_vnd(rng.randrange(20, 190) * 1000)} tấn, "
        f"trị giá {rng.randrange(150, 900)} triệu USD.",
        f"Nhiều nông hộ tại Tây Nguyên cho biết đang giữ hàng chờ giá, chỉ bán ra một phần để trang trải chi phí "
        f"chăm sóc vườn {crop} mùa khô.",
        f"Các doanh nghiệp xuất khẩu nhận định nguồn cung {crop} toàn cầu niên vụ này vẫn thiếu hụt, giá khó "
        f"giảm sâu trong ngắn hạn.",
    )))
    return "\n\n".join(lines)


# The same ministry's different decisions: the stock opening and closing clauses, a different measure inside.
MINISTRIES = {
    "Bộ Giáo dục và Đào tạo": ("TT-BGDĐT", (
        ("quy chế thi tốt nghiệp trung học phổ thông",
         "Theo đó, thí sinh làm bài thi bắt buộc Toán, Ngữ văn và hai môn tự chọn trong số các môn đã học ở lớp 12. "
         "Điểm xét tốt nghiệp gồm 50% điểm thi và 50% điểm đánh giá quá trình học tập ba năm trung học phổ thông. "
         "Thí sinh được đăng ký dự thi trực tuyến trên hệ thống quản lý thi của Bộ."),
        ("dạy thêm, học thêm",
         "Theo đó, giáo viên không được dạy thêm ngoài nhà trường đối với học sinh mình đang dạy chính khóa. Việc "
         "dạy thêm trong nhà trường phải theo nguyện vọng của học sinh, không thu tiền và không quá hai tiết mỗi "
         "tuần mỗi môn. Cơ sở tổ chức dạy thêm ngoài nhà trường phải đăng ký kinh doanh và công khai học phí."),
        ("chuẩn cơ sở vật chất trường mầm non",
         "Theo đó, mỗi nhóm, lớp có phòng sinh hoạt chung diện tích tối thiểu 1,5 m2 mỗi trẻ, phòng ngủ riêng và "
         "khu vệ sinh khép kín. Trường có sân chơi, bếp ăn một chiều và tủ thuốc đạt chuẩn. Các địa phương có lộ "
         "trình 5 năm để cải tạo những điểm trường chưa đạt."),
    )),
    "Bộ Y tế": ("TT-BYT", (
        ("danh mục thuốc thiết yếu",
         "Danh mục mới gồm 468 hoạt chất hóa dược và sinh phẩm, 120 thuốc đông y và thuốc từ dược liệu. Lần đầu "
         "tiên, một số thuốc điều trị ung thư thế hệ mới và thuốc kháng virus được đưa vào danh mục. Cơ sở khám "
         "chữa bệnh căn cứ danh mục để xây dựng kế hoạch mua sắm, bảo đảm cung ứng đủ thuốc cho người bệnh."),
        ("khám sức khỏe định kỳ cho người lao động",
         "Theo đó, người lao động được khám sức khỏe ít nhất mỗi năm một lần; người làm nghề nặng nhọc, độc hại "
         "được khám sáu tháng một lần. Kết quả khám được cập nhật lên sổ sức khỏe điện tử. Người sử dụng lao động "
         "chi trả toàn bộ chi phí khám và không được trừ vào lương."),
        ("giá dịch vụ khám bệnh, chữa bệnh bảo hiểm y tế",
         "Theo đó, giá khám bệnh tại bệnh viện hạng đặc biệt và hạng I tăng lên 50.600 đồng mỗi lượt; giá ngày "
         "giường điều trị nội khoa tăng từ 12 đến 18%. Mức giá mới đã tính đủ tiền lương cơ sở 2,34 triệu đồng. "
         "Người có thẻ bảo hiểm y tế không phải trả thêm phần chênh lệch khi khám đúng tuyến."),
    )),
    "Bộ Tài chính": ("TT-BTC", (
        ("lệ phí trước bạ ô tô, xe máy",
         "Theo đó, mức thu lệ phí trước bạ đối với ô tô chở người dưới 10 chỗ đăng ký lần đầu là 10% giá tính lệ "
         "phí; tại các thành phố trực thuộc trung ương, địa phương được quyết định tăng thêm nhưng không quá 50%. "
         "Xe máy của cá nhân đăng ký tại thành phố, thị xã chịu mức 5%."),
        ("hóa đơn điện tử khởi tạo từ máy tính tiền",
         "Theo đó, hộ kinh doanh có doanh thu từ 1 tỷ đồng mỗi năm trở lên trong lĩnh vực bán lẻ, ăn uống, khách "
         "sạn phải dùng hóa đơn điện tử khởi tạo từ máy tính tiền, kết nối dữ liệu với cơ quan thuế. Mỗi lần bán "
         "hàng, người bán xuất hóa đơn và gửi cho người mua qua mã QR hoặc tin nhắn."),
        ("quản lý quỹ bình ổn giá xăng dầu",
         "Theo đó, thương nhân đầu mối trích lập quỹ theo mức liên Bộ công bố tại mỗi kỳ điều hành và mở tài khoản "
         "riêng tại ngân hàng thương mại. Số dư quỹ được công khai hằng quý trên trang thông tin điện tử của doanh "
         "nghiệp. Quỹ chỉ được chi khi giá cơ sở tăng đột biến, theo quyết định của liên Bộ."),
    )),
}


def ministry_decision(rng: random.Random, ministry: str, which: int, day: date) -> str:
    code, decisions = MINISTRIES[ministry]
    subject, content = decisions[which]
    effective = day + timedelta(days=rng.choice((30, 45, 60)))
    return "\n\n".join([
        f"{ministry} vừa ban hành Thông tư số {rng.randint(5, 40)}/{day.year}/{code} quy định về {subject}. "
        f"Thông tư có hiệu lực thi hành từ ngày {effective.day}/{effective.month}/{effective.year}.",
        content,
        f"Thông tư này thay thế các quy định trước đây về {subject}. Trong quá trình thực hiện, nếu có khó khăn, "
        f"vướng mắc, các cơ quan, tổ chức, cá nhân phản ánh kịp thời về {ministry} để được hướng dẫn, giải quyết.",
        rng.choice((f"Trước khi ban hành, dự thảo Thông tư đã được đăng tải lấy ý kiến rộng rãi trên cổng thông tin "
                    f"điện tử của {ministry} trong 60 ngày.",
                    f"Theo lãnh đạo {ministry}, việc ban hành Thông tư nhằm thể chế hóa chủ trương của Đảng, bảo đảm "
                    f"tính thống nhất và khả thi khi triển khai trên cả nước.")),
    ])


def negatives(rng: random.Random, pages: list[Page]) -> list[Pair]:
    out = []
    start = date(2026, 3, 2)

    def days(span: int) -> tuple[date, date]:
        d1 = start + timedelta(days=rng.randrange(60))
        return d1, d1 + timedelta(days=rng.randint(1, span))

    regions = sorted(WEATHER_REGIONS)
    for i in range(36):
        d1, d2 = days(3)
        if i % 3 == 0:  # the same regions on consecutive days: only the day's weather differs
            picked = rng.sample(regions, 4)
            a, b = weather(rng, d1, picked), weather(rng, d2, picked)
        elif i % 3 == 1:  # one day, two bulletins for different regions (north and south editions)
            a, b = weather(rng, d1, regions[:3]), weather(rng, d1, regions[3:])
        else:
            a, b = weather(rng, d1, rng.sample(regions, 4)), weather(rng, d2, rng.sample(regions, 4))
        out.append(Pair("weather", False, a, b, f"{_dm(d1)} vs {_dm(d2)}"))
    for i in range(30):
        d1, d2 = days(7)
        draw = (lottery_north, lottery_south)[i % 2]
        if i % 5 == 0:  # the same weekday a week apart: same province list, same opening
            d2 = d1 + timedelta(days=7)
        out.append(Pair("lottery", False, draw(rng, d1), draw(rng, d2), f"{draw.__name__} {_dm(d1)} vs {_dm(d2)}"))
    for i in range(14):
        d1 = start + timedelta(days=7 * rng.randrange(8))
        d2 = d1 + timedelta(days=7)
        out.append(Pair("prices", False, fuel_prices(rng, d1, i + 5), fuel_prices(rng, d2, i + 6),
                        f"fuel {_dm(d1)} vs {_dm(d2)}"))
    for _ in range(14):
        d1, d2 = days(2)
        out.append(Pair("prices", False, gold_table(rng, d1), gold_table(rng, d2),
                        f"gold table {_dm(d1)} vs {_dm(d2)}"))
    for i in range(14):
        d1, d2 = days(2)
        crop = ("cà phê", "hồ tiêu")[i % 2]
        out.append(Pair("prices", False, farm_prices(rng, d1, crop), farm_prices(rng, d2, crop),
                        f"{crop} {_dm(d1)} vs {_dm(d2)}"))
    dantri_gold = next(p.body for p in pages if p.source == "dantri")
    for i in range(18):
        d1, d2 = days(3)
        a = dantri_gold if i % 3 == 0 else gold_report(rng, d1)
        out.append(Pair("same_topic", False, a, gold_report(rng, d2), f"gold report vs {_dm(d2)}"))
    for ministry, (_, decisions) in MINISTRIES.items():
        for x, y in itertools.combinations(range(len(decisions)), 2):
            for _ in range(2):
                d1, d2 = days(20)
                out.append(Pair("same_topic", False, ministry_decision(rng, ministry, x, d1),
                                ministry_decision(rng, ministry, y, d2), f"{ministry}: {x} vs {y}"))
    combos = list(itertools.combinations(pages, 2))
    for p, q in rng.sample(combos, min(40, len(combos))):
        out.append(Pair("unrelated", False, p.body, q.body, f"{p.source} vs {q.source}"))
    return out


def pair_set(seed: int = SEED) -> list[Pair]:
    """Every labelled pair, in a fixed order for a given seed."""
    rng = random.Random(seed)
    pages = recorded_pages()
    return positives(rng, pages) + negatives(rng, pages)
