// Property test: thousands of random series through SampleRing + RollingWindow, each window's
// Value() compared at every evaluation with a brute-force reference that recomputes the window
// from scratch over the same samples (SPEC 7.2, issue 3's acceptance):
//  - sum/avg/min/max/last/count: identical values (sum and avg: the correctly rounded exact sum,
//    with at most a 1e-9 relative difference allowed and every such case counted and printed);
//  - p50/p95/p99: within 1 % of the exact nearest-rank quantile (the sketch promises 0.5 %);
//  - threshold crossings (>= and <=) at thresholds that tie with the exact value, sit next to it or
//    lie anywhere: identical conditions for the exact aggregations; for pXX a difference only where
//    the exact value is within 1 % of the threshold.
// Series have random ticks (1 s, 10 s, 1 min), random gaps, random values (small integers with
// repeats and zeros, negatives, wide magnitudes, spikes that cancel), random windows from 1 tick
// to 24 h (aligned and not), random evaluation times (with samples arriving ahead of `now`),
// windows created mid-stream (primed from the ring), and safe trimming of the shared ring.
//
// Reproducible: the base seed is fixed; BOTMON_WINDOW_SEED=<n> picks another, and every failure
// prints the seed and the series index.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "window/rolling_window.h"
#include "window/sample_ring.h"

namespace botmon {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr WindowAgg kAllAggs[] = {WindowAgg::kAvg, WindowAgg::kSum,  WindowAgg::kMin,
                                  WindowAgg::kMax, WindowAgg::kLast, WindowAgg::kCount,
                                  WindowAgg::kP50, WindowAgg::kP95,  WindowAgg::kP99};

uint64_t BaseSeed() {
  if (const char* s = std::getenv("BOTMON_WINDOW_SEED"); s != nullptr && *s != '\0') {
    return std::strtoull(s, nullptr, 10);
  }
  return 20'240'917;
}

// ---- The reference: everything recomputed from the full list of samples ----

struct Sample {
  int64_t t;
  double v;
};

// Exact sum, correctly rounded: Shewchuk's partials, as Python's math.fsum (written out again
// here so that the reference does not share code with the module under test).
double ExactSum(const std::vector<double>& xs) {
  std::vector<double> p;
  for (double x : xs) {
    size_t i = 0;
    for (double y : p) {
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0.0) p[i++] = lo;
      x = hi;
    }
    p.resize(i);
    p.push_back(x);
  }
  if (p.empty()) return 0.0;
  size_t n = p.size();
  double hi = p[--n];
  double lo = 0.0;
  while (n > 0) {
    const double x = hi;
    const double y = p[--n];
    hi = x + y;
    const double yr = hi - x;
    lo = y - yr;
    if (lo != 0.0) break;
  }
  if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
    const double y = lo * 2.0;
    const double x = hi + y;
    const double yr = x - hi;
    if (y == yr) hi = x;
  }
  return hi;
}

struct Reference {
  std::optional<double> value[9];  // indexed by WindowAgg
  size_t count = 0;
};

// The window (now - w, now] recomputed from scratch.
Reference BruteForce(const std::vector<Sample>& all, int64_t now, int64_t w) {
  Reference r;
  std::vector<double> in;
  for (const Sample& s : all) {
    if (s.t > now - w && s.t <= now) in.push_back(s.v);
  }
  r.count = in.size();
  r.value[static_cast<int>(WindowAgg::kCount)] = static_cast<double>(in.size());
  r.value[static_cast<int>(WindowAgg::kSum)] = ExactSum(in);
  if (in.empty()) return r;
  r.value[static_cast<int>(WindowAgg::kAvg)] = ExactSum(in) / static_cast<double>(in.size());
  r.value[static_cast<int>(WindowAgg::kLast)] = in.back();
  std::vector<double> sorted = in;
  std::sort(sorted.begin(), sorted.end());
  r.value[static_cast<int>(WindowAgg::kMin)] = sorted.front();
  r.value[static_cast<int>(WindowAgg::kMax)] = sorted.back();
  const double n = static_cast<double>(sorted.size());
  for (auto [agg, q] : {std::pair{WindowAgg::kP50, 0.50}, std::pair{WindowAgg::kP95, 0.95},
                        std::pair{WindowAgg::kP99, 0.99}}) {
    // Nearest rank: the smallest value with at least q * n values <= it.
    const double k = std::clamp(std::ceil(q * n) - 1, 0.0, n - 1);
    r.value[static_cast<int>(agg)] = sorted[static_cast<size_t>(k)];
  }
  return r;
}

bool IsQuantile(WindowAgg agg) { return WindowAggPercent(agg) != 0; }

// ---- Random series ----

struct Stats {
  uint64_t checks = 0;
  uint64_t sum_not_bit_identical = 0;
  double max_sum_rel = 0;
  double max_quantile_rel = 0;
  uint64_t quantile_condition_diffs = 0;
  uint64_t threshold_checks = 0;
  uint64_t exact_recomputes = 0;
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {
    mode_ = Int(0, 5);
    scale_ = std::pow(10.0, Uniform(-3, 6));
  }
  int64_t Int(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  double NextValue() {
    if (pending_cancel_.has_value() && Chance(0.5)) {
      const double v = -*pending_cancel_;
      pending_cancel_.reset();
      return v;
    }
    if (Chance(0.05)) return 0.0;
    double v = 0;
    switch (mode_) {
      case 0:  // small integers: repeats, zeros, negatives
        v = static_cast<double>(Int(-5, 5));
        break;
      case 1:  // reals of one scale, both signs
        v = Uniform(-1, 1) * scale_;
        break;
      case 2:  // latency-like, positive, long tail
        v = std::exp(Uniform(0, 1) * Uniform(0, 8));
        break;
      case 3:  // wide magnitudes, both signs (none below 1e-6 in magnitude)
        v = (Chance(0.5) ? -1 : 1) * std::pow(10.0, Uniform(-6, 12));
        break;
      case 4:  // a level with noise and repeats
        v = Chance(0.3) ? last_ : std::round(Uniform(90, 110) * 100) / 100;
        break;
      default:  // percentages with rare big spikes that a later sample cancels
        v = Uniform(0, 100);
        if (Chance(0.02)) {
          v = Uniform(1e9, 1e15);
          pending_cancel_ = v;
        }
        break;
    }
    last_ = v;
    return v;
  }

 private:
  std::mt19937_64 rng_;
  int mode_;
  double scale_;
  double last_ = 0;
  std::optional<double> pending_cancel_;
};

struct WindowUnderTest {
  std::unique_ptr<RollingWindow> w;
  int64_t created_at_step;
};

// Compares every window with the reference; returns false after the first failing evaluation.
bool CheckAll(const std::vector<Sample>& all, int64_t now, std::vector<WindowUnderTest>& windows,
              Generator& g, Stats* stats) {
  for (WindowUnderTest& wt : windows) {
    const RollingWindow& w = *wt.w;
    const Reference ref = BruteForce(all, now, w.window_ms());
    const std::optional<double> got = w.Value();
    const std::optional<double> want = ref.value[static_cast<int>(w.agg())];
    const std::string what = std::string(WindowAggName(w.agg())) +
                             " window_ms=" + std::to_string(w.window_ms()) +
                             " now=" + std::to_string(now) + " count=" + std::to_string(ref.count);
    ++stats->checks;
    EXPECT_EQ(w.count(), ref.count) << what;
    EXPECT_EQ(got.has_value(), want.has_value()) << what;
    if (w.count() != ref.count || got.has_value() != want.has_value()) return false;
    EXPECT_EQ(w.rebuilds(), 0u) << what;
    if (!want.has_value()) continue;
    const double a = *got;
    const double b = *want;
    if (IsQuantile(w.agg())) {
      const double rel = b == 0 ? std::fabs(a) : std::fabs(a - b) / std::fabs(b);
      stats->max_quantile_rel = std::max(stats->max_quantile_rel, rel);
      EXPECT_LE(rel, 0.01) << what << " got " << a << " exact " << b;
      if (rel > 0.01) return false;
    } else if (w.agg() == WindowAgg::kSum || w.agg() == WindowAgg::kAvg) {
      if (a != b) {
        ++stats->sum_not_bit_identical;
        const double rel = std::fabs(a - b) / std::max(std::fabs(b), 1e-300);
        stats->max_sum_rel = std::max(stats->max_sum_rel, rel);
        EXPECT_LE(rel, 1e-9) << what << " got " << a << " exact " << b;
        if (rel > 1e-9) return false;
      }
    } else {
      EXPECT_EQ(a, b) << what;
      if (a != b) return false;
    }
    // Threshold crossings: ties with the exact value, its neighbours, 1 % away, and random.
    const double thresholds[] = {
        b,
        std::nextafter(b, INFINITY),
        std::nextafter(b, -INFINITY),
        b * 1.01,
        b * 0.99,
        b + g.Uniform(-1, 1) * (std::fabs(b) + 1),
        all.empty() ? b
                    : all[static_cast<size_t>(g.Int(0, static_cast<int64_t>(all.size()) - 1))].v};
    for (double thr : thresholds) {
      for (bool more : {true, false}) {
        ++stats->threshold_checks;
        const bool cond_got = more ? a >= thr : a <= thr;
        const bool cond_want = more ? b >= thr : b <= thr;
        if (cond_got == cond_want) continue;
        if (IsQuantile(w.agg())) {
          ++stats->quantile_condition_diffs;
          EXPECT_LE(std::fabs(b - thr), 0.01 * std::fabs(b))
              << what << ": pXX condition differs away from the threshold " << thr << " got " << a
              << " exact " << b;
        } else {
          ADD_FAILURE() << what << ": condition " << (more ? ">= " : "<= ") << thr
                        << " differs: got " << a << " exact " << b;
          return false;
        }
      }
    }
  }
  return true;
}

// One random series; returns false if it failed.
bool RunSeries(uint64_t seed, bool long_series, Stats* stats) {
  Generator g(seed);
  const int64_t tick =
      std::vector<int64_t>{1'000, 10'000, 60'000}[static_cast<size_t>(g.Int(0, 2))];
  auto random_window = [&]() -> int64_t {
    switch (g.Int(0, 4)) {
      case 0:
        return tick;  // one tick
      case 1:
        return kDayMs;  // 24 h
      case 2:
        return g.Int(1, kDayMs);  // any ms, not aligned to the tick
      default: {                  // log-uniform number of ticks
        const double ticks = std::exp(g.Uniform(0, std::log(static_cast<double>(kDayMs / tick))));
        return std::max<int64_t>(1, static_cast<int64_t>(ticks)) * tick;
      }
    }
  };
  const int64_t windows_ms[2] = {random_window(), random_window()};
  const int64_t longest = std::max(windows_ms[0], windows_ms[1]);
  const int64_t steps = long_series ? g.Int(3'000, 12'000) : g.Int(1, 200);
  // Long series are compared on a sample of their evaluations (the reference costs O(window)).
  const double check_chance = long_series ? 0.01 : 0.5;
  const double gap_chance = g.Uniform(0, 0.2);
  const int64_t create_late_at = g.Chance(0.3) ? g.Int(0, steps) : -1;

  SampleRing ring;
  std::vector<Sample> all;
  std::vector<WindowUnderTest> windows;
  auto create_windows = [&](int64_t step) {
    for (int64_t w : windows_ms) {
      for (WindowAgg agg : kAllAggs) {
        windows.push_back({std::make_unique<RollingWindow>(agg, w), step});
      }
    }
  };
  create_windows(0);

  int64_t t = g.Int(0, 10) * tick + g.Int(0, tick - 1);
  int64_t now = t - 1;
  for (int64_t step = 0; step < steps; ++step) {
    if (step == create_late_at) create_windows(step);
    // 1 to 3 samples, usually one tick apart; sometimes a gap, sometimes off the tick grid.
    const int64_t appends = g.Chance(0.8) ? 1 : g.Int(0, 3);
    for (int64_t i = 0; i < appends; ++i) {
      if (g.Chance(gap_chance)) {
        t += g.Chance(0.5) ? tick * g.Int(2, 20) : g.Int(1, 2 * longest / tick + 2) * tick;
      } else if (g.Chance(0.05)) {
        t += g.Int(1, tick);
      } else {
        t += tick;
      }
      const double v = g.NextValue();
      EXPECT_TRUE(ring.Append(t, v));
      all.push_back({t, v});
    }
    // The evaluation time: mostly the newest sample's tick; sometimes later (time passed with no
    // sample), sometimes earlier (samples wait in the ring); never backwards.
    const double r = g.Uniform(0, 1);
    int64_t next = t;
    if (r < 0.1) {
      next = t + g.Int(0, 2 * longest);
    } else if (r < 0.2) {
      next = t - g.Int(0, 3 * tick);
    }
    now = std::max(now, next);
    for (WindowUnderTest& wt : windows) wt.w->Advance(ring, now);
    if (g.Chance(check_chance) || step == steps - 1) {
      if (!CheckAll(all, now, windows, g, stats)) return false;
    }
    // Safe trimming of the shared ring.
    if (g.Chance(0.5)) {
      ring.Trim(now - longest);
    } else {
      uint64_t needed = ring.end_seq();
      for (const WindowUnderTest& wt : windows) needed = std::min(needed, wt.w->first_needed());
      ring.TrimTo(needed);
    }
  }
  for (const WindowUnderTest& wt : windows) stats->exact_recomputes += wt.w->exact_recomputes();
  return true;
}

void RunMany(int series, bool long_series, uint64_t salt) {
  const uint64_t base = BaseSeed();
  Stats stats;
  int failed = 0;
  for (int i = 0; i < series && failed < 3; ++i) {
    const uint64_t seed = base * 1'000'003 + salt * 7'919 + static_cast<uint64_t>(i);
    SCOPED_TRACE("BOTMON_WINDOW_SEED=" + std::to_string(base) + " series " + std::to_string(i) +
                 " (series seed " + std::to_string(seed) + ")");
    if (!RunSeries(seed, long_series, &stats)) ++failed;
  }
  std::printf(
      "seed %llu: %llu window checks, %llu threshold checks; sum/avg not bit-identical: %llu (max "
      "rel %.3g); pXX max rel error %.4f, condition differences near the threshold: %llu; exact "
      "sum recomputes: %llu\n",
      static_cast<unsigned long long>(base), static_cast<unsigned long long>(stats.checks),
      static_cast<unsigned long long>(stats.threshold_checks),
      static_cast<unsigned long long>(stats.sum_not_bit_identical), stats.max_sum_rel,
      stats.max_quantile_rel, static_cast<unsigned long long>(stats.quantile_condition_diffs),
      static_cast<unsigned long long>(stats.exact_recomputes));
  EXPECT_LE(stats.max_quantile_rel, 0.005 * (1 + 1e-9));  // the sketch's own promise
}

TEST(WindowPropertyTest, ThousandsOfShortSeries) { RunMany(3000, /*long_series=*/false, 1); }

TEST(WindowPropertyTest, LongSeriesWithDayLongWindows) { RunMany(30, /*long_series=*/true, 2); }

}  // namespace
}  // namespace botmon
