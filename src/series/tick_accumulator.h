// TickAccumulator: what bot events add up to during the current tick, per (host, bot, channel)
// combination, plus the state that outlives a tick (active sessions per combination, when each
// combination last had an event). The ingest writer feeds it; the ticker closes it at each
// tick's end (SPEC 1.1: late events count in the tick in which they are received).
//
// Thread-safe: one mutex. The ingest writer takes it once per batch (Batch), the ticker once
// per tick (Close).
#ifndef BOTMON_SERIES_TICK_ACCUMULATOR_H_
#define BOTMON_SERIES_TICK_ACCUMULATOR_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "series/quantile_sketch.h"
#include "series/series_key.h"

namespace botmon {

struct CustomAcc {
  double sum = 0;
  int64_t n = 0;
};

// The sums of one tick for one combination (or, after merging, for a coarser level).
struct TrafficAcc {
  double requests = 0, req_latency_sum = 0, req_latency_n = 0;
  QuantileSketch req_latency;
  double events_in = 0, events_out = 0, resp_latency_sum = 0, resp_latency_n = 0;
  QuantileSketch resp_latency;
  double warnings = 0, errors = 0, criticals = 0;
  double sessions_started = 0, sessions_ended = 0;
  double llm_calls = 0, tokens_in = 0, tokens_out = 0, llm_latency_sum = 0, llm_latency_n = 0;
  double ttft_sum = 0, ttft_n = 0, llm_cost = 0;
  QuantileSketch llm_latency;
  double fallbacks = 0, handoffs = 0, feedback_positive = 0, feedback_negative = 0;
  double queue_sum = 0;
  int64_t queue_n = 0;
  std::map<std::string, CustomAcc> custom;  // by custom field name

  void Merge(const TrafficAcc& o);
};

// A closed tick, handed to BuildTickSamples.
struct ClosedTick {
  int64_t t_ms = 0;         // the tick's end
  int64_t through_seq = 0;  // the last ingest sequence number counted in it
  std::unordered_map<Combo, TrafficAcc, ComboHash> combos;
  std::unordered_map<Combo, int64_t, ComboHash> active;      // sessions active now
  std::unordered_map<Combo, int64_t, ComboHash> last_event;  // ms of the last event received
  std::unordered_map<Combo, std::map<std::string, int64_t>, ComboHash> custom_last;  // counters
};

class TickAccumulator {
 public:
  // Applies a whole ingest batch under one lock acquisition.
  class Batch {
   public:
    explicit Batch(TickAccumulator* acc) : acc_(acc), lock_(acc->mu_) {}
    // The combination's sums for the current tick; marks it as having had an event at `now_ms`.
    TrafficAcc& At(const Combo& c, int64_t now_ms);
    // The same without building a Combo: consecutive events of one combination (the common
    // case in a batch) hit a one-entry cache instead of hashing three strings.
    TrafficAcc& At(std::string_view host, std::string_view bot, std::string_view channel,
                   int64_t now_ms);
    void SessionOpened(const Combo& c);  // sessions.started + 1, active + 1
    void SessionClosed(const Combo& c);  // sessions.ended + 1, active - 1
    // A session still open at start-up: active + 1 without counting a start.
    void SessionRestored(const Combo& c, int64_t now_ms);
    void CustomCounterSeen(const Combo& c, const std::string& name, int64_t now_ms);
    void SetThroughSeq(int64_t seq) { acc_->through_seq_ = seq; }

   private:
    TickAccumulator* acc_;
    std::lock_guard<std::mutex> lock_;
    const Combo* cached_key_ = nullptr;  // points into acc_->combos_ (stable: node-based map)
    TrafficAcc* cached_ = nullptr;
    int64_t cached_now_ = 0;
  };

  // Takes the current tick's sums (leaving empty ones) and a copy of the lasting state.
  ClosedTick Close(int64_t t_ms, int64_t forget_before_ms);

  // Active sessions over all combinations (for the live status figures).
  int64_t ActiveTotal() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<Combo, TrafficAcc, ComboHash> combos_;   // GUARDED_BY(mu_)
  std::unordered_map<Combo, int64_t, ComboHash> active_;      // GUARDED_BY(mu_)
  std::unordered_map<Combo, int64_t, ComboHash> last_event_;  // GUARDED_BY(mu_)
  std::unordered_map<Combo, std::map<std::string, int64_t>, ComboHash> custom_last_;
  int64_t through_seq_ = 0;   // GUARDED_BY(mu_)
  int64_t active_total_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace botmon

#endif  // BOTMON_SERIES_TICK_ACCUMULATOR_H_
