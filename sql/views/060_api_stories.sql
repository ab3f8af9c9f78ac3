-- api.stories: one row per story. The first publisher is the member with the earliest published_at
-- (undated members last), ties broken by who was seen first; its article is the story's canonical one.
CREATE OR REPLACE VIEW api.stories AS
WITH members AS (
    SELECT a.story_id,
           count(*)::integer                              AS member_count,
           array_agg(DISTINCT a.source ORDER BY a.source) AS outlets,
           max(a.first_seen_at)                           AS last_member_seen_at
    FROM core.articles AS a
    GROUP BY a.story_id
), firsts AS (
    SELECT DISTINCT ON (a.story_id) a.story_id, a.article_id, a.canonical_url, a.title, a.source,
           a.published_at, a.first_seen_at
    FROM core.articles AS a
    ORDER BY a.story_id, a.published_at ASC NULLS LAST, a.first_seen_at, a.article_id
)
SELECT f.story_id,
       f.article_id    AS canonical_article_id,
       f.canonical_url,
       f.title,
       f.source        AS first_publisher,
       f.published_at  AS first_published_at,
       f.first_seen_at,
       m.member_count,
       m.outlets,
       m.last_member_seen_at
FROM firsts AS f JOIN members AS m USING (story_id);
COMMENT ON VIEW api.stories IS 'One row per story (near-duplicate cluster): first publisher and time, members, outlets.';
