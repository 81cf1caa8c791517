#include "store/sqlite_schema.h"

#include <string>

namespace botmon {
namespace {

// Migration 1: everything issue "core" needs.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  last_used_ms INTEGER
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  bot TEXT NOT NULL,
  user TEXT NOT NULL,
  channel TEXT NOT NULL,
  host TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  last_activity_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  message_count INTEGER NOT NULL,
  flags INTEGER NOT NULL
);
CREATE INDEX sessions_by_started ON sessions(started_ms DESC);
CREATE INDEX sessions_by_activity ON sessions(last_activity_ms);
CREATE INDEX sessions_open ON sessions(ended_ms) WHERE ended_ms IS NULL;

-- The transcript: one row per message, in (ts, seq) order per session.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  from_user INTEGER NOT NULL,
  text TEXT,
  latency_ms REAL
);
CREATE INDEX messages_by_session ON messages(session_id, ts_ms, seq);
CREATE INDEX messages_by_ts ON messages(ts_ms);

-- Full-text search over transcripts (external content: the text lives once, in messages).
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  host TEXT NOT NULL,
  bot TEXT NOT NULL,
  session TEXT NOT NULL,
  level INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX logs_by_ts ON logs(ts_ms);

CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  field TEXT NOT NULL,
  host TEXT NOT NULL,
  bot TEXT NOT NULL,
  channel TEXT NOT NULL,
  mount TEXT NOT NULL,
  gpu TEXT NOT NULL,
  service TEXT NOT NULL,
  UNIQUE (field, host, bot, channel, mount, gpu, service)
);

-- Compressed samples: one row per series, tier and period (SPEC 13). Not a row per sample.
CREATE TABLE chunks (
  series_id INTEGER NOT NULL,
  tier INTEGER NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (series_id, tier, start_ms)
) WITHOUT ROWID;
CREATE INDEX chunks_by_end ON chunks(tier, end_ms);
)sql";

// Alerting (SPEC 7): incidents, per-(rule, group) evaluator state, the outbox of notifications
// and hook runs, and objects created over the API.
constexpr const char* kMigration2 = R"sql(
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  group_key TEXT NOT NULL,
  host TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  doc TEXT NOT NULL
);
CREATE INDEX incidents_by_start ON incidents(start_ms DESC);
CREATE INDEX incidents_open ON incidents(rule, group_key) WHERE end_ms IS NULL;
CREATE INDEX incidents_by_end ON incidents(end_ms) WHERE end_ms IS NOT NULL;

CREATE TABLE rule_state (
  rule TEXT NOT NULL,
  group_key TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (rule, group_key)
) WITHOUT ROWID;

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL,
  target TEXT NOT NULL,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  state TEXT NOT NULL,
  last_error TEXT NOT NULL,
  done_ms INTEGER
);
CREATE INDEX outbox_pending ON outbox(created_ms) WHERE state = 'pending';
CREATE INDEX outbox_by_incident ON outbox(incident_id, created_ms);

CREATE TABLE config_objects (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
)sql";

// Migration 3: each delivery keeps its attempts (SPEC 9 /deliveries).
constexpr const char* kMigration3 = R"sql(
ALTER TABLE outbox ADD COLUMN history TEXT NOT NULL DEFAULT '[]';
CREATE INDEX outbox_by_target ON outbox(target, created_ms);
)sql";

// Migration 4: dashboard users, their login sessions and the audit log (SPEC 12). Only the
// Argon2id hash of a password and the SHA-256 of a session id are stored.
constexpr const char* kMigration4 = R"sql(
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);

CREATE TABLE login_sessions (
  hash TEXT PRIMARY KEY,
  user TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE INDEX login_sessions_by_user ON login_sessions(user);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT,
  after TEXT
);
)sql";

const char* const kMigrations[] = {kMigration1, kMigration2, kMigration3, kMigration4};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Status MigrateSqlite(Db* db) {
  RETURN_IF_ERROR(db->Exec(
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"));
  int version = 0;
  {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) version = std::stoi(s.Text(0));
  }
  if (version > LatestSchemaVersion()) {
    return Status::InvalidArgument(db->path() + " was written by a newer botmon (schema " +
                                   std::to_string(version) + ", this build knows " +
                                   std::to_string(LatestSchemaVersion()) + ")");
  }
  for (int v = version; v < LatestSchemaVersion(); ++v) {
    RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
    // Another process may have migrated while we waited for the lock: re-read the version.
    int current = 0;
    {
      ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT value FROM meta WHERE key = 'schema_version'"));
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (row) current = std::stoi(s.Text(0));
    }
    if (current > v) {
      RETURN_IF_ERROR(db->Exec("COMMIT"));
      v = current - 1;
      continue;
    }
    Status st = db->Exec(kMigrations[v]);
    if (st.ok()) {
      st = db->Exec("INSERT INTO meta(key, value) VALUES ('schema_version', '" +
                    std::to_string(v + 1) +
                    "') ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    }
    if (!st.ok()) {
      (void)db->Exec("ROLLBACK");
      return st.WithPrefix("migration " + std::to_string(v + 1));
    }
    RETURN_IF_ERROR(db->Exec("COMMIT"));
  }
  return Status::OK();
}

}  // namespace botmon
