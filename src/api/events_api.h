// POST /api/v1/events (SPEC 5): content-type and encoding checks, decoding on the calling I/O
// thread (simdjson; one decoder per thread), the optional per-token rate limit, then the ingest
// pipeline; the reply is sent when the batch is durable in the ingest log.
#ifndef BOTMON_API_EVENTS_API_H_
#define BOTMON_API_EVENTS_API_H_

#include <mutex>
#include <string>
#include <unordered_map>

#include "api/context.h"
#include "http/server.h"

namespace botmon {

// A token bucket per token name (ingest.rateLimitPerToken events/s; 0 = off).
class IngestRateLimiter {
 public:
  // True when `events` may pass now for `who` at `rate` events per second (burst: 1 s worth).
  bool Allow(const std::string& who, size_t events, int64_t rate, int64_t now_ms);

 private:
  std::mutex mu_;
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
  };
  std::unordered_map<std::string, Bucket> buckets_;
};

void HandleIngest(ApiContext* ctx, IngestRateLimiter* limiter, Request& req, Responder responder);

// The reply body {"accepted":N,"rejected":[...]} (both members always present).
std::string IngestReplyJson(size_t accepted, const std::vector<Rejection>& rejected);

}  // namespace botmon

#endif  // BOTMON_API_EVENTS_API_H_
