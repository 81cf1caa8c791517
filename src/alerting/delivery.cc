#include "alerting/delivery.h"

#include <algorithm>
#include <deque>

#include "alerting/alert_engine.h"
#include "core/log.h"
#include "core/random.h"
#include "core/thread_name.h"
#include "core/time_util.h"
#include "hooks/hook_runner.h"
#include "notify/message.h"

namespace botmon {

namespace {

constexpr int64_t kSendTimeoutMs = 15'000;
constexpr int64_t kMaxBackoffMs = 10 * 60'000;
constexpr const char* kHookPrefix = "hook:";

bool IsHook(const OutboxRow& r) { return r.target.rfind(kHookPrefix, 0) == 0; }

// Appends one attempt to the row's history (SPEC 9 /deliveries), keeping the last
// kMaxOutboxHistory. `status` is the HTTP status, SMTP reply code or hook exit code (0 = none).
void AddAttempt(OutboxRow* row, int64_t at_ms, bool ok, int status, const std::string& error,
                int64_t latency_ms) {
  nlohmann::json history = nlohmann::json::parse(row->history, nullptr, false);
  if (!history.is_array()) history = nlohmann::json::array();
  history.push_back({{"at", FormatRfc3339Ms(at_ms)},
                     {"ok", ok},
                     {"status", status != 0 ? nlohmann::json(status) : nlohmann::json(nullptr)},
                     {"error", ok ? nlohmann::json(nullptr) : nlohmann::json(error)},
                     {"latencyMs", latency_ms}});
  while (history.size() > kMaxOutboxHistory) history.erase(history.begin());
  row->history = history.dump();
}

}  // namespace

int64_t FullJitterBackoffMs(int attempt, uint64_t random) {
  int64_t cap = 1000;
  for (int i = 1; i < attempt && cap < kMaxBackoffMs; ++i) cap *= 2;
  cap = std::min(cap, kMaxBackoffMs);
  return static_cast<int64_t>(random % static_cast<uint64_t>(cap + 1));
}

struct DeliveryWorkers::Queue {
  std::string name;
  std::deque<OutboxRow> rows;
  std::condition_variable cv;
  std::thread thread;
};

DeliveryWorkers::DeliveryWorkers(Store* store, AlertEngine* engine, Clock* clock)
    : store_(store), engine_(engine), clock_(clock) {}

DeliveryWorkers::~DeliveryWorkers() { Stop(); }

void DeliveryWorkers::Enqueue(std::vector<OutboxRow> rows) {
  std::lock_guard lock(mu_);
  if (stopping_) return;  // still pending in the store: sent after the next start
  for (auto& r : rows) {
    if (r.state != "pending") continue;
    const std::string key = IsHook(r) ? std::string("hooks") : r.target;
    auto& q = queues_[key];
    if (!q) {
      q = std::make_unique<Queue>();
      q->name = key;
      Queue* raw = q.get();
      q->thread = std::thread([this, raw] {
        SetThreadName(raw->name == "hooks" ? "hooks" : "notify");
        Run(raw);
      });
    }
    q->rows.push_back(std::move(r));
    q->cv.notify_one();
  }
}

void DeliveryWorkers::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [k, q] : queues_) {
      q->cv.notify_all();
      threads.push_back(std::move(q->thread));
    }
  }
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

size_t DeliveryWorkers::pending() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [k, q] : queues_) n += q->rows.size();
  return n;
}

void DeliveryWorkers::Run(Queue* q) {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (q->rows.empty()) {
      q->cv.wait(lock);
      continue;
    }
    // The row due first (hooks keep their order: they are never retried).
    auto it = std::min_element(q->rows.begin(), q->rows.end(),
                               [](const OutboxRow& a, const OutboxRow& b) {
                                 return a.next_attempt_ms < b.next_attempt_ms;
                               });
    const int64_t now = clock_->NowMs();
    if (it->next_attempt_ms > now) {
      q->cv.wait_for(lock,
                     std::chrono::milliseconds(std::min<int64_t>(it->next_attempt_ms - now, 1000)));
      continue;
    }
    OutboxRow row = std::move(*it);
    q->rows.erase(it);
    lock.unlock();
    if (IsHook(row)) {
      AttemptHook(&row);
    } else {
      Attempt(&row);
    }
    Record(row);
    lock.lock();
    if (row.state == "pending") q->rows.push_back(std::move(row));
  }
}

void DeliveryWorkers::Attempt(OutboxRow* row) {
  auto settings = engine_->settings();
  const int64_t now = clock_->NowMs();
  ++row->attempts;
  const Channel* channel = nullptr;
  for (const auto& c : settings->channels) {
    if (c.name == row->target) channel = &c;
  }
  nlohmann::json payload = nlohmann::json::parse(row->payload, nullptr, false);
  Notification n;
  if (payload.is_discarded() || !ParseNotifyEvent(payload.value("event", ""), &n.event)) {
    row->state = "failed";
    row->last_error = "unreadable outbox payload";
    row->done_ms = now;
    failed_++;
    return;
  }
  n.delivery_id = row->id;
  n.incident = IncidentFromJson(payload["incident"]);
  n.dashboard_url = DashboardUrl(settings->public_url, n.incident.id);
  n.sent_at_ms = now;
  SendResult r;
  if (!channel) {
    r.detail = "channel \"" + row->target + "\" is not configured any more";
    r.retryable = false;
  } else {
    CurlNotifier notifier(settings->transports, clock_);
    r = notifier.Send(*channel, n, kSendTimeoutMs);
  }
  AddAttempt(row, now, r.ok, r.http_status != 0 ? r.http_status : r.smtp_code, r.detail,
             r.elapsed_ms);
  if (r.ok) {
    row->state = "sent";
    row->last_error.clear();
    row->done_ms = clock_->NowMs();
    sent_++;
    engine_->AddTimeline(row->incident_id,
                         {clock_->NowMs(), "notified",
                          row->target + " ok (delivery " + row->id + ")", std::nullopt});
    engine_->ChannelRecovered(row->target);
    return;
  }
  row->last_error = r.detail;
  const bool give_up = !r.retryable || now - row->created_ms >= settings->give_up_after_ms;
  if (give_up) {
    row->state = "failed";
    row->done_ms = clock_->NowMs();
    failed_++;
    engine_->AddTimeline(
        row->incident_id,
        {clock_->NowMs(), "notify_failed",
         row->target + " gave up after " + std::to_string(row->attempts) + " attempts: " + r.detail,
         std::nullopt});
    engine_->ChannelFailing(row->target, r.detail);
    return;
  }
  row->next_attempt_ms = clock_->NowMs() + FullJitterBackoffMs(row->attempts, RandomU64());
  if (row->attempts == 1) {
    engine_->AddTimeline(row->incident_id,
                         {clock_->NowMs(), "notify_failed",
                          row->target + " failed, retrying: " + r.detail, std::nullopt});
  }
  LogEvery("notify:" + row->target, spdlog::level::warn,
           "notification channel " + row->target + ": " + r.detail);
}

void DeliveryWorkers::AttemptHook(OutboxRow* row) {
  auto settings = engine_->settings();
  ++row->attempts;
  row->done_ms = clock_->NowMs();
  const std::string name = row->target.substr(std::string_view(kHookPrefix).size());
  auto hooks = ListHooks(settings->hooks_dir);
  const HookSpec* spec = nullptr;
  if (hooks.ok()) {
    for (const auto& h : *hooks) {
      if (h.name == name && h.how != HookHow::kSkipped) spec = &h;
    }
  }
  if (!spec) {
    row->state = "skipped";
    row->last_error = "hook " + name + " is gone";
    return;
  }
  nlohmann::json payload = nlohmann::json::parse(row->payload, nullptr, false);
  if (payload.is_discarded()) {
    row->state = "failed";
    row->last_error = "unreadable outbox payload";
    return;
  }
  const nlohmann::json& inc = payload["incident"];
  const std::map<std::string, std::string> env = {
      {"BOTMON_INCIDENT_ID", inc.value("id", "")},
      {"BOTMON_INCIDENT_STATUS", payload.value("event", "")},
      {"BOTMON_RULE", inc.value("ruleName", "")},
      {"BOTMON_HOST", inc.value("hostName", "")}};
  auto run = RunHook(*spec, inc.dump() + "\n", env, settings->hook_timeout_ms,
                     settings->hooks_dir + "/" + std::string(kIncidentHookFolder));
  std::string detail = run.ok() ? HookRunSummary(*spec, *run) : run.status().message();
  if (run.ok() && !run->output.empty()) detail += ": " + run->output.substr(0, 2000);
  row->state = run.ok() && run->ok() ? "sent" : "failed";
  AddAttempt(row, *row->done_ms, row->state == "sent",
             run.ok() && run->exit_code ? *run->exit_code : 0, detail,
             run.ok() ? run->duration_ms : 0);
  if (row->state == "sent") {
    sent_++;
  } else {
    failed_++;
    row->last_error = detail;
  }
  engine_->AddTimeline(row->incident_id, {clock_->NowMs(), "hook", detail, std::nullopt});
}

void DeliveryWorkers::Record(const OutboxRow& row) {
  WriteBatch b;
  b.outbox.push_back(row);
  store_->Write(std::move(b), [id = row.id](Status s) {
    if (!s.ok()) LOG_ERROR("cannot record delivery {}: {}", id, s.message());
  });
}

}  // namespace botmon
