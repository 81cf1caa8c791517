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

namespace {

std::optional<int64_t> TimeMember(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  auto t = ParseRfc3339(j[key].get<std::string>());
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::string StrMember(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::optional<double> NumMember(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

}  // namespace

Incident IncidentFromJson(const nlohmann::json& j) {
  Incident inc;
  if (!j.is_object()) return inc;
  inc.id = StrMember(j, "id");
  inc.rule_name = StrMember(j, "ruleName");
  inc.host_name = StrMember(j, "hostName");
  inc.start_ms = TimeMember(j, "startTime").value_or(0);
  inc.end_ms = TimeMember(j, "endTime");
  inc.trigger_value = NumMember(j, "triggerValue").value_or(0);
  inc.stale = j.contains("stale") && j["stale"].is_boolean() && j["stale"].get<bool>();
  ParseSeverity(StrMember(j, "severity"), &inc.severity);
  inc.field = StrMember(j, "field");
  ParseAggregation(StrMember(j, "aggregation"), &inc.aggregation);
  ParseOperand(StrMember(j, "operand"), &inc.operand);
  inc.threshold = NumMember(j, "threshold").value_or(0);
  if (j.contains("group") && j["group"].is_object()) {
    for (const auto& [k, v] : j["group"].items()) {
      if (v.is_string()) inc.group[k] = v.get<std::string>();
    }
  }
  inc.last_value = NumMember(j, "lastValue");
  inc.acknowledged_at_ms = TimeMember(j, "acknowledgedAt");
  inc.acknowledged_by = StrMember(j, "acknowledgedBy");
  inc.silenced_by = StrMember(j, "silencedBy");
  inc.description = StrMember(j, "description");
  if (j.contains("timeline") && j["timeline"].is_array()) {
    for (const auto& e : j["timeline"]) {
      if (!e.is_object()) continue;
      TimelineEntry t;
      t.at_ms = TimeMember(e, "at").value_or(0);
      t.event = StrMember(e, "event");
      t.detail = StrMember(e, "detail");
      t.value = NumMember(e, "value");
      inc.timeline.push_back(std::move(t));
    }
  }
  return inc;
}

}  // namespace botmon
