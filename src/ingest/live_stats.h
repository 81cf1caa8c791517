// LiveStats: the status API's live figures (SPEC 9): active sessions and today's peak, messages
// today and in the last 60 minutes, today's mean bot reply latency, and the mean duration of
// sessions started today. "Today" is the calendar day in the configured zone; messages and
// sessions count by the event's own `ts`. Figures are live: an accepted event shows in the
// next status call.
//
// Thread-safe (one mutex; the ingest writer updates, API threads read).
#ifndef BOTMON_INGEST_LIVE_STATS_H_
#define BOTMON_INGEST_LIVE_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "core/zone.h"
#include "store/records.h"

namespace botmon {

class LiveStats {
 public:
  explicit LiveStats(std::shared_ptr<const Zone> zone);

  void SetZone(std::shared_ptr<const Zone> zone, int64_t now_ms);

  // Start-up: figures recomputed from the store, and the persisted peak of `peak_day`.
  void Restore(const TodayStats& t, int64_t peak_day, int64_t peak, int64_t now_ms);

  // A user (`from_bot` false) or bot message; latency_ms < 0 when unknown.
  void OnMessage(int64_t ts_ms, bool from_bot, double latency_ms, int64_t now_ms);
  // A session's span changed from [started, old_end] to [started, new_end]; old_end < 0 for a
  // session seen for the first time.
  void OnSessionSpan(int64_t started_ms, int64_t old_end_ms, int64_t new_end_ms, int64_t now_ms);
  // The number of active sessions now. Returns true when today's peak rose (to persist it).
  bool SetActive(int64_t active, int64_t now_ms);

  struct Figures {
    int64_t active = 0;
    int64_t peak_today = 0;
    int64_t messages_today = 0;
    int64_t this_hour = 0;
    std::optional<int64_t> avg_duration_seconds;  // rounded; null without sessions today
    std::optional<int64_t> avg_response_ms;       // rounded; null without replies today
  };
  Figures Get(int64_t now_ms);

  // Today's local day number and peak (for persistence as meta "peak_today").
  std::pair<int64_t, int64_t> Peak() const;

  // Bumped on every change: the status reply is re-rendered only when it moved.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  void RollDayLocked(int64_t now_ms);
  void Touch() { version_.fetch_add(1, std::memory_order_release); }

  static constexpr int kSlots = 4096;  // > 3600 s of the hour + 300 s of allowed future
  mutable std::mutex mu_;
  std::shared_ptr<const Zone> zone_;
  int64_t day_ = INT64_MIN;
  int64_t active_ = 0, peak_ = 0, messages_ = 0;
  double latency_sum_ = 0;
  int64_t latency_n_ = 0;
  int64_t sessions_n_ = 0, duration_sum_ms_ = 0;
  struct Slot {
    int64_t sec = INT64_MIN;
    int64_t count = 0;
  };
  std::array<Slot, kSlots> per_second_{};
  std::atomic<uint64_t> version_{0};
};

}  // namespace botmon

#endif  // BOTMON_INGEST_LIVE_STATS_H_
