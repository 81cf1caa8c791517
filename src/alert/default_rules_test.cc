#include "alert/default_rules.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "alert/rule_parse.h"
#include "alert/rule_sources.h"

namespace botmon {
namespace {

const Rule* Find(const std::vector<Rule>& rules, std::string_view name) {
  for (const Rule& r : rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

TEST(DefaultRules, TheA7Set) {
  std::vector<Rule> rules = DefaultRules(Config::Alerting{});
  ASSERT_EQ(rules.size(), std::size(kDefaultRuleKeys));
  std::set<std::string> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i];
    EXPECT_EQ(r.default_key, kDefaultRuleKeys[i]);  // A.7 order, one rule per switch
    EXPECT_EQ(r.source, RuleSource::kDefault);
    EXPECT_TRUE(r.enabled);
    EXPECT_TRUE(r.read_only());
    EXPECT_EQ(r.for_ms, 0);
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
    // Every default is a valid rule: its JSON form parses back to the same condition.
    RuleParseOptions o;
    o.ignore_output_keys = true;
    RuleParseResult back = ParseRule(RuleToJson(r), RuleSource::kDefault, "", 0, o);
    ASSERT_TRUE(back.ok()) << r.name << ": " << back.errors[0].field << ": "
                           << back.errors[0].message;
    EXPECT_FALSE(back.rule.ConditionDiffers(r)) << r.name;
    EXPECT_EQ(back.rule.description, r.description);
  }

  const Rule* cpu = Find(rules, "CPU Usage (warning)");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->field, "cpu.usage");
  EXPECT_EQ(cpu->aggregation, Aggregation::kAvg);
  EXPECT_EQ(cpu->operand, Operand::kEqualOrMoreThan);
  EXPECT_EQ(cpu->value, 80);
  EXPECT_EQ(cpu->timeframe_ms, 5 * 60'000);
  EXPECT_EQ(cpu->group_by, std::vector<std::string>{"host"});
  EXPECT_EQ(cpu->severity, Severity::kWarning);
  EXPECT_EQ(Find(rules, "CPU Usage (critical)")->value, 95);
  EXPECT_EQ(Find(rules, "CPU Usage (critical)")->severity, Severity::kCritical);
  EXPECT_EQ(Find(rules, "Memory Usage (warning)")->value, 85);
  EXPECT_EQ(Find(rules, "Memory Usage (critical)")->value, 95);

  const Rule* disk = Find(rules, "Disk Usage (critical)");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->aggregation, Aggregation::kMax);
  EXPECT_EQ(disk->value, 90);
  EXPECT_EQ(disk->group_by, (std::vector<std::string>{"host", "mount"}));
  EXPECT_EQ(Find(rules, "Disk Usage (warning)")->value, 80);
  EXPECT_EQ(Find(rules, "GPU Usage (warning)")->value, 90);
  EXPECT_EQ(Find(rules, "GPU Usage (critical)")->value, 98);

  const Rule* resp = Find(rules, "Response Time (warning)");
  ASSERT_NE(resp, nullptr);
  EXPECT_EQ(resp->field, "response.latency_avg");
  EXPECT_EQ(resp->value, 2000);
  EXPECT_EQ(resp->group_by, (std::vector<std::string>{"host", "bot"}));
  EXPECT_EQ(Find(rules, "Response Time (critical)")->value, 5000);
  EXPECT_EQ(Find(rules, "Error Rate (warning)")->field, "errors.rate");
  EXPECT_EQ(Find(rules, "Error Rate (warning)")->value, 1);
  EXPECT_EQ(Find(rules, "Error Rate (critical)")->value, 5);
  EXPECT_EQ(Find(rules, "Queue Depth (warning)")->aggregation, Aggregation::kMax);
  EXPECT_EQ(Find(rules, "Queue Depth (warning)")->value, 100);
  EXPECT_EQ(Find(rules, "Queue Depth (critical)")->value, 500);

  const Rule* service = Find(rules, "Service Down");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->field, "service.up");
  EXPECT_EQ(service->aggregation, Aggregation::kLast);
  EXPECT_EQ(service->operand, Operand::kEqualOrLessThan);
  EXPECT_EQ(service->value, 0);
  EXPECT_EQ(service->timeframe_ms, 0);  // one tick
  EXPECT_EQ(service->WindowMs(10'000), 10'000);
  EXPECT_EQ(service->group_by, std::vector<std::string>{"service"});
  EXPECT_EQ(service->severity, Severity::kCritical);
  const Rule* node = Find(rules, "Node down");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->field, "node.up");
  EXPECT_EQ(node->timeframe_ms, 0);
  EXPECT_EQ(node->group_by, std::vector<std::string>{"host"});
  EXPECT_EQ(node->severity, Severity::kCritical);
  EXPECT_EQ(RuleToJson(*node)["timeframe"], "0s");
}

TEST(DefaultRules, SwitchedOffByKey) {
  Config::Alerting a;
  a.defaults = {{"cpuWarning", false}, {"nodeDown", false}, {"memCritical", true}};
  std::vector<Rule> rules = DefaultRules(a);
  ASSERT_EQ(rules.size(), std::size(kDefaultRuleKeys));  // still listed, just disabled
  for (const Rule& r : rules) {
    const bool off = r.default_key == "cpuWarning" || r.default_key == "nodeDown";
    EXPECT_EQ(r.enabled, !off) << r.name;
  }
}

TEST(DefaultRules, ForKey) {
  std::optional<Rule> r = DefaultRuleForKey("serviceDown");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->name, "Service Down");
  EXPECT_TRUE(r->enabled);
  EXPECT_FALSE(DefaultRuleForKey("cpu").has_value());
}

TEST(DefaultRules, UserRuleWithADefaultsNameReplacesIt) {
  LoadedConfig loaded;
  nlohmann::json yaml_rule = {
      {"name", "CPU Usage (warning)"}, {"field", "cpu.usage"}, {"aggregation", "max"},
      {"operand", "equalOrMoreThan"},  {"value", 70},          {"timeframe", "1m"}};
  loaded.config.rules.push_back(RawItem{yaml_rule, "botmon.yaml", 4, 5});
  Rule api;
  api.name = "Node down";
  api.field = "node.up";
  api.aggregation = Aggregation::kLast;
  api.operand = Operand::kEqualOrLessThan;
  api.timeframe_ms = 30'000;
  api.source = RuleSource::kApi;
  loaded.config.alerting.defaults = {{"cpuWarning", false}};  // switches the default only
  RuleSet set = BuildRuleSet(loaded, {api});
  ASSERT_TRUE(set.ok()) << set.ToStatus().message();
  EXPECT_EQ(set.rules.size(), std::size(kDefaultRuleKeys));
  const Rule* cpu = Find(set.rules, "CPU Usage (warning)");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->source, RuleSource::kYaml);
  EXPECT_EQ(cpu->value, 70);
  EXPECT_TRUE(cpu->enabled);
  EXPECT_EQ(cpu->default_key, "");
  const Rule* node = Find(set.rules, "Node down");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->source, RuleSource::kApi);
  EXPECT_EQ(node->timeframe_ms, 30'000);
  EXPECT_EQ(set.rules.back().name, "Node down");  // API rules come last
}

}  // namespace
}  // namespace botmon
