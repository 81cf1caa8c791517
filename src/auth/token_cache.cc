#include "auth/token_cache.h"

#include "auth/token.h"

namespace botmon {
namespace {
constexpr size_t kMaxUnknown = 10'000;
}

Principal TokenCache::Verify(std::string_view token) {
  Principal p;
  p.presented = true;
  if (!LooksLikeToken(token)) return p;
  const std::string hash = HashToken(token);
  {
    std::shared_lock lock(mu_);
    auto it = by_hash_.find(hash);
    if (it != by_hash_.end()) {
      p.role = it->second.role;
      p.name = it->second.name;
      std::lock_guard ul(used_mu_);
      last_used_[it->second.id] = clock_->NowMs();
      return p;
    }
    if (unknown_.count(hash)) return p;
  }
  // First sight of this token: ask the store once (a point read on the WAL database).
  auto found = store_->FindTokenByHash(hash);
  std::unique_lock lock(mu_);
  if (!found.ok() || !found->has_value() || !ConstantTimeEquals((*found)->hash, hash)) {
    if (found.ok()) {
      if (unknown_.size() >= kMaxUnknown) unknown_.clear();
      unknown_.insert(hash);
    }
    return p;
  }
  Role role;
  if (!ParseRole((*found)->role, &role)) return p;
  by_hash_[hash] = Entry{(*found)->id, (*found)->name, role};
  p.role = role;
  p.name = (*found)->name;
  return p;
}

Status TokenCache::Refresh() {
  std::string stamp = store_->ChangeStamp();
  if (!stamp.empty() && stamp == stamp_) return Status::OK();  // nothing committed since
  ASSIGN_OR_RETURN(int64_t v, store_->TokensVersion());
  stamp_ = std::move(stamp);
  {
    std::shared_lock lock(mu_);
    if (v == version_) return Status::OK();
  }
  ASSIGN_OR_RETURN(auto tokens, store_->ListTokens());
  std::unordered_map<std::string, Entry> fresh;
  for (const auto& t : tokens) {
    Role role;
    if (ParseRole(t.role, &role)) fresh[t.hash] = Entry{t.id, t.name, role};
  }
  std::unique_lock lock(mu_);
  by_hash_ = std::move(fresh);
  unknown_.clear();
  version_ = v;
  return Status::OK();
}

std::vector<std::pair<std::string, int64_t>> TokenCache::TakeLastUsed() {
  std::lock_guard lock(used_mu_);
  std::vector<std::pair<std::string, int64_t>> out(last_used_.begin(), last_used_.end());
  last_used_.clear();
  return out;
}

Authenticator MakeTokenAuthenticator(TokenCache* cache) {
  return [cache](const Request& req) {
    std::string_view h = req.HeaderValue("authorization");
    if (h.empty()) return Principal{};
    constexpr std::string_view kBearer = "Bearer ";
    if (h.size() < kBearer.size() ||
        !std::equal(kBearer.begin(), kBearer.end(), h.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      Principal p;
      p.presented = true;  // some other scheme: a wrong credential
      return p;
    }
    std::string_view token = h.substr(kBearer.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return cache->Verify(token);
  };
}

}  // namespace botmon
