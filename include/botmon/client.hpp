// botmon ingest client: a header-only C++ client for `POST /api/v1/events` (docs/ingest.md).
//
// A bot builds Events with the helpers below (Event::MessageIn(...), Event::Llm(...), ...) and
// hands them to Client::Send(), which only serialises the event and appends it to a bounded
// in-memory queue: it never blocks on the network and never waits for space (a full queue makes
// Send() return false). One background thread batches queued events into JSON-array bodies and
// posts them with `Authorization: Bearer <token>`.
//
// Delivery: every event carries a unique `id`, and a retried batch is re-sent byte for byte, so
// the server's dedupe (a repeated id within 10 minutes is accepted and ignored) makes retries
// safe. Connection errors, 408, 429 and 5xx are retried with exponential backoff and full jitter
// (base 100 ms, cap 30 s), honouring `Retry-After`; retrying stops after `give_up_after`
// (default 5 min, well inside the server's 10-minute dedupe window) or `max_retries`. 413 splits
// the batch in halves; any other 4xx drops the batch and reports it through `on_error` (resending
// would fail the same way). Items the server rejects in a 200 reply are reported one by one.
//
// Dependencies: the C++17 standard library and libcurl >= 7.68 (curl_multi_poll/wakeup, so that
// Close() interrupts a transfer at once). Link with -lcurl -pthread.
//
// libcurl global state: curl_global_init() is the application's job, ideally first thing in
// main() before other threads exist (libcurl < 7.84 requires that). For convenience, unless
// ClientOptions::init_curl is false, the first Client constructed in the process calls
// curl_global_init(CURL_GLOBAL_DEFAULT) once (std::call_once); libcurl reference-counts the
// call, so it is harmless after the application's own. The client never calls
// curl_global_cleanup(): that belongs to the application, after every Client is destroyed.
//
// Thread-safety: Send(), Flush(), Stats() and NewId() may be called from any number of threads
// at once. Close() and the destructor may be called once any other calls have returned or will
// no longer be made (Send() after Close() returns false). `on_error` runs on the client's
// background thread: it must be quick and must not call Flush() or Close().
#ifndef BOTMON_CLIENT_HPP_
#define BOTMON_CLIENT_HPP_

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "botmon/client_internal.hpp"

namespace botmon {

// One bot event (SPEC 5). Empty strings, unset optionals and zero status/score are omitted from
// the JSON, and omitted members are inherited from the event's session by the server. Plain
// data; thread-compatible.
struct Event {
  std::string type;   // "session.start", "message.in", ... (required)
  int64_t ts_ms = 0;  // epoch milliseconds; 0: stamped by Send() (ClientOptions::stamp_time)
  std::string id;     // dedupe id (<= 128 bytes); "": Send() assigns a unique one

  std::string host;     // "": the receiving node
  std::string bot;      // "": the session's bot ("default" when this event opens the session)
  std::string session;  // conversation id
  std::string user;     // phone number, e-mail, handle...
  std::string channel;  // whatsapp, web, email, telegram... (the server lower-cases it)

  std::string text;     // message.in / message.out (<= 64 KiB)
  std::string message;  // log (<= 64 KiB)
  std::string comment;  // feedback (<= 64 KiB)
  std::string level;    // log: warning, error or critical
  std::string route;    // request: e.g. "GET /api/orders/:id"
  std::string model;    // llm
  std::string name;     // gauge / counter: the field name, e.g. "queue.depth"

  std::optional<double> latency_ms;  // message.out, request, llm: 0..3,600,000
  std::optional<double> ttft_ms;     // llm: time to first token
  std::optional<double> tokens_in;   // llm
  std::optional<double> tokens_out;  // llm
  std::optional<double> cost_usd;    // llm
  std::optional<double> value;       // gauge / counter (finite; counters >= 0)
  int status = 0;                    // request: HTTP status; 0 = absent
  int score = 0;                     // feedback: +1 or -1; 0 = absent

  // Helpers, one per event type. A negative number means "absent" (the server derives a
  // message.out latency from the last unanswered message.in when it is absent).
  static Event SessionStart(std::string session, std::string user, std::string channel) {
    Event e = Typed("session.start", std::move(session));
    e.user = std::move(user);
    e.channel = std::move(channel);
    return e;
  }
  static Event MessageIn(std::string session, std::string user, std::string channel,
                         std::string text) {
    Event e = SessionStart(std::move(session), std::move(user), std::move(channel));
    e.type = "message.in";
    e.text = std::move(text);
    return e;
  }
  static Event MessageOut(std::string session, std::string text, double latency_ms = -1) {
    Event e = Typed("message.out", std::move(session));
    e.text = std::move(text);
    if (latency_ms >= 0) e.latency_ms = latency_ms;
    return e;
  }
  static Event SessionEnd(std::string session) { return Typed("session.end", std::move(session)); }
  static Event Request(double latency_ms, int status, std::string route) {
    Event e = Typed("request", "");
    if (latency_ms >= 0) e.latency_ms = latency_ms;
    e.status = status;
    e.route = std::move(route);
    return e;
  }
  static Event Log(std::string level, std::string message) {
    Event e = Typed("log", "");
    e.level = std::move(level);
    e.message = std::move(message);
    return e;
  }
  static Event Llm(std::string model, double tokens_in, double tokens_out, double latency_ms,
                   double ttft_ms = -1, double cost_usd = -1) {
    Event e = Typed("llm", "");
    e.model = std::move(model);
    if (tokens_in >= 0) e.tokens_in = tokens_in;
    if (tokens_out >= 0) e.tokens_out = tokens_out;
    if (latency_ms >= 0) e.latency_ms = latency_ms;
    if (ttft_ms >= 0) e.ttft_ms = ttft_ms;
    if (cost_usd >= 0) e.cost_usd = cost_usd;
    return e;
  }
  static Event Fallback(std::string session) { return Typed("fallback", std::move(session)); }
  static Event Handoff(std::string session) { return Typed("handoff", std::move(session)); }
  static Event Feedback(std::string session, int score, std::string comment = "") {
    Event e = Typed("feedback", std::move(session));
    e.score = score;
    e.comment = std::move(comment);
    return e;
  }
  static Event Gauge(std::string name, double value) {
    Event e = Typed("gauge", "");
    e.name = std::move(name);
    e.value = value;
    return e;
  }
  static Event Counter(std::string name, double value) {
    Event e = Gauge(std::move(name), value);
    e.type = "counter";
    return e;
  }

  // Chainable setters for the common members.
  Event& WithBot(std::string v) { return Set(&bot, std::move(v)); }
  Event& WithHost(std::string v) { return Set(&host, std::move(v)); }
  Event& WithSession(std::string v) { return Set(&session, std::move(v)); }
  Event& WithUser(std::string v) { return Set(&user, std::move(v)); }
  Event& WithChannel(std::string v) { return Set(&channel, std::move(v)); }
  Event& WithId(std::string v) { return Set(&id, std::move(v)); }
  Event& At(int64_t epoch_ms) {
    ts_ms = epoch_ms;
    return *this;
  }

  // The event as one JSON object (`type` first; `ts` as integer epoch milliseconds).
  void AppendJson(std::string* out) const;
  std::string ToJson() const {
    std::string s;
    AppendJson(&s);
    return s;
  }

 private:
  static Event Typed(const char* type, std::string session) {
    Event e;
    e.type = type;
    e.session = std::move(session);
    return e;
  }
  Event& Set(std::string* member, std::string v) {
    *member = std::move(v);
    return *this;
  }
};

// A problem reported through ClientOptions::on_error.
struct ClientError {
  enum class Kind {
    kRejected,  // the server answered 200 but rejected this one event (e.g. a bad member)
    kDropped,   // a whole batch was lost: 4xx, retries exhausted, or the client closed
  };
  Kind kind = Kind::kDropped;
  int http_status = 0;  // the reply's status; 0 when there was none (connection error)
  std::string message;  // the server's error text, or what went wrong locally
  size_t index = 0;     // kRejected: the event's index in its batch
  std::vector<std::string> event_ids;  // the ids of the event(s) concerned
};

struct ClientOptions {
  // Base URL of the botmon server; "/api/v1/events" is appended.
  std::string url = "http://127.0.0.1:8080";
  // An ingest (or admin) token: `botmon token create --name mybot --role ingest`.
  std::string token;
  // Events per request, and bytes per request body (the server's default limit is 8 MiB).
  size_t max_batch = 500;
  size_t max_batch_bytes = 4u << 20;
  // A queued event waits at most this long before its batch is sent.
  std::chrono::milliseconds flush_interval{1000};
  // Events held in memory (queued plus in flight); beyond it Send() returns false.
  size_t max_queue = 100000;
  // Per request: the whole transfer, and the TCP connect.
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{3000};
  // Retry limits for one batch: attempts after the first (-1: no count limit), and time since
  // the first attempt. Keep give_up_after below the server's 10-minute dedupe window.
  int max_retries = -1;
  std::chrono::milliseconds give_up_after{5 * 60 * 1000};
  // Backoff before retry n (0-based): uniform in [0, min(cap, base * 2^n)] ("full jitter").
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_cap{30000};
  // How long the destructor keeps delivering what is queued before dropping it.
  std::chrono::milliseconds close_timeout{5000};
  // Stamp `ts` with the wall clock at Send() when the event has none, so batching and retries
  // never shift events in time.
  bool stamp_time = true;
  // Call curl_global_init once per process from the first Client (see the file comment).
  bool init_curl = true;
  std::string user_agent = "botmon-client-cpp/1.0";
  // Called on the client's thread for each rejected event and each dropped batch.
  std::function<void(const ClientError&)> on_error;
};

// Counters since construction; a consistent-enough snapshot (each counter is atomic).
struct ClientStats {
  uint64_t enqueued = 0;   // events accepted by Send()
  uint64_t refused = 0;    // Send() calls that returned false
  uint64_t delivered = 0;  // events in batches the server answered with 2xx
  uint64_t accepted = 0;   // ... of which the server accepted
  uint64_t rejected = 0;   // ... of which the server rejected (reported as kRejected)
  uint64_t dropped = 0;    // events lost with their batch (reported as kDropped)
  uint64_t requests = 0;   // HTTP attempts
  uint64_t retries = 0;    // attempts that were retries
  uint64_t pending = 0;    // queued plus in flight, now
};


inline void Event::AppendJson(std::string* out) const {
  using client_internal::AppendMember;
  out->append("{\"type\":");
  client_internal::AppendJsonString(out, type);
  AppendMember(out, "id", id);
  if (ts_ms != 0) {
    out->append(",\"ts\":");
    out->append(std::to_string(ts_ms));
  }
  AppendMember(out, "host", host);
  AppendMember(out, "bot", bot);
  AppendMember(out, "session", session);
  AppendMember(out, "user", user);
  AppendMember(out, "channel", channel);
  AppendMember(out, "text", text);
  AppendMember(out, "level", level);
  AppendMember(out, "message", message);
  AppendMember(out, "route", route);
  if (status != 0) {
    out->append(",\"status\":");
    out->append(std::to_string(status));
  }
  AppendMember(out, "latency_ms", latency_ms);
  AppendMember(out, "model", model);
  AppendMember(out, "tokens_in", tokens_in);
  AppendMember(out, "tokens_out", tokens_out);
  AppendMember(out, "ttft_ms", ttft_ms);
  AppendMember(out, "cost_usd", cost_usd);
  if (score != 0) {
    out->append(",\"score\":");
    out->append(std::to_string(score));
  }
  AppendMember(out, "comment", comment);
  AppendMember(out, "name", name);
  AppendMember(out, "value", value);
  out->push_back('}');
}

// The batching, retrying sender. See the file comment for the contract.
class Client {
 public:
  explicit Client(ClientOptions options = ClientOptions());
  // Close(options.close_timeout).
  ~Client() { Close(options_.close_timeout); }

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Queues the event (assigning `id` and `ts` when empty). Returns false, without blocking,
  // when the queue is full, the client is closed, or the event has no type.
  bool Send(Event event);

  // Sends what is queued now without waiting for the batch to fill, and waits until all of it
  // was answered (or dropped), at most `timeout`. Returns false on timeout; the events stay
  // queued and are still delivered later.
  bool Flush(std::chrono::milliseconds timeout);

  // Stops accepting events, keeps delivering what is queued for at most `timeout` (a transfer
  // in progress at the deadline is aborted), drops and reports the rest, and joins the thread.
  // Idempotent; later calls return at once.
  void Close(std::chrono::milliseconds timeout);

  ClientStats Stats() const;

  // A fresh event id: 16 random bytes (hex) fixed per client, '-', a per-client counter (hex).
  std::string NewId();

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Item {
    std::string id;
    std::string json;
    SteadyClock::time_point enqueued;
  };
  struct HttpResult {
    bool transport_ok = false;  // an HTTP reply arrived
    long status = 0;
    std::string body;
    std::string error;  // curl's message when !transport_ok
    std::optional<std::chrono::milliseconds> retry_after;
  };
  struct CurlEasyDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
  };
  struct CurlMultiDeleter {
    void operator()(CURLM* h) const { curl_multi_cleanup(h); }
  };
  struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  };

  void Run();
  // Delivers items[begin, end) with retries; reports what is lost. Never throws.
  void Deliver(const std::vector<Item>& items, size_t begin, size_t end);
  HttpResult Post(const std::string& body, std::chrono::milliseconds timeout);
  void HandleAccepted(const std::vector<Item>& items, size_t begin, size_t end,
                      const HttpResult& r);
  void Drop(const std::vector<Item>& items, size_t begin, size_t end, int status,
            std::string message);
  void Report(const ClientError& e) {
    if (options_.on_error) options_.on_error(e);
  }
  // True once Close()'s deadline has passed: stop delivering.
  bool Aborted() const {
    return closing_flag_.load() &&
           SteadyClock::now().time_since_epoch().count() >= close_deadline_ticks_.load();
  }
  // Sleeps until `until`, or less if Close()'s deadline comes first. False when aborted.
  bool SleepUntil(SteadyClock::time_point until);
  std::chrono::milliseconds Backoff(int attempt);

  static size_t OnBody(char* data, size_t size, size_t n, void* user) {
    auto* r = static_cast<HttpResult*>(user);
    const size_t len = size * n;
    if (r->body.size() < (4u << 20)) r->body.append(data, len);  // cap what we keep
    return len;
  }
  static size_t OnHeader(char* data, size_t size, size_t n, void* user) {
    auto* r = static_cast<HttpResult*>(user);
    const std::string_view line(data, size * n);
    if (client_internal::StartsWithNoCase(line, "http/")) {
      r->retry_after.reset();  // a new response (after a 100 Continue, say)
    } else if (client_internal::StartsWithNoCase(line, "retry-after:")) {
      r->retry_after = client_internal::ParseRetryAfter(line.substr(12));
    }
    return size * n;
  }

  const ClientOptions options_;
  const std::string endpoint_;
  std::string id_prefix_;
  std::atomic<uint64_t> id_counter_{0};

  std::unique_ptr<CURLM, CurlMultiDeleter> multi_;  // used by the worker; wakeup from Close()
  std::unique_ptr<CURL, CurlEasyDeleter> easy_;     // worker thread only
  std::unique_ptr<curl_slist, SlistDeleter> headers_;
  std::mt19937_64 jitter_rng_;  // worker thread only

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the worker waits for events, flushes and Close()
  std::condition_variable done_cv_;  // Flush() waits for progress
  std::deque<Item> queue_;           // guarded by mu_
  size_t inflight_ = 0;              // guarded by mu_
  uint64_t enqueued_seq_ = 0;        // guarded by mu_: events ever queued
  uint64_t done_seq_ = 0;            // guarded by mu_: events answered or dropped
  uint64_t flush_target_ = 0;        // guarded by mu_: send at once until done_seq_ reaches it
  bool closing_ = false;             // guarded by mu_
  SteadyClock::time_point close_deadline_;        // guarded by mu_
  std::atomic<bool> closing_flag_{false};         // mirrors closing_ for Aborted()
  std::atomic<int64_t> close_deadline_ticks_{0};  // mirrors close_deadline_

  std::mutex join_mu_;  // serialises Close() callers around join()
  std::thread worker_;

  struct AtomicStats {
    std::atomic<uint64_t> enqueued{0}, refused{0}, delivered{0}, accepted{0}, rejected{0},
        dropped{0}, requests{0}, retries{0};
  } stats_;
};

inline Client::Client(ClientOptions options)
    : options_(std::move(options)), endpoint_([this] {
        std::string u = options_.url;
        while (!u.empty() && u.back() == '/') u.pop_back();
        return u + "/api/v1/events";
      }()) {
  if (options_.init_curl) client_internal::EnsureCurlGlobalInit();
  // Seed from random_device plus time and address, so ids stay unique across processes even
  // on a platform whose random_device is weak.
  std::random_device rd;
  const auto now =
      static_cast<uint64_t>(std::chrono::high_resolution_clock::now().time_since_epoch().count());
  const auto self = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(this));
  std::seed_seq seq{rd(),
                    rd(),
                    rd(),
                    rd(),
                    rd(),
                    rd(),
                    rd(),
                    rd(),
                    static_cast<uint32_t>(now),
                    static_cast<uint32_t>(now >> 32),
                    static_cast<uint32_t>(self),
                    static_cast<uint32_t>(self >> 32)};
  std::mt19937_64 gen(seq);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(gen()),
                static_cast<unsigned long long>(gen()));
  id_prefix_ = hex;
  jitter_rng_.seed(gen());

  multi_.reset(curl_multi_init());
  easy_.reset(curl_easy_init());
  curl_slist* h = nullptr;
  h = curl_slist_append(h, "Content-Type: application/json");
  h = curl_slist_append(h, "Expect:");  // no 100-continue round trip for larger bodies
  if (!options_.token.empty()) {
    h = curl_slist_append(h, ("Authorization: Bearer " + options_.token).c_str());
  }
  headers_.reset(h);
  worker_ = std::thread([this] { Run(); });
}

inline std::string Client::NewId() {
  char buf[24];
  std::snprintf(buf, sizeof buf, "-%llx",
                static_cast<unsigned long long>(id_counter_.fetch_add(1) + 1));
  return id_prefix_ + buf;
}

inline bool Client::Send(Event event) {
  if (event.type.empty()) {
    ++stats_.refused;
    return false;
  }
  if (event.id.empty()) event.id = NewId();
  if (event.ts_ms == 0 && options_.stamp_time) {
    event.ts_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  }
  std::string json;
  event.AppendJson(&json);  // outside the lock: callers serialise in parallel
  Item item{std::move(event.id), std::move(json), SteadyClock::now()};
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_ || queue_.size() + inflight_ >= options_.max_queue) {
      ++stats_.refused;
      return false;
    }
    queue_.push_back(std::move(item));
    ++enqueued_seq_;
    // Wake the worker only when it has something new to decide.
    wake = queue_.size() == 1 || queue_.size() >= options_.max_batch;
  }
  ++stats_.enqueued;
  if (wake) work_cv_.notify_one();
  return true;
}

inline bool Client::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = enqueued_seq_;
  if (done_seq_ >= target) return true;
  flush_target_ = std::max(flush_target_, target);
  work_cv_.notify_one();
  return done_cv_.wait_for(lock, timeout, [&] { return done_seq_ >= target; });
}

inline void Client::Close(std::chrono::milliseconds timeout) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!closing_) {
      closing_ = true;
      close_deadline_ = SteadyClock::now() + timeout;
      close_deadline_ticks_ = close_deadline_.time_since_epoch().count();
      closing_flag_ = true;
    }
  }
  work_cv_.notify_all();
  if (multi_) curl_multi_wakeup(multi_.get());
  std::lock_guard<std::mutex> join_lock(join_mu_);
  if (worker_.joinable()) worker_.join();
}

inline ClientStats Client::Stats() const {
  ClientStats s;
  s.enqueued = stats_.enqueued;
  s.refused = stats_.refused;
  s.delivered = stats_.delivered;
  s.accepted = stats_.accepted;
  s.rejected = stats_.rejected;
  s.dropped = stats_.dropped;
  s.requests = stats_.requests;
  s.retries = stats_.retries;
  std::lock_guard<std::mutex> lock(mu_);
  s.pending = queue_.size() + inflight_;
  return s;
}

inline void Client::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // Wait until a batch is due: full, old enough, flushed, or closing.
    for (;;) {
      if (queue_.empty()) {
        if (closing_) return;
        work_cv_.wait(lock);
        continue;
      }
      const auto due_at = queue_.front().enqueued + options_.flush_interval;
      const uint64_t front_seq = enqueued_seq_ - queue_.size();
      if (closing_ || queue_.size() >= options_.max_batch || flush_target_ > front_seq ||
          SteadyClock::now() >= due_at) {
        break;
      }
      work_cv_.wait_until(lock, due_at);
    }
    std::vector<Item> batch;
    if (closing_ && SteadyClock::now() >= close_deadline_) {
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      inflight_ = batch.size();
      lock.unlock();
      Drop(batch, 0, batch.size(), 0, "client closed before these events could be sent");
    } else {
      size_t bytes = 2;
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        const size_t next = queue_.front().json.size() + 1;
        if (!batch.empty() && bytes + next > options_.max_batch_bytes) break;
        bytes += next;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      inflight_ = batch.size();
      lock.unlock();
      Deliver(batch, 0, batch.size());
    }
    lock.lock();
    inflight_ = 0;
    done_seq_ += batch.size();
    done_cv_.notify_all();
  }
}

inline std::chrono::milliseconds Client::Backoff(int attempt) {
  const double cap = static_cast<double>(options_.backoff_cap.count());
  const double ceiling = std::min(cap, static_cast<double>(options_.backoff_base.count()) *
                                           std::ldexp(1.0, std::min(attempt, 40)));
  std::uniform_real_distribution<double> dist(0.0, ceiling);
  return std::chrono::milliseconds(static_cast<int64_t>(dist(jitter_rng_)));
}

inline bool Client::SleepUntil(SteadyClock::time_point until) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    const auto limit = closing_ ? std::min(until, close_deadline_) : until;
    if (SteadyClock::now() >= limit) break;
    work_cv_.wait_until(lock, limit);  // Close() wakes us to recompute the limit
  }
  return !(closing_ && SteadyClock::now() >= close_deadline_);
}

inline void Client::Deliver(const std::vector<Item>& items, size_t begin, size_t end) {
  std::string body;
  body.reserve(2 + (end - begin) * 256);
  body.push_back('[');
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) body.push_back(',');
    body.append(items[i].json);
  }
  body.push_back(']');

  const auto first_attempt = SteadyClock::now();
  std::string last_error;
  int last_status = 0;
  for (int attempt = 0;; ++attempt) {
    if (Aborted()) {
      Drop(items, begin, end, last_status,
           "client closed while delivering" + (last_error.empty() ? "" : ": " + last_error));
      return;
    }
    auto timeout = options_.timeout;
    if (closing_flag_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          SteadyClock::duration(close_deadline_ticks_.load()) -
          SteadyClock::now().time_since_epoch());
      timeout = std::max(std::chrono::milliseconds(1), std::min(timeout, left));
    }
    if (attempt > 0) ++stats_.retries;
    HttpResult r = Post(body, timeout);
    ++stats_.requests;
    if (r.transport_ok && r.status >= 200 && r.status < 300) {
      HandleAccepted(items, begin, end, r);
      return;
    }
    if (r.transport_ok && r.status == 413 && end - begin > 1) {
      // Too large for the server's body limit: halve until it fits.
      const size_t mid = begin + (end - begin) / 2;
      Deliver(items, begin, mid);
      Deliver(items, mid, end);
      return;
    }
    const bool retryable = !r.transport_ok || r.status == 408 || r.status == 429 || r.status >= 500;
    last_status = r.transport_ok ? static_cast<int>(r.status) : 0;
    last_error = r.transport_ok ? "HTTP " + std::to_string(r.status) + ": " +
                                      client_internal::ErrorText(r.body)
                                : r.error;
    if (!retryable) {
      Drop(items, begin, end, last_status, last_error);
      return;
    }
    const auto wait = r.retry_after ? *r.retry_after : Backoff(attempt);
    const auto resume = SteadyClock::now() + wait;
    if ((options_.max_retries >= 0 && attempt >= options_.max_retries) ||
        resume - first_attempt > options_.give_up_after) {
      Drop(items, begin, end, last_status,
           "gave up after " + std::to_string(attempt + 1) + " attempts: " + last_error);
      return;
    }
    if (!SleepUntil(resume)) {
      Drop(items, begin, end, last_status, "client closed while retrying: " + last_error);
      return;
    }
  }
}

inline Client::HttpResult Client::Post(const std::string& body, std::chrono::milliseconds timeout) {
  HttpResult r;
  if (!multi_ || !easy_ || !headers_) {
    r.error = "libcurl initialisation failed";
    return r;
  }
  CURL* h = easy_.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_reset(h);  // keeps the connection cache; clears the previous request's options
  curl_easy_setopt(h, CURLOPT_URL, endpoint_.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(timeout, options_.connect_timeout).count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Client::OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Client::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  CURLM* m = multi_.get();
  curl_multi_add_handle(m, h);
  CURLcode result = CURLE_OK;
  bool finished = false;
  for (;;) {
    int running = 0;
    if (curl_multi_perform(m, &running) != CURLM_OK) {
      result = CURLE_FAILED_INIT;
      break;
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(m, &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == h) {
        result = msg->data.result;
        finished = true;
      }
    }
    if (finished || running == 0) break;
    if (Aborted()) {
      result = CURLE_ABORTED_BY_CALLBACK;
      std::snprintf(errbuf, sizeof errbuf, "aborted: client closed");
      break;
    }
    // Close() wakes the poll; once closing, it also must not sleep past the deadline.
    int wait_ms = 1000;
    if (closing_flag_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          SteadyClock::duration(close_deadline_ticks_.load()) -
          SteadyClock::now().time_since_epoch());
      wait_ms = static_cast<int>(std::clamp<int64_t>(left.count() + 1, 1, 1000));
    }
    curl_multi_poll(m, nullptr, 0, wait_ms, nullptr);
  }
  curl_multi_remove_handle(m, h);
  if (finished && result == CURLE_OK) {
    r.transport_ok = true;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(result));
    if (!finished && result == CURLE_OK) r.error = "transfer did not complete";
  }
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // errbuf goes out of scope
  return r;
}

inline void Client::HandleAccepted(const std::vector<Item>& items, size_t begin, size_t end,
                                   const HttpResult& r) {
  using client_internal::JsonValue;
  const size_t n = end - begin;
  stats_.delivered += n;
  size_t rejected = 0;
  if (auto reply = client_internal::JsonReader::Parse(r.body)) {
    const JsonValue* list = reply->Find("rejected");
    if (list && list->kind == JsonValue::Kind::kArray) {
      for (const JsonValue& rej : list->items) {
        ClientError e;
        e.kind = ClientError::Kind::kRejected;
        e.http_status = static_cast<int>(r.status);
        const JsonValue* index = rej.Find("index");
        const JsonValue* error = rej.Find("error");
        if (error && error->kind == JsonValue::Kind::kString) e.message = error->string;
        if (index && index->kind == JsonValue::Kind::kNumber && index->number >= 0 &&
            index->number < static_cast<double>(n)) {
          e.index = static_cast<size_t>(index->number);
          e.event_ids.push_back(items[begin + e.index].id);
        }
        ++rejected;
        Report(e);
      }
    }
  }
  rejected = std::min(rejected, n);
  stats_.rejected += rejected;
  stats_.accepted += n - rejected;
}

inline void Client::Drop(const std::vector<Item>& items, size_t begin, size_t end, int status,
                         std::string message) {
  stats_.dropped += end - begin;
  ClientError e;
  e.kind = ClientError::Kind::kDropped;
  e.http_status = status;
  e.message = std::move(message);
  e.event_ids.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) e.event_ids.push_back(items[i].id);
  Report(e);
}

}  // namespace botmon

#endif  // BOTMON_CLIENT_HPP_
