-- The runs a reprocess selects: by id, or those that landed news dated in [since, until) (published, else first
-- seen) or whose crawl window reaches into it, or (neither given) every run; with whether raw pages are left.
SELECT c.run_id, min(c.window_start), max(c.window_end),
       EXISTS (SELECT 1 FROM raw.pages AS p WHERE p.run_id = c.run_id)
FROM raw.crawls AS c
WHERE (%(ids)s::text[] IS NULL OR c.run_id = ANY(%(ids)s::text[]))
  AND (%(since)s::timestamptz IS NULL AND %(until)s::timestamptz IS NULL
       OR (c.window_end > coalesce(%(since)s::timestamptz, '-infinity')
           AND c.window_start < coalesce(%(until)s::timestamptz, 'infinity'))
       OR EXISTS (SELECT 1 FROM staging.articles AS s
                  LEFT JOIN core.articles AS a ON a.canonical_url = s.canonical_url
                  WHERE s.run_id = c.run_id
                    AND coalesce(s.published_at, a.first_seen_at, s.fetched_at)
                        >= coalesce(%(since)s::timestamptz, '-infinity')
                    AND coalesce(s.published_at, a.first_seen_at, s.fetched_at)
                        < coalesce(%(until)s::timestamptz, 'infinity')))
GROUP BY c.run_id ORDER BY min(c.started_at)
