// LoginLimiter: rate-limits failed dashboard logins (SPEC 9: 429 after 5 failures per minute per
// client IP and user name), plus a cap per IP across all names so that one client cannot try a
// password against every user. Counts only failures; a success clears its (IP, name) count.
// Memory is bounded: at most kMaxKeys keys, the oldest windows dropped first. Thread-safe.
#ifndef BOTMON_AUTH_LOGIN_LIMITER_H_
#define BOTMON_AUTH_LOGIN_LIMITER_H_

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace botmon {

class LoginLimiter {
 public:
  static constexpr int kPerUser = 5;  // failures per window per (IP, name)
  static constexpr int kPerIp = 20;   // failures per window per IP, any names
  static constexpr int64_t kWindowMs = 60'000;
  static constexpr size_t kMaxKeys = 100'000;

  // 0 when a login attempt from `ip` for `name` may proceed, else the milliseconds until it may.
  int64_t RetryAfterMs(std::string_view ip, std::string_view name, int64_t now_ms);
  void Failure(std::string_view ip, std::string_view name, int64_t now_ms);
  void Success(std::string_view ip, std::string_view name);

 private:
  // The last failure times, oldest first, at most kPerIp of them, in place: a key costs about
  // 170 bytes of window (a std::deque allocated 600), which bounds the map's memory at the
  // kMaxKeys cap to about 25 MB with the keys.
  struct Window {
    std::array<int64_t, kPerIp> t{};
    uint8_t head = 0;  // index of the oldest
    uint8_t size = 0;
    int64_t front() const { return t[head]; }
    int64_t back() const { return t[(head + size - 1) % kPerIp]; }
    void pop_front() {
      head = static_cast<uint8_t>((head + 1) % kPerIp);
      --size;
    }
    void push_back(int64_t v) {
      if (size == kPerIp) pop_front();
      t[(head + size) % kPerIp] = v;
      ++size;
    }
  };
  static int64_t Blocked(Window* w, int limit, int64_t now_ms);
  void Record(std::string key, int limit, int64_t now_ms);

  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;  // GUARDED_BY(mu_); "u\0ip\0name", "i\0ip"
};

// "127.0.0.1:5555" -> "127.0.0.1"; "[::1]:5555" -> "::1".
std::string ClientIp(std::string_view remote);

}  // namespace botmon

#endif  // BOTMON_AUTH_LOGIN_LIMITER_H_
