-- The publication days (Asia/Ho_Chi_Minh; the day first seen for an undated article) that a run's load added
-- articles to, changed articles on, or moved an edited article's earlier publication date away from: what a
-- consumer of the asset event must recount.
SELECT DISTINCT day FROM (
    SELECT (coalesce(s.published_at, s.fetched_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day
    FROM staging.articles AS s
    WHERE s.run_id = %(run)s AND s.action IN ('new', 'updated')
    UNION ALL
    SELECT (coalesce(v.published_at, a.first_seen_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
    FROM core.article_versions AS v JOIN core.articles AS a USING (article_id)
    WHERE v.replaced_by_run = %(run)s
) AS touched
ORDER BY day
