#include "auth/login_limiter.h"

#include <algorithm>

namespace botmon {
namespace {

std::string UserKey(std::string_view ip, std::string_view name) {
  std::string k = "u";
  k.push_back('\0');
  k.append(ip);
  k.push_back('\0');
  k.append(name);
  return k;
}

std::string IpKey(std::string_view ip) {
  std::string k = "i";
  k.push_back('\0');
  k.append(ip);
  return k;
}

}  // namespace

int64_t LoginLimiter::Blocked(Window* w, int limit, int64_t now_ms) {
  while (w->size > 0 && w->front() <= now_ms - kWindowMs) w->pop_front();
  if (w->size < limit) return 0;
  // The failure that must leave the window before another attempt: the limit-th newest.
  const int64_t oldest_counted = w->t[(w->head + w->size - limit) % kPerIp];
  return std::max<int64_t>(1, oldest_counted + kWindowMs - now_ms);
}

int64_t LoginLimiter::RetryAfterMs(std::string_view ip, std::string_view name, int64_t now_ms) {
  std::lock_guard lock(mu_);
  int64_t wait = 0;
  if (auto it = windows_.find(UserKey(ip, name)); it != windows_.end()) {
    wait = std::max(wait, Blocked(&it->second, kPerUser, now_ms));
  }
  if (auto it = windows_.find(IpKey(ip)); it != windows_.end()) {
    wait = std::max(wait, Blocked(&it->second, kPerIp, now_ms));
  }
  return wait;
}

void LoginLimiter::Record(std::string key, int limit, int64_t now_ms) {
  Window& w = windows_[std::move(key)];
  w.push_back(now_ms);
  while (w.size > limit) w.pop_front();
}

void LoginLimiter::Failure(std::string_view ip, std::string_view name, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (windows_.size() >= kMaxKeys) {
    // Forget every window that no longer blocks anything; if all still do, start over rather
    // than grow without bound (a flood of distinct names must not exhaust memory).
    std::erase_if(windows_, [now_ms](const auto& kv) {
      return kv.second.size == 0 || kv.second.back() <= now_ms - kWindowMs;
    });
    if (windows_.size() >= kMaxKeys) windows_.clear();
  }
  Record(UserKey(ip, name), kPerUser, now_ms);
  Record(IpKey(ip), kPerIp, now_ms);
}

void LoginLimiter::Success(std::string_view ip, std::string_view name) {
  std::lock_guard lock(mu_);
  windows_.erase(UserKey(ip, name));
}

std::string ClientIp(std::string_view remote) {
  if (!remote.empty() && remote.front() == '[') {
    const size_t end = remote.find(']');
    if (end != std::string_view::npos) return std::string(remote.substr(1, end - 1));
  }
  const size_t colon = remote.rfind(':');
  if (colon != std::string_view::npos && remote.find(':') == colon) {
    return std::string(remote.substr(0, colon));
  }
  return std::string(remote);
}

}  // namespace botmon
