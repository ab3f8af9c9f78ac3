"""Property tests: arbitrary text and HTML never make the cleaning, date or extraction functions raise
anything but their documented errors, and every string they return is NFC."""
import unicodedata
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.dates import isoformat, parse_datetime
from transforms.dedup import body_key
from transforms.extract import Rejected, extract_page
from transforms.normalize import (
    UndecodableError,
    clean_lines,
    clean_text,
    decode_body,
    to_nfc,
    tone_key,
)
from transforms.textclean import (
    caption_credit,
    parse_byline,
    parse_text_page,
    split_dateline,
)
from transforms.urls import canonical_url

# Modest example counts: the file must stay within ~20 s of the suite; extraction parses a page per example.
QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that exercises the Vietnamese cases: NFD marks, tone styles, invisible characters, entities, dates.
VIETNAMESE = st.text(alphabet=st.one_of(
    st.characters(),
    st.sampled_from(list("aăâeêioôơuưyđAĂÂĐ ơưhoauy\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
                         "\u00a0\u202f\u200b\u200d\ufeff\u00ad&#;:/-,.()0123456789\n\t")),
))
FRAGMENTS = st.sampled_from([
    "<html>", "</html>", "<head>", "</head>", "<body>", "</body>", "<p>", "</p>", "<div>", "</div>", "<h1>",
    "</h1>", "<title>", "</title>", "<article>", "</article>", "<figure><figcaption>", "</figcaption></figure>",
    '<meta property="og:type" content="article">', '<meta property="og:type" content="website">',
    '<meta property="article:published_time" content="2026-03-07T08:01:53+07:00">',
    '<meta property="og:title" content="Ti&amp;#7871;u đ&#7873;">',
    '<link rel="canonical" href="/a-123.html">',
    '<script type="application/ld+json">', "</script>", '{"@type": "NewsArticle", "headline": "T&amp;amp;",',
    '"datePublished": "2026-03-07 08:07", "author": [{"@type": "Person", "name": "Hà Thu"}]}', "<script>",
    "document.cookie='a'; location.reload();", "<!-- c -->", "<![CDATA[x]]>",
    "<?xml version='1.0' encoding='utf-8'?>",
    "&amp;", "&#7871;", "&nbsp;", "Biên phòng - ", "(Dân trí) - ", "Ảnh: CTV", "Bình luận",
    "Just a moment...",
    "Đường dây nóng: 0912011882 - (024) 39364407Chủ nhật, 24/09/2023 05:02 GMT+7",
    "Thời gian qua, quy chế phối hợp giữa các đồn Biên phòng và chính quyền địa phương được triển khai. "
    * 3,
])
# A whole article skeleton, so that random tails also reach the success path (every output string NFC).
SKELETON = ('<html lang="vi"><head><meta property="og:type" content="article"><title>Hoà bình</title></head>'
            "<body><article><h1>Hoà bình</h1>"
            + "".join(f"<p>Đoạn {i}: Biên phòng tỉnh phối hợp chặt chẽ với chính quyền địa phương.</p>"
                      for i in range(5)))
HTMLISH = st.tuples(st.sampled_from(["", SKELETON]), st.lists(st.one_of(FRAGMENTS, VIETNAMESE), max_size=40)).map(
    lambda parts: parts[0] + "".join(parts[1]))
URLS = st.sampled_from(["https://www.bienphong.com.vn/gan-ket-chat-che-post473259.html",
                        "https://vnexpress.net/a-5047363.html", "https://tuoitre.vn/a-20260307075519174.htm",
                        "https://example.vn/x", "not a url", ""])


def nfc(s: str) -> bool:
    return unicodedata.is_normalized("NFC", s)


@QUICK
@given(VIETNAMESE)
def test_cleaning_functions_never_raise_and_return_nfc(text):
    assert nfc(clean_text(text))
    assert all(nfc(line) for line in clean_lines(text))
    assert nfc(tone_key(text)) and tone_key(tone_key(text)) == tone_key(text)
    assert to_nfc(text) == unicodedata.normalize("NFC", text)
    assert nfc(body_key(text))
    dateline, _ = split_dateline(clean_text(text))
    assert dateline is None or nfc(dateline)
    assert all(nfc(name) for name in parse_byline(text).authors)
    credit = caption_credit(clean_text(text))
    assert credit is None or nfc(credit)


@QUICK
@given(VIETNAMESE)
def test_text_page_parser_never_raises(text):
    page = parse_text_page(text, ["Biên phòng"])
    for key in ("title", "sapo", "dateline", "seen_at"):
        assert page[key] is None or nfc(page[key])
    for key in ("paragraphs", "authors", "captions", "footer"):
        assert all(nfc(v) for v in page[key])


@QUICK
@given(st.one_of(VIETNAMESE, st.integers(), st.floats(), st.none(), st.booleans()),
       st.sampled_from([None, "us", "%d/%m/%Y %H:%M", "%Y"]))
def test_parse_datetime_never_raises_and_is_aware(raw, fmt):
    value = parse_datetime(raw, fmt)
    assert value is None or (isinstance(value, datetime) and value.tzinfo is not None)
    assert isoformat(value) is None or isoformat(value).isascii()


@QUICK
@given(st.binary(max_size=2000))
def test_decode_body_returns_nfc_or_undecodable(body):
    try:
        assert nfc(decode_body(body))
    except UndecodableError:
        pass


def _check_article(article: dict):
    for key, value in article.items():
        values = (value if isinstance(value, list) else list(value.values()) if isinstance(value, dict)
                  else [value])
        assert all(v is None or not isinstance(v, str) or nfc(v) for v in values), key


@SLOW
@given(HTMLISH, URLS)
def test_extract_page_on_htmlish_text_raises_only_rejected(html, url):
    for body in (html, html.encode("utf-8", "surrogatepass")):
        try:
            _check_article(extract_page(body, url))
        except Rejected:
            pass


@SLOW
@given(st.binary(max_size=3000), URLS)
def test_extract_page_on_arbitrary_bytes_raises_only_rejected(body, url):
    try:
        _check_article(extract_page(body, url))
    except Rejected:
        pass


# Displayed dates built from the sites' own parts, with any offset and any numbers: the shapes a page's date
# field really holds, where a bad value (an offset of 25 h, day 0) once raised instead of giving None.
DISPLAYED_DATES = st.builds(
    lambda d, m, y, hh, mm, sign, tz, tzm, shape: shape.format(d=d, m=m, y=y, hh=hh, mm=mm, sign=sign, tz=tz,
                                                               tzm=tzm),
    st.integers(0, 99), st.integers(0, 99), st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99),
    st.sampled_from("+-"), st.integers(0, 99), st.integers(0, 99),
    st.sampled_from(["{d}/{m}/{y} {hh}:{mm} (GMT{sign}{tz})", "{d}/{m}/{y} {hh}:{mm} GMT{sign}{tz}:{tzm:02d}",
                     "Thứ bảy, {d}/{m}/{y}, {hh}:{mm} (GMT{sign}{tz})", "{hh}h{mm} ngày {d}/{m}/{y} GMT{sign}{tz}",
                     "{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:00{sign}{tz:02d}:{tzm:02d}"]))


@QUICK
@given(st.one_of(DISPLAYED_DATES, VIETNAMESE))
def test_parse_datetime_never_raises_on_displayed_shapes(raw):
    value = parse_datetime(raw)
    assert value is None or value.tzinfo is not None


# URLs from parts that urllib refuses one way or another: ports out of range or not numbers, brackets and
# other reserved characters in the host, spaces, percent signs, non-ASCII.
URL_PARTS = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
    st.sampled_from(["https", "http", "HTTPS", "ftp", ""]),
    st.one_of(st.sampled_from(["vnexpress.net", "www.bienphong.com.vn", "m.tuoitre.vn", "[::1]", "[vnexpress.net",
                               "vnexpress.net]", "xn--", "bienphòng.vn", ""]), st.text(max_size=20)),
    st.one_of(st.just(""), st.integers(-10, 10**6).map(lambda p: f":{p}"), st.text(max_size=6).map(":{}".format)),
    st.text(max_size=40),
)


@QUICK
@given(st.one_of(URL_PARTS, st.text()), st.sampled_from([None, "www.bienphong.com.vn"]))
def test_canonical_url_never_raises(url, desktop):
    assert isinstance(canonical_url(url, desktop), str)
