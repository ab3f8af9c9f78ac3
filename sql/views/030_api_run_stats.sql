-- api.run_stats: per load of a run, and source, what was fetched and what became of it. A run's first load is
-- load_number 1 (load_kind run); a re-run of the run by the DAG (rerun) or a `bantin reprocess` (reprocess)
-- adds its own rows and never rewrites an earlier load's.
CREATE OR REPLACE VIEW api.run_stats AS
SELECT s.run_id,
       s.source,
       s.window_start,
       s.window_end,
       s.pages_fetched,
       s.fetch_failures,
       s.articles_new,
       s.articles_updated,
       s.articles_duplicate,
       s.rejected,
       s.rejects_by_reason,
       s.articles_fallback,
       s.loaded_at,
       -- Appended (stable columns only grow at the end). A rising share means the site's selectors stopped
       -- matching: a redesign, caught before the fields degrade further.
       round(s.articles_fallback::numeric
             / nullif(s.articles_new + s.articles_updated + s.articles_duplicate, 0), 4) AS fallback_share,
       -- Pages whose canonical URL was not used as their key: outside the source's domains, unparseable or
       -- too long (transforms/extract.py). A page claiming another outlet's article shows here.
       s.canonicals_refused,
       s.load_number,
       s.load_kind,
       -- Per field, how many articles each extraction method gave it ({"body": {"profile": 11, "generic": 1}}),
       -- and the fields whose profile rule went quiet while fallbacks took over (a site redesign?).
       s.field_methods,
       s.drift
FROM core.run_source_stats AS s;
COMMENT ON VIEW api.run_stats IS 'Per load of an Airflow run (load_number, load_kind) and source: pages fetched, articles new/updated/duplicate, rejects by reason.';
