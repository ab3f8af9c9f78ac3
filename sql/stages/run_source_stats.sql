-- A load's own entry: run statistics are history. A re-run or a reprocess of a run adds the next load_number
-- (with its kind), and never rewrites what an earlier load of the run landed; the load takes the number under
-- the loaders' lock, so two loads of one run cannot take the same.
INSERT INTO core.run_source_stats (run_id, source, window_start, window_end, pages_fetched, fetch_failures,
    articles_new, articles_updated, articles_duplicate, rejected, rejects_by_reason, articles_fallback, loaded_at,
    canonicals_refused, load_number, load_kind, field_methods)
SELECT %(run)s, src.source, %(start)s, %(end)s,
       coalesce(st.staged, 0) + coalesce(rj.extract_rejects, 0),
       coalesce(rj.fetch_rejects, 0),
       coalesce(st.new, 0), coalesce(st.updated, 0), coalesce(st.duplicate, 0),
       coalesce(rj.total, 0), coalesce(rj.by_reason, '{}'::jsonb), coalesce(st.fallback, 0), now(),
       coalesce(st.refused, 0), %(load)s, %(kind)s, coalesce(fm.field_methods, '{}'::jsonb)
FROM (SELECT source FROM raw.crawls WHERE run_id = %(run)s
      UNION SELECT source FROM staging.articles WHERE run_id = %(run)s
      UNION SELECT source FROM core.rejects WHERE run_id = %(run)s) AS src
LEFT JOIN (SELECT source, count(*) AS staged,
                  count(*) FILTER (WHERE action = 'new') AS new,
                  count(*) FILTER (WHERE action = 'updated') AS updated,
                  count(*) FILTER (WHERE action = 'duplicate') AS duplicate,
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_each_text(extracted_by) AS e
                                                 WHERE e.value = 'generic')) AS fallback,
                  count(canonical_refused) AS refused
           FROM staging.articles WHERE run_id = %(run)s GROUP BY source) AS st USING (source)
LEFT JOIN (SELECT source, count(*) AS total,
                  count(*) FILTER (WHERE stage = 'fetch') AS fetch_rejects,
                  count(*) FILTER (WHERE stage = 'extract') AS extract_rejects,
                  (SELECT jsonb_object_agg(reason, n) FROM
                      (SELECT reason, count(*) AS n FROM core.rejects r2
                       WHERE r2.run_id = %(run)s AND r2.source = r.source GROUP BY reason) AS x) AS by_reason
           FROM core.rejects AS r WHERE run_id = %(run)s GROUP BY source) AS rj USING (source)
-- Per field, how many of the source's staged articles each method gave it (extracted_by): {"body": {"profile": 11,
-- "generic": 1}, ...}. Layout drift is read from it (transforms/drift.py).
LEFT JOIN (SELECT source, jsonb_object_agg(field, methods) AS field_methods
           FROM (SELECT source, field, jsonb_object_agg(method, n) AS methods
                 FROM (SELECT s.source, e.key AS field, e.value AS method, count(*) AS n
                       FROM staging.articles AS s CROSS JOIN LATERAL jsonb_each_text(s.extracted_by) AS e
                       WHERE s.run_id = %(run)s GROUP BY 1, 2, 3) AS counted
                 GROUP BY source, field) AS per_field
           GROUP BY source) AS fm USING (source)
