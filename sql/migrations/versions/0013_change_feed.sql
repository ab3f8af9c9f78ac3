-- The loaders' lock, one number for SQL and Python (transforms/stories.py takes it through this function; its
-- STORY_LOCK is the same number, which the fault suite looks up in pg_locks).
CREATE FUNCTION core.lock_loads() RETURNS void
LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock(108170604472686) $$;

-- One row per article stored (`new`) or changed (`updated`: a new version of its content, or a move to another
-- story by `bantin db rekey`). Being seen again is not a change. A consumer keeping its own copy reads
--     WHERE change_id > <the last one applied> ORDER BY change_id LIMIT n
-- and must never miss a change nor see one twice. A sequence alone does not give that: values are handed out
-- when rows are written, not when they commit, so a load that took 101-200 and commits after another load's
-- 201-300 would be read past by a consumer that saw 300 first. change_id is therefore only handed out under the
-- loaders' lock, which is held until commit: every change of an earlier commit has a smaller id than every
-- change of a later one, and no id is handed out while a smaller one is still uncommitted. Rolled-back loads
-- leave gaps, which a consumer skips as it would anyway.
CREATE TABLE core.article_changes (
    change_id  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint      NOT NULL REFERENCES core.articles (article_id),
    kind       text        NOT NULL CHECK (kind IN ('new', 'updated')),
    version    integer     NOT NULL,
    changed_at timestamptz NOT NULL,
    run_id     text
);
CREATE INDEX article_changes_article_idx ON core.article_changes (article_id);

-- Statement triggers, so every writer of core.articles (a load, a reprocess, a rekey, an operator's own SQL)
-- feeds the same log, one INSERT per statement. Each takes the loaders' lock before it numbers anything: a
-- load holds it already (re-entrant), and any other writer now waits its turn instead of breaking the order.
CREATE FUNCTION core.record_article_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows) THEN
            PERFORM core.lock_loads();
            INSERT INTO core.article_changes (article_id, kind, version, changed_at, run_id)
            SELECT n.article_id, 'new', n.version, clock_timestamp(), n.last_run_id
            FROM new_rows AS n ORDER BY n.article_id;
        END IF;
    ELSIF EXISTS (SELECT 1 FROM new_rows AS n JOIN old_rows AS o USING (article_id)
                  WHERE (n.version, n.story_id, n.relation) IS DISTINCT FROM (o.version, o.story_id, o.relation)) THEN
        PERFORM core.lock_loads();
        INSERT INTO core.article_changes (article_id, kind, version, changed_at, run_id)
        SELECT n.article_id, 'updated', n.version, clock_timestamp(), n.last_run_id
        FROM new_rows AS n JOIN old_rows AS o USING (article_id)
        WHERE (n.version, n.story_id, n.relation) IS DISTINCT FROM (o.version, o.story_id, o.relation)
        ORDER BY n.article_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_changes_on_insert AFTER INSERT ON core.articles
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION core.record_article_changes();
CREATE TRIGGER articles_changes_on_update AFTER UPDATE ON core.articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION core.record_article_changes();

-- Articles stored before the feed existed: one `new` change each, in id order, so a consumer starting from
-- change 0 reads the whole archive once.
INSERT INTO core.article_changes (article_id, kind, version, changed_at, run_id)
SELECT article_id, 'new', version, first_seen_at, last_run_id FROM core.articles ORDER BY article_id;
