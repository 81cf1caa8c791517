#include "window/sliding_sketch.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>

#include "series/quantile_sketch.h"

namespace botmon {
namespace {

static_assert(SlidingSketch::kRelativeAccuracy == QuantileSketch::kRelativeAccuracy,
              "SlidingSketch reports QuantileSketch's bucket values");

constexpr double kInvLogGamma = 1 / sketch_internal::LogGamma(QuantileSketch::kRelativeAccuracy);

// key = bucket index + kIndexBias for positive values. The index of kMinMagnitude is
// ceil(ln(1e-9) / ln(gamma)) = -2072, so every positive key is >= 29 and the zero bucket (key 0)
// stays below all of them.
constexpr int32_t kIndexBias = 2101;

constexpr int32_t kWord = 64;

int32_t FloorToWord(int32_t key) {
  // Floor division by 64 for negative keys as well.
  return static_cast<int32_t>(std::floor(static_cast<double>(key) / kWord)) * kWord;
}

// Arrays up to this many buckets are never shrunk (4 KiB of counters).
constexpr size_t kSmallArray = 1024;

}  // namespace

int32_t SlidingSketch::KeyOf(double v) {
  const double mag = std::abs(v);
  if (!(mag >= kMinMagnitude)) return 0;
  const int32_t key = static_cast<int32_t>(std::ceil(std::log(mag) * kInvLogGamma)) + kIndexBias;
  return v < 0 ? -key : key;
}

double SlidingSketch::KeyValue(int32_t key) {
  if (key == 0) return 0;
  const int32_t index = (key < 0 ? -key : key) - kIndexBias;
  // The top bucket's representative can exceed the largest double.
  const double mag =
      std::min(QuantileSketch::BucketValue(index), std::numeric_limits<double>::max());
  return key < 0 ? -mag : mag;
}

uint64_t SlidingSketch::NearestRank(int percent, uint64_t n) {
  const uint64_t p = static_cast<uint64_t>(std::clamp(percent, 0, 100));
  const uint64_t rank = (p * n + 99) / 100;  // ceil(p n / 100)
  return rank == 0 ? 0 : rank - 1;
}

void SlidingSketch::Cover(int32_t key) {
  const int32_t hi = lo_ + static_cast<int32_t>(counts_.size());  // one past the last key
  if (!counts_.empty() && key >= lo_ && key < hi) return;
  const int32_t slack = std::max<int32_t>(kWord, static_cast<int32_t>(counts_.size() / 2));
  int32_t new_lo;
  int32_t new_hi;
  if (counts_.empty()) {
    new_lo = FloorToWord(key) - kWord;
    new_hi = FloorToWord(key) + 2 * kWord;
    cursor_ = key;
    below_ = 0;
  } else if (key < lo_) {
    new_lo = FloorToWord(key) - FloorToWord(slack);
    new_hi = hi;
  } else {
    new_lo = lo_;
    new_hi = FloorToWord(key) + kWord + FloorToWord(slack);
  }
  const size_t size = static_cast<size_t>(new_hi - new_lo);
  std::vector<uint32_t> counts(size, 0);
  std::vector<uint64_t> nonzero(size / kWord, 0);
  if (!counts_.empty()) {
    const size_t shift = static_cast<size_t>(lo_ - new_lo);
    std::copy(counts_.begin(), counts_.end(), counts.begin() + static_cast<ptrdiff_t>(shift));
    std::copy(nonzero_.begin(), nonzero_.end(),
              nonzero.begin() + static_cast<ptrdiff_t>(shift / kWord));
  }
  counts_ = std::move(counts);
  nonzero_ = std::move(nonzero);
  lo_ = new_lo;
}

void SlidingSketch::AddKeySlow(int32_t key) {
  Cover(key);
  if (count_ == 0) {
    cursor_ = key;
    below_ = 0;
  }
  const size_t i = IndexOf(key);
  if (counts_[i]++ == 0) nonzero_[i / kWord] |= uint64_t{1} << (i % kWord);
  if (key < cursor_) ++below_;
  ++count_;
}

int32_t SlidingSketch::NextOccupied(int32_t key) const {
  size_t i = IndexOf(key) + 1;
  size_t w = i / kWord;
  uint64_t bits = w < nonzero_.size() ? nonzero_[w] & (~uint64_t{0} << (i % kWord)) : 0;
  while (bits == 0) {
    ++w;
    assert(w < nonzero_.size());
    bits = nonzero_[w];
  }
  return lo_ + static_cast<int32_t>(w * kWord + static_cast<size_t>(std::countr_zero(bits)));
}

int32_t SlidingSketch::PrevOccupied(int32_t key) const {
  const size_t i = IndexOf(key);  // look strictly below i
  size_t w = i / kWord;
  uint64_t bits = nonzero_[w] & ((uint64_t{1} << (i % kWord)) - 1);
  while (bits == 0) {
    assert(w > 0);
    --w;
    bits = nonzero_[w];
  }
  return lo_ + static_cast<int32_t>(w * kWord + (kWord - 1) -
                                    static_cast<size_t>(std::countl_zero(bits)));
}

double SlidingSketch::ValueAtRank(uint64_t k) {
  assert(k < count_);
  if (below_ > k) {
    do {
      cursor_ = PrevOccupied(cursor_);
      below_ -= counts_[IndexOf(cursor_)];
    } while (below_ > k);
  } else {
    while (below_ + counts_[IndexOf(cursor_)] <= k) {
      below_ += counts_[IndexOf(cursor_)];
      cursor_ = NextOccupied(cursor_);
    }
  }
  if (cursor_ != reported_key_) {  // reported_key_ 0 starts as KeyValue(0) == 0
    reported_key_ = cursor_;
    reported_value_ = KeyValue(cursor_);
  }
  return reported_value_;
}

void SlidingSketch::Clear() {
  if (counts_.size() > kSmallArray) {
    counts_ = {};
    nonzero_ = {};
    lo_ = 0;
  } else {
    std::fill(counts_.begin(), counts_.end(), 0);
    std::fill(nonzero_.begin(), nonzero_.end(), 0);
  }
  count_ = 0;
  cursor_ = lo_;
  below_ = 0;
  removes_since_check_ = 0;
}

void SlidingSketch::MaybeShrink() {
  if (counts_.size() <= kSmallArray) return;
  if (count_ == 0) {
    Clear();
    return;
  }
  size_t first = 0;
  while (nonzero_[first] == 0) ++first;
  size_t last = nonzero_.size() - 1;
  while (nonzero_[last] == 0) --last;
  const size_t used_words = last - first + 1;
  if (nonzero_.size() <= 4 * used_words + 8) return;
  // Keep the occupied words plus half their span (at least one word) on each side.
  const size_t slack = std::max<size_t>(1, used_words / 2);
  const size_t from = first > slack ? first - slack : 0;
  const size_t to = std::min(nonzero_.size(), last + 1 + slack);
  std::vector<uint32_t> counts(counts_.begin() + static_cast<ptrdiff_t>(from * kWord),
                               counts_.begin() + static_cast<ptrdiff_t>(to * kWord));
  std::vector<uint64_t> nonzero(nonzero_.begin() + static_cast<ptrdiff_t>(from),
                                nonzero_.begin() + static_cast<ptrdiff_t>(to));
  counts_ = std::move(counts);
  nonzero_ = std::move(nonzero);
  lo_ += static_cast<int32_t>(from * kWord);
  // The cursor may have been left on an empty bucket outside the new range: restart it at the
  // lowest occupied key.
  cursor_ =
      lo_ + static_cast<int32_t>((first - from) * kWord +
                                 static_cast<size_t>(std::countr_zero(nonzero_[first - from])));
  below_ = 0;
}

}  // namespace botmon
