-- raw.pages.body_gz holds gzip, which does not compress further. With the default storage (EXTENDED) PostgreSQL
-- still tries its own compression on every value over ~2 KB before giving up, on the server's CPU, during the
-- crawl (the server time it cost is in docs/benchmarks.md, crawl stage). EXTERNAL stores the value out of line,
-- uncompressed. A catalog change only: rows landed before keep their form, and read the same.
ALTER TABLE raw.pages ALTER COLUMN body_gz SET STORAGE EXTERNAL;
