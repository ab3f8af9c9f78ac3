-- New articles, with the ids and stories the story stage decided (transforms/stories.py, in
-- pg_temp.story_decisions; a text too short to sign has no decision and starts its own story). ON CONFLICT
-- keeps a concurrent loader (a backfill overlapping a scheduled run) from inserting the same URL twice; the row
-- it loses to is the same article.
INSERT INTO core.articles (article_id, story_id, relation, source, canonical_url,
                           url, title, sapo, dateline, body, authors, published_at, published_at_raw,
                           modified_at, seen_at, section, tags, image_url, language, captions, extracted_by,
                           body_hash, source_credit,
                           first_seen_at, last_seen_at, first_run_id, last_run_id)
SELECT coalesce(d.article_id, nextval(pg_get_serial_sequence('core.articles', 'article_id'))),
       coalesce(d.story_id, nextval(pg_get_serial_sequence('core.articles', 'story_id'))),
       coalesce(d.relation, 'original'),
       s.source, s.canonical_url,
       s.url, s.title, s.sapo, s.dateline, s.body, s.authors, s.published_at, s.published_at_raw,
       s.modified_at, s.seen_at, s.section, s.tags, s.image_url, s.language, s.captions, s.extracted_by,
       s.body_hash, s.source_credit,
       s.fetched_at, s.fetched_at, s.run_id, s.run_id
FROM staging.articles AS s LEFT JOIN pg_temp.story_decisions AS d ON d.page_id = s.page_id
WHERE s.run_id = %(run)s AND s.action = 'new'
ON CONFLICT (canonical_url) DO NOTHING
