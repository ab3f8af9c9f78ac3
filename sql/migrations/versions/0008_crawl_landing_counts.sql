-- What a crawl fetched (a page or a fetch failure handed to the landing pipeline) and what it landed, written
-- when the crawl ends (crawlers/pipelines.py). The run's check fails a source whose crawl landed fewer than it
-- fetched (transforms/stages.py, check_run). NULL for crawls that ended before this column existed, or never
-- ended: an unfinished crawl fails the check on its own.
ALTER TABLE raw.crawls ADD COLUMN pages_received integer, ADD COLUMN pages_landed integer;
