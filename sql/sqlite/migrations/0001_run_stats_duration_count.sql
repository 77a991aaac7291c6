-- Twin of sql/migrations/0001_run_stats_duration_count.sql. How many runs of a rollup row have a
-- duration, so /stats can average duration_ms_sum over exactly those. duration_count follows
-- duration_ms_max, the last column, so ADD COLUMN puts it in the same place as MySQL's AFTER.
ALTER TABLE run_stats_hourly ADD COLUMN duration_count INTEGER NOT NULL DEFAULT 0;
