-- Landing: one HTTP response, whatever its status, as gzip of its exact bytes; a re-run replaces its own, and a
-- page that finally answered supersedes an earlier failure of the same URL in the same run (a re-run).
WITH superseded AS (DELETE FROM raw.fetch_failures WHERE run_id = %(run_id)s AND url = %(url)s)
INSERT INTO raw.pages (run_id, source, url, final_url, status, fetched_at, headers, body_gz,
                       body_bytes, discovered_via, discovered_at)
VALUES (%(run_id)s, %(source)s, %(url)s, %(final_url)s, %(status)s, %(fetched_at)s, %(headers)s, %(body_gz)s,
        %(body_bytes)s, %(discovered_via)s, %(discovered_at)s)
ON CONFLICT (run_id, url) DO UPDATE SET
    final_url = EXCLUDED.final_url, status = EXCLUDED.status, fetched_at = EXCLUDED.fetched_at,
    headers = EXCLUDED.headers, body_gz = EXCLUDED.body_gz, body_bytes = EXCLUDED.body_bytes,
    discovered_via = EXCLUDED.discovered_via, discovered_at = EXCLUDED.discovered_at
