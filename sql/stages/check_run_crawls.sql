-- check: how each of the run's crawls ended, and how many pages it received and landed.
SELECT source, finished_at IS NOT NULL, finish_reason, coalesce(pages_received, 0), coalesce(pages_landed, 0)
FROM raw.crawls WHERE run_id = %(run)s ORDER BY source
