// TokenCache: verifies bearer tokens without touching the database on the hot path (SPEC 12:
// "a verified-token cache").
//
// Positive entries are kept until the store's tokens version changes (a create or revoke by any
// process); Refresh() polls that version (the ticker calls it every 500 ms, so a revoke takes
// effect within 1 s). A token never seen before is looked up once in the store, so a token made
// by `botmon token create` works at once; unknown hashes are remembered (bounded) so that
// repeated wrong tokens cost no query. Thread-safe.
#ifndef BOTMON_AUTH_TOKEN_CACHE_H_
#define BOTMON_AUTH_TOKEN_CACHE_H_

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "http/server.h"
#include "store/store.h"

namespace botmon {

class TokenCache {
 public:
  TokenCache(Store* store, Clock* clock) : store_(store), clock_(clock) {}

  // The principal for an `Authorization: Bearer` value (nullopt-like kNone when unknown).
  // `presented` is set whenever a credential was given.
  Principal Verify(std::string_view token);

  // Reloads when the tokens version moved; asks the store only when its change stamp moved.
  // Returns an error only when the store failed.
  Status Refresh();

  // (token id, last use) pairs since the last call, for the store (written lazily).
  std::vector<std::pair<std::string, int64_t>> TakeLastUsed();

 private:
  struct Entry {
    std::string id, name;
    Role role;
  };
  Store* store_;
  Clock* clock_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> by_hash_;  // GUARDED_BY(mu_)
  std::unordered_set<std::string> unknown_;         // GUARDED_BY(mu_)
  int64_t version_ = -1;                            // GUARDED_BY(mu_)
  std::string stamp_;  // the store's change stamp at the last version check (Refresh only)
  std::mutex used_mu_;
  std::unordered_map<std::string, int64_t> last_used_;  // GUARDED_BY(used_mu_)
};

// The Authenticator for the Router: bearer tokens (cookies come with the dashboard's users).
Authenticator MakeTokenAuthenticator(TokenCache* cache);

}  // namespace botmon

#endif  // BOTMON_AUTH_TOKEN_CACHE_H_
