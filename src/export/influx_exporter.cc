#include "export/influx_exporter.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/log.h"
#include "core/random.h"
#include "core/thread_name.h"

namespace botmon {
namespace {

constexpr size_t kMaxReplyBytes = 64 * 1024;  // kept of an error reply
constexpr size_t kMaxMessage = 300;           // of a non-JSON error body in last_error
constexpr int64_t kPollMs = 200;              // how often a request checks for an abort

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The error text of an InfluxDB reply: v1 {"error":"..."}, v2 {"code":"...","message":"..."},
// else the body itself, shortened.
std::string ServerMessage(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    if (auto it = j.find("error"); it != j.end() && it->is_string()) return it->get<std::string>();
    if (auto it = j.find("message"); it != j.end() && it->is_string()) {
      std::string msg = it->get<std::string>();
      if (auto c = j.find("code"); c != j.end() && c->is_string()) {
        msg = c->get<std::string>() + ": " + msg;
      }
      return msg;
    }
  }
  std::string text = body.substr(0, kMaxMessage);
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (body.size() > kMaxMessage) text += "...";
  return text.empty() ? "(empty reply)" : text;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

struct UrlHandle {
  CURLU* h = curl_url();
  ~UrlHandle() { curl_url_cleanup(h); }
  std::string Get(CURLUPart part, unsigned flags = 0) const {
    char* v = nullptr;
    if (curl_url_get(h, part, &v, flags) != CURLUE_OK || v == nullptr) return "";
    std::string out(v);
    curl_free(v);
    return out;
  }
};

}  // namespace

std::vector<LinePoint> TickPoints(std::span<const TickValue> samples, int64_t t_ms) {
  std::vector<LinePoint> points;
  points.reserve(samples.size());
  for (const TickValue& s : samples) {
    if (!std::isfinite(s.value) || s.key.field.empty()) continue;
    LinePoint p;
    p.measurement = s.key.field;
    // In key order, as line protocol prefers.
    const std::pair<const char*, const std::string*> dims[] = {
        {"bot", &s.key.bot},   {"channel", &s.key.channel}, {"gpu", &s.key.gpu},
        {"host", &s.key.host}, {"mount", &s.key.mount},     {"service", &s.key.service}};
    for (const auto& [name, value] : dims) {
      if (!value->empty()) p.tags.emplace_back(name, *value);
    }
    p.fields.push_back(LineField{"value", s.value});
    p.t_ms = t_ms;
    points.push_back(std::move(p));
  }
  return points;
}

struct InfluxExporter::Attempt {
  enum Outcome { kOk, kRetry, kReject, kAborted } outcome = kRetry;
  long http = 0;
  std::string message;
  int64_t retry_after_ms = 0;
  std::string version;
};

// The libcurl handles: one easy handle reused for keep-alive, driven through a multi handle so
// that Stop() can wake the worker up (curl_multi_wakeup is callable from any thread).
class InfluxExporter::Curl {
 public:
  Curl() : easy_(curl_easy_init()), multi_(curl_multi_init()) {}
  ~Curl() {
    curl_multi_cleanup(multi_);
    curl_easy_cleanup(easy_);
  }
  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;
  CURL* easy() const { return easy_; }
  CURLM* multi() const { return multi_; }
  void Wakeup() { curl_multi_wakeup(multi_); }

 private:
  CURL* easy_;
  CURLM* multi_;
};

namespace {

// Where and how to send: the write URL without credentials (safe to log), the credentials apart.
struct WriteTarget {
  std::string url;
  std::string user, password;
  std::string authorization;  // "Authorization: Token ..." or ""
};

// Builds the write endpoint from the `influx:` section.
StatusOr<WriteTarget> BuildTarget(const Config::Influx& cfg) {
  WriteTarget t;
  UrlHandle u;
  if (u.h == nullptr) return Status::Internal("out of memory");
  if (curl_url_set(u.h, CURLUPART_URL, cfg.url.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("influx.url: not a valid URL");
  }
  const std::string scheme = Lower(u.Get(CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("influx.url: the scheme must be http or https, not \"" + scheme +
                                   "\"");
  }
  t.user = u.Get(CURLUPART_USER, CURLU_URLDECODE);
  t.password = u.Get(CURLUPART_PASSWORD, CURLU_URLDECODE);
  curl_url_set(u.h, CURLUPART_USER, nullptr, 0);
  curl_url_set(u.h, CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(u.h, CURLUPART_FRAGMENT, nullptr, 0);
  std::string path = u.Get(CURLUPART_PATH);
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += cfg.version == 2 ? "/api/v2/write" : "/write";
  curl_url_set(u.h, CURLUPART_PATH, path.c_str(), 0);
  auto append = [&](const std::string& kv) {
    curl_url_set(u.h, CURLUPART_QUERY, kv.c_str(), CURLU_APPENDQUERY | CURLU_URLENCODE);
  };
  if (cfg.version == 2) {
    if (cfg.org.empty() || cfg.bucket.empty()) {
      return Status::InvalidArgument("influx.version: 2 needs influx.org and influx.bucket");
    }
    append("org=" + cfg.org);
    append("bucket=" + cfg.bucket);
  } else {
    if (cfg.database.empty()) return Status::InvalidArgument("influx.database: must not be empty");
    append("db=" + cfg.database);
  }
  append("precision=ms");
  t.url = u.Get(CURLUPART_URL);
  if (!cfg.token.empty() && (cfg.version == 2 || t.user.empty())) {
    t.authorization = "Authorization: Token " + cfg.token;
  }
  return t;
}

struct Reply {
  std::string body;
  std::string version;
  int64_t retry_after_ms = 0;
};

size_t OnBody(char* data, size_t size, size_t n, void* arg) {
  auto* r = static_cast<Reply*>(arg);
  const size_t len = size * n;
  if (r->body.size() < kMaxReplyBytes) {
    r->body.append(data, std::min(len, kMaxReplyBytes - r->body.size()));
  }
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* arg) {
  auto* r = static_cast<Reply*>(arg);
  const size_t len = size * n;
  std::string_view line(data, len);
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    if (line.starts_with("HTTP/")) *r = Reply{};  // a new response (after a 100 Continue)
    return len;
  }
  const std::string name = Lower(line.substr(0, colon));
  const std::string value = Trim(line.substr(colon + 1));
  if (name == "x-influxdb-version") {
    r->version = value;
  } else if (name == "retry-after") {
    char* end = nullptr;
    const long long secs = std::strtoll(value.c_str(), &end, 10);
    if (end != value.c_str() && *end == '\0' && secs > 0) {
      r->retry_after_ms = std::min<long long>(secs, 3600) * 1000;
    }
  }
  return len;
}

}  // namespace

InfluxExporter::InfluxExporter(Config::Influx config, InfluxExporterOptions opts)
    : opts_(opts), curl_(std::make_unique<Curl>()), config_(std::move(config)) {
  stats_.enabled = !config_.url.empty();
}

InfluxExporter::~InfluxExporter() { Stop(0); }

void InfluxExporter::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void InfluxExporter::EnqueueTick(std::span<const TickValue> samples, int64_t t_ms) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || config_.url.empty()) return;
  }
  const std::vector<LinePoint> points = TickPoints(samples, t_ms);
  Enqueue(points);
}

void InfluxExporter::Enqueue(std::span<const LinePoint> points) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || config_.url.empty()) return;
  }
  // Encode outside the lock, cut into chunks that fit one request each.
  std::vector<Chunk> chunks;
  Chunk cur{0, 0, {}};
  size_t bytes = 0;
  for (const LinePoint& p : points) {
    const size_t before = cur.data.size();
    if (!AppendLine(p, &cur.data)) continue;
    if (cur.lines > 0 &&
        (cur.lines + 1 > opts_.max_batch_lines || cur.data.size() > opts_.max_batch_bytes)) {
      std::string line = cur.data.substr(before);
      cur.data.resize(before);
      bytes += cur.data.size();
      chunks.push_back(std::move(cur));
      cur = Chunk{0, 0, std::move(line)};
    }
    ++cur.lines;
  }
  if (cur.lines > 0) {
    bytes += cur.data.size();
    chunks.push_back(std::move(cur));
  }
  if (chunks.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || config_.url.empty()) return;
    PushLocked(std::move(chunks), bytes);
  }
  cv_.notify_all();
}

void InfluxExporter::PushLocked(std::vector<Chunk> chunks, size_t bytes) {
  const uint64_t tick = next_tick_++;
  for (Chunk& c : chunks) {
    c.tick = tick;
    queued_lines_ += c.lines;
    queue_.push_back(std::move(c));
  }
  queued_bytes_ += bytes;
  // Drop the oldest whole ticks until the queue fits again.
  while (queued_bytes_ > opts_.max_queue_bytes && !queue_.empty()) {
    const uint64_t oldest = queue_.front().tick;
    while (!queue_.empty() && queue_.front().tick == oldest) {
      queued_bytes_ -= queue_.front().data.size();
      queued_lines_ -= queue_.front().lines;
      stats_.points_dropped += queue_.front().lines;
      queue_.pop_front();
    }
    LogEvery("influx.export.overflow", spdlog::level::warn,
             "influx export: queue full, dropping the oldest ticks");
  }
}

void InfluxExporter::Reconfigure(Config::Influx config) {
  {
    std::lock_guard lock(mu_);
    if (config == config_) return;
    config_ = std::move(config);
    stats_.enabled = !config_.url.empty();
    ++generation_;
    if (config_.url.empty()) {
      stats_.points_dropped += queued_lines_;
      queue_.clear();
      queued_bytes_ = queued_lines_ = 0;
    }
  }
  cv_.notify_all();
  curl_->Wakeup();
}

void InfluxExporter::Stop(int64_t grace_ms) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ns_ = SteadyNs() + std::max<int64_t>(grace_ms, 0) * 1'000'000;
    }
  }
  cv_.notify_all();
  curl_->Wakeup();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  stats_.points_dropped += queued_lines_;  // never started, or left at the deadline
  queue_.clear();
  queued_bytes_ = queued_lines_ = 0;
}

InfluxExportStats InfluxExporter::stats() const {
  std::lock_guard lock(mu_);
  InfluxExportStats s = stats_;
  s.queue_points = queued_lines_ + inflight_lines_;
  s.queue_bytes = queued_bytes_ + inflight_bytes_;
  return s;
}

void InfluxExporter::RecordErrorLocked(std::string message) {
  stats_.last_error = std::move(message);
  stats_.last_error_ms = Clock::Real()->NowMs();
}

bool InfluxExporter::ShouldAbort(uint64_t generation) const {
  std::lock_guard lock(mu_);
  return generation != generation_ || (stopping_ && SteadyNs() >= stop_deadline_ns_);
}

void InfluxExporter::Run() {
  SetThreadName("export");
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || (!queue_.empty() && !config_.url.empty()); });
    if (queue_.empty() || config_.url.empty()) {
      if (stopping_) break;
      continue;
    }
    if (stopping_ && SteadyNs() >= stop_deadline_ns_) break;
    std::string body;
    size_t lines = 0;
    while (!queue_.empty()) {
      Chunk& c = queue_.front();
      if (lines > 0 && (lines + c.lines > opts_.max_batch_lines ||
                        body.size() + c.data.size() > opts_.max_batch_bytes)) {
        break;
      }
      body += c.data;
      lines += c.lines;
      queued_lines_ -= c.lines;
      queued_bytes_ -= c.data.size();
      queue_.pop_front();
    }
    inflight_lines_ = lines;
    inflight_bytes_ = body.size();
    lock.unlock();
    Deliver(body, lines);
    lock.lock();
    inflight_lines_ = inflight_bytes_ = 0;
  }
}

void InfluxExporter::Deliver(const std::string& body, size_t lines) {
  int attempt = 0;
  while (true) {
    Config::Influx cfg;
    uint64_t gen;
    {
      std::lock_guard lock(mu_);
      if (config_.url.empty() || (stopping_ && SteadyNs() >= stop_deadline_ns_)) {
        stats_.points_dropped += lines;
        return;
      }
      cfg = config_;
      gen = generation_;
    }
    Attempt a = Post(body, gen, cfg);
    std::unique_lock lock(mu_);
    if (!a.version.empty()) stats_.server_version = a.version;
    switch (a.outcome) {
      case Attempt::kOk:
        stats_.points_exported += lines;
        ++stats_.batches_exported;
        stats_.last_success_ms = Clock::Real()->NowMs();
        stats_.last_error.clear();
        return;
      case Attempt::kReject:
        ++stats_.batches_rejected;
        stats_.points_dropped += lines;
        RecordErrorLocked(a.message);
        LogEvery("influx.export.reject." + std::to_string(a.http), spdlog::level::err,
                 "influx export: dropped a batch of " + std::to_string(lines) +
                     " points (permanent error): " + a.message);
        return;
      case Attempt::kAborted:
        if (gen != generation_) {  // reconfigured: resend to the new target at once
          attempt = 0;
          continue;
        }
        stats_.points_dropped += lines;  // stopped
        return;
      case Attempt::kRetry:
        break;
    }
    ++stats_.batches_failed;
    RecordErrorLocked(a.message);
    if (stopping_) {  // no more waiting: the grace period is for a healthy server
      stats_.points_dropped += lines;
      return;
    }
    const int64_t cap =
        std::min<int64_t>(opts_.backoff_max_ms, opts_.backoff_min_ms << std::min(attempt, 20));
    int64_t delay = opts_.backoff_min_ms;
    if (cap > delay)
      delay += static_cast<int64_t>(RandomU64() % static_cast<uint64_t>(cap - delay + 1));
    delay = std::min(std::max(delay, a.retry_after_ms), opts_.backoff_max_ms);
    ++attempt;
    LogEvery("influx.export.retry", spdlog::level::warn,
             "influx export: " + a.message + "; retrying in " + std::to_string(delay) + " ms");
    cv_.wait_for(lock, std::chrono::milliseconds(delay),
                 [&] { return stopping_ || gen != generation_; });
    if (gen != generation_) attempt = 0;
  }
}

InfluxExporter::Attempt InfluxExporter::Post(const std::string& body, uint64_t generation,
                                             const Config::Influx& cfg) {
  Attempt result;
  StatusOr<WriteTarget> target = BuildTarget(cfg);
  if (!target.ok()) {
    result.outcome = Attempt::kReject;
    result.message = target.status().message();
    return result;
  }
  const WriteTarget& t = *target;
  CURL* h = curl_->easy();
  curl_easy_reset(h);  // keeps the connection cache
  Reply reply;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: text/plain; charset=utf-8");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  if (!t.authorization.empty()) headers = curl_slist_append(headers, t.authorization.c_str());
  curl_easy_setopt(h, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "botmon");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.request_timeout_ms));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &reply);
  if (!t.user.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(h, CURLOPT_USERNAME, t.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, t.password.c_str());
  }

  CURLM* m = curl_->multi();
  curl_multi_add_handle(m, h);
  CURLcode code = CURLE_OK;
  bool done = false;
  bool aborted = false;
  while (!done) {
    int running = 0;
    if (curl_multi_perform(m, &running) != CURLM_OK) {
      code = CURLE_FAILED_INIT;
      break;
    }
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &left)) {
      if (msg->msg == CURLMSG_DONE) {
        code = msg->data.result;
        done = true;
      }
    }
    if (done) break;
    if (ShouldAbort(generation)) {
      aborted = true;
      break;
    }
    int64_t wait_ms = kPollMs;
    {
      std::lock_guard lock(mu_);
      if (stopping_) {
        wait_ms = std::clamp<int64_t>((stop_deadline_ns_ - SteadyNs()) / 1'000'000 + 1, 0, kPollMs);
      }
    }
    curl_multi_poll(m, nullptr, 0, static_cast<int>(wait_ms), nullptr);
  }
  curl_multi_remove_handle(m, h);
  curl_slist_free_all(headers);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);

  result.version = reply.version;
  if (aborted) {
    result.outcome = Attempt::kAborted;
    result.message = "request to " + t.url + " aborted";
    return result;
  }
  if (code != CURLE_OK) {
    result.outcome = Attempt::kRetry;
    result.message = "POST " + t.url + ": " + (errbuf[0] ? errbuf : curl_easy_strerror(code));
    return result;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.http);
  if (result.http >= 200 && result.http < 300) {
    result.outcome = Attempt::kOk;
    return result;
  }
  result.outcome = result.http == 429 || result.http >= 500 ? Attempt::kRetry : Attempt::kReject;
  result.retry_after_ms = reply.retry_after_ms;
  result.message = "HTTP " + std::to_string(result.http) + " from POST " + t.url + ": " +
                   ServerMessage(reply.body);
  return result;
}

}  // namespace botmon
