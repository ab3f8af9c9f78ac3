-- One statement decides every staged row's fate, in fetch order:
-- - the same canonical URL twice in the batch: later copies are duplicates;
-- - a canonical URL stored by another source: a duplicate that touches nothing (an article is only ever written
--   by its own source; extraction already refuses a canonical URL outside the source's domains);
-- - a canonical URL already stored: duplicate if title and body are unchanged, or if this fetch is older than
--   the fetch the stored content came from (the latest replaced version's replacing fetch, else the first
--   sighting): a run loaded after a later one must not roll the article back; else an update. A reprocess of
--   the run the content came from, or of a later one, re-applies new rules;
-- - anything else is new. The same text under another URL is a new article of the same story (a repost or
--   a reprint): the story stage, not this one, relates them.
-- The load runs it again under the loaders' lock (load_run), so a concurrent load committed since this step
-- ran is seen: its new rows become this run's duplicates or updates, never lost inserts.
WITH ranked AS (
    SELECT page_id, source, canonical_url, body_hash, title, fetched_at,
           row_number() OVER (PARTITION BY canonical_url ORDER BY fetched_at, page_id) AS url_rank
    FROM staging.articles WHERE run_id = %(run)s
), decided AS (
    SELECT r.page_id,
           CASE WHEN r.url_rank > 1 THEN 'duplicate'
                WHEN a.article_id IS NULL THEN 'new'
                WHEN a.source <> r.source THEN 'duplicate'
                WHEN a.body_hash = r.body_hash AND a.title = r.title THEN 'duplicate'
                WHEN r.fetched_at < coalesce((SELECT max(v.replaced_at) FROM core.article_versions AS v
                                              WHERE v.article_id = a.article_id), a.first_seen_at) THEN 'duplicate'
                ELSE 'updated' END AS action,
           CASE WHEN a.source = r.source THEN a.article_id END AS article_id
    FROM ranked AS r
    LEFT JOIN core.articles AS a ON a.canonical_url = r.canonical_url
)
UPDATE staging.articles AS s SET action = d.action, article_id = d.article_id
FROM decided AS d WHERE s.run_id = %(run)s AND s.page_id = d.page_id
