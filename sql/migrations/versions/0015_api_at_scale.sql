-- At a million articles the api views that aggregated whole tables took seconds (docs/benchmarks.md, "The api
-- queries at archive size"). What they need is now kept as core.articles changes, by statement triggers, so every
-- writer (a load, a reprocess, a rekey, an operator's SQL) keeps it right, and a view reads a few rows.

-- The news day an article counts on: its publication day in Vietnam, else the day it was first seen.
CREATE FUNCTION core.news_day(published_at timestamptz, first_seen_at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (coalesce(published_at, first_seen_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;

-- api.daily_source_counts, kept: each statement adds its rows' +1 and -1 per (day, source), so an update that
-- moves an article to another day moves its count, and one that changes neither adds nothing.
CREATE TABLE core.daily_source_counts (
    day      date    NOT NULL,
    source   text    NOT NULL,
    articles integer NOT NULL,
    dated    integer NOT NULL,
    PRIMARY KEY (day, source)
);

-- Articles are never deleted (the change feed and the versions reference them), so inserts and updates are all.
CREATE FUNCTION core.count_articles_by_day() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Each branch names only the transition tables its operation has (plpgsql plans a statement when it first
    -- runs it): an INSERT has no old rows.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO core.daily_source_counts AS c (day, source, articles, dated)
        SELECT core.news_day(published_at, first_seen_at), source, count(*), count(published_at)
        FROM new_rows GROUP BY 1, 2
        ON CONFLICT (day, source) DO UPDATE
            SET articles = c.articles + excluded.articles, dated = c.dated + excluded.dated;
    ELSE
        INSERT INTO core.daily_source_counts AS c (day, source, articles, dated)
        SELECT day, source, sum(n), sum(d)
        FROM (SELECT core.news_day(published_at, first_seen_at) AS day, source, 1 AS n,
                     (published_at IS NOT NULL)::int AS d FROM new_rows
              UNION ALL
              SELECT core.news_day(published_at, first_seen_at), source, -1, -(published_at IS NOT NULL)::int
              FROM old_rows) AS delta
        GROUP BY day, source HAVING sum(n) <> 0 OR sum(d) <> 0
        ON CONFLICT (day, source) DO UPDATE
            SET articles = c.articles + excluded.articles, dated = c.dated + excluded.dated;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_day_counts_on_insert AFTER INSERT ON core.articles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core.count_articles_by_day();
CREATE TRIGGER articles_day_counts_on_update AFTER UPDATE ON core.articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.count_articles_by_day();

INSERT INTO core.daily_source_counts (day, source, articles, dated)
SELECT core.news_day(published_at, first_seen_at), source, count(*), count(published_at)
FROM core.articles GROUP BY 1, 2;

-- api.stories, kept: a statement that adds members to stories, or changes what a story shows of them (its
-- first publisher's date, title or URL), rebuilds those stories from their members (core.articles' story
-- index finds them). The first publisher is the member with the earliest published_at (undated members last),
-- ties broken by who was seen first.
CREATE TABLE core.stories (
    story_id             bigint      PRIMARY KEY,
    canonical_article_id bigint      NOT NULL,
    canonical_url        text        NOT NULL,
    title                text        NOT NULL,
    first_publisher      text        NOT NULL,
    first_published_at   timestamptz,
    first_seen_at        timestamptz NOT NULL,
    member_count         integer     NOT NULL,
    outlets              text[]      NOT NULL,
    last_member_seen_at  timestamptz NOT NULL
);
-- "The top stories of the last day": a range of first publications, then a sort of the few hundred in it.
CREATE INDEX stories_first_published_idx ON core.stories (first_published_at);

CREATE FUNCTION core.rebuild_stories(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM core.stories WHERE story_id = ANY(ids);
    INSERT INTO core.stories
    SELECT f.story_id, f.article_id, f.canonical_url, f.title, f.source, f.published_at, f.first_seen_at,
           m.member_count, m.outlets, m.last_member_seen_at
    FROM (SELECT DISTINCT ON (a.story_id) a.story_id, a.article_id, a.canonical_url, a.title, a.source,
                 a.published_at, a.first_seen_at
          FROM core.articles AS a WHERE a.story_id = ANY(ids)
          ORDER BY a.story_id, a.published_at ASC NULLS LAST, a.first_seen_at, a.article_id) AS f
    JOIN (SELECT a.story_id, count(*)::integer AS member_count,
                 array_agg(DISTINCT a.source ORDER BY a.source) AS outlets,
                 max(a.first_seen_at) AS last_member_seen_at
          FROM core.articles AS a WHERE a.story_id = ANY(ids) GROUP BY a.story_id) AS m USING (story_id);
$$;

CREATE FUNCTION core.keep_stories() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT story_id) INTO touched FROM new_rows;
    ELSE
        SELECT array_agg(DISTINCT id) INTO touched
        FROM new_rows AS n JOIN old_rows AS o USING (article_id),
             LATERAL (VALUES (n.story_id), (o.story_id)) AS s (id)
        WHERE (n.story_id, n.published_at, n.title, n.canonical_url, n.source)
              IS DISTINCT FROM (o.story_id, o.published_at, o.title, o.canonical_url, o.source);
    END IF;
    IF touched IS NOT NULL THEN
        -- In turn with the loads, so two writers never rebuild the same story from different snapshots.
        PERFORM core.lock_loads();
        PERFORM core.rebuild_stories(touched);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_stories_on_insert AFTER INSERT ON core.articles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core.keep_stories();
CREATE TRIGGER articles_stories_on_update AFTER UPDATE ON core.articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core.keep_stories();

-- The stories of the stored archive, built once (the array is every story id: one index probe each).
SELECT core.rebuild_stories(array_agg(DISTINCT story_id)) FROM core.articles;

-- api.source_freshness looks each source's latest rows up instead of aggregating the tables.
CREATE INDEX articles_source_first_seen_idx ON core.articles (source, first_seen_at);
CREATE INDEX crawls_source_finished_idx ON raw.crawls (source, finished_at);
CREATE INDEX pages_source_fetched_idx ON raw.pages (source, fetched_at);
CREATE INDEX fetch_failures_source_failed_idx ON raw.fetch_failures (source, failed_at);
-- api.run_stats' latest loads.
CREATE INDEX run_source_stats_loaded_idx ON core.run_source_stats (loaded_at);
-- Search looks at the newest matches first (050_api_search_articles.sql): the news time of each article.
CREATE INDEX articles_news_at_idx ON core.articles ((coalesce(published_at, first_seen_at)));
-- Misspelt titles are now compared among the last days' articles, found by that index: the trigram index of
-- titles answered any query with a large share of the archive to compare, and no query uses it any more.
DROP INDEX core.articles_title_trgm_idx;

-- Statistics for the new tables now: planned without them, "the last day's stories" was guessed at a large share
-- of all stories, and read them all, until autovacuum came round.
ANALYZE core.stories, core.daily_source_counts;
