// libFuzzer target for `botmon rules test` files (alert/rule_test_file.h) and promtool's series
// notation (alert/series_notation.h). The first input byte picks what the rest is:
//   even: a whole test file (parsed; when it names no rule files and is small, also run)
//   odd:  "selector\nvalues": one series line
// Invariants: a parse never crashes; an accepted series stays within its limit and holds only
// finite values; a run's exit code is 0, 1 or 2.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "alert/rule_test_file.h"
#include "alert/series_notation.h"

namespace {

void Require(bool ok, const char* what, size_t size) {
  if (!ok) {
    std::fprintf(stderr, "rules_test_fuzz: invariant violated: %s (input %zu bytes)\n", what, size);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 1) {
    const size_t nl = text.find('\n');
    (void)botmon::ParseSeriesSelector(text.substr(0, nl));
    if (nl == std::string_view::npos) return 0;
    auto values = botmon::ExpandSeriesValues(text.substr(nl + 1), 4096);
    if (values.ok()) {
      Require(values->size() <= 4096, "series within its limit", size);
      for (const auto& v : *values) Require(!v || std::isfinite(*v), "finite values", size);
    } else {
      Require(!values.status().message().empty(), "error message", size);
    }
    return 0;
  }
  botmon::RuleTestParse parsed = botmon::ParseRuleTestFile(text, "fuzz.yaml");
  if (!parsed.ok()) {
    for (const auto& e : parsed.errors)
      Require(e.rfind("fuzz.yaml", 0) == 0, "errors name the file", size);
    return 0;
  }
  // Running reads no file only without ruleFiles; keep each run small.
  size_t ticks = 0;
  for (const auto& s : parsed.file.series) ticks = std::max(ticks, s.values.size());
  if (!parsed.file.rule_files.empty() || ticks > 2000 || parsed.file.until_ms) return 0;
  botmon::RuleTestRules rules = botmon::LoadRuleTestRules(parsed.file);
  if (!rules.errors.empty()) return 0;
  botmon::RuleTestOutput out = botmon::RunRuleTest(parsed.file, rules.rules);
  Require(out.exit_code >= 0 && out.exit_code <= 2, "exit code 0, 1 or 2", size);
  return 0;
}
