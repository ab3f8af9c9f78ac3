"""`bantin stories compare A B`: the story rule on two files, with its reason and cmp(1)'s exit status."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from transforms import minhash
from transforms.matching import Member, compare, decide

REPO = Path(__file__).resolve().parents[2]
BANTIN = Path(sys.executable).with_name("bantin")
ORIGINAL = REPO / "sources/vnexpress/pages/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
ORIGINAL_URL = "https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
REPRINT = REPO / "tests/fixtures/stories/vnexpress-reprint.txt"  # its body as another outlet ran it
OTHER = next((REPO / "sources/tuoitre/pages").glob("*.html"))
GOLD = REPO / "sources/dantri/pages/gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-dongluong-20260307080054340.html"
GOLD_URL = f"https://dantri.com.vn/kinh-doanh/{GOLD.stem}.htm"
UPDATE = REPO / "tests/fixtures/stories/dantri-update.txt"  # an afternoon update reusing four of its paragraphs


def bantin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BANTIN), "stories", "compare", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_a_reprint_joins_its_original_story():
    done = bantin(ORIGINAL, REPRINT, "--url-a", ORIGINAL_URL)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"A: {ORIGINAL} (HTML, extracted with the profile for {ORIGINAL_URL}; ")
    assert "published 2026-03-07" in lines[0] and lines[1].startswith(f"B: {REPRINT} (text; ")
    assert lines[2].startswith("estimated containment 0.") and f"threshold {minhash.threshold()}" in lines[2]
    assert lines[-1].startswith("one story: a band in common")


def test_an_update_joins_its_story_when_the_texts_are_read_again():
    done = bantin(GOLD, UPDATE, "--url-a", GOLD_URL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith(
        "one story: a band in common, but the estimated containment is under the threshold "
        f"{minhash.threshold()}; the texts read again: one shared passage covers ")


def test_two_different_stories_do_not_join_and_say_why():
    done = bantin(ORIGINAL, OTHER)
    assert done.returncode == 1, done.stderr
    assert f"bands shared: 0 of {minhash.layout()[0]}" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("not one story: no band in common")


def test_bad_input_exits_2_with_one_line(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "binary.bin").write_bytes(b"\xff\xfe\x00\x81" * 100)
    for other, message in [(tmp_path / "missing.txt", "No such file"), (tmp_path / "empty.txt", "B has no text"),
                           (tmp_path / "binary.bin", "neither an HTML page nor UTF-8 text")]:
        done = bantin(REPRINT, other)
        assert done.returncode == 2 and message in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr


def test_a_short_text_is_never_clustered(tmp_path):
    (tmp_path / "teaser.txt").write_text("Giá dầu tăng mạnh khi xung đột ở Trung Đông kéo dài.", encoding="utf-8")
    done = bantin(REPRINT, tmp_path / "teaser.txt")
    assert done.returncode == 1
    assert "B has fewer than 50 syllables: too short to sign" in done.stdout


def test_the_story_window_keeps_apart_copies_published_months_apart():
    text = REPRINT.read_text(encoding="utf-8")
    edited = text.replace("Theo VnExpress", "Theo Tuổi Trẻ")
    assert compare(text, edited, (date(2026, 3, 7), date(2026, 3, 9))).same_story
    far = compare(text, edited, (date(2026, 3, 7), date(2026, 7, 1)))
    assert not far.same_story and far.reason.startswith("published 116 days apart: outside the story window")


def test_it_decides_as_a_load_does():
    # The same two texts through the load's rule (transforms.matching.decide): the verdicts agree.
    from transforms.extract import extract_page

    bodies = {"original": extract_page(ORIGINAL.read_bytes(), ORIGINAL_URL)["body"],
              "reprint": REPRINT.read_text(encoding="utf-8"),
              "other": extract_page(OTHER.read_bytes(), "https://unknown.invalid/")["body"]}

    def member(i: int, name: str) -> Member:
        sig = minhash.signature(bodies[name])
        return Member(i, name, i, sig, minhash.bands(sig), date(2026, 3, 7))

    for name in ("reprint", "other"):
        joined = decide([member(2, name)], [member(1, "original")])
        assert (2 in joined) == compare(bodies["original"], bodies[name]).same_story
