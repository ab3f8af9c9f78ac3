-- api.articles: one row per unique article (canonical URL). Columns are a stable contract: append only.
CREATE OR REPLACE VIEW api.articles AS
SELECT a.article_id,
       a.source,
       a.canonical_url,
       a.url,
       a.title,
       a.sapo,
       a.dateline,
       a.body,
       a.authors,
       a.published_at,
       a.published_at_raw,
       a.modified_at,
       a.section,
       a.tags,
       a.image_url,
       a.language,
       a.captions,
       a.body_hash,
       a.version,
       a.first_seen_at,
       a.last_seen_at,
       a.extracted_by,  -- per field: profile | jsonld | meta | generic | text
       a.story_id,      -- api.stories
       a.relation,      -- original | repost (same outlet, new URL) | reprint (another outlet)
       a.source_credit  -- the outlet or agency the article credits as its source (`Theo TTXVN`), or NULL
FROM core.articles AS a;
COMMENT ON VIEW api.articles IS 'One row per unique article (canonical URL); grain: article. Stable columns.';
