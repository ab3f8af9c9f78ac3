-- api.source_freshness: is each source still flowing? Last article, last good crawl, recent fetch error rate.
-- A crawl is "successful" when Scrapy finished normally and at least one page came back with HTTP 200.
-- The error rate covers the last 24 hours of attempts: long enough to smooth one bad run of an hourly DAG,
-- short enough that a site that broke today shows it today.
-- Each figure is looked up per source in an index (migration 0015) rather than aggregated over the tables,
-- which grow with every hour: the sources themselves are found by skipping through the (source, ...) indexes.
CREATE OR REPLACE VIEW api.source_freshness AS
WITH RECURSIVE article_sources AS (
    (SELECT a.source FROM core.articles AS a ORDER BY a.source LIMIT 1)
    UNION ALL
    SELECT (SELECT a.source FROM core.articles AS a WHERE a.source > s.source ORDER BY a.source LIMIT 1)
    FROM article_sources AS s WHERE s.source IS NOT NULL
), crawl_sources AS (
    (SELECT c.source FROM raw.crawls AS c ORDER BY c.source LIMIT 1)
    UNION ALL
    SELECT (SELECT c.source FROM raw.crawls AS c WHERE c.source > s.source ORDER BY c.source LIMIT 1)
    FROM crawl_sources AS s WHERE s.source IS NOT NULL
), sources AS (
    SELECT source FROM article_sources WHERE source IS NOT NULL
    UNION SELECT source FROM crawl_sources WHERE source IS NOT NULL
)
SELECT s.source,
       (SELECT max(a.published_at) FROM core.articles AS a WHERE a.source = s.source)  AS last_published_at,
       (SELECT max(a.first_seen_at) FROM core.articles AS a WHERE a.source = s.source) AS last_article_seen_at,
       (SELECT c.finished_at FROM raw.crawls AS c
         WHERE c.source = s.source AND c.finish_reason = 'finished' AND c.finished_at IS NOT NULL
           AND EXISTS (SELECT 1 FROM raw.pages AS p
                       WHERE p.run_id = c.run_id AND p.source = c.source AND p.status = 200)
         ORDER BY c.finished_at DESC LIMIT 1)                                            AS last_successful_crawl_at,
       coalesce(n.responses + n.failures, 0)::integer AS fetches_24h,
       CASE WHEN coalesce(n.responses + n.failures, 0) = 0 THEN NULL
            ELSE round((n.http_errors + n.failures)::numeric / (n.responses + n.failures), 4)
       END AS fetch_error_rate_24h
-- Each source's figures once (LATERAL): joined as a subquery instead, they were counted for every pair of
-- sources.
FROM sources AS s
CROSS JOIN LATERAL (
    SELECT greatest((SELECT max(p.fetched_at) FROM raw.pages AS p WHERE p.source = s.source),
                    (SELECT max(f.failed_at) FROM raw.fetch_failures AS f WHERE f.source = s.source))
               - interval '24 hours' AS since
) AS h
CROSS JOIN LATERAL (
    SELECT (SELECT count(*) FROM raw.pages p WHERE p.source = s.source AND p.fetched_at >= h.since) AS responses,
           (SELECT count(*) FROM raw.pages p
             WHERE p.source = s.source AND p.fetched_at >= h.since AND p.status >= 400)            AS http_errors,
           (SELECT count(*) FROM raw.fetch_failures f
             WHERE f.source = s.source AND f.failed_at >= h.since)                                  AS failures
) AS n;
COMMENT ON VIEW api.source_freshness IS 'Per source: last article, last successful crawl, fetch error rate over the last 24 h of activity.';
