#include "routing/match.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(LabelGlobMatch, WildcardsAndLiterals) {
  EXPECT_TRUE(LabelGlobMatch("bot-*", "bot-1"));
  EXPECT_TRUE(LabelGlobMatch("bot-*", "bot-"));
  EXPECT_FALSE(LabelGlobMatch("bot-*", "bo"));
  EXPECT_TRUE(LabelGlobMatch("*", ""));
  EXPECT_TRUE(LabelGlobMatch("b?t-1", "bot-1"));
  EXPECT_FALSE(LabelGlobMatch("b?t-1", "bt-1"));
  EXPECT_TRUE(LabelGlobMatch("*High*", " High CPU Usage "));
  EXPECT_TRUE(LabelGlobMatch("a*b*c", "a-x-b-y-c"));
  EXPECT_FALSE(LabelGlobMatch("a*b*c", "a-x-c-y-b"));
  EXPECT_TRUE(LabelGlobMatch("[x]", "[x]"));  // brackets are literal
  EXPECT_FALSE(LabelGlobMatch("[x]", "x"));
  EXPECT_TRUE(LabelGlobMatch("**a", "bba"));
}

TEST(IncidentLabels, FromGroupHostAndRuleMatch) {
  Incident inc;
  inc.rule_name = "High CPU Usage";
  inc.severity = Severity::kCritical;
  inc.host_name = "bot-1";
  inc.group = {{"bot", "mycompany"}};
  Rule rule;
  rule.match = {{"channel", "whatsapp"}, {"mount", "/data*"}};
  AlertLabels labels = IncidentLabels(inc, &rule);
  EXPECT_EQ(labels, (AlertLabels{{"bot", "mycompany"},
                                 {"channel", "whatsapp"},
                                 {"host", "bot-1"},
                                 {"rule", "High CPU Usage"},
                                 {"severity", "critical"}}));
  inc.host_name = "*";
  inc.group = {};
  EXPECT_EQ(IncidentLabels(inc),
            (AlertLabels{{"rule", "High CPU Usage"}, {"severity", "critical"}}));
}

TEST(MatchesLabels, EveryEntryMustHold) {
  AlertLabels labels = {{"host", "bot-1"}, {"rule", "r"}, {"severity", "warning"}};
  EXPECT_TRUE(MatchesLabels({}, labels));
  EXPECT_TRUE(MatchesLabels({{"host", "bot-1"}}, labels));
  EXPECT_TRUE(MatchesLabels({{"host", "bot-*"}, {"severity", "warning"}}, labels));
  EXPECT_FALSE(MatchesLabels({{"host", "bot-*"}, {"severity", "critical"}}, labels));
  // A label the incident does not have never matches, not even with '*'.
  EXPECT_FALSE(MatchesLabels({{"bot", "*"}}, labels));
}

TEST(ParseLabelMatcher, ErrorsNameTheField) {
  RoutingErrors errors;
  auto m = ParseLabelMatcher(
      nlohmann::json{{"host", 12}, {"severity", "urgent"}, {"bad name", "x"}, {"bot", {1}}},
      "match", &errors);
  EXPECT_EQ(m, (LabelMatcher{{"host", "12"}}));
  ASSERT_EQ(errors.errors().size(), 3u);
  EXPECT_EQ(errors.Format("botmon.yaml", 7, 3, "routes[0]"),
            "botmon.yaml:7:3: routes[0].match.bad name: label names are 1..64 letters, digits, "
            "'_', '.' or '-'\n"
            "botmon.yaml:7:3: routes[0].match.bot: must be a string (an exact value or a glob), "
            "got a list\n"
            "botmon.yaml:7:3: routes[0].match.severity: \"urgent\" is not a severity (warning | "
            "critical)");
  RoutingErrors e2;
  ParseLabelMatcher(nlohmann::json::array(), "match", &e2);
  EXPECT_EQ(e2.Format("", 0, 0, ""), "match: must be a map of label: value, got a list");
  RoutingErrors e3;
  EXPECT_EQ(ParseLabelMatcher(nlohmann::json{{"severity", "crit*"}}, "match", &e3).size(), 1u);
  EXPECT_TRUE(e3.empty());
}

}  // namespace
}  // namespace botmon
