// Incident: one period during which a rule held for one group (SPEC 7.3, Appendix A.3), with
// Botpress's fields exactly (id, ruleName, hostName, startTime, endTime, triggerValue) plus
// botmon's extensions. Plain data; thread-compatible.
#ifndef BOTMON_ALERT_INCIDENT_H_
#define BOTMON_ALERT_INCIDENT_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "alert/rule.h"

namespace botmon {

struct TimelineEntry {
  int64_t at_ms = 0;
  std::string event;   // opened, resolved, notified, notify_failed, hook, acknowledged, silenced,
                       // stale, repeat, ...
  std::string detail;  // "sum(errors.count)=12 ≥ 10", "slack ok (delivery ...)", ...
  std::optional<double> value;
};

struct Incident {
  std::string id;  // UUIDv4
  std::string rule_name;
  std::string host_name;  // the group's host, or "*" when the group has no host
  int64_t start_ms = 0;
  std::optional<int64_t> end_ms;  // absent while open
  double trigger_value = 0;
  bool stale = false;
  Severity severity = Severity::kWarning;
  std::string field;
  Aggregation aggregation = Aggregation::kAvg;
  Operand operand = Operand::kEqualOrMoreThan;
  double threshold = 0;
  std::map<std::string, std::string> group;  // {"host": "bot-1"} ({} for a cluster-wide rule)
  std::optional<double> last_value;
  std::optional<int64_t> acknowledged_at_ms;
  std::string acknowledged_by;
  std::string silenced_by;  // silence id or maintenance window name; "" = not silenced
  std::string description;  // the rule's description with {{...}} substituted
  std::vector<TimelineEntry> timeline;

  bool open() const { return !end_ms.has_value(); }
};

// The A.3 object. `sessions` is the linked-sessions member ({"count", "href"}), computed by the
// caller; null leaves it out. Times are RFC 3339 UTC with milliseconds; unset optional members
// are absent.
nlohmann::json IncidentToJson(const Incident& inc, const nlohmann::json& sessions = nullptr);

// Reads back an IncidentToJson object (the store's document). Tolerant: a missing or malformed
// member keeps its default, so an older document still loads.
Incident IncidentFromJson(const nlohmann::json& j);

// "host=bot-1,bot=mycompany" (keys in order; "" for the cluster).
std::string GroupString(const std::map<std::string, std::string>& group);

}  // namespace botmon

#endif  // BOTMON_ALERT_INCIDENT_H_
