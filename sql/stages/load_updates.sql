-- Updates, second half: the row takes the new content and the next version number (its previous content is in
-- core.article_versions, load_versions.sql).
UPDATE core.articles AS a
SET (url, title, sapo, dateline, body, authors, published_at, published_at_raw, modified_at, seen_at,
     section, tags, image_url, language, captions, extracted_by, body_hash, source_credit)
  = (s.url, s.title, s.sapo, s.dateline, s.body, s.authors, s.published_at, s.published_at_raw, s.modified_at,
     s.seen_at, s.section, s.tags, s.image_url, s.language, s.captions, s.extracted_by, s.body_hash,
     s.source_credit),
    version = a.version + 1, last_seen_at = s.fetched_at, last_run_id = s.run_id
FROM staging.articles AS s
WHERE s.run_id = %(run)s AND s.action = 'updated' AND a.canonical_url = s.canonical_url
  AND a.source = s.source
  AND (a.body_hash IS DISTINCT FROM s.body_hash OR a.title IS DISTINCT FROM s.title)
