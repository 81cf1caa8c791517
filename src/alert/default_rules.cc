#include "alert/default_rules.h"

#include <string>

namespace botmon {
namespace {

constexpr int64_t kFiveMinutesMs = 5 * 60 * 1000;

struct DefaultSpec {
  std::string_view key;
  std::string_view name;
  std::string_view field;
  Aggregation aggregation;
  Operand operand;
  double value;
  Severity severity;
  std::vector<std::string> group_by;
  int64_t timeframe_ms;
  std::string_view description;
};

const std::vector<DefaultSpec>& Specs() {
  using A = Aggregation;
  constexpr Operand kGe = Operand::kEqualOrMoreThan;
  constexpr Operand kLe = Operand::kEqualOrLessThan;
  constexpr Severity kW = Severity::kWarning;
  constexpr Severity kC = Severity::kCritical;
  const std::vector<std::string> host = {"host"};
  const std::vector<std::string> host_mount = {"host", "mount"};
  const std::vector<std::string> host_bot = {"host", "bot"};
  const std::vector<std::string> service = {"service"};
  constexpr int64_t k5m = kFiveMinutesMs;
  constexpr std::string_view kCpu =
      "CPU usage on {{host}} averaged {{value}} % (threshold {{threshold}} %)";
  constexpr std::string_view kMem =
      "Memory usage on {{host}} averaged {{value}} % (threshold {{threshold}} %)";
  constexpr std::string_view kDisk =
      "A disk of {{host}} is {{value}} % full (threshold {{threshold}} %)";
  constexpr std::string_view kGpu =
      "GPU usage on {{host}} averaged {{value}} % (threshold {{threshold}} %)";
  constexpr std::string_view kResp =
      "Bot response time on {{host}} averaged {{value}} ms (threshold {{threshold}} ms)";
  constexpr std::string_view kErr =
      "Error rate on {{host}} averaged {{value}} % of messages and requests (threshold "
      "{{threshold}} %)";
  constexpr std::string_view kQueue =
      "Queue depth on {{host}} reached {{value}} items (threshold {{threshold}})";
  static const std::vector<DefaultSpec> specs = {
      {"cpuWarning", "CPU Usage (warning)", "cpu.usage", A::kAvg, kGe, 80, kW, host, k5m, kCpu},
      {"cpuCritical", "CPU Usage (critical)", "cpu.usage", A::kAvg, kGe, 95, kC, host, k5m, kCpu},
      {"memWarning", "Memory Usage (warning)", "mem.usage", A::kAvg, kGe, 85, kW, host, k5m, kMem},
      {"memCritical", "Memory Usage (critical)", "mem.usage", A::kAvg, kGe, 95, kC, host, k5m,
       kMem},
      {"diskWarning", "Disk Usage (warning)", "disk.usage", A::kMax, kGe, 80, kW, host_mount, k5m,
       kDisk},
      {"diskCritical", "Disk Usage (critical)", "disk.usage", A::kMax, kGe, 90, kC, host_mount, k5m,
       kDisk},
      {"gpuWarning", "GPU Usage (warning)", "gpu.usage", A::kAvg, kGe, 90, kW, host, k5m, kGpu},
      {"gpuCritical", "GPU Usage (critical)", "gpu.usage", A::kAvg, kGe, 98, kC, host, k5m, kGpu},
      {"responseWarning", "Response Time (warning)", "response.latency_avg", A::kAvg, kGe, 2000, kW,
       host_bot, k5m, kResp},
      {"responseCritical", "Response Time (critical)", "response.latency_avg", A::kAvg, kGe, 5000,
       kC, host_bot, k5m, kResp},
      {"errorRateWarning", "Error Rate (warning)", "errors.rate", A::kAvg, kGe, 1, kW, host_bot,
       k5m, kErr},
      {"errorRateCritical", "Error Rate (critical)", "errors.rate", A::kAvg, kGe, 5, kC, host_bot,
       k5m, kErr},
      {"queueWarning", "Queue Depth (warning)", "queue.depth", A::kMax, kGe, 100, kW, host, k5m,
       kQueue},
      {"queueCritical", "Queue Depth (critical)", "queue.depth", A::kMax, kGe, 500, kC, host, k5m,
       kQueue},
      {"serviceDown", "Service Down", "service.up", A::kLast, kLe, 0, kC, service, 0,
       "A service checked by botmon is down (service.up = {{value}})"},
      {"nodeDown", "Node down", "node.up", A::kLast, kLe, 0, kC, host, 0,
       "Node {{host}} stopped reporting"},
  };
  return specs;
}

Rule FromSpec(const DefaultSpec& s) {
  Rule r;
  r.name = std::string(s.name);
  r.field = std::string(s.field);
  r.aggregation = s.aggregation;
  r.operand = s.operand;
  r.value = s.value;
  r.timeframe_ms = s.timeframe_ms;
  r.severity = s.severity;
  r.group_by = s.group_by;
  r.description = std::string(s.description);
  r.source = RuleSource::kDefault;
  r.default_key = std::string(s.key);
  return r;
}

}  // namespace

std::vector<Rule> DefaultRules(const Config::Alerting& alerting) {
  std::vector<Rule> out;
  for (const DefaultSpec& s : Specs()) {
    Rule r = FromSpec(s);
    auto it = alerting.defaults.find(std::string(s.key));
    r.enabled = it == alerting.defaults.end() || it->second;
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<Rule> DefaultRuleForKey(std::string_view key) {
  for (const DefaultSpec& s : Specs()) {
    if (s.key == key) return FromSpec(s);
  }
  return std::nullopt;
}

}  // namespace botmon
