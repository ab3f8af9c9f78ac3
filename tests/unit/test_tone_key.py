"""transforms.normalize.tone_key and the dedup key built on it (vn-news-sites §5.2)."""
import unicodedata

import pytest

from transforms.dedup import body_hash, body_key
from transforms.normalize import tone_key


@pytest.mark.parametrize("second_vowel, first_vowel", [
    ("hoà", "hòa"), ("hoá", "hóa"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("toà", "tòa"), ("tuỳ", "tùy"),
    ("uỷ ban", "ủy ban"), ("Thanh Hoá", "Thanh Hóa"), ("HOÀ BÌNH", "HÒA BÌNH"), ("xoè", "xòe"),
])
def test_open_syllables_take_the_first_vowel_style(second_vowel, first_vowel):
    assert tone_key(second_vowel) == first_vowel
    assert tone_key(first_vowel) == first_vowel  # already in the key's style


@pytest.mark.parametrize("word", ["hoàn", "toàn", "hoạch", "khuyên", "thuyết", "quý", "quỳ", "giá", "gìn",
                                  "khuya", "thuở", "Biên phòng", "Việt Nam", "COVID-19"])
def test_closed_syllables_and_qu_gi_are_untouched(word):
    assert tone_key(word) == word


def test_not_by_substring_and_nfc():
    assert tone_key("hoà hoàn toà toàn") == "hòa hoàn tòa toàn"  # `hoà` is inside `hoàn`
    nfd = unicodedata.normalize("NFD", "thuỷ điện")
    assert tone_key(nfd) == "thủy điện" and unicodedata.is_normalized("NFC", tone_key(nfd))


def test_dedup_key_unifies_tone_style_case_and_spacing():
    a = "Thanh Hoá  khoẻ\u00a0mạnh, thuỷ điện hoàn thành."
    b = unicodedata.normalize("NFD", "thanh hóa khỏe mạnh, THỦY điện hoàn thành.")
    assert body_key(a) == body_key(b) == "thanh hóa khỏe mạnh, thủy điện hoàn thành."
    assert body_hash(a) == body_hash(b)
    assert body_key("hoàn") != body_key("hòan")  # only the rule moves marks; a misspelling stays distinct
