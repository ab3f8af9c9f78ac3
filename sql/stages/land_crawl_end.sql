-- Landing: how the crawl ended, its stats, and the pages it received and landed (read by the run's check).
UPDATE raw.crawls SET finished_at = %s, finish_reason = %s, stats = %s, pages_received = %s, pages_landed = %s
WHERE run_id = %s AND source = %s
