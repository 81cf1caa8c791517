// Service health checks (SPEC 8): the configuration of one check, the result of one probe, and
// the non-blocking probe operation that the probe loop drives.
//
// A probe is a small state machine (ProbeOp) over non-blocking sockets: the probe thread polls the
// descriptors every running op asks for and calls Step() when one is ready or its wake-up time
// comes, so no probe ever blocks another, the server or shutdown, and no process is spawned.
//
// Thread-safety: CheckConfig and ProbeResult are values. A ProbeOp is used by one thread.
#ifndef BOTMON_PROBE_PROBE_H_
#define BOTMON_PROBE_PROBE_H_

#include <poll.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace botmon {

enum class CheckKind : uint8_t {
  kPostgresql,
  kRedis,
  kQdrant,
  kMinio,
  kVault,
  kInfluxdb,
  kLlm,
  kHttp,
  kTcp
};

// The status vocabulary of SPEC 8, everywhere (API, SSE, dashboard).
enum class ServiceStatus : uint8_t { kRunning, kWarning, kSealed, kStopped };
// "running" | "warning" | "sealed" | "stopped"
const char* ServiceStatusName(ServiceStatus s);

struct CheckExpect {
  std::optional<int> status;          // HTTP status that must be answered
  std::string body_contains;          // "" = no check
  std::string json_path;              // "$.a.b[0]" style; "" = no check
  std::optional<std::string> equals;  // compared with the JSON value at json_path (as text)
};

struct CheckConfig {
  std::string name;  // default: the seed's key for the kind ("botmodels" for llm)
  CheckKind kind = CheckKind::kHttp;
  std::string url;
  int64_t interval_ms = 30'000;
  int64_t timeout_ms = 3'000;  // one attempt, connect included
  int64_t connect_timeout_ms = 1'000;
  int retries = 2;            // extra attempts, 1 s apart, before `stopped`
  int64_t warn_after_ms = 0;  // 0 = never; a slower success is `warning`
  std::string label;          // display name (default "Cache" for redis, ...)
  std::string username, password, token;
  bool insecure_skip_verify = false;
  CheckExpect expect;
  // Kind-specific (influxdb): 1 or 2; 0 = v1 unless the URL answers /health only.
  int influx_version = 0;
  // llm: measure the time to first token of a one-token completion of this model ("" = off).
  std::string ttft_model;
  // Where it was configured, for error messages ("botmon.yaml:42").
  std::string origin;
};

// The outcome of one probe (after retries).
struct ProbeResult {
  ServiceStatus status = ServiceStatus::kStopped;
  std::string version;    // "" when the service does not tell
  std::string figure;     // the key figure, as the seed shows it ("24/100 connections")
  double latency_ms = 0;  // the successful attempt's duration (or the failing one's)
  std::string error;      // why stopped/warning/sealed ("" when running)
  // Numbers behind the figure for the API ({"connections":24,"maxConnections":100}).
  std::map<std::string, double> details;
};

// What a ProbeOp waits for next.
struct ProbeWait {
  std::vector<pollfd> fds;  // may be empty (then only the wake-up time counts)
  int64_t wake_at_ms = 0;   // monotonic ms; 0 = no timer
};

// Memory kept between probes of one check (deltas: Redis hits, InfluxDB pointReq).
struct ProbeMemory {
  std::map<std::string, double> last;  // counter name -> value at the previous probe
  int64_t last_at_ms = 0;              // monotonic ms of the previous successful probe
};

// One attempt of one probe. The probe loop calls Step() first with no ready descriptors, then
// each time one of the descriptors of the last ProbeWait is ready (with its revents) or its
// wake-up time has come. Step() never blocks. When it returns true the attempt is finished and
// Result() holds its outcome. The loop enforces the attempt's deadline itself: it destroys an op
// whose timeout has passed (the destructor closes everything it opened).
class ProbeOp {
 public:
  virtual ~ProbeOp() = default;
  virtual bool Step(std::span<const pollfd> ready, int64_t now_ms, ProbeWait* next) = 0;
  virtual ProbeResult Result() = 0;
};

// Creates the op for one attempt of `check`. `memory` outlives the op and is updated by it on
// success. `now_ms` is monotonic.
std::unique_ptr<ProbeOp> StartProbe(const CheckConfig& check, ProbeMemory* memory, int64_t now_ms);

// The PostgreSQL and Redis ops (postgres_probe.cc, redis_probe.cc), used by StartProbe.
std::unique_ptr<ProbeOp> StartPostgresProbe(const CheckConfig& check, ProbeMemory* memory,
                                            int64_t now_ms);
std::unique_ptr<ProbeOp> StartRedisProbe(const CheckConfig& check, ProbeMemory* memory,
                                         int64_t now_ms);

// Runs one attempt to completion on the calling thread (poll() loop), destroying the op at
// check.timeout_ms: a stopped result with "timed out after 3s". For tools and tests; the server
// uses the probe thread (check_runner.h).
ProbeResult RunProbeBlocking(const CheckConfig& check, ProbeMemory* memory);

// Monotonic milliseconds (CLOCK_MONOTONIC), the clock of ProbeOp::Step and ProbeWait.
int64_t ProbeNowMs();

}  // namespace botmon

#endif  // BOTMON_PROBE_PROBE_H_
