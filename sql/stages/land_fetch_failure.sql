-- Landing: a URL that got no usable response, with the reason (the stable vocabulary of architecture.md).
INSERT INTO raw.fetch_failures (run_id, source, url, reason, detail, failed_at)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (run_id, url) DO UPDATE SET
    reason = EXCLUDED.reason, detail = EXCLUDED.detail, failed_at = EXCLUDED.failed_at
