#include "probe/check_runner.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/duration.h"
#include "core/log.h"
#include "core/thread_name.h"
#include "probe/check_config.h"

namespace botmon {

// What the probe thread keeps per check.
struct CheckRunner::Entry {
  uint64_t id = 0;
  CheckConfig config;
  ProbeMemory memory;
  std::unique_ptr<ProbeOp> op;  // the attempt in flight
  ProbeWait wait;               // what `op` waits for
  int64_t deadline = 0;         // monotonic ms: `op` is destroyed then
  bool in_probe = false;        // between a probe's first attempt and its final result
  int attempt = 0;              // attempts made in the current probe
  int64_t probe_start = 0;      // monotonic ms the current probe was due
  int64_t next_at = 0;          // monotonic ms the next attempt (or probe) is due
};

CheckRunner::CheckRunner(std::vector<CheckConfig> checks, Callback callback, RunnerOptions opts)
    : callback_(std::move(callback)), opts_(opts) {
  Reconfigure(std::move(checks));
}

CheckRunner::~CheckRunner() { Stop(); }

int64_t CheckRunner::WallNow() const {
  return (opts_.clock != nullptr ? opts_.clock : Clock::Real())->NowMs();
}

void CheckRunner::Start() {
  if (started_) return;
  started_ = true;
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) LOG_ERROR("probe: eventfd failed (errno {}); Stop() may take up to 1s", errno);
  thread_ = std::thread([this] { Run(); });
}

void CheckRunner::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  Wake();
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
}

void CheckRunner::Wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof one);
  (void)n;  // EAGAIN: the counter is already non-zero, so the loop wakes anyway
}

void CheckRunner::Reconfigure(std::vector<CheckConfig> checks) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<CheckState> states;
    std::vector<uint64_t> ids;
    std::vector<std::pair<uint64_t, CheckConfig>> pending;
    for (CheckConfig& c : checks) {
      uint64_t id = 0;
      CheckState state;
      for (size_t j = 0; j < states_.size(); ++j) {
        if (states_[j].config.name == c.name && SameProbe(states_[j].config, c)) {
          id = state_ids_[j];
          state = states_[j];
          break;
        }
      }
      if (id == 0) id = next_id_++;
      state.config = c;
      states.push_back(std::move(state));
      ids.push_back(id);
      pending.emplace_back(id, std::move(c));
    }
    states_ = std::move(states);
    state_ids_ = std::move(ids);
    pending_ = std::move(pending);
  }
  Wake();
}

std::vector<CheckState> CheckRunner::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return states_;
}

std::optional<CheckState> CheckRunner::Get(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const CheckState& s : states_) {
    if (s.config.name == name) return s;
  }
  return std::nullopt;
}

void CheckRunner::ApplyPending() {
  std::optional<std::vector<std::pair<uint64_t, CheckConfig>>> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending.swap(pending_);
  }
  if (!pending) return;
  std::vector<std::unique_ptr<Entry>> entries;
  for (auto& [id, config] : *pending) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [id = id](const std::unique_ptr<Entry>& e) { return e && e->id == id; });
    std::unique_ptr<Entry> e;
    if (it != entries_.end()) {
      e = std::move(*it);
    } else {
      e = std::make_unique<Entry>();
      e->id = id;
      e->next_at = 0;  // due now
    }
    e->config = std::move(config);
    entries.push_back(std::move(e));
  }
  entries_ = std::move(entries);  // the removed ones (and their attempts) are destroyed here
}

void CheckRunner::StartAttempt(Entry* e, int64_t now) {
  if (!e->in_probe) {
    e->in_probe = true;
    e->attempt = 0;
    e->probe_start = e->next_at > 0 ? e->next_at : now;
  }
  ++e->attempt;
  e->deadline = now + e->config.timeout_ms;
  e->wait = ProbeWait{};
  e->op = StartProbe(e->config, &e->memory, now);
  if (e->op->Step({}, now, &e->wait)) EndAttempt(e, e->op->Result(), now);
}

void CheckRunner::EndAttempt(Entry* e, ProbeResult r, int64_t now) {
  e->op.reset();
  e->wait = ProbeWait{};
  if (r.status == ServiceStatus::kStopped && e->attempt <= e->config.retries) {
    e->next_at = now + opts_.retry_delay_ms;  // retry
    return;
  }
  e->in_probe = false;
  int64_t interval = std::max<int64_t>(e->config.interval_ms, 1);
  e->next_at = e->probe_start + interval;
  if (e->next_at <= now) e->next_at += ((now - e->next_at) / interval + 1) * interval;

  CheckState copy;
  bool transition = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find(state_ids_.begin(), state_ids_.end(), e->id);
    if (it == state_ids_.end()) return;  // removed meanwhile
    CheckState& s = states_[static_cast<size_t>(it - state_ids_.begin())];
    int64_t wall = WallNow();
    transition = !s.probed || s.result.status != r.status;
    if (transition) {
      CheckTransition t;
      t.at_ms = wall;
      if (s.probed) t.from = s.result.status;
      t.to = r.status;
      t.error = r.error;
      s.transitions.push_back(std::move(t));
      while (s.transitions.size() > CheckState::kMaxTransitions) s.transitions.pop_front();
      s.last_change_at_ms = wall;
    }
    s.probed = true;
    s.result = std::move(r);
    s.attempts = e->attempt;
    s.last_probe_at_ms = wall;
    copy = s;
  }
  if (callback_) callback_(copy, transition);
}

void CheckRunner::Run() {
  SetThreadName("probe");
  std::vector<pollfd> fds;
  std::vector<std::pair<size_t, size_t>> spans;  // per entry: [begin, end) in fds
  std::vector<pollfd> ready;
  while (!stopping_.load()) {
    ApplyPending();
    int64_t now = ProbeNowMs();
    for (auto& e : entries_) {
      if (e->op && now >= e->deadline) {
        ProbeResult r;
        r.status = ServiceStatus::kStopped;
        r.error = "timed out after " + FormatDuration(e->config.timeout_ms);
        r.latency_ms = static_cast<double>(e->config.timeout_ms);
        EndAttempt(e.get(), std::move(r), now);
      }
      if (!e->op && now >= e->next_at) StartAttempt(e.get(), now);
    }
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    spans.clear();
    int64_t wake = now + 60'000;
    for (auto& e : entries_) {
      size_t begin = fds.size();
      if (e->op) {
        fds.insert(fds.end(), e->wait.fds.begin(), e->wait.fds.end());
        wake = std::min(wake, e->deadline);
        if (e->wait.wake_at_ms > 0) wake = std::min(wake, e->wait.wake_at_ms);
      } else {
        wake = std::min(wake, e->next_at);
      }
      spans.emplace_back(begin, fds.size());
    }
    int timeout = static_cast<int>(std::clamp<int64_t>(wake - now, 0, 60'000));
    if (wake_fd_ < 0) timeout = std::min(timeout, 100);
    int n = ::poll(fds.data(), fds.size(), timeout);
    if (stopping_.load()) break;
    if (n < 0 && errno != EINTR) LOG_WARN("probe: poll failed (errno {})", errno);
    if (fds[0].revents & POLLIN) {
      uint64_t v;
      ssize_t got = ::read(wake_fd_, &v, sizeof v);
      (void)got;
    }
    now = ProbeNowMs();
    for (size_t i = 0; i < entries_.size(); ++i) {
      Entry* e = entries_[i].get();
      if (!e->op) continue;
      ready.clear();
      if (n > 0) {
        for (size_t k = spans[i].first; k < spans[i].second; ++k) {
          if (fds[k].revents != 0) ready.push_back(fds[k]);
        }
      }
      bool timer = e->wait.wake_at_ms > 0 && now >= e->wait.wake_at_ms;
      if (ready.empty() && !timer) continue;
      if (e->op->Step(ready, now, &e->wait)) EndAttempt(e, e->op->Result(), now);
    }
  }
  entries_.clear();  // closes every attempt in flight
}

}  // namespace botmon
