"""The labelled pair set for the near-duplicate stage: reprints of the recorded bodies (same story) against
same-topic and templated stories (different stories), built deterministically from a seed, without a network.

Positives edit a recorded body the way a syndicating outlet does: whole paragraphs, words inside them, figures,
sentences, the sapo and captions, or reuse part of it (bench/dedup/copyedit.py). Negatives are what a text key
gets wrong: two reports on one beat on different days, templated bulletins (weather, lottery, prices, exchange
rates, traffic accidents) that repeat their skeleton word for word and differ only in the event's details, two
outlets' own reports of one event quoting the same officials, plus unrelated recorded pages."""
from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.dedup import copyedit
from transforms.dedup import body_key

REPO = Path(__file__).resolve().parents[2]
SEED = 20260307
POSITIVE_KINDS = ("lead", "added", "removed", "byline", "dateline", "boilerplate", "tone", "combo2", "combo3",
                  # copy-editing (issue 17): inside paragraphs, around them, and combined
                  "words", "synonyms", "numbers", "sentences", "reorder", "sapo", "captions", "credit", "edited",
                  # part of a text reused: cut short, summarised, updated
                  "first_half", "summary", "follow_up",
                  # heavier than the target's 10 %: reported, not held to it
                  "words_heavy")
NEGATIVE_KINDS = ("same_topic", "weather", "lottery", "prices", "exchange_rates", "traffic", "same_event",
                  "unrelated")
# Issue 4's kinds: edits that leave the other paragraphs word for word, against the first templated bulletins.
WHOLE_PARAGRAPH_KINDS = POSITIVE_KINDS[:9]
FIRST_NEGATIVES = ("same_topic", "weather", "lottery", "prices", "unrelated")
# Issue 17's item 2 target: copies with up to 10 % of their words edited, with or without structural edits.
COPY_EDIT_KINDS = ("words", "synonyms", "numbers", "sentences", "reorder", "sapo", "captions", "credit", "edited")
# The kinds the recall target covers: every copy-edit up to 10 % of the words, with or without structural edits.
# `words_heavy` (10-15 %) is measured to show where the signature gives way.
TARGET_KINDS = tuple(k for k in POSITIVE_KINDS if k != "words_heavy")


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
    captions: tuple[str, ...] = ()


def recorded_pages() -> list[Page]:
    """One page per distinct body among the labelled pages (bienphong records one article three ways)."""
    pages, seen = [], set()
    for path in sorted((REPO / "sources").glob("*/pages/*.json")):
        label = json.loads(path.read_text("utf-8"))
        key = body_key(label.get("body") or "")
        if key and key not in seen:
            seen.add(key)
            pages.append(Page(path.parts[-3], label["title"], label.get("sapo") or "", label["body"],
                              tuple(label.get("authors") or ()), tuple(label.get("captions") or ())))
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


def copy_edits(rng: random.Random, pages: list[Page]) -> list[Pair]:
    """Issue 17's copies: word-level edits inside paragraphs, structural edits around them, both combined, and
    the partial copies and follow-ups that reuse part of the text. All are labelled one story:
    - `summary` (the lead and 40-60 % of the sentences, lightly trimmed) is the borderline case. It is one
      story: every sentence in it comes from the original, so an outlet that runs it ran that story shorter, and
      `api.stories` should count that outlet. A summary written afresh, in other words, shares too little text
      for any signature to see, and is the same event told again (the `same_event` negatives);
    - `follow_up` is an update that reuses the original as half of its text: the reader meets one running
      story, and the update joins its story as a repost when the outlet is the same."""
    out = []
    for n, page in enumerate(pages):
        paras = [*_paragraphs(page.body), " - ".join(page.authors) or "PV"]
        original = "\n\n".join(paras)

        def pair(kind: str, edited: list[str], note: str, original=original, source=page.source) -> None:
            out.append(Pair(kind, True, original, "\n\n".join(edited), f"{source}: {note}"))

        for _ in range(2):
            rate = rng.uniform(0.02, 0.10)
            pair("words", copyedit.word_edits(rng, paras, rate), f"{rate:.0%} of the words edited")
        rate = rng.uniform(0.10, 0.15)
        pair("words_heavy", copyedit.word_edits(rng, paras, rate), f"{rate:.0%} of the words edited")
        pair("synonyms", copyedit.synonyms(rng, paras), "near-synonyms swapped")
        pair("numbers", copyedit.numbers(rng, paras), "numbers and dates restyled")
        for name in copyedit.STRUCTURAL:
            pair(name, copyedit.structural(rng, name, page.sapo, list(page.captions), paras), name)
        for _ in range(3):
            rate = rng.uniform(0.02, 0.10)
            names = rng.sample(copyedit.STRUCTURAL, rng.randint(1, 3))
            edited = copyedit.numbers(rng, copyedit.synonyms(rng, copyedit.word_edits(rng, paras, rate)))
            for name in names:
                edited = copyedit.structural(rng, name, page.sapo, list(page.captions), edited)
            pair("edited", edited, f"{rate:.0%} of the words, synonyms, numbers, {'+'.join(names)}")
        pair("first_half", [*copyedit.first_half(paras), rng.choice(copyedit.CREDITS)], "the first half")
        share = rng.uniform(0.4, 0.6)
        pair("summary", copyedit.summary(rng, paras, share), f"a summary of {share:.0%}")
        pair("follow_up", copyedit.follow_up(rng, paras, (1 + n % 20, 3 + n % 2)), "an update reusing half")
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


BANKS = ("Vietcombank", "BIDV", "VietinBank", "Agribank", "Techcombank", "ACB", "Sacombank", "MB")


def exchange_rates(rng: random.Random, day: date) -> str:
    """Tỷ giá USD hôm nay: the central rate, then every bank's buying and selling rate."""
    central = rng.randrange(25_000, 25_300)
    verb = rng.choice(("tăng", "giảm"))
    lines = [f"Tỷ giá USD hôm nay {_dm(day)}: Ngân hàng Nhà nước công bố tỷ giá trung tâm của đồng Việt Nam với "
             f"đô la Mỹ ở mức {_vnd(central)} đồng, {verb} {rng.randint(2, 30)} đồng so với phiên trước.",
             f"Với biên độ 5%, tỷ giá trần mà các ngân hàng được áp dụng là {_vnd(round(central * 1.05))} đồng/USD "
             f"và tỷ giá sàn là {_vnd(round(central * 0.95))} đồng/USD."]
    for bank in rng.sample(BANKS, 5):
        buy = central + rng.randrange(600, 1100)
        lines.append(f"Tại {bank}, giá USD được niêm yết ở mức {_vnd(buy)} đồng (mua vào) và "
                     f"{_vnd(buy + rng.randrange(280, 360))} đồng (bán ra), {verb} {rng.randint(5, 60)} đồng mỗi "
                     f"chiều so với cuối phiên hôm qua.")
    lines.append(f"Trên thị trường tự do, đồng USD được giao dịch quanh mức {_vnd(central + rng.randrange(1200, 1600))}"
                 f" - {_vnd(central + rng.randrange(1650, 1800))} đồng/USD. Chỉ số DXY đo sức mạnh đồng bạc xanh "
                 f"với rổ 6 đồng tiền chủ chốt ở mức {_dec(rng.uniform(96, 106), 2)} điểm.")
    return "\n\n".join(lines)


ROADS = (("quốc lộ 1A", "Nghệ An"), ("quốc lộ 14", "Đắk Lắk"), ("quốc lộ 5", "Hải Dương"), ("quốc lộ 51", "Đồng Nai"),
         ("quốc lộ 6", "Hòa Bình"), ("cao tốc Pháp Vân - Cầu Giẽ", "Hà Nội"), ("quốc lộ 20", "Lâm Đồng"))
VEHICLES = ("xe ô tô tải", "xe khách giường nằm", "xe container", "xe ô tô con 5 chỗ", "xe đầu kéo")
COMMUNES = ("Tân Lập", "Hòa Bình", "Quỳnh Lưu", "Phú Mỹ", "Đông Hưng")
COLLISIONS = ("va chạm với xe máy đi cùng chiều", "lấn làn và đâm trực diện xe máy đi ngược chiều",
              "mất lái, tông vào xe máy đang dừng chờ đèn đỏ")
NAMES = ("Nguyễn Văn Hùng", "Trần Minh Tuấn", "Lê Văn Thành", "Phạm Quốc Bảo", "Hoàng Văn Nam", "Đỗ Đức Long",
         "Vũ Thị Hoa", "Bùi Văn Sơn")


def traffic_accident(rng: random.Random, day: date) -> str:
    """A traffic accident report in the police's formula: time, place, vehicles, casualties, investigation."""
    road, province = rng.choice(ROADS)
    driver, rider = rng.sample(NAMES, 2)
    vehicle = rng.choice(VEHICLES)
    dead, hurt = rng.randint(1, 3), rng.randint(0, 4)
    return "\n\n".join([
        f"Khoảng {rng.randint(1, 23)}h{rng.choice(('', '30', '15', '45'))} ngày {_dm(day)}, tại km "
        f"{rng.randint(10, 1800)}+{rng.randint(100, 900)} {road} đoạn qua xã {rng.choice(COMMUNES)}, tỉnh {province}, "
        f"đã xảy ra vụ tai nạn giao thông giữa {vehicle} mang biển kiểm soát "
        f"{rng.randint(11, 99)}{rng.choice('ABCDH')}-{rng.randint(100, 999)}.{rng.randint(10, 99)} do tài xế {driver} "
        f"({rng.randint(25, 60)} tuổi) điều khiển và xe máy do anh {rider} ({rng.randint(18, 60)} tuổi) điều khiển.",
        f"Vụ va chạm khiến {dead} người tử vong tại chỗ"
        + (f", {hurt} người khác bị thương được người dân đưa đi cấp cứu tại bệnh viện đa khoa tỉnh." if hurt
           else ", phương tiện hư hỏng nặng."),
        f"Theo thông tin ban đầu, {vehicle} lưu thông theo hướng {rng.choice(('Bắc - Nam', 'Nam - Bắc', 'Đông - Tây'))}"
        f" khi đến địa điểm trên thì {rng.choice(COLLISIONS)}.",
        f"Nhận được tin báo, Đội Cảnh sát giao thông Công an tỉnh {province} đã có mặt phong tỏa hiện trường, phân "
        f"luồng giao thông và phối hợp với cơ quan điều tra khám nghiệm, làm rõ nguyên nhân vụ tai nạn. Giao thông "
        f"qua khu vực ùn tắc khoảng {rng.randint(2, 10)} km trong nhiều giờ.",
    ])


# Same-event reports from two outlets, written independently: each tells the event in its own words, with its
# own background, and quotes the same officials verbatim. Bantin's story is one text and its copies
# (`api.stories` counts the outlets that ran a text), so these are two stories: a reader asking "who covered the
# event" wants both, and finds them by search; a reader asking "who ran this article" wants neither merged.
EVENTS = (
    {"quotes": ("“Chúng tôi đã huy động toàn bộ lực lượng, phương tiện để tìm kiếm các ngư dân mất tích, đồng thời "
                "đề nghị Bộ Quốc phòng hỗ trợ tàu và máy bay trực thăng tham gia cứu nạn trên biển”, ông Trần Văn "
                "Quang, Phó Chủ tịch UBND tỉnh Quảng Ngãi, cho biết.",
                "“Tàu cá bị sóng lớn đánh chìm cách đảo Lý Sơn khoảng 40 hải lý, trên tàu có 12 thuyền viên, hiện đã "
                "cứu được 7 người, 5 người vẫn đang mất tích”, đại diện Bộ Chỉ huy Bộ đội Biên phòng tỉnh nói."),
     "a": ("Chiều 14/3, UBND tỉnh Quảng Ngãi tổ chức họp khẩn về công tác tìm kiếm cứu nạn vụ chìm tàu cá "
           "QNg 90479 TS tại vùng biển phía đông đảo Lý Sơn trong đêm 13/3.",
           "Theo báo cáo tại cuộc họp, thời tiết trên biển vẫn rất xấu, gió mạnh cấp 6, cấp 7, sóng cao từ 3 đến 4 "
           "mét gây nhiều khó khăn cho các tàu đang làm nhiệm vụ. Lực lượng cứu hộ đã mở rộng phạm vi tìm kiếm về "
           "phía nam, nơi dòng hải lưu có thể đẩy các nạn nhân trôi dạt.",
           "Gia đình các thuyền viên mất tích tại xã An Hải đang được chính quyền địa phương thăm hỏi, hỗ trợ mỗi "
           "gia đình 10 triệu đồng. Tỉnh cũng chỉ đạo các đồn biên phòng không cấp phép cho tàu cá ra khơi đến khi "
           "thời tiết ổn định trở lại."),
     "b": ("Đến tối 14/3, công tác tìm kiếm 5 ngư dân Quảng Ngãi mất tích sau khi tàu cá bị chìm gần đảo Lý Sơn "
           "vẫn chưa có kết quả, trong khi sóng to gió lớn tiếp tục cản trở lực lượng cứu nạn.",
           "Bảy ngư dân được cứu sống đã được đưa vào bờ lúc 10h sáng cùng ngày, sức khỏe cơ bản ổn định. Một người "
           "bị thương ở chân được chuyển đến Trung tâm Y tế quân dân y Lý Sơn để điều trị.",
           "Kể từ đầu năm, đây là vụ tai nạn nghiêm trọng nhất với tàu cá của tỉnh. Ngành thủy sản khuyến cáo chủ "
           "tàu trang bị đầy đủ áo phao, phao cứu sinh và duy trì liên lạc với bờ qua thiết bị giám sát hành trình.")},
    {"quotes": ("“Từ ngày 1/7, toàn bộ thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ sẽ được thực hiện trực tuyến, "
                "người dân không phải đến cơ quan nhà nước nộp hồ sơ giấy, thời gian giải quyết rút từ 15 xuống còn "
                "7 ngày làm việc”, Giám đốc Sở Xây dựng Hà Nội cho biết.",
                "“Chúng tôi sẽ công khai tên cán bộ để chậm hồ sơ quá hạn trên cổng thông tin của thành phố, và việc "
                "này được tính vào kết quả đánh giá cuối năm”, ông nói thêm."),
     "a": ("Sáng 20/3, Sở Xây dựng Hà Nội tổ chức hội nghị triển khai đề án chuyển đổi số trong lĩnh vực cấp phép "
           "xây dựng với sự tham dự của lãnh đạo 30 quận, huyện và thị xã.",
           "Năm ngoái, Hà Nội cấp gần 25.000 giấy phép xây dựng nhà ở riêng lẻ, trong đó khoảng một phần ba hồ sơ "
           "bị trả lại ít nhất một lần vì thiếu giấy tờ. Đề án mới cho phép hệ thống tự kiểm tra thành phần hồ sơ "
           "và liên thông với dữ liệu đất đai.",
           "Nhiều đại biểu đề nghị thành phố sớm hoàn thiện cơ sở dữ liệu quy hoạch chi tiết, bởi đây là căn cứ để "
           "cán bộ thẩm định mà không cần người dân bổ sung bản vẽ."),
     "b": ("Người dân Hà Nội xin phép xây nhà sẽ không còn phải xếp hàng nộp hồ sơ giấy, theo kế hoạch mà Sở Xây "
           "dựng công bố tại hội nghị ngày 20/3.",
           "Anh Nguyễn Minh Đức, ở phường Kiến Hưng, kể gia đình anh mất gần hai tháng, đi lại năm lần mới có "
           "giấy phép sửa nhà năm ngoái. “Nếu làm trên mạng được thì đỡ cho dân rất nhiều”, anh nói.",
           "Trước Hà Nội, TP HCM và Đà Nẵng đã thí điểm cấp phép xây dựng trực tuyến từ năm 2024, với tỷ lệ hồ sơ "
           "nộp qua mạng đạt lần lượt 68% và 75%.")},
    {"quotes": ("“Đợt nắng nóng này có thể kéo dài đến hết tuần, nhiệt độ cao nhất phổ biến 37 đến 39 độ C, có nơi "
                "trên 40 độ C, độ ẩm thấp nhất chỉ 45 đến 50 phần trăm”, ông Nguyễn Văn Hưởng, Trưởng phòng Dự báo "
                "thời tiết, cho biết.",
                "“Nhu cầu sử dụng điện miền Bắc đã lập kỷ lục mới, chúng tôi đề nghị người dân và doanh nghiệp sử dụng "
                "điều hòa ở mức 26 độ C trở lên vào giờ cao điểm”, đại diện EVN nói."),
     "a": ("Miền Bắc bước vào đợt nắng nóng gay gắt đầu tiên của năm, Hà Nội ghi nhận 39,5 độ C vào trưa 28/4, "
           "trong khi nhiệt độ cảm nhận ngoài trời vượt 45 độ C.",
           "Tại các bệnh viện nhi, số trẻ nhập viện vì sốt và tiêu chảy tăng khoảng 20% so với tuần trước. Bác sĩ "
           "khuyên phụ huynh cho trẻ uống đủ nước và tránh ra ngoài từ 11h đến 15h.",
           "Nhiều công trình xây dựng trên địa bàn đã chuyển giờ làm sang sáng sớm và chiều tối để bảo vệ sức khỏe "
           "công nhân."),
     "b": ("Sản lượng điện tiêu thụ toàn miền Bắc ngày 28/4 đạt hơn 500 triệu kWh, cao nhất từ trước đến nay, khi "
           "nắng nóng bao trùm khu vực từ Thanh Hóa trở ra.",
           "Các nhà máy thủy điện ở Tây Bắc đang được huy động tối đa trong giờ cao điểm tối, trong khi mực nước các "
           "hồ chứa lớn vẫn ở mức thấp hơn trung bình nhiều năm.",
           "Theo Bộ Công Thương, hệ thống đủ khả năng đáp ứng nhu cầu nếu không có sự cố lớn, song ngành điện đã "
           "chuẩn bị kịch bản điều tiết phụ tải khi cần thiết.")},
)


def same_event(rng: random.Random, event: dict, quotes: int) -> tuple[str, str]:
    """Two outlets' reports of one event, each quoting `quotes` of its statements verbatim, in its own order."""
    def report(own: tuple[str, ...]) -> str:
        quoted = rng.sample(event["quotes"], quotes)
        paras = [own[0], *quoted, *own[1:]]
        return "\n\n".join(paras[:1] + rng.sample(paras[1:], len(paras) - 1))
    return report(event["a"]), report(event["b"])


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
    for p, q in rng.sample(combos, len(combos)):
        out.append(Pair("unrelated", False, p.body, q.body, f"{p.source} vs {q.source}"))
    return out


def more_negatives(rng: random.Random) -> list[Pair]:
    """Issue 17's hard negatives: two more templated bulletins, and same-event reports sharing quotes."""
    out = []
    start = date(2026, 3, 2)
    for _ in range(30):
        d1 = start + timedelta(days=rng.randrange(60))
        d2 = d1 + timedelta(days=rng.randint(1, 2))
        out.append(Pair("exchange_rates", False, exchange_rates(rng, d1), exchange_rates(rng, d2),
                        f"exchange rates {_dm(d1)} vs {_dm(d2)}"))
    for _ in range(30):
        d1 = start + timedelta(days=rng.randrange(60))
        d2 = d1 + timedelta(days=rng.randint(1, 3))
        out.append(Pair("traffic", False, traffic_accident(rng, d1), traffic_accident(rng, d2),
                        f"accidents {_dm(d1)} vs {_dm(d2)}"))
    for n, event in enumerate(EVENTS):
        for quotes in (1, 2, 2, 2):
            a, b = same_event(rng, event, quotes)
            out.append(Pair("same_event", False, a, b, f"event {n}, {quotes} quotes shared"))
    return out


def pair_set(seed: int = SEED) -> list[Pair]:
    """Every labelled pair, in a fixed order for a given seed."""
    rng = random.Random(seed)
    pages = recorded_pages()
    # Issue 17's kinds draw from streams of their own, so the earlier kinds' pairs stay what they were.
    return (positives(rng, pages) + negatives(rng, pages) + copy_edits(random.Random(seed + 1), pages)
            + more_negatives(random.Random(seed + 2)))
