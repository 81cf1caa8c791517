// Rule evaluation cost (SPEC 15 "rule evaluation": <= 100 ns per rule x group, the same for a
// 2-minute and a 24-hour timeframe, RSS <= 2 GB for the 24 h case).
//
// Setup: 1,000 streams (10 fields x 100 groups), one SampleRing each, at a 10 s tick; 100 rules,
// 10 per field, so each stream is read by 10 rules (rules_per_stream = 10: 10,000 rule x group
// windows) or, in the dense variant, by all 100 rules (100,000 windows). Aggregations are mixed:
// 10 % p95, the other 90 % equal parts avg/sum/min/max/last/count. Every window's timeframe is
// the benchmark's (2 min = 12 samples, or 24 h = 8,640 samples).
//
// Each case first primes the state with a full window (the rings filled with timeframe/tick + 1
// samples and every window advanced over them), then measures ticks: per tick and per stream,
// append the tick's sample, Advance + Value every window reading the stream, then trim the ring
// to the timeframe. Counters:
//   ns_per_rule_group  thread CPU time per (rule, group) Advance + Value, including the stream's
//                      share of the append and trim;
//   windows            rule x group states;
//   rss_MB             resident set after priming (/proc/self/statm);
//   maxrss_MB          getrusage ru_maxrss after priming (the process's peak so far, so a case
//                      run after a larger one shows that one's peak);
//   state_MB           bytes held by the rings' sample blocks and the windows.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "walk.h"
#include "window/rolling_window.h"
#include "window/sample_ring.h"

namespace botmon {
namespace {

constexpr int kFields = 10;
constexpr int kGroups = 100;
constexpr int kStreams = kFields * kGroups;
constexpr int kRules = 100;
constexpr int64_t kTickMs = 10'000;

// Rule j's aggregation: every 10th rule (j % 10 == 6) is p95, the others cycle through
// avg/sum/min/max/last/count (15 rules each).
std::vector<WindowAgg> RuleAggregations() {
  constexpr WindowAgg kCycle[] = {WindowAgg::kAvg, WindowAgg::kSum,  WindowAgg::kMin,
                                  WindowAgg::kMax, WindowAgg::kLast, WindowAgg::kCount};
  std::vector<WindowAgg> aggs;
  int other = 0;
  for (int j = 0; j < kRules; ++j) {
    aggs.push_back(j % 10 == 6 ? WindowAgg::kP95 : kCycle[other++ % 6]);
  }
  return aggs;
}

double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

double RssMb() {
  long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    long size = 0;
    if (std::fscanf(f, "%ld %ld", &size, &pages) != 2) pages = 0;
    std::fclose(f);
  }
  return static_cast<double>(pages) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

double MaxRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1e3;  // KiB on Linux
}

using bench::Walk;

struct Setup {
  std::vector<SampleRing> rings;
  std::vector<std::vector<RollingWindow>> windows;  // per stream
  std::vector<Walk> walks;
  int64_t now = 0;
  size_t window_count = 0;

  Setup(int64_t timeframe_ms, int rules_per_stream) {
    const std::vector<WindowAgg> aggs = RuleAggregations();
    rings.resize(kStreams);
    windows.resize(kStreams);
    for (int s = 0; s < kStreams; ++s) {
      walks.push_back(Walk{0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(s + 1)});
      const int field = s / kGroups;
      for (int j = 0; j < kRules; ++j) {
        // Dense: every rule reads every stream; otherwise rules 10f..10f+9 read field f.
        if (rules_per_stream < kRules && j / (kRules / kFields) != field) continue;
        windows[s].emplace_back(aggs[static_cast<size_t>(j)], timeframe_ms);
        ++window_count;
      }
    }
    // Prime: a full window of samples, then every window advanced over them at once.
    const int64_t samples = timeframe_ms / kTickMs + 1;
    for (int64_t i = 0; i < samples; ++i) {
      now += kTickMs;
      for (int s = 0; s < kStreams; ++s) {
        if (!rings[s].Append(now, walks[s].Next())) std::abort();
      }
    }
    for (int s = 0; s < kStreams; ++s) {
      for (RollingWindow& w : windows[s]) w.Advance(rings[s], now);
      rings[s].Trim(now - timeframe_ms);
    }
  }

  void Tick(int64_t timeframe_ms) {
    now += kTickMs;
    for (int s = 0; s < kStreams; ++s) {
      SampleRing& ring = rings[s];
      if (!ring.Append(now, walks[s].Next())) std::abort();
      for (RollingWindow& w : windows[s]) {
        w.Advance(ring, now);
        benchmark::DoNotOptimize(w.Value());
      }
      ring.Trim(now - timeframe_ms);
    }
  }

  double StateMb() const {
    size_t bytes = 0;
    for (const SampleRing& r : rings) bytes += r.memory_bytes();
    for (const auto& ws : windows) {
      for (const RollingWindow& w : ws) bytes += sizeof(RollingWindow) + w.memory_bytes();
    }
    return static_cast<double>(bytes) / 1e6;
  }
};

// Args: timeframe in seconds, rules per stream.
void BM_RuleEvaluation(benchmark::State& state) {
  const int64_t timeframe_ms = state.range(0) * 1000;
  const int rules_per_stream = static_cast<int>(state.range(1));
  Setup setup(timeframe_ms, rules_per_stream);
  state.counters["rss_MB"] = RssMb();
  state.counters["maxrss_MB"] = MaxRssMb();
  state.counters["state_MB"] = setup.StateMb();
  state.counters["windows"] = static_cast<double>(setup.window_count);
  setup.Tick(timeframe_ms);  // warm the caches
  const double start = CpuNow();
  uint64_t ticks = 0;
  for (auto _ : state) {
    setup.Tick(timeframe_ms);
    ++ticks;
  }
  const double cpu_ns = CpuNow() - start;
  state.counters["ns_per_rule_group"] =
      cpu_ns / static_cast<double>(ticks) / static_cast<double>(setup.window_count);
  uint64_t rebuilds = 0;
  for (const auto& ws : setup.windows) {
    for (const RollingWindow& w : ws) rebuilds += w.rebuilds();
  }
  if (rebuilds != 0) state.SkipWithError("windows rebuilt: the trimming is wrong");
}
BENCHMARK(BM_RuleEvaluation)
    ->ArgNames({"timeframe_s", "rules_per_stream"})
    ->Args({120, 10})
    ->Args({86'400, 10})
    ->Args({120, 100})
    ->Args({86'400, 100})
    ->Iterations(1080)  // three hours of ticks
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botmon

BENCHMARK_MAIN();
