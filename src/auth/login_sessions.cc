#include "auth/login_sessions.h"

#include "auth/token.h"
#include "core/random.h"

namespace botmon {
namespace {

constexpr size_t kMaxUnknown = 10'000;
constexpr size_t kIdLength = 43;  // 32 bytes in base64url without padding

bool LooksLikeSessionId(std::string_view id) {
  if (id.size() != kIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool LoginSessions::Expired(const Entry& e, int64_t now_ms) const {
  const SessionLimits l = limits_();
  return now_ms - e.last_seen_ms >= l.idle_ms || now_ms - e.created_ms >= l.max_ms;
}

void LoginSessions::RememberUnknown(const std::string& hash) {
  if (unknown_.size() >= kMaxUnknown) unknown_.clear();
  unknown_.insert(hash);
}

StatusOr<std::string> LoginSessions::Create(const std::string& user, Role role) {
  char bytes[32];
  RandomBytes(bytes, sizeof bytes);
  std::string id = Base64UrlEncode(std::string_view(bytes, sizeof bytes));
  const std::string hash = HashToken(id);
  const int64_t now = clock_->NowMs();
  // In memory before the store: a ForgetUser() that follows the user's deletion then finds it
  // whichever comes first; the store refuses it when the user is already gone.
  {
    std::lock_guard lock(mu_);
    by_hash_[hash] = Entry{user, role, now, now};
  }
  if (Status st = store_->CreateLoginSession({hash, user, std::string(RoleName(role)), now, now});
      !st.ok()) {
    std::lock_guard lock(mu_);
    by_hash_.erase(hash);
    return st;
  }
  return id;
}

Principal LoginSessions::Verify(std::string_view id) {
  Principal p;
  p.presented = true;
  p.via_cookie = true;
  if (!LooksLikeSessionId(id)) return p;
  const std::string hash = HashToken(id);
  const int64_t now = clock_->NowMs();
  std::unique_lock lock(mu_);
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) {
    if (unknown_.count(hash)) return p;
    // First sight since the start: one point read (the login predates this process). A logout or
    // a user's deletion while the lock is released would be undone by caching what was read, so
    // the read is repeated when one happened meanwhile.
    StatusOr<std::optional<LoginSessionRecord>> found{std::optional<LoginSessionRecord>()};
    for (int attempt = 0;; ++attempt) {
      const uint64_t removals = removals_;
      lock.unlock();
      found = store_->FindLoginSession(hash);
      lock.lock();
      if (removals == removals_) break;
      if (attempt == 2) return p;  // removals keep coming: deny this once
    }
    if (unknown_.count(hash)) return p;
    it = by_hash_.find(hash);
    if (it != by_hash_.end()) return Verified(it, hash, now, p);
    if (!found.ok()) return p;  // the store is unreachable: deny, and ask again next time
    Role role;
    if (!found->has_value() || !ConstantTimeEquals((*found)->hash, hash) ||
        !ParseRole((*found)->role, &role)) {
      RememberUnknown(hash);
      return p;
    }
    it = by_hash_
             .try_emplace(hash,
                          Entry{(*found)->user, role, (*found)->created_ms, (*found)->last_seen_ms})
             .first;
  }
  return Verified(it, hash, now, p);
}

Principal LoginSessions::Verified(std::unordered_map<std::string, Entry>::iterator it,
                                  const std::string& hash, int64_t now, Principal p) {
  if (Expired(it->second, now)) {
    // The store row goes at the next Purge().
    by_hash_.erase(it);
    RememberUnknown(hash);
    seen_.erase(hash);
    return p;
  }
  it->second.last_seen_ms = now;
  seen_[hash] = now;
  p.role = it->second.role;
  p.name = it->second.user;
  return p;
}

Status LoginSessions::Remove(std::string_view id) {
  if (!LooksLikeSessionId(id)) return Status::OK();
  const std::string hash = HashToken(id);
  {
    std::lock_guard lock(mu_);
    by_hash_.erase(hash);
    seen_.erase(hash);
    RememberUnknown(hash);
    ++removals_;
  }
  return store_->DeleteLoginSession(hash);
}

void LoginSessions::ForgetUser(std::string_view user) {
  std::lock_guard lock(mu_);
  ++removals_;
  for (auto it = by_hash_.begin(); it != by_hash_.end();) {
    if (it->second.user == user) {
      seen_.erase(it->first);
      RememberUnknown(it->first);
      it = by_hash_.erase(it);
    } else {
      ++it;
    }
  }
}

Status LoginSessions::Purge() {
  RETURN_IF_ERROR(store_->TouchLoginSessions(TakeSeen()));
  const int64_t now = clock_->NowMs();
  const SessionLimits l = limits_();
  {
    std::lock_guard lock(mu_);
    for (auto it = by_hash_.begin(); it != by_hash_.end();) {
      it = Expired(it->second, now) ? by_hash_.erase(it) : std::next(it);
    }
  }
  return store_->DeleteLoginSessionsBefore(now - l.idle_ms, now - l.max_ms).status();
}

std::vector<std::pair<std::string, int64_t>> LoginSessions::TakeSeen() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, int64_t>> out(seen_.begin(), seen_.end());
  seen_.clear();
  return out;
}

std::string_view SessionCookieValue(std::string_view header) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != kSessionCookie) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return {};
}

Authenticator MakeAuthenticator(TokenCache* tokens, LoginSessions* logins) {
  Authenticator bearer = MakeTokenAuthenticator(tokens);
  return [bearer, logins](const Request& req) {
    if (!req.HeaderValue("authorization").empty() || logins == nullptr) return bearer(req);
    std::string_view cookie = req.HeaderValue("cookie");
    if (cookie.empty()) return Principal{};
    std::string_view id = SessionCookieValue(cookie);
    if (id.empty()) return Principal{};  // other cookies only: no credential
    return logins->Verify(id);
  };
}

}  // namespace botmon
