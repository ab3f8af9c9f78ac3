-- api.source_freshness: is each source still flowing? Last article, last good crawl, recent fetch error rate.
-- A crawl is "successful" when Scrapy finished normally and at least one page came back with HTTP 200.
-- The error rate covers the last 24 hours of attempts: long enough to smooth one bad run of an hourly DAG,
-- short enough that a site that broke today shows it today.
CREATE OR REPLACE VIEW api.source_freshness AS
WITH sources AS (
    SELECT source FROM raw.crawls
    UNION SELECT source FROM core.articles
), last_article AS (
    SELECT source, max(published_at) AS last_published_at, max(first_seen_at) AS last_article_seen_at
    FROM core.articles GROUP BY source
), good_crawls AS (
    SELECT c.source, max(c.finished_at) AS last_successful_crawl_at
    FROM raw.crawls AS c
    WHERE c.finish_reason = 'finished'
      AND EXISTS (SELECT 1 FROM raw.pages AS p
                  WHERE p.run_id = c.run_id AND p.source = c.source AND p.status = 200)
    GROUP BY c.source
), horizon AS (
    SELECT source, max(fetched_at) - interval '24 hours' AS since
    FROM (SELECT source, fetched_at FROM raw.pages UNION ALL SELECT source, failed_at FROM raw.fetch_failures) t
    GROUP BY source
), attempts AS (
    SELECT h.source,
           (SELECT count(*) FROM raw.pages p WHERE p.source = h.source AND p.fetched_at >= h.since) AS responses,
           (SELECT count(*) FROM raw.pages p
             WHERE p.source = h.source AND p.fetched_at >= h.since AND p.status >= 400)            AS http_errors,
           (SELECT count(*) FROM raw.fetch_failures f
             WHERE f.source = h.source AND f.failed_at >= h.since)                                  AS failures
    FROM horizon AS h
)
SELECT s.source,
       la.last_published_at,
       la.last_article_seen_at,
       gc.last_successful_crawl_at,
       coalesce(a.responses + a.failures, 0)::integer AS fetches_24h,
       CASE WHEN coalesce(a.responses + a.failures, 0) = 0 THEN NULL
            ELSE round((a.http_errors + a.failures)::numeric / (a.responses + a.failures), 4)
       END AS fetch_error_rate_24h
FROM sources AS s
LEFT JOIN last_article AS la USING (source)
LEFT JOIN good_crawls  AS gc USING (source)
LEFT JOIN attempts     AS a  USING (source);
COMMENT ON VIEW api.source_freshness IS 'Per source: last article, last successful crawl, fetch error rate over the last 24 h of activity.';
