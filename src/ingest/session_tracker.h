// SessionTracker: sessions and conversations as events arrive (SPEC 5, 6). It resolves each
// event against its session (members an event omits are inherited; `bot` defaults to "default"
// only when the event opens a session; an explicit different `bot` is rejected), opens, reopens
// and ends sessions, counts messages, derives reply latency, sets flags, and produces the rows to
// persist and the changes to publish.
//
// Sessions live in memory while active and for 10 minutes after they end; older ones are read
// back from the store when an event reopens them.
//
// Thread-compatible: owned by the ingest writer thread.
#ifndef BOTMON_INGEST_SESSION_TRACKER_H_
#define BOTMON_INGEST_SESSION_TRACKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ingest/event_codec.h"
#include "ingest/live_stats.h"
#include "series/tick_accumulator.h"
#include "store/store.h"

namespace botmon {

struct TrackerOptions {
  int64_t idle_timeout_ms = 30 * 60'000;
  std::string local_host;
  bool store_text = true;
  int64_t keep_ended_ms = 10 * 60'000;
};

enum class SessionOp : uint8_t { kStarted, kUpdated, kEnded };

class SessionTracker {
 public:
  SessionTracker(Store* store, LiveStats* stats, TrackerOptions opts);

  void SetOptions(const TrackerOptions& opts) { opts_ = opts; }
  const TrackerOptions& options() const { return opts_; }

  // Start-up: loads open sessions (and recently ended ones) from the store and counts the open
  // ones as active.
  Status Restore(int64_t now_ms, TickAccumulator* acc);

  // Resolves le->event against its session and applies it. On rejection returns the message and
  // changes nothing. Sets le->opened_session. Adds messages/logs to `out`.
  std::optional<std::string> Apply(LoggedEvent* le, TickAccumulator::Batch* acc, WriteBatch* out,
                                   int64_t now_ms);

  // Ends sessions idle for the timeout (at their last activity) and forgets long-ended ones.
  void ExpireIdle(int64_t now_ms, TickAccumulator::Batch* acc);

  // Adds an upsert for every session changed since the last call.
  void FlushDirty(WriteBatch* out);

  // Changes since the last call (for the live stream), in order, one per session.
  std::vector<std::pair<std::string, SessionOp>> TakeChanges();

  // A session's current row, if in memory.
  const SessionRecord* Find(const std::string& id) const;
  int64_t active_count() const { return active_count_; }
  size_t in_memory() const { return sessions_.size(); }

 private:
  struct Live {
    SessionRecord rec;
    int64_t unanswered_in_ms = -1;  // ts of the last user message not yet answered
    int64_t ended_seen_ms = 0;      // receive time when it ended (for eviction)
  };
  Live* Lookup(const std::string& id);
  void Open(Live* s, const BotEvent& e, TickAccumulator::Batch* acc, int64_t now_ms, bool fresh);
  void End(Live* s, int64_t end_ms, TickAccumulator::Batch* acc, int64_t now_ms);
  void Touch(Live* s, int64_t ts_ms);
  void MarkChanged(const std::string& id, SessionOp op);
  static int64_t SpanEnd(const SessionRecord& r) { return r.ended_ms.value_or(r.last_activity_ms); }

  Store* store_;
  LiveStats* stats_;
  TrackerOptions opts_;
  std::unordered_map<std::string, Live> sessions_;
  std::unordered_set<std::string> dirty_;
  std::vector<std::pair<std::string, SessionOp>> changes_;
  std::unordered_map<std::string, size_t> change_index_;
  int64_t active_count_ = 0;
};

}  // namespace botmon

#endif  // BOTMON_INGEST_SESSION_TRACKER_H_
