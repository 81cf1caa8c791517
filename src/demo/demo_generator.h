// DemoGenerator: the pure core of the demo bot. Given a seed and a virtual clock, it produces the
// timestamped events of a small simulated deployment: two bots ("mycompany", "support-bot") on
// WhatsApp, Web, Email and Telegram, scripted multi-turn conversations (DemoScripts) with
// realistic reply latencies, the bots' backend requests and LLM calls, fallbacks, handoffs,
// feedback, routine warnings, a `queue.depth` gauge per bot, and the scheduled anomalies of
// DemoScenario.
//
// Deterministic: the same options give the same event sequence however Advance() is stepped
// (only session ids depend on `id_salt`). No clock, no I/O; the sender (DemoBot) maps virtual
// milliseconds to wall time. Thread-compatible: one thread drives an instance.
#ifndef BOTMON_DEMO_DEMO_GENERATOR_H_
#define BOTMON_DEMO_DEMO_GENERATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "botmon/client.hpp"
#include "demo/demo_scenario.h"

namespace botmon {

// One generated event at virtual time t_ms (ms since the demo started). `event.ts_ms` is left 0:
// the sender stamps the wall time that t_ms maps to.
struct DemoEvent {
  int64_t t_ms = 0;
  Event event;
};

struct DemoGeneratorOptions {
  uint64_t seed = 1;
  // Mixed into session ids only, so that two runs with one seed do not reuse (and reopen) each
  // other's sessions on the server; the events are otherwise identical.
  uint64_t id_salt = 0;
  // Sent as every event's `host`; "" leaves it to the receiving server.
  std::string host;
  DemoScenario scenario;
};

class DemoGenerator {
 public:
  explicit DemoGenerator(DemoGeneratorOptions options);
  ~DemoGenerator();
  DemoGenerator(const DemoGenerator&) = delete;
  DemoGenerator& operator=(const DemoGenerator&) = delete;

  // Appends to *out every event with t_ms <= until_ms not produced before, ordered by time
  // (ties in generation order).
  void Advance(int64_t until_ms, std::vector<DemoEvent>* out);

  // Virtual time of the next event Advance() would produce.
  int64_t NextEventMs();

  // Conversations in progress (started, not ended and not abandoned), for all bots.
  size_t LiveSessions() const;

  const DemoGeneratorOptions& options() const { return options_; }

 private:
  struct State;
  const DemoGeneratorOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace botmon

#endif  // BOTMON_DEMO_DEMO_GENERATOR_H_
