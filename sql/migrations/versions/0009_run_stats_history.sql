-- A reprocess or a re-run of a run used to overwrite the run's statistics: a run that inserted 281 articles
-- read new=0 once reprocessed. Each load now adds its own entry, numbered per run (1 = the run's first load)
-- and of a kind: run (the first), rerun (the DAG again: a cleared task, a retry), reprocess (`bantin
-- reprocess`). Entries loaded before this migration become load 1 of kind run: whatever a reprocess had
-- overwritten is gone.
ALTER TABLE core.run_source_stats
    ADD COLUMN load_number integer NOT NULL DEFAULT 1,
    ADD COLUMN load_kind text NOT NULL DEFAULT 'run' CHECK (load_kind IN ('run', 'rerun', 'reprocess'));
ALTER TABLE core.run_source_stats DROP CONSTRAINT run_source_stats_pkey;
ALTER TABLE core.run_source_stats ADD PRIMARY KEY (run_id, source, load_number);
ALTER TABLE core.run_source_stats ALTER COLUMN load_number DROP DEFAULT, ALTER COLUMN load_kind DROP DEFAULT;
