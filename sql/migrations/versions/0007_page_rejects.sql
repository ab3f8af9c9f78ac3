-- A page that cannot become an article is a reject of its own, never a failure of the whole run
-- (transforms/stages.py, clean_run): the reject names the raw page it came from, so an operator can read
-- the bytes back. Fetch rejects (raw.fetch_failures) got no response and have no page.
ALTER TABLE core.rejects ADD COLUMN page_id bigint;

-- A page's <link rel=canonical> (or og:url) is its own claim: one outside the source's allowed domains, too
-- long for the unique index, or unparseable is not used as the article's key (transforms/extract.py); the
-- fetched URL is. The refused value is kept for audit and counted per run and source.
ALTER TABLE staging.articles ADD COLUMN canonical_refused text;
ALTER TABLE core.run_source_stats ADD COLUMN canonicals_refused integer NOT NULL DEFAULT 0;
