#include "demo/demo_scenario.h"

namespace botmon {

DemoAnomaly NthDemoAnomaly(const DemoScenario& s, int n) {
  DemoAnomaly a;
  a.index = n;
  a.start_ms = s.first_anomaly_ms + static_cast<int64_t>(n) * s.anomaly_period_ms;
  if (n % 2 == 0) {
    a.kind = DemoAnomalyKind::kLatencySpike;
    a.end_ms = a.start_ms + s.latency_spike_ms;
    a.bot = s.spike_bot;
  } else {
    a.kind = DemoAnomalyKind::kErrorBurst;
    a.end_ms = a.start_ms + s.error_burst_ms;
    a.bot = s.burst_bot;
  }
  return a;
}

std::optional<DemoAnomaly> DemoAnomalyAt(const DemoScenario& s, int64_t t_ms) {
  if (!s.anomalies || t_ms < s.first_anomaly_ms || s.anomaly_period_ms <= 0) return std::nullopt;
  const auto n = static_cast<int>((t_ms - s.first_anomaly_ms) / s.anomaly_period_ms);
  DemoAnomaly a = NthDemoAnomaly(s, n);
  if (t_ms >= a.end_ms) return std::nullopt;
  return a;
}

}  // namespace botmon
