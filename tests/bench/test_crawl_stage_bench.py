"""The crawl-stage benchmark runs end to end on one source: both sides fetch, and the table reads them."""
from __future__ import annotations

from bench.e2e import crawl_stage


def test_one_repeat_on_one_source():
    results = crawl_stage.run(1, ("vnexpress",))
    row = results["vnexpress"]
    assert row["pages"] > 100, row
    (bantin, _), (bare, _) = row["bantin"][0], row["bare"][0]
    assert bantin > 0 and bare > 0, row
    table = crawl_stage.markdown(results, 1)
    assert "| vnexpress | " in table and "×" in table and "tuoitre" not in table
