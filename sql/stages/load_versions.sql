-- Updates, first half: the replaced version goes to history before the row takes the new content
-- (load_updates.sql). The content guard makes a repeated load of the same staging rows (a cleared task) a
-- no-op rather than a new version.
INSERT INTO core.article_versions (article_id, version, title, sapo, body, authors, published_at,
                                   modified_at, body_hash, replaced_at, replaced_by_run)
SELECT a.article_id, a.version, a.title, a.sapo, a.body, a.authors, a.published_at, a.modified_at,
       a.body_hash, s.fetched_at, s.run_id
FROM staging.articles AS s JOIN core.articles AS a ON a.canonical_url = s.canonical_url AND a.source = s.source
WHERE s.run_id = %(run)s AND s.action = 'updated'
  AND (a.body_hash IS DISTINCT FROM s.body_hash OR a.title IS DISTINCT FROM s.title)
ON CONFLICT (article_id, version) DO NOTHING
