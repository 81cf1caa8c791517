// Helpers shared by the notification integration tests (notify_delivery_test.cc,
// restart_fault_test.cc): configuration snippets, event ingestion, and lookups in the alerting
// API of a running botmon.
#ifndef BOTMON_TESTS_INTEGRATION_NOTIFY_HELPERS_H_
#define BOTMON_TESTS_INTEGRATION_NOTIFY_HELPERS_H_

#include <time.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "integration/harness.h"

namespace botmon::testing {

// botmon.yaml lines that switch every default rule off (SPEC A.7), so only the test's own rules
// open incidents.
inline std::string NoDefaultRulesYaml() {
  std::string s = "alerting:\n  defaults:\n";
  for (const char* key :
       {"cpuWarning", "cpuCritical", "memWarning", "memCritical", "diskWarning", "diskCritical",
        "gpuWarning", "gpuCritical", "responseWarning", "responseCritical", "errorRateWarning",
        "errorRateCritical", "queueWarning", "queueCritical", "serviceDown", "nodeDown"}) {
    s += "    " + std::string(key) + ": false\n";
  }
  return s;
}

// A quiet /proc under `root` (static counters: no CPU load, 25 % memory used), for
// collect.procRoot, so the host's real load never opens an incident in a test.
inline void WriteQuietProc(const std::string& root) {
  std::filesystem::create_directories(root + "/proc");
  std::ofstream(root + "/proc/stat") << "cpu  1000 0 0 100000 0 0 0 0 0 0\n";
  std::ofstream(root + "/proc/meminfo") << "MemTotal:       16000000 kB\n"
                                           "MemFree:         8000000 kB\n"
                                           "MemAvailable:   12000000 kB\n";
}

// POSTs a batch to /api/v1/events; true on 200 with nothing rejected.
inline bool Ingest(const BotmonServer& s, const std::string& token, const nlohmann::json& batch) {
  HttpResult r = s.Post("/api/v1/events", token, batch.dump());
  return r.status == 200 && r.Json().value("rejected", nlohmann::json::array()).empty();
}

// A custom gauge report (SPEC 5: {"type":"gauge","name","value"}).
inline nlohmann::json Gauge(const std::string& name, double value) {
  return {{"type", "gauge"}, {"name", name}, {"value", value}};
}

// Epoch ms of an RFC 3339 UTC time with milliseconds ("2024-01-15T14:32:00.000Z"); 0 when
// malformed.
inline int64_t Rfc3339Ms(const std::string& s) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

// GET /api/alerts/incidents?state=all (one page of up to 100).
inline nlohmann::json AllIncidents(const BotmonServer& s, const std::string& token) {
  return s.Get("/api/alerts/incidents?state=all&per_page=100", token).Json();
}

// The incidents of one rule, newest first (an empty array when none or on error).
inline nlohmann::json IncidentsOf(const BotmonServer& s, const std::string& token,
                                  const std::string& rule) {
  nlohmann::json out = nlohmann::json::array();
  const nlohmann::json all = AllIncidents(s, token);
  if (all.is_discarded() || !all.contains("incidents")) return out;
  for (const auto& i : all["incidents"]) {
    if (i.value("ruleName", "") == rule) out.push_back(i);
  }
  return out;
}

// The A.9 object of one rule, or null.
inline nlohmann::json RuleNamed(const BotmonServer& s, const std::string& token,
                                const std::string& name) {
  const nlohmann::json rules = s.Get("/api/alerts/rules", token).Json();
  if (rules.is_discarded() || !rules.contains("rules")) return nullptr;
  for (const auto& r : rules["rules"]) {
    if (r.value("name", "") == name) return r;
  }
  return nullptr;
}

// The state entry ({"group","state","since","value"}) of a rule's only group, or {}.
inline nlohmann::json RuleGroupState(const BotmonServer& s, const std::string& token,
                                     const std::string& name) {
  const nlohmann::json r = RuleNamed(s, token, name);
  if (r.is_null() || !r.contains("state") || r["state"].size() != 1)
    return nlohmann::json::object();
  return r["state"][0];
}

// The state ("inactive", "pending", "firing", "cooldown") of a rule's only group, or "".
inline std::string RuleState(const BotmonServer& s, const std::string& token,
                             const std::string& name) {
  return RuleGroupState(s, token, name).value("state", "");
}

// The deliveries (GET /api/alerts/deliveries) of one incident.
inline nlohmann::json DeliveriesOf(const BotmonServer& s, const std::string& token,
                                   const std::string& incident_id) {
  const nlohmann::json d = s.Get("/api/alerts/deliveries?incident=" + incident_id, token).Json();
  if (d.is_discarded() || !d.contains("deliveries")) return nlohmann::json::array();
  return d["deliveries"];
}

// Members of a delivery row (the API's names, with the older ones as a fallback).
inline int DeliveryAttempts(const nlohmann::json& row) {
  if (row.contains("attemptCount")) return row["attemptCount"].get<int>();
  return row.value("attempts", nlohmann::json(0)).is_number() ? row["attempts"].get<int>() : 0;
}
inline std::string DeliveryId(const nlohmann::json& row) {
  return row.contains("deliveryId") ? row.value("deliveryId", "") : row.value("id", "");
}
inline std::string DeliveryChannel(const nlohmann::json& row) {
  return row.contains("channel") ? row.value("channel", "") : row.value("target", "");
}

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_INTEGRATION_NOTIFY_HELPERS_H_
