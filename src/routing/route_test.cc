#include "routing/route.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

using nlohmann::json;

const std::vector<std::string> kChannels = {"ops-email", "slack", "pager", "oncall-sms"};

RawItem Item(json value, int line) { return RawItem{std::move(value), "botmon.yaml", line, 5}; }

// Appendix A.1: routes: [{match: {severity: critical}, channels: [pager, oncall-sms]},
//                        {default: true, channels: [ops-email, slack]}]
std::vector<NotificationRoute> A1Routes() {
  auto routes = ParseRoutes(
      {Item(json::parse(
                R"({"match": {"severity": "critical"}, "channels": ["pager", "oncall-sms"]})"),
            40),
       Item(json::parse(R"({"default": true, "channels": ["ops-email", "slack"]})"), 40)},
      kChannels);
  EXPECT_TRUE(routes.ok()) << routes.status().ToString();
  return routes.ok() ? *routes : std::vector<NotificationRoute>{};
}

AlertLabels Labels(const std::string& severity, const std::string& host = "bot-1",
                   const std::string& rule = "High CPU Usage") {
  return {{"severity", severity}, {"host", host}, {"rule", rule}};
}

TEST(Routes, ParsesTheA1Example) {
  std::vector<NotificationRoute> routes = A1Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].match, (LabelMatcher{{"severity", "critical"}}));
  EXPECT_EQ(routes[0].channels, (std::vector<std::string>{"pager", "oncall-sms"}));
  EXPECT_FALSE(routes[0].is_default);
  EXPECT_TRUE(routes[1].is_default);
  EXPECT_EQ(routes[1].file, "botmon.yaml");
  EXPECT_EQ(routes[1].line, 40);
  EXPECT_EQ(RouteToJson(routes[1]), json::parse(R"({"channels":["ops-email","slack"],"default":true,
                            "file":"botmon.yaml","line":40})"));
  EXPECT_EQ(
      RouteToJson(routes[0]).dump(),
      R"({"channels":["pager","oncall-sms"],"file":"botmon.yaml","line":40,"match":{"severity":"critical"}})");
}

TEST(Routes, SelectionOrder) {
  std::vector<NotificationRoute> routes = A1Routes();
  // The rule's channels override the routes.
  auto sel = SelectChannels({"slack"}, Labels("critical"), routes, kChannels);
  EXPECT_EQ(sel.channels, (std::vector<std::string>{"slack"}));
  EXPECT_EQ(sel.reason, "rule channels");
  // Otherwise the first matching route.
  sel = SelectChannels({}, Labels("critical"), routes, kChannels);
  EXPECT_EQ(sel.channels, (std::vector<std::string>{"pager", "oncall-sms"}));
  EXPECT_EQ(sel.reason, "routes[0]");
  // Otherwise the default route.
  sel = SelectChannels({}, Labels("warning"), routes, kChannels);
  EXPECT_EQ(sel.channels, (std::vector<std::string>{"ops-email", "slack"}));
  EXPECT_EQ(sel.reason, "default route");
  // Otherwise every channel.
  sel = SelectChannels({}, Labels("warning"), {routes[0]}, kChannels);
  EXPECT_EQ(sel.channels, kChannels);
  EXPECT_EQ(sel.reason, "all channels");
  sel = SelectChannels({}, Labels("warning"), {}, kChannels);
  EXPECT_EQ(sel.channels, kChannels);
}

TEST(Routes, FirstMatchWinsAndDefaultMayComeFirst) {
  auto routes = ParseRoutes(
      {Item(json::parse(R"({"default": true, "channels": ["ops-email"]})"), 1),
       Item(json::parse(R"({"match": {"host": "db-*"}, "channels": ["pager"]})"), 2),
       Item(json::parse(R"({"match": {"host": "db-1", "rule": "*CPU*"}, "channels": ["slack"]})"),
            3),
       Item(json::parse(R"({"match": {"bot": "mycompany"}, "channels": ["oncall-sms"]})"), 4)},
      kChannels);
  ASSERT_TRUE(routes.ok()) << routes.status().ToString();
  EXPECT_EQ(SelectChannels({}, Labels("warning", "db-1"), *routes, kChannels).reason, "routes[1]");
  EXPECT_EQ(SelectChannels({}, Labels("warning", "web-1"), *routes, kChannels).reason,
            "default route");
  AlertLabels with_bot = Labels("warning", "web-1");
  with_bot["bot"] = "mycompany";
  auto sel = SelectChannels({}, with_bot, *routes, kChannels);
  EXPECT_EQ(sel.reason, "routes[3]");
  EXPECT_EQ(sel.channels, (std::vector<std::string>{"oncall-sms"}));
}

TEST(Routes, PerFieldErrorsForAllItems) {
  auto routes = ParseRoutes(
      {Item(json::parse(
                R"({"match": {"severity": "critical"}, "channels": ["pagr", "slack", "slack"]})"),
            10),
       Item(json::parse(R"({"default": true, "channels": ["ops-email"]})"), 11),
       Item(json::parse(R"({"default": true, "chanels": ["slack"]})"), 12),
       Item(json::parse(R"({"default": "yes", "match": {"host": "a"}, "channels": "slack"})"), 13),
       Item(json::parse(R"({"default": true, "match": {"host": "a"}, "channels": []})"), 14),
       Item(json::parse(R"({"channels": ["nowhere", 3]})"), 15),
       Item(json::parse(R"("slack")"), 16)},
      kChannels);
  ASSERT_FALSE(routes.ok());
  EXPECT_EQ(routes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(routes.status().message(),
            "botmon.yaml:10:5: routes[0].channels[0]: unknown channel \"pagr\" (did you mean "
            "\"pager\"?)\n"
            "botmon.yaml:10:5: routes[0].channels[2]: channel \"slack\" is listed twice\n"
            "botmon.yaml:12:5: routes[2].chanels: unknown key (did you mean \"channels\"?)\n"
            "botmon.yaml:12:5: routes[2].channels: missing (a list of channel names)\n"
            "botmon.yaml:12:5: routes[2].default: only one route may be the default (routes[1] "
            "is)\n"
            "botmon.yaml:13:5: routes[3].default: must be true or false, got a string\n"
            "botmon.yaml:13:5: routes[3].channels: must be a list of channel names, got a string\n"
            "botmon.yaml:14:5: routes[4].match: the default route matches everything; give it no "
            "match\n"
            "botmon.yaml:14:5: routes[4].channels: must name at least one channel\n"
            "botmon.yaml:14:5: routes[4].default: only one route may be the default (routes[1] "
            "is)\n"
            "botmon.yaml:15:5: routes[5].channels[0]: unknown channel \"nowhere\" (known: "
            "ops-email, slack, pager, oncall-sms)\n"
            "botmon.yaml:15:5: routes[5].channels[1]: must be a channel name, got a number\n"
            "botmon.yaml:16:5: routes[6]: a route must be a map with channels (and match or "
            "default), got a string");
}

TEST(Routes, NoChannelsConfigured) {
  auto routes = ParseRoutes({RawItem{json::parse(R"({"channels": ["slack"]})"), "", 0, 0}}, {});
  ASSERT_FALSE(routes.ok());
  EXPECT_EQ(routes.status().message(),
            "routes[0].channels[0]: unknown channel \"slack\" (no channel is configured)");
}

TEST(Routes, ParseRouteForTheApiGivesFieldErrors) {
  RoutingErrors errors;
  ParseRoute(json::parse(R"({"match": {"severity": "fatal"}, "channels": ["pager"]})"), kChannels,
             &errors);
  ASSERT_EQ(errors.errors().size(), 1u);
  EXPECT_EQ(errors.errors()[0].field, "match.severity");
}

TEST(Routes, TooMany) {
  std::vector<RawItem> items(kMaxRoutes + 1,
                             RawItem{json::parse(R"({"channels": ["slack"]})"), "", 0, 0});
  EXPECT_FALSE(ParseRoutes(items, kChannels).ok());
}

}  // namespace
}  // namespace botmon
