-- check: the figures of the run's latest load, per source (a re-run or reprocess is judged on its own load).
SELECT source, pages_fetched, fetch_failures,
       articles_new + articles_updated + articles_duplicate, rejected, rejects_by_reason, drift
FROM core.run_source_stats
WHERE run_id = %(run)s
  AND load_number = (SELECT max(load_number) FROM core.run_source_stats WHERE run_id = %(run)s)
ORDER BY source
