// Alert objects made over the API (SPEC 9): rules, channels, silences, maintenance windows, and
// the enabled switch of the default rules. They live in the store's config_objects table and are
// merged with the configuration's own objects into the AlertSettings the engine runs with.
//
// A change is checked before it is kept: the whole settings are rebuilt with it, and only when
// they build is the change committed to the store and the new settings installed. A reload of
// the configuration files rebuilds through the same object, so that a reload and an API change
// never interleave.
//
// Stored kinds and documents:
//   "rule"          the rule's A.9 object (RuleToJson, without state)
//   "rule-enabled"  {"enabled": false|true} for a default rule switched over the API
//   "channel"       the channel object as posted (secrets included: they are needed to send)
//   "silence"       SilenceToJson
//   "maintenance"   MaintenanceToJson
//
// Thread-safe.
#ifndef BOTMON_ALERTING_ALERT_OBJECTS_H_
#define BOTMON_ALERTING_ALERT_OBJECTS_H_

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alert/rule.h"
#include "config/options.h"
#include "core/status.h"
#include "routing/maintenance.h"
#include "routing/silence.h"
#include "store/store.h"

namespace botmon {

struct AlertSettings;

// The API's objects, parsed.
struct ApiObjects {
  std::vector<Rule> rules;                      // source kApi
  std::map<std::string, bool> default_enabled;  // default rule name -> enabled
  std::vector<RawItem> channels;                // items for ParseChannels (file "")
  std::vector<Silence> silences;
  std::vector<MaintenanceWindow> maintenance;
};

// One stored object: kind, name and document.
struct ApiObject {
  std::string kind;
  std::string name;
  nlohmann::json doc;
};

class AlertObjects {
 public:
  // Builds the settings from the configuration in force and the given objects.
  using Build = std::function<StatusOr<AlertSettings>(const ApiObjects&)>;
  // Installs built settings in the engine.
  using Apply = std::function<void(AlertSettings)>;

  AlertObjects(Store* store, int64_t max_timeframe_ms);

  // Reads the stored objects. An object that no longer parses (a channel kind removed in a later
  // version, say) is skipped with a warning rather than keeping the server from starting.
  Status Load();

  // The settings with the current objects (at start, and on a reload of the files).
  StatusOr<AlertSettings> BuildCurrent(const Build& build) const;
  // Rebuilds with the current objects and installs them; the error of an invalid configuration.
  Status Rebuild(const Build& build, const Apply& apply);

  // Upserts (`erase` false) or deletes objects: the settings must build with the change, else
  // its error comes back (InvalidArgument) and nothing changes. Then the change is committed and
  // the settings installed before this returns.
  Status Change(const std::vector<std::pair<ApiObject, bool>>& changes, const Build& build,
                const Apply& apply);

  // The stored document of one object, if any.
  std::optional<nlohmann::json> Find(const std::string& kind, const std::string& name) const;

 private:
  StatusOr<ApiObjects> Parse(
      const std::map<std::pair<std::string, std::string>, nlohmann::json>& docs) const;

  Store* store_;
  int64_t max_timeframe_ms_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, nlohmann::json> docs_;  // GUARDED_BY(mu_)
};

}  // namespace botmon

#endif  // BOTMON_ALERTING_ALERT_OBJECTS_H_
