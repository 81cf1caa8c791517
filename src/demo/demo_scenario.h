// DemoScenario: the demo's tunable traffic shape and its anomaly schedule (pure functions).
//
// Anomalies start `first_anomaly_ms` after the demo starts and then every `anomaly_period_ms`,
// alternating a latency spike (even n) and an error burst (odd n). Defaults: a spike at 2:00,
// a burst at 10:00, a spike at 18:00, ...
//
// Why these numbers trigger the default rules (SPEC A.7: timeframe 5m, for 0s, one value per
// tick per [host, bot], `avg` = the unweighted mean of the per-tick values present in
// (now - 5m, now]; with the default 10 s tick a full window holds n = 30 ticks). Both anomalies
// hit "mycompany"; "support-bot" stays healthy for contrast. demo_anomaly_test.cc replays the
// generator's output through this arithmetic; the ranges below were measured over 500 seeds.
//
// Latency spike, 3 minutes (Response Time: response.latency_avg, >= 2000 warning, >= 5000
// critical):
//   normally replies take 300-2500 ms (log-normal, median 600 ms, 1300 ms with an LLM call), so
//   a tick's average is ~850-1000 ms and so is the 5-minute mean. During the spike every reply
//   takes 8000-12000 ms (mean 10000): with k spike ticks among n the mean is about
//   (10000 k + 950 (n - k)) / n.
//   - Open: the first spike starts at 2:00 on a partial window (n ~ 12), so k >= 2 suffices: the
//     warning opens 20-60 s into the spike, by 3:00. Later spikes (n = 30) need k >= 4: 30-110 s.
//   - Plateau: the slow replies also slow the conversations down, so ~15 of the 18 spike ticks
//     carry a reply: (10000 x 15 + 950 x 15) / 30 ~ 5500-6500, clearly above 5000, so the
//     critical rule opens (and resolves) once as well. A 2.5-minute spike put this plateau right
//     on 5000 and made the critical incident flap; hence 3 minutes.
//   - Resolve: the mean drops below 2000 once k <= 3, when the spike's ticks leave the window:
//     400-470 s after the spike starts, i.e. between 8:40 and 9:50 for the first one. So the
//     incident opens and resolves within 10 minutes of start.
// Error burst, 3 minutes (Error Rate: errors.rate = errors.count / (eventsIn.count +
// requests.count) x 100, >= 1 warning, >= 5 critical):
//   a user turn makes an NLU request and usually a backend request (normally ~1.4 requests per
//   user message). During the burst each request fails with probability 0.5 and each failure
//   logs one error (a failed NLU call skips the backend call), so a tick's rate is ~20-30 %.
//   With k burst ticks among 30 (the rest at 0 %) the mean is about 25 k / 30:
//   - >= 1 % from k ~ 2: the warning opens 10-90 s into the burst; >= 5 % from k ~ 6, ~1 min in;
//   - the mean peaks at ~13-15 % as the burst ends (18 ticks), stays >= 5 % for ~5-6 minutes
//     and falls below 1 % when the last burst ticks leave the window,
//     ~5 minutes after the burst ends (10:00 + 3:00 + 5:00 = ~18:00 for the first one).
//   Outside bursts nothing is logged at level error (a transient request failure is retried and
//   logged as a warning), so errors.rate is exactly 0: a single error in a quiet tick of ~3
//   events would be 33 % for that tick and 1.1 % over the window, a warning by itself.
//
// Thread-safe (pure functions of their arguments).
#ifndef BOTMON_DEMO_DEMO_SCENARIO_H_
#define BOTMON_DEMO_DEMO_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>

namespace botmon {

struct DemoScenario {
  // Mean time between new conversations (Poisson arrivals), seconds. With ~6 turns of ~15 s,
  // Little's law gives ~10-12 conversations in progress (plus the abandoned ones the server
  // keeps active until its 30-minute idle timeout: ~13-17 active sessions in all).
  double session_interval_s = 9;
  // Share of conversations the user abandons midway: no session.end (the server's idle timeout
  // closes them).
  double idle_probability = 0.02;
  // Share of "mycompany" among new conversations (the rest go to "support-bot").
  double shop_share = 0.6;
  // Per user turn: an off-script message the bot does not understand (a fallback).
  double off_script_probability = 0.05;
  // Per request outside error bursts: a transient failure, retried at once.
  double transient_failure_probability = 0.002;
  // A gauge `queue.depth` per bot this often.
  int64_t gauge_period_ms = 5'000;
  // Mean time between routine warning log lines.
  double warning_interval_s = 150;

  bool anomalies = true;
  int64_t first_anomaly_ms = 2 * 60'000;
  int64_t anomaly_period_ms = 8 * 60'000;
  int64_t latency_spike_ms = 180'000;
  double spike_min_latency_ms = 8'000;
  double spike_max_latency_ms = 12'000;
  std::string spike_bot = "mycompany";
  int64_t error_burst_ms = 180'000;
  double burst_failure_probability = 0.5;
  std::string burst_bot = "mycompany";
};

enum class DemoAnomalyKind : uint8_t { kLatencySpike, kErrorBurst };

struct DemoAnomaly {
  DemoAnomalyKind kind = DemoAnomalyKind::kLatencySpike;
  int index = 0;         // 0, 1, 2, ...
  int64_t start_ms = 0;  // virtual ms since the demo started; in force during [start, end)
  int64_t end_ms = 0;
  std::string bot;  // the bot it affects
};

// The n-th anomaly (n >= 0).
DemoAnomaly NthDemoAnomaly(const DemoScenario& s, int n);
// The anomaly in force at t, if any (none when anomalies are off).
std::optional<DemoAnomaly> DemoAnomalyAt(const DemoScenario& s, int64_t t_ms);

}  // namespace botmon

#endif  // BOTMON_DEMO_DEMO_SCENARIO_H_
