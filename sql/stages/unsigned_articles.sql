-- Articles without a signature, oldest first (bantin db rekey): those stored before signatures existed
-- (migration 0003), and texts too short to sign, which are read and skipped again each time (a rekey is a
-- rare, manual step). Page templates stay out, as in a load, counted over the archive: a text one outlet
-- stored under TEMPLATE_COPIES (the parameter) or more URLs.
SELECT a.article_id
FROM core.articles AS a
WHERE NOT EXISTS (SELECT 1 FROM core.article_signatures AS g WHERE g.article_id = a.article_id)
  AND NOT EXISTS (SELECT 1 FROM (SELECT source, body_hash FROM core.articles
                                  GROUP BY source, body_hash HAVING count(*) >= %s) AS t
                  WHERE t.source = a.source AND t.body_hash = a.body_hash)
ORDER BY a.published_at ASC NULLS LAST, a.article_id
