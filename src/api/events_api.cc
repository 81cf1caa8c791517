#include "api/events_api.h"

#include <algorithm>

#include "core/json_escape.h"

namespace botmon {

bool IngestRateLimiter::Allow(const std::string& who, size_t events, int64_t rate, int64_t now_ms) {
  if (rate <= 0) return true;
  std::lock_guard lock(mu_);
  if (buckets_.size() > 100'000) buckets_.clear();
  Bucket& b = buckets_[who];
  if (b.at_ms == 0) b.tokens = static_cast<double>(rate);
  b.tokens = std::min(static_cast<double>(rate),
                      b.tokens + static_cast<double>(now_ms - b.at_ms) * rate / 1000.0);
  b.at_ms = now_ms;
  // A body larger than one second's allowance passes when the bucket is full and leaves it in
  // debt, so the average rate still holds and such a body is not refused forever.
  const double need = std::min(static_cast<double>(events), static_cast<double>(rate));
  if (b.tokens < need) return false;
  b.tokens -= static_cast<double>(events);
  return true;
}

std::string IngestReplyJson(size_t accepted, const std::vector<Rejection>& rejected) {
  std::string out = "{\"accepted\":" + std::to_string(accepted) + ",\"rejected\":[";
  for (size_t i = 0; i < rejected.size(); ++i) {
    if (i) out += ',';
    out += "{\"index\":" + std::to_string(rejected[i].index) + ",\"error\":";
    AppendJsonString(&out, rejected[i].error);
    out += '}';
  }
  out += "]}";
  return out;
}

void HandleIngest(ApiContext* ctx, IngestRateLimiter* limiter, Request& req, Responder responder) {
  // Content type: JSON (array or object) or NDJSON; a missing one is read as JSON.
  std::string ct(req.HeaderValue("content-type"));
  std::transform(ct.begin(), ct.end(), ct.begin(), ::tolower);
  const std::string media = ct.substr(0, ct.find(';'));
  auto trim = [](std::string s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
  };
  const std::string m = trim(media);
  bool ndjson = false;
  if (m == "application/x-ndjson" || m == "application/ndjson" || m == "application/jsonl") {
    ndjson = true;
  } else if (!m.empty() && m != "application/json") {
    responder.Send(Response::Error(415, "unsupported_media_type",
                                   "Content-Type \"" + m.substr(0, 80) +
                                       "\" is not supported (use application/json or "
                                       "application/x-ndjson)"));
    return;
  }
  auto cfg = ctx->config->Get();
  const Config& c = cfg->config();
  const int64_t now = ctx->clock->NowMs();
  DecodeOptions opts;
  opts.now_ms = now;
  opts.max_age_ms = c.retention.raw_ms;
  opts.ndjson = ndjson;
  opts.store_text = c.privacy.store_text;
  opts.redactor = cfg->redactor.get();
  opts.max_events = static_cast<size_t>(c.ingest.max_events);
  // One decoder and one result per I/O thread: both keep their buffers between requests.
  thread_local EventDecoder decoder;
  thread_local DecodeResult r;
  decoder.Decode(req.body, opts, &r);
  if (!r.error_kind.empty()) {
    std::string extra;
    if (r.error_kind == "invalid_json") extra = "\"offset\":" + std::to_string(r.offset);
    responder.Send(Response::Error(400, r.error_kind, r.error, extra));
    return;
  }
  if (!limiter->Allow(req.principal.name, r.events.size(), c.ingest.rate_limit_per_token, now)) {
    responder.Send(Response::Error(429, "rate_limited",
                                   "ingest.rateLimitPerToken (" +
                                       std::to_string(c.ingest.rate_limit_per_token) +
                                       " events/s) exceeded for this token")
                       .With("Retry-After", "1"));
    return;
  }
  if (r.events.empty()) {
    responder.Send(Response::Json(200, IngestReplyJson(0, r.rejected)));
    return;
  }
  IngestJob job;
  job.events = std::move(r.events);
  job.indexes = std::move(r.indexes);
  job.rejected = std::move(r.rejected);
  job.recv_ms = now;
  auto shared = std::make_shared<Responder>(std::move(responder));
  job.done = [shared](IngestReply reply) {
    if (reply.status == 200) {
      shared->Send(Response::Json(200, IngestReplyJson(reply.accepted, reply.rejected)));
    } else if (reply.status == 429) {
      shared->Send(Response::Error(429, "rate_limited", reply.error)
                       .With("Retry-After", std::to_string(reply.retry_after_s)));
    } else {
      shared->Send(Response::Error(503, "unavailable", reply.error));
    }
  };
  ctx->pipeline->Submit(std::move(job));
}

}  // namespace botmon
