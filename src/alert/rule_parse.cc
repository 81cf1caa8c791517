#include "alert/rule_parse.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "config/keys.h"
#include "core/duration.h"
#include "core/json_escape.h"
#include "core/utf8.h"
#include "series/fields.h"

namespace botmon {
namespace {

using json = nlohmann::json;
using config_internal::DidYouMean;
using config_internal::DidYouMeanSuffix;
using config_internal::Quoted;

// SPEC 7.1's keys, in its order (errors are reported in this order).
const std::vector<std::string>& RuleKeys() {
  static const std::vector<std::string> keys = {
      "name",     "field",  "aggregation", "operand",  "value",       "timeframe",
      "cooldown", "for",    "clearValue",  "clearFor", "severity",    "match",
      "groupBy",  "noData", "repeat",      "channels", "description", "enabled"};
  return keys;
}
constexpr std::string_view kRequired[] = {"name",    "field", "aggregation",
                                          "operand", "value", "timeframe"};
constexpr std::string_view kOutputKeys[] = {"source", "file", "line", "readOnly", "state"};

std::string Expected(std::string_view what, const json& v) {
  return "expected " + std::string(what) + ", got " + config_internal::JsonTypeName(v);
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// "\"mean\" is not one of avg, sum, ..." for an enum table given by its name function.
template <typename E, size_t N>
std::string NotOneOf(std::string_view text, const E (&values)[N], std::string_view (*name)(E)) {
  std::string out = Quoted(text) + " is not one of ";
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += ", ";
    out += name(values[i]);
  }
  return out;
}

constexpr Aggregation kAllAggregations[] = {
    Aggregation::kAvg, Aggregation::kSum,  Aggregation::kMin,
    Aggregation::kMax, Aggregation::kLast, Aggregation::kCount,
    Aggregation::kP50, Aggregation::kP95,  Aggregation::kP99};
constexpr Operand kAllOperands[] = {Operand::kEqualOrMoreThan, Operand::kEqualOrLessThan};
constexpr Severity kAllSeverities[] = {Severity::kWarning, Severity::kCritical};
constexpr NoData kAllNoData[] = {NoData::kKeep, NoData::kOk, NoData::kAlerting};

// Checks a name-like text (rule name, channel name, match value): "" when fine.
std::string CheckText(std::string_view s, size_t limit) {
  if (s.size() > limit) {
    return "is " + std::to_string(s.size()) + " bytes long (at most " + std::to_string(limit) + ")";
  }
  if (!ValidUtf8(s)) return "is not valid UTF-8";
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return "must not contain control characters";
    }
  }
  return "";
}

class Parser {
 public:
  Parser(const json& item, RuleSource source, const RuleParseOptions& options)
      : item_(item), source_(source), options_(options) {}

  RuleParseResult Run(std::string file, int line) {
    Rule& r = out_.rule;
    r.source = source_;
    r.file = std::move(file);
    r.line = line;
    if (!item_.is_object()) {
      Error("", Expected("an object (a rule)", item_));
      return std::move(out_);
    }
    for (std::string_view key : kRequired) {
      if (Get(key) == nullptr) Error(key, "missing (required)");
    }
    ParseName();
    ParseField();
    ParseEnum("aggregation", &r.aggregation, kAllAggregations, &ParseAggregation, &AggregationName);
    ParseEnum("operand", &r.operand, kAllOperands, &ParseOperand, &OperandName);
    ParseNumber("value", &r.value);
    ParseDurationKey("timeframe", &r.timeframe_ms);
    if (Get("timeframe") != nullptr && r.timeframe_ms > options_.max_timeframe_ms) {
      Error("timeframe", FormatDuration(r.timeframe_ms) + " is longer than retention.raw (" +
                             FormatDuration(options_.max_timeframe_ms) + ")");
    }
    ParseDurationKey("cooldown", &r.cooldown_ms);
    ParseDurationKey("for", &r.for_ms);
    ParseClearValue();
    ParseDurationKey("clearFor", &r.clear_for_ms);
    ParseEnum("severity", &r.severity, kAllSeverities, &ParseSeverity, &SeverityName);
    ParseMatch();
    ParseGroupBy();
    ParseEnum("noData", &r.no_data, kAllNoData, &ParseNoData, &NoDataName);
    ParseDurationKey("repeat", &r.repeat_ms);
    ParseChannels();
    ParseDescription();
    if (const json* v = Get("enabled")) {
      if (v->is_boolean()) {
        r.enabled = v->get<bool>();
      } else {
        Error("enabled", Expected("true or false", *v));
      }
    }
    CheckUnknownKeys();
    return std::move(out_);
  }

 private:
  void Error(std::string_view field, std::string message) {
    out_.errors.push_back({std::string(field), std::move(message)});
  }

  // The value of `key`; nullptr when absent or null (YAML's empty value).
  const json* Get(std::string_view key) const {
    auto it = item_.find(key);
    if (it == item_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  // A string value, or nullptr after reporting the wrong type.
  const std::string* GetString(std::string_view key) {
    const json* v = Get(key);
    if (v == nullptr) return nullptr;
    if (!v->is_string()) {
      Error(key, Expected("a string", *v));
      return nullptr;
    }
    return &v->get_ref<const std::string&>();
  }

  void ParseName() {
    const std::string* s = GetString("name");
    if (s == nullptr) return;
    if (s->empty()) return Error("name", "must not be empty");
    if (s->find_first_not_of(' ') == std::string::npos) return Error("name", "must not be blank");
    if (std::string m = CheckText(*s, kMaxRuleNameBytes); !m.empty()) return Error("name", m);
    out_.rule.name = *s;
  }

  void ParseField() {
    const std::string* s = GetString("field");
    if (s == nullptr) return;
    std::vector<std::string> builtins;
    for (const FieldInfo& f : BuiltinFields()) builtins.emplace_back(f.name);
    if (FindBuiltinField(*s) != nullptr) {
      out_.rule.field = *s;
      dims_ = FieldDimensions(*s);
      return;
    }
    if (IsValidCustomFieldName(*s)) {
      out_.rule.field = *s;
      dims_ = FieldDimensions(*s);
      std::string near = DidYouMean(*s, builtins);
      if (!near.empty()) {
        out_.warnings.push_back({"field", Quoted(*s) + " is not a built-in field (did you mean \"" +
                                              near + "\"?); it is read as a custom field"});
      }
      return;
    }
    Error("field", Quoted(*s) +
                       " is not a field: use a built-in name (cpu.usage, mem.usage, "
                       "errors.count, ...) or a custom name matching [a-z][a-z0-9_.]{0,99}" +
                       DidYouMeanSuffix(*s, builtins));
  }

  template <typename E, size_t N>
  void ParseEnum(std::string_view key, E* out, const E (&values)[N],
                 bool (*parse)(std::string_view, E*), std::string_view (*name)(E)) {
    const std::string* s = GetString(key);
    if (s == nullptr) return;
    if (!parse(*s, out)) Error(key, NotOneOf(*s, values, name));
  }

  bool ParseNumber(std::string_view key, double* out) {
    const json* v = Get(key);
    if (v == nullptr) return false;
    if (!v->is_number()) {
      Error(key, Expected("a number", *v));
      return false;
    }
    double d = v->get<double>();
    if (!std::isfinite(d)) {
      Error(key, "must be a finite number");
      return false;
    }
    *out = d;
    return true;
  }

  void ParseDurationKey(std::string_view key, int64_t* out) {
    const json* v = Get(key);
    if (v == nullptr) return;
    if (v->is_number()) {
      std::string text = v->dump();
      return Error(key, text + " is not a duration: durations are strings like 2m");
    }
    if (!v->is_string()) return Error(key, Expected("a duration such as \"2m\"", *v));
    const std::string& s = v->get_ref<const std::string&>();
    StatusOr<int64_t> d =
        source_ == RuleSource::kBotpress ? ParseBotpressDuration(s) : ParseDuration(s);
    if (d.ok()) {
      *out = *d;
      return;
    }
    const std::string& m = d.status().message();
    // The generic syntax errors ("90", "1 minute" outside botpress.config.json) read as A.9
    // shows; the specific ones (units must decrease, more than 10y, unknown unit) keep their
    // detail.
    if (s.empty() || m.find(" is not a duration") != std::string::npos ||
        m.find(" needs a unit") != std::string::npos) {
      return Error(key, Quoted(s) + " is not a duration (use e.g. 2m)");
    }
    Error(key, m);
  }

  void ParseClearValue() {
    double cv = 0;
    if (!ParseNumber("clearValue", &cv)) return;
    Rule& r = out_.rule;
    r.clear_value = cv;
    // Only meaningful against a valid value and operand.
    const json* value = Get("value");
    const json* operand = Get("operand");
    Operand op;
    if (value == nullptr || !value->is_number() || operand == nullptr || !operand->is_string() ||
        !ParseOperand(operand->get<std::string>(), &op)) {
      return;
    }
    if (op == Operand::kEqualOrMoreThan && cv > r.value) {
      Error("clearValue", FormatRuleNumber(cv) + " is above value " + FormatRuleNumber(r.value) +
                              " (an equalOrMoreThan rule clears at or below its value)");
    } else if (op == Operand::kEqualOrLessThan && cv < r.value) {
      Error("clearValue", FormatRuleNumber(cv) + " is below value " + FormatRuleNumber(r.value) +
                              " (an equalOrLessThan rule clears at or above its value)");
    }
  }

  // "" when `dim` is a dimension of the rule's field (or the field is unknown).
  std::string CheckDimension(const std::string& dim) const {
    if (dims_.empty()) return "";
    if (std::find(dims_.begin(), dims_.end(), dim) != dims_.end()) return "";
    return out_.rule.field + " has no dimension " + Quoted(dim) + " (it has " + JoinNames(dims_) +
           ")";
  }

  void ParseMatch() {
    const json* v = Get("match");
    if (v == nullptr) return;
    if (!v->is_object()) return Error("match", Expected("an object such as {bot: mybot}", *v));
    if (v->size() > kMaxRuleMatchEntries) {
      return Error("match", "has " + std::to_string(v->size()) + " entries (at most " +
                                std::to_string(kMaxRuleMatchEntries) + ")");
    }
    for (const auto& [dim, val] : v->items()) {
      const std::string path = "match." + dim;
      if (std::string m = CheckDimension(dim); !m.empty()) {
        Error(path, m);
        continue;
      }
      std::string text;
      if (val.is_string()) {
        text = val.get<std::string>();
      } else if (val.is_number_integer()) {
        text = val.dump();  // YAML `bot: 2024` reads as a number
      } else {
        Error(path, Expected("a string (an exact value or a * glob)", val));
        continue;
      }
      if (text.empty()) {
        Error(path, "must not be empty (use \"*\" for any value)");
        continue;
      }
      if (std::string m = CheckText(text, kMaxRuleMatchValueBytes); !m.empty()) {
        Error(path, m);
        continue;
      }
      out_.rule.match[dim] = text;
    }
  }

  void ParseGroupBy() {
    const json* v = Get("groupBy");
    if (v == nullptr) return;
    if (!v->is_array()) return Error("groupBy", Expected("a list of dimensions", *v));
    std::vector<std::string> dims;
    for (size_t i = 0; i < v->size(); ++i) {
      const json& d = (*v)[i];
      const std::string path = "groupBy[" + std::to_string(i) + "]";
      if (!d.is_string()) {
        Error(path, Expected("a dimension name", d));
        continue;
      }
      std::string dim = d.get<std::string>();
      if (dim.empty() || !CheckText(dim, 64).empty()) {
        Error(path, Quoted(dim) + " is not a dimension name");
        continue;
      }
      if (std::string m = CheckDimension(dim); !m.empty()) {
        Error(path, m);
        continue;
      }
      if (std::find(dims.begin(), dims.end(), dim) != dims.end()) {
        Error(path, Quoted(dim) + " is listed twice");
        continue;
      }
      dims.push_back(std::move(dim));
    }
    out_.rule.group_by = std::move(dims);
  }

  void ParseChannels() {
    const json* v = Get("channels");
    if (v == nullptr) return;
    if (!v->is_array()) return Error("channels", Expected("a list of channel names", *v));
    if (v->size() > kMaxRuleChannels) {
      return Error("channels", "has " + std::to_string(v->size()) + " names (at most " +
                                   std::to_string(kMaxRuleChannels) + ")");
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < v->size(); ++i) {
      const json& c = (*v)[i];
      const std::string path = "channels[" + std::to_string(i) + "]";
      if (!c.is_string()) {
        Error(path, Expected("a channel name", c));
        continue;
      }
      std::string name = c.get<std::string>();
      if (name.empty()) {
        Error(path, "must not be empty");
        continue;
      }
      if (std::string m = CheckText(name, kMaxChannelNameBytes); !m.empty()) {
        Error(path, m);
        continue;
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        Error(path, Quoted(name) + " is listed twice");
        continue;
      }
      names.push_back(std::move(name));
    }
    out_.rule.channels = std::move(names);
  }

  void ParseDescription() {
    const std::string* s = GetString("description");
    if (s == nullptr) return;
    if (s->size() > kMaxRuleDescriptionBytes) {
      return Error("description", "is " + std::to_string(s->size()) + " bytes long (at most " +
                                      std::to_string(kMaxRuleDescriptionBytes) + ")");
    }
    if (!ValidUtf8(*s)) return Error("description", "is not valid UTF-8");
    // Every {{name}} must be a known placeholder; a typo would be sent verbatim otherwise.
    size_t pos = 0;
    while ((pos = s->find("{{", pos)) != std::string::npos) {
      size_t end = s->find("}}", pos + 2);
      if (end == std::string::npos) break;
      std::string name = s->substr(pos + 2, end - pos - 2);
      const size_t b = name.find_first_not_of(' ');
      const size_t e = name.find_last_not_of(' ');
      name = b == std::string::npos ? "" : name.substr(b, e - b + 1);
      bool known = false;
      for (std::string_view p : kDescriptionPlaceholders) known = known || p == name;
      if (!known) {
        return Error("description", "unknown placeholder {{" + name +
                                        "}} (use {{value}}, {{host}}, {{threshold}} or {{rule}})");
      }
      pos = end + 2;
    }
    out_.rule.description = *s;
  }

  void CheckUnknownKeys() {
    const auto& keys = RuleKeys();
    for (const auto& [key, value] : item_.items()) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      if (options_.ignore_output_keys &&
          std::find(std::begin(kOutputKeys), std::end(kOutputKeys), key) != std::end(kOutputKeys)) {
        continue;
      }
      Error(key, "unknown key" + DidYouMeanSuffix(key, keys));
    }
  }

  const json& item_;
  const RuleSource source_;
  const RuleParseOptions& options_;
  std::vector<std::string> dims_;  // the field's dimensions; empty when the field is unknown
  RuleParseResult out_;
};

}  // namespace

RuleParseResult ParseRule(const json& item, RuleSource source, std::string file, int line,
                          const RuleParseOptions& options) {
  return Parser(item, source, options).Run(std::move(file), line);
}

std::vector<std::string> FieldDimensions(std::string_view field) {
  uint8_t dims = 0;
  if (const FieldInfo* f = FindBuiltinField(field)) {
    dims = f->dims;
  } else if (IsValidCustomFieldName(field)) {
    dims = kDimBot | kDimChannel;  // custom fields arrive with bot events (field_catalog.cc)
  } else {
    return {};
  }
  std::vector<std::string> out = {"host"};
  if (dims & kDimBot) out.emplace_back("bot");
  if (dims & kDimChannel) out.emplace_back("channel");
  if (dims & kDimMount) out.emplace_back("mount");
  if (dims & kDimGpu) out.emplace_back("gpu");
  if (dims & kDimService) out.emplace_back("service");
  return out;
}

std::string FormatRuleNumber(double v) {
  std::string out;
  AppendJsonNumber(&out, v);
  return out;
}

namespace {

// 60 -> 60 (an integer), 0.5 -> 0.5: so that A.9's "value":60 reads as written.
json NumberJson(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.0e15) {
    return static_cast<int64_t>(v);
  }
  return v;
}

}  // namespace

json RuleToJson(const Rule& r) {
  json j = json::object();
  j["name"] = r.name;
  j["field"] = r.field;
  j["aggregation"] = AggregationName(r.aggregation);
  j["operand"] = OperandName(r.operand);
  j["value"] = NumberJson(r.value);
  j["timeframe"] = FormatDuration(r.timeframe_ms);
  j["cooldown"] = FormatDuration(r.cooldown_ms);
  j["for"] = FormatDuration(r.for_ms);
  if (r.clear_value) j["clearValue"] = NumberJson(*r.clear_value);
  j["clearFor"] = FormatDuration(r.clear_for_ms);
  j["severity"] = SeverityName(r.severity);
  j["match"] = json::object();
  for (const auto& [dim, val] : r.match) j["match"][dim] = val;
  j["groupBy"] = r.group_by;
  j["noData"] = NoDataName(r.no_data);
  j["repeat"] = FormatDuration(r.repeat_ms);
  j["channels"] = r.channels;
  j["description"] = r.description;
  j["enabled"] = r.enabled;
  j["source"] = RuleSourceName(r.source);
  j["file"] = r.file;
  j["line"] = r.line;
  j["readOnly"] = r.read_only();
  return j;
}

std::string InvalidRuleMessage(std::string_view rule_name, size_t problem_count) {
  std::string out = std::to_string(problem_count) + (problem_count == 1 ? " problem" : " problems");
  if (rule_name.empty()) return out + " in a rule";
  return out + " in rule " + JsonString(rule_name);
}

json FieldErrorsToJson(const std::vector<RuleFieldError>& errors) {
  json out = json::array();
  for (const auto& e : errors) out.push_back({{"field", e.field}, {"message", e.message}});
  return out;
}

std::string RuleConditionText(const Rule& r) {
  std::string out = std::string(AggregationName(r.aggregation)) + "(" + r.field + ") " +
                    std::string(OperandSymbol(r.operand)) + " " + FormatRuleNumber(r.value);
  out += r.timeframe_ms > 0 ? " over " + FormatDuration(r.timeframe_ms) : " over one tick";
  if (r.for_ms > 0) out += " for " + FormatDuration(r.for_ms);
  return out;
}

}  // namespace botmon
