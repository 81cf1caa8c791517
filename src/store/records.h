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

// Everything the writer commits in one transaction. Batches queued together are merged.
struct WriteBatch {
  std::vector<SessionRecord> sessions;  // upserts (whole row)
  std::vector<MessageRecord> messages;
  std::vector<LogRecord> logs;
  std::vector<SeriesDef> series_defs;                     // inserts (ids chosen by the caller)
  std::vector<ChunkRecord> chunks;                        // upserts by (series_id, tier, start_ms)
  std::vector<std::pair<std::string, std::string>> meta;  // upserts

  bool empty() const {
    return sessions.empty() && messages.empty() && logs.empty() && series_defs.empty() &&
           chunks.empty() && meta.empty();
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
