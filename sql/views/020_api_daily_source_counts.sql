-- api.daily_source_counts: articles per source and publication day in Vietnam's time zone.
-- Articles without a publication date count on the day they were first seen, flagged by `dated`.
-- Kept as the loads write (core.daily_source_counts, migration 0015), so a month of it reads a few hundred rows.
CREATE OR REPLACE VIEW api.daily_source_counts AS
SELECT c.source,
       c.day,
       c.articles,
       c.dated
FROM core.daily_source_counts AS c
WHERE c.articles > 0;
COMMENT ON VIEW api.daily_source_counts IS 'Articles per source per day (Asia/Ho_Chi_Minh). Stable columns.';
