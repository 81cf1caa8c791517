// Unit tests for SampleRing, SlidingSketch and RollingWindow: the edge cases (empty, single
// sample, the window's boundaries, trimming, rebuilds, cancellation). The random comparison with
// a brute-force reference is in window_property_test.cc.
#include "window/rolling_window.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "series/quantile_sketch.h"
#include "window/sample_ring.h"
#include "window/sliding_sketch.h"

namespace botmon {
namespace {

constexpr WindowAgg kAllAggs[] = {WindowAgg::kAvg, WindowAgg::kSum,  WindowAgg::kMin,
                                  WindowAgg::kMax, WindowAgg::kLast, WindowAgg::kCount,
                                  WindowAgg::kP50, WindowAgg::kP95,  WindowAgg::kP99};

// ---- SampleRing ----

TEST(SampleRingTest, AppendsWithIncreasingTimesOnly) {
  SampleRing ring;
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.last_t(), std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ring.Append(10, 1.5));
  EXPECT_FALSE(ring.Append(10, 2));  // equal t
  EXPECT_FALSE(ring.Append(5, 2));   // earlier t
  EXPECT_FALSE(ring.Append(20, std::nan("")));
  EXPECT_FALSE(ring.Append(20, std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(ring.Append(20, -std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(ring.Append(20, -3));
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.begin_seq(), 0u);
  EXPECT_EQ(ring.end_seq(), 2u);
  EXPECT_EQ(ring.t(0), 10);
  EXPECT_EQ(ring.value(0), 1.5);
  EXPECT_EQ(ring.t(1), 20);
  EXPECT_EQ(ring.value(1), -3);
  EXPECT_EQ(ring.last_t(), 20);
}

TEST(SampleRingTest, SequenceNumbersSurviveTrimsAcrossBlocks) {
  SampleRing ring;
  const int n = 3 * static_cast<int>(SampleRing::kBlockSamples) + 17;
  for (int i = 0; i < n; ++i) ASSERT_TRUE(ring.Append(1000 + 10 * i, i));
  EXPECT_EQ(ring.memory_bytes(), 4 * SampleRing::kBlockSamples * sizeof(SampleRing::Sample));
  // Trim(min_t) keeps t >= min_t.
  EXPECT_EQ(ring.Trim(1000 + 10 * 300), 300u);
  EXPECT_EQ(ring.begin_seq(), 300u);
  EXPECT_EQ(ring.t(300), 1000 + 10 * 300);
  EXPECT_EQ(ring.value(static_cast<uint64_t>(n - 1)), n - 1);
  // One block freed and kept as the spare.
  EXPECT_EQ(ring.memory_bytes(), 4 * SampleRing::kBlockSamples * sizeof(SampleRing::Sample));
  EXPECT_EQ(ring.Trim(1000 + 10 * 300), 0u);  // idempotent
  EXPECT_EQ(ring.Trim(1000 + 10 * 300 + 5), 1u);
  EXPECT_EQ(ring.TrimTo(600), 299u);
  EXPECT_EQ(ring.TrimTo(10), 0u);  // below begin: nothing
  for (uint64_t s = ring.begin_seq(); s < ring.end_seq(); ++s) {
    ASSERT_EQ(ring.t(s), 1000 + 10 * static_cast<int64_t>(s));
  }
  // Appending continues the numbering.
  ASSERT_TRUE(ring.Append(1000 + 10 * n, n));
  EXPECT_EQ(ring.end_seq(), static_cast<uint64_t>(n + 1));
  EXPECT_EQ(ring.value(static_cast<uint64_t>(n)), n);
}

TEST(SampleRingTest, TrimToEmptyThenAppend) {
  SampleRing ring;
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(ring.Append(i, i));
  EXPECT_EQ(ring.Trim(1'000'000), 300u);
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.begin_seq(), 300u);
  EXPECT_EQ(ring.end_seq(), 300u);
  EXPECT_LE(ring.memory_bytes(), SampleRing::kBlockSamples * sizeof(SampleRing::Sample));
  EXPECT_FALSE(ring.Append(299, 1));  // still increasing against trimmed samples
  ASSERT_TRUE(ring.Append(400, 7));
  EXPECT_EQ(ring.begin_seq(), 300u);
  EXPECT_EQ(ring.value(300), 7);
  ring.Clear();
  EXPECT_TRUE(ring.empty());
  EXPECT_EQ(ring.begin_seq(), 301u);
  EXPECT_EQ(ring.memory_bytes(), 0u);
  ASSERT_TRUE(ring.Append(500, 8));
  EXPECT_EQ(ring.value(301), 8);
}

TEST(SampleRingTest, MoveTransfersTheSamples) {
  SampleRing a;
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(a.Append(i, i));
  a.TrimTo(100);
  SampleRing b = std::move(a);
  EXPECT_EQ(b.begin_seq(), 100u);
  EXPECT_EQ(b.end_seq(), 600u);
  EXPECT_EQ(b.value(599), 599);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(a.end_seq(), 0u);
  ASSERT_TRUE(a.Append(1, 1));
  EXPECT_EQ(a.value(0), 1);
  SampleRing c;
  c = std::move(b);
  EXPECT_EQ(c.value(100), 100);
  EXPECT_EQ(c.last_t(), 599);
}

TEST(SampleRingTest, UpperBound) {
  SampleRing ring;
  EXPECT_EQ(ring.UpperBound(0), 0u);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(ring.Append(10 * i, i));
  EXPECT_EQ(ring.UpperBound(-1), 0u);
  EXPECT_EQ(ring.UpperBound(0), 1u);
  EXPECT_EQ(ring.UpperBound(5), 1u);
  EXPECT_EQ(ring.UpperBound(10), 2u);
  EXPECT_EQ(ring.UpperBound(9990), 1000u);
  EXPECT_EQ(ring.UpperBound(100, 500), 500u);  // from is a lower limit
  ring.TrimTo(700);
  EXPECT_EQ(ring.UpperBound(0), 700u);  // clamped to begin
  EXPECT_EQ(ring.UpperBound(8000), 801u);
  EXPECT_EQ(ring.Trim(std::numeric_limits<int64_t>::min()), 0u);
}

// ---- SlidingSketch ----

TEST(SlidingSketchTest, KeysAreMonotoneAndValuesAccurate) {
  std::vector<double> values = {-1e300, -12345.678, -1, -0.5,  -1e-9, -1e-10, 0,   1e-10, 1e-9,
                                1e-6,   0.5,        1,  1.005, 99.9,  100,    1e6, 1e15,  1e300};
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    const double r = SlidingSketch::KeyValue(SlidingSketch::KeyOf(v));
    if (std::abs(v) < SlidingSketch::kMinMagnitude) {
      EXPECT_EQ(SlidingSketch::KeyOf(v), 0) << v;
      EXPECT_EQ(r, 0);
    } else {
      EXPECT_LE(std::abs(r - v), 0.005 * std::abs(v) * (1 + 1e-9)) << v;
      EXPECT_EQ(r < 0, v < 0) << v;
    }
    if (i > 0) {
      EXPECT_LE(SlidingSketch::KeyOf(values[i - 1]), SlidingSketch::KeyOf(v)) << v;
    }
  }
  EXPECT_GE(SlidingSketch::KeyOf(SlidingSketch::kMinMagnitude), 1);
  // Positive buckets are QuantileSketch's.
  EXPECT_EQ(SlidingSketch::KeyValue(SlidingSketch::KeyOf(42.0)),
            QuantileSketch::BucketValue(QuantileSketch::IndexOf(42.0)));
  // The largest doubles still report a finite value.
  EXPECT_TRUE(std::isfinite(SlidingSketch::KeyValue(SlidingSketch::KeyOf(1.7e308))));
}

TEST(SlidingSketchTest, NearestRankMatchesQuantileSketch) {
  for (uint64_t n = 1; n <= 500; ++n) {
    for (int p : {0, 1, 50, 95, 99, 100}) {
      const double q = p / 100.0;
      const double rank =
          std::clamp(std::ceil(q * static_cast<double>(n)) - 1, 0.0, static_cast<double>(n) - 1);
      ASSERT_EQ(SlidingSketch::NearestRank(p, n), static_cast<uint64_t>(rank)) << n << " " << p;
    }
  }
  EXPECT_EQ(SlidingSketch::NearestRank(-5, 10), 0u);
  EXPECT_EQ(SlidingSketch::NearestRank(500, 10), 9u);
}

TEST(SlidingSketchTest, AddRemoveAndRanks) {
  SlidingSketch s;
  EXPECT_TRUE(s.empty());
  for (int i = 1; i <= 100; ++i) s.Add(i);
  EXPECT_EQ(s.count(), 100u);
  EXPECT_NEAR(s.Quantile(50), 50, 0.25);
  EXPECT_NEAR(s.Quantile(95), 95, 0.5);
  EXPECT_NEAR(s.ValueAtRank(0), 1, 0.005);
  EXPECT_NEAR(s.ValueAtRank(99), 100, 0.5);
  for (int i = 1; i <= 50; ++i) s.Remove(i);
  EXPECT_EQ(s.count(), 50u);
  EXPECT_NEAR(s.ValueAtRank(0), 51, 0.26);
  EXPECT_NEAR(s.Quantile(50), 75, 0.38);
  // Negative values, zeros and a sign change: the cursor crosses the empty keys near zero.
  s.Add(-5);
  s.Add(0);
  s.Add(0);
  EXPECT_NEAR(s.ValueAtRank(0), -5, 0.025);
  EXPECT_EQ(s.ValueAtRank(1), 0);
  EXPECT_EQ(s.ValueAtRank(2), 0);
  EXPECT_NEAR(s.ValueAtRank(3), 51, 0.26);
  EXPECT_NEAR(s.ValueAtRank(52), 100, 0.5);
  EXPECT_NEAR(s.ValueAtRank(0), -5, 0.025);
  s.Clear();
  EXPECT_TRUE(s.empty());
  s.Add(-1e6);
  EXPECT_NEAR(s.Quantile(99), -1e6, 5e3);
}

TEST(SlidingSketchTest, ShrinksAfterAWideRangeLeaves) {
  SlidingSketch s;
  // A wide range (1e-9 .. 1e12, both signs) then only values near 100.
  for (int i = 0; i < 2000; ++i) s.Add((i % 2 ? 1 : -1) * std::pow(10.0, -9 + (i % 22)));
  const size_t wide = s.bucket_count();
  EXPECT_GT(wide, 9000u);
  for (int i = 0; i < 2000; ++i) s.Add(100 + i % 7);
  for (int i = 0; i < 2000; ++i) s.Remove((i % 2 ? 1 : -1) * std::pow(10.0, -9 + (i % 22)));
  s.Add(100);
  for (int i = 0; i < 1100; ++i) {  // enough removals to trigger a check
    s.Remove(100 + i % 7);
    s.Add(100 + i % 7);
  }
  EXPECT_LT(s.bucket_count(), 1024u);
  EXPECT_EQ(s.count(), 2001u);
  EXPECT_NEAR(s.ValueAtRank(0), 100, 0.5);
  EXPECT_NEAR(s.ValueAtRank(2000), 106, 0.6);
}

// ---- RollingWindow ----

std::optional<double> ValueAt(WindowAgg agg, int64_t window_ms, const SampleRing& ring,
                              int64_t now) {
  RollingWindow w(agg, window_ms);
  w.Advance(ring, now);
  return w.Value();
}

TEST(RollingWindowTest, Names) {
  EXPECT_EQ(WindowAggName(WindowAgg::kAvg), "avg");
  EXPECT_EQ(WindowAggName(WindowAgg::kCount), "count");
  EXPECT_EQ(WindowAggName(WindowAgg::kP99), "p99");
  EXPECT_EQ(WindowAggPercent(WindowAgg::kP95), 95);
  EXPECT_EQ(WindowAggPercent(WindowAgg::kMax), 0);
}

TEST(RollingWindowTest, EmptyWindow) {
  SampleRing ring;
  for (WindowAgg agg : kAllAggs) {
    RollingWindow w(agg, 60'000);
    EXPECT_EQ(w.now_ms(), std::nullopt);
    w.Advance(ring, 1'000'000);
    EXPECT_EQ(w.now_ms(), 1'000'000);
    EXPECT_EQ(w.count(), 0u);
    const std::optional<double> v = w.Value();
    if (agg == WindowAgg::kSum || agg == WindowAgg::kCount) {
      ASSERT_TRUE(v.has_value()) << WindowAggName(agg);
      EXPECT_EQ(*v, 0) << WindowAggName(agg);
    } else {
      EXPECT_EQ(v, std::nullopt) << WindowAggName(agg);
    }
  }
}

TEST(RollingWindowTest, SingleSample) {
  SampleRing ring;
  ASSERT_TRUE(ring.Append(10'000, 42));
  EXPECT_EQ(ValueAt(WindowAgg::kAvg, 60'000, ring, 10'000), 42);
  EXPECT_EQ(ValueAt(WindowAgg::kSum, 60'000, ring, 10'000), 42);
  EXPECT_EQ(ValueAt(WindowAgg::kMin, 60'000, ring, 10'000), 42);
  EXPECT_EQ(ValueAt(WindowAgg::kMax, 60'000, ring, 10'000), 42);
  EXPECT_EQ(ValueAt(WindowAgg::kLast, 60'000, ring, 10'000), 42);
  EXPECT_EQ(ValueAt(WindowAgg::kCount, 60'000, ring, 10'000), 1);
  for (WindowAgg agg : {WindowAgg::kP50, WindowAgg::kP95, WindowAgg::kP99}) {
    const std::optional<double> v = ValueAt(agg, 60'000, ring, 10'000);
    ASSERT_TRUE(v.has_value());
    EXPECT_NEAR(*v, 42, 42 * 0.005);
  }
}

TEST(RollingWindowTest, BoundariesStartIsOutEndIsIn) {
  SampleRing ring;
  ASSERT_TRUE(ring.Append(1000, 1));
  ASSERT_TRUE(ring.Append(2000, 2));
  ASSERT_TRUE(ring.Append(3000, 4));
  // (now - 2000, now]: at now = 3000 the window is (1000, 3000]: t = 1000 is out, 3000 in.
  EXPECT_EQ(ValueAt(WindowAgg::kCount, 2000, ring, 3000), 2);
  EXPECT_EQ(ValueAt(WindowAgg::kSum, 2000, ring, 3000), 6);
  EXPECT_EQ(ValueAt(WindowAgg::kMin, 2000, ring, 3000), 2);
  EXPECT_EQ(ValueAt(WindowAgg::kLast, 2000, ring, 3000), 4);
  // One ms earlier: (999, 2999] holds 1000 and 2000, not 3000 (t > now waits in the ring).
  EXPECT_EQ(ValueAt(WindowAgg::kSum, 2000, ring, 2999), 3);
  EXPECT_EQ(ValueAt(WindowAgg::kLast, 2000, ring, 2999), 2);
  EXPECT_EQ(ValueAt(WindowAgg::kMax, 2000, ring, 2999), 2);
  // The same, incrementally in one window.
  for (WindowAgg agg : kAllAggs) {
    RollingWindow w(agg, 2000);
    w.Advance(ring, 2999);
    EXPECT_EQ(w.count(), 2u);
    EXPECT_EQ(w.first_needed(), 0u);
    EXPECT_EQ(w.end_seq(), 2u);
    w.Advance(ring, 3000);
    EXPECT_EQ(w.count(), 2u);
    EXPECT_EQ(w.first_needed(), 1u);
    EXPECT_EQ(w.end_seq(), 3u);
    w.Advance(ring, 4999);
    EXPECT_EQ(w.count(), 1u);
    w.Advance(ring, 5000);  // 3000 == now - window: out
    EXPECT_EQ(w.count(), 0u);
    EXPECT_EQ(w.Value().has_value(), agg == WindowAgg::kSum || agg == WindowAgg::kCount);
    EXPECT_EQ(w.rebuilds(), 0u);
  }
}

TEST(RollingWindowTest, OneMillisecondWindowHoldsOnlyNow) {
  SampleRing ring;
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(ring.Append(i, i));
  RollingWindow w(WindowAgg::kSum, 0);  // taken as 1 ms
  EXPECT_EQ(w.window_ms(), 1);
  for (int i = 1; i <= 5; ++i) {
    w.Advance(ring, i);
    EXPECT_EQ(w.count(), 1u);
    EXPECT_EQ(w.Value(), i);
  }
  w.Advance(ring, 6);
  EXPECT_EQ(w.Value(), 0);
}

TEST(RollingWindowTest, IncrementalMatchesKnownValues) {
  SampleRing ring;
  RollingWindow avg(WindowAgg::kAvg, 30'000);
  RollingWindow mn(WindowAgg::kMin, 30'000);
  RollingWindow mx(WindowAgg::kMax, 30'000);
  RollingWindow p50(WindowAgg::kP50, 30'000);
  const double values[] = {5, 3, 3, 8, -2, 7, 7, 1};
  for (int i = 0; i < 8; ++i) {
    const int64_t t = 10'000 * (i + 1);
    ASSERT_TRUE(ring.Append(t, values[i]));
    for (RollingWindow* w : {&avg, &mn, &mx, &p50}) w->Advance(ring, t);
  }
  // Window (50000, 80000]: 7, 7, 1.
  EXPECT_EQ(avg.count(), 3u);
  EXPECT_EQ(avg.Value(), 5);
  EXPECT_EQ(mn.Value(), 1);
  EXPECT_EQ(mx.Value(), 7);
  EXPECT_NEAR(*p50.Value(), 7, 0.035);
  // Ties: the min deque keeps the newest of equal values.
  RollingWindow tie(WindowAgg::kMin, 20'000);
  tie.Advance(ring, 30'000);  // 3, 3
  EXPECT_EQ(tie.Value(), 3);
  tie.Advance(ring, 40'000);  // 3, 8
  EXPECT_EQ(tie.Value(), 3);
  tie.Advance(ring, 50'000);  // 8, -2
  EXPECT_EQ(tie.Value(), -2);
}

TEST(RollingWindowTest, GapEmptiesTheWindowAndSkipsOldSamples) {
  SampleRing ring;
  RollingWindow w(WindowAgg::kAvg, 10'000);
  ASSERT_TRUE(ring.Append(1000, 1));
  w.Advance(ring, 1000);
  EXPECT_EQ(w.Value(), 1);
  // Several samples appended while the window was not advanced; most are already out at 100000.
  for (int i = 2; i <= 100; ++i) ASSERT_TRUE(ring.Append(1000 * i, i));
  w.Advance(ring, 100'000);
  EXPECT_EQ(w.count(), 10u);  // 91000 .. 100000
  EXPECT_EQ(w.Value(), 95.5);
  w.Advance(ring, 1'000'000);
  EXPECT_EQ(w.count(), 0u);
  EXPECT_EQ(w.Value(), std::nullopt);
  ASSERT_TRUE(ring.Append(1'000'500, -4));
  w.Advance(ring, 1'001'000);
  EXPECT_EQ(w.Value(), -4);
  EXPECT_EQ(w.rebuilds(), 0u);
}

TEST(RollingWindowTest, NewWindowPrimesFromTheRing) {
  SampleRing ring;
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(ring.Append(10'000 * i, i % 100));
  ring.Trim(10'000 * 500);
  RollingWindow w(WindowAgg::kCount, 120'000);
  w.Advance(ring, 10'000 * 9'999);
  EXPECT_EQ(w.Value(), 12);
  EXPECT_EQ(w.first_needed(), 9'988u);
  EXPECT_EQ(w.rebuilds(), 0u);
  RollingWindow all(WindowAgg::kMax, 1'000'000'000);
  all.Advance(ring, 10'000 * 9'999);
  EXPECT_EQ(all.count(), 9'500u);  // what the ring still holds
  EXPECT_EQ(all.Value(), 99);
}

TEST(RollingWindowTest, SafeTrimNeedsNoRebuild) {
  SampleRing ring;
  std::vector<RollingWindow> windows;
  for (WindowAgg agg : kAllAggs) {
    windows.emplace_back(agg, 60'000);
    windows.emplace_back(agg, 600'000);
  }
  for (int i = 1; i <= 1000; ++i) {
    const int64_t now = 10'000 * i;
    ASSERT_TRUE(ring.Append(now, std::sin(i) * 100));
    for (RollingWindow& w : windows) w.Advance(ring, now);
    if (i % 2) {
      ring.Trim(now - 600'000);
    } else {
      uint64_t needed = ring.end_seq();
      for (const RollingWindow& w : windows) needed = std::min(needed, w.first_needed());
      ring.TrimTo(needed);
    }
    ASSERT_LE(ring.size(), 61u);
  }
  for (const RollingWindow& w : windows) {
    EXPECT_EQ(w.rebuilds(), 0u) << WindowAggName(w.agg());
    EXPECT_EQ(w.count(), w.window_ms() / 10'000);
  }
}

TEST(RollingWindowTest, RebuildsWhenItsSamplesWereTrimmedAway) {
  SampleRing ring;
  RollingWindow sum(WindowAgg::kSum, 100'000);
  RollingWindow mn(WindowAgg::kMin, 100'000);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(ring.Append(10'000 * i, i));
  sum.Advance(ring, 100'000);
  mn.Advance(ring, 100'000);
  EXPECT_EQ(sum.Value(), 55);
  EXPECT_EQ(mn.Value(), 1);
  ring.TrimTo(5);  // samples 1..5 are still in both windows: too far
  ASSERT_TRUE(ring.Append(110'000, 11));
  sum.Advance(ring, 110'000);
  mn.Advance(ring, 110'000);
  EXPECT_EQ(sum.rebuilds(), 1u);
  EXPECT_EQ(mn.rebuilds(), 1u);
  EXPECT_EQ(sum.Value(), 6 + 7 + 8 + 9 + 10 + 11);  // what the ring holds
  EXPECT_EQ(mn.Value(), 6);
}

TEST(RollingWindowTest, RebuildsWhenTimeGoesBackwards) {
  SampleRing ring;
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(ring.Append(10 * i, i));
  RollingWindow w(WindowAgg::kSum, 30);
  w.Advance(ring, 100);
  EXPECT_EQ(w.Value(), 8 + 9 + 10);
  w.Advance(ring, 50);
  EXPECT_EQ(w.rebuilds(), 1u);
  EXPECT_EQ(w.Value(), 3 + 4 + 5);
  w.Reset();
  EXPECT_EQ(w.rebuilds(), 0u);
  EXPECT_EQ(w.now_ms(), std::nullopt);
  w.Advance(ring, 20);
  EXPECT_EQ(w.Value(), 1 + 2);
}

TEST(RollingWindowTest, ARingThatDoesNotHoldTheWindowsPositionsRebuilds) {
  SampleRing a;
  SampleRing b;
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(a.Append(i, 1));
  ASSERT_TRUE(b.Append(5, 100));
  RollingWindow w(WindowAgg::kSum, 100);
  w.Advance(a, 10);
  EXPECT_EQ(w.Value(), 10);
  w.Advance(b, 10);  // a programming error, but not undefined behaviour
  EXPECT_EQ(w.rebuilds(), 1u);
  EXPECT_EQ(w.Value(), 100);
}

TEST(RollingWindowTest, SumSurvivesCancellation) {
  SampleRing ring;
  RollingWindow sum(WindowAgg::kSum, 30);
  RollingWindow avg(WindowAgg::kAvg, 30);
  // 1e16 + 1 + (-1e16): a plain running sum loses the 1 for good.
  const double values[] = {1e16, 1, -1e16, 0.1, 0.2, 0.3};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(ring.Append(10 * (i + 1), values[i]));
    sum.Advance(ring, 10 * (i + 1));
    avg.Advance(ring, 10 * (i + 1));
  }
  // The correctly rounded exact sum of the doubles 0.1, 0.2 and 0.3 is 0.6, not the
  // 0.6000000000000001 of a plain left-to-right sum.
  EXPECT_EQ(sum.Value(), 0.6);
  EXPECT_EQ(avg.Value(), 0.6 / 3);
  RollingWindow first(WindowAgg::kSum, 30);
  first.Advance(ring, 30);  // 1e16, 1, -1e16
  EXPECT_EQ(first.Value(), 1);
  // And after the big values left: only 1 remains between them.
  RollingWindow one(WindowAgg::kSum, 20);
  one.Advance(ring, 30);  // 1, -1e16
  one.Advance(ring, 40);  // -1e16, 0.1
  EXPECT_EQ(one.Value(), -1e16 + 0.1);
  one.Advance(ring, 50);                        // 0.1, 0.2
  EXPECT_EQ(one.Value(), 0.30000000000000004);  // the correctly rounded 0.1 + 0.2
}

TEST(RollingWindowTest, SumRecoversAfterOverflow) {
  SampleRing ring;
  RollingWindow sum(WindowAgg::kSum, 30);
  const double values[] = {1e308, 1e308, 1, 2, 3, 4, 5, 6, 7};
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(ring.Append(10 * (i + 1), values[i]));
    sum.Advance(ring, 10 * (i + 1));
    if (i == 1) {
      EXPECT_FALSE(std::isfinite(*sum.Value()));
    }
  }
  EXPECT_EQ(sum.Value(), 5 + 6 + 7);
}

TEST(RollingWindowTest, MovedWindowKeepsItsState) {
  SampleRing ring;
  for (int i = 1; i <= 50; ++i) ASSERT_TRUE(ring.Append(i, i));
  RollingWindow a(WindowAgg::kP95, 20);
  a.Advance(ring, 40);
  RollingWindow b = std::move(a);
  EXPECT_NEAR(*b.Value(), 39, 0.2);  // 21..40: nearest rank ceil(0.95 * 20) = 19th
  b.Advance(ring, 50);
  EXPECT_NEAR(*b.Value(), 49, 0.25);
  EXPECT_GT(b.memory_bytes(), 0u);
  RollingWindow c(WindowAgg::kMin, 5);
  c = std::move(b);
  EXPECT_EQ(c.agg(), WindowAgg::kP95);
  EXPECT_EQ(c.count(), 20u);
}

}  // namespace
}  // namespace botmon
