// `botmon rules test FILE` (SPEC 2): a promtool-style test of alert rules through the live
// evaluator (alert/backtest.h). The file is YAML:
//
//   tick: 10s                       # default 10s, 1s..5m: one sample per series per tick
//   until: 10m                      # optional: evaluate up to this offset (default: the longest
//                                   # series' last tick)
//   rules:                          # inline rules, the items of botmon.yaml `rules:`
//     - {name: High CPU Usage, field: cpu.usage, aggregation: last, operand: equalOrMoreThan,
//        value: 90, timeframe: 0s}
//   ruleFiles: [botmon.yaml, botpress.config.json, bots/sales.gbot/config.csv]  # relative to
//                                   # this file; the default rule set is not included
//   series:                         # selector: values (series_notation.h)
//     'cpu.usage{host="a"}': "50x12 95x28 40x20"
//   expect:
//     - {rule: High CPU Usage, group: {host: a}, opensAt: 2m10s, resolvesAt: 7m}
//
// Time: the first sample of every series is at offset 0 (as promtool), the i-th at i x tick,
// and the rules are evaluated at every tick end from 0 to the last tick, right after the tick's
// samples are added, exactly as the live server does. Offsets are printed like durations
// ("+2m10s"). Series given per bot (and channel) of a traffic field also feed the coarser levels
// the rules read (the host total), combined by the field's "across" rule, unless those are given
// too.
//
// An expectation names a rule (and optionally its group: {dimension: value}, compared exactly):
//   opensAt: D        an incident of that rule and group opens at offset D
//   opensAt: never    none opens
//   resolvesAt: D     ... and that incident resolves at D (never: still open at the end)
//   value: N          ... and its triggerValue is N
//
// Output (RunRuleTest): one line per open and resolve, in time order,
//   +2m10s OPEN "High CPU Usage" host=a value=95
//   +7m RESOLVE "High CPU Usage" host=a value=40
// then one "FAIL FILE:LINE: ..." line per unmet expectation. Exit 0 when every expectation
// holds, 1 otherwise; 2 for a file that cannot be used (errors "FILE:LINE:COL: key: message").
//
// Limits: kMaxRuleTestFileBytes, kMaxRuleTestSeries series of kMaxSeriesSamples samples,
// kMaxRuleTestTicks ticks in all, kMaxRuleTestExpect expectations.
// Parsing is a pure function; LoadRuleTestRules reads the rule files.
#ifndef BOTMON_ALERT_RULE_TEST_FILE_H_
#define BOTMON_ALERT_RULE_TEST_FILE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alert/evaluator.h"
#include "alert/rule.h"
#include "config/options.h"
#include "series/series_key.h"

namespace botmon {

inline constexpr size_t kMaxRuleTestFileBytes = 1 << 20;
inline constexpr size_t kMaxRuleTestSeries = 1000;
inline constexpr size_t kMaxRuleTestTicks = 1'000'000;
inline constexpr size_t kMaxRuleTestExpect = 1000;

struct RuleTestSeries {
  SeriesKey key;
  std::vector<std::optional<double>> values;  // per tick; nullopt = missing
  int line = 0;
};

struct RuleTestExpect {
  int line = 0;
  std::string rule;
  std::optional<Group> group;  // absent: any group
  bool never_opens = false;
  int64_t opens_at_ms = 0;
  std::optional<int64_t> resolves_at_ms;
  bool never_resolves = false;
  std::optional<double> value;
};

struct RuleTestFile {
  std::string path;
  int64_t tick_ms = 10'000;
  std::optional<int64_t> until_ms;
  std::vector<RawItem> rules;           // inline items (file = path)
  std::vector<std::string> rule_files;  // as written (relative to the test file)
  std::vector<RuleTestSeries> series;
  std::vector<RuleTestExpect> expect;
};

struct RuleTestParse {
  RuleTestFile file;
  std::vector<std::string> errors;  // "FILE:LINE:COL: key: message"
  bool ok() const { return errors.empty(); }
};

// Parses the text of a test file named `path` (reads no file).
RuleTestParse ParseRuleTestFile(std::string_view text, const std::string& path);

struct RuleTestRules {
  std::vector<Rule> rules;
  std::vector<std::string> errors;    // as `botmon rules check` prints them
  std::vector<std::string> warnings;  // idem, without the "warning: " prefix
};

// The inline rules and those of ruleFiles (paths relative to the test file's directory), as
// `serve` would build them, without the default set.
RuleTestRules LoadRuleTestRules(const RuleTestFile& file);

struct RuleTestOutput {
  std::string out;  // OPEN/RESOLVE lines, then FAIL lines
  std::string err;  // problems that make the file unusable (exit 2)
  int exit_code = 0;
};

RuleTestOutput RunRuleTest(const RuleTestFile& file, const std::vector<Rule>& rules);

// "+2m10s": an offset as printed and as written in expectations.
std::string FormatOffset(int64_t ms);

}  // namespace botmon

#endif  // BOTMON_ALERT_RULE_TEST_FILE_H_
