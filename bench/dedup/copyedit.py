"""The copy-editing a syndicating outlet does inside and around paragraphs (issue 17): words dropped, inserted
and substituted, near-synonyms swapped, numbers and dates written another way, sentences split or merged,
paragraphs reordered, the sapo and captions folded into the body, a credit line added; and the partial copies
and follow-ups that reuse part of a text. Every edit is a function of a seeded `random.Random` and the
paragraphs, so the pair set stays deterministic."""
from __future__ import annotations

import random
import re

# Pairs a Vietnamese copy editor swaps for house style; both sides are ordinary news prose.
SYNONYMS = (
    ("cho biết", "cho hay"), ("tuy nhiên", "song"), ("khoảng", "chừng"), ("hiện nay", "hiện tại"),
    ("người dân", "bà con"), ("thực hiện", "triển khai"), ("vì vậy", "do đó"), ("nhanh chóng", "khẩn trương"),
    ("yêu cầu", "đề nghị"), ("doanh nghiệp", "công ty"), ("nhằm", "để"), ("ngoài ra", "bên cạnh đó"),
    ("vừa qua", "mới đây"), ("đặc biệt", "nhất là"), ("thời gian tới", "sắp tới"), ("rất", "khá"),
    ("cơ quan chức năng", "lực lượng chức năng"), ("gần", "xấp xỉ"), ("hơn", "trên"), ("nhiều", "không ít"),
    ("đồng thời", "cùng với đó"), ("trong đó", "trong số này"), ("tiếp tục", "tiếp tục duy trì"),
)
# Words an editor inserts or puts in a dropped word's place: function words and light adverbs.
FILLERS = ("đã", "cũng", "vẫn", "đang", "này", "đó", "các", "những", "rất", "thêm", "nữa", "được", "hiện",
           "mới", "nhiều", "luôn", "đều", "chỉ", "khá", "ngay")
CREDITS = ("Theo TTXVN", "Nguồn: Báo Nhân Dân", "Theo VnExpress", "(Theo Báo Chính phủ)", "Nguồn: VOV",
           "Theo Tuổi Trẻ Online", "PV (tổng hợp)", "Theo Dân trí")
# New material for a follow-up: what an outlet adds when it updates a running story.
UPDATES = (
    "Cập nhật lúc {h} giờ ngày {d}: cơ quan chức năng cho biết đã nhận được thêm {n} phản ánh liên quan và "
    "đang khẩn trương xác minh.",
    "Đến chiều {d}, đoàn kiểm tra liên ngành đã làm việc trực tiếp với các đơn vị liên quan, yêu cầu báo cáo "
    "đầy đủ trước ngày {d2}.",
    "Trao đổi với phóng viên chiều nay, lãnh đạo địa phương khẳng định sẽ xử lý nghiêm các sai phạm nếu có và "
    "công khai kết quả để người dân được biết.",
    "Tính đến {h} giờ hôm nay, đã có {n} hồ sơ được tiếp nhận, tăng gấp đôi so với thời điểm báo đăng tải "
    "thông tin lần đầu.",
    "Sau khi báo phản ánh, nhiều bạn đọc đã liên hệ với tòa soạn chia sẻ trường hợp tương tự mà gia đình mình "
    "gặp phải trong thời gian qua.",
    "Một đại diện của đơn vị chủ quản cho biết phương án điều chỉnh đang được hoàn thiện, dự kiến trình cấp "
    "có thẩm quyền phê duyệt trong tháng {m}.",
    "Ngày {d}, ủy ban nhân dân tỉnh đã có văn bản chỉ đạo các sở, ngành phối hợp rà soát toàn bộ quy trình và "
    "đề xuất giải pháp khắc phục trước ngày {d2}.",
    "Theo thông tin mới nhất, đến sáng {d} đã có {n} đơn vị đăng ký tham gia, vượt chỉ tiêu ban đầu đề ra.",
    "Trong cuộc họp chiều {d}, các đại biểu thống nhất cần thêm thời gian đánh giá tác động trước khi áp dụng "
    "trên diện rộng.",
    "Bộ trưởng đã giao cơ quan tham mưu tổng hợp ý kiến các bên, báo cáo kết quả trong phiên họp thường kỳ "
    "tháng {m}.",
    "Cũng trong ngày {d}, nhiều doanh nghiệp đã chủ động điều chỉnh kế hoạch để kịp thích ứng với thay đổi.",
    "Phóng viên ghi nhận tại hiện trường lúc {h} giờ cho thấy lực lượng chức năng vẫn túc trực, hướng dẫn "
    "người dân.",
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ỹ\"“])")


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    # Keep proper names and acronyms: only a capital followed by a lower-case letter is a sentence's first word.
    return text[:1].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def word_edits(rng: random.Random, paras: list[str], rate: float) -> list[str]:
    """Drop, insert or substitute `rate` of the words of the body paragraphs (never the last, the byline),
    spread over every paragraph or concentrated at twice the rate in half of them."""
    body = paras[:-1]
    chosen = range(len(body)) if rng.random() < 0.5 else sorted(rng.sample(range(len(body)), max(1, len(body) // 2)))
    total = sum(len(p.split()) for p in body)
    in_chosen = sum(len(body[i].split()) for i in chosen)
    local = min(1.0, rate * total / max(in_chosen, 1))
    out = list(body)
    for i in chosen:
        words = body[i].split()
        edited = []
        for word in words:
            if rng.random() >= local:
                edited.append(word)
                continue
            op = rng.random()
            if op < 0.4:  # dropped
                continue
            if op < 0.7:  # a word inserted after it
                edited += [word, rng.choice(FILLERS)]
            else:  # substituted, keeping the punctuation it carried
                tail = word[len(word.rstrip(".,;:!?\"”)")):]
                edited.append(rng.choice(FILLERS) + tail)
        out[i] = " ".join(edited)
    return [*out, paras[-1]]


def synonyms(rng: random.Random, paras: list[str]) -> list[str]:
    """Near-synonyms swapped, each occurrence with probability 0.7, both ways."""
    def swap(text: str) -> str:
        for a, b in SYNONYMS:
            for x, y in ((a, b), (b, a)):
                text = re.sub(rf"\b{x}\b", lambda m, y=y: y if rng.random() < 0.7 else m.group(0), text)
        return text
    return [swap(p) for p in paras]


def numbers(rng: random.Random, paras: list[str]) -> list[str]:
    """Numbers and dates in another house style: 15% / 15 phần trăm, 1,5 / 1.5, 200.000 / 200 nghìn,
    5/3 / 5-3 / 5 tháng 3."""
    date_style = rng.choice((r"\1-\2", r"\1 tháng \2"))
    rules = (
        (re.compile(r"(\d+(?:,\d+)?)\s?%"), r"\1 phần trăm"),
        (re.compile(r"\b(\d+),(\d{1,2})\b"), r"\1.\2"),
        (re.compile(r"\b(\d{1,3})\.000\.000\b"), r"\1 triệu"),
        (re.compile(r"\b(\d{1,3})\.000\b"), r"\1 nghìn"),
        (re.compile(r"\b(\d{1,2})/(\d{1,2})\b(?!/)"), date_style),
        (re.compile(r"\b(\d{1,2})-(\d{1,2})\b(?!-)"), r"\1/\2"),
    )
    out = []
    for p in paras:
        for pattern, repl in rules:
            p = pattern.sub(lambda m, repl=repl: m.expand(repl) if rng.random() < 0.8 else m.group(0), p)
        out.append(p)
    return out


def sentences(rng: random.Random, paras: list[str]) -> list[str]:
    """Long sentences split at a comma, short neighbours merged with one."""
    out = []
    for p in paras[:-1]:
        parts = _sentences(p)
        edited = []
        for s in parts:
            words = s.split()
            if edited and len(words) < 18 and rng.random() < 0.5:  # merged into the sentence before
                edited[-1] = edited[-1].rstrip(".!?") + ", " + _lower_first(s)
            elif len(words) > 25 and "," in s and rng.random() < 0.6:  # split at its middle comma
                commas = [i for i, c in enumerate(s) if c == ","]
                at = commas[len(commas) // 2]
                edited += [s[:at] + ".", _upper_first(s[at + 1:].strip())]
            else:
                edited.append(s)
        out.append(" ".join(edited))
    return [*out, paras[-1]]


def reorder(rng: random.Random, paras: list[str]) -> list[str]:
    """Two body paragraphs after the lead trade places, or one moves to the end (the byline stays last)."""
    body = paras[1:-1]
    if len(body) >= 2:
        i, j = rng.sample(range(len(body)), 2)
        body[i], body[j] = body[j], body[i]
        if len(body) >= 4 and rng.random() < 0.5:
            body.append(body.pop(rng.randrange(len(body) - 1)))
    return [paras[0], *body, paras[-1]]


def sapo_inlined(sapo: str, paras: list[str]) -> list[str]:
    """The sapo (printed above the body on the original) becomes the copy's first paragraph."""
    return [sapo, *paras] if sapo else paras


def captions_inlined(rng: random.Random, captions: list[str], paras: list[str]) -> list[str]:
    """Photo captions land in the body as paragraphs of their own, where the photos were."""
    out = list(paras)
    for caption in captions or ["Quang cảnh buổi làm việc. Ảnh: PV"]:
        out.insert(rng.randrange(1, len(out)), caption)
    return out


def credit(rng: random.Random, paras: list[str]) -> list[str]:
    line = rng.choice(CREDITS)
    return [*paras, line] if rng.random() < 0.7 else [line, *paras]


STRUCTURAL = ("sentences", "reorder", "sapo", "captions", "credit")


def structural(rng: random.Random, name: str, sapo: str, captions: list[str], paras: list[str]) -> list[str]:
    if name == "sentences":
        return sentences(rng, paras)
    if name == "reorder":
        return reorder(rng, paras)
    if name == "sapo":
        return sapo_inlined(sapo, paras)
    if name == "captions":
        return captions_inlined(rng, captions, paras)
    return credit(rng, paras)


def _words(paras: list[str]) -> int:
    return sum(len(p.split()) for p in paras)


def first_half(paras: list[str]) -> list[str]:
    """The opening paragraphs up to half of the words: the copy ran the story cut short."""
    out, total = [], _words(paras)
    for p in paras:
        if _words(out) >= total / 2:
            break
        out.append(p)
    return out


def summary(rng: random.Random, paras: list[str], share: float) -> list[str]:
    """A summary-length copy: the lead, then whole sentences of the rest kept in order until `share` of the
    words, each sentence lightly trimmed (a word in twenty dropped or changed)."""
    total = _words(paras)
    sents = [s for p in paras[1:-1] for s in _sentences(p)]
    budget = share * total - len(paras[0].split())
    keep = set()
    for i in rng.sample(range(len(sents)), len(sents)):
        if budget <= 0:
            break
        keep.add(i)
        budget -= len(sents[i].split())
    kept = [sents[i] for i in sorted(keep)]
    # Three sentences to a paragraph, as a brief is laid out.
    body = [" ".join(kept[i:i + 3]) for i in range(0, len(kept), 3)]
    return word_edits(rng, [paras[0], *body, paras[-1]], 0.05)


def follow_up(rng: random.Random, paras: list[str], day: tuple[int, int]) -> list[str]:
    """An update of the story: new paragraphs first, then about half of the original's words again (its
    opening paragraphs, lightly edited) as background, so half of the update is reused text."""
    reused = word_edits(rng, [*first_half(paras), paras[-1]], 0.02)[:-1]
    target = _words(reused)
    d, m = day
    new: list[str] = []
    pool = list(UPDATES)
    rng.shuffle(pool)
    while _words(new) < target:
        if not pool:
            pool = list(UPDATES)
            rng.shuffle(pool)
        new.append(pool.pop().format(h=rng.randint(7, 21), d=f"{d}/{m}", d2=f"{d + 7}/{m}", m=m + 1,
                                     n=rng.randint(12, 480)))
    # Three updates to a paragraph; the reused text follows under a "background" transition.
    grouped = [" ".join(new[i:i + 3]) for i in range(0, len(new), 3)]
    return [*grouped, "Như báo đã đưa tin, " + _lower_first(reused[0]), *reused[1:], paras[-1]]
