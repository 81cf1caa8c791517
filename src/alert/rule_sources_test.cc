#include "alert/rule_sources.h"

#include <gtest/gtest.h>

#include <string>

#include "alert/rule_parse.h"
#include "config/testing.h"

namespace botmon {
namespace {

using json = nlohmann::json;
using testing_config::TempDir;

const Rule* Find(const std::vector<Rule>& rules, std::string_view name) {
  for (const Rule& r : rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::vector<std::string> Lines(const std::vector<RuleProblem>& problems) {
  std::vector<std::string> out;
  for (const auto& p : problems) out.push_back(p.ToString());
  return out;
}

LoadedConfig MustLoad(const ConfigSources& src) {
  auto l = LoadConfig(src);
  EXPECT_TRUE(l.ok()) << l.status().message();
  if (!l.ok()) return LoadedConfig{};
  return std::move(l).value();
}

// The General Bots seed's config.csv (section 4.3), verbatim.
constexpr std::string_view kSeedCsv =
    "key,value\n"
    "alert-cpu-threshold,80\n"
    "alert-memory-threshold,85\n"
    "alert-disk-threshold,90\n"
    "alert-response-time-ms,5000\n"
    "alert-email,admin@company.com\n"
    "alert-slack-webhook,https://hooks.slack.com/...\n";

TEST(ConfigCsvRules, SeedKeysGiveFourRulesAndTwoChannels) {
  TempDir dir;
  const std::string csv = dir.Write("mybot.gbot/config.csv", kSeedCsv);
  ConfigSources src;
  src.bot_configs = {csv};
  LoadedConfig loaded = MustLoad(src);
  RuleSet set = BuildRuleSet(loaded, {});
  ASSERT_TRUE(set.ok()) << set.ToStatus().message();
  EXPECT_TRUE(set.warnings.empty()) << Lines(set.warnings)[0];

  const Rule* cpu = Find(set.rules, "CPU Usage");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->source, RuleSource::kConfigCsv);
  EXPECT_EQ(cpu->file, csv);
  EXPECT_EQ(cpu->line, 2);
  EXPECT_EQ(cpu->field, "cpu.usage");
  EXPECT_EQ(cpu->aggregation, Aggregation::kAvg);
  EXPECT_EQ(cpu->operand, Operand::kEqualOrMoreThan);
  EXPECT_EQ(cpu->value, 80);
  EXPECT_EQ(cpu->timeframe_ms, 5 * 60'000);
  EXPECT_EQ(cpu->for_ms, 0);
  EXPECT_EQ(cpu->group_by, std::vector<std::string>{"host"});
  EXPECT_EQ(cpu->severity, Severity::kWarning);
  EXPECT_TRUE(cpu->match.empty());
  EXPECT_EQ(cpu->channels, (std::vector<std::string>{"email", "slack"}));
  EXPECT_TRUE(cpu->read_only());

  const Rule* mem = Find(set.rules, "Memory Usage");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(mem->field, "mem.usage");
  EXPECT_EQ(mem->value, 85);
  const Rule* disk = Find(set.rules, "Disk Usage");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->field, "disk.usage");
  EXPECT_EQ(disk->value, 90);
  EXPECT_EQ(disk->group_by, std::vector<std::string>{"host"});  // max over the mounts
  const Rule* resp = Find(set.rules, "Response Time");
  ASSERT_NE(resp, nullptr);
  EXPECT_EQ(resp->field, "response.latency_avg");
  EXPECT_EQ(resp->value, 5000);
  EXPECT_EQ(resp->timeframe_ms, 3 * 60'000);
  EXPECT_EQ(resp->match, (std::map<std::string, std::string>{{"bot", "mybot"}}));
  EXPECT_EQ(resp->line, 5);

  ASSERT_EQ(set.channels.size(), 2u);
  EXPECT_EQ(set.channels[0].value,
            json::parse(R"({"name":"email","kind":"email","to":["admin@company.com"]})"));
  EXPECT_EQ(set.channels[0].file, csv);
  EXPECT_EQ(set.channels[0].line, 6);
  EXPECT_EQ(set.channels[1].value,
            json::parse(R"({"name":"slack","kind":"slack","url":"https://hooks.slack.com/..."})"));
  EXPECT_EQ(set.channels[1].line, 7);
  // The defaults are still there beside them.
  EXPECT_NE(Find(set.rules, "CPU Usage (warning)"), nullptr);
}

BotCsvConfig Csv(std::string bot, std::vector<CsvEntry> alerts) {
  return BotCsvConfig{"/bots/" + bot + ".gbot/config.csv", bot, std::move(alerts)};
}

TEST(ConfigCsvRules, ForMinutesUnitsAndEveryChannel) {
  ConfigCsvRules r =
      RulesFromConfigCsv({Csv("shop", {{"alert-cpu-threshold", "80%", 2},
                                       {"alert-cpu-for-minutes", "0", 3},
                                       {"alert-memory-threshold", "85 %", 4},
                                       {"alert-response-time-ms", "2500ms", 5},
                                       {"alert-response-time-for-minutes", "2", 6},
                                       {"alert-email", "a@x.com; b@y.com;", 7},
                                       {"alert-webhook-url", "http://127.0.0.1:9000/hook", 8},
                                       {"alert-webhook-secret", "s3cret", 9},
                                       {"alert-sms-to", "+5511999888777", 10}})},
                         int64_t{10} * 86'400'000);
  ASSERT_TRUE(r.errors.empty()) << Lines(r.errors)[0];
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_EQ(r.rules.size(), 3u);
  EXPECT_EQ(r.rules[0].name, "CPU Usage");
  EXPECT_EQ(r.rules[0].value, 80);
  EXPECT_EQ(r.rules[0].timeframe_ms, 0);  // for-minutes 0: one tick
  EXPECT_EQ(r.rules[0].WindowMs(10'000), 10'000);
  EXPECT_EQ(RuleConditionText(r.rules[0]), "avg(cpu.usage) ≥ 80 over one tick");
  EXPECT_EQ(r.rules[1].name, "Memory Usage");
  EXPECT_EQ(r.rules[1].value, 85);
  EXPECT_EQ(r.rules[1].timeframe_ms, 5 * 60'000);
  EXPECT_EQ(r.rules[2].name, "Response Time");
  EXPECT_EQ(r.rules[2].value, 2500);
  EXPECT_EQ(r.rules[2].timeframe_ms, 2 * 60'000);
  EXPECT_EQ(r.rules[2].channels, (std::vector<std::string>{"email", "webhook", "sms"}));
  ASSERT_EQ(r.channels.size(), 3u);
  EXPECT_EQ(r.channels[0].value,
            json::parse(R"({"name":"email","kind":"email","to":["a@x.com","b@y.com"]})"));
  EXPECT_EQ(r.channels[1].value, json::parse(R"({"name":"webhook","kind":"webhook",
      "url":"http://127.0.0.1:9000/hook","secret":"s3cret"})"));
  EXPECT_EQ(r.channels[2].value,
            json::parse(R"({"name":"sms","kind":"sms","to":["+5511999888777"]})"));
  // Every config.csv rule is a valid rule.
  for (const Rule& rule : r.rules) {
    RuleParseOptions o;
    o.ignore_output_keys = true;
    EXPECT_TRUE(ParseRule(RuleToJson(rule), RuleSource::kConfigCsv, "", 0, o).ok()) << rule.name;
  }
}

TEST(ConfigCsvRules, SeveralFilesQualifyNames) {
  ConfigCsvRules r = RulesFromConfigCsv(
      {Csv("sales", {{"alert-cpu-threshold", "80", 2},
                     {"alert-response-time-ms", "5000", 3},
                     {"alert-email", "sales@x.com", 4}}),
       Csv("support",
           {{"alert-cpu-threshold", "70", 2}, {"alert-slack-webhook", "https://h/x", 3}})},
      int64_t{10} * 86'400'000);
  ASSERT_TRUE(r.errors.empty()) << Lines(r.errors)[0];
  ASSERT_EQ(r.rules.size(), 3u);
  EXPECT_EQ(r.rules[0].name, "CPU Usage (sales)");
  EXPECT_EQ(r.rules[0].channels, std::vector<std::string>{"email (sales)"});
  EXPECT_EQ(r.rules[1].name, "Response Time (sales)");
  EXPECT_EQ(r.rules[1].match.at("bot"), "sales");
  EXPECT_EQ(r.rules[2].name, "CPU Usage (support)");
  EXPECT_EQ(r.rules[2].value, 70);
  EXPECT_EQ(r.rules[2].channels, std::vector<std::string>{"slack (support)"});
  ASSERT_EQ(r.channels.size(), 2u);
  EXPECT_EQ(r.channels[0].value["name"], "email (sales)");
  EXPECT_EQ(r.channels[1].value["name"], "slack (support)");

  // Two files for one bot clash.
  LoadedConfig loaded;
  loaded.bot_configs = {Csv("a", {{"alert-cpu-threshold", "80", 2}}),
                        Csv("a", {{"alert-cpu-threshold", "90", 5}})};
  loaded.bot_configs[1].file = "/other/config.csv";
  RuleSet set = BuildRuleSet(loaded, {});
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].ToString(),
            "/other/config.csv:5: rule \"CPU Usage (a)\": name: also defined at "
            "/bots/a.gbot/config.csv:2");
}

TEST(ConfigCsvRules, PerKeyErrorsAndWarnings) {
  const std::string f = "/bots/x.gbot/config.csv";
  ConfigCsvRules r = RulesFromConfigCsv({Csv("x", {{"alert-cpu-threshold", "8O", 2},
                                                   {"alert-memory-threshold", "120%", 3},
                                                   {"alert-disk-threshold", "80ms", 4},
                                                   {"alert-response-time-ms", "-5", 5},
                                                   {"alert-response-time-for-minutes", "2.5", 6},
                                                   {"alert-email", " ; ", 7},
                                                   {"alert-slack-webhook", "hooks.slack.com/x", 8},
                                                   {"alert-webhook-secret", "s", 9},
                                                   {"alert-sms-to", "", 10}})},
                                        int64_t{10} * 86'400'000);
  EXPECT_TRUE(r.rules.empty());
  EXPECT_TRUE(r.channels.empty());
  EXPECT_EQ(Lines(r.errors),
            (std::vector<std::string>{
                f + ":7: alert-email: no e-mail address (separate several with ;)",
                f + ":8: alert-slack-webhook: \"hooks.slack.com/x\" is not an http(s) URL",
                f + ":2: alert-cpu-threshold: \"8O\" is not a number (e.g. 80 or 80%)",
                f + ":3: alert-memory-threshold: \"120%\" is not a percentage between 0 and 100",
                f + ":4: alert-disk-threshold: \"80ms\" is not a number (e.g. 80 or 80%)",
                f + ":5: alert-response-time-ms: \"-5\" must not be negative",
                f + ":6: alert-response-time-for-minutes: \"2.5\" is not a whole number of "
                    "minutes (0 = one tick)",
            }));
  EXPECT_EQ(Lines(r.warnings),
            (std::vector<std::string>{
                f + ":9: alert-webhook-secret: no alert-webhook-url in this file; ignored",
                f + ":10: alert-sms-to: empty value; ignored",
            }));

  ConfigCsvRules lone = RulesFromConfigCsv({Csv("x", {{"alert-disk-for-minutes", "10", 2},
                                                      {"alert-cpu-threshold", "80", 3},
                                                      {"alert-cpu-for-minutes", "1441", 4}})},
                                           int64_t{86'400'000});  // retention.raw 1d
  EXPECT_EQ(Lines(lone.warnings),
            std::vector<std::string>{
                f + ":2: alert-disk-for-minutes: no alert-disk-threshold in this file; ignored"});
  EXPECT_EQ(Lines(lone.errors),
            std::vector<std::string>{f + ":4: alert-cpu-for-minutes: 1441 minutes is longer than "
                                         "retention.raw (1d)"});
  // The later of two lines wins (LoadConfig warns about the repetition).
  ConfigCsvRules twice = RulesFromConfigCsv(
      {Csv("x", {{"alert-cpu-threshold", "80", 2}, {"alert-cpu-threshold", "90", 3}})},
      int64_t{86'400'000});
  ASSERT_EQ(twice.rules.size(), 1u);
  EXPECT_EQ(twice.rules[0].value, 90);
  EXPECT_EQ(twice.rules[0].line, 3);
}

constexpr std::string_view kYaml =
    "tick: 10s\n"
    "channels:\n"
    "  - {name: email, kind: email, to: [ops@example.com]}\n"
    "rules:\n"
    "  - name: cpu\n"
    "    field: cpu.usage\n"
    "    aggregation: mean\n"
    "    operand: equalOrMoreThan\n"
    "    value: 60\n"
    "    timeframe: \"90\"\n"
    "  - field: mem.usage\n"
    "    aggregation: avg\n"
    "    operand: equalOrMoreThan\n"
    "    value: 60\n"
    "    timeframe: 2m\n"
    "  - name: High number of errors\n"
    "    field: errors.count\n"
    "    aggregation: sum\n"
    "    operand: equalOrMoreThan\n"
    "    value: 5\n"
    "    timeframe: 1m\n"
    "    channels: [email, pager]\n";

constexpr std::string_view kBotpress = R"({
  "pro": {
    "alerting": {
      "enabled": true,
      "rules": [
        {
          "name": " High CPU Usage ",
          "field": "cpu.usage",
          "aggregation": "avg",
          "operand": "equalOrMoreThan",
          "value": 60,
          "timeframe": "2m",
          "cooldown": "1m"
        },
        {
          "name": "High number of errors",
          "field": "errors.count",
          "aggregation": "sum",
          "operand": "equalOrMoreThan",
          "value": 10,
          "timeframe": "1m"
        }
      ]
    }
  }
}
)";

TEST(BuildRuleSet, EverySourceWithPlaces) {
  TempDir dir;
  ConfigSources src;
  src.config_file = dir.Write("botmon.yaml", kYaml);
  src.botpress_config = dir.Write("botpress.config.json", kBotpress);
  src.bot_configs = {
      dir.Write("mybot.gbot/config.csv", "alert-cpu-threshold,80\nalert-email,ops@example.com\n")};
  LoadedConfig loaded = MustLoad(src);
  ASSERT_EQ(loaded.config.rules.size(), 3u);
  const RawItem& cpu_item = loaded.config.rules[0];
  EXPECT_EQ(cpu_item.line, 5);
  const std::string y = *src.config_file + ":";
  const std::string at = y + std::to_string(cpu_item.line) + ":" + std::to_string(cpu_item.col);
  const RawItem& mem_item = loaded.config.rules[1];
  const std::string mem_at = y + std::to_string(mem_item.line) + ":" + std::to_string(mem_item.col);

  Rule api;
  api.name = "cpu";
  api.field = "cpu.usage";
  api.source = RuleSource::kApi;
  RuleSet set = BuildRuleSet(loaded, {api});
  const std::string bp = *src.botpress_config;
  EXPECT_EQ(
      Lines(set.errors),
      (std::vector<std::string>{
          at + ": rule \"cpu\": aggregation: \"mean\" is not one of avg, sum, min, max, last, "
               "count, p50, p95, p99",
          at + ": rule \"cpu\": timeframe: \"90\" is not a duration (use e.g. 2m)",
          mem_at + ": rules[1]: name: missing (required)",
          bp + ":16: rule \"High number of errors\": name: also defined at " + y + "16",
          // The invalid yaml "cpu" is not in the set, so the API's "cpu" is kept.
          *src.bot_configs.begin() + ":2: channel \"email\": also defined at " + y + "3:5",
      }))
      << set.ToStatus().message();
  EXPECT_EQ(Lines(set.warnings),
            std::vector<std::string>{y + "16: rule \"High number of errors\": channels[1]: no "
                                         "channel named \"pager\""});
  // What is valid is kept, each with its place and source.
  const Rule* errors = Find(set.rules, "High number of errors");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->source, RuleSource::kYaml);
  EXPECT_EQ(errors->value, 5);
  const Rule* seed = Find(set.rules, " High CPU Usage ");
  ASSERT_NE(seed, nullptr);
  EXPECT_EQ(seed->source, RuleSource::kBotpress);
  EXPECT_EQ(seed->line, 7);
  EXPECT_EQ(seed->file, bp);
  EXPECT_EQ(Find(set.rules, "CPU Usage")->source, RuleSource::kConfigCsv);
  EXPECT_EQ(Find(set.rules, "cpu")->source, RuleSource::kApi);
  EXPECT_TRUE(set.channels.empty());  // the clashing csv channel is left out
  EXPECT_FALSE(set.ToStatus().ok());
}

TEST(BuildRuleSet, ApiRuleClashingWithAFileRule) {
  LoadedConfig loaded;
  loaded.botpress_rules.push_back(
      RawItem{json::parse(R"({"name":"No more incoming events","field":"eventsIn.count",
          "aggregation":"sum","operand":"equalOrLessThan","value":0,"timeframe":"10m"})"),
              "botpress.config.json", 30, 0});
  Rule api;
  api.name = "No more incoming events";
  api.field = "eventsIn.count";
  api.source = RuleSource::kApi;
  RuleSet set = BuildRuleSet(loaded, {api});
  EXPECT_EQ(
      Lines(set.errors),
      std::vector<std::string>{"rule \"No more incoming events\": name: defined both at "
                               "botpress.config.json:30 and over the API; rename or delete one"});
  ASSERT_NE(Find(set.rules, "No more incoming events"), nullptr);
  EXPECT_EQ(Find(set.rules, "No more incoming events")->source, RuleSource::kBotpress);
}

TEST(BuildRuleSet, ChannelsKnownFromTheApi) {
  LoadedConfig loaded;
  json rule = json::parse(R"({"name":"r","field":"cpu.usage","aggregation":"avg",
      "operand":"equalOrMoreThan","value":1,"timeframe":"1m","channels":["pager"]})");
  loaded.config.rules.push_back(RawItem{rule, "botmon.yaml", 2, 3});
  RuleSetOptions with;
  with.api_channels = std::vector<std::string>{"pager"};
  RuleSet ok = BuildRuleSet(loaded, {}, with);
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(ok.warnings.empty());
  with.api_channels = std::vector<std::string>{};
  RuleSet bad = BuildRuleSet(loaded, {}, with);
  EXPECT_EQ(Lines(bad.errors),
            std::vector<std::string>{
                "botmon.yaml:2: rule \"r\": channels[0]: no channel named \"pager\""});
}

TEST(RuleProblem, Format) {
  EXPECT_EQ((RuleProblem{"f.yaml", 14, 5, "cpu", "", "timeframe", "m"}).ToString(),
            "f.yaml:14:5: rule \"cpu\": timeframe: m");
  EXPECT_EQ((RuleProblem{"f.yaml", 0, 0, "", "rules[2]", "", "m"}).ToString(),
            "f.yaml: rules[2]: m");
  EXPECT_EQ((RuleProblem{"", 0, 0, "a\"b", "", "name", "m"}).ToString(),
            "rule \"a\\\"b\": name: m");
}

}  // namespace
}  // namespace botmon
