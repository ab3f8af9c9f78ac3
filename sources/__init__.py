"""The source registry: one folder per source holding profile.yaml, recorded pages and replay material."""
from __future__ import annotations

import functools
from pathlib import Path

SOURCES_DIR = Path(__file__).resolve().parent


def source_names() -> list[str]:
    return sorted(p.parent.name for p in SOURCES_DIR.glob("*/profile.yaml"))


@functools.cache
def load_profile(name: str) -> dict:
    """The parsed profile of `name`; KeyError names the known sources when it does not exist."""
    import yaml

    path = SOURCES_DIR / name / "profile.yaml"
    if not path.is_file():
        raise KeyError(f"unknown source {name!r}; known: {', '.join(source_names())}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def profile_for_url(url: str) -> dict | None:
    """The profile whose allowed domains cover `url`'s host, or None (the generic fallback applies)."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    for name in source_names():
        profile = load_profile(name)
        for domain in profile.get("allowed_domains", [profile["domain"]]):
            if host == domain or host.endswith("." + domain):
                return profile
    return None


# One Airflow pool per site, of one slot: at most one crawl of a site at a time, across scheduled and backfill
# runs (politeness). The DAG assigns it (dags/news_ingest.py) and the local stack creates it
# (bantin/stack.py).
CRAWL_POOL_SLOTS = 1


def crawl_pool(name: str) -> str:
    """The Airflow pool of `name`'s crawls."""
    return f"crawl_{name}"
