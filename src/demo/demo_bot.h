// DemoBot: `botmon serve --demo` (SPEC 2). A thread that plays a DemoGenerator's events in
// (scaled) real time and posts them to a botmon server through the public ingest client
// (include/botmon/client.hpp), exactly as a real bot would: loopback HTTP, its own ingest token.
//
// Each event is sent when its virtual time comes, stamped with the wall time it maps to
// (start + t / time_scale). The generator is deterministic for a seed; wall-clock timing and
// session ids (salted with the start time, so a restart never reopens an earlier run's
// sessions) are not.
//
// Thread-safety: Start(), Stop() and the destructor from one owning thread; Stats() from any
// thread once Start() has returned.
#ifndef BOTMON_DEMO_DEMO_BOT_H_
#define BOTMON_DEMO_DEMO_BOT_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/status.h"
#include "demo/demo_scenario.h"

namespace botmon {

class Client;

struct DemoOptions {
  // The server to post to (its real listen address, e.g. after --listen 127.0.0.1:0).
  std::string base_url = "http://127.0.0.1:8080";
  // An ingest token (the server creates one named `demo`).
  std::string token;
  // --demo-seed: the same seed replays the same conversations.
  uint64_t seed = 1;
  // The events' `host`; "" lets the server use its own node name.
  std::string host;
  // Virtual seconds per wall second: 1 in production; tests run faster.
  double time_scale = 1.0;
  // Stop() waits at most this long for queued events to be delivered.
  std::chrono::milliseconds stop_timeout{1000};
  // Traffic shape and anomaly schedule.
  DemoScenario scenario;
  // Wall and monotonic time; nullptr = the real clock.
  Clock* clock = nullptr;
};

struct DemoStats {
  uint64_t generated = 0;  // events taken from the generator
  uint64_t queued = 0;     // accepted by the client's queue
  uint64_t refused = 0;    // the client's queue was full (the server is down or slow)
  uint64_t delivered = 0;  // in batches the server acknowledged
  uint64_t rejected = 0;   // rejected one by one by the server
  uint64_t dropped = 0;    // lost with their batch (4xx, or given up)
};

class DemoBot {
 public:
  explicit DemoBot(DemoOptions options);
  ~DemoBot();  // Stop()
  DemoBot(const DemoBot&) = delete;
  DemoBot& operator=(const DemoBot&) = delete;

  // Starts the sending thread. InvalidArgument for bad options; an error when already started.
  Status Start();

  // Stops promptly: the thread is woken and joined, then queued events get at most
  // `stop_timeout` to be delivered. Idempotent.
  void Stop();

  DemoStats Stats() const;

 private:
  void Run();

  const DemoOptions options_;
  Clock* const clock_;
  std::unique_ptr<Client> client_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;     // guarded by mu_
  bool started_ = false;  // owner thread only
  std::atomic<uint64_t> generated_{0}, queued_{0}, refused_{0};
};

}  // namespace botmon

#endif  // BOTMON_DEMO_DEMO_BOT_H_
