-- The stories of a load's new articles, decided before they are inserted (transforms/stories.py), so each row
-- is written once with its story instead of being rewritten to join one. The inserts (load_new.sql) read their
-- ids from here, and a later round of the same load reads its earlier rounds' stories from here.
-- A staged page without a decision starts its own story.
CREATE TEMP TABLE IF NOT EXISTS story_decisions (
    page_id bigint PRIMARY KEY, article_id bigint UNIQUE NOT NULL, source text NOT NULL,
    story_id bigint NOT NULL, relation text NOT NULL
) ON COMMIT DROP;
TRUNCATE pg_temp.story_decisions;
