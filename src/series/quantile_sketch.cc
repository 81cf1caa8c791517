#include "series/quantile_sketch.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "series/bitstream.h"

namespace botmon {
namespace {

constexpr uint8_t kFormatVersion = 1;

// When the array must grow, it grows by this many extra buckets in that direction, so that a
// widening distribution does not reallocate on every new bucket (a fixed slack rather than a
// proportional one keeps memory near the span actually used).
constexpr int64_t kGrowthSlack = 64;

void PutDouble(std::string* out, double v) {
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

bool GetDouble(std::string_view* in, double* v) {
  if (in->size() < 8) return false;
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = (bits << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(8);
  *v = std::bit_cast<double>(bits);
  return true;
}

// The lowest bucket index a value >= kMinIndexable can get (with a margin for rounding).
int64_t LowestIndex() {
  static const int64_t lowest = QuantileSketch::IndexOf(QuantileSketch::kMinIndexable) - 1;
  return lowest;
}

Status Corrupt(std::string_view what) {
  return Status::Corruption("quantile sketch: " + std::string(what));
}

}  // namespace

double QuantileSketch::BucketValue(int index) {
  constexpr double kGamma = (1 + kRelativeAccuracy) / (1 - kRelativeAccuracy);
  return 2 * std::exp(index * kLogGamma) / (kGamma + 1);
}

void QuantileSketch::AddSlow(int index) {
  EnsureRange(index, index);
  AddToBucket(index, 1);
}

void QuantileSketch::EnsureRange(int lo, int hi) {
  const int64_t old_size = static_cast<int64_t>(counts_.size());
  int64_t new_lo = lo;
  int64_t new_hi = hi;
  if (old_size > 0) {
    const int64_t old_hi = offset_ + old_size - 1;
    if (lo >= offset_ && hi <= old_hi) return;
    new_lo = std::min<int64_t>(lo, offset_);
    new_hi = std::max<int64_t>(hi, old_hi);
    // Slack in the direction of growth, but never enough to force a collapse by itself, and
    // never below the lowest index a value can have.
    const int64_t slack = kGrowthSlack;
    int64_t room = kMaxBuckets - (new_hi - new_lo + 1);
    if (new_lo < offset_ && room > 0) {
      const int64_t add = std::min({slack, room, std::max<int64_t>(new_lo - LowestIndex(), 0)});
      new_lo -= add;
      room -= add;
    }
    if (new_hi > old_hi && room > 0) new_hi += std::min(slack, room);
  }
  if (new_hi - new_lo + 1 > kMaxBuckets) new_lo = new_hi - kMaxBuckets + 1;  // collapse the lowest
  std::vector<uint64_t> grown(static_cast<size_t>(new_hi - new_lo + 1), 0);
  for (int64_t i = 0; i < old_size; ++i) {
    const int64_t target = std::max<int64_t>(offset_ + i, new_lo);
    grown[static_cast<size_t>(target - new_lo)] += counts_[static_cast<size_t>(i)];
  }
  counts_ = std::move(grown);
  offset_ = new_lo;
}

void QuantileSketch::AddToBucket(int index, uint64_t n) {
  const int64_t target = std::max<int64_t>(index, offset_);
  counts_[static_cast<size_t>(target - offset_)] += n;
}

void QuantileSketch::Merge(const QuantileSketch& other) {
  if (&other == this) {
    const QuantileSketch copy = other;
    Merge(copy);
    return;
  }
  if (other.count_ == 0) return;
  count_ += other.count_;
  zero_count_ += other.zero_count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  if (other.counts_.empty()) return;
  const int64_t other_hi = other.offset_ + static_cast<int64_t>(other.counts_.size()) - 1;
  EnsureRange(static_cast<int>(other.offset_), static_cast<int>(other_hi));
  for (size_t i = 0; i < other.counts_.size(); ++i) {
    if (other.counts_[i] != 0) {
      AddToBucket(static_cast<int>(other.offset_ + static_cast<int64_t>(i)), other.counts_[i]);
    }
  }
}

double QuantileSketch::ClampedValue(int index) const {
  return std::clamp(BucketValue(index), min_, max_);
}

double QuantileSketch::Quantile(double q) const {
  if (count_ == 0 || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: k = ceil(q·n) − 1, clamped to [0, n − 1].
  const double n = static_cast<double>(count_);
  const double rank = std::clamp(std::ceil(q * n) - 1, 0.0, n - 1);
  const uint64_t k = static_cast<uint64_t>(rank);
  if (k == 0) return min_;
  if (k == count_ - 1) return max_;
  if (k < zero_count_) return min_;  // every zero-bucket value is in [min_, kMinIndexable)
  const size_t size = counts_.size();
  if (k < count_ / 2) {
    uint64_t at_or_below = zero_count_;
    for (size_t i = 0; i < size; ++i) {
      at_or_below += counts_[i];
      if (at_or_below > k) return ClampedValue(static_cast<int>(offset_ + static_cast<int64_t>(i)));
    }
  } else {
    // High quantiles: walk down from the top, counting the values ranked above k.
    const uint64_t ranked_above = count_ - 1 - k;
    uint64_t at_or_above = 0;
    for (size_t i = size; i-- > 0;) {
      at_or_above += counts_[i];
      if (at_or_above > ranked_above) {
        return ClampedValue(static_cast<int>(offset_ + static_cast<int64_t>(i)));
      }
    }
  }
  return max_;  // unreachable while count_ equals the sum of the buckets
}

void QuantileSketch::Clear() { *this = QuantileSketch(); }

// Format (version 1):
//   u8 version; varint count;
//   if count > 0: f64le min; f64le max; varint zero_count; varint span;
//     if span > 0: zigzag-varint first_index; then the `span` counts of buckets first_index...,
//     each nonzero count as itself and each run of r zero buckets as 0 followed by varint r.
//   The first and last bucket of the span are nonzero (the array is trimmed).
std::string QuantileSketch::Serialize() const {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  PutVarint64(&out, count_);
  if (count_ == 0) return out;
  PutDouble(&out, min_);
  PutDouble(&out, max_);
  PutVarint64(&out, zero_count_);
  size_t first = 0;
  size_t last = counts_.size();
  while (first < last && counts_[first] == 0) ++first;
  while (last > first && counts_[last - 1] == 0) --last;
  PutVarint64(&out, last - first);
  if (last == first) return out;
  PutVarint64(&out, ZigZagEncode(offset_ + static_cast<int64_t>(first)));
  for (size_t i = first; i < last;) {
    if (counts_[i] != 0) {
      PutVarint64(&out, counts_[i]);
      ++i;
      continue;
    }
    size_t run = 0;
    while (i < last && counts_[i] == 0) {
      ++run;
      ++i;
    }
    PutVarint64(&out, 0);
    PutVarint64(&out, run);
  }
  return out;
}

StatusOr<QuantileSketch> QuantileSketch::Deserialize(std::string_view in) {
  if (in.empty()) return Corrupt("empty input");
  if (static_cast<uint8_t>(in.front()) != kFormatVersion) return Corrupt("unknown version");
  in.remove_prefix(1);
  QuantileSketch s;
  uint64_t count = 0;
  if (!GetVarint64(&in, &count)) return Corrupt("truncated count");
  if (count == 0) {
    if (!in.empty()) return Corrupt("trailing bytes");
    return s;
  }
  double min = 0;
  double max = 0;
  uint64_t zero_count = 0;
  uint64_t span = 0;
  if (!GetDouble(&in, &min) || !GetDouble(&in, &max)) return Corrupt("truncated extremes");
  if (!std::isfinite(min) || !std::isfinite(max) || min < 0 || min > max) {
    return Corrupt("bad extremes");
  }
  if (!GetVarint64(&in, &zero_count) || !GetVarint64(&in, &span)) return Corrupt("truncated");
  if (zero_count > count) return Corrupt("zero count above total");
  if ((zero_count > 0) != (min < kMinIndexable)) return Corrupt("zero bucket disagrees with min");
  if ((span > 0) != (max >= kMinIndexable)) return Corrupt("buckets disagree with max");
  if (span > static_cast<uint64_t>(kMaxBuckets)) return Corrupt("too many buckets");
  s.count_ = count;
  s.zero_count_ = zero_count;
  s.min_ = min;
  s.max_ = max;
  if (span > 0) {
    uint64_t zz = 0;
    if (!GetVarint64(&in, &zz)) return Corrupt("truncated index");
    const int64_t first = ZigZagDecode(zz);
    // Valid indexes run from that of kMinIndexable to that of the largest finite double.
    const int64_t lowest = LowestIndex();
    const int64_t highest = IndexOf(std::numeric_limits<double>::max()) + 1;
    if (first < lowest || first > highest - static_cast<int64_t>(span) + 1) {
      return Corrupt("bucket index out of range");
    }
    s.offset_ = first;
    s.counts_.assign(static_cast<size_t>(span), 0);
    uint64_t total = zero_count;
    size_t i = 0;
    bool after_run = false;
    while (i < span) {
      uint64_t c = 0;
      if (!GetVarint64(&in, &c)) return Corrupt("truncated bucket");
      if (c == 0) {
        uint64_t run = 0;
        if (!GetVarint64(&in, &run)) return Corrupt("truncated zero run");
        if (run == 0 || run > span - i || after_run) return Corrupt("bad zero run");
        if (i == 0 || i + run == span) return Corrupt("untrimmed bucket array");
        i += static_cast<size_t>(run);
        after_run = true;
        continue;
      }
      after_run = false;
      if (c > count - total) return Corrupt("bucket counts exceed total");
      total += c;
      s.counts_[i++] = c;
    }
    if (total != count) return Corrupt("bucket counts do not add up");
  } else if (zero_count != count) {
    return Corrupt("counts do not add up");
  }
  if (!in.empty()) return Corrupt("trailing bytes");
  return s;
}

}  // namespace botmon
