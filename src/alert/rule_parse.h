// Parsing and validating one alert rule (SPEC 7.1, Appendix A.9), and its API form.
//
// The same parser reads a rule from every JSON-shaped source: an item of botmon.yaml `rules:`
// (converted to JSON by the config module), a rule of botpress.config.json's
// `pro.alerting.rules`, and a POST/PUT body of /api/alerts/rules. config.csv and the default set
// build Rule values directly (rule_sources.h, default_rules.h).
//
// Every problem of an item is reported, not just the first, as RuleFieldError{field, message} in
// the A.9 style:
//   {"field": "timeframe",   "message": "\"90\" is not a duration (use e.g. 2m)"}
//   {"field": "aggregation", "message": "\"mean\" is not one of avg, sum, min, max, last, ..."}
//   {"field": "match.mount", "message": "cpu.usage has no dimension \"mount\" (it has host)"}
// `field` is the key path inside the rule ("" for the item itself); callers prefix the place.
//
// Required: name, field, aggregation, operand, value, timeframe (Botpress's own required set).
// Everything else defaults as in Rule (rule.h). Unknown keys are errors ("did you mean").
// Durations are strings ("2m", "1h30m"); rules of botpress.config.json also accept Botpress's
// long forms ("2 minutes"). A timeframe of "0s" means one tick.
//
// Pure functions; thread-safe.
#ifndef BOTMON_ALERT_RULE_PARSE_H_
#define BOTMON_ALERT_RULE_PARSE_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "alert/rule.h"

namespace botmon {

// Limits of one rule (SPEC 7.1; STYLE: every parser has limits).
inline constexpr size_t kMaxRuleNameBytes = 200;
inline constexpr size_t kMaxRuleDescriptionBytes = 4096;
inline constexpr size_t kMaxRuleMatchEntries = 16;
inline constexpr size_t kMaxRuleMatchValueBytes = 200;
inline constexpr size_t kMaxRuleChannels = 32;
inline constexpr size_t kMaxChannelNameBytes = 64;  // as notify/channel.h's kMaxChannelName

// One problem of one rule.
struct RuleFieldError {
  std::string field;    // key path inside the rule: "timeframe", "match.bot", "groupBy[1]"; ""
                        // for the item as a whole
  std::string message;  // without the field: "\"90\" is not a duration (use e.g. 2m)"
  bool operator==(const RuleFieldError&) const = default;
};

struct RuleParseOptions {
  // retention.raw: the longest timeframe a rule may have (its window must fit the raw samples).
  int64_t max_timeframe_ms = int64_t{10} * 86'400'000;
  // Accept and ignore the keys RuleToJson adds for display (source, file, line, readOnly, state),
  // so that an object read with GET can be sent back with PUT. Only for API bodies.
  bool ignore_output_keys = false;
};

struct RuleParseResult {
  Rule rule;                             // meaningful only when ok()
  std::vector<RuleFieldError> errors;    // every problem, in the key order of SPEC 7.1
  std::vector<RuleFieldError> warnings;  // valid but suspicious (a custom field named like a typo
                                         // of a built-in one: "cpu.usge")
  bool ok() const { return errors.empty(); }
};

// Parses one rule item. `source`, `file` and `line` are copied into the rule (A.9's source,
// file, line). The rule's default_key is left empty.
RuleParseResult ParseRule(const nlohmann::json& item, RuleSource source, std::string file, int line,
                          const RuleParseOptions& options = {});

// The A.9 object of a rule, without "state" (the caller adds it): every key of SPEC 7.1 with its
// effective value, durations formatted like "2m", clearValue absent when unset, plus source, file,
// line and readOnly. ParseRule(RuleToJson(r), ..., {.ignore_output_keys = true}) gives back r.
nlohmann::json RuleToJson(const Rule& rule);

// A.9's error message: "2 problems in rule \"cpu\"" ("1 problem ..."; "in a rule" when the name
// is empty).
std::string InvalidRuleMessage(std::string_view rule_name, size_t problem_count);
// A.9's "fields" array: [{"field": ..., "message": ...}, ...].
nlohmann::json FieldErrorsToJson(const std::vector<RuleFieldError>& errors);

// The dimensions a field's series carry, "host" first: cpu.usage -> [host]; disk.usage ->
// [host, mount]; traffic fields and every custom field -> [host, bot, channel]. Empty when
// `field` is neither a built-in name nor a valid custom name.
std::vector<std::string> FieldDimensions(std::string_view field);

// A number as written in messages and summaries: shortest round-trip form ("60", "0.5").
std::string FormatRuleNumber(double v);

// "avg(cpu.usage) ≥ 60 over 2m" (+ " for 1m" when set; "over one tick" for timeframe 0).
std::string RuleConditionText(const Rule& rule);

// The placeholders a description may use (SPEC 7.1).
inline constexpr std::string_view kDescriptionPlaceholders[] = {"value", "host", "threshold",
                                                                "rule"};

}  // namespace botmon

#endif  // BOTMON_ALERT_RULE_PARSE_H_
