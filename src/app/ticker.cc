#include "app/ticker.h"

#include <algorithm>

#include "core/thread_name.h"

namespace botmon {

void Ticker::Start() {
  const int64_t now = clock_->NowMs();
  for (auto& s : jobs_) {
    const int64_t p = std::max<int64_t>(1, s.job.period_ms());
    s.next_ms = s.job.aligned ? NextAligned(now, p) : now + p;
  }
  thread_ = std::thread([this] {
    SetThreadName("ticker");
    Loop();
  });
}

void Ticker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Ticker::Loop() {
  while (true) {
    int64_t next = INT64_MAX;
    for (const auto& s : jobs_) next = std::min(next, s.next_ms);
    {
      std::unique_lock lock(mu_);
      const int64_t wait = next - clock_->NowMs();
      if (wait > 0) {
        cv_.wait_for(lock, std::chrono::milliseconds(wait), [&] { return stop_; });
      }
      if (stop_) return;
    }
    const int64_t now = clock_->NowMs();
    for (auto& s : jobs_) {
      if (s.next_ms > now) continue;
      const int64_t scheduled = s.next_ms;
      s.job.run(scheduled);
      const int64_t p = std::max<int64_t>(1, s.job.period_ms());
      // After a stall or a clock jump, skip missed runs rather than running them in a burst.
      s.next_ms = s.job.aligned ? NextAligned(std::max(scheduled, clock_->NowMs()), p)
                                : std::max(scheduled + p, clock_->NowMs());
    }
  }
}

}  // namespace botmon
