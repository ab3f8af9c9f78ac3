-- Landing: a crawl starts (or starts again, for a re-run of its run), its end not known yet.
INSERT INTO raw.crawls (run_id, source, window_start, window_end, started_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (run_id, source) DO UPDATE SET
    window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
    started_at = EXCLUDED.started_at, finished_at = NULL, finish_reason = NULL,
    pages_received = NULL, pages_landed = NULL
