"""The generic replay of a source without synthetic material: its profile's feeds, sitemaps and listings,
generated to list its recorded pages, must lead the real discovery code to exactly those pages."""
import pytest

from crawlers import discovery as disc
from crawlers.replay import Replay
from crawlers.replay.recorded import RecordedSite, _selector_chain, _wrap
from sources import SOURCES_DIR, load_profile, source_names

# Sources served from their recorded pages: no synthetic replay/site.yaml, at least one labelled page.
RECORDED = [n for n in source_names()
            if not (SOURCES_DIR / n / "replay" / "site.yaml").is_file() and RecordedSite(n).pages]


def test_selector_chain_renders_matching_markup():
    markup = _wrap(_selector_chain("div.box > h3.title-news a"), "x", {"href": "https://a.vn/b-1.html"})
    assert markup == ('<div class="box"><h3 class="title-news"><a href="https://a.vn/b-1.html">x</a></h3></div>')
    with pytest.raises(ValueError):
        _selector_chain("li:nth-child(2) a")


@pytest.mark.parametrize("name", RECORDED)
def test_discovery_reaches_every_recorded_page(name):
    site, replay = RecordedSite(name), Replay()
    profile = load_profile(name)
    expected = {url for url, _ in site.pages.values()}
    found = set()
    for feed in profile["discovery"].get("feeds", []):
        found |= {c.url for c in disc.parse_feed(replay.handle("/" + feed.split("://", 1)[1]).body, feed)}
    for sitemap in profile["discovery"].get("sitemaps", []):
        _, pages = disc.parse_sitemap(replay.handle("/" + sitemap.split("://", 1)[1]).body, sitemap)
        found |= {c.url for c in pages}
    for spec in profile["discovery"].get("listings", []):
        reply = replay.handle("/" + spec["url"].split("://", 1)[1])
        if reply.status == 200:
            found |= {c.url for c in disc.parse_listing(reply.body, spec["url"], spec).items}
    assert expected <= found, f"{name}: discovery misses {sorted(expected - found)}"
    for url in expected:
        assert replay.handle("/" + url.split("://", 1)[1]).status == 200
