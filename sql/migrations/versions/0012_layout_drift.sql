-- field_methods: {field: {method: articles}} of the load's staged articles (profile | jsonld | meta | generic |
-- text). drift: one warning per field the profile's rule gives on its recorded pages and gave to fewer than half
-- of this load's articles while a fallback gave it to more than half (transforms/drift.py). Loads recorded
-- before this migration have neither: '{}' and no warnings.
ALTER TABLE core.run_source_stats ADD COLUMN field_methods jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE core.run_source_stats ADD COLUMN drift text[] NOT NULL DEFAULT '{}';
