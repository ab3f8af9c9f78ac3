-- Stories are decided before the new articles are inserted (transforms/stories.py): a load writes each new
-- row once, with its story, instead of inserting it and then rewriting the joined ones. The story stage
-- indexes a round's signatures before their articles exist, so a later round of the same load finds them;
-- the reference to core.articles is therefore checked when the load commits, when every row is in place.
ALTER TABLE core.article_signatures
    ALTER CONSTRAINT article_signatures_article_id_fkey DEFERRABLE INITIALLY DEFERRED;
