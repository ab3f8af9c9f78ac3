-- bantin_reader is what downstream tools and analysts log in as (`bantin db url --reader`; warehouse/migrate.py
-- gives it LOGIN and its password): it may read the api schema and nothing else. Views run with their
-- owner's rights, so the reader needs no privilege on raw/staging/core; PUBLIC's defaults on those schemas
-- are revoked explicitly.
REVOKE ALL ON SCHEMA raw, staging, core FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA raw, staging, core FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO bantin_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA api TO bantin_reader;
-- No way up: not a member of any role (so SET ROLE, SET SESSION AUTHORIZATION and RESET ROLE lead nowhere
-- else), no role or database creation, no replication, no bypassing row security.
ALTER ROLE bantin_reader NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
DO $$
DECLARE
    granted record;
BEGIN
    FOR granted IN SELECT r.rolname FROM pg_auth_members AS m JOIN pg_roles AS r ON r.oid = m.roleid
                   WHERE m.member = 'bantin_reader'::regrole LOOP
        EXECUTE format('REVOKE %I FROM bantin_reader', granted.rolname);
    END LOOP;
    -- No temporary tables (PUBLIC has TEMP on every database by default): a consumer stores nothing here.
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    -- The loads' own role keeps it: the story stage works in a temporary table (transforms/stories.py).
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), current_user);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO bantin_reader', current_database());
    -- A statement of the reader's is cancelled after 30 s: the api views answer in milliseconds to a few
    -- seconds at archive size (docs/benchmarks.md), so 30 s means a runaway query, and it must not hold the
    -- warehouse's connections and I/O from the loads. It is the role's default here; PostgreSQL lets any
    -- session change its own statement_timeout, which is why search also caps its input (050).
    EXECUTE format('ALTER ROLE bantin_reader IN DATABASE %I SET statement_timeout = %L', current_database(), '30s');
END
$$;
