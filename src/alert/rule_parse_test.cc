#include "alert/rule_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace botmon {
namespace {

using json = nlohmann::json;

// The Botpress seed's three rules (seeds/001_ee4f5cdcc7fb415c.md), verbatim.
const char* kSeedHighCpu = R"({
  "name": " High CPU Usage ",
  "field": "cpu.usage",
  "aggregation": "avg",
  "operand": "equalOrMoreThan",
  "value": 60,
  "timeframe": "2m",
  "cooldown": "1m"
})";
const char* kSeedErrors = R"({
  "name": "High number of errors",
  "field": "errors.count",
  "aggregation": "sum",
  "operand": "equalOrMoreThan",
  "value": 10,
  "timeframe": "1m"
})";
const char* kSeedNoEvents = R"({
  "name": "No more incoming events",
  "field": "eventsIn.count",
  "aggregation": "sum",
  "operand": "equalOrLessThan",
  "value": 0,
  "timeframe": "10m"
})";

json Base() {
  return json::parse(R"({"name": "cpu", "field": "cpu.usage", "aggregation": "avg",
                         "operand": "equalOrMoreThan", "value": 60, "timeframe": "2m"})");
}

RuleParseResult Parse(const json& j, RuleSource source = RuleSource::kYaml) {
  return ParseRule(j, source, "botmon.yaml", 3);
}

// The single error of parsing `j`, as "field: message".
std::string OneError(const json& j, RuleSource source = RuleSource::kYaml) {
  RuleParseResult r = Parse(j, source);
  if (r.errors.size() != 1) {
    std::string all = std::to_string(r.errors.size()) + " errors:";
    for (const auto& e : r.errors) all += " [" + e.field + ": " + e.message + "]";
    return all;
  }
  return r.errors[0].field + ": " + r.errors[0].message;
}

json With(const char* key, json value) {
  json j = Base();
  j[key] = std::move(value);
  return j;
}

TEST(RuleParse, SeedRulesVerbatim) {
  RuleParseResult cpu =
      ParseRule(json::parse(kSeedHighCpu), RuleSource::kBotpress, "botpress.config.json", 12);
  ASSERT_TRUE(cpu.ok()) << cpu.errors[0].message;
  const Rule& r = cpu.rule;
  EXPECT_EQ(r.name, " High CPU Usage ");  // spaces kept
  EXPECT_EQ(r.field, "cpu.usage");
  EXPECT_EQ(r.aggregation, Aggregation::kAvg);
  EXPECT_EQ(r.operand, Operand::kEqualOrMoreThan);
  EXPECT_EQ(r.value, 60);
  EXPECT_EQ(r.timeframe_ms, 120'000);
  EXPECT_EQ(r.cooldown_ms, 60'000);
  EXPECT_EQ(r.for_ms, 0);
  EXPECT_FALSE(r.clear_value.has_value());
  EXPECT_EQ(r.group_by, std::vector<std::string>{"host"});
  EXPECT_EQ(r.no_data, NoData::kKeep);
  EXPECT_EQ(r.severity, Severity::kWarning);
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.source, RuleSource::kBotpress);
  EXPECT_EQ(r.file, "botpress.config.json");
  EXPECT_EQ(r.line, 12);
  EXPECT_TRUE(r.read_only());

  RuleParseResult errors =
      ParseRule(json::parse(kSeedErrors), RuleSource::kBotpress, "botpress.config.json", 0);
  ASSERT_TRUE(errors.ok());
  EXPECT_EQ(errors.rule.aggregation, Aggregation::kSum);
  EXPECT_EQ(errors.rule.timeframe_ms, 60'000);
  EXPECT_EQ(errors.rule.cooldown_ms, 0);

  RuleParseResult none =
      ParseRule(json::parse(kSeedNoEvents), RuleSource::kBotpress, "botpress.config.json", 0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.rule.field, "eventsIn.count");
  EXPECT_EQ(none.rule.operand, Operand::kEqualOrLessThan);
  EXPECT_EQ(none.rule.value, 0);
  EXPECT_EQ(none.rule.timeframe_ms, 600'000);
  // The same rules are just as valid in botmon.yaml and over the API.
  EXPECT_TRUE(Parse(json::parse(kSeedHighCpu)).ok());
  EXPECT_TRUE(Parse(json::parse(kSeedNoEvents), RuleSource::kApi).ok());
}

TEST(RuleParse, EveryExtension) {
  json j = Base();
  j["operand"] = "equalOrMoreThan";
  j["cooldown"] = "1m";
  j["for"] = "30s";
  j["clearValue"] = 55;
  j["clearFor"] = "1m30s";
  j["severity"] = "critical";
  j["match"] = {{"bot", "mycompany"}, {"channel", "whats*"}};
  j["field"] = "response.latency_p95";
  j["aggregation"] = "p95";
  j["groupBy"] = {"host", "bot"};
  j["noData"] = "alerting";
  j["repeat"] = "1h";
  j["channels"] = {"ops-email", "slack"};
  j["description"] = "{{rule}}: {{value}} on {{ host }} (threshold {{threshold}})";
  j["enabled"] = false;
  RuleParseResult p = ParseRule(j, RuleSource::kApi, "", 0);
  ASSERT_TRUE(p.ok()) << p.errors[0].field << ": " << p.errors[0].message;
  const Rule& r = p.rule;
  EXPECT_EQ(r.aggregation, Aggregation::kP95);
  EXPECT_EQ(r.for_ms, 30'000);
  EXPECT_EQ(r.clear_value, 55);
  EXPECT_EQ(r.clear_for_ms, 90'000);
  EXPECT_EQ(r.severity, Severity::kCritical);
  EXPECT_EQ(r.match.at("bot"), "mycompany");
  EXPECT_EQ(r.match.at("channel"), "whats*");
  EXPECT_EQ(r.group_by, (std::vector<std::string>{"host", "bot"}));
  EXPECT_EQ(r.no_data, NoData::kAlerting);
  EXPECT_EQ(r.repeat_ms, 3'600'000);
  EXPECT_EQ(r.channels, (std::vector<std::string>{"ops-email", "slack"}));
  EXPECT_FALSE(r.enabled);
  EXPECT_FALSE(r.read_only());
}

TEST(RuleParse, EveryAggregationAndOperand) {
  for (const char* a : {"avg", "sum", "min", "max", "last", "count", "p50", "p95", "p99"}) {
    EXPECT_TRUE(Parse(With("aggregation", a)).ok()) << a;
  }
  EXPECT_TRUE(Parse(With("operand", "equalOrLessThan")).ok());
}

TEST(RuleParse, A9Messages) {
  json j = With("timeframe", "90");
  j["aggregation"] = "mean";
  RuleParseResult r = Parse(j);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0], (RuleFieldError{"aggregation",
                                         "\"mean\" is not one of avg, sum, min, max, last, count, "
                                         "p50, p95, p99"}));
  EXPECT_EQ(r.errors[1], (RuleFieldError{"timeframe", "\"90\" is not a duration (use e.g. 2m)"}));
  EXPECT_EQ(InvalidRuleMessage("cpu", r.errors.size()), "2 problems in rule \"cpu\"");
  EXPECT_EQ(InvalidRuleMessage("cpu", 1), "1 problem in rule \"cpu\"");
  EXPECT_EQ(InvalidRuleMessage("", 3), "3 problems in a rule");
  json fields = FieldErrorsToJson(r.errors);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1],
            (json{{"field", "timeframe"}, {"message", "\"90\" is not a duration (use e.g. 2m)"}}));
}

TEST(RuleParse, RequiredKeysAllReported) {
  RuleParseResult r = Parse(json::object());
  ASSERT_EQ(r.errors.size(), 6u);
  const char* keys[] = {"name", "field", "aggregation", "operand", "value", "timeframe"};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(r.errors[i], (RuleFieldError{keys[i], "missing (required)"}));
  }
  json j = Base();
  j["value"] = nullptr;  // YAML's `value:` with nothing after it
  EXPECT_EQ(OneError(j), "value: missing (required)");
  EXPECT_EQ(OneError(json::array()), ": expected an object (a rule), got an array");
}

TEST(RuleParse, Names) {
  EXPECT_EQ(OneError(With("name", "")), "name: must not be empty");
  EXPECT_EQ(OneError(With("name", "   ")), "name: must not be blank");
  EXPECT_EQ(OneError(With("name", std::string(201, 'x'))), "name: is 201 bytes long (at most 200)");
  EXPECT_TRUE(Parse(With("name", std::string(200, 'x'))).ok());
  EXPECT_EQ(OneError(With("name", "a\nb")), "name: must not contain control characters");
  EXPECT_EQ(OneError(With("name", "\xff")), "name: is not valid UTF-8");
  EXPECT_EQ(OneError(With("name", 5)), "name: expected a string, got a number");
  EXPECT_TRUE(Parse(With("name", "Uso de CPU ≥ 80 %")).ok());
}

TEST(RuleParse, Fields) {
  EXPECT_TRUE(Parse(With("field", "node.up")).ok());
  // A custom field (SPEC 1.1) is accepted even before any bot sent it.
  RuleParseResult custom = Parse(With("field", "orders.failed"));
  EXPECT_TRUE(custom.ok());
  EXPECT_TRUE(custom.warnings.empty());
  // ...but one that looks like a typo of a built-in name is pointed out.
  RuleParseResult typo = Parse(With("field", "cpu.usge"));
  ASSERT_TRUE(typo.ok());
  ASSERT_EQ(typo.warnings.size(), 1u);
  EXPECT_EQ(typo.warnings[0].message,
            "\"cpu.usge\" is not a built-in field (did you mean \"cpu.usage\"?); it is read as a "
            "custom field");
  EXPECT_EQ(OneError(With("field", "CPU.Usage")),
            "field: \"CPU.Usage\" is not a field: use a built-in name (cpu.usage, mem.usage, "
            "errors.count, ...) or a custom name matching [a-z][a-z0-9_.]{0,99} (did you mean "
            "\"cpu.usage\"?)");
  EXPECT_EQ(OneError(With("field", std::string(101, 'a'))).substr(0, 7), "field: ");
}

TEST(RuleParse, Enums) {
  EXPECT_EQ(OneError(With("operand", ">=")),
            "operand: \">=\" is not one of equalOrMoreThan, equalOrLessThan");
  EXPECT_EQ(OneError(With("severity", "page")),
            "severity: \"page\" is not one of warning, critical");
  EXPECT_EQ(OneError(With("noData", "ignore")),
            "noData: \"ignore\" is not one of keep, ok, alerting");
  EXPECT_EQ(OneError(With("aggregation", 1)), "aggregation: expected a string, got a number");
  EXPECT_EQ(OneError(With("enabled", "yes")), "enabled: expected true or false, got a string");
}

TEST(RuleParse, Numbers) {
  EXPECT_EQ(OneError(With("value", "60")), "value: expected a number, got a string");
  EXPECT_EQ(OneError(With("value", std::nan(""))), "value: must be a finite number");
  EXPECT_EQ(OneError(With("value", INFINITY)), "value: must be a finite number");
  EXPECT_EQ(OneError(With("clearValue", true)), "clearValue: expected a number, got a boolean");
  EXPECT_TRUE(Parse(With("value", -2.5)).ok());
}

TEST(RuleParse, Durations) {
  EXPECT_EQ(OneError(With("timeframe", 90)),
            "timeframe: 90 is not a duration: durations are strings like 2m");
  EXPECT_EQ(OneError(With("cooldown", "1 minute")),
            "cooldown: \"1 minute\" is not a duration (use e.g. 2m)");
  EXPECT_EQ(OneError(With("for", "")), "for: \"\" is not a duration (use e.g. 2m)");
  EXPECT_EQ(OneError(With("repeat", "30m1h")),
            "repeat: \"30m1h\": units must decrease (e.g. 1h30m)");
  EXPECT_EQ(OneError(With("clearFor", "2w")),
            "clearFor: \"2w\": unknown unit \"w\" (use ms, s, m, h or d)");
  EXPECT_EQ(OneError(With("cooldown", "4000d")), "cooldown: \"4000d\" is more than 10y");
  EXPECT_EQ(OneError(With("for", json::array())),
            "for: expected a duration such as \"2m\", got an array");
  // Botpress's own long forms, in botpress.config.json only.
  json bp = With("timeframe", "2 minutes");
  bp["cooldown"] = "1 hour";
  RuleParseResult r = Parse(bp, RuleSource::kBotpress);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.rule.timeframe_ms, 120'000);
  EXPECT_EQ(r.rule.cooldown_ms, 3'600'000);
  EXPECT_EQ(OneError(With("timeframe", "2 minutes")),
            "timeframe: \"2 minutes\" is not a duration (use e.g. 2m)");
  // 0s = one tick.
  RuleParseResult tick = Parse(With("timeframe", "0s"));
  ASSERT_TRUE(tick.ok());
  EXPECT_EQ(tick.rule.timeframe_ms, 0);
  EXPECT_EQ(tick.rule.WindowMs(10'000), 10'000);
}

TEST(RuleParse, TimeframeAtMostRetention) {
  RuleParseOptions o;
  o.max_timeframe_ms = 86'400'000;  // retention.raw: 1d
  RuleParseResult ok = ParseRule(With("timeframe", "1d"), RuleSource::kYaml, "f", 1, o);
  EXPECT_TRUE(ok.ok());
  RuleParseResult bad = ParseRule(With("timeframe", "1d1s"), RuleSource::kYaml, "f", 1, o);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0], (RuleFieldError{"timeframe", "1d1s is longer than retention.raw (1d)"}));
}

TEST(RuleParse, ClearValueSide) {
  EXPECT_TRUE(Parse(With("clearValue", 55)).ok());
  EXPECT_TRUE(Parse(With("clearValue", 60)).ok());
  EXPECT_EQ(OneError(With("clearValue", 65)),
            "clearValue: 65 is above value 60 (an equalOrMoreThan rule clears at or below its "
            "value)");
  json le = With("operand", "equalOrLessThan");
  le["clearValue"] = 50.5;
  EXPECT_EQ(OneError(le),
            "clearValue: 50.5 is below value 60 (an equalOrLessThan rule clears at or above its "
            "value)");
  le["clearValue"] = 70;
  EXPECT_TRUE(Parse(le).ok());
  // With a broken value or operand, only that key is reported.
  json broken = With("clearValue", 65);
  broken["operand"] = "more";
  EXPECT_EQ(Parse(broken).errors.size(), 1u);
}

TEST(RuleParse, MatchAndGroupBy) {
  EXPECT_EQ(OneError(With("match", {{"mount", "/"}})),
            "match.mount: cpu.usage has no dimension \"mount\" (it has host)");
  EXPECT_EQ(OneError(With("match", {{"bot", ""}})),
            "match.bot: cpu.usage has no dimension \"bot\" (it has host)");
  json traffic = With("field", "errors.count");
  traffic["match"] = {{"bot", ""}};
  EXPECT_EQ(OneError(traffic), "match.bot: must not be empty (use \"*\" for any value)");
  traffic["match"] = {{"bot", 2024}};  // YAML `bot: 2024`
  RuleParseResult num = Parse(traffic);
  ASSERT_TRUE(num.ok());
  EXPECT_EQ(num.rule.match.at("bot"), "2024");
  traffic["match"] = {{"bot", json::array()}};
  EXPECT_EQ(OneError(traffic),
            "match.bot: expected a string (an exact value or a * glob), got an array");
  EXPECT_EQ(OneError(With("match", "bot=x")),
            "match: expected an object such as {bot: mybot}, got a string");
  json many = json::object();
  for (int i = 0; i < 17; ++i) many["host" + std::to_string(i)] = "x";
  EXPECT_EQ(OneError(With("match", many)), "match: has 17 entries (at most 16)");

  json disk = With("field", "disk.usage");
  disk["groupBy"] = {"host", "mount"};
  EXPECT_TRUE(Parse(disk).ok());
  disk["groupBy"] = json::array();  // the whole cluster
  RuleParseResult cluster = Parse(disk);
  ASSERT_TRUE(cluster.ok());
  EXPECT_TRUE(cluster.rule.group_by.empty());
  disk["groupBy"] = {"host", "bot", "host"};
  RuleParseResult bad = Parse(disk);
  ASSERT_EQ(bad.errors.size(), 2u);
  EXPECT_EQ(bad.errors[0], (RuleFieldError{"groupBy[1]",
                                           "disk.usage has no dimension \"bot\" (it has host, "
                                           "mount)"}));
  EXPECT_EQ(bad.errors[1], (RuleFieldError{"groupBy[2]", "\"host\" is listed twice"}));
  EXPECT_EQ(OneError(With("groupBy", "host")),
            "groupBy: expected a list of dimensions, got a string");
  EXPECT_EQ(OneError(With("groupBy", {1})), "groupBy[0]: expected a dimension name, got a number");
  // Custom fields carry host, bot and channel.
  json custom = With("field", "orders.failed");
  custom["groupBy"] = {"bot", "channel"};
  custom["match"] = {{"channel", "web"}};
  EXPECT_TRUE(Parse(custom).ok());
}

TEST(RuleParse, ChannelsAndDescription) {
  EXPECT_EQ(OneError(With("channels", {"slack", "slack"})),
            "channels[1]: \"slack\" is listed twice");
  EXPECT_EQ(OneError(With("channels", {""})), "channels[0]: must not be empty");
  EXPECT_EQ(OneError(With("channels", "slack")),
            "channels: expected a list of channel names, got a string");
  EXPECT_EQ(OneError(With("description", "{{value}} on {{hots}}")),
            "description: unknown placeholder {{hots}} (use {{value}}, {{host}}, {{threshold}} "
            "or {{rule}})");
  EXPECT_TRUE(Parse(With("description", "a {{ lone brace")).ok());
  EXPECT_EQ(OneError(With("description", std::string(4097, 'd'))),
            "description: is 4097 bytes long (at most 4096)");
}

TEST(RuleParse, UnknownKeys) {
  EXPECT_EQ(OneError(With("timeFrame", "2m")),
            "timeFrame: unknown key (did you mean \"timeframe\"?)");
  EXPECT_EQ(OneError(With("threshold", 5)), "threshold: unknown key");
  // RuleToJson's display keys only pass with ignore_output_keys (API bodies).
  json out = With("readOnly", false);
  EXPECT_EQ(OneError(out), "readOnly: unknown key");
  RuleParseOptions o;
  o.ignore_output_keys = true;
  EXPECT_TRUE(ParseRule(out, RuleSource::kApi, "", 0, o).ok());
}

TEST(RuleParse, AllProblemsAtOnce) {
  json j = json::parse(R"({"name": "", "field": "CPU", "aggregation": "mean", "operand": "gt",
      "value": "high", "timeframe": "90", "cooldown": 5, "severity": "major", "groupBy": "host",
      "noData": 1, "enabled": 1, "bogus": true})");
  EXPECT_EQ(Parse(j).errors.size(), 12u);
}

TEST(RuleToJson, SeedRuleA9Shape) {
  RuleParseResult p =
      ParseRule(json::parse(kSeedHighCpu), RuleSource::kBotpress, "botpress.config.json", 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(RuleToJson(p.rule), json::parse(R"({"name":" High CPU Usage ","field":"cpu.usage",
      "aggregation":"avg","operand":"equalOrMoreThan","value":60,"timeframe":"2m","cooldown":"1m",
      "for":"0s","clearFor":"0s","severity":"warning","match":{},"groupBy":["host"],
      "noData":"keep","repeat":"0s","channels":[],"description":"","enabled":true,
      "source":"botpress","file":"botpress.config.json","line":0,"readOnly":true})"));
  EXPECT_EQ(RuleToJson(p.rule).dump().find("60.0"), std::string::npos);  // "value":60
}

TEST(RuleToJson, RoundTrip) {
  json j = Base();
  j["value"] = 0.25;
  j["clearValue"] = 0.125;
  j["timeframe"] = "1h30m";
  j["for"] = "1s500ms";
  j["match"] = {{"host", "bot-*"}};
  j["groupBy"] = json::array();
  j["channels"] = {"pager"};
  j["description"] = "{{value}}";
  RuleParseResult p = ParseRule(j, RuleSource::kApi, "", 0);
  ASSERT_TRUE(p.ok());
  json out = RuleToJson(p.rule);
  EXPECT_EQ(out["clearValue"], 0.125);
  EXPECT_EQ(out["timeframe"], "1h30m");
  EXPECT_EQ(out["for"], "1s500ms");
  EXPECT_EQ(out["readOnly"], false);
  EXPECT_EQ(out["source"], "api");
  RuleParseOptions o;
  o.ignore_output_keys = true;
  RuleParseResult back = ParseRule(out, RuleSource::kApi, "", 0, o);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back.rule.ConditionDiffers(p.rule));
  EXPECT_EQ(RuleToJson(back.rule), out);
  EXPECT_FALSE(RuleToJson(Parse(Base()).rule).contains("clearValue"));  // unset: absent
}

TEST(RuleParse, FieldDimensionsAndText) {
  EXPECT_EQ(FieldDimensions("cpu.usage"), std::vector<std::string>{"host"});
  EXPECT_EQ(FieldDimensions("disk.usage"), (std::vector<std::string>{"host", "mount"}));
  EXPECT_EQ(FieldDimensions("service.up"), (std::vector<std::string>{"host", "service"}));
  EXPECT_EQ(FieldDimensions("gpu.usage"), (std::vector<std::string>{"host", "gpu"}));
  EXPECT_EQ(FieldDimensions("errors.count"), (std::vector<std::string>{"host", "bot", "channel"}));
  EXPECT_EQ(FieldDimensions("my_gauge"), (std::vector<std::string>{"host", "bot", "channel"}));
  EXPECT_TRUE(FieldDimensions("Bad Name").empty());

  Rule r = ParseRule(json::parse(kSeedHighCpu), RuleSource::kBotpress, "", 0).rule;
  EXPECT_EQ(RuleConditionText(r), "avg(cpu.usage) ≥ 60 over 2m");
  r.operand = Operand::kEqualOrLessThan;
  r.timeframe_ms = 0;
  r.for_ms = 60'000;
  r.value = 0.5;
  EXPECT_EQ(RuleConditionText(r), "avg(cpu.usage) ≤ 0.5 over one tick for 1m");
}

}  // namespace
}  // namespace botmon
