-- Near-duplicate story clusters (transforms/minhash.py computes the keys; transforms/stages.py assigns).
-- Every article belongs to exactly one story: a new article starts its own (the column default) and joins
-- an older story when a verified near-duplicate is already stored. Story ids never change afterwards.
CREATE SEQUENCE core.story_id_seq;

ALTER TABLE core.articles
    ADD COLUMN story_id bigint NOT NULL DEFAULT nextval('core.story_id_seq'),
    -- original: started its story; repost: the same outlet ran the story again under a new URL;
    -- reprint: another outlet ran it. (A new version of one URL is an update, not a relation.)
    ADD COLUMN relation text NOT NULL DEFAULT 'original' CHECK (relation IN ('original', 'repost', 'reprint'));
ALTER SEQUENCE core.story_id_seq OWNED BY core.articles.story_id;
CREATE INDEX articles_story_idx ON core.articles (story_id);

-- Signatures are computed while cleaning (no lock held) and kept with the staged row.
ALTER TABLE staging.articles ADD COLUMN minhash bytea;   -- NULL: too short to judge, never clustered

CREATE TABLE core.article_signatures (
    article_id bigint PRIMARY KEY REFERENCES core.articles (article_id),
    minhash    bytea  NOT NULL                              -- 128 little-endian uint32 MinHash values
);

-- The LSH index: a new batch finds its candidates with one indexed join on (band, band_hash), so the cost
-- follows the batch and its collisions, not the size of the archive.
CREATE TABLE core.article_bands (
    band       smallint NOT NULL,
    band_hash  bigint   NOT NULL,
    article_id bigint   NOT NULL REFERENCES core.articles (article_id),
    PRIMARY KEY (band, band_hash, article_id)
);
CREATE INDEX article_bands_article_idx ON core.article_bands (article_id);

-- Exact copies under another URL are now story members, not duplicates: nothing looks articles up by body
-- hash any more (updates compare the hash of the row found by URL), so the index only slowed loads.
DROP INDEX core.articles_body_hash_idx;
