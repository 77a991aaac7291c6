-- Baton schema for MySQL 8 / MariaDB 10.6+: the source of truth.
--
-- schema-version: 1
--
-- The server applies this file to an empty database, then records every migration in
-- sql/migrations/ numbered <= schema-version as applied, and applies the newer ones.
-- A change to the schema is a new migration AND the same change here (a test checks both
-- paths produce the same tables, and that the TypeORM entities match them exactly).
--
-- Conventions:
-- * Every time is UTC with millisecond precision (DATETIME(3)), written by the server's clock;
--   no column relies on the database's own clock or time zone.
-- * Ids are 64-bit (BIGINT UNSIGNED); the API renders them as decimal strings.
-- * JSON values are stored as text (MEDIUMTEXT/TEXT): MySQL and MariaDB disagree on the JSON type,
--   and nothing queries inside them.
-- * No foreign-key constraints: the run and log tables are insert- and delete-heavy (batched
--   retention), and integrity is kept by the services' guarded statements. Each index below names
--   the query it serves; docs/architecture.md lists them.

-- An app is an executor group: the executors serving one set of handlers, sharing one access token.
CREATE TABLE apps (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
  description VARCHAR(512) NOT NULL DEFAULT '',
  -- SHA-256 of the executor access token; the token itself is shown once and never stored.
  token_hash CHAR(64) NOT NULL,
  token_prefix VARCHAR(16) NOT NULL,
  token_rotated_at DATETIME(3) NOT NULL,
  -- The token before the last rotation stays valid until this time, so executors can roll.
  previous_token_hash CHAR(64) NULL,
  previous_token_expires_at DATETIME(3) NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  -- executor handshake and API lookups by name
  UNIQUE KEY uq_apps_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE jobs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  app_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
  handler VARCHAR(128) COLLATE utf8mb4_bin NOT NULL,
  description VARCHAR(512) NOT NULL DEFAULT '',
  owner VARCHAR(128) NOT NULL DEFAULT '',
  schedule_type VARCHAR(16) NOT NULL,
  schedule_expr VARCHAR(255) NULL,
  timezone VARCHAR(64) NOT NULL,
  misfire_policy VARCHAR(16) NOT NULL,
  misfire_threshold_ms INT UNSIGNED NOT NULL,
  catch_up_limit INT UNSIGNED NOT NULL,
  route_strategy VARCHAR(32) NOT NULL,
  block_strategy VARCHAR(16) NOT NULL,
  timeout_ms INT UNSIGNED NOT NULL DEFAULT 0,
  retry_max_attempts INT UNSIGNED NOT NULL DEFAULT 1,
  retry_backoff VARCHAR(16) NOT NULL,
  retry_delay_ms INT UNSIGNED NOT NULL,
  retry_max_delay_ms INT UNSIGNED NOT NULL,
  retry_jitter DOUBLE NOT NULL DEFAULT 0,
  -- comma-separated outcomes that produce another attempt: FAILED,TIMED_OUT,LOST
  retry_on VARCHAR(64) NOT NULL,
  params MEDIUMTEXT NULL,
  enabled TINYINT NOT NULL DEFAULT 1,
  -- NULL while disabled or when the schedule never fires again, so the due index holds only live jobs.
  next_fire_at DATETIME(3) NULL,
  last_fire_at DATETIME(3) NULL,
  retention_days SMALLINT UNSIGNED NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  -- the job key (app, name); also "jobs of app X" in name order
  UNIQUE KEY uq_jobs_app_name (app_id, name),
  -- trigger loop: WHERE next_fire_at <= :horizon ORDER BY next_fire_at LIMIT :batch
  KEY idx_jobs_due (next_fire_at),
  -- job list of one app, keyset: WHERE app_id = ? AND id > :cursor ORDER BY id
  KEY idx_jobs_app (app_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Child jobs: when a parent run ends, start the child if the condition holds.
CREATE TABLE job_dependencies (
  parent_job_id BIGINT UNSIGNED NOT NULL,
  child_job_id BIGINT UNSIGNED NOT NULL,
  trigger_on VARCHAR(16) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (parent_job_id, child_job_id),
  -- "who starts this job" (cycle check walks edges upward; deleting a child)
  KEY idx_job_dependencies_child (child_job_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per attempt of one fire (the outbox the dispatcher reads).
CREATE TABLE runs (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  job_id BIGINT UNSIGNED NOT NULL,
  app_id BIGINT UNSIGNED NOT NULL,
  trigger_type VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  -- why a run waits, was skipped, lost or cancelled, in words for the console
  status_reason VARCHAR(255) NULL,
  -- when the run is due (the planned fire time, or a retry's backoff deadline)
  scheduled_at DATETIME(3) NOT NULL,
  -- set only for fires the trigger engine plans; with the unique key below a fire cannot be inserted twice
  fire_time DATETIME(3) NULL,
  shard_index INT UNSIGNED NOT NULL DEFAULT 0,
  shard_total INT UNSIGNED NOT NULL DEFAULT 1,
  attempt INT UNSIGNED NOT NULL DEFAULT 1,
  -- the first attempt of this run's chain (NULL on the first attempt itself)
  root_run_id BIGINT UNSIGNED NULL,
  -- child runs: the run whose end started this one
  parent_run_id BIGINT UNSIGNED NULL,
  chain_depth SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  -- the leader epoch whose trigger loop planned this run (NULL when an API call or operator made it)
  planned_epoch BIGINT UNSIGNED NULL,
  idempotency_key VARCHAR(128) NULL,
  params MEDIUMTEXT NULL,
  executor_id VARCHAR(64) NULL,
  dispatch_count INT UNSIGNED NOT NULL DEFAULT 0,
  -- a dispatched or running run whose lease passes is recovered (never "running" forever)
  lease_until DATETIME(3) NULL,
  -- sent to an executor (claimed for sending) / acknowledged by it
  dispatched_at DATETIME(3) NULL,
  acked_at DATETIME(3) NULL,
  started_at DATETIME(3) NULL,
  finished_at DATETIME(3) NULL,
  -- an operator asked to kill it; the leader sends the kill and ends the run after a grace period
  kill_requested_at DATETIME(3) NULL,
  progress TINYINT UNSIGNED NULL,
  result MEDIUMTEXT NULL,
  error_message TEXT NULL,
  error_stack TEXT NULL,
  -- 0 when the handler threw NonRetryableError: no further attempts
  retryable TINYINT NOT NULL DEFAULT 1,
  -- the last attempt failed: shows in the dead-letter list
  dead TINYINT NOT NULL DEFAULT 0,
  log_seq INT UNSIGNED NOT NULL DEFAULT 0,
  log_bytes INT UNSIGNED NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  -- persist-before-fire: a planned fire (job, time, shard) exists at most once
  UNIQUE KEY uq_runs_fire (job_id, fire_time, shard_index),
  -- trigger API: the same idempotency key for the same job returns the same run
  UNIQUE KEY uq_runs_idempotency (job_id, idempotency_key),
  -- retries: attempt N of a chain (and shard) is inserted once, however often its predecessor's end is seen
  UNIQUE KEY uq_runs_attempt (root_run_id, attempt, shard_index),
  -- dispatcher outbox: WHERE status = 'SCHEDULED' AND scheduled_at <= :until ORDER BY scheduled_at
  KEY idx_runs_outbox (status, scheduled_at),
  -- recoverer: WHERE status IN ('DISPATCHED','RUNNING') AND lease_until < :cutoff
  KEY idx_runs_lease (status, lease_until),
  -- runs of a job, newest first, keyset: WHERE job_id = ? AND id < :cursor ORDER BY id DESC
  KEY idx_runs_job (job_id, id),
  -- block strategies and filtered lists: WHERE job_id = ? AND status IN (...) [AND id < :cursor]
  KEY idx_runs_job_status (job_id, status, id),
  -- runs of an app, keyset: WHERE app_id = ? AND id < :cursor ORDER BY id DESC
  KEY idx_runs_app (app_id, id),
  -- all runs in one status, keyset: WHERE status = ? AND id < :cursor ORDER BY id DESC
  KEY idx_runs_status (status, id),
  -- children of a run: WHERE parent_run_id = ?
  KEY idx_runs_parent (parent_run_id),
  -- dead letters: WHERE dead = 1 AND id < :cursor ORDER BY id DESC
  KEY idx_runs_dead (dead, id),
  -- retention: WHERE created_at < :cutoff ORDER BY created_at LIMIT :batch (append-only, cheap)
  KEY idx_runs_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Run logs in chunks (a batch of lines per row) with a per-run sequence number.
CREATE TABLE run_log_chunks (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  run_id BIGINT UNSIGNED NOT NULL,
  seq INT UNSIGNED NOT NULL,
  -- JSON array of { at, level, message }
  content MEDIUMTEXT NOT NULL,
  line_count INT UNSIGNED NOT NULL,
  bytes INT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  -- paging a run's log: WHERE run_id = ? AND seq > :after ORDER BY seq; also dedupes a re-sent chunk
  UNIQUE KEY uq_run_log_chunks_seq (run_id, seq),
  -- retention: WHERE created_at < :cutoff
  KEY idx_run_log_chunks_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Connected (and recently disconnected) executor processes.
CREATE TABLE executor_instances (
  id VARCHAR(64) NOT NULL,
  app_id BIGINT UNSIGNED NOT NULL,
  hostname VARCHAR(255) NOT NULL,
  pid INT UNSIGNED NOT NULL,
  sdk_version VARCHAR(32) NOT NULL,
  -- JSON array of handler names
  handlers TEXT NOT NULL,
  concurrency INT UNSIGNED NOT NULL,
  -- JSON object of string labels
  labels TEXT NOT NULL,
  -- the server node that holds this executor's socket
  node_id VARCHAR(64) NULL,
  status VARCHAR(16) NOT NULL,
  in_flight INT UNSIGNED NOT NULL DEFAULT 0,
  connected_at DATETIME(3) NOT NULL,
  last_heartbeat_at DATETIME(3) NOT NULL,
  disconnected_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  -- live executors of an app: WHERE app_id = ? AND status = 'ONLINE'
  KEY idx_executor_instances_app (app_id, status),
  -- reaper: WHERE last_heartbeat_at < :cutoff
  KEY idx_executor_instances_heartbeat (last_heartbeat_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Server nodes of the cluster, each heartbeating its row.
CREATE TABLE scheduler_nodes (
  id VARCHAR(64) NOT NULL,
  advertise_url VARCHAR(255) NOT NULL,
  version VARCHAR(32) NOT NULL,
  hostname VARCHAR(255) NOT NULL,
  pid INT UNSIGNED NOT NULL,
  started_at DATETIME(3) NOT NULL,
  last_heartbeat_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  -- pruning dead nodes: WHERE last_heartbeat_at < :cutoff
  KEY idx_scheduler_nodes_heartbeat (last_heartbeat_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The leader lease: one row, claimed and renewed under a row lock; epoch fences old leaders.
CREATE TABLE scheduler_lease (
  name VARCHAR(32) NOT NULL,
  holder VARCHAR(64) NULL,
  epoch BIGINT UNSIGNED NOT NULL DEFAULT 0,
  acquired_at DATETIME(3) NULL,
  expires_at DATETIME(3) NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO scheduler_lease (name, epoch) VALUES ('leader', 0);

CREATE TABLE users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email VARCHAR(254) NOT NULL,
  display_name VARCHAR(128) NOT NULL DEFAULT '',
  password_hash VARCHAR(255) NOT NULL,
  role VARCHAR(16) NOT NULL,
  disabled TINYINT NOT NULL DEFAULT 0,
  failed_login_count INT UNSIGNED NOT NULL DEFAULT 0,
  locked_until DATETIME(3) NULL,
  password_changed_at DATETIME(3) NOT NULL,
  last_login_at DATETIME(3) NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  -- login by e-mail (case-insensitive collation)
  UNIQUE KEY uq_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which apps an operator or viewer may act on.
CREATE TABLE user_app_grants (
  user_id BIGINT UNSIGNED NOT NULL,
  app_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id, app_id),
  -- revoking grants when an app is deleted: WHERE app_id = ?
  KEY idx_user_app_grants_app (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Console sessions; the id is the SHA-256 of the cookie value.
CREATE TABLE sessions (
  id CHAR(64) NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  csrf_token_hash CHAR(64) NOT NULL,
  ip VARCHAR(64) NOT NULL DEFAULT '',
  user_agent VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  last_seen_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  -- logout everywhere / password change: WHERE user_id = ?
  KEY idx_sessions_user (user_id),
  -- pruning: WHERE expires_at < :now
  KEY idx_sessions_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time links for creating the first admin.
CREATE TABLE setup_tokens (
  token_hash CHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  used_at DATETIME(3) NULL,
  PRIMARY KEY (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Login rate limiting, shared by every server node.
CREATE TABLE login_attempts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email VARCHAR(254) NOT NULL,
  ip VARCHAR(64) NOT NULL,
  succeeded TINYINT NOT NULL,
  at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  -- WHERE email = ? AND at > :window
  KEY idx_login_attempts_email (email, at),
  -- WHERE ip = ? AND at > :window
  KEY idx_login_attempts_ip (ip, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Keys for services calling the REST API; only the hash is stored.
CREATE TABLE api_keys (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(128) NOT NULL,
  prefix VARCHAR(16) NOT NULL,
  key_hash CHAR(64) NOT NULL,
  -- comma-separated: trigger,read,manage
  scopes VARCHAR(64) NOT NULL,
  -- 1 = every app; otherwise the apps in api_key_apps
  all_apps TINYINT NOT NULL DEFAULT 0,
  created_by_user_id BIGINT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NULL,
  last_used_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  -- authenticating a request: WHERE key_hash = ?
  UNIQUE KEY uq_api_keys_hash (key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_key_apps (
  api_key_id BIGINT UNSIGNED NOT NULL,
  app_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (api_key_id, app_id),
  KEY idx_api_key_apps_app (app_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who did what, when, from where.
CREATE TABLE audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at DATETIME(3) NOT NULL,
  -- user, api_key, system or anonymous
  actor_type VARCHAR(16) NOT NULL,
  actor_id VARCHAR(64) NULL,
  actor_name VARCHAR(255) NOT NULL DEFAULT '',
  action VARCHAR(64) NOT NULL,
  target_type VARCHAR(32) NULL,
  target_id VARCHAR(64) NULL,
  ip VARCHAR(64) NOT NULL DEFAULT '',
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  -- JSON object; never holds a secret
  details TEXT NULL,
  PRIMARY KEY (id),
  -- newest first / time range: WHERE at BETWEEN ? AND ? ORDER BY id DESC
  KEY idx_audit_log_at (at),
  -- WHERE actor_type = ? AND actor_id = ?
  KEY idx_audit_log_actor (actor_type, actor_id, id),
  -- WHERE target_type = ? AND target_id = ?
  KEY idx_audit_log_target (target_type, target_id, id),
  -- WHERE action = ?
  KEY idx_audit_log_action (action, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rollup counters per job and hour (UTC) of finished_at, updated as runs end; dashboards never scan runs.
CREATE TABLE run_stats_hourly (
  job_id BIGINT UNSIGNED NOT NULL,
  bucket_start DATETIME(3) NOT NULL,
  app_id BIGINT UNSIGNED NOT NULL,
  succeeded INT UNSIGNED NOT NULL DEFAULT 0,
  failed INT UNSIGNED NOT NULL DEFAULT 0,
  timed_out INT UNSIGNED NOT NULL DEFAULT 0,
  cancelled INT UNSIGNED NOT NULL DEFAULT 0,
  lost INT UNSIGNED NOT NULL DEFAULT 0,
  skipped INT UNSIGNED NOT NULL DEFAULT 0,
  -- durations (finished_at - started_at) of the runs that have both; duration_count says how many,
  -- so the average is duration_ms_sum / duration_count (skipped runs have no duration)
  duration_ms_sum BIGINT UNSIGNED NOT NULL DEFAULT 0,
  duration_ms_max INT UNSIGNED NOT NULL DEFAULT 0,
  duration_count INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, bucket_start),
  -- per-app stats: WHERE app_id = ? AND bucket_start >= ?
  KEY idx_run_stats_hourly_app (app_id, bucket_start),
  -- cluster-wide stats and retention: WHERE bucket_start >= ?
  KEY idx_run_stats_hourly_bucket (bucket_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where alerts go: webhook, slack, dingtalk, feishu, wecom or email.
CREATE TABLE alert_channels (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(128) NOT NULL,
  type VARCHAR(16) NOT NULL,
  -- JSON; secret fields are never returned by the API
  config TEXT NOT NULL,
  enabled TINYINT NOT NULL DEFAULT 1,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alert_channels_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-job alert routing: one row per channel a job alerts to. The job's event filter and
-- suppression window are written identically on each of its rows (PUT /jobs/:job/alerts
-- replaces them all), so routing needs no table of its own.
CREATE TABLE job_alert_channels (
  job_id BIGINT UNSIGNED NOT NULL,
  channel_id BIGINT UNSIGNED NOT NULL,
  -- comma-separated alert kinds this job sends: RUN_DEAD,RUN_LOST,MISFIRE_SKIPPED,NO_EXECUTOR
  events VARCHAR(255) NOT NULL,
  -- after an alert of (job, kind, channel) went out, further ones within this window are SUPPRESSED
  suppress_window_ms INT UNSIGNED NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL,
  -- routes of a job: WHERE job_id = ? (also locked FOR UPDATE to serialize its suppression decisions)
  PRIMARY KEY (job_id, channel_id),
  -- deleting a channel: is any job routed to it? WHERE channel_id = ?
  KEY idx_job_alert_channels_channel (channel_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every alert, with its delivery outcome.
CREATE TABLE alerts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  channel_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(32) NOT NULL,
  app_id BIGINT UNSIGNED NULL,
  job_id BIGINT UNSIGNED NULL,
  run_id BIGINT UNSIGNED NULL,
  -- one alert per (channel, event): a dead run alerts once however often it is seen
  dedupe_key VARCHAR(191) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NULL,
  last_error TEXT NULL,
  payload TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  sent_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_alerts_dedupe (channel_id, dedupe_key),
  -- delivery loop: WHERE status = 'PENDING' AND next_attempt_at <= :now
  KEY idx_alerts_pending (status, next_attempt_at),
  -- history: WHERE job_id = ? ORDER BY id DESC
  KEY idx_alerts_job (job_id, id),
  -- history of one channel: WHERE channel_id = ? AND id < :cursor ORDER BY id DESC
  KEY idx_alerts_channel (channel_id, id),
  -- suppression: the last alert that went out for (channel, kind, app, job) since now - window
  -- (job_id IS NULL for app-wide kinds such as NO_EXECUTOR)
  KEY idx_alerts_window (channel_id, kind, app_id, job_id, created_at),
  -- retention: WHERE created_at < :cutoff
  KEY idx_alerts_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Created last: its presence means the whole schema above was applied.
CREATE TABLE schema_migrations (
  version INT UNSIGNED NOT NULL,
  name VARCHAR(128) NOT NULL,
  checksum CHAR(64) NOT NULL,
  applied_at DATETIME(3) NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
