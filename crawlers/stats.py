"""The crawl's own stats keys and its summary line: read by the pipeline, `scrapy crawl` and the task that
runs it (crawlers/run.py), which must not import Scrapy for it."""
from __future__ import annotations

# Stats the landing pipeline keeps, read by `scrapy crawl`'s exit status (crawlers/commands/crawl.py) and
# recorded as raw.crawls.pages_received/pages_landed for the run's check: every item handed to the pipeline,
# every one landed.
RECEIVED, LANDED = "bantin/landing/received", "bantin/landing/landed"
# Set when the pipeline gave up on the database: the crawl stops and `scrapy crawl` exits 1.
FAILED = "bantin/landing/failed"

SUMMARY = "crawl summary "


def summary(source: str, stats: dict) -> str:
    """What one crawl did, from its stats: candidates discovered, articles requested, responses fetched, items
    landed (pages and fetch failures), failures by reason, and the fetch rate."""
    def total(prefix: str) -> int:
        return sum(v for k, v in stats.items() if k.startswith(prefix))

    failures = {k.rsplit("/", 1)[1]: v for k, v in sorted(stats.items()) if k.startswith("bantin/fetch_failures/")}
    received, landed = stats.get(RECEIVED, 0), stats.get(LANDED, 0)
    fetched = received - sum(failures.values())
    elapsed = stats.get("elapsed_time_seconds") or 0.0
    rate = fetched / elapsed if elapsed else 0.0
    reasons = ", ".join(f"{reason}={n}" for reason, n in failures.items()) or "none"
    return (f"{SUMMARY}{source}: discovered {total('bantin/candidates/')}, requested "
            f"{total('bantin/articles_requested/')}, fetched {fetched}, landed {landed} of {received}, failed "
            f"{sum(failures.values())} ({reasons}), {rate:.1f} pages/s over {elapsed:.2f} s")
