-- The listed days of api.daily_source_summary counted again from core, after transforms/stages.py deleted them
-- in the same transaction: the same days give the same rows whatever ran before. The day is the publication
-- day in Asia/Ho_Chi_Minh (the first-seen day for an undated article), as in api.daily_source_counts.
INSERT INTO api.daily_source_summary (day, source, articles, reprints, originals, with_authors,
                                      median_body_chars, built_at, built_by_run)
SELECT (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, a.source,
       count(*), count(*) FILTER (WHERE a.relation = 'reprint'), count(*) FILTER (WHERE a.relation = 'original'),
       count(*) FILTER (WHERE cardinality(a.authors) > 0),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY length(a.body)), now(), %(run)s
FROM core.articles AS a
WHERE (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = ANY(%(days)s::date[])
GROUP BY 1, 2
