// Rule: Botpress's incident rule, extended (SPEC 7.1, Appendix A.9). Plain data shared by the
// parsers (botmon.yaml, botpress.config.json, config.csv, the API, the default set), the
// evaluator and the API. Values; thread-compatible.
#ifndef BOTMON_ALERT_RULE_H_
#define BOTMON_ALERT_RULE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace botmon {

enum class Aggregation : uint8_t { kAvg, kSum, kMin, kMax, kLast, kCount, kP50, kP95, kP99 };
enum class Operand : uint8_t { kEqualOrMoreThan, kEqualOrLessThan };
enum class NoData : uint8_t { kKeep, kOk, kAlerting };
enum class Severity : uint8_t { kWarning, kCritical };
enum class RuleSource : uint8_t { kYaml, kBotpress, kConfigCsv, kApi, kDefault };

std::string_view AggregationName(Aggregation a);  // "avg", "sum", ..., "p99"
bool ParseAggregation(std::string_view s, Aggregation* out);
std::string_view OperandName(Operand o);  // "equalOrMoreThan" | "equalOrLessThan"
bool ParseOperand(std::string_view s, Operand* out);
std::string_view OperandSymbol(Operand o);  // "≥" | "≤"
std::string_view NoDataName(NoData n);      // "keep" | "ok" | "alerting"
bool ParseNoData(std::string_view s, NoData* out);
std::string_view SeverityName(Severity s);  // "warning" | "critical"
bool ParseSeverity(std::string_view s, Severity* out);
std::string_view RuleSourceName(
    RuleSource s);  // "yaml" | "botpress" | "config-csv" | "api" | "default"

struct Rule {
  std::string name;  // unique, kept verbatim (" High CPU Usage " keeps its spaces)
  std::string field;
  Aggregation aggregation = Aggregation::kAvg;
  Operand operand = Operand::kEqualOrMoreThan;
  double value = 0;
  // Rolling window (now - timeframe, now]. 0 = exactly one tick (config.csv `for-minutes 0`,
  // the "Service Down" and "Node down" defaults): resolved against the tick in force.
  int64_t timeframe_ms = 0;
  int64_t cooldown_ms = 0;
  int64_t for_ms = 0;
  std::optional<double> clear_value;
  int64_t clear_for_ms = 0;
  Severity severity = Severity::kWarning;
  // Dimension filter: dimension -> exact value or a glob with '*' (and '?').
  std::map<std::string, std::string> match;
  std::vector<std::string> group_by = {"host"};  // [] = the whole cluster
  NoData no_data = NoData::kKeep;
  int64_t repeat_ms = 0;
  std::vector<std::string> channels;  // overrides the routes when non-empty
  std::string description;            // may use {{value}}, {{host}}, {{threshold}}, {{rule}}
  bool enabled = true;

  // Where it came from (A.9: source, file, line, readOnly).
  RuleSource source = RuleSource::kApi;
  std::string file;
  int line = 0;
  // The alerting.defaults key of a default rule ("cpuWarning"), "" otherwise.
  std::string default_key;

  bool read_only() const { return source != RuleSource::kApi; }
  // The window in ms for a given tick (timeframe 0 = one tick).
  int64_t WindowMs(int64_t tick_ms) const { return timeframe_ms > 0 ? timeframe_ms : tick_ms; }
  // True when a change from `other` to this rule changes its condition (SPEC 7.2: name, field,
  // aggregation, operand, value, timeframe, for, clear*, match, groupBy, noData).
  bool ConditionDiffers(const Rule& other) const;
};

}  // namespace botmon

#endif  // BOTMON_ALERT_RULE_H_
