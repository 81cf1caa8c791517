// ApiContext: what the HTTP handlers read and call, wired by the app. The handlers own nothing;
// every pointer outlives the server.
//
// RuntimeConfig is the configuration in force plus what is derived from it (the zone, the
// redactor). A reload swaps the shared_ptr; readers take a copy of the pointer per request.
// Thread-safe as far as each member is.
#ifndef BOTMON_API_CONTEXT_H_
#define BOTMON_API_CONTEXT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "auth/token_cache.h"
#include "config/load.h"
#include "core/clock.h"
#include "core/zone.h"
#include "ingest/live_stats.h"
#include "ingest/pipeline.h"
#include "ingest/redact.h"
#include "series/field_catalog.h"
#include "series/series_store.h"
#include "store/store.h"

namespace botmon {

class Server;
class NodeRegistry;
class MetricsState;
class StatusRenderer;
class CheckRunner;
class AlertEngine;
class AlertObjects;
struct ApiObject;
class AuditLog;
class LoginSessions;
class LoginLimiter;

struct RuntimeConfig {
  LoadedConfig loaded;
  std::shared_ptr<const Zone> zone;
  std::shared_ptr<const Redactor> redactor;
  std::string listen_url;  // http://127.0.0.1:<real port>
  const Config& config() const { return loaded.config; }
};

// The current configuration and the last reload error, swapped atomically.
class ConfigHolder {
 public:
  explicit ConfigHolder(std::shared_ptr<const RuntimeConfig> c) : current_(std::move(c)) {}
  std::shared_ptr<const RuntimeConfig> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const RuntimeConfig> c) {
    std::lock_guard lock(mu_);
    current_ = std::move(c);
    error_.clear();
    ++generation_;
  }
  void SetError(std::string e) {
    std::lock_guard lock(mu_);
    error_ = std::move(e);
    ++generation_;
  }
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }
  uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const RuntimeConfig> current_;
  std::string error_;
  uint64_t generation_ = 0;
};

struct ApiContext {
  Clock* clock = nullptr;
  Store* store = nullptr;
  SeriesStore* series = nullptr;
  FieldCatalog* catalog = nullptr;
  LiveStats* live = nullptr;
  IngestPipeline* pipeline = nullptr;
  TokenCache* tokens = nullptr;
  NodeRegistry* nodes = nullptr;
  MetricsState* metrics = nullptr;
  StatusRenderer* status = nullptr;
  ConfigHolder* config = nullptr;
  Server* server = nullptr;
  CheckRunner* checks = nullptr;  // service health checks (SPEC 8); null = none
  AlertEngine* alerts = nullptr;  // alerting (SPEC 7); null = not running
  AlertObjects* alert_objects =
      nullptr;  // the objects made over the API (alerting/alert_objects.h)
  // Stores a change to them (upsert, or erase when the flag is set) and installs the rebuilt
  // settings; an InvalidArgument when the settings do not build with it.
  std::function<Status(const std::vector<std::pair<ApiObject, bool>>&)> change_alert_objects;
  LoginSessions* logins = nullptr;        // dashboard logins (auth/login_sessions.h); null = none
  LoginLimiter* login_limiter = nullptr;  // failed-login rate limit (auth/login_limiter.h)
  AuditLog* audit = nullptr;              // the audit log (api/audit.h); null = not recorded
  std::atomic<bool>* ready = nullptr;     // false while the start-up replay runs
  bool gpu_available = false;
  int64_t started_ms = 0;
  std::string server_id;
};

}  // namespace botmon

#endif  // BOTMON_API_CONTEXT_H_
