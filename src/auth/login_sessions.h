// LoginSessions: the dashboard's logins (SPEC 12). A session id is 256 random bits (43 base64url
// characters) sent once in the `botmon_session` cookie; only its SHA-256 is kept, in memory and
// in the store (so a restart keeps people logged in). A login ends after `auth.sessionIdle`
// without requests or `auth.sessionMax` after it began.
//
// Verify() runs on the HTTP I/O thread: it reads memory, and only the first time a hash is seen
// after a restart does it make one point read of the store (as TokenCache does). Hashes that the
// store does not know are remembered (bounded): only this process creates sessions, so an
// unknown hash never becomes valid later. Last-seen times reach the store lazily (TakeSeen()).
// Thread-safe.
#ifndef BOTMON_AUTH_LOGIN_SESSIONS_H_
#define BOTMON_AUTH_LOGIN_SESSIONS_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "auth/token_cache.h"
#include "core/clock.h"
#include "http/server.h"
#include "store/store.h"

namespace botmon {

inline constexpr std::string_view kSessionCookie = "botmon_session";

struct SessionLimits {
  int64_t idle_ms = 0;
  int64_t max_ms = 0;
};

class LoginSessions {
 public:
  // `limits` is read at each check, so that a reload applies to open logins.
  LoginSessions(Store* store, Clock* clock, std::function<SessionLimits()> limits)
      : store_(store), clock_(clock), limits_(std::move(limits)) {}

  // Starts a login for `user` with `role`; returns the session id (for the cookie only).
  StatusOr<std::string> Create(const std::string& user, Role role);
  // The principal for a cookie value: via_cookie and presented are always set; role kNone when
  // the id is unknown, forged or expired.
  Principal Verify(std::string_view id);
  // Ends the login with that id (logout). Unknown ids are ignored.
  Status Remove(std::string_view id);
  // Forgets every login of `user` (the store drops them with the user).
  void ForgetUser(std::string_view user);
  // Drops expired logins from memory and the store, after writing the pending last-seen times.
  Status Purge();
  // (hash, last seen) pairs since the last call.
  std::vector<std::pair<std::string, int64_t>> TakeSeen();

 private:
  struct Entry {
    std::string user;
    Role role;
    int64_t created_ms, last_seen_ms;
  };
  bool Expired(const Entry& e, int64_t now_ms) const;
  void RememberUnknown(const std::string& hash);  // REQUIRES: mu_ held
  // The principal of a known session, or none when it expired (then forgotten). REQUIRES: mu_
  // held.
  Principal Verified(std::unordered_map<std::string, Entry>::iterator it, const std::string& hash,
                     int64_t now, Principal p);

  Store* store_;
  Clock* clock_;
  std::function<SessionLimits()> limits_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> by_hash_;  // GUARDED_BY(mu_)
  std::unordered_set<std::string> unknown_;         // GUARDED_BY(mu_)
  std::unordered_map<std::string, int64_t> seen_;   // GUARDED_BY(mu_)
  uint64_t removals_ = 0;  // GUARDED_BY(mu_): Remove() and ForgetUser() calls, for Verify()
};

// The value of the `botmon_session` cookie in a Cookie header, or "".
std::string_view SessionCookieValue(std::string_view cookie_header);

// The Router's Authenticator: an Authorization header is a bearer token (cookies are then
// ignored); otherwise the `botmon_session` cookie is a dashboard login. `logins` may be null.
Authenticator MakeAuthenticator(TokenCache* tokens, LoginSessions* logins);

}  // namespace botmon

#endif  // BOTMON_AUTH_LOGIN_SESSIONS_H_
