"""Scrapy settings for bantin: polite defaults for crawling Vietnamese news sites, landing into PostgreSQL."""
from warehouse import settings as bantin_settings

BOT_NAME = "bantin"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"
# `scrapy crawl` with an exit status that tells whether the crawl landed what it fetched.
COMMANDS_MODULE = "crawlers.commands"

# Identify ourselves honestly so site operators can see who we are and reach us.
USER_AGENT = "bantin/0.1 (Vietnamese news archive crawler; +https://github.com/bantin/bantin)"
ROBOTSTXT_OBEY = True

# Politeness: a few parallel requests per site, AutoThrottle backs off when the site slows down.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
# Two requests in flight per site on average: news sites serve pages in ~0.2-1 s, so this stays well under
# what a reader with a few tabs would cause.
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# BANTIN_DOWNLOAD_TIMEOUT: the default 30 s covers slow Vietnamese CDNs; the offline demo and tests lower it so
# the replay's timeout route stays quick. Read here because Scrapy reads its settings module once per crawl
# process, which is when every crawler command (crawl, shell, fetch) should see it.
DOWNLOAD_TIMEOUT = bantin_settings.get("BANTIN_DOWNLOAD_TIMEOUT")
# Two retries absorb transient 5xx/timeouts without hammering a site that is really down.
RETRY_ENABLED = True
RETRY_TIMES = 2
# A truncated transfer is an error, not a page: it goes to raw.fetch_failures as `truncated`.
DOWNLOAD_FAIL_ON_DATALOSS = True
# The largest page landed (warehouse/settings.py says why).
DOWNLOAD_MAXSIZE = bantin_settings.MAX_PAGE_BYTES
DOWNLOAD_WARNSIZE = 0  # the cap above is the one size rule; a warning below it would only be noise

DOWNLOADER_MIDDLEWARES = {
    # Last before the downloader and first on the way back, so every other middleware (robots.txt,
    # redirects, retries, stats) sees the original https URLs.
    "crawlers.middlewares.ReplayRewriteMiddleware": 990,
    # Before the cookie middleware (700) on the way out: the request it sends again goes through it, and the
    # challenge's cookie joins the jar.
    "crawlers.middlewares.CookieChallengeMiddleware": 650,
    # Right after Scrapy's OffsiteMiddleware (50), which lets the articles' dont_filter requests pass.
    "crawlers.middlewares.OffsiteRedirectMiddleware": 60,
}
ITEM_PIPELINES = {
    "crawlers.pipelines.LandingPipeline": 300,
}
# Scrapy starts this many workers for every response's output (the default is 100). An article yields one page
# and a listing yields requests, which take no time to enqueue, so more workers are only tasks to create and
# schedule, which the crawl's one core pays for on every response (docs/benchmarks.md, crawl-stage).
CONCURRENT_ITEMS = 4
# Scrapy stops downloading while the responses still being processed exceed this many bytes (default 5 MB).
# Landing holds each page's response until its batch commits, and real pages run to half a megabyte, so the
# default would stop a crawl after ten of them; 32 MB is a few batches of such pages, a small share of the
# memory a task may use.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 32_000_000

LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
# The landing pipeline stores pages; no HTTP cache, so every run sees what the site serves now.
HTTPCACHE_ENABLED = False
# Scrapy's remote-control extension opens an HTTP port per crawl; nothing here drives crawls that way.
REMOTE_CONTROL_ENABLED = False
