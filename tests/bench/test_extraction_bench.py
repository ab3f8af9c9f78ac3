"""The extraction benchmark: its metrics on hand-made inputs, and one quick run of the harness."""
from pathlib import Path

import pytest

from bench.extraction import metrics
from bench.extraction.extractors import load_pages
from bench.extraction.harness import run
from bench.extraction.report import END, START, markdown, write_docs
from sources import SOURCES_DIR


def test_token_prf_is_a_multiset_overlap_of_casefolded_syllables():
    # expected: 5 tokens (hoa ×2); extracted: 4 tokens, of which "hoa", "hồng", "giá" are shared (3).
    shared, extracted, expected = metrics.overlap("Hoa hồng, hoa cúc — giá", "HOA hồng giá tăng")
    assert (shared, extracted, expected) == (3, 4, 5)
    p, r, f = metrics.prf(shared, extracted, expected)
    assert (p, r) == (0.75, 0.6) and f == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert metrics.prf(0, 0, 5) == (0.0, 0.0, 0.0)


def test_tokens_are_nfc_so_decomposed_text_matches():
    assert metrics.tokens("Thu\u0309y") == metrics.tokens("Thủy")


def test_date_is_right_to_the_minute_with_the_offset():
    want = "2026-03-07T08:01:53+07:00"
    assert metrics.date_ok(want, "2026-03-07T08:01:00+07:00")        # seconds do not matter
    assert metrics.date_ok(want, "2026-03-07T08:01:59+0700")         # htmldate's offset spelling
    assert not metrics.date_ok(want, "2026-03-07T01:01:53+00:00")    # same instant, wrong offset
    assert not metrics.date_ok(want, "2026-03-07T08:02:00+07:00")    # another minute
    assert not metrics.date_ok(want, "2026-03-07T08:01:53")          # naive
    assert not metrics.date_ok(want, "2026-03-07")                   # day only
    assert not metrics.date_ok(want, None) and not metrics.date_ok(want, "7/3/2026")
    assert metrics.date_ok(None, None) and not metrics.date_ok(None, "2026-03-07T08:01:53+07:00")


def test_authors_compare_as_nfc_casefolded_sets():
    assert metrics.authors_ok(["NHẬT XUÂN", "Nghi  Vũ"], ["nghi vũ", "Nhâ\u0323t Xuân"])
    assert metrics.authors_ok(["A", "B"], "B; A")                    # trafilatura's joined string
    assert not metrics.authors_ok(["NHẬT XUÂN"], ["NHẬT XUÂN", "TUOI TRE ONLINE"])
    assert metrics.authors_ok([], None)


def test_a_leak_is_chrome_in_the_body_that_the_label_lacks():
    chrome = ["Chia sẻ", "ZALO", "Bình luận"]
    assert metrics.leaks("đã chia sẻ với", "Chia sẻ ZALO đã chia sẻ với", chrome) == ["Chia sẻ", "ZALO"]
    assert metrics.leaks("Xem thêm ở đây", "Xem thêm ở đây", ["Xem thêm"]) == []


def test_harness_runs_on_two_pages():
    html = sorted((p for p in SOURCES_DIR.glob("*/pages/*.html") if p.with_suffix(".json").exists()),
                  key=lambda p: p.stat().st_size)[:2]
    assert len(html) == 2, "fewer than two labelled HTML pages under sources/*/pages"
    result = run(load_pages(html), repeats=1)
    assert result.html_pages == 2
    assert {name: score.pages for name, score in result.overall.items()} == {
        "bantin": 2, "bantin, no profile": 2, "trafilatura": 2, "newspaper4k": 2}
    assert all(len(speeds) == 1 and speeds[0] > 0 for speeds in result.speed.values())
    table = markdown(result, "python -m bench.extraction --repeats 1")
    assert "| body token F1 (micro) | ≥ 0.98 |" in table and "### Per source" in table
    assert "Against trafilatura, field by field: bantin title" in table and "With no profile: title" in table


def test_write_docs_replaces_only_its_section(tmp_path: Path):
    docs = tmp_path / "benchmarks.md"
    write_docs("## Extraction\nold\n", docs)
    docs.write_text(docs.read_text() + "\n## Dedup\nkept\n")
    write_docs("## Extraction\nnew\n", docs)
    text = docs.read_text()
    assert "new" in text and "old" not in text and "## Dedup\nkept" in text
    assert text.count(START) == text.count(END) == 1 and text.startswith("# Benchmarks")
