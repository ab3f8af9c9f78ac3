-- api.article_changes: the change feed, one row per article stored (`new`) or changed (`updated`: a new version
-- of its content, or a move to another story), in commit order. A consumer keeping its own copy remembers the
-- last change_id it applied and reads
--     SELECT * FROM api.article_changes WHERE change_id > :last_seen ORDER BY change_id LIMIT 1000
-- then fetches those articles from api.articles: it never misses a change nor sees one twice, even when two
-- loads commit at the same time (core.article_changes, migration 0013, says how). Ids may skip numbers.
CREATE OR REPLACE VIEW api.article_changes AS
SELECT c.change_id,
       c.article_id,
       c.kind,
       c.version,     -- the article's version after the change (api.article_versions)
       c.changed_at,
       c.run_id,      -- the Airflow run (or reprocess) that made it
       a.source,
       a.canonical_url
FROM core.article_changes AS c JOIN core.articles AS a USING (article_id);
COMMENT ON VIEW api.article_changes IS 'Change feed: one row per article stored or changed, change_id increasing in commit order. Stable columns.';
