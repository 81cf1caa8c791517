// DeliveryWorkers: send what the outbox holds (SPEC 7.4, 7.5). One thread per channel (named
// "notify"), so a slow or failing channel never delays another, and one "hooks" thread that runs
// the hooks of each transition in order. An attempt is recorded in the store after it happened;
// retries use exponential backoff with full jitter from 1 s to 10 min until
// notifications.giveUpAfter, then the row is `failed` and the channel reported failing.
//
// Thread-safe.
#ifndef BOTMON_ALERTING_DELIVERY_H_
#define BOTMON_ALERTING_DELIVERY_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "store/store.h"

namespace botmon {

class AlertEngine;

// The delay before retry number `attempt` (1-based): uniform in [0, min(10 min, 1 s * 2^(n-1))].
int64_t FullJitterBackoffMs(int attempt, uint64_t random);

class DeliveryWorkers {
 public:
  DeliveryWorkers(Store* store, AlertEngine* engine, Clock* clock);
  ~DeliveryWorkers();
  DeliveryWorkers(const DeliveryWorkers&) = delete;
  DeliveryWorkers& operator=(const DeliveryWorkers&) = delete;

  // Rows already committed to the outbox (state pending).
  void Enqueue(std::vector<OutboxRow> rows);
  void Stop();
  size_t pending() const;
  uint64_t sent() const { return sent_.load(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  struct Queue;
  void Run(Queue* q);
  void Attempt(OutboxRow* row);
  void AttemptHook(OutboxRow* row);
  void Record(const OutboxRow& row);

  Store* store_;
  AlertEngine* engine_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Queue>> queues_;  // GUARDED_BY(mu_): by target class
  bool stopping_ = false;                                 // GUARDED_BY(mu_)
  std::atomic<uint64_t> sent_{0}, failed_{0};
};

}  // namespace botmon

#endif  // BOTMON_ALERTING_DELIVERY_H_
