// `botmon rules check FILE...` (SPEC 2): validates botmon.yaml, botpress.config.json and
// config.csv files and reports, one line per problem:
//
//   FILE:LINE:COL: rule "NAME": FIELD: message        (an invalid rule; COL when known)
//   FILE:LINE: rules[2]: name: missing (required)      (a rule without a usable name)
//   FILE:LINE: alert-cpu-threshold: "8O" is not a number (e.g. 80 or 80%)
//   FILE:LINE:COL: tick: 0s is below 1s                 (any other configuration error)
//   warning: FILE:LINE: rule "NAME": field: ...         (valid, but probably not meant)
//
// Silent with exit 0 when every rule is valid and nothing is suspicious; warnings alone keep
// exit 0. With `verbose`, one line per rule (the defaults left out) comes first:
//
//   ok  " High CPU Usage "  avg(cpu.usage) ≥ 60 over 2m  [botpress.config.json:12]
//   ok  "CPU Usage"  avg(cpu.usage) ≥ 80 over 5m  [config.csv:2]  channels email, slack
//
// and a last line "N rules, M problems". Exit codes: 0 valid, 1 an invalid rule or file content,
// 2 an unreadable file or a file of an unknown kind.
//
// The file kind comes from its name: *.yaml / *.yml -> botmon.yaml; *.json ->
// botpress.config.json; *.csv, or BOT=FILE -> a --bot-config config.csv (the bot name as for
// --bot-config). All config.csv files are checked together, so with several of them names are
// qualified as `serve` would. Names clashing across the given files are reported like at start-up.
//
// Thread-safe; RulesCheckFiles reads the files.
#ifndef BOTMON_ALERT_RULES_CHECK_H_
#define BOTMON_ALERT_RULES_CHECK_H_

#include <string>
#include <vector>

#include "alert/rule.h"
#include "alert/rule_sources.h"

namespace botmon {

struct RulesCheckOptions {
  bool verbose = false;  // list every rule checked ("ok  ..." lines) and a summary line
};

struct RulesCheckOutput {
  std::string text;  // for stdout; every line ends in '\n'; "" when valid and not verbose
  int exit_code = 0;
};

// Checks the given files (see above).
RulesCheckOutput RulesCheckFiles(const std::vector<std::string>& files,
                                 const RulesCheckOptions& options = {});

// The report for an already built rule set; `config_errors` are lines printed as they are
// (configuration problems outside the rules, from LoadConfig). Exit 1 when either has errors.
RulesCheckOutput RulesCheckReport(const RuleSet& set, const std::vector<std::string>& config_errors,
                                  const RulesCheckOptions& options = {});

// "ok  \" High CPU Usage \"  avg(cpu.usage) ≥ 60 over 2m  [botpress.config.json:12]" (plus
// "  match bot=x", "  by host, mount", "  channels a, b", "  disabled" when they apply).
std::string RuleCheckLine(const Rule& rule);

}  // namespace botmon

#endif  // BOTMON_ALERT_RULES_CHECK_H_
