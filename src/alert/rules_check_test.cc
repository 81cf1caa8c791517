#include "alert/rules_check.h"

#include <gtest/gtest.h>

#include <string>

#include "config/testing.h"

namespace botmon {
namespace {

using testing_config::TempDir;

constexpr std::string_view kBotpress = R"({
  "pro": {
    "alerting": {
      "rules": [
        {
          "name": " High CPU Usage ",
          "field": "cpu.usage",
          "aggregation": "avg",
          "operand": "equalOrMoreThan",
          "value": 60,
          "timeframe": "2m",
          "cooldown": "1m"
        }
      ]
    }
  }
}
)";

TEST(RulesCheck, ValidFilesAreSilent) {
  TempDir dir;
  const std::string bp = dir.Write("botpress.config.json", kBotpress);
  const std::string csv = dir.Write("config.csv", "alert-cpu-threshold,80\n");
  RulesCheckOutput out = RulesCheckFiles({bp, "mybot=" + csv});
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.text, "");
}

TEST(RulesCheck, VerboseListsEveryRule) {
  TempDir dir;
  const std::string bp = dir.Write("botpress.config.json", kBotpress);
  const std::string csv =
      dir.Write("config.csv", "alert-response-time-ms,5000\nalert-slack-webhook,https://h/x\n");
  RulesCheckOptions o;
  o.verbose = true;
  RulesCheckOutput out = RulesCheckFiles({bp, "mybot=" + csv}, o);
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.text, "ok  \" High CPU Usage \"  avg(cpu.usage) ≥ 60 over 2m  [" + bp +
                          ":6]\n"
                          "ok  \"Response Time\"  avg(response.latency_avg) ≥ 5000 over 3m  [" +
                          csv +
                          ":1]  match bot=mybot  channels slack\n"
                          "2 rules, 0 problems\n");
}

TEST(RulesCheck, ProblemsExitOne) {
  TempDir dir;
  const std::string yaml = dir.Write("botmon.yaml",
                                     "rules:\n"
                                     "  - name: cpu\n"
                                     "    field: cpu.usage\n"
                                     "    aggregation: mean\n"
                                     "    operand: equalOrMoreThan\n"
                                     "    value: 60\n"
                                     "    timeframe: 2m\n"
                                     "  - name: \" High CPU Usage \"\n"
                                     "    field: cpu.usge\n"
                                     "    aggregation: avg\n"
                                     "    operand: equalOrMoreThan\n"
                                     "    value: 60\n"
                                     "    timeframe: 2m\n");
  const std::string bp = dir.Write("botpress.config.json", kBotpress);
  const std::string csv = dir.Write("config.csv", "alert-cpu-threshold,lots\n");
  RulesCheckOutput out = RulesCheckFiles({yaml, bp, csv});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.text,
            yaml +
                ":2:5: rule \"cpu\": aggregation: \"mean\" is not one of avg, sum, min, max, "
                "last, count, p50, p95, p99\n" +
                csv + ":1: alert-cpu-threshold: \"lots\" is not a number (e.g. 80 or 80%)\n" + bp +
                ":6: rule \" High CPU Usage \": name: also defined at " + yaml + ":8\n" +
                "warning: " + yaml +
                ":8:5: rule \" High CPU Usage \": field: \"cpu.usge\" is not a built-in field "
                "(did you mean \"cpu.usage\"?); it is read as a custom field\n");
}

TEST(RulesCheck, ConfigErrorsOfTheFile) {
  TempDir dir;
  const std::string yaml = dir.Write("botmon.yaml", "tick: 0s\nrules: []\n");
  RulesCheckOutput out = RulesCheckFiles({yaml});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_EQ(out.text, yaml + ":1:1: tick: 0s is below 1s\n");
}

TEST(RulesCheck, UnreadableOrUnknownFilesExitTwo) {
  TempDir dir;
  RulesCheckOutput missing = RulesCheckFiles({dir.File("nope.yaml")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.text.rfind(dir.File("nope.yaml") + ": cannot read: ", 0), 0u) << missing.text;
  RulesCheckOutput unknown = RulesCheckFiles({dir.Write("rules.txt", "x")});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.text.find("unknown kind of file"), std::string::npos);
  EXPECT_EQ(RulesCheckFiles({dir.path() + "/"}).exit_code, 2);
  EXPECT_EQ(RulesCheckFiles({}).exit_code, 2);
}

TEST(RulesCheck, CheckLine) {
  Rule r;
  r.name = "Disk";
  r.field = "disk.usage";
  r.aggregation = Aggregation::kMax;
  r.value = 90;
  r.timeframe_ms = 300'000;
  r.group_by = {"host", "mount"};
  r.match = {{"mount", "/data*"}};
  r.channels = {"pager", "slack"};
  r.enabled = false;
  r.source = RuleSource::kYaml;
  r.file = "botmon.yaml";
  r.line = 9;
  EXPECT_EQ(RuleCheckLine(r),
            "ok  \"Disk\"  max(disk.usage) ≥ 90 over 5m  [botmon.yaml:9]  match mount=/data*  by "
            "host, mount  channels pager, slack  disabled");
  r.group_by.clear();
  r.source = RuleSource::kApi;
  EXPECT_NE(RuleCheckLine(r).find("[the API]  match mount=/data*  by cluster"), std::string::npos);
}

}  // namespace
}  // namespace botmon
