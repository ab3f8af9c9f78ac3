-- api.daily_source_counts: articles per source and publication day in Vietnam's time zone.
-- Articles without a publication date count on the day they were first seen, flagged by `dated`.
CREATE OR REPLACE VIEW api.daily_source_counts AS
SELECT a.source,
       (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
       count(*)::integer                                AS articles,
       count(*) FILTER (WHERE a.published_at IS NOT NULL)::integer AS dated
FROM core.articles AS a
GROUP BY 1, 2;
COMMENT ON VIEW api.daily_source_counts IS 'Articles per source per day (Asia/Ho_Chi_Minh). Stable columns.';
