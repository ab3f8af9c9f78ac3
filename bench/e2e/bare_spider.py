"""The fetch limit: a bare Scrapy spider that only downloads the URLs of a file, one per line, with the project's
settings (the replay rewrite included) and no item pipeline. `scrapy runspider bench/e2e/bare_spider.py -a
urls=FILE`; its last log line is `bare fetch: N pages/s over S s`."""
from __future__ import annotations

import logging
from datetime import UTC, datetime

import scrapy
from scrapy import signals


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with open(urls, encoding="utf-8") as fh:
            self.urls = [line.strip() for line in fh if line.strip()]

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.closed_report, signal=signals.spider_closed)
        return spider

    async def start(self):
        for url in self.urls:
            # As the site spider requests articles: unfiltered, errors answered rather than raised.
            yield scrapy.Request(url, dont_filter=True, callback=self.parse, errback=self.failed)

    def parse(self, response):
        return None

    def failed(self, failure):
        return None

    def closed_report(self, spider, reason):
        stats = self.crawler.stats.get_stats()
        pages = stats.get("downloader/response_count", 0)
        # CoreStats sets elapsed_time_seconds in its own spider_closed handler, which may run after this one.
        elapsed = (datetime.now(UTC) - stats["start_time"]).total_seconds()
        logging.getLogger(__name__).info("bare fetch: %.1f pages/s over %.2f s (%d pages)",
                                         pages / elapsed if elapsed else 0.0, elapsed, pages)
