"""The archive replay's pieces: its span checked, every recorded page turned into a template, its answers
deterministic, its bad share about 1 %, and the demo's replay left as it was without it."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest
from helpers import REPO

from crawlers.replay.archive import Archive, ArchiveSite, template
from crawlers.replay.recorded import RecordedSite
from crawlers.replay.reply import BAD_EVERY, archive_fault
from crawlers.replay.server import Replay
from crawlers.replay.synthetic import DEFAULT_ANCHOR
from sources import SOURCES_DIR, source_names

ARCHIVE_SOURCES = [n for n in source_names() if not (SOURCES_DIR / n / "replay" / "site.yaml").is_file()]


@pytest.mark.parametrize("days, per_day", [(0, 10), (-1, 10), (1, 0), (1, 86_401)])
def test_a_bad_span_is_refused(days, per_day):
    with pytest.raises(ValueError, match="days > 0"):
        Archive(days, per_day)


def test_the_cli_refuses_a_bad_span_in_one_line():
    done = subprocess.run([sys.executable, "-m", "bantin.cli", "replay", "--days", "0"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "bantin replay: error: an archive needs days > 0 and 1 <= per_day <= 86400 (got 0.0, 48)"]


def test_without_an_archive_the_demo_replay_is_unchanged():
    replay = Replay()
    kinds = {site.name: type(site) for site in replay.sites.values()}
    assert all(kinds[name] is RecordedSite for name in ARCHIVE_SOURCES)


@pytest.mark.parametrize("name", ARCHIVE_SOURCES)
def test_the_recorded_page_becomes_a_template(name):
    text = template(name).text
    for mark in ("BODY", "TITLE:", "URL", "PUB"):
        assert f"\ue000{mark}" in text, f"{name}: its recorded page has no {mark} marker"


def test_the_archive_is_deterministic_and_about_one_percent_bad():
    anchor = datetime.fromisoformat(DEFAULT_ANCHOR)
    archive = Archive(days=30, per_day=150)
    first, second = Replay(anchor, archive), Replay(anchor, archive)
    sites = {site.name: site for site in first.sites.values()}
    assert set(sites) == set(source_names())
    site = sites["dantri"]
    assert isinstance(site, ArchiveSite) and len(site.entries) == 30 * 150
    entry = site.entries[1234]
    path = "/" + entry.url.split("/", 3)[3]
    answers = [r.sites["dantri.com.vn"].route("dantri.com.vn", path, "") for r in (first, second)]
    assert answers[0].body == answers[1].body
    urls = [e.url for s in sites.values() for e in getattr(s, "entries", getattr(s, "articles", []))]
    assert len(urls) == len(set(urls)), "two archive articles share a URL"
    share = sum(archive_fault(u, b"") is not None for u in urls) / len(urls)
    assert 0.5 / BAD_EVERY < share < 1.5 / BAD_EVERY, share


@pytest.mark.parametrize("name", ARCHIVE_SOURCES)
def test_robots_txt_names_the_sitemaps_that_lead_to_the_archive(name):
    # As a real site's robots.txt names its sitemap index: a crawler that discovers from robots.txt alone (the
    # peer news-please in bench/e2e) reaches the archive through the sitemaps the source's profile reads.
    import re

    anchor = datetime.fromisoformat(DEFAULT_ANCHOR)
    site = next(s for s in Replay(anchor, Archive(days=3, per_day=20)).sites.values() if s.name == name)
    robots = site.route(site.hosts[0], "/robots.txt", "").body.decode()
    listed = re.findall(r"^Sitemap: (\S+)$", robots, re.M)
    discovery = site.profile["discovery"]
    if not discovery.get("sitemaps") and all(a.get("parse") != "sitemap" for a in discovery.get("archives", [])):
        assert not listed, robots
        return
    assert listed, robots
    found = set()
    for url in listed:
        host, path = url.split("://", 1)[1].split("/", 1)
        reply = site.route(host, "/" + path, "")
        assert reply is not None and reply.status == 200, url
        found |= set(re.findall(r"<loc>([^<]+)</loc>", reply.body.decode()))
    if any(a.get("parse") == "sitemap" for a in discovery.get("archives", [])):
        assert found >= {e.url for e in site.entries}, f"{name}: its sitemaps leave articles out"
