#include "config/yaml_json.h"

#include <gtest/gtest.h>

namespace botmon::config_internal {
namespace {

using nlohmann::json;

json Convert(const std::string& yaml) {
  YAML::Node node = YAML::Load(yaml);
  YAML::Mark where;
  size_t budget = 0;
  auto r = YamlToJson(node, "item", &where, &budget);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : json();
}

TEST(YamlJson, ResolvesPlainScalarsByTheCoreSchema) {
  EXPECT_EQ(ResolvePlainScalar(""), json(nullptr));
  EXPECT_EQ(ResolvePlainScalar("~"), json(nullptr));
  EXPECT_EQ(ResolvePlainScalar("null"), json(nullptr));
  EXPECT_EQ(ResolvePlainScalar("NULL"), json(nullptr));
  EXPECT_EQ(ResolvePlainScalar("true"), json(true));
  EXPECT_EQ(ResolvePlainScalar("True"), json(true));
  EXPECT_EQ(ResolvePlainScalar("FALSE"), json(false));
  EXPECT_EQ(ResolvePlainScalar("60"), json(60));
  EXPECT_TRUE(ResolvePlainScalar("60").is_number_integer());
  EXPECT_EQ(ResolvePlainScalar("-7"), json(-7));
  EXPECT_EQ(ResolvePlainScalar("+5511999888777"), json(int64_t{5511999888777}));
  EXPECT_EQ(ResolvePlainScalar("0x1F"), json(31));
  EXPECT_EQ(ResolvePlainScalar("0o17"), json(15));
  EXPECT_EQ(ResolvePlainScalar("55.5"), json(55.5));
  EXPECT_TRUE(ResolvePlainScalar("55.5").is_number_float());
  EXPECT_EQ(ResolvePlainScalar(".5"), json(0.5));
  EXPECT_EQ(ResolvePlainScalar("1e3"), json(1000.0));
  EXPECT_EQ(ResolvePlainScalar("1.5E-2"), json(0.015));
  // An integer too large for int64 is still a number.
  EXPECT_TRUE(ResolvePlainScalar("99999999999999999999").is_number_float());
}

TEST(YamlJson, KeepsTextThatIsNotACoreSchemaValue) {
  for (const char* s : {"yes", "no", "on", "off", "y", "n", "2m", "1h30m", "8MiB", ".inf", ".nan",
                        "2026-12-01T22:00:00Z", "02:00", "1_000", "0x", "1e", "cpu.usage",
                        "High CPU Usage", "0xFFFFFFFFFFFFFFFFFF"}) {
    EXPECT_EQ(ResolvePlainScalar(s), json(s)) << s;
  }
}

TEST(YamlJson, QuotedBlockAndTaggedScalarsStayStrings) {
  json j = Convert(
      "a: \"60\"\n"
      "b: 'true'\n"
      "c: !!str 5\n"
      "d: |\n  text\n"
      "e: \"\"\n"
      "f: 60\n"
      "g:\n");
  EXPECT_EQ(j["a"], json("60"));
  EXPECT_EQ(j["b"], json("true"));
  EXPECT_EQ(j["c"], json("5"));
  EXPECT_EQ(j["d"], json("text\n"));
  EXPECT_EQ(j["e"], json(""));
  EXPECT_EQ(j["f"], json(60));
  EXPECT_EQ(j["g"], json(nullptr));
}

TEST(YamlJson, ConvertsNestedMapsAndLists) {
  json j = Convert(
      "name: weekly-patch\n"
      "weekly: {days: [sun, sat], start: \"02:00\", duration: 2h}\n"
      "to: [\"+5511999888777\", ops@example.com]\n"
      "groupBy: []\n"
      "match: {}\n");
  EXPECT_EQ(j, json::parse(R"({"name": "weekly-patch",
      "weekly": {"days": ["sun", "sat"], "start": "02:00", "duration": "2h"},
      "to": ["+5511999888777", "ops@example.com"], "groupBy": [], "match": {}})"));
}

TEST(YamlJson, ExpandsAliases) {
  json j = Convert("base: &b {severity: critical}\ncopy: *b\n");
  EXPECT_EQ(j["copy"], json::parse(R"({"severity": "critical"})"));
}

TEST(YamlJson, DuplicateKeyIsAnErrorAtTheKey) {
  YAML::Node node = YAML::Load("name: a\nto: [x]\nname: b\n");
  YAML::Mark where;
  size_t budget = 0;
  auto r = YamlToJson(node, "channels[0]", &where, &budget);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "channels[0].name: duplicate key");
  EXPECT_EQ(where.line, 2);
  EXPECT_EQ(where.column, 0);
}

TEST(YamlJson, NonScalarKeyIsAnError) {
  YAML::Node node = YAML::Load("match:\n  ? [a, b]\n  : x\n");
  YAML::Mark where;
  size_t budget = 0;
  auto r = YamlToJson(node, "routes[0]", &where, &budget);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "routes[0].match: keys must be scalars");
}

TEST(YamlJson, AliasBombIsCappedNotExpanded) {
  std::string y = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    y += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) y += std::string(i ? ", " : "") + "*" + prev;
    y += "]\n";
    prev = c;
  }
  YAML::Node node = YAML::Load(y);
  YAML::Mark where;
  size_t budget = 0;
  auto r = YamlToJson(node, "checks[0]", &where, &budget);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("aliases expand too far"), std::string::npos)
      << r.status().message();
  EXPECT_LE(budget, kMaxNodes + 1);
}

TEST(YamlJson, DeepNestingIsCapped) {
  std::string y;
  for (int i = 0; i < kMaxDepth + 5; ++i) y += "[";
  for (int i = 0; i < kMaxDepth + 5; ++i) y += "]";
  YAML::Node node = YAML::Load(y);
  YAML::Mark where;
  size_t budget = 0;
  auto r = YamlToJson(node, "rules[0]", &where, &budget);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested deeper than 64 levels"), std::string::npos);
}

}  // namespace
}  // namespace botmon::config_internal
