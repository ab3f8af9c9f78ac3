-- Landing: one HTTP response, whatever its status, as gzip of its exact bytes; a re-run replaces its own.
INSERT INTO raw.pages (run_id, source, url, final_url, status, fetched_at, headers, body_gz,
                       body_bytes, discovered_via, discovered_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (run_id, url) DO UPDATE SET
    final_url = EXCLUDED.final_url, status = EXCLUDED.status, fetched_at = EXCLUDED.fetched_at,
    headers = EXCLUDED.headers, body_gz = EXCLUDED.body_gz, body_bytes = EXCLUDED.body_bytes,
    discovered_via = EXCLUDED.discovered_via, discovered_at = EXCLUDED.discovered_at
