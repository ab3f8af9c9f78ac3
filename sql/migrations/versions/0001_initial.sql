-- Layers: raw (landed bytes, 1:1 with fetches) -> staging (one extracted row per page and run)
-- -> core (one row per article, with history) -> api (views; the only schema downstream may read).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS api;

-- Every HTTP response an article request got, whatever its status, exactly as received.
CREATE TABLE raw.pages (
    page_id        bigserial PRIMARY KEY,
    run_id         text        NOT NULL,
    source         text        NOT NULL,
    url            text        NOT NULL,
    final_url      text        NOT NULL,
    status         integer     NOT NULL,
    fetched_at     timestamptz NOT NULL,
    headers        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body_gz        bytea       NOT NULL,   -- gzip of the exact body bytes; news HTML compresses ~5-8x
    body_bytes     integer     NOT NULL,
    discovered_via text,
    discovered_at  timestamptz,
    UNIQUE (run_id, url)
);
CREATE INDEX pages_fetched_at_idx ON raw.pages (fetched_at);

-- Requests that never got a response (timeout, truncated transfer, robots.txt disallow, connection errors).
CREATE TABLE raw.fetch_failures (
    run_id     text        NOT NULL,
    source     text        NOT NULL,
    url        text        NOT NULL,
    reason     text        NOT NULL,
    detail     text,
    failed_at  timestamptz NOT NULL,
    UNIQUE (run_id, url)
);

-- One row per crawl subprocess: its window and Scrapy's closing stats.
CREATE TABLE raw.crawls (
    run_id        text        NOT NULL,
    source        text        NOT NULL,
    window_start  timestamptz NOT NULL,
    window_end    timestamptz NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    finish_reason text,
    stats         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (run_id, source)
);

-- What extraction made of each landed page of a run; rebuilt whole when the run is cleaned again.
CREATE TABLE staging.articles (
    run_id           text        NOT NULL,
    page_id          bigint      NOT NULL,
    source           text        NOT NULL,
    url              text        NOT NULL,
    canonical_url    text        NOT NULL,
    title            text        NOT NULL,
    sapo             text,
    dateline         text,
    body             text        NOT NULL,
    authors          text[]      NOT NULL DEFAULT '{}',
    published_at     timestamptz,
    published_at_raw text,
    modified_at      timestamptz,
    seen_at          text,
    section          text,
    tags             text[]      NOT NULL DEFAULT '{}',
    image_url        text,
    language         text,
    captions         text[]      NOT NULL DEFAULT '{}',
    extracted_by     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body_hash        text        NOT NULL,
    fetched_at       timestamptz NOT NULL,
    action           text CHECK (action IN ('new', 'updated', 'duplicate')),
    article_id       bigint,
    PRIMARY KEY (run_id, page_id)
);

CREATE TABLE core.articles (
    article_id       bigserial PRIMARY KEY,
    source           text        NOT NULL,
    canonical_url    text        NOT NULL UNIQUE,
    url              text        NOT NULL,
    title            text        NOT NULL,
    sapo             text,
    dateline         text,
    body             text        NOT NULL,
    authors          text[]      NOT NULL DEFAULT '{}',
    published_at     timestamptz,
    published_at_raw text,
    modified_at      timestamptz,
    seen_at          text,
    section          text,
    tags             text[]      NOT NULL DEFAULT '{}',
    image_url        text,
    language         text,
    captions         text[]      NOT NULL DEFAULT '{}',
    extracted_by     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body_hash        text        NOT NULL,
    version          integer     NOT NULL DEFAULT 1,
    first_seen_at    timestamptz NOT NULL,
    last_seen_at     timestamptz NOT NULL,
    first_run_id     text        NOT NULL,
    last_run_id      text        NOT NULL
);
CREATE INDEX articles_body_hash_idx ON core.articles (body_hash);
CREATE INDEX articles_source_published_idx ON core.articles (source, published_at);

-- The version an update replaced, whole, so any earlier state of an article can be read back.
CREATE TABLE core.article_versions (
    article_id       bigint      NOT NULL REFERENCES core.articles (article_id),
    version          integer     NOT NULL,
    title            text        NOT NULL,
    sapo             text,
    body             text        NOT NULL,
    authors          text[]      NOT NULL,
    published_at     timestamptz,
    modified_at      timestamptz,
    body_hash        text        NOT NULL,
    replaced_at      timestamptz NOT NULL,
    replaced_by_run  text        NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- Anything fetched or extracted that did not become an article, with why. Never silently dropped.
CREATE TABLE core.rejects (
    run_id      text        NOT NULL,
    source      text        NOT NULL,
    url         text        NOT NULL,
    stage       text        NOT NULL CHECK (stage IN ('fetch', 'extract')),
    reason      text        NOT NULL,
    detail      text,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (run_id, url, stage)
);

-- Per run and source, written by the load step; api.run_stats reads it.
CREATE TABLE core.run_source_stats (
    run_id             text        NOT NULL,
    source             text        NOT NULL,
    window_start       timestamptz NOT NULL,
    window_end         timestamptz NOT NULL,
    pages_fetched      integer     NOT NULL,
    fetch_failures     integer     NOT NULL,
    articles_new       integer     NOT NULL,
    articles_updated   integer     NOT NULL,
    articles_duplicate integer     NOT NULL,
    rejected           integer     NOT NULL,
    rejects_by_reason  jsonb       NOT NULL,
    articles_fallback  integer     NOT NULL DEFAULT 0,   -- articles with a field from the generic extractor
    loaded_at          timestamptz NOT NULL,
    PRIMARY KEY (run_id, source)
);

-- Read-only role for downstream tools: the api schema and nothing else (grants are in the views step).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bantin_reader') THEN
        CREATE ROLE bantin_reader NOLOGIN;
    END IF;
END
$$;
