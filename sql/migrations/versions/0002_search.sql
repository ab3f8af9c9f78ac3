-- Search for downstream users (README "Search"). PostgreSQL ships no Vietnamese text-search configuration,
-- and Vietnamese has no inflection to stem, so `simple` is the base; `unaccent` folds every precomposed
-- letter (Đ→D, ơ→o, ư→u) and strips combining marks, so "thuy" meets "thủy" and "thuỷ" whatever the tone
-- placement. Both extensions are "trusted": a database owner may create them without superuser.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- unaccent() is only STABLE (its dictionary could be swapped); naming the dictionary explicitly and pinning
-- it at creation (SQL-standard body) makes the wrapper safe to mark IMMUTABLE, which indexes require.
CREATE FUNCTION core.f_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);

CREATE TEXT SEARCH CONFIGURATION core.vi_unaccent (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION core.vi_unaccent
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH public.unaccent, pg_catalog.simple;

-- Title weighs most, then the lead, then the body. A second, accent-keeping vector over title and lead lets
-- a query typed with diacritics rank exact spellings first: unaccented, "ma" hits má/mà/mã/mạ/mả alike.
ALTER TABLE core.articles
    ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('core.vi_unaccent'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('core.vi_unaccent'::regconfig, coalesce(sapo, '')), 'B') ||
        setweight(to_tsvector('core.vi_unaccent'::regconfig, coalesce(body, '')), 'C')) STORED,
    ADD COLUMN exact_tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('pg_catalog.simple'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('pg_catalog.simple'::regconfig, coalesce(sapo, '')), 'B')) STORED;

CREATE INDEX articles_search_tsv_idx ON core.articles USING gin (search_tsv);
CREATE INDEX articles_title_trgm_idx ON core.articles USING gin (core.f_unaccent(lower(title)) public.gin_trgm_ops);
