// RollingWindow: the incremental aggregation of one (rule, stream) pair over the rolling window
// (now - window, now] of a SampleRing (SPEC 7.2): a sample with t == now - window is OUT, one
// with t == now is IN.
//
// The window refers to the ring's samples by sequence number (it never copies them): it holds the
// range [first_needed(), end_seq()) of the samples it aggregates. Advance(ring, now) evicts the
// samples that left the window and adds those with t <= now, in amortized O(1) per sample added
// or evicted, whatever the window's length:
//  - sum, avg: a compensated running sum (TwoSum / Neumaier) with a bound on its error; when the
//    bound could reach the last bits of the result (heavy cancellation), the sum is recomputed
//    exactly from the ring, at most once per count() samples (amortized O(1)). The result is the
//    correctly rounded exact sum except in such rare cancellations, where it stays within far
//    less than 1e-9 relative of it;
//  - min, max: a monotonic deque of (sequence number, value);
//  - last: the newest sample's value; count: the number of samples;
//  - p50, p95, p99: a SlidingSketch (add and remove of a value, <= 0.5 % relative error, nearest
//    rank, see sliding_sketch.h) with a cursor that follows the quantile.
//
// Values (SPEC 7.2): avg is the unweighted mean of the samples; sum and count of an empty window
// are 0; avg, min, max, last and pXX of an empty window have no data (std::nullopt).
//
// Trimming the shared ring. The ring may be trimmed only below first_needed() of every window
// that reads it: either SampleRing::TrimTo(min of first_needed()) at any time, or
// SampleRing::Trim(now - longest window) after every window advanced to `now`. A window whose
// samples were trimmed away while it still held them (or whose `now` went backwards) rebuilds
// from what the ring holds, in O(window); rebuilds() counts these.
//
// Thread-safety: none; one thread owns a ring and its windows. Advance must always be given the
// same ring.
#ifndef BOTMON_WINDOW_ROLLING_WINDOW_H_
#define BOTMON_WINDOW_ROLLING_WINDOW_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "window/sample_ring.h"
#include "window/sliding_sketch.h"

namespace botmon {

// The aggregations of SPEC 7.1, in the order of alert's Aggregation.
enum class WindowAgg : uint8_t { kAvg, kSum, kMin, kMax, kLast, kCount, kP50, kP95, kP99 };

std::string_view WindowAggName(WindowAgg agg);  // "avg", "sum", ..., "p99"
// The percent of a pXX aggregation (50, 95, 99); 0 for the others.
int WindowAggPercent(WindowAgg agg);

class RollingWindow {
 public:
  // REQUIRES: window_ms >= 1 (smaller values are taken as 1).
  RollingWindow(WindowAgg agg, int64_t window_ms);
  ~RollingWindow();
  RollingWindow(RollingWindow&&) noexcept;
  RollingWindow& operator=(RollingWindow&&) noexcept;
  RollingWindow(const RollingWindow&) = delete;
  RollingWindow& operator=(const RollingWindow&) = delete;

  // Brings the window to (now_ms - window_ms, now_ms] over `ring`: samples with t > now_ms stay
  // in the ring for a later Advance. The first call primes the window from the ring.
  // REQUIRES: the same ring at every call.
  void Advance(const SampleRing& ring, int64_t now_ms);

  // The aggregate as of the last Advance (see the file comment for empty windows).
  std::optional<double> Value() const;

  WindowAgg agg() const { return agg_; }
  int64_t window_ms() const { return window_ms_; }
  // The now_ms of the last Advance; nullopt before the first.
  std::optional<int64_t> now_ms() const {
    if (now_ == kNever) return std::nullopt;
    return now_;
  }
  // The number of samples in the window.
  uint64_t count() const { return tail_ - head_; }
  // The window holds the ring's sequence numbers [first_needed(), end_seq()): the ring must not
  // be trimmed above first_needed().
  uint64_t first_needed() const { return head_; }
  uint64_t end_seq() const { return tail_; }
  // How many times Advance had to rebuild from scratch (see the file comment).
  uint64_t rebuilds() const { return rebuilds_; }
  // How many times the running sum was recomputed exactly (sum and avg only).
  uint64_t exact_recomputes() const { return exact_recomputes_; }

  // Forgets everything, as if newly constructed.
  void Reset();

  // Heap bytes held (deque and sketch), not counting the object itself.
  size_t memory_bytes() const;

 private:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::min();

  // A deque of (sequence number, value) on a power-of-two circular buffer. It keeps a copy of its
  // front entry, so that a day-long window does not read the buffer's far end every tick (the
  // front only changes when the extreme leaves the window or a new extreme arrives).
  class MonoDeque {
   public:
    struct Entry {
      uint64_t seq;
      double value;
    };
    MonoDeque() = default;
    MonoDeque(MonoDeque&& o) noexcept
        : buf_(std::move(o.buf_)),
          front_(o.front_),
          capacity_(std::exchange(o.capacity_, 0)),
          head_(std::exchange(o.head_, 0)),
          size_(std::exchange(o.size_, 0)) {}
    MonoDeque& operator=(MonoDeque&& o) noexcept {
      buf_ = std::move(o.buf_);
      front_ = o.front_;
      capacity_ = std::exchange(o.capacity_, 0);
      head_ = std::exchange(o.head_, 0);
      size_ = std::exchange(o.size_, 0);
      return *this;
    }
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    const Entry& front() const { return front_; }
    const Entry& back() const { return buf_[(head_ + size_ - 1) & (capacity_ - 1)]; }
    void pop_front() {
      head_ = (head_ + 1) & (capacity_ - 1);
      if (--size_ != 0) front_ = buf_[head_];
    }
    void pop_back() { --size_; }
    void push_back(Entry e) {
      if (size_ == capacity_) Grow();
      buf_[(head_ + size_) & (capacity_ - 1)] = e;
      if (size_++ == 0) front_ = e;
    }
    // Empties the deque; releases a large buffer.
    void clear();
    size_t memory_bytes() const { return capacity_ * sizeof(Entry); }

   private:
    void Grow();
    std::unique_ptr<Entry[]> buf_;
    Entry front_{};        // a copy of buf_[head_] while not empty
    size_t capacity_ = 0;  // 0 or a power of two
    size_t head_ = 0;
    size_t size_ = 0;
  };

  // s + c approximates the exact sum; |exact - (s + c)| <= err.
  struct CompensatedSum {
    double s = 0;
    double c = 0;
    double err = 0;
    void Add(double x);
    double Value() const { return s + c; }
  };

  bool IsSum() const { return agg_ == WindowAgg::kSum || agg_ == WindowAgg::kAvg; }
  bool IsQuantile() const { return percent_ != 0; }
  // Empties the aggregation state (not the position).
  void ClearState();
  // Evicts the samples with t <= cutoff and adds those with t <= now, calling evict(sample, seq)
  // and add(sample, seq) for each.
  template <typename EvictFn, typename AddFn>
  void Move(const SampleRing& ring, int64_t cutoff, int64_t now, EvictFn evict, AddFn add);
  void RecomputeSum(const SampleRing& ring);

  WindowAgg agg_;
  int percent_;  // 50, 95, 99 for pXX; 0 otherwise
  int64_t window_ms_;
  int64_t now_ = kNever;
  uint64_t head_ = 0;  // first sequence number in the window
  uint64_t tail_ = 0;  // one past the last
  double cached_ = 0;  // last: the newest value; pXX: the quantile
  CompensatedSum sum_;
  uint64_t ops_since_exact_ = 0;
  uint64_t rebuilds_ = 0;
  uint64_t exact_recomputes_ = 0;
  MonoDeque deque_;                        // min, max
  std::unique_ptr<SlidingSketch> sketch_;  // pXX
};

}  // namespace botmon

#endif  // BOTMON_WINDOW_ROLLING_WINDOW_H_
