-- bantin_reader may read the api schema and nothing else. Views run with their owner's rights, so the
-- reader needs no privilege on raw/staging/core; PUBLIC's defaults on those schemas are revoked explicitly.
REVOKE ALL ON SCHEMA raw, staging, core FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA raw, staging, core FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO bantin_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA api TO bantin_reader;
