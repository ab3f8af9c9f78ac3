-- Duplicates add no row; they only record that the article was seen again.
UPDATE core.articles AS a
SET last_seen_at = greatest(a.last_seen_at, d.seen),
    last_run_id = CASE WHEN d.seen >= a.last_seen_at THEN %(run)s ELSE a.last_run_id END
FROM (SELECT article_id, max(fetched_at) AS seen FROM staging.articles
      WHERE run_id = %(run)s AND action = 'duplicate' AND article_id IS NOT NULL
      GROUP BY article_id) AS d
WHERE a.article_id = d.article_id
