"""`scrapy crawl`, with two changes: it exits 1 when the crawl could not land what it fetched, and it ends its
log with a one-line summary of the crawl.

Scrapy's own exits 0 whatever its pipelines met; a crawl whose pages never reached PostgreSQL (the database
away past the landing pipeline's retries) must fail its Airflow task, not pass it green."""
from __future__ import annotations

import logging

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawlers.stats import FAILED, LANDED, RECEIVED, summary

log = logging.getLogger(__name__)


class Command(ScrapyCrawl):
    def _create_crawler(self, spidercls):
        # Kept, because the process forgets its crawlers once they finish, and the stats are read after that.
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler

    def run(self, args, opts) -> None:
        self.crawler = None
        super().run(args, opts)
        stats = self.crawler.stats if self.crawler is not None else None
        if stats is not None and self.crawler.spider is not None:
            log.info("%s", summary(getattr(self.crawler.spider, "source", "?"), stats.get_stats()))
        if self.exitcode == 0 and stats is not None and (
                stats.get_value(FAILED) or (stats.get_value(RECEIVED) or 0) > (stats.get_value(LANDED) or 0)):
            self.exitcode = 1
