// The audit log (SPEC 12): every admin action (rules, channels, silences, maintenance windows,
// acks, users, tokens) and every login, with who, when, what and the object before and after.
// Secrets in before/after are masked before anything is stored; passwords, tokens and session ids
// never reach it. Thread-safe.
#ifndef BOTMON_API_AUDIT_H_
#define BOTMON_API_AUDIT_H_

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "http/server.h"
#include "store/store.h"

namespace botmon {

struct ApiContext;
struct ApiObject;

class AuditLog {
 public:
  AuditLog(Store* store, Clock* clock) : store_(store), clock_(clock) {}

  // Appends one entry (synchronously: the callers are worker handlers). `before`/`after` null =
  // none. A store failure is logged, never returned: the action itself already happened.
  void Record(std::string_view actor, std::string_view action, std::string_view target,
              const nlohmann::json& before, const nlohmann::json& after);

 private:
  Store* store_;
  Clock* clock_;
};

// Who did it: the user name for a dashboard login, "token:NAME" for a bearer token.
std::string AuditActor(const Principal& p);

// A copy with secrets as "***": values of keys such as password, secret, token, authToken,
// apiKey (any depth), and the password part of URLs ("http://u:***@host").
nlohmann::json MaskSecrets(nlohmann::json j);

// One audit entry for the caller of `req` (nothing when ctx->audit is null).
void AuditAction(ApiContext* ctx, const Request& req, std::string_view action,
                 std::string_view target, const nlohmann::json& before,
                 const nlohmann::json& after);

// ctx->change_alert_objects(changes), then one entry per changed object ("rule.create",
// "channel.update", "silence.delete", ...) with the stored object before and after.
Status AuditedChange(ApiContext* ctx, const Request& req,
                     const std::vector<std::pair<ApiObject, bool>>& changes);

}  // namespace botmon

#endif  // BOTMON_API_AUDIT_H_
