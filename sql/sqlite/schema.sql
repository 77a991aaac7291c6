-- Baton schema for the embedded SQLite engine: a translation of sql/schema.sql.
--
-- schema-version: 1
--
-- sql/schema.sql (MySQL/MariaDB) is the source of truth; this file must describe the same tables,
-- columns (names, order, nullability, defaults), primary keys and indexes (names, columns,
-- uniqueness). server/test/medium/schema-parity.spec.ts applies both and compares them.
-- The server applies this file to an empty SQLite database, records every migration in
-- sql/sqlite/migrations/ numbered <= schema-version as applied, and applies the newer ones.
--
-- Translation:
-- * Ids are `INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT` (the rowid): AUTOINCREMENT so the id of a
--   deleted row (a pruned run) is never handed out again. Other integers are INTEGER, DOUBLE is REAL.
-- * Every time is TEXT written by the server as 'YYYY-MM-DD HH:MM:SS.SSS' in UTC, so text order is
--   time order and range conditions and indexes on times work as in MySQL.
-- * Text is TEXT (SQLite does not enforce lengths; the API validates them).
-- * Collation: MySQL's tables are case-insensitive (utf8mb4_unicode_ci) except columns marked
--   utf8mb4_bin. Here the case-insensitive text columns that are compared or made unique (e-mails,
--   names, keys, executor and node ids, audit filters) are COLLATE NOCASE; NOCASE folds ASCII letters
--   only, so 'É' and 'é' differ here but not in MySQL. Hashes, tokens, JSON, server-written enum
--   values (status, kind, types) and the utf8mb4_bin columns stay BINARY.
-- * No foreign-key constraints, as in MySQL. Each index names the query it serves.

-- An app is an executor group: the executors serving one set of handlers, sharing one access token.
CREATE TABLE apps (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- SHA-256 of the executor access token
  token_hash TEXT NOT NULL,
  token_prefix TEXT NOT NULL,
  token_rotated_at TEXT NOT NULL,
  previous_token_hash TEXT NULL,
  previous_token_expires_at TEXT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- executor handshake and API lookups by name (case-sensitive, as utf8mb4_bin)
CREATE UNIQUE INDEX uq_apps_name ON apps (name);

CREATE TABLE jobs (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  app_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  handler TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  schedule_type TEXT NOT NULL,
  schedule_expr TEXT NULL,
  timezone TEXT NOT NULL,
  misfire_policy TEXT NOT NULL,
  misfire_threshold_ms INTEGER NOT NULL,
  catch_up_limit INTEGER NOT NULL,
  route_strategy TEXT NOT NULL,
  block_strategy TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL DEFAULT 0,
  retry_max_attempts INTEGER NOT NULL DEFAULT 1,
  retry_backoff TEXT NOT NULL,
  retry_delay_ms INTEGER NOT NULL,
  retry_max_delay_ms INTEGER NOT NULL,
  retry_jitter REAL NOT NULL DEFAULT 0,
  retry_on TEXT NOT NULL,
  params TEXT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  -- NULL while disabled or when the schedule never fires again, so the due index holds only live jobs.
  next_fire_at TEXT NULL,
  last_fire_at TEXT NULL,
  retention_days INTEGER NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- the job key (app, name); also "jobs of app X" in name order
CREATE UNIQUE INDEX uq_jobs_app_name ON jobs (app_id, name);
-- trigger loop: WHERE next_fire_at <= :horizon ORDER BY next_fire_at LIMIT :batch
CREATE INDEX idx_jobs_due ON jobs (next_fire_at);
-- job list of one app, keyset: WHERE app_id = ? AND id > :cursor ORDER BY id
CREATE INDEX idx_jobs_app ON jobs (app_id, id);

-- Child jobs: when a parent run ends, start the child if the condition holds.
CREATE TABLE job_dependencies (
  parent_job_id INTEGER NOT NULL,
  child_job_id INTEGER NOT NULL,
  trigger_on TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (parent_job_id, child_job_id)
);
-- "who starts this job" (cycle check; deleting a child)
CREATE INDEX idx_job_dependencies_child ON job_dependencies (child_job_id);

-- One row per attempt of one fire (the outbox the dispatcher reads).
CREATE TABLE runs (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  app_id INTEGER NOT NULL,
  trigger_type TEXT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT NULL,
  scheduled_at TEXT NOT NULL,
  -- set only for fires the trigger engine plans; with uq_runs_fire a fire cannot be inserted twice
  fire_time TEXT NULL,
  shard_index INTEGER NOT NULL DEFAULT 0,
  shard_total INTEGER NOT NULL DEFAULT 1,
  attempt INTEGER NOT NULL DEFAULT 1,
  root_run_id INTEGER NULL,
  parent_run_id INTEGER NULL,
  chain_depth INTEGER NOT NULL DEFAULT 0,
  planned_epoch INTEGER NULL,
  idempotency_key TEXT COLLATE NOCASE NULL,
  params TEXT NULL,
  executor_id TEXT NULL,
  dispatch_count INTEGER NOT NULL DEFAULT 0,
  lease_until TEXT NULL,
  dispatched_at TEXT NULL,
  acked_at TEXT NULL,
  started_at TEXT NULL,
  finished_at TEXT NULL,
  kill_requested_at TEXT NULL,
  progress INTEGER NULL,
  result TEXT NULL,
  error_message TEXT NULL,
  error_stack TEXT NULL,
  retryable INTEGER NOT NULL DEFAULT 1,
  dead INTEGER NOT NULL DEFAULT 0,
  log_seq INTEGER NOT NULL DEFAULT 0,
  log_bytes INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- persist-before-fire: a planned fire (job, time, shard) exists at most once
CREATE UNIQUE INDEX uq_runs_fire ON runs (job_id, fire_time, shard_index);
-- trigger API: the same idempotency key for the same job returns the same run
CREATE UNIQUE INDEX uq_runs_idempotency ON runs (job_id, idempotency_key);
-- retries: attempt N of a chain (and shard) is inserted once
CREATE UNIQUE INDEX uq_runs_attempt ON runs (root_run_id, attempt, shard_index);
-- dispatcher outbox: WHERE status = 'SCHEDULED' AND scheduled_at <= :until ORDER BY scheduled_at
CREATE INDEX idx_runs_outbox ON runs (status, scheduled_at);
-- recoverer: WHERE status IN ('DISPATCHED','RUNNING') AND lease_until < :cutoff
CREATE INDEX idx_runs_lease ON runs (status, lease_until);
-- runs of a job, newest first, keyset: WHERE job_id = ? AND id < :cursor ORDER BY id DESC
CREATE INDEX idx_runs_job ON runs (job_id, id);
-- block strategies and filtered lists: WHERE job_id = ? AND status IN (...) [AND id < :cursor]
CREATE INDEX idx_runs_job_status ON runs (job_id, status, id);
-- runs of an app, keyset: WHERE app_id = ? AND id < :cursor ORDER BY id DESC
CREATE INDEX idx_runs_app ON runs (app_id, id);
-- all runs in one status, keyset: WHERE status = ? AND id < :cursor ORDER BY id DESC
CREATE INDEX idx_runs_status ON runs (status, id);
-- children of a run: WHERE parent_run_id = ?
CREATE INDEX idx_runs_parent ON runs (parent_run_id);
-- dead letters: WHERE dead = 1 AND id < :cursor ORDER BY id DESC
CREATE INDEX idx_runs_dead ON runs (dead, id);
-- retention: WHERE created_at < :cutoff ORDER BY created_at LIMIT :batch
CREATE INDEX idx_runs_created ON runs (created_at);

-- Run logs in chunks (a batch of lines per row) with a per-run sequence number.
CREATE TABLE run_log_chunks (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  -- JSON array of { at, level, message }
  content TEXT NOT NULL,
  line_count INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
-- paging a run's log: WHERE run_id = ? AND seq > :after ORDER BY seq; also dedupes a re-sent chunk
CREATE UNIQUE INDEX uq_run_log_chunks_seq ON run_log_chunks (run_id, seq);
-- retention: WHERE created_at < :cutoff
CREATE INDEX idx_run_log_chunks_created ON run_log_chunks (created_at);

-- Connected (and recently disconnected) executor processes.
CREATE TABLE executor_instances (
  id TEXT COLLATE NOCASE NOT NULL,
  app_id INTEGER NOT NULL,
  hostname TEXT NOT NULL,
  pid INTEGER NOT NULL,
  sdk_version TEXT NOT NULL,
  -- JSON array of handler names
  handlers TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  -- JSON object of string labels
  labels TEXT NOT NULL,
  node_id TEXT NULL,
  status TEXT NOT NULL,
  in_flight INTEGER NOT NULL DEFAULT 0,
  connected_at TEXT NOT NULL,
  last_heartbeat_at TEXT NOT NULL,
  disconnected_at TEXT NULL,
  PRIMARY KEY (id)
);
-- live executors of an app: WHERE app_id = ? AND status = 'ONLINE'
CREATE INDEX idx_executor_instances_app ON executor_instances (app_id, status);
-- reaper: WHERE last_heartbeat_at < :cutoff
CREATE INDEX idx_executor_instances_heartbeat ON executor_instances (last_heartbeat_at);

-- Server nodes of the cluster, each heartbeating its row.
CREATE TABLE scheduler_nodes (
  id TEXT COLLATE NOCASE NOT NULL,
  advertise_url TEXT NOT NULL,
  version TEXT NOT NULL,
  hostname TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  last_heartbeat_at TEXT NOT NULL,
  PRIMARY KEY (id)
);
-- pruning dead nodes: WHERE last_heartbeat_at < :cutoff
CREATE INDEX idx_scheduler_nodes_heartbeat ON scheduler_nodes (last_heartbeat_at);

-- The leader lease: one row; epoch fences old leaders.
CREATE TABLE scheduler_lease (
  name TEXT COLLATE NOCASE NOT NULL,
  holder TEXT NULL,
  epoch INTEGER NOT NULL DEFAULT 0,
  acquired_at TEXT NULL,
  expires_at TEXT NULL,
  PRIMARY KEY (name)
);

INSERT INTO scheduler_lease (name, epoch) VALUES ('leader', 0);

CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  email TEXT COLLATE NOCASE NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_login_count INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT NULL,
  password_changed_at TEXT NOT NULL,
  last_login_at TEXT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- login by e-mail (case-insensitive)
CREATE UNIQUE INDEX uq_users_email ON users (email);

-- Which apps an operator or viewer may act on.
CREATE TABLE user_app_grants (
  user_id INTEGER NOT NULL,
  app_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, app_id)
);
-- revoking grants when an app is deleted: WHERE app_id = ?
CREATE INDEX idx_user_app_grants_app ON user_app_grants (app_id);

-- Console sessions; the id is the SHA-256 of the cookie value.
CREATE TABLE sessions (
  id TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  csrf_token_hash TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT NULL,
  PRIMARY KEY (id)
);
-- logout everywhere / password change: WHERE user_id = ?
CREATE INDEX idx_sessions_user ON sessions (user_id);
-- pruning: WHERE expires_at < :now
CREATE INDEX idx_sessions_expires ON sessions (expires_at);

-- One-time links for creating the first admin.
CREATE TABLE setup_tokens (
  token_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT NULL,
  PRIMARY KEY (token_hash)
);

-- Login rate limiting, shared by every server node.
CREATE TABLE login_attempts (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  email TEXT COLLATE NOCASE NOT NULL,
  ip TEXT NOT NULL,
  succeeded INTEGER NOT NULL,
  at TEXT NOT NULL
);
-- WHERE email = ? AND at > :window
CREATE INDEX idx_login_attempts_email ON login_attempts (email, at);
-- WHERE ip = ? AND at > :window
CREATE INDEX idx_login_attempts_ip ON login_attempts (ip, at);

-- Keys for services calling the REST API; only the hash is stored.
CREATE TABLE api_keys (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  -- comma-separated: trigger,read,manage
  scopes TEXT NOT NULL,
  -- 1 = every app; otherwise the apps in api_key_apps
  all_apps INTEGER NOT NULL DEFAULT 0,
  created_by_user_id INTEGER NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NULL,
  last_used_at TEXT NULL,
  revoked_at TEXT NULL
);
-- authenticating a request: WHERE key_hash = ?
CREATE UNIQUE INDEX uq_api_keys_hash ON api_keys (key_hash);

CREATE TABLE api_key_apps (
  api_key_id INTEGER NOT NULL,
  app_id INTEGER NOT NULL,
  PRIMARY KEY (api_key_id, app_id)
);
CREATE INDEX idx_api_key_apps_app ON api_key_apps (app_id);

-- Who did what, when, from where.
CREATE TABLE audit_log (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  -- user, api_key, system or anonymous
  actor_type TEXT NOT NULL,
  actor_id TEXT COLLATE NOCASE NULL,
  actor_name TEXT NOT NULL DEFAULT '',
  action TEXT COLLATE NOCASE NOT NULL,
  target_type TEXT COLLATE NOCASE NULL,
  target_id TEXT COLLATE NOCASE NULL,
  ip TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  -- JSON object; never holds a secret
  details TEXT NULL
);
-- newest first / time range: WHERE at BETWEEN ? AND ? ORDER BY id DESC
CREATE INDEX idx_audit_log_at ON audit_log (at);
-- WHERE actor_type = ? AND actor_id = ?
CREATE INDEX idx_audit_log_actor ON audit_log (actor_type, actor_id, id);
-- WHERE target_type = ? AND target_id = ?
CREATE INDEX idx_audit_log_target ON audit_log (target_type, target_id, id);
-- WHERE action = ?
CREATE INDEX idx_audit_log_action ON audit_log (action, id);

-- Rollup counters per job and hour (UTC) of finished_at, updated as runs end.
CREATE TABLE run_stats_hourly (
  job_id INTEGER NOT NULL,
  bucket_start TEXT NOT NULL,
  app_id INTEGER NOT NULL,
  succeeded INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  timed_out INTEGER NOT NULL DEFAULT 0,
  cancelled INTEGER NOT NULL DEFAULT 0,
  lost INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  -- average duration = duration_ms_sum / duration_count (skipped runs have no duration)
  duration_ms_sum INTEGER NOT NULL DEFAULT 0,
  duration_ms_max INTEGER NOT NULL DEFAULT 0,
  duration_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, bucket_start)
);
-- per-app stats: WHERE app_id = ? AND bucket_start >= ?
CREATE INDEX idx_run_stats_hourly_app ON run_stats_hourly (app_id, bucket_start);
-- cluster-wide stats and retention: WHERE bucket_start >= ?
CREATE INDEX idx_run_stats_hourly_bucket ON run_stats_hourly (bucket_start);

-- Where alerts go: webhook, slack, dingtalk, feishu, wecom or email.
CREATE TABLE alert_channels (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  name TEXT COLLATE NOCASE NOT NULL,
  type TEXT NOT NULL,
  -- JSON; secret fields are never returned by the API
  config TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_alert_channels_name ON alert_channels (name);

-- Per-job alert routing: one row per channel a job alerts to.
CREATE TABLE job_alert_channels (
  job_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  -- comma-separated alert kinds: RUN_DEAD,RUN_LOST,MISFIRE_SKIPPED,NO_EXECUTOR
  events TEXT NOT NULL,
  suppress_window_ms INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  -- routes of a job: WHERE job_id = ?
  PRIMARY KEY (job_id, channel_id)
);
-- deleting a channel: is any job routed to it? WHERE channel_id = ?
CREATE INDEX idx_job_alert_channels_channel ON job_alert_channels (channel_id);

-- Every alert, with its delivery outcome.
CREATE TABLE alerts (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  channel_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  app_id INTEGER NULL,
  job_id INTEGER NULL,
  run_id INTEGER NULL,
  dedupe_key TEXT COLLATE NOCASE NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NULL,
  last_error TEXT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT NULL
);
-- one alert per (channel, event): a dead run alerts once however often it is seen
CREATE UNIQUE INDEX uq_alerts_dedupe ON alerts (channel_id, dedupe_key);
-- delivery loop: WHERE status = 'PENDING' AND next_attempt_at <= :now
CREATE INDEX idx_alerts_pending ON alerts (status, next_attempt_at);
-- history: WHERE job_id = ? ORDER BY id DESC
CREATE INDEX idx_alerts_job ON alerts (job_id, id);
-- history of one channel: WHERE channel_id = ? AND id < :cursor ORDER BY id DESC
CREATE INDEX idx_alerts_channel ON alerts (channel_id, id);
-- suppression: the last alert for (channel, kind, app, job) since now - window
CREATE INDEX idx_alerts_window ON alerts (channel_id, kind, app_id, job_id, created_at);
-- retention: WHERE created_at < :cutoff
CREATE INDEX idx_alerts_created ON alerts (created_at);

-- Created last: its presence means the whole schema above was applied.
CREATE TABLE schema_migrations (
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (version)
);
