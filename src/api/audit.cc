#include "api/audit.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "alerting/alert_objects.h"
#include "api/context.h"
#include "config/print.h"
#include "core/log.h"

namespace botmon {
namespace {

using nlohmann::json;

bool IsSecretKey(std::string_view key) {
  std::string k;
  for (char c : key) {
    if (c != '_' && c != '-') k.push_back(static_cast<char>(std::tolower(c)));
  }
  static constexpr std::string_view kSecret[] = {"password", "secret",    "token",     "authtoken",
                                                 "apikey",   "hash",      "secretkey", "session",
                                                 "cookie",   "routingkey"};
  return std::find(std::begin(kSecret), std::end(kSecret), k) != std::end(kSecret);
}

}  // namespace

json MaskSecrets(json j) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (IsSecretKey(key) && !value.is_null() && !(value.is_string() && value.empty())) {
        value = "***";
      } else {
        value = MaskSecrets(std::move(value));
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) v = MaskSecrets(std::move(v));
  } else if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.find("://") != std::string::npos) return MaskUrlPassword(s);
  }
  return j;
}

void AuditLog::Record(std::string_view actor, std::string_view action, std::string_view target,
                      const json& before, const json& after) {
  AuditRecord e;
  e.at_ms = clock_->NowMs();
  e.actor = std::string(actor);
  e.action = std::string(action);
  e.target = std::string(target);
  if (!before.is_null()) e.before = MaskSecrets(before).dump();
  if (!after.is_null()) e.after = MaskSecrets(after).dump();
  if (Status st = store_->AppendAudit(e); !st.ok()) {
    LogEvery("audit-write", spdlog::level::err, "audit log: " + st.message());
  }
}

std::string AuditActor(const Principal& p) {
  if (p.role == Role::kNone) return p.name;
  return p.via_cookie ? p.name : "token:" + p.name;
}

void AuditAction(ApiContext* ctx, const Request& req, std::string_view action,
                 std::string_view target, const json& before, const json& after) {
  if (ctx->audit == nullptr) return;
  ctx->audit->Record(AuditActor(req.principal), action, target, before, after);
}

Status AuditedChange(ApiContext* ctx, const Request& req,
                     const std::vector<std::pair<ApiObject, bool>>& changes) {
  std::vector<json> before;
  for (const auto& [obj, erase] : changes) {
    std::optional<json> b;
    if (ctx->alert_objects) b = ctx->alert_objects->Find(obj.kind, obj.name);
    before.push_back(b ? *b : json());
  }
  RETURN_IF_ERROR(ctx->change_alert_objects(changes));
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto& [obj, erase] = changes[i];
    const char* verb = erase ? ".delete" : before[i].is_null() ? ".create" : ".update";
    AuditAction(ctx, req, obj.kind + verb, obj.name, before[i], erase ? json() : obj.doc);
  }
  return Status::OK();
}

}  // namespace botmon
