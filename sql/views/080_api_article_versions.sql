-- api.article_versions: every version of every article, the current one included (`is_current`, with no
-- replaced_at). An update keeps the content it replaced in core.article_versions (load_versions.sql).
CREATE OR REPLACE VIEW api.article_versions AS
SELECT v.article_id, v.version, v.title, v.sapo, v.body, v.authors, v.published_at, v.modified_at, v.body_hash,
       v.replaced_at,
       v.replaced_by_run,  -- the run whose load replaced this version
       false AS is_current
FROM core.article_versions AS v
UNION ALL
SELECT a.article_id, a.version, a.title, a.sapo, a.body, a.authors, a.published_at, a.modified_at, a.body_hash,
       NULL, NULL, true
FROM core.articles AS a;
COMMENT ON VIEW api.article_versions IS 'Every version of every article (is_current marks the one api.articles shows); grain: article version. Stable columns.';
