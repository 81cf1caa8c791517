#include "alert/rule_test_file.h"

#include <gtest/gtest.h>

#include <string>

#include "config/testing.h"

namespace botmon {
namespace {

using testing_config::TempDir;

constexpr std::string_view kSpecExample = R"(tick: 10s
rules:
  - name: High CPU Usage
    field: cpu.usage
    aggregation: last
    operand: equalOrMoreThan
    value: 90
    timeframe: 0s
series:
  'cpu.usage{host="a"}': "50x12 95x28 40x20"
expect:
  - {rule: High CPU Usage, group: {host: a}, opensAt: 2m10s, resolvesAt: 7m, value: 95}
)";

RuleTestOutput RunText(std::string_view text, const std::string& path = "t.yaml") {
  RuleTestParse p = ParseRuleTestFile(text, path);
  EXPECT_TRUE(p.ok()) << (p.errors.empty() ? "" : p.errors[0]);
  RuleTestRules rules = LoadRuleTestRules(p.file);
  EXPECT_TRUE(rules.errors.empty()) << (rules.errors.empty() ? "" : rules.errors[0]);
  return RunRuleTest(p.file, rules.rules);
}

std::vector<std::string> Errors(std::string_view text) {
  return ParseRuleTestFile(text, "t.yaml").errors;
}

TEST(RuleTestFile, SpecExamplePasses) {
  RuleTestOutput out = RunText(kSpecExample);
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_EQ(out.out,
            "+2m10s OPEN \"High CPU Usage\" host=a value=95\n"
            "+7m RESOLVE \"High CPU Usage\" host=a value=40\n");
}

TEST(RuleTestFile, UnmetExpectationsExitOneWithALineEach) {
  std::string text(kSpecExample);
  text = text.substr(0, text.find("  - {rule")) +
         "  - {rule: High CPU Usage, group: {host: a}, opensAt: 2m, resolvesAt: 7m}\n"
         "  - {rule: High CPU Usage, group: {host: a}, opensAt: 2m10s, resolvesAt: 6m, value: 94}\n"
         "  - {rule: High CPU Usage, group: {host: b}, opensAt: 2m10s}\n"
         "  - {rule: High CPU Usage, opensAt: never}\n"
         "  - {rule: High CPU Usage, opensAt: 2m10s, resolvesAt: never}\n";
  RuleTestOutput out = RunText(text);
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.out,
            "+2m10s OPEN \"High CPU Usage\" host=a value=95\n"
            "+7m RESOLVE \"High CPU Usage\" host=a value=40\n"
            "FAIL t.yaml:12: rule \"High CPU Usage\" host=a: expected to open at +2m; it opened "
            "at +2m10s\n"
            "FAIL t.yaml:13: rule \"High CPU Usage\" host=a: expected to resolve at +6m; it "
            "resolved at +7m\n"
            "FAIL t.yaml:13: rule \"High CPU Usage\" host=a: expected triggerValue 94; it was 95\n"
            "FAIL t.yaml:14: rule \"High CPU Usage\" host=b: expected to open at +2m10s; it never "
            "opened\n"
            "FAIL t.yaml:15: rule \"High CPU Usage\": expected never to open; it opened at "
            "+2m10s\n"
            "FAIL t.yaml:16: rule \"High CPU Usage\": expected to stay open; it resolved at +7m\n");
}

TEST(RuleTestFile, UntilExtendsTheRunAndTrafficLevelsRollUp) {
  // Per-channel error counts feed the host total a groupBy [host] rule reads.
  RuleTestOutput out = RunText(R"(tick: 1m
until: 6m
rules:
  - {name: errors, field: errors.count, aggregation: sum, operand: equalOrMoreThan, value: 10,
     timeframe: 2m}
series:
  'errors.count{host="h", bot="b", channel="web"}': "0 4 4"
  'errors.count{host="h", bot="b", channel="whatsapp"}': "0 3"
expect:
  - {rule: errors, group: {host: h}, opensAt: 2m, resolvesAt: 3m, value: 11}
)");
  EXPECT_EQ(out.exit_code, 0) << out.out;
  EXPECT_EQ(out.out,
            "+2m OPEN \"errors\" host=h value=11\n"
            "+3m RESOLVE \"errors\" host=h value=4\n");
}

TEST(RuleTestFile, RuleFilesAreRelativeToTheTestFile) {
  TempDir dir;
  dir.Write("botpress.config.json", R"({"pro": {"alerting": {"rules": [
    {"name": " High CPU Usage ", "field": "cpu.usage", "aggregation": "avg",
     "operand": "equalOrMoreThan", "value": 60, "timeframe": "2m", "cooldown": "1m"}]}}})");
  const std::string path = dir.Write("t.yaml", R"(ruleFiles: [botpress.config.json]
series:
  'cpu.usage{host="a"}': "50x12 95x30 40x20"
expect:
  - {rule: " High CPU Usage ", opensAt: 2m30s, resolvesAt: 8m30s}
)");
  RuleTestParse p = ParseRuleTestFile(
      R"(ruleFiles: [botpress.config.json]
series:
  'cpu.usage{host="a"}': "50x12 95x30 40x20"
expect:
  - {rule: " High CPU Usage ", opensAt: 2m30s, resolvesAt: 8m30s}
)",
      path);
  ASSERT_TRUE(p.ok());
  RuleTestRules rules = LoadRuleTestRules(p.file);
  ASSERT_TRUE(rules.errors.empty()) << rules.errors[0];
  ASSERT_EQ(rules.rules.size(), 1u);  // no default rules
  RuleTestOutput out = RunRuleTest(p.file, rules.rules);
  EXPECT_EQ(out.exit_code, 0) << out.out;

  p.file.rule_files = {"missing.yaml"};
  rules = LoadRuleTestRules(p.file);
  ASSERT_FALSE(rules.errors.empty());
  EXPECT_NE(rules.errors[0].find("missing.yaml"), std::string::npos) << rules.errors[0];
  p.file.rule_files = {"rules.txt"};
  rules = LoadRuleTestRules(p.file);
  ASSERT_FALSE(rules.errors.empty());
  EXPECT_NE(rules.errors[0].find("unknown kind of file"), std::string::npos);
}

TEST(RuleTestFile, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(
      Errors("tick: 10s\nrules: []\nseries: {}\n"),
      (std::vector<std::string>{"t.yaml:1:1: rules: no rules: give rules, ruleFiles or both"}));
  const std::string base =
      "rules: [{name: x, field: cpu.usage, aggregation: avg, operand: "
      "equalOrMoreThan, value: 1, timeframe: 1m}]\n";
  EXPECT_EQ(Errors(base + "series:\n  'cpu.usage{host=\"a\"}': \"1 2 95y30\"\n"),
            (std::vector<std::string>{"t.yaml:3:26: series[\"cpu.usage{host=\\\"a\\\"}\"]: item 3 "
                                      "\"95y30\": expected a number, _, axn, a+bxn or a-bxn"}));
  EXPECT_EQ(Errors(base + "tick: 90\nseries: {'cpu.usage{host=\"a\"}': '1'}\n"),
            (std::vector<std::string>{
                "t.yaml:2:7: tick: \"90\" is not a duration: durations are strings like 2m"}));
  auto e = Errors(base + "tick: 10m\nbogus: 1\nseries: {'cpu.usage{host=\"a\"}': '1'}\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0], "t.yaml:2:7: tick: 10m is outside 1s..5m");
  EXPECT_EQ(e[1],
            "t.yaml:3:1: bogus: unknown key (expected tick, until, rules, ruleFiles, series "
            "or expect)");
  e = Errors(base +
             "series: {'cpu.usage{host=\"a\"}': '1'}\nexpect:\n  - {rule: x}\n"
             "  - {opensAt: 1m}\n  - {rule: x, opensAt: soon, colour: red}\n"
             "  - {rule: x, opensAt: never, resolvesAt: 2m}\n"
             "  - {rule: x, opensAt: 2m, resolvesAt: 1m}\n");
  ASSERT_EQ(e.size(), 6u) << e[0];
  EXPECT_EQ(e[0], "t.yaml:4:5: expect[0].opensAt: missing (required: a duration, or never)");
  EXPECT_EQ(e[1], "t.yaml:5:5: expect[1].rule: missing (required)");
  EXPECT_NE(e[2].find("t.yaml:6:24: expect[2].opensAt: "), std::string::npos) << e[2];
  EXPECT_EQ(e[3],
            "t.yaml:6:30: expect[2].colour: unknown key (expected rule, group, opensAt, "
            "resolvesAt or value)");
  EXPECT_EQ(e[4], "t.yaml:7:5: expect[3]: opensAt: never cannot go with resolvesAt or value");
  EXPECT_EQ(e[5], "t.yaml:8:5: expect[4].resolvesAt: must be after opensAt");
  e = Errors(base + "series: {'cpu.usage{host=\"a\"}': '1', 'cpu.usage{ host=\"a\" }': '2'}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("the same series is given twice"), std::string::npos);
  e = Errors("rules: [\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].rfind("t.yaml:", 0), 0u) << e[0];
  e = Errors(base);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "t.yaml: series: no samples: give at least one series");
  EXPECT_EQ(Errors(std::string(kMaxRuleTestFileBytes + 1, '#')),
            (std::vector<std::string>{"t.yaml: larger than 1048576 bytes"}));
}

TEST(RuleTestFile, InvalidRulesAndUnknownExpectedRules) {
  RuleTestParse p = ParseRuleTestFile(
      "rules:\n  - {name: x, field: cpu.usage, aggregation: mean, operand: equalOrMoreThan, "
      "value: 1, timeframe: 1m}\nseries: {'cpu.usage{host=\"a\"}': '1'}\n",
      "t.yaml");
  ASSERT_TRUE(p.ok());
  RuleTestRules rules = LoadRuleTestRules(p.file);
  ASSERT_EQ(rules.errors.size(), 1u);
  EXPECT_EQ(rules.errors[0].rfind("t.yaml:2:5: rule \"x\": aggregation: \"mean\" is not one of", 0),
            0u)
      << rules.errors[0];

  p = ParseRuleTestFile(std::string(R"(rules: [{name: x, field: cpu.usage, aggregation: avg,
  operand: equalOrMoreThan, value: 1, timeframe: 1m}]
series: {'cpu.usage{host="a"}': '1'}
expect: [{rule: y, opensAt: 0s}]
)"),
                        "t.yaml");
  ASSERT_TRUE(p.ok()) << p.errors[0];
  rules = LoadRuleTestRules(p.file);
  RuleTestOutput out = RunRuleTest(p.file, rules.rules);
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_EQ(out.err, "t.yaml:4: expect: rule \"y\": no such rule in rules or ruleFiles\n");
}

}  // namespace
}  // namespace botmon
