-- api.search_articles(q, max_results, only_source): diacritic-insensitive, ranked article search.
-- Full-text matches use the unaccented vector (websearch syntax: "quoted phrases", OR, -exclusions);
-- a misspelt or partial title still matches through trigram word similarity on the unaccented title.
-- SECURITY DEFINER: bantin_reader may call it without any privilege on core.

-- The longest query search takes. A search box query is a few words (web search engines stop reading at 32
-- words); the cost of parsing and of trigram-matching every title grows with the query, and a 10 KB query ran
-- past 20 s, a 100 KB one past 10 minutes. 256 characters is 40-odd Vietnamese syllables.
CREATE OR REPLACE FUNCTION core.search_query(q text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF length(q) > 256 THEN
        RAISE EXCEPTION 'search query too long: % characters, at most 256', length(q) USING ERRCODE = '22023';
    END IF;
    RETURN q;
END
$$;

CREATE OR REPLACE FUNCTION api.search_articles(q text, max_results integer DEFAULT 20, only_source text DEFAULT NULL)
RETURNS TABLE (article_id bigint, source text, title text, canonical_url text, published_at timestamptz,
               rank real, matched_by text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    WITH checked AS (
        SELECT core.search_query(q) AS q
    ), query AS (
        SELECT websearch_to_tsquery('core.vi_unaccent', c.q)  AS folded,
               websearch_to_tsquery('pg_catalog.simple', c.q) AS exact,
               core.f_unaccent(lower(c.q))                    AS fuzzy
        FROM checked AS c
    ), hits AS (
        SELECT a.article_id, a.source, a.title, a.canonical_url, a.published_at,
               ts_rank(a.search_tsv, query.folded) + 0.5 * ts_rank(a.exact_tsv, query.exact) AS text_rank,
               word_similarity(query.fuzzy, core.f_unaccent(lower(a.title)))                AS title_similarity,
               a.search_tsv @@ query.folded                                                 AS text_match
        FROM core.articles AS a, query
        WHERE (a.search_tsv @@ query.folded OR query.fuzzy <% core.f_unaccent(lower(a.title)))
          AND (only_source IS NULL OR a.source = only_source)
    )
    SELECT h.article_id, h.source, h.title, h.canonical_url, h.published_at,
           (h.text_rank + h.title_similarity)::real,
           CASE WHEN h.text_match THEN 'text' ELSE 'fuzzy_title' END
    FROM hits AS h
    ORDER BY 6 DESC, h.published_at DESC NULLS LAST
    LIMIT greatest(max_results, 0)
$$;
COMMENT ON FUNCTION api.search_articles(text, integer, text) IS
    'Diacritic-insensitive ranked search over title (A), sapo (B), body (C), with fuzzy title matching.';
REVOKE ALL ON FUNCTION api.search_articles(text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.search_articles(text, integer, text) TO bantin_reader;
