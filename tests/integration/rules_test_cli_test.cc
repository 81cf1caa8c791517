// `botmon rules test FILE` through the real binary (SPEC 2): the exact OPEN/RESOLVE lines, exit
// 0 when every expectation holds, 1 with one FAIL line per unmet expectation, 2 for bad flags,
// an unreadable file or an invalid one (the error names FILE:LINE and the key).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/botmon-rulestest-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr const char* kRules = R"(rules:
  - name: High CPU Usage
    field: cpu.usage
    aggregation: last
    operand: equalOrMoreThan
    value: 90
    timeframe: 0s
)";

TEST(RulesTestCli, PassingFileExitsZeroWithTheSpecLines) {
  TempDir dir;
  const std::string file = dir.Write(
      "cpu_test.yaml", std::string("tick: 10s\n") + kRules +
                           "series:\n  'cpu.usage{host=\"a\"}': \"50x12 95x28 40x20\"\n"
                           "expect:\n  - {rule: High CPU Usage, group: {host: a}, opensAt: 2m10s, "
                           "resolvesAt: 7m}\n");
  auto r = RunBotmon({"rules", "test", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "+2m10s OPEN \"High CPU Usage\" host=a value=95\n"
            "+7m RESOLVE \"High CPU Usage\" host=a value=40\n");
  EXPECT_EQ(r.err, "");
}

TEST(RulesTestCli, UnmetExpectationExitsOne) {
  TempDir dir;
  const std::string file = dir.Write(
      "cpu_test.yaml", std::string(kRules) +
                           "series:\n  'cpu.usage{host=\"a\"}': \"50x12 95x30 40x20\"\n"
                           "expect:\n  - {rule: High CPU Usage, group: {host: a}, opensAt: 2m10s, "
                           "resolvesAt: 7m}\n");
  auto r = RunBotmon({"rules", "test", file});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out,
            "+2m10s OPEN \"High CPU Usage\" host=a value=95\n"
            "+7m20s RESOLVE \"High CPU Usage\" host=a value=40\n"
            "FAIL " +
                file +
                ":11: rule \"High CPU Usage\" host=a: expected to resolve at +7m; it "
                "resolved at +7m20s\n");
}

TEST(RulesTestCli, RuleFilesFromBotpressConfig) {
  TempDir dir;
  dir.Write("botpress.config.json", R"({"pro": {"alerting": {"rules": [
    {"name": "High number of errors", "field": "errors.count", "aggregation": "sum",
     "operand": "equalOrMoreThan", "value": 10, "timeframe": "1m"}]}}})");
  const std::string file = dir.Write("errors_test.yaml", R"(tick: 10s
ruleFiles: [botpress.config.json]
series:
  'errors.count{host="a", bot="mybot", channel="web"}': "0x5 12 0x10"
expect:
  - {rule: High number of errors, group: {host: a}, opensAt: 1m, resolvesAt: 2m, value: 12}
)");
  auto r = RunBotmon({"rules", "test", file});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "+1m OPEN \"High number of errors\" host=a value=12\n"
            "+2m RESOLVE \"High number of errors\" host=a value=0\n");
}

TEST(RulesTestCli, InvalidFilesExitTwoNamingFileLineAndKey) {
  TempDir dir;
  const std::string bad_series = dir.Write(
      "bad.yaml", std::string(kRules) + "series:\n  'cpu.usage{host=\"a\"}': \"50 95y30\"\n");
  auto r = RunBotmon({"rules", "test", bad_series});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, bad_series +
                       ":9:26: series[\"cpu.usage{host=\\\"a\\\"}\"]: item 2 \"95y30\": expected "
                       "a number, _, axn, a+bxn or a-bxn\n");

  const std::string bad_rule = dir.Write(
      "rule.yaml",
      "rules:\n  - {name: cpu, field: cpu.usage, aggregation: mean, operand: equalOrMoreThan, "
      "value: 1, timeframe: 1m}\nseries: {'cpu.usage{host=\"a\"}': '1'}\n");
  r = RunBotmon({"rules", "test", bad_rule});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(bad_rule + ":2:5: rule \"cpu\": aggregation: \"mean\" is not one of"),
            std::string::npos)
      << r.err;

  const std::string unknown_rule =
      dir.Write("unknown.yaml", std::string(kRules) +
                                    "series: {'cpu.usage{host=\"a\"}': '1'}\n"
                                    "expect: [{rule: nope, opensAt: 0s}]\n");
  r = RunBotmon({"rules", "test", unknown_rule});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            unknown_rule + ":9: expect: rule \"nope\": no such rule in rules or ruleFiles\n");

  r = RunBotmon({"rules", "test", dir.path() + "/missing.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.yaml: cannot read: No such file or directory"), std::string::npos)
      << r.err;
  r = RunBotmon({"rules", "test", dir.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos);

  const std::string huge = dir.Write("huge.yaml", std::string(2 << 20, '#'));
  r = RunBotmon({"rules", "test", huge});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("larger than 1048576 bytes"), std::string::npos) << r.err;

  const std::string long_series = dir.Write(
      "long.yaml", std::string(kRules) + "series: {'cpu.usage{host=\"a\"}': '1x100000'}\n");
  r = RunBotmon({"rules", "test", long_series});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("more than 100000 samples in one series"), std::string::npos) << r.err;
}

TEST(RulesTestCli, FlagsAndHelp) {
  EXPECT_EQ(RunBotmon({"rules", "test"}).exit_code, 2);  // FILE missing
  EXPECT_EQ(RunBotmon({"rules", "test", "a.yaml", "--bogus"}).exit_code, 2);
  auto help = RunBotmon({"rules", "test", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("FILE"), std::string::npos);
}

}  // namespace
}  // namespace botmon::testing
