-- How many runs of a rollup row have a duration (started and finished), so /stats can average
-- duration_ms_sum over exactly those (skipped runs and runs cancelled before they started have none).
ALTER TABLE run_stats_hourly ADD COLUMN duration_count INT UNSIGNED NOT NULL DEFAULT 0 AFTER duration_ms_max;
