// MetricsState: the Prometheus exposition of /metrics (SPEC 9, Appendix A.6). Bot traffic is
// exported per (host, bot, channel) combination as received (never the roll-up levels too, so
// PromQL sums do not double count); counters are cumulative since this process started, summaries
// carry the last tick's quantiles with cumulative _sum/_count; host resources come from the last
// tick. botmon's own metrics are passed in at render time.
//
// Thread-safe: the ticker feeds OnTick; API threads Render.
#ifndef BOTMON_API_METRICS_H_
#define BOTMON_API_METRICS_H_

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "series/field_catalog.h"
#include "series/tick_accumulator.h"
#include "series/tick_samples.h"

namespace botmon {

// One of botmon's own metric families.
struct SelfMetric {
  std::string name;  // full name, e.g. "botmon_ingest_events_total"
  std::string type;  // "counter" | "gauge"
  std::string help;
  std::vector<std::pair<std::string, double>>
      samples;  // (rendered labels "{a=\"b\"}" or "", value)
};

// Escapes a label value for the text format.
std::string PromLabelValue(std::string_view v);

class MetricsState {
 public:
  explicit MetricsState(std::string local_host) : local_(std::move(local_host)) {}

  void OnTick(const ClosedTick& tick, const std::vector<TickValue>& values,
              const FieldCatalog& catalog);

  std::string Render(const std::vector<SelfMetric>& self) const;

 private:
  struct Totals {
    double requests = 0, req_latency_sum_ms = 0, req_latency_n = 0;
    double events_in = 0, events_out = 0, resp_latency_sum_ms = 0, resp_latency_n = 0;
    double warnings = 0, errors = 0, criticals = 0;
    double started = 0, ended = 0;
    double llm_calls = 0, tokens_in = 0, tokens_out = 0, llm_cost = 0;
    double llm_latency_sum_ms = 0, llm_latency_n = 0;
    double fallbacks = 0, handoffs = 0, feedback_pos = 0, feedback_neg = 0;
    // The last tick's values (NaN when absent).
    double req_q[3], resp_q[3], llm_p95, ttft_avg, error_rate, queue_depth, active;
    std::map<std::string, double> custom_counters;  // cumulative
    std::map<std::string, double> custom_gauges;    // last tick
    Totals();
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // host, bot, channel

  std::string local_;
  mutable std::mutex mu_;
  std::map<Key, Totals> combos_;
  std::vector<TickValue> host_values_;  // resources of the last tick
  std::map<std::string, FieldKind> custom_kinds_;
};

}  // namespace botmon

#endif  // BOTMON_API_METRICS_H_
