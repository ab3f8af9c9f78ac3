-- The LSH index, compacted and made derived data (transforms/stories.py, bench/dedup/scale.py):
-- - one 32-bit key per band with the band number folded in (transforms/minhash.py), so an entry is 20 bytes
--   and a million-article index stays in the buffer cache;
-- - no foreign key and no index on article_id: the rows are written only beside their signature, and an
--   updated article's rows are found by its old keys; a per-row FK check cost more than the insert itself;
-- - UNLOGGED: a batch inserts 32 keys per article at random places in the index, and after every checkpoint
--   each page it touches would be written whole to the WAL (at 1M articles that is most of the index, every
--   load). The table is rebuilt from core.article_signatures, which is logged, whenever it is found empty
--   while signatures exist: after a crash (PostgreSQL truncates unlogged tables), on a promoted replica, or
--   by `bantin db rekey`.
DROP TABLE core.article_bands;
CREATE UNLOGGED TABLE core.article_bands (
    band_key   integer NOT NULL,
    article_id integer NOT NULL,   -- core.articles.article_id; 2^31 articles is far beyond any archive here
    PRIMARY KEY (band_key, article_id)
);
