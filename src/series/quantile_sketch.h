// QuantileSketch: a mergeable quantile sketch for latencies in milliseconds with a relative-error
// guarantee (SPEC 1.1: p50/p95/p99 "relative error ≤ 1 %"), in the style of DDSketch
// (Masson, Rim, Lee, VLDB 2019).
//
// How it works. A value v ≥ kMinIndexable falls into bucket i = ceil(log_γ v), which covers
// (γ^(i-1), γ^i], with γ = (1 + α) / (1 - α). Every value in a bucket is reported as
// 2γ^i / (γ + 1), which is within a relative α of each of them. Values below kMinIndexable
// (1 µs, including 0) share one zero bucket and are reported as the sketch's minimum, i.e. within
// an absolute 1e-3 ms. Buckets live in one dense array over the contiguous index range seen so
// far; two sketches merge by adding their arrays, so merging split data gives exactly the sketch
// of all the data.
//
// Accuracy contract. For q in [0, 1] and n values, Quantile(q) answers for the element of rank
// k = ceil(q·n) − 1 (clamped to [0, n−1]) of the sorted values ("nearest rank": the smallest value
// with at least q·n values ≤ it). Quantile(0) is the exact minimum and Quantile(1) the exact
// maximum. With α = 0.005 every other answer is within 0.5 % of that element (the SPEC asks for
// 1 %), as long as the buckets are not collapsed: that needs the ratio between the largest value
// and the smallest indexable one to stay under γ^kMaxBuckets ≈ 6e17 (1 µs to 19,000 years).
// Beyond that the lowest buckets are folded into one, which only degrades the lowest quantiles.
//
// Memory: at most kMaxBuckets counters (32 KiB); latencies from 1 ms to 1 h need about 1,500.
//
// Inputs: NaN and +∞ are ignored; negative values (a skewed clock) count as 0.
//
// Thread-safety: a value type with no internal locking. Const methods may run concurrently;
// anything else needs external synchronization.
#ifndef BOTMON_SERIES_QUANTILE_SKETCH_H_
#define BOTMON_SERIES_QUANTILE_SKETCH_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace botmon {
namespace sketch_internal {

// ln γ = ln((1 + α) / (1 − α)) = 2·atanh(α) = 2(α + α³/3 + α⁵/5 + ...), as a constant expression.
constexpr double LogGamma(double alpha) {
  double term = alpha;
  double sum = 0;
  for (int k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= alpha * alpha;
  }
  return 2 * sum;
}

}  // namespace sketch_internal

class QuantileSketch {
 public:
  // α: the relative error of one bucket's representative value.
  static constexpr double kRelativeAccuracy = 0.005;
  // Values below this (in ms) count as zero.
  static constexpr double kMinIndexable = 1e-3;
  // Hard cap on the dense bucket array.
  static constexpr int kMaxBuckets = 4096;

  QuantileSketch() = default;

  // Counts one value (see the header comment for NaN, ∞ and negatives).
  void Add(double v) {
    if (!(v < std::numeric_limits<double>::infinity())) return;  // NaN, +inf
    if (v < 0) v = 0;
    ++count_;
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
    if (v < kMinIndexable) {
      ++zero_count_;
      return;
    }
    const int index = IndexOf(v);
    const uint64_t pos = static_cast<uint64_t>(static_cast<int64_t>(index) - offset_);
    if (pos < counts_.size()) {
      ++counts_[pos];
      return;
    }
    AddSlow(index);
  }

  // Adds every value counted by `other` (which may be *this).
  void Merge(const QuantileSketch& other);

  // The value at quantile q (see the accuracy contract above). NaN if empty or q is NaN;
  // q outside [0, 1] is clamped.
  double Quantile(double q) const;

  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Exact extremes; NaN if empty.
  double min() const { return empty() ? std::numeric_limits<double>::quiet_NaN() : min_; }
  double max() const { return empty() ? std::numeric_limits<double>::quiet_NaN() : max_; }
  // Size of the dense bucket array (memory use is 8 bytes per bucket).
  size_t bucket_count() const { return counts_.size(); }

  void Clear();

  // A compact byte string (a version byte, varints, zero runs compressed) from which Deserialize
  // rebuilds a sketch with the same answers. Equal sketches serialize to equal strings.
  std::string Serialize() const;
  // Rebuilds a sketch; kCorruption for anything Serialize could not have produced.
  static StatusOr<QuantileSketch> Deserialize(std::string_view bytes);

  // The bucket index of v: ceil(log_γ v). REQUIRES: kMinIndexable <= v < +inf.
  static int IndexOf(double v) { return static_cast<int>(std::ceil(std::log(v) * kInvLogGamma)); }
  // The value reported for bucket `index`: 2γ^index / (γ + 1).
  static double BucketValue(int index);

 private:
  static constexpr double kLogGamma = sketch_internal::LogGamma(kRelativeAccuracy);
  static constexpr double kInvLogGamma = 1 / kLogGamma;

  void AddSlow(int index);
  // Makes the array cover [lo, hi] (growing with some slack); if that exceeds kMaxBuckets, the
  // lowest buckets are folded into the new lowest one.
  void EnsureRange(int lo, int hi);
  // Adds n to bucket `index`, or to the lowest bucket if `index` lies below a collapsed range.
  // REQUIRES: EnsureRange covered index (or a higher one).
  void AddToBucket(int index, uint64_t n);
  double ClampedValue(int index) const;

  std::vector<uint64_t> counts_;  // counts_[i] counts bucket offset_ + i
  int64_t offset_ = 0;
  uint64_t zero_count_ = 0;
  uint64_t count_ = 0;  // zero_count_ + sum of counts_
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace botmon

#endif  // BOTMON_SERIES_QUANTILE_SKETCH_H_
