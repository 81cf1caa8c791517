// SlidingSketch: a quantile sketch with Add AND Remove of a value, for the p50/p95/p99 rolling
// windows of the alert evaluator (SPEC 7.2: "pXX is the quantile of the per-tick values (sketch,
// <= 1 % relative error)").
//
// Why not series/QuantileSketch: that one is made for latencies and merging (negatives count as
// 0, values under 1 us share one bucket, exact min/max that a removal could not maintain, buckets
// folded when the range is very wide). A window over an arbitrary field needs negative values,
// removal, and a quantile query whose cost does not depend on the window's length. Both use the
// same buckets for positive values (same gamma, QuantileSketch::BucketValue), so the two report
// the same representative value for the same bucket.
//
// Buckets. A value v with |v| >= kMinMagnitude falls into bucket i = ceil(log_gamma |v|), which
// covers (gamma^(i-1), gamma^i] in magnitude, gamma = (1 + a) / (1 - a), a = 0.005; it is
// reported as +-2 gamma^i / (gamma + 1), within a relative `a` of every value in the bucket.
// Values with |v| < kMinMagnitude (including 0) share the zero bucket, reported as 0 (absolute
// error < 1e-9). Buckets are numbered by a monotone integer key (negative values get negative
// keys, 0 the zero bucket), so that the order of keys is the order of the values.
//
// Accuracy contract: ValueAtRank(k) answers for the k-th smallest value (0-based) within a
// relative 0.5 % (or an absolute 1e-9 for |v| < 1e-9); Quantile(p) uses the nearest-rank
// definition of QuantileSketch: k = ceil(p/100 * n) - 1, clamped to [0, n - 1].
//
// Cost. Add and Remove are O(1) (one log, one counter, one bit); the dense counter array grows
// by a proportional amount when a value falls outside it (amortized O(1)) and shrinks when the
// occupied range becomes much narrower. A query moves a cursor from the previous answer's bucket
// to the new one, skipping empty buckets 64 at a time, so a stable distribution costs O(1) per
// query whatever the number of values. Memory: 4 bytes per bucket in the occupied key range (plus
// 1 bit): about 230 buckets per decade of magnitude; a window with values from 1 to 1000 uses
// about 3 KiB, and one whose values change sign spans the keys down to 1e-9 on both sides (about
// 19 KiB for values within +-10).
//
// Thread-safety: a value type without locking; even queries move the cursor (not const).
#ifndef BOTMON_WINDOW_SLIDING_SKETCH_H_
#define BOTMON_WINDOW_SLIDING_SKETCH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace botmon {

class SlidingSketch {
 public:
  // The relative error of one bucket's representative value (as QuantileSketch).
  static constexpr double kRelativeAccuracy = 0.005;
  // Values with a smaller magnitude count as 0.
  static constexpr double kMinMagnitude = 1e-9;

  SlidingSketch() = default;

  // The bucket key of a finite value: monotone (v <= w implies KeyOf(v) <= KeyOf(w)), 0 for
  // |v| < kMinMagnitude, negative for negative values.
  static int32_t KeyOf(double v);
  // The value reported for a bucket key.
  static double KeyValue(int32_t key);

  // Counts one value. REQUIRES: v is finite.
  void Add(double v) { AddKey(KeyOf(v)); }
  // Uncounts one value. REQUIRES: v was added and not removed since.
  void Remove(double v) { RemoveKey(KeyOf(v)); }
  void AddKey(int32_t key) {
    if (count_ == 0 || key < lo_ || key >= lo_ + static_cast<int32_t>(counts_.size())) {
      AddKeySlow(key);
      return;
    }
    const size_t i = IndexOf(key);
    if (counts_[i]++ == 0) nonzero_[i / 64] |= uint64_t{1} << (i % 64);
    if (key < cursor_) ++below_;
    ++count_;
  }
  // REQUIRES: a value of this key is counted.
  void RemoveKey(int32_t key) {
    const size_t i = IndexOf(key);
    if (--counts_[i] == 0) nonzero_[i / 64] &= ~(uint64_t{1} << (i % 64));
    if (key < cursor_) --below_;
    --count_;
    if (++removes_since_check_ >= kShrinkCheckEvery) {
      removes_since_check_ = 0;
      MaybeShrink();
    }
  }

  // The representative value of the k-th smallest counted value (0-based). REQUIRES: k < count().
  double ValueAtRank(uint64_t k);
  // The nearest-rank quantile for `percent` in [0, 100] (clamped). REQUIRES: count() > 0.
  double Quantile(int percent) { return ValueAtRank(NearestRank(percent, count_)); }
  // k = ceil(percent/100 * n) - 1 clamped to [0, n - 1], in exact integer arithmetic (the same
  // rank as QuantileSketch::Quantile(percent / 100.0) for percent in [0, 100]). REQUIRES: n > 0.
  static uint64_t NearestRank(int percent, uint64_t n);

  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Size of the dense counter array.
  size_t bucket_count() const { return counts_.size(); }
  size_t memory_bytes() const {
    return counts_.capacity() * sizeof(uint32_t) + nonzero_.capacity() * sizeof(uint64_t);
  }
  // Forgets every value (keeps the arrays unless they are large).
  void Clear();

 private:
  // After this many removals, MaybeShrink looks at the occupied range.
  static constexpr uint32_t kShrinkCheckEvery = 1024;

  void AddKeySlow(int32_t key);
  // Makes the array cover `key` (grows by whole 64-bucket words, with proportional slack).
  void Cover(int32_t key);
  // Reallocates the arrays to the occupied range plus slack when it is much narrower.
  void MaybeShrink();
  // The nearest occupied key above / below `key`. REQUIRES: one exists.
  int32_t NextOccupied(int32_t key) const;
  int32_t PrevOccupied(int32_t key) const;
  size_t IndexOf(int32_t key) const { return static_cast<size_t>(key - lo_); }

  std::vector<uint32_t> counts_;   // counts_[i] counts key lo_ + i; size is a multiple of 64
  std::vector<uint64_t> nonzero_;  // bit i of word w: counts_[64 w + i] != 0
  int32_t lo_ = 0;                 // a multiple of 64
  uint64_t count_ = 0;
  // The cursor: a key and the number of counted values with a smaller key.
  int32_t cursor_ = 0;
  uint64_t below_ = 0;
  uint32_t removes_since_check_ = 0;
  // KeyValue(reported_key_), cached: the answer's bucket rarely changes from one query to the next.
  int32_t reported_key_ = 0;
  double reported_value_ = 0;
};

}  // namespace botmon

#endif  // BOTMON_WINDOW_SLIDING_SKETCH_H_
