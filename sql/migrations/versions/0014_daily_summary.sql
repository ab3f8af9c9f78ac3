-- Per source and publication day (Asia/Ho_Chi_Minh), what the news_daily_summary DAG last counted. A day is
-- rebuilt whole each time a load touches it (sql/stages/daily_summary.sql), so a row is always the day's full
-- count as of built_at, never an increment. Grain: source and day. Stable columns.
CREATE TABLE api.daily_source_summary (
    day               date        NOT NULL,
    source            text        NOT NULL,
    articles          integer     NOT NULL,
    reprints          integer     NOT NULL,  -- copies of another outlet's story (relation = 'reprint')
    originals         integer     NOT NULL,  -- articles that started their story (relation = 'original')
    with_authors      integer     NOT NULL,
    median_body_chars integer     NOT NULL,
    built_at          timestamptz NOT NULL,
    built_by_run      text        NOT NULL,  -- the news_daily_summary run that counted it
    PRIMARY KEY (day, source)
);
COMMENT ON TABLE api.daily_source_summary IS 'Per source and publication day: articles, originals, reprints, bylines, median length; kept by the news_daily_summary DAG on each api.articles asset event.';
