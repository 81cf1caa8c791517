// Plain records that cross the Store interface: sessions, messages, logs, tokens, series
// definitions and chunks, and the queries over them. Thread-compatible values.
#ifndef BOTMON_STORE_RECORDS_H_
#define BOTMON_STORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace botmon {

// Session flags (SPEC 6), stored as a bit set.
enum SessionFlag : uint32_t {
  kFlagFallback = 1,
  kFlagHandoff = 2,
  kFlagError = 4,
  kFlagFeedbackPositive = 8,
  kFlagFeedbackNegative = 16,
};
// "fallback", "handoff", "error", "feedback_positive", "feedback_negative" in that order.
std::vector<std::string> SessionFlagNames(uint32_t flags);
// Parses one flag name; 0 when unknown.
uint32_t SessionFlagFromName(const std::string& name);

struct SessionRecord {
  std::string id, bot, user, channel, host;
  int64_t started_ms = 0;
  int64_t last_activity_ms = 0;
  std::optional<int64_t> ended_ms;
  int64_t message_count = 0;
  uint32_t flags = 0;
};

struct MessageRecord {
  std::string session_id;
  int64_t ts_ms = 0;
  int64_t seq = 0;                  // ingest sequence number: ties in ts keep arrival order
  bool from_user = true;            // direction "user" or "bot"
  std::optional<std::string> text;  // nullopt with privacy.storeText: false
  std::optional<double> latency_ms;
};

struct LogRecord {
  int64_t ts_ms = 0;
  int64_t seq = 0;
  std::string host, bot, session;
  int level = 1;  // LogLevel: 0 warning, 1 error, 2 critical
  std::string message;
};

struct TokenRecord {
  std::string id, name, role, hash;  // hash: hex SHA-256 of the token
  int64_t created_ms = 0;
  std::optional<int64_t> last_used_ms;
};

// A dashboard user (SPEC 12). `hash`: the libsodium crypto_pwhash_str (Argon2id) string.
struct UserRecord {
  std::string name, role, hash;
  int64_t created_ms = 0;
};

// A dashboard login. `hash`: hex SHA-256 of the session id (the id itself is never stored).
// `role` is the user's current role (filled by lookups, not stored with the session).
struct LoginSessionRecord {
  std::string hash, user, role;
  int64_t created_ms = 0;
  int64_t last_seen_ms = 0;
};

// One audit log entry: who did what to which object, with the object before and after (JSON,
// secrets masked; "" = none).
struct AuditRecord {
  int64_t id = 0;  // assigned by the store
  int64_t at_ms = 0;
  std::string actor, action, target, before, after;
};

// One series: a field and its dimension values ("" when the series does not have them, or for
// a roll-up level: bot "" channel "" = the host's total).
struct SeriesDef {
  int64_t id = 0;
  std::string field, host, bot, channel, mount, gpu, service;
};

// Tiers of stored samples (SPEC 13).
enum class Tier : int { kRaw = 0, kRollup1m = 1, kRollup1h = 2 };

struct ChunkRecord {
  int64_t series_id = 0;
  Tier tier = Tier::kRaw;
  int64_t start_ms = 0;  // inclusive, aligned to the chunk period
  int64_t end_ms = 0;    // timestamp of the last point
  int64_t count = 0;
  std::string data;  // series/chunk_codec.h encoding (rollups: series/rollup.h)
};

// ---- Alerting (SPEC 7) ----
// The alert module's objects cross the Store interface as JSON documents with the few keys the
// store indexes, so the store needs no knowledge of their types and a PostgreSQL store can hold
// the same rows (shared incidents and outbox, SPEC 14).

// One incident (SPEC 7.3). `doc` is the whole incident, timeline included.
struct IncidentRow {
  std::string id;         // UUIDv4
  std::string rule;       // rule name
  std::string group_key;  // GroupString of the group ("host=bot-1")
  std::string host;       // hostName ("*" without a host)
  int64_t start_ms = 0;
  std::optional<int64_t> end_ms;  // nullopt while open
  std::string doc;
};

struct IncidentQuery {
  std::optional<bool> open;               // only open (true) or only resolved (false)
  std::string rule;                       // exact
  std::string host;                       // exact hostName
  std::optional<int64_t> from_ms, to_ms;  // overlap with [start, end or now]
  int64_t now_ms = 0;
  int page = 1;
  int per_page = 50;  // 1..500
};

// The evaluator's state for one (rule, group) (SPEC 7.2: pendingSince, firing, cooldownUntil).
struct RuleStateRow {
  std::string rule, group_key;
  std::string doc;     // the state as JSON
  bool erase = false;  // delete the row instead (rule deleted or changed)
};

// One notification or hook run waiting for, or done with, delivery (SPEC 7.4, 7.5).
struct OutboxRow {
  std::string id;           // the delivery id (X-Botmon-Delivery), a UUID
  std::string incident_id;  // "" for a test notification
  std::string target;       // channel name, or "hook:<file name>"
  std::string event;        // opened | resolved | repeat | test
  std::string payload;      // JSON: what to send (the incident as it was at the transition)
  int64_t created_ms = 0;
  int64_t next_attempt_ms = 0;
  int attempts = 0;
  std::string state = "pending";  // pending | sent | failed (gave up) | skipped (silenced...)
  std::string last_error;
  std::optional<int64_t> done_ms;
  // The attempts, oldest first, the last kMaxOutboxHistory kept: a JSON array of
  // {"at", "ok", "status", "error", "latencyMs"} (SPEC 9 /deliveries).
  std::string history = "[]";
};
inline constexpr size_t kMaxOutboxHistory = 20;

// A page of deliveries (SPEC 9 /deliveries), newest first.
struct DeliveryQuery {
  std::string incident_id;  // "" = any
  std::string target;       // channel or "hook:<file>"; "" = any
  std::optional<bool> ok;   // true: sent; false: failed, or pending after a failed attempt
  int page = 1;
  int per_page = 100;  // 1..1000
};

// An object created over the API (rules, channels, routes, silences, maintenance windows).
struct ConfigObjectRow {
  std::string kind;  // "rule", "channel", "route", "silence", "maintenance"
  std::string name;  // unique within the kind
  std::string doc;   // JSON
  bool erase = false;
};

// Everything the writer commits in one transaction. Batches queued together are merged.
struct WriteBatch {
  std::vector<SessionRecord> sessions;  // upserts (whole row)
  std::vector<MessageRecord> messages;
  std::vector<LogRecord> logs;
  std::vector<SeriesDef> series_defs;                     // inserts (ids chosen by the caller)
  std::vector<ChunkRecord> chunks;                        // upserts by (series_id, tier, start_ms)
  std::vector<std::pair<std::string, std::string>> meta;  // upserts
  // Alerting: an incident transition commits its incident, rule state and outbox rows together.
  std::vector<IncidentRow> incidents;           // upserts by id
  std::vector<RuleStateRow> rule_states;        // upserts (or deletes) by (rule, group_key)
  std::vector<OutboxRow> outbox;                // upserts by id
  std::vector<ConfigObjectRow> config_objects;  // upserts (or deletes) by (kind, name)

  bool empty() const {
    return sessions.empty() && messages.empty() && logs.empty() && series_defs.empty() &&
           chunks.empty() && meta.empty() && incidents.empty() && rule_states.empty() &&
           outbox.empty() && config_objects.empty();
  }
  void Append(WriteBatch&& other);
};

struct SessionQuery {
  int page = 1;       // from 1
  int per_page = 10;  // 1..200
  std::optional<bool> active;
  std::string channel;  // lower-case exact
  std::string bot;      // case-insensitive
  std::string user;     // exact raw value
  std::string host;
  std::optional<int64_t> from_ms, to_ms;  // overlap; an open session spans [started, now]
  int64_t now_ms = 0;                     // for open sessions in range queries
  uint32_t flags_all = 0;                 // every flag set
  std::string q;                          // full-text words
};

struct SessionPage {
  std::vector<SessionRecord> sessions;
  int64_t total = 0;
};

struct SessionDetail {
  SessionRecord session;
  std::vector<MessageRecord> messages;  // one page
  int64_t message_total = 0;
};

struct LogQuery {
  std::optional<int> level;  // minimum? exact: the level asked for
  std::string bot, session, host;
  std::optional<int64_t> from_ms, to_ms;
  int page = 1;
  int per_page = 100;  // 1..1000
};

// Figures recomputed at start-up for the status API's "today" numbers (SPEC 9).
struct TodayStats {
  int64_t messages_today = 0;
  double bot_latency_sum_ms = 0;
  int64_t bot_latency_count = 0;
  int64_t sessions_started_today = 0;
  int64_t session_duration_sum_ms = 0;
  std::vector<std::pair<int64_t, int64_t>> messages_per_second;  // (epoch second, count), last hour
};

}  // namespace botmon

#endif  // BOTMON_STORE_RECORDS_H_
