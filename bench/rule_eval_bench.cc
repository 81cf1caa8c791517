// Rule evaluation through the real Evaluator (SPEC 15 "rule evaluation": <= 100 ns per
// rule x group, the same for a 2-minute and a 24-hour timeframe, RSS <= 2 GB for the 24 h case).
// window_bench measures the rolling windows alone; this measures what the ticker runs each tick:
// Evaluator::AddTick (the tick's samples grouped into streams) and Evaluator::Evaluate (every
// rule for every group: window Advance + Value + the state machine).
//
// Setup: one gauge field (cpu.usage) for 1,000 hosts, so 1,000 series and, with groupBy [host],
// 1,000 groups; 100 enabled rules on it at a 10 s tick, all with the benchmark's timeframe, so
// 100,000 rule x group evaluations per tick. Aggregations (SPEC 15: <= 10 % pXX): 5 p95, 5 p99,
// and 15 each of avg, sum, min, max, last and count. Every rule is `equalOrMoreThan` except count
// (`equalOrLessThan 0`, Botpress's "no more events" shape); the thresholds make a few groups
// open and resolve incidents now and then (a per-host random walk in [10, 90] against 85..89),
// so Evaluate also reports transitions, as in production.
//
// Each case first fills the windows as a server primes at start: timeframe/tick + 1 ticks through
// AddTick, then one Evaluate that builds every window from the rings (timed apart: fill_s,
// prime_s). It then measures steady-state ticks: per iteration, the next tick's 1,000 values
// (prepared outside the timing), AddTick, Evaluate. Counters:
//   ns_per_rule_group       thread CPU time of AddTick + Evaluate per rule x group evaluation;
//   eval_ns_per_rule_group  the same for Evaluate alone;
//   wall_ns_per_rule_group  wall-clock (steady_clock) time of AddTick + Evaluate per rule x group
//                           (what bench/run.sh compares with Prometheus's own rule timings);
//   addtick_us              CPU time of one AddTick (1,000 samples);
//   evaluations             rule x group evaluations per tick (Evaluator::last_evaluations);
//   transitions             state steps reported over the measured ticks;
//   rss_MB, hwm_MB          VmRSS at the end of the case and VmHWM (the process's peak so far:
//                           the priming of the largest case run yet), /proc/self/status.
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "alert/evaluator.h"
#include "series/field_catalog.h"
#include "walk.h"

namespace botmon {
namespace {

constexpr int kHosts = 1000;
constexpr int kRules = 100;
constexpr int64_t kTickMs = 10'000;
// 2023-11-14T22:13:20Z, a multiple of the tick: the values do not depend on it.
constexpr int64_t kStartMs = 1'700'000'000'000;

// Rule j's aggregation: j % 20 == 6 is p95, j % 20 == 16 is p99 (10 % pXX); the other 90 cycle
// through avg/sum/min/max/last/count (15 each).
std::vector<Aggregation> RuleAggregations() {
  constexpr Aggregation kCycle[] = {Aggregation::kAvg, Aggregation::kSum,  Aggregation::kMin,
                                    Aggregation::kMax, Aggregation::kLast, Aggregation::kCount};
  std::vector<Aggregation> aggs;
  int other = 0;
  for (int j = 0; j < kRules; ++j) {
    if (j % 20 == 6) {
      aggs.push_back(Aggregation::kP95);
    } else if (j % 20 == 16) {
      aggs.push_back(Aggregation::kP99);
    } else {
      aggs.push_back(kCycle[other++ % 6]);
    }
  }
  return aggs;
}

std::vector<Rule> MakeRules(int64_t timeframe_ms) {
  const std::vector<Aggregation> aggs = RuleAggregations();
  const double samples = static_cast<double>(timeframe_ms / kTickMs);
  std::vector<Rule> rules;
  for (int j = 0; j < kRules; ++j) {
    Rule r;
    char name[32];
    std::snprintf(name, sizeof name, "bench rule %03d", j);
    r.name = name;
    r.field = "cpu.usage";
    r.aggregation = aggs[static_cast<size_t>(j)];
    r.timeframe_ms = timeframe_ms;
    r.group_by = {"host"};
    const double threshold = 85 + j % 5;
    switch (r.aggregation) {
      case Aggregation::kSum:
        r.value = threshold * samples;  // as avg >= threshold
        break;
      case Aggregation::kCount:
        r.operand = Operand::kEqualOrLessThan;
        r.value = 0;
        break;
      default:
        r.value = threshold;
        break;
    }
    rules.push_back(std::move(r));
  }
  return rules;
}

using bench::Walk;

double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

double WallNs() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count());
}

// A "VmRSS:" or "VmHWM:" line of /proc/self/status, in MB (0 when unreadable).
double ProcStatusMb(const char* key) {
  double kb = 0;
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    const size_t n = std::strlen(key);
    while (std::fgets(line, sizeof line, f)) {
      if (std::strncmp(line, key, n) == 0) {
        kb = std::strtod(line + n, nullptr);
        break;
      }
    }
    std::fclose(f);
  }
  return kb * 1024 / 1e6;
}

class Feed {
 public:
  Feed() {
    for (int h = 0; h < kHosts; ++h) {
      walks_.push_back(Walk{0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(h + 1)});
      TickValue v;
      v.key.field = "cpu.usage";
      char host[16];
      std::snprintf(host, sizeof host, "h%04d", h);
      v.key.host = host;
      values_.push_back(std::move(v));
    }
  }
  // The next tick's values (in place).
  const std::vector<TickValue>& Next() {
    for (size_t h = 0; h < values_.size(); ++h) values_[h].value = walks_[h].Next();
    return values_;
  }

 private:
  std::vector<Walk> walks_;
  std::vector<TickValue> values_;
};

// Arg: timeframe in seconds.
void BM_EvaluatorTick(benchmark::State& state) {
  const int64_t timeframe_ms = state.range(0) * 1000;
  FieldCatalog catalog;
  Evaluator ev(&catalog, kTickMs);
  if (!ev.SetRules(MakeRules(timeframe_ms)).empty()) {
    state.SkipWithError("SetRules dropped states on a fresh evaluator");
    return;
  }
  Feed feed;
  int64_t now = kStartMs;

  // Fill: a full window of ticks, then the priming Evaluate (the server's start-up path).
  double t0 = WallNs();
  const int64_t fill_ticks = timeframe_ms / kTickMs + 1;
  for (int64_t i = 0; i < fill_ticks; ++i) {
    now += kTickMs;
    ev.AddTick(now, feed.Next());
  }
  double t1 = WallNs();
  benchmark::DoNotOptimize(ev.Evaluate(now));
  const double t2 = WallNs();
  state.counters["fill_s"] = (t1 - t0) / 1e9;
  state.counters["prime_s"] = (t2 - t1) / 1e9;
  if (ev.last_evaluations() != static_cast<uint64_t>(kHosts) * kRules) {
    state.SkipWithError("the evaluator did not evaluate 100 rules x 1,000 groups");
    return;
  }
  // Warm-up ticks, not counted.
  for (int i = 0; i < 3; ++i) {
    now += kTickMs;
    ev.AddTick(now, feed.Next());
    benchmark::DoNotOptimize(ev.Evaluate(now));
  }

  double add_cpu = 0, eval_cpu = 0, wall = 0;
  uint64_t evaluations = 0, transitions = 0;
  for (auto _ : state) {
    state.PauseTiming();
    now += kTickMs;
    const std::vector<TickValue>& values = feed.Next();
    state.ResumeTiming();
    const double w0 = WallNs();
    const double c0 = ThreadCpuNs();
    ev.AddTick(now, values);
    const double c1 = ThreadCpuNs();
    std::vector<EvalTransition> out = ev.Evaluate(now);
    const double c2 = ThreadCpuNs();
    wall += WallNs() - w0;
    add_cpu += c1 - c0;
    eval_cpu += c2 - c1;
    evaluations += ev.last_evaluations();
    transitions += out.size();
    benchmark::DoNotOptimize(out);
  }
  const double n = static_cast<double>(evaluations);
  state.counters["ns_per_rule_group"] = (add_cpu + eval_cpu) / n;
  state.counters["eval_ns_per_rule_group"] = eval_cpu / n;
  state.counters["wall_ns_per_rule_group"] = wall / n;
  state.counters["addtick_us"] = add_cpu / static_cast<double>(state.iterations()) / 1e3;
  state.counters["evaluations"] = static_cast<double>(ev.last_evaluations());
  state.counters["transitions"] = static_cast<double>(transitions);
  state.counters["rss_MB"] = ProcStatusMb("VmRSS:");
  state.counters["hwm_MB"] = ProcStatusMb("VmHWM:");
}
BENCHMARK(BM_EvaluatorTick)
    ->ArgName("timeframe_s")
    ->Arg(120)
    ->Arg(86'400)
    ->Iterations(180)  // half an hour of ticks
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace botmon

BENCHMARK_MAIN();
