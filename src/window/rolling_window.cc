#include "window/rolling_window.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace botmon {
namespace {

constexpr double kUnitRoundoff = 0x1p-53;
// The running sum is trusted while its error bound stays below this fraction of the result
// (1/128 of an ulp): then s + c rounds to the exact sum's correct rounding except in the rarest
// ties.
constexpr double kTrustedError = 0x1p-60;
// MonoDeque::clear releases buffers above this many entries.
constexpr size_t kLargeDeque = 1024;

// Shewchuk's exact summation (as Python's math.fsum): `partials` are non-overlapping doubles
// whose exact sum is the exact sum of every value added.
void AddPartial(std::vector<double>* partials, double x) {
  size_t i = 0;
  for (size_t j = 0; j < partials->size(); ++j) {
    double y = (*partials)[j];
    if (std::abs(x) < std::abs(y)) std::swap(x, y);
    const double hi = x + y;
    const double lo = y - (hi - x);
    if (lo != 0) (*partials)[i++] = lo;
    x = hi;
  }
  partials->resize(i);
  partials->push_back(x);
}

// The exact sum of `partials`, correctly rounded (round half to even).
double RoundedSum(const std::vector<double>& p) {
  size_t n = p.size();
  if (n == 0) return 0;
  double hi = p[--n];
  double lo = 0;
  while (n > 0) {
    const double x = hi;
    const double y = p[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo != 0) break;
  }
  // A half-way case: the rest of the partials decide the direction.
  if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
    const double y = lo * 2;
    const double x = hi + y;
    if (y == x - hi) hi = x;
  }
  return hi;
}

}  // namespace

std::string_view WindowAggName(WindowAgg agg) {
  switch (agg) {
    case WindowAgg::kAvg:
      return "avg";
    case WindowAgg::kSum:
      return "sum";
    case WindowAgg::kMin:
      return "min";
    case WindowAgg::kMax:
      return "max";
    case WindowAgg::kLast:
      return "last";
    case WindowAgg::kCount:
      return "count";
    case WindowAgg::kP50:
      return "p50";
    case WindowAgg::kP95:
      return "p95";
    case WindowAgg::kP99:
      return "p99";
  }
  return "?";
}

int WindowAggPercent(WindowAgg agg) {
  switch (agg) {
    case WindowAgg::kP50:
      return 50;
    case WindowAgg::kP95:
      return 95;
    case WindowAgg::kP99:
      return 99;
    default:
      return 0;
  }
}

void RollingWindow::MonoDeque::Grow() {
  const size_t capacity = capacity_ == 0 ? 8 : capacity_ * 2;
  auto buf = std::make_unique<Entry[]>(capacity);
  for (size_t i = 0; i < size_; ++i) buf[i] = buf_[(head_ + i) & (capacity_ - 1)];
  buf_ = std::move(buf);
  capacity_ = capacity;
  head_ = 0;
}

void RollingWindow::MonoDeque::clear() {
  head_ = 0;
  size_ = 0;
  if (capacity_ > kLargeDeque) {
    buf_.reset();
    capacity_ = 0;
  }
}

void RollingWindow::CompensatedSum::Add(double x) {
  // TwoSum: t + e == s + x exactly.
  const double t = s + x;
  const double bp = t - s;
  const double e = (s - (t - bp)) + (x - bp);
  s = t;
  c += e;
  err += std::abs(c) * kUnitRoundoff;  // the rounding of c + e
}

RollingWindow::RollingWindow(WindowAgg agg, int64_t window_ms)
    : agg_(agg), percent_(WindowAggPercent(agg)), window_ms_(std::max<int64_t>(window_ms, 1)) {
  if (IsQuantile()) sketch_ = std::make_unique<SlidingSketch>();
}

RollingWindow::~RollingWindow() = default;
RollingWindow::RollingWindow(RollingWindow&&) noexcept = default;
RollingWindow& RollingWindow::operator=(RollingWindow&&) noexcept = default;

void RollingWindow::ClearState() {
  sum_ = CompensatedSum();
  ops_since_exact_ = 0;
  deque_.clear();
  if (sketch_ != nullptr && !sketch_->empty()) sketch_->Clear();
  cached_ = 0;
}

void RollingWindow::Reset() {
  ClearState();
  now_ = kNever;
  head_ = tail_ = 0;
  rebuilds_ = 0;
  exact_recomputes_ = 0;
}

void RollingWindow::RecomputeSum(const SampleRing& ring) {
  std::vector<double> partials;
  bool finite = true;
  for (uint64_t seq = head_; seq < tail_; ++seq) {
    AddPartial(&partials, ring.value(seq));
    if (!std::isfinite(partials.back())) {
      finite = false;
      break;
    }
  }
  ++exact_recomputes_;
  ops_since_exact_ = 0;
  if (!finite) {
    // The exact sum exceeds the doubles: report the plain sum (+-inf) until it fits again.
    sum_ = CompensatedSum();
    for (uint64_t seq = head_; seq < tail_; ++seq) sum_.s += ring.value(seq);
    sum_.err = std::numeric_limits<double>::infinity();
    return;
  }
  const double hi = RoundedSum(partials);
  AddPartial(&partials, -hi);
  const double lo = RoundedSum(partials);
  sum_.s = hi;
  sum_.c = lo;
  sum_.err = std::abs(lo) * kUnitRoundoff;
}

template <typename EvictFn, typename AddFn>
inline void RollingWindow::Move(const SampleRing& ring, int64_t cutoff, int64_t now, EvictFn evict,
                                AddFn add) {
  if (head_ < tail_) {
    const uint64_t old_head = head_;
    for (; head_ < tail_; ++head_) {
      const SampleRing::Sample& s = ring.at(head_);
      if (s.t_ms > cutoff) break;
      evict(s, head_);
    }
    if (head_ == tail_) {
      ClearState();  // exact zero again, whatever the running sum said
    } else if (head_ != old_head && head_ + 1 < tail_) {
      // The next tick reads the sample after the head: in a long window its cache line has not
      // been touched since it was appended, so fetch it now rather than stall on it then.
      __builtin_prefetch(&ring.at(head_ + 1));
    }
  }
  if (head_ == tail_) {
    // Skip, without adding them, the new samples that are already out of the window.
    head_ = tail_ = ring.UpperBound(cutoff, tail_);
  }
  const uint64_t end = ring.end_seq();
  for (; tail_ < end; ++tail_) {
    const SampleRing::Sample& s = ring.at(tail_);
    if (s.t_ms > now) break;
    add(s, tail_);
  }
}

void RollingWindow::Advance(const SampleRing& ring, int64_t now_ms) {
  const bool backwards = now_ != kNever && now_ms < now_;
  const bool lost = head_ < tail_ && head_ < ring.begin_seq();
  const bool foreign = tail_ > ring.end_seq();
  if (backwards || lost || foreign) {
    ++rebuilds_;
    ClearState();
    head_ = tail_ = ring.begin_seq();
  } else if (head_ == tail_ && head_ < ring.begin_seq()) {
    head_ = tail_ = ring.begin_seq();
  }
  now_ = now_ms;
  // A sample is out of the window when t <= cutoff.
  const int64_t cutoff =
      now_ms < kNever + window_ms_ ? std::numeric_limits<int64_t>::min() : now_ms - window_ms_;
  using Sample = SampleRing::Sample;

  switch (agg_) {
    case WindowAgg::kAvg:
    case WindowAgg::kSum:
      Move(
          ring, cutoff, now_ms,
          [this](const Sample& s, uint64_t) {
            sum_.Add(-s.value);
            ++ops_since_exact_;
          },
          [this](const Sample& s, uint64_t) {
            sum_.Add(s.value);
            ++ops_since_exact_;
          });
      if (head_ != tail_ && !(sum_.err <= std::abs(sum_.Value()) * kTrustedError) &&
          ops_since_exact_ >= count()) {
        RecomputeSum(ring);
      }
      break;
    case WindowAgg::kMin:
      Move(
          ring, cutoff, now_ms,
          [this](const Sample&, uint64_t seq) {
            if (!deque_.empty() && deque_.front().seq == seq) deque_.pop_front();
          },
          [this](const Sample& s, uint64_t seq) {
            while (!deque_.empty() && deque_.back().value >= s.value) deque_.pop_back();
            deque_.push_back({seq, s.value});
          });
      break;
    case WindowAgg::kMax:
      Move(
          ring, cutoff, now_ms,
          [this](const Sample&, uint64_t seq) {
            if (!deque_.empty() && deque_.front().seq == seq) deque_.pop_front();
          },
          [this](const Sample& s, uint64_t seq) {
            while (!deque_.empty() && deque_.back().value <= s.value) deque_.pop_back();
            deque_.push_back({seq, s.value});
          });
      break;
    case WindowAgg::kLast:
    case WindowAgg::kCount: {
      auto nothing = [](const Sample&, uint64_t) {};
      Move(ring, cutoff, now_ms, nothing, nothing);
      if (agg_ == WindowAgg::kLast && head_ != tail_) cached_ = ring.value(tail_ - 1);
      break;
    }
    case WindowAgg::kP50:
    case WindowAgg::kP95:
    case WindowAgg::kP99: {
      SlidingSketch& sketch = *sketch_;
      Move(
          ring, cutoff, now_ms, [&sketch](const Sample& s, uint64_t) { sketch.Remove(s.value); },
          [&sketch](const Sample& s, uint64_t) { sketch.Add(s.value); });
      if (head_ != tail_) cached_ = sketch.Quantile(percent_);
      break;
    }
  }
}

std::optional<double> RollingWindow::Value() const {
  const uint64_t n = count();
  switch (agg_) {
    case WindowAgg::kCount:
      return static_cast<double>(n);
    case WindowAgg::kSum:
      return n == 0 ? 0.0 : sum_.Value();
    case WindowAgg::kAvg:
      if (n == 0) return std::nullopt;
      return sum_.Value() / static_cast<double>(n);
    case WindowAgg::kMin:
    case WindowAgg::kMax:
      if (n == 0) return std::nullopt;
      return deque_.front().value;
    case WindowAgg::kLast:
    case WindowAgg::kP50:
    case WindowAgg::kP95:
    case WindowAgg::kP99:
      if (n == 0) return std::nullopt;
      return cached_;
  }
  return std::nullopt;
}

size_t RollingWindow::memory_bytes() const {
  size_t bytes = deque_.memory_bytes();
  if (sketch_ != nullptr) bytes += sizeof(SlidingSketch) + sketch_->memory_bytes();
  return bytes;
}

}  // namespace botmon
