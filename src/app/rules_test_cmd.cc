// `botmon rules test FILE` (SPEC 2): runs a promtool-style test file through the live evaluator
// (alert/rule_test_file.h). OPEN/RESOLVE lines and FAIL lines on stdout; exit 0 when every
// expectation holds, 1 when one does not, 2 for an unreadable or invalid file (errors on stderr,
// each naming FILE:LINE and the key).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "alert/rule_test_file.h"
#include "app/commands.h"

namespace botmon {
namespace {

int Usage(const std::string& message) {
  std::fprintf(stderr, "botmon: %s\n", message.c_str());
  return 2;
}

}  // namespace

int RulesTest(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Usage(path + ": cannot read: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return Usage(path + ": cannot read: is a directory");
  if (static_cast<size_t>(st.st_size) > kMaxRuleTestFileBytes) {
    return Usage(path + ": larger than " + std::to_string(kMaxRuleTestFileBytes) +
                 " bytes (the limit of a test file)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Usage(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  RuleTestParse parsed = ParseRuleTestFile(text.str(), path);
  if (!parsed.ok()) {
    for (const auto& e : parsed.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 2;
  }
  RuleTestRules rules = LoadRuleTestRules(parsed.file);
  for (const auto& w : rules.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!rules.errors.empty()) {
    for (const auto& e : rules.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 2;
  }
  RuleTestOutput out = RunRuleTest(parsed.file, rules.rules);
  std::fwrite(out.out.data(), 1, out.out.size(), stdout);
  std::fwrite(out.err.data(), 1, out.err.size(), stderr);
  return out.exit_code;
}

}  // namespace botmon
