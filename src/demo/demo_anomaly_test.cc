// The demo's anomalies against the default rules (SPEC A.7), with the server's arithmetic
// replayed over the generator's output: events are counted in 10 s ticks, per bot (the rules
// group by [host, bot] and the demo has one host); a derived field is absent in a tick whose
// denominator is 0; `avg` over 5m is the unweighted mean of the per-tick values present in
// (now - 5m, now]. The argument in numbers is in demo_scenario.h.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "demo/demo_generator.h"
#include "demo/demo_scenario.h"

namespace botmon {
namespace {

constexpr int64_t kTickMs = 10'000;
constexpr int kWindowTicks = 30;  // 5m / 10 s
constexpr int64_t kMinute = 60'000;

struct TickSums {
  double events_in = 0, out = 0, latency_sum = 0, requests = 0, errors = 0;
};

// The 5-minute averages at the end of each tick, for one bot.
struct Series {
  std::vector<std::optional<double>> latency_avg;  // avg(response.latency_avg)
  std::vector<std::optional<double>> error_rate;   // avg(errors.rate)
};

Series Replay(const std::vector<DemoEvent>& events, const std::string& bot, int ticks) {
  std::vector<TickSums> sums(static_cast<size_t>(ticks));
  for (const auto& e : events) {
    if (e.event.bot != bot) continue;
    const auto k = static_cast<size_t>(e.t_ms / kTickMs);
    if (k >= sums.size()) continue;
    TickSums& s = sums[k];
    if (e.event.type == "message.in") s.events_in += 1;
    if (e.event.type == "message.out") {
      s.out += 1;
      s.latency_sum += *e.event.latency_ms;
    }
    if (e.event.type == "request") s.requests += 1;
    if (e.event.type == "log" && e.event.level == "error") s.errors += 1;
  }
  Series out;
  for (int k = 0; k < ticks; ++k) {
    double lat = 0, rate = 0;
    int lat_n = 0, rate_n = 0;
    for (int j = std::max(0, k - kWindowTicks + 1); j <= k; ++j) {
      const TickSums& s = sums[static_cast<size_t>(j)];
      if (s.out > 0) {  // response.latency_avg = latency sum / eventsOut
        lat += s.latency_sum / s.out;
        ++lat_n;
      }
      if (s.events_in + s.requests > 0) {  // errors.rate
        rate += s.errors / (s.events_in + s.requests) * 100;
        ++rate_n;
      }
    }
    out.latency_avg.push_back(lat_n ? std::optional<double>(lat / lat_n) : std::nullopt);
    out.error_rate.push_back(rate_n ? std::optional<double>(rate / rate_n) : std::nullopt);
  }
  return out;
}

// Tick end times (ms) at which `value >= threshold` turns true and false again.
struct Crossings {
  std::vector<int64_t> opens, resolves;
};

Crossings Cross(const std::vector<std::optional<double>>& v, double threshold) {
  Crossings c;
  bool on = false;
  for (size_t k = 0; k < v.size(); ++k) {
    if (!v[k]) continue;  // no data: the rule keeps its state
    const bool now = *v[k] >= threshold;
    const int64_t at = static_cast<int64_t>(k + 1) * kTickMs;
    if (now && !on) c.opens.push_back(at);
    if (!now && on) c.resolves.push_back(at);
    on = now;
  }
  return c;
}

std::vector<DemoEvent> Generate(uint64_t seed, int64_t until) {
  DemoGeneratorOptions o;
  o.seed = seed;
  DemoGenerator g(o);
  std::vector<DemoEvent> events;
  g.Advance(until, &events);
  return events;
}

TEST(DemoScenario, ScheduleAlternatesSpikesAndBursts) {
  const DemoScenario s;
  const DemoAnomaly a0 = NthDemoAnomaly(s, 0), a1 = NthDemoAnomaly(s, 1), a2 = NthDemoAnomaly(s, 2);
  EXPECT_EQ(a0.kind, DemoAnomalyKind::kLatencySpike);
  EXPECT_EQ(a0.start_ms, 2 * kMinute);
  EXPECT_EQ(a0.end_ms, 5 * kMinute);
  EXPECT_EQ(a1.kind, DemoAnomalyKind::kErrorBurst);
  EXPECT_EQ(a1.start_ms, 10 * kMinute);
  EXPECT_EQ(a1.end_ms, 13 * kMinute);
  EXPECT_EQ(a2.kind, DemoAnomalyKind::kLatencySpike);
  EXPECT_EQ(a2.start_ms, 18 * kMinute);
  EXPECT_FALSE(DemoAnomalyAt(s, 2 * kMinute - 1).has_value());
  EXPECT_EQ(DemoAnomalyAt(s, 2 * kMinute)->index, 0);
  EXPECT_EQ(DemoAnomalyAt(s, 5 * kMinute - 1)->index, 0);
  EXPECT_FALSE(DemoAnomalyAt(s, 5 * kMinute).has_value());
  EXPECT_EQ(DemoAnomalyAt(s, 11 * kMinute)->kind, DemoAnomalyKind::kErrorBurst);
  DemoScenario off;
  off.anomalies = false;
  EXPECT_FALSE(DemoAnomalyAt(off, 3 * kMinute).has_value());
}

TEST(DemoAnomaly, LatencySpikeOpensAndResolvesResponseTimeWithinTenMinutes) {
  const DemoScenario sc;
  const DemoAnomaly spike = NthDemoAnomaly(sc, 0);
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    const int ticks = static_cast<int>(17 * kMinute / kTickMs);  // up to the next spike
    const Series s = Replay(Generate(seed, 17 * kMinute), "mycompany", ticks);
    // Response Time (warning): avg >= 2000 opens once, soon after the spike starts, and resolves
    // once, after the spike's ticks left the window: both within 10 minutes of start.
    const Crossings warn = Cross(s.latency_avg, 2000);
    ASSERT_EQ(warn.opens.size(), 1u);
    ASSERT_EQ(warn.resolves.size(), 1u);
    EXPECT_GT(warn.opens[0], spike.start_ms);
    EXPECT_LE(warn.opens[0], spike.start_ms + kMinute);
    EXPECT_GT(warn.resolves[0], spike.end_ms + 3 * kMinute);
    EXPECT_LE(warn.resolves[0], 10 * kMinute);
    // Response Time (critical), >= 5000: opens and resolves once too (no flapping).
    const Crossings crit = Cross(s.latency_avg, 5000);
    ASSERT_EQ(crit.opens.size(), 1u);
    ASSERT_EQ(crit.resolves.size(), 1u);
    EXPECT_GT(crit.opens[0], warn.opens[0]);
    EXPECT_LT(crit.resolves[0], warn.resolves[0]);
    // Before the spike the mean sits near 1 s.
    for (int k = 3; k < 12; ++k) {
      ASSERT_TRUE(s.latency_avg[static_cast<size_t>(k)].has_value());
      EXPECT_GT(*s.latency_avg[static_cast<size_t>(k)], 600);
      EXPECT_LT(*s.latency_avg[static_cast<size_t>(k)], 1500);
    }
  }
}

TEST(DemoAnomaly, ErrorBurstLiftsErrorRateOverFivePercentAndFallsBack) {
  const DemoScenario sc;
  const DemoAnomaly burst = NthDemoAnomaly(sc, 1);
  const DemoAnomaly next_burst = NthDemoAnomaly(sc, 3);
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    const int ticks = static_cast<int>(next_burst.start_ms / kTickMs);
    const Series s = Replay(Generate(seed, next_burst.start_ms), "mycompany", ticks);
    // Error Rate (warning), avg >= 1 %: once, from the burst until ~5 minutes after it.
    const Crossings warn = Cross(s.error_rate, 1);
    ASSERT_EQ(warn.opens.size(), 1u);
    ASSERT_EQ(warn.resolves.size(), 1u);
    EXPECT_GT(warn.opens[0], burst.start_ms);
    EXPECT_LE(warn.opens[0], burst.start_ms + 2 * kMinute);
    EXPECT_GT(warn.resolves[0], burst.end_ms + 3 * kMinute);
    EXPECT_LE(warn.resolves[0], burst.end_ms + 6 * kMinute);
    // avg >= 5 % (the critical threshold): reached during the burst, held for >= 3 minutes.
    const Crossings crit = Cross(s.error_rate, 5);
    ASSERT_EQ(crit.opens.size(), 1u);
    ASSERT_EQ(crit.resolves.size(), 1u);
    EXPECT_LT(crit.opens[0], burst.end_ms);
    EXPECT_GE(crit.resolves[0] - crit.opens[0], 3 * kMinute);
    // Outside the burst's influence the error rate is exactly 0: no error log, so no alert.
    for (size_t k = 0; k < s.error_rate.size(); ++k) {
      const int64_t end = static_cast<int64_t>(k + 1) * kTickMs;
      if (end <= burst.start_ms || end > burst.end_ms + 5 * kMinute + kTickMs) {
        if (s.error_rate[k]) {
          EXPECT_EQ(*s.error_rate[k], 0) << "tick ending " << end;
        }
      }
    }
  }
}

TEST(DemoAnomaly, TheOtherBotStaysHealthy) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE(seed);
    const int ticks = static_cast<int>(40 * kMinute / kTickMs);
    const Series s = Replay(Generate(seed, 40 * kMinute), "support-bot", ticks);
    EXPECT_TRUE(Cross(s.latency_avg, 2000).opens.empty());
    EXPECT_TRUE(Cross(s.error_rate, 1).opens.empty());
  }
}

TEST(DemoAnomaly, AnomaliesRecurEveryEightMinutes) {
  // Over an hour: spikes at 2, 18, 34, 50 min and bursts at 10, 26, 42, 58 min each open their
  // warning once, within 2 minutes (a full window needs ~4 spike ticks; the burst at 58 min
  // opens by the hour's end).
  const int ticks = static_cast<int>(60 * kMinute / kTickMs);
  const Series s = Replay(Generate(11, 60 * kMinute), "mycompany", ticks);
  const Crossings rt = Cross(s.latency_avg, 2000);
  const Crossings er = Cross(s.error_rate, 1);
  ASSERT_EQ(rt.opens.size(), 4u);
  ASSERT_EQ(er.opens.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const int64_t spike = NthDemoAnomaly(DemoScenario(), 2 * i).start_ms;
    const int64_t burst = NthDemoAnomaly(DemoScenario(), 2 * i + 1).start_ms;
    EXPECT_GT(rt.opens[static_cast<size_t>(i)], spike);
    EXPECT_LE(rt.opens[static_cast<size_t>(i)], spike + 2 * kMinute);
    EXPECT_GT(er.opens[static_cast<size_t>(i)], burst);
    EXPECT_LE(er.opens[static_cast<size_t>(i)], burst + 2 * kMinute);
  }
}

}  // namespace
}  // namespace botmon
