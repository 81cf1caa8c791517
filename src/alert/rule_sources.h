// The effective rule set from every rule source (SPEC 7.1, 3; Appendices A.7, A.8).
//
// Sources, in precedence order (SPEC 3), each rule tagged with where it came from:
//   1. botmon.yaml `rules:`                 source yaml, read-only, FILE:LINE:COL of the item
//   2. botpress.config.json pro.alerting.rules  source botpress, read-only, line of its "name"
//   3. config.csv alert-* keys (A.8)         source config-csv, read-only, line of the key
//   4. the default set (A.7)                 source default; enabled/disabled only
//   5. rules created over the API            source api, editable (stored by the caller)
// A rule of sources 1-3 or 5 with a default's name replaces that default. Any other name used
// twice (within or across sources) is an error naming both places; the first one is kept.
//
// config.csv also yields notification channels: one JSON object per alert-email,
// alert-slack-webhook, alert-webhook-url and alert-sms-to key, in the shape of botmon.yaml's
// `channels:` items ({name, kind, to | url [, secret]}) for the notify module's parser. With
// several config.csv files, rule and channel names carry the bot: "CPU Usage (mybot)",
// "email (mybot)".
//
// Problems read like SPEC 2's `botmon rules check`:
//   botmon.yaml:14:5: rule "cpu": timeframe: "90" is not a duration (use e.g. 2m)
//   botmon.yaml:20:5: rules[3]: name: missing (required)
//   /bots/sales.gbot/config.csv:4: alert-cpu-threshold: "8O" is not a number
//   botpress.config.json:12: rule "High CPU": name: also defined at botmon.yaml:3:5
//
// Pure functions; thread-safe.
#ifndef BOTMON_ALERT_RULE_SOURCES_H_
#define BOTMON_ALERT_RULE_SOURCES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alert/rule.h"
#include "config/load.h"
#include "config/options.h"
#include "core/status.h"

namespace botmon {

// At most this many rules in the effective set (defaults included).
inline constexpr size_t kMaxRules = 10000;

// One problem (or warning) of a rule source, with its place.
struct RuleProblem {
  std::string file;     // "" for the API and the defaults
  int line = 0;         // 1-based; 0 = unknown
  int col = 0;          // 1-based; 0 = unknown
  std::string rule;     // the rule's name when known
  std::string item;     // "rules[2]" when the name is not known; "" otherwise
  std::string field;    // "timeframe", "match.bot", "alert-cpu-threshold"; "" for the whole item
  std::string message;  // "\"90\" is not a duration (use e.g. 2m)"

  // "FILE:LINE:COL: rule \"NAME\": FIELD: message", leaving out the parts that are unknown.
  std::string ToString() const;
  bool operator==(const RuleProblem&) const = default;
};

// "botmon.yaml:14:5", "botpress.config.json:12", "the API", "the default set": where a rule came
// from, for messages.
std::string RulePlace(const Rule& rule);

// --- config.csv (Appendix A.8) ---

struct ConfigCsvRules {
  std::vector<Rule> rules;        // "CPU Usage", "Memory Usage", "Disk Usage", "Response Time"
  std::vector<RawItem> channels;  // {name, kind, to|url|secret}; file and line of the key
  std::vector<RuleProblem> errors;
  std::vector<RuleProblem> warnings;
};

// Maps the alert-* entries of every --bot-config file. `max_timeframe_ms` is retention.raw.
// With more than one file, every rule and channel name gets " (BOT)" appended.
ConfigCsvRules RulesFromConfigCsv(const std::vector<BotCsvConfig>& files, int64_t max_timeframe_ms);

// --- JSON-shaped sources ---

struct ParsedRules {
  std::vector<Rule> rules;  // the valid ones, in file order
  std::vector<RuleProblem> errors;
  std::vector<RuleProblem> warnings;
};

// Parses botmon.yaml `rules:` (source kYaml, item names "rules[i]") or botpress.config.json's
// rules (kBotpress, "pro.alerting.rules[i]").
ParsedRules ParseRuleItems(const std::vector<RawItem>& items, RuleSource source,
                           int64_t max_timeframe_ms);

// --- The effective set ---

struct RuleSetOptions {
  // The names of the channels created over the API. When given, a rule's `channels` entry that
  // is neither one of these, nor a botmon.yaml `channels:` name, nor a config.csv channel is an
  // error; when not given (`botmon rules check`), a warning.
  std::optional<std::vector<std::string>> api_channels;
};

struct RuleSet {
  // The effective rules: yaml, botpress, config.csv, the defaults not replaced, then the API's.
  std::vector<Rule> rules;
  // config.csv's channels, for the notify module (ParseChannel on each item's value).
  std::vector<RawItem> channels;
  std::vector<RuleProblem> errors;    // any error: refuse to start / keep the running set
  std::vector<RuleProblem> warnings;  // log them
  bool ok() const { return errors.empty(); }
  // OK, or InvalidArgument with one error per line (ToString()).
  Status ToStatus() const;
};

// Builds the effective rule set from a loaded configuration and the stored API rules (source
// kApi, already validated).
RuleSet BuildRuleSet(const LoadedConfig& loaded, const std::vector<Rule>& api_rules,
                     const RuleSetOptions& options = {});

}  // namespace botmon

#endif  // BOTMON_ALERT_RULE_SOURCES_H_
