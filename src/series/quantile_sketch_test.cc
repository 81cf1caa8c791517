#include "series/quantile_sketch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace botmon {
namespace {

// The nearest-rank quantile of sorted data, exactly as documented in quantile_sketch.h.
double NearestRank(const std::vector<double>& sorted, double q) {
  const double n = static_cast<double>(sorted.size());
  const double rank = std::clamp(std::ceil(q * n) - 1, 0.0, n - 1);
  return sorted[static_cast<size_t>(rank)];
}

constexpr double kQuantiles[] = {0, 0.001, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};

// Every answer must be within the design accuracy α (half of the 1 % the SPEC allows); values
// below kMinIndexable are only promised within an absolute 1e-3 ms.
void ExpectAccurate(const std::vector<double>& data, const std::string& label) {
  QuantileSketch sketch;
  for (double v : data) sketch.Add(v);
  std::vector<double> sorted = data;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(sketch.count(), data.size()) << label;
  for (double q : kQuantiles) {
    const double exact = NearestRank(sorted, q);
    const double got = sketch.Quantile(q);
    if (exact < QuantileSketch::kMinIndexable) {
      EXPECT_LT(std::abs(got - exact), QuantileSketch::kMinIndexable)
          << label << " q=" << q << " exact=" << exact << " got=" << got;
    } else {
      const double rel = std::abs(got - exact) / exact;
      EXPECT_LE(rel, QuantileSketch::kRelativeAccuracy * (1 + 1e-9))
          << label << " q=" << q << " exact=" << exact << " got=" << got;
      EXPECT_LE(rel, 0.01) << label;
    }
  }
  EXPECT_EQ(sketch.Quantile(0), sorted.front()) << label;
  EXPECT_EQ(sketch.Quantile(1), sorted.back()) << label;
}

using Generator = std::function<double(std::mt19937_64&)>;

struct Distribution {
  const char* name;
  Generator next;
};

std::vector<Distribution> Distributions() {
  return {
      {"uniform",
       [](std::mt19937_64& r) { return std::uniform_real_distribution<double>(0, 1000)(r); }},
      {"exponential",
       [](std::mt19937_64& r) { return std::exponential_distribution<double>(1 / 120.0)(r); }},
      {"lognormal",
       [](std::mt19937_64& r) { return std::lognormal_distribution<double>(4, 1.5)(r); }},
      {"bimodal",
       [](std::mt19937_64& r) {
         // Fast cache hits around 20 ms and slow LLM calls around 2 s.
         if (std::bernoulli_distribution(0.8)(r)) {
           return std::abs(std::normal_distribution<double>(20, 3)(r));
         }
         return std::abs(std::normal_distribution<double>(2000, 300)(r));
       }},
      {"constant", [](std::mt19937_64&) { return 42.0; }},
      {"tiny",
       [](std::mt19937_64& r) {
         // Around the zero-bucket threshold, from 1e-6 to 1e-1 ms.
         return std::pow(10.0, std::uniform_real_distribution<double>(-6, -1)(r));
       }},
      {"huge",
       [](std::mt19937_64& r) {
         // Up to an hour in ms, and far beyond.
         return std::pow(10.0, std::uniform_real_distribution<double>(3, 12)(r));
       }},
      {"integers",
       [](std::mt19937_64& r) {
         return static_cast<double>(std::uniform_int_distribution<int>(0, 50)(r));
       }},
  };
}

TEST(QuantileSketch, MatchesNearestRankOnEveryDistributionAndSize) {
  const size_t sizes[] = {1, 2, 3, 7, 10, 100, 1000, 10007, 100000, 1000000};
  uint64_t seed = 1;
  for (const Distribution& d : Distributions()) {
    for (size_t n : sizes) {
      std::mt19937_64 rng(seed++);
      std::vector<double> data(n);
      for (double& v : data) v = d.next(rng);
      ExpectAccurate(data, std::string(d.name) + " n=" + std::to_string(n));
    }
  }
}

TEST(QuantileSketch, ExactValuesAtBucketEdges) {
  // Powers of γ are bucket boundaries; floating-point rounding of log() may put them on either
  // side, and the answer must still be within α.
  const double gamma =
      (1 + QuantileSketch::kRelativeAccuracy) / (1 - QuantileSketch::kRelativeAccuracy);
  std::vector<double> data;
  for (int i = -600; i < 2000; i += 7) {
    const double edge = std::pow(gamma, i);
    data.push_back(edge);
    data.push_back(std::nextafter(edge, 0.0));
    data.push_back(std::nextafter(edge, 1e300));
  }
  ExpectAccurate(data, "edges");
}

TEST(QuantileSketch, EmptyIsNaN) {
  QuantileSketch s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(std::isnan(s.Quantile(0.5)));
  EXPECT_TRUE(std::isnan(s.Quantile(0)));
  EXPECT_TRUE(std::isnan(s.min()));
  EXPECT_TRUE(std::isnan(s.max()));
}

TEST(QuantileSketch, SingleValueIsExact) {
  QuantileSketch s;
  s.Add(123.456);
  for (double q : kQuantiles) EXPECT_EQ(s.Quantile(q), 123.456);
}

TEST(QuantileSketch, QuantileArgumentOutsideRange) {
  QuantileSketch s;
  for (int i = 1; i <= 100; ++i) s.Add(i);
  EXPECT_EQ(s.Quantile(-3), 1);
  EXPECT_EQ(s.Quantile(7), 100);
  EXPECT_TRUE(std::isnan(s.Quantile(std::nan(""))));
}

TEST(QuantileSketch, NearestRankOnSmallIntegers) {
  // 1..100: p50 is 50 (rank ceil(50) - 1 = 49), p95 is 95, p99 is 99, p0.5 % is 1.
  QuantileSketch s;
  for (int i = 100; i >= 1; --i) s.Add(i);
  EXPECT_NEAR(s.Quantile(0.5), 50, 50 * QuantileSketch::kRelativeAccuracy);
  EXPECT_NEAR(s.Quantile(0.95), 95, 95 * QuantileSketch::kRelativeAccuracy);
  EXPECT_NEAR(s.Quantile(0.99), 99, 99 * QuantileSketch::kRelativeAccuracy);
  EXPECT_NEAR(s.Quantile(0.011), 2, 2 * QuantileSketch::kRelativeAccuracy);
}

TEST(QuantileSketch, IgnoresNaNAndInfinityAndClampsNegatives) {
  QuantileSketch s;
  s.Add(std::numeric_limits<double>::quiet_NaN());
  s.Add(std::numeric_limits<double>::infinity());
  EXPECT_EQ(s.count(), 0u);
  s.Add(-5);  // a skewed clock: counts as 0
  s.Add(-std::numeric_limits<double>::infinity());
  s.Add(10);
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.min(), 0);
  EXPECT_EQ(s.Quantile(0), 0);
  EXPECT_EQ(s.Quantile(0.5), 0);
  EXPECT_EQ(s.Quantile(1), 10);
}

TEST(QuantileSketch, ZerosAndTinyValuesShareTheZeroBucket) {
  QuantileSketch s;
  for (int i = 0; i < 50; ++i) s.Add(0);
  for (int i = 0; i < 30; ++i) s.Add(0.0004);
  for (int i = 0; i < 20; ++i) s.Add(5);
  EXPECT_EQ(s.bucket_count() > 0, true);
  EXPECT_EQ(s.Quantile(0.5), 0);
  EXPECT_LT(s.Quantile(0.8), QuantileSketch::kMinIndexable);
  EXPECT_NEAR(s.Quantile(0.81), 5, 5 * QuantileSketch::kRelativeAccuracy);
}

std::vector<double> Sample(const Distribution& d, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> data(n);
  for (double& v : data) v = d.next(rng);
  return data;
}

TEST(QuantileSketch, MergeOfSplitDataEqualsSketchOfAllData) {
  uint64_t seed = 100;
  for (const Distribution& d : Distributions()) {
    const std::vector<double> data = Sample(d, 50000, seed++);
    QuantileSketch all;
    for (double v : data) all.Add(v);
    // Split at uneven points into 7 parts (one of them empty), merged in an odd order.
    const size_t cuts[] = {0, 10, 10, 9000, 9001, 30000, 49999, 50000};
    std::vector<QuantileSketch> parts(7);
    for (size_t p = 0; p < 7; ++p) {
      for (size_t i = cuts[p]; i < cuts[p + 1]; ++i) parts[p].Add(data[i]);
    }
    QuantileSketch merged;
    for (size_t p : {3, 0, 6, 1, 5, 2, 4}) merged.Merge(parts[p]);
    EXPECT_EQ(merged.count(), all.count()) << d.name;
    EXPECT_EQ(merged.min(), all.min()) << d.name;
    EXPECT_EQ(merged.max(), all.max()) << d.name;
    for (double q : kQuantiles) EXPECT_EQ(merged.Quantile(q), all.Quantile(q)) << d.name << q;
    EXPECT_EQ(merged.Serialize(), all.Serialize()) << d.name;
  }
}

TEST(QuantileSketch, MergeIntoItselfDoublesEveryCount) {
  QuantileSketch s;
  QuantileSketch twice;
  for (int i = 1; i <= 1000; ++i) {
    s.Add(i * 1.5);
    twice.Add(i * 1.5);
    twice.Add(i * 1.5);
  }
  s.Merge(s);
  EXPECT_EQ(s.Serialize(), twice.Serialize());
}

TEST(QuantileSketch, MergeWithEmptyChangesNothing) {
  QuantileSketch s;
  for (int i = 1; i <= 10; ++i) s.Add(i);
  const std::string before = s.Serialize();
  s.Merge(QuantileSketch());
  EXPECT_EQ(s.Serialize(), before);
  QuantileSketch empty;
  empty.Merge(s);
  EXPECT_EQ(empty.Serialize(), before);
}

TEST(QuantileSketch, MemoryStaysBoundedForMillisecondLatencies) {
  // From 1 µs to one hour: the whole span fits without collapsing.
  QuantileSketch s;
  s.Add(QuantileSketch::kMinIndexable);
  s.Add(3.6e6);
  EXPECT_LE(s.bucket_count(), static_cast<size_t>(QuantileSketch::kMaxBuckets));
  EXPECT_LT(QuantileSketch::IndexOf(3.6e6) - QuantileSketch::IndexOf(1e-3), 2300);
  // A typical 1 ms .. 60 s spread uses about 1,100 buckets.
  QuantileSketch t;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    t.Add(std::pow(10.0, std::uniform_real_distribution<double>(0, 4.78)(rng)));
  }
  EXPECT_LE(t.bucket_count(), 1400u);
}

TEST(QuantileSketch, CollapsesLowestBucketsBeyondTheCapAndKeepsHighQuantiles) {
  // Log-uniform over 30 decades needs ~6,900 buckets: the lowest ~2,800 are folded together.
  std::mt19937_64 rng(11);
  std::vector<double> data(20000);
  for (double& v : data) v = std::pow(10.0, std::uniform_real_distribution<double>(0, 30)(rng));
  QuantileSketch s;
  for (double v : data) s.Add(v);
  EXPECT_EQ(s.bucket_count(), static_cast<size_t>(QuantileSketch::kMaxBuckets));
  std::sort(data.begin(), data.end());
  for (double q : {0.5, 0.9, 0.95, 0.99, 0.999}) {
    const double exact = NearestRank(data, q);
    EXPECT_LE(std::abs(s.Quantile(q) - exact) / exact,
              QuantileSketch::kRelativeAccuracy * (1 + 1e-9))
        << q;
  }
  EXPECT_EQ(s.Quantile(0), data.front());
  EXPECT_EQ(s.Quantile(1), data.back());
  // A low quantile lands in the folded bucket: still within [min, max].
  EXPECT_GE(s.Quantile(0.01), data.front());
  // Merging collapsed sketches keeps the cap.
  QuantileSketch m = s;
  m.Merge(s);
  EXPECT_EQ(m.bucket_count(), static_cast<size_t>(QuantileSketch::kMaxBuckets));
  EXPECT_EQ(m.count(), 2 * s.count());
}

TEST(QuantileSketch, ExtremeMagnitudes) {
  QuantileSketch s;
  s.Add(std::numeric_limits<double>::max());
  s.Add(std::numeric_limits<double>::denorm_min());
  s.Add(1.0);
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.Quantile(1), std::numeric_limits<double>::max());
  EXPECT_EQ(s.Quantile(0), std::numeric_limits<double>::denorm_min());
  EXPECT_LE(s.bucket_count(), static_cast<size_t>(QuantileSketch::kMaxBuckets));
  EXPECT_TRUE(std::isfinite(s.Quantile(0.5)));
}

TEST(QuantileSketch, ClearForgetsEverything) {
  QuantileSketch s;
  for (int i = 0; i < 100; ++i) s.Add(i);
  s.Clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.bucket_count(), 0u);
  EXPECT_EQ(s.Serialize(), QuantileSketch().Serialize());
  s.Add(3);
  EXPECT_EQ(s.Quantile(0.5), 3);
}

TEST(QuantileSketch, BucketValueIsWithinAlphaOfItsBucket) {
  const double gamma =
      (1 + QuantileSketch::kRelativeAccuracy) / (1 - QuantileSketch::kRelativeAccuracy);
  for (int i = -690; i < 3000; i += 13) {
    const double upper = std::pow(gamma, i);
    const double lower = upper / gamma;
    const double v = QuantileSketch::BucketValue(i);
    EXPECT_LE((upper - v) / upper, QuantileSketch::kRelativeAccuracy * (1 + 1e-9));
    EXPECT_LE((v - lower) / lower, QuantileSketch::kRelativeAccuracy * (1 + 1e-9));
  }
}

// --- serialization ---

void ExpectSameAnswers(const QuantileSketch& a, const QuantileSketch& b) {
  EXPECT_EQ(a.count(), b.count());
  for (double q : kQuantiles) {
    const double x = a.Quantile(q);
    const double y = b.Quantile(q);
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(y));
    } else {
      EXPECT_EQ(x, y) << q;
    }
  }
}

TEST(QuantileSketch, SerializeRoundTrips) {
  uint64_t seed = 300;
  for (const Distribution& d : Distributions()) {
    for (size_t n : {0, 1, 5, 1000, 100000}) {
      QuantileSketch s;
      for (double v : Sample(d, n, seed++)) s.Add(v);
      const std::string bytes = s.Serialize();
      StatusOr<QuantileSketch> back = QuantileSketch::Deserialize(bytes);
      ASSERT_TRUE(back.ok()) << d.name << " " << n << ": " << back.status().ToString();
      ExpectSameAnswers(s, *back);
      EXPECT_EQ(back->Serialize(), bytes);
      // A deserialized sketch keeps working.
      back->Add(17);
      EXPECT_EQ(back->count(), n + 1);
    }
  }
}

TEST(QuantileSketch, SerializedFormIsCompact) {
  // 100,000 latencies, 1 ms .. 60 s: ~1,100 buckets, almost all with counts below 128.
  QuantileSketch s;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 100000; ++i) s.Add(std::lognormal_distribution<double>(4, 1.5)(rng));
  EXPECT_LT(s.Serialize().size(), 2500u);
  // A per-tick sketch with a handful of values stays tiny thanks to zero runs.
  QuantileSketch t;
  for (double v : {12.0, 15.5, 240.0, 3100.0}) t.Add(v);
  EXPECT_LT(t.Serialize().size(), 40u);
}

TEST(QuantileSketch, DeserializeRejectsMalformedInput) {
  EXPECT_EQ(QuantileSketch::Deserialize("").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(QuantileSketch::Deserialize(std::string("\x02\x00", 2)).status().code(),
            StatusCode::kCorruption);  // unknown version
  EXPECT_EQ(QuantileSketch::Deserialize(std::string("\x01\x00\x00", 3)).status().code(),
            StatusCode::kCorruption);  // trailing byte after an empty sketch
  EXPECT_TRUE(QuantileSketch::Deserialize(std::string("\x01\x00", 2)).ok());

  QuantileSketch s;
  for (int i = 1; i <= 500; ++i) s.Add(i * 0.37);
  s.Add(0);
  const std::string good = s.Serialize();
  // Every proper prefix is truncated and must be rejected.
  for (size_t len = 0; len < good.size(); ++len) {
    EXPECT_EQ(QuantileSketch::Deserialize(good.substr(0, len)).status().code(),
              StatusCode::kCorruption)
        << len;
  }
  EXPECT_FALSE(QuantileSketch::Deserialize(good + "x").ok());
}

TEST(QuantileSketch, DeserializeRejectsInconsistentFields) {
  // Hand-built encodings: version 1, count 1, min, max, zero_count, span, index, counts.
  auto build = [](uint64_t count, double min, double max, uint64_t zeros, uint64_t span,
                  std::vector<uint64_t> rest) {
    std::string out("\x01", 1);
    auto varint = [&out](uint64_t v) {
      while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
      }
      out.push_back(static_cast<char>(v));
    };
    varint(count);
    for (double d : {min, max}) {
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
    }
    varint(zeros);
    varint(span);
    for (uint64_t v : rest) varint(v);
    return out;
  };
  const uint64_t idx = 2 * static_cast<uint64_t>(QuantileSketch::IndexOf(10));  // zigzag
  EXPECT_TRUE(QuantileSketch::Deserialize(build(1, 10, 10, 0, 1, {idx, 1})).ok());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::string> bad = {
      build(1, nan, 10, 0, 1, {idx, 1}),             // NaN extreme
      build(1, 10, 5, 0, 1, {idx, 1}),               // min > max
      build(1, -1, 10, 0, 1, {idx, 1}),              // negative min
      build(2, 10, 10, 0, 1, {idx, 1}),              // counts do not add up
      build(1, 10, 10, 0, 1, {idx, 2}),              // bucket count above total
      build(1, 10, 10, 2, 1, {idx, 1}),              // zero count above total
      build(1, 10, 10, 1, 0, {}),                    // zero bucket but min >= 1e-3
      build(1, 0, 0, 0, 0, {}),                      // min in the zero bucket but no zero count
      build(1, 10, 10, 0, 5000, {idx, 1}),           // span above the cap
      build(1, 10, 10, 0, 1, {2 * 100000, 1}),       // index beyond the largest double
      build(1, 10, 10, 0, 1, {2 * 2000 + 1, 1}),     // index below 1e-3
      build(1, 10, 10, 0, 3, {idx, 0, 2, 1}),        // leading zero run (untrimmed)
      build(1, 10, 10, 0, 3, {idx, 1, 0, 2}),        // trailing zero run (untrimmed)
      build(2, 10, 20, 0, 4, {idx, 1, 0, 1, 0, 1}),  // two adjacent zero runs
      build(2, 10, 20, 0, 3, {idx, 1, 0, 5, 1}),     // zero run longer than the span
      build(1, 10, 10, 0, 1, {idx, 0, 0}),           // empty zero run
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(QuantileSketch::Deserialize(bad[i]).status().code(), StatusCode::kCorruption) << i;
  }
}

TEST(QuantileSketch, DeserializeSurvivesRandomCorruption) {
  QuantileSketch s;
  std::mt19937_64 rng(99);
  for (int i = 0; i < 5000; ++i) s.Add(std::exponential_distribution<double>(0.01)(rng));
  for (int i = 0; i < 20; ++i) s.Add(0);
  const std::string good = s.Serialize();
  int accepted = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      const size_t bit = rng() % (bytes.size() * 8);
      bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
    }
    StatusOr<QuantileSketch> r = QuantileSketch::Deserialize(bytes);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
      continue;
    }
    // Whatever was accepted is a consistent sketch.
    ++accepted;
    const double p50 = r->Quantile(0.5);
    EXPECT_GE(p50, r->min());
    EXPECT_LE(p50, r->max());
    EXPECT_EQ(QuantileSketch::Deserialize(r->Serialize()).ok(), true);
  }
  // Random byte strings.
  for (int trial = 0; trial < 20000; ++trial) {
    std::string bytes(1 + rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (trial % 2 == 0) bytes[0] = 1;  // get past the version check half the time
    StatusOr<QuantileSketch> r = QuantileSketch::Deserialize(bytes);
    if (r.ok()) {
      EXPECT_FALSE(std::isnan(r->Quantile(0.9)) && r->count() > 0);
    }
  }
  // Bit flips in counts can still decode to a valid sketch; most flips must not.
  EXPECT_LT(accepted, 20000 / 2);
}

}  // namespace
}  // namespace botmon
