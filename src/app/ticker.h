// Ticker: the one thread that runs all periodic work, declared as a table (STYLE habit 9, SPEC
// 13): every job has a period and a function; tick-aligned jobs run at multiples of the tick
// since the epoch (a sample's timestamp is its tick's end). Jobs run one after another on this
// thread and must not block for long; blocking work is posted to its owner's thread.
//
// Thread-safe: Start/Stop from the owner; the period source is read each loop, so a reload that
// changes the tick takes effect at the next tick.
#ifndef BOTMON_APP_TICKER_H_
#define BOTMON_APP_TICKER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace botmon {

class Ticker {
 public:
  struct Job {
    std::string name;
    // Period in ms, read before each scheduling decision (reloads may change it).
    std::function<int64_t()> period_ms;
    // Aligned jobs run at wall-clock multiples of the period; others every period from start.
    bool aligned;
    // Called with the scheduled time (for aligned jobs: the tick's end, epoch ms).
    std::function<void(int64_t scheduled_ms)> run;
  };

  explicit Ticker(Clock* clock) : clock_(clock) {}
  ~Ticker() { Stop(); }

  void Add(Job job) { jobs_.push_back(Slot{std::move(job), 0}); }
  void Start();
  void Stop();

 private:
  struct Slot {
    Job job;
    int64_t next_ms;
  };
  void Loop();
  static int64_t NextAligned(int64_t now, int64_t period) { return (now / period + 1) * period; }

  Clock* clock_;
  std::vector<Slot> jobs_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace botmon

#endif  // BOTMON_APP_TICKER_H_
