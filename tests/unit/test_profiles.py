"""Every recorded page under sources/*/pages is extracted exactly as its expected JSON says."""
import json
from pathlib import Path

import pytest

from sources import SOURCES_DIR
from transforms.extract import extract_page

PAGES = sorted(p for ext in ("html", "txt") for p in SOURCES_DIR.glob(f"*/pages/*.{ext}"))


def _id(page: Path) -> str:
    return f"{page.parent.parent.name}/{page.name}"


def test_every_source_has_recorded_pages():
    sources = {p.parent.name for p in SOURCES_DIR.glob("*/profile.yaml")}
    missing = sources - {p.parent.parent.name for p in PAGES}
    assert not missing, f"no recorded pages for sources {sorted(missing)}"


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_page_matches_expected(page):
    source = page.parent.parent.name
    expected_path = page.with_suffix(".json")
    assert expected_path.exists(), f"no expected JSON for source {source} page {page.name}"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    actual = extract_page(page.read_bytes(), expected["url"])
    assert list(actual) == list(expected), f"source {source} page {page.name}: keys differ"
    for field, value in expected.items():
        assert actual[field] == value, f"source {source} page {page.name} field {field}: {actual[field]!r}"
