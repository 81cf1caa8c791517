#include "alert/incident.h"

#include <cmath>

#include "core/time_util.h"

namespace botmon {

std::string GroupString(const std::map<std::string, std::string>& group) {
  std::string out;
  for (const auto& [k, v] : group) {
    if (!out.empty()) out += ',';
    out += k + "=" + v;
  }
  return out;
}

nlohmann::json IncidentToJson(const Incident& inc, const nlohmann::json& sessions) {
  nlohmann::json j;
  j["id"] = inc.id;
  j["ruleName"] = inc.rule_name;
  j["hostName"] = inc.host_name;
  j["startTime"] = FormatRfc3339Ms(inc.start_ms);
  if (inc.end_ms) j["endTime"] = FormatRfc3339Ms(*inc.end_ms);
  j["triggerValue"] = inc.trigger_value;
  j["state"] = inc.open() ? "open" : "resolved";
  j["stale"] = inc.stale;
  j["severity"] = SeverityName(inc.severity);
  j["field"] = inc.field;
  j["aggregation"] = AggregationName(inc.aggregation);
  j["operand"] = OperandName(inc.operand);
  j["threshold"] = inc.threshold;
  j["group"] = nlohmann::json::object();
  for (const auto& [k, v] : inc.group) j["group"][k] = v;
  if (inc.last_value && std::isfinite(*inc.last_value)) j["lastValue"] = *inc.last_value;
  if (inc.acknowledged_at_ms) {
    j["acknowledgedAt"] = FormatRfc3339Ms(*inc.acknowledged_at_ms);
    j["acknowledgedBy"] = inc.acknowledged_by;
  }
  if (!inc.silenced_by.empty()) j["silencedBy"] = inc.silenced_by;
  if (!inc.description.empty()) j["description"] = inc.description;
  j["timeline"] = nlohmann::json::array();
  for (const auto& t : inc.timeline) {
    nlohmann::json e = {{"at", FormatRfc3339Ms(t.at_ms)}, {"event", t.event}, {"detail", t.detail}};
    if (t.value && std::isfinite(*t.value)) e["value"] = *t.value;
    j["timeline"].push_back(std::move(e));
  }
  if (!sessions.is_null()) j["sessions"] = sessions;
  return j;
}

}  // namespace botmon
