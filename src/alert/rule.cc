#include "alert/rule.h"

#include <array>
#include <utility>

namespace botmon {
namespace {

template <typename E, size_t N>
bool ParseEnum(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s,
               E* out) {
  for (const auto& [e, name] : table) {
    if (name == s) {
      *out = e;
      return true;
    }
  }
  return false;
}

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, name] : table) {
    if (v == e) return name;
  }
  return "?";
}

constexpr std::array<std::pair<Aggregation, std::string_view>, 9> kAggregations = {{
    {Aggregation::kAvg, "avg"},
    {Aggregation::kSum, "sum"},
    {Aggregation::kMin, "min"},
    {Aggregation::kMax, "max"},
    {Aggregation::kLast, "last"},
    {Aggregation::kCount, "count"},
    {Aggregation::kP50, "p50"},
    {Aggregation::kP95, "p95"},
    {Aggregation::kP99, "p99"},
}};
constexpr std::array<std::pair<Operand, std::string_view>, 2> kOperands = {{
    {Operand::kEqualOrMoreThan, "equalOrMoreThan"},
    {Operand::kEqualOrLessThan, "equalOrLessThan"},
}};
constexpr std::array<std::pair<NoData, std::string_view>, 3> kNoData = {{
    {NoData::kKeep, "keep"},
    {NoData::kOk, "ok"},
    {NoData::kAlerting, "alerting"},
}};
constexpr std::array<std::pair<Severity, std::string_view>, 2> kSeverities = {{
    {Severity::kWarning, "warning"},
    {Severity::kCritical, "critical"},
}};
constexpr std::array<std::pair<RuleSource, std::string_view>, 5> kSources = {{
    {RuleSource::kYaml, "yaml"},
    {RuleSource::kBotpress, "botpress"},
    {RuleSource::kConfigCsv, "config-csv"},
    {RuleSource::kApi, "api"},
    {RuleSource::kDefault, "default"},
}};

}  // namespace

std::string_view AggregationName(Aggregation a) { return NameOf(kAggregations, a); }
bool ParseAggregation(std::string_view s, Aggregation* out) {
  return ParseEnum(kAggregations, s, out);
}
std::string_view OperandName(Operand o) { return NameOf(kOperands, o); }
bool ParseOperand(std::string_view s, Operand* out) { return ParseEnum(kOperands, s, out); }
std::string_view OperandSymbol(Operand o) {
  return o == Operand::kEqualOrMoreThan ? "\xE2\x89\xA5" : "\xE2\x89\xA4";
}
std::string_view NoDataName(NoData n) { return NameOf(kNoData, n); }
bool ParseNoData(std::string_view s, NoData* out) { return ParseEnum(kNoData, s, out); }
std::string_view SeverityName(Severity s) { return NameOf(kSeverities, s); }
bool ParseSeverity(std::string_view s, Severity* out) { return ParseEnum(kSeverities, s, out); }
std::string_view RuleSourceName(RuleSource s) { return NameOf(kSources, s); }

bool Rule::ConditionDiffers(const Rule& o) const {
  return name != o.name || field != o.field || aggregation != o.aggregation ||
         operand != o.operand || value != o.value || timeframe_ms != o.timeframe_ms ||
         for_ms != o.for_ms || clear_value != o.clear_value || clear_for_ms != o.clear_for_ms ||
         match != o.match || group_by != o.group_by || no_data != o.no_data;
}

}  // namespace botmon
