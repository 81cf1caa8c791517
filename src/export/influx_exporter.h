// InfluxExporter: sends every closed tick's samples to InfluxDB (SPEC 13, `influx:` keys) as line
// protocol, to v1 `POST {url}/write?db=<database>&precision=ms` (HTTP basic auth when the URL
// carries user:password) or v2 `POST {url}/api/v2/write?org=&bucket=&precision=ms` with
// `Authorization: Token <token>`. The mapping of samples to points is TickPoints() below and
// docs/export.md.
//
// Threading: one worker thread named "export" owns the HTTP connection (libcurl, keep-alive).
// The ticker hands each tick over with EnqueueTick(), which only encodes the lines and appends
// them to a bounded queue: it never waits for the network. When the queue is full the oldest
// whole ticks are dropped and counted. The worker sends everything queued in batches of at most
// `max_batch_lines` lines / `max_batch_bytes` bytes, in order, each batch delivered at most once:
//  - 2xx: exported;
//  - a network error, 429 or 5xx: the same batch is retried after an exponential backoff with
//    full jitter (a uniform delay in [backoff_min_ms, min(backoff_max_ms, backoff_min_ms * 2^n)],
//    at least the server's Retry-After), until it succeeds;
//  - any other status (400 bad points or partial write, 401/403, 404 database not found, 413):
//    a permanent error; the batch is dropped, counted, and the server's error message is logged
//    (rate-limited to one line per minute per status) and kept in stats().last_error.
// Stop() returns within about grace_ms + 200 ms even when the server hangs (the multi interface
// is woken up, in-flight requests are aborted). Every public method is thread-safe.
#ifndef BOTMON_EXPORT_INFLUX_EXPORTER_H_
#define BOTMON_EXPORT_INFLUX_EXPORTER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "config/options.h"
#include "export/line_protocol.h"
#include "series/tick_samples.h"

namespace botmon {

// One point per sample: measurement = the field name ("cpu.usage"), tags = the series' non-empty
// dimensions (host, bot, channel, mount, gpu, service), one float field "value", time = the
// tick's end `t_ms`. Non-finite values are left out.
std::vector<LinePoint> TickPoints(std::span<const TickValue> samples, int64_t t_ms);

struct InfluxExporterOptions {
  // Encoded lines waiting to be sent; beyond it the oldest ticks are dropped.
  size_t max_queue_bytes = 16 << 20;
  // Largest request: lines and bytes (InfluxData recommends batches of about 5,000 lines).
  size_t max_batch_lines = 5000;
  size_t max_batch_bytes = 1 << 20;
  // Retry delays (full jitter between min and the doubled cap).
  int64_t backoff_min_ms = 1000;
  int64_t backoff_max_ms = 60'000;
  // libcurl limits for one request.
  int64_t connect_timeout_ms = 5000;
  int64_t request_timeout_ms = 30'000;
};

// A consistent snapshot for /metrics and the status API.
struct InfluxExportStats {
  bool enabled = false;           // influx.url is set
  uint64_t points_exported = 0;   // accepted by the server (2xx)
  uint64_t points_dropped = 0;    // queue overflow, permanent errors, left at Stop()
  uint64_t batches_exported = 0;  // successful requests
  uint64_t batches_failed = 0;    // failed requests (network, 429, 5xx: retried)
  uint64_t batches_rejected = 0;  // permanent errors: batch dropped
  uint64_t queue_points = 0;      // waiting or in flight
  uint64_t queue_bytes = 0;       // encoded size of the above
  std::string last_error;         // "" after a success
  int64_t last_error_ms = 0;      // wall time of last_error; 0 = never
  int64_t last_success_ms = 0;    // 0 = never
  std::string server_version;     // X-Influxdb-Version of the last reply that had one
};

class InfluxExporter {
 public:
  // An empty config.url disables export: EnqueueTick() is then a no-op.
  // REQUIRES: curl_global_init() was called (once, in main).
  explicit InfluxExporter(Config::Influx config, InfluxExporterOptions opts = {});
  ~InfluxExporter();  // Stop(0)
  InfluxExporter(const InfluxExporter&) = delete;
  InfluxExporter& operator=(const InfluxExporter&) = delete;

  // Starts the "export" thread. Call once.
  void Start();

  // Queues one closed tick (the output of BuildTickSamples and the tick's end). Non-blocking,
  // O(samples): encodes the lines on the caller's thread and appends them under a short lock.
  void EnqueueTick(std::span<const TickValue> samples, int64_t t_ms);
  // The same for arbitrary points (one "tick" for the drop-oldest policy).
  void Enqueue(std::span<const LinePoint> points);

  // Applies a changed `influx:` section: the batch in flight is aborted and resent to the new
  // target without a backoff; queued points are kept (line protocol is the same for v1 and v2),
  // or dropped and counted when the new url is "".
  void Reconfigure(Config::Influx config);

  // Stops accepting points, keeps sending what is queued for up to `grace_ms` (no backoff waits
  // beyond it), then aborts any request in flight, counts what is left as dropped and joins the
  // thread. Idempotent.
  void Stop(int64_t grace_ms = 500);

  InfluxExportStats stats() const;

 private:
  struct Chunk {
    uint64_t tick;  // which Enqueue() call it came from (drop-oldest drops whole ticks)
    size_t lines;
    std::string data;
  };
  struct Attempt;
  class Curl;

  void Run();
  // Sends one batch until it is exported, rejected or abandoned at Stop().
  void Deliver(const std::string& body, size_t lines);
  Attempt Post(const std::string& body, uint64_t generation, const Config::Influx& cfg);
  bool ShouldAbort(uint64_t generation) const;
  void PushLocked(std::vector<Chunk> chunks, size_t bytes);
  void RecordErrorLocked(std::string message);

  const InfluxExporterOptions opts_;
  std::unique_ptr<Curl> curl_;  // used by the worker; Stop() only wakes it up

  mutable std::mutex mu_;
  std::condition_variable cv_;
  Config::Influx config_;
  uint64_t generation_ = 0;  // bumped by Reconfigure() and Stop()
  bool started_ = false;
  bool stopping_ = false;
  int64_t stop_deadline_ns_ = 0;  // steady clock
  uint64_t next_tick_ = 0;
  std::deque<Chunk> queue_;
  size_t queued_bytes_ = 0;
  size_t queued_lines_ = 0;
  size_t inflight_lines_ = 0;
  size_t inflight_bytes_ = 0;
  InfluxExportStats stats_;
  std::thread thread_;
};

}  // namespace botmon

#endif  // BOTMON_EXPORT_INFLUX_EXPORTER_H_
