-- api.search_articles(q, max_results, only_source): diacritic-insensitive, ranked article search.
-- Search-box syntax (websearch_to_tsquery): "a quoted phrase", `-word` or `-"a phrase"` to exclude, `or`
-- between alternatives. Full-text matches use the unaccented vector; a misspelt or partial title of the last three
-- days still matches through trigram word similarity on the unaccented title, looking for the query's wanted
-- words only and never matching an article that holds an excluded one. A query of exclusions alone finds nothing, as a
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
-- may match in any order (a quoted phrase asks for that exact wording, so it stays out), when there are at
-- least three of them: one or two words share enough trigrams with a large share of all titles ("thuy dien"
-- with "thủy sản" and "điện lực" among them; docs/benchmarks.md), which is noise, not a misspelling found;
-- a title's worth of words is selective. `excluded`: the excluded words and phrases as one websearch query of
-- alternatives. Tokens are split as websearch_to_tsquery splits them: a quoted phrase or a run of other
-- characters, negated by a leading `-`.
CREATE OR REPLACE FUNCTION core.search_terms(q text, OUT wanted boolean, OUT fuzzy text, OUT excluded text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(bool_or(NOT t.negated AND lower(t.term) <> 'or'), false),
           CASE WHEN count(*) FILTER (WHERE NOT t.negated AND NOT t.quoted AND lower(t.term) <> 'or') >= 3
                THEN string_agg(t.term, ' ') FILTER (WHERE NOT t.negated AND NOT t.quoted AND lower(t.term) <> 'or')
           END,
           string_agg('"' || t.term || '"', ' or ') FILTER (WHERE t.negated)
    FROM (SELECT m[1] = '-' AS negated, left(m[2], 1) = '"' AS quoted, btrim(replace(m[2], '"', ' ')) AS term
          FROM regexp_matches(q, '(-?)("[^"]*"?|[^[:space:]"]+)', 'g') AS m) AS t
    WHERE t.term <> ''
$$;

-- Ranking every match of a common word costs its text vector per match, and a common word matches a share of
-- the whole archive: the cost grew with it (docs/benchmarks.md, the api queries at archive size). News search ranks recent news, so
-- a query ranks its newest matches only: at least 200, ten times the results asked for. They are found in the
-- last day, then the week before it, the month, the year, the rest of the archive, until that many are found,
-- so an index scan stays inside a span and no span is read twice. The spans count back from the newest
-- article (never past now).
-- The function is planned for each call (plan_cache_mode): with a plan made once for any query text,
-- PostgreSQL would guess a hundred matches where a common word has tens of thousands.
CREATE OR REPLACE FUNCTION api.search_articles(q text, max_results integer DEFAULT 20, only_source text DEFAULT NULL)
RETURNS TABLE (article_id bigint, source text, title text, canonical_url text, published_at timestamptz,
               rank real, matched_by text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    terms    record;
    folded   tsquery;
    excluded tsquery;
    fuzzy    text;
    newest   timestamptz;
    since    timestamptz;
    until    timestamptz;
    span     interval;
    ids      bigint[];
    wanted   integer := greatest(10 * max_results, 200);
BEGIN
    SELECT * INTO terms FROM core.search_terms(core.search_query(q));
    ids := '{}';
    IF NOT terms.wanted OR max_results <= 0 THEN
        RETURN;
    END IF;
    folded := websearch_to_tsquery('core.vi_unaccent', q);
    excluded := websearch_to_tsquery('core.vi_unaccent', terms.excluded);
    fuzzy := core.f_unaccent(lower(terms.fuzzy));
    SELECT least(max(coalesce(a.published_at, a.first_seen_at)), now()) INTO newest FROM core.articles AS a;
    FOREACH span IN ARRAY ARRAY[interval '1 day', interval '7 days', interval '30 days', interval '365 days', NULL]
    LOOP
        until := since;          -- NULL: up to the newest
        since := newest - span;  -- NULL: back to the oldest
        IF span <= interval '30 days' THEN
            -- A month or less: the planner's choice. An index scan in time order that filters as it goes and stops
            -- at the `wanted`th match is the fastest way through common words, and a span this short bounds it.
            SELECT ids || coalesce(array_agg(m.article_id), '{}') INTO ids FROM (
                SELECT a.article_id FROM core.articles AS a
                WHERE (since IS NULL OR coalesce(a.published_at, a.first_seen_at) >= since)
                  AND (until IS NULL OR coalesce(a.published_at, a.first_seen_at) < until)
                  AND (only_source IS NULL OR a.source = only_source)
                  AND a.search_tsv @@ folded
                ORDER BY coalesce(a.published_at, a.first_seen_at) DESC
                LIMIT wanted - cardinality(ids)) AS m;
        ELSE
            -- The year and the rest: every match, then the newest. Reached only when the last month held fewer
            -- than `wanted`, so the words are rare; that same time-ordered scan would read the whole archive for a
            -- word in no article, where the text index lists the few matches at once.
            WITH matched AS MATERIALIZED (
                SELECT a.article_id, coalesce(a.published_at, a.first_seen_at) AS news_at FROM core.articles AS a
                WHERE (since IS NULL OR coalesce(a.published_at, a.first_seen_at) >= since)
                  AND coalesce(a.published_at, a.first_seen_at) < until
                  AND (only_source IS NULL OR a.source = only_source)
                  AND a.search_tsv @@ folded
            )
            SELECT ids || coalesce(array_agg(m.article_id), '{}') INTO ids
            FROM (SELECT t.article_id FROM matched AS t ORDER BY t.news_at DESC LIMIT wanted - cardinality(ids)) AS m;
        END IF;
        EXIT WHEN cardinality(ids) >= wanted OR since IS NULL;
    END LOOP;
    -- Misspelt titles, among the last three days' articles, each compared in turn: the trigrams of a title's
    -- words are common enough that a trigram index hands back a large share of the archive to compare for any
    -- query (docs/benchmarks.md), so a match older than that is found by its words instead.
    IF fuzzy IS NOT NULL AND cardinality(ids) < wanted THEN
        SELECT ids || coalesce(array_agg(m.article_id), '{}') INTO ids FROM (
            SELECT a.article_id FROM core.articles AS a
            WHERE coalesce(a.published_at, a.first_seen_at) >= newest - interval '3 days'
              AND (only_source IS NULL OR a.source = only_source)
              AND fuzzy <% core.f_unaccent(lower(a.title))
              AND coalesce(NOT a.search_tsv @@ excluded, true)
              AND a.article_id <> ALL (ids)
            ORDER BY coalesce(a.published_at, a.first_seen_at) DESC
            LIMIT wanted - cardinality(ids)) AS m;
    END IF;
    RETURN QUERY
    WITH ranked AS (
        SELECT a.article_id, a.source, a.title, a.canonical_url, a.published_at,
               ts_rank(a.search_tsv, folded)
                   + 0.5 * ts_rank(a.exact_tsv, websearch_to_tsquery('pg_catalog.simple', q))
                   + coalesce(word_similarity(fuzzy, core.f_unaccent(lower(a.title))), 0) AS score,
               a.search_tsv @@ folded AS text_match
        FROM core.articles AS a
        WHERE a.article_id = ANY(ids)
    )
    SELECT r.article_id, r.source, r.title, r.canonical_url, r.published_at, r.score::real,
           CASE WHEN r.text_match THEN 'text' ELSE 'fuzzy_title' END
    FROM ranked AS r
    ORDER BY r.score DESC, r.published_at DESC NULLS LAST
    LIMIT max_results;
END
$$;
COMMENT ON FUNCTION api.search_articles(text, integer, text) IS
    'Diacritic-insensitive ranked search over title (A), sapo (B), body (C), with fuzzy title matching.';
REVOKE ALL ON FUNCTION api.search_articles(text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.search_articles(text, integer, text) TO bantin_reader;
