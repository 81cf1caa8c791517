// CheckRunner: the probe thread (SPEC 8). One thread, named "probe", runs a poll() loop over
// every in-flight ProbeOp plus an eventfd for wake-ups, so no probe blocks another, the server or
// shutdown. Each check is probed every `interval` (the first probe right at Start()); an attempt
// still running at its `timeout` is destroyed ("timed out after 3s"); a failing attempt is retried
// `retries` times, RunnerOptions::retry_delay_ms apart (1 s), and only when all fail is the check
// `stopped`. Per check it keeps the last result, the time of the last status change and the last
// 100 transitions.
//
// Thread-safety: all public methods are thread-safe. The callback runs on the probe thread,
// after each completed probe (not after each attempt), without any runner lock held; it must
// not call Stop() (it may call Snapshot() or Reconfigure()).
#ifndef BOTMON_PROBE_CHECK_RUNNER_H_
#define BOTMON_PROBE_CHECK_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "probe/probe.h"

namespace botmon {

struct CheckTransition {
  int64_t at_ms = 0;                  // wall time (Clock::NowMs)
  std::optional<ServiceStatus> from;  // nullopt: the first result since the check was added
  ServiceStatus to = ServiceStatus::kStopped;
  std::string error;  // the new result's error ("" when running)
};

struct CheckState {
  CheckConfig config;
  bool probed = false;  // false until the first probe completes (result is then meaningless)
  ProbeResult result;   // the last completed probe
  int attempts = 0;     // attempts the last probe took (1 + retries used)
  int64_t last_probe_at_ms = 0;   // wall time the last probe completed
  int64_t last_change_at_ms = 0;  // wall time of the last status change (or the first result)
  std::deque<CheckTransition> transitions;  // oldest first, at most kMaxTransitions
  static constexpr size_t kMaxTransitions = 100;
};

struct RunnerOptions {
  Clock* clock = nullptr;         // wall time of results and transitions; nullptr = real
  int64_t retry_delay_ms = 1000;  // between the attempts of one probe (SPEC 8: 1 s)
};

class CheckRunner {
 public:
  // `transition`: the status differs from the previous probe's (or this is the first result).
  using Callback = std::function<void(const CheckState& state, bool transition)>;

  CheckRunner(std::vector<CheckConfig> checks, Callback callback, RunnerOptions opts = {});
  ~CheckRunner();  // Stop()
  CheckRunner(const CheckRunner&) = delete;
  CheckRunner& operator=(const CheckRunner&) = delete;

  // Starts the probe thread. REQUIRES: called once.
  void Start();
  // Ends the thread promptly (in-flight attempts are abandoned and closed). Idempotent.
  void Stop();
  // Replaces the set of checks. A check with the same name and SameProbe() config keeps its
  // state, schedule and in-flight attempt; any other is new and probed right away.
  void Reconfigure(std::vector<CheckConfig> checks);
  // A copy of every check's state, in configuration order.
  std::vector<CheckState> Snapshot() const;
  // One check's state, or nullopt.
  std::optional<CheckState> Get(const std::string& name) const;

 private:
  struct Entry;  // thread-owned: the op in flight, schedule, memory
  void Run();
  void Wake();
  void ApplyPending();  // probe thread
  void StartAttempt(Entry* e, int64_t now);
  void EndAttempt(Entry* e, ProbeResult r, int64_t now);
  int64_t WallNow() const;

  Callback callback_;
  RunnerOptions opts_;
  int wake_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;

  mutable std::mutex mu_;
  std::vector<CheckState> states_;   // GUARDED_BY(mu_), configuration order
  std::vector<uint64_t> state_ids_;  // GUARDED_BY(mu_), the Entry id of each state
  std::optional<std::vector<std::pair<uint64_t, CheckConfig>>> pending_;  // GUARDED_BY(mu_)
  uint64_t next_id_ = 1;                                                  // GUARDED_BY(mu_)

  std::vector<std::unique_ptr<Entry>> entries_;  // probe thread only (after Start)
};

}  // namespace botmon

#endif  // BOTMON_PROBE_CHECK_RUNNER_H_
