"""The archive replay (`bantin replay --days D --per-day N`): every one of the 15 sources serves its span of
synthetic articles in its own layout, and the real crawl (its profile's discovery routes) and the real
extraction get every one of a day's articles back, with its title, publication time and body; the ~1 % that
answer badly end as fetch failures or rejects, never as articles."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers import query, serving_replay

from crawlers.replay.archive import Archive
from crawlers.replay.reply import archive_fault
from crawlers.replay.server import Replay
from crawlers.replay.synthetic import DEFAULT_ANCHOR
from crawlers.run import run_crawl
from sources import source_names
from transforms import stages

ARCHIVE = Archive(days=2, per_day=24)
ANCHOR = datetime.fromisoformat(DEFAULT_ANCHOR)
# A backfill's day: the one before the anchor's, so the feeds and first listing pages (the latest items) do not
# reach all of it and the profile's dated archives (sitemap shards, day listings, timelines) must.
START, END = ANCHOR - timedelta(days=1, hours=12), ANCHOR - timedelta(hours=12)


@pytest.fixture(scope="module")
def archive_url():
    with serving_replay(archive=ARCHIVE) as url:
        yield url


@pytest.fixture(scope="module")
def replay():
    return Replay(ANCHOR, ARCHIVE)


def scheduled(replay: Replay, source: str) -> list:
    """(url, title, published, bad) of the source's archive articles published in the window."""
    site = next(s for s in replay.sites.values() if s.name == source)
    out = []
    for entry in site.between(START, END):
        out.append((entry.url, entry.title, entry.published, archive_fault(entry.url, b"") is not None))
    return out


@pytest.mark.parametrize("source", source_names())
def test_a_day_of_the_archive_comes_back_whole(fresh_db, archive_url, replay, source):
    run_id = f"backfill__archive_{source}"
    env = {"BANTIN_DATABASE_URL": fresh_db, "BANTIN_REPLAY_URL": archive_url, "BANTIN_DOWNLOAD_TIMEOUT": "5"}
    assert run_crawl(source, run_id, START, END, env=env, timeout=300) == 0
    stages.clean_run(fresh_db, run_id)
    staged = {url: (title, published, len(body or "")) for url, title, published, body in query(
        fresh_db, "SELECT url, title, published_at, body FROM staging.articles WHERE run_id = %s", (run_id,))}
    expected = scheduled(replay, source)
    good = [(url, title, published) for url, title, published, bad in expected if not bad]
    bad = [url for url, *_, is_bad in expected if is_bad]
    assert len(good) >= 20, f"{source}: the window should hold a day of articles, got {len(good)}"
    missing = [url for url, *_ in good if url not in staged]
    assert not missing, f"{source}: {len(missing)} of {len(good)} articles not staged, e.g. {missing[:3]}"
    wrong = [(url, staged[url][:2], (title, published)) for url, title, published in good
             if staged[url][:2] != (title, published)]
    assert not wrong, f"{source}: title or publication time not extracted as served: {wrong[:3]}"
    assert all(staged[url][2] > 500 for url, *_ in good), f"{source}: a body came back short"
    assert not [url for url in bad if url in staged], f"{source}: a bad response was staged as an article"
