// Clock: the one seam to wall and monotonic time (STYLE habit 2), so that tests can drive time.
//
// Times are integers: wall time in milliseconds since the Unix epoch (UTC), monotonic time in
// nanoseconds from an arbitrary origin. SystemClock is thread-safe; FakeClock is thread-safe
// (atomics) and only moves when a test advances it.
#ifndef BOTMON_CORE_CLOCK_H_
#define BOTMON_CORE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace botmon {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time, ms since the epoch.
  virtual int64_t NowMs() const = 0;
  // Monotonic time, ns; only differences mean anything.
  virtual int64_t MonoNs() const = 0;

  // The process-wide real clock.
  static Clock* Real();
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'705'329'120'000) : now_ms_(now_ms), mono_ns_(0) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  int64_t MonoNs() const override { return mono_ns_.load(); }
  void AdvanceMs(int64_t ms) {
    now_ms_ += ms;
    mono_ns_ += ms * 1'000'000;
  }
  void SetMs(int64_t ms) { now_ms_ = ms; }

 private:
  std::atomic<int64_t> now_ms_;
  std::atomic<int64_t> mono_ns_;
};

}  // namespace botmon

#endif  // BOTMON_CORE_CLOCK_H_
