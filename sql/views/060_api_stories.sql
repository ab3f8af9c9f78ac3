-- api.stories: one row per story. The first publisher is the member with the earliest published_at
-- (undated members last), ties broken by who was seen first; its article is the story's canonical one.
-- Kept as the loads write (core.stories, migration 0015), not built from every article at each query.
CREATE OR REPLACE VIEW api.stories AS
SELECT s.story_id,
       s.canonical_article_id,
       s.canonical_url,
       s.title,
       s.first_publisher,
       s.first_published_at,
       s.first_seen_at,
       s.member_count,
       s.outlets,
       s.last_member_seen_at
FROM core.stories AS s;
COMMENT ON VIEW api.stories IS 'One row per story (near-duplicate cluster): first publisher and time, members, outlets.';
