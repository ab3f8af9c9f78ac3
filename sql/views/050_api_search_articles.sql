-- api.search_articles(q, max_results, only_source): diacritic-insensitive, ranked article search.
-- Search-box syntax (websearch_to_tsquery): "a quoted phrase", `-word` or `-"a phrase"` to exclude, `or`
-- between alternatives. Full-text matches use the unaccented vector; a misspelt or partial title still matches
-- through trigram word similarity on the unaccented title, looking for the query's wanted words only and
-- never matching an article that holds an excluded one. A query of exclusions alone finds nothing, as a
-- search box does: there is nothing to look for.
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

-- The parts of a query the title match and the guard read. `wanted`: whether the query asks for anything at all
-- (a word or phrase not excluded, other than `or`). `fuzzy`: its unquoted wanted words, which a misspelt title
-- may match in any order (a quoted phrase asks for that exact wording, so it stays out). `excluded`: the
-- excluded words and phrases as one websearch query of alternatives. Tokens are split as websearch_to_tsquery
-- splits them: a quoted phrase or a run of other characters, negated by a leading `-`.
CREATE OR REPLACE FUNCTION core.search_terms(q text, OUT wanted boolean, OUT fuzzy text, OUT excluded text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(bool_or(NOT t.negated AND lower(t.term) <> 'or'), false),
           string_agg(t.term, ' ') FILTER (WHERE NOT t.negated AND NOT t.quoted AND lower(t.term) <> 'or'),
           string_agg('"' || t.term || '"', ' or ') FILTER (WHERE t.negated)
    FROM (SELECT m[1] = '-' AS negated, left(m[2], 1) = '"' AS quoted, btrim(replace(m[2], '"', ' ')) AS term
          FROM regexp_matches(q, '(-?)("[^"]*"?|[^[:space:]"]+)', 'g') AS m) AS t
    WHERE t.term <> ''
$$;

CREATE OR REPLACE FUNCTION api.search_articles(q text, max_results integer DEFAULT 20, only_source text DEFAULT NULL)
RETURNS TABLE (article_id bigint, source text, title text, canonical_url text, published_at timestamptz,
               rank real, matched_by text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
-- From a session's sixth call on, PostgreSQL would plan this query once for any query text (a generic plan):
-- it then guesses a hundred matches where a common word has tens of thousands, and gives up parallel scans.
SET plan_cache_mode = force_custom_plan
AS $$
    WITH checked AS (
        SELECT core.search_query(q) AS q
    ), query AS (
        SELECT websearch_to_tsquery('core.vi_unaccent', c.q)        AS folded,
               websearch_to_tsquery('pg_catalog.simple', c.q)       AS exact,
               core.f_unaccent(lower(t.fuzzy))                      AS fuzzy,
               t.wanted,
               websearch_to_tsquery('core.vi_unaccent', t.excluded) AS excluded
        FROM checked AS c, core.search_terms(c.q) AS t
    ), hits AS (
        SELECT a.article_id, a.source, a.title, a.canonical_url, a.published_at,
               ts_rank(a.search_tsv, query.folded) + 0.5 * ts_rank(a.exact_tsv, query.exact) AS text_rank,
               word_similarity(query.fuzzy, core.f_unaccent(lower(a.title)))                AS title_similarity,
               a.search_tsv @@ query.folded                                                 AS text_match
        FROM core.articles AS a, query
        WHERE query.wanted
          AND (a.search_tsv @@ query.folded
               OR (query.fuzzy <% core.f_unaccent(lower(a.title))
                   AND coalesce(NOT a.search_tsv @@ query.excluded, true)))
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
