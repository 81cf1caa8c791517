#include "routing/silence.h"

#include <gtest/gtest.h>

#include "core/time_util.h"

namespace botmon {
namespace {

using nlohmann::json;

int64_t T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

Incident MakeIncident(const std::string& id, const std::string& host, bool open = true) {
  Incident inc;
  inc.id = id;
  inc.rule_name = "High CPU Usage";
  inc.host_name = host;
  inc.group = {{"host", host}};
  inc.start_ms = T("2026-03-01T10:00:00Z");
  if (!open) inc.end_ms = T("2026-03-01T11:00:00Z");
  return inc;
}

TEST(Silences, TimeRangeSilenceFromYamlAndApiAreTheSame) {
  const json body =
      json::parse(R"({"id": "s1", "match": {"rule": "High CPU Usage", "host": "bot-*"},
      "startsAt": "2026-03-01T10:00:00Z", "endsAt": "2026-03-01T12:00:00+01:00",
      "comment": "deploy", "createdBy": "admin"})");
  auto api = ParseSilenceJson(body, 0);
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  auto yaml = ParseSilences({RawItem{body, "botmon.yaml", 20, 3}}, 0);
  ASSERT_TRUE(yaml.ok()) << yaml.status().ToString();
  ASSERT_EQ(yaml->size(), 1u);
  Silence s = (*yaml)[0];
  EXPECT_EQ(s.file, "botmon.yaml");
  EXPECT_EQ(s.line, 20);
  s.file.clear();
  s.line = 0;
  EXPECT_EQ(s, *api);
  EXPECT_EQ(s.id, "s1");
  EXPECT_EQ(s.starts_at_ms, T("2026-03-01T10:00:00Z"));
  EXPECT_EQ(s.ends_at_ms, T("2026-03-01T11:00:00Z"));
  EXPECT_EQ(
      SilenceToJson(s).dump(),
      R"({"comment":"deploy","createdBy":"admin","endsAt":"2026-03-01T11:00:00.000Z","id":"s1",)"
      R"("match":{"host":"bot-*","rule":"High CPU Usage"},"startsAt":"2026-03-01T10:00:00.000Z"})");
  // ToJson reads back to the same silence.
  auto again = ParseSilenceJson(SilenceToJson(s), 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, s);

  const Incident inc = MakeIncident("i1", "bot-1");
  EXPECT_FALSE(IsSilenced(s, inc, T("2026-03-01T09:59:59.999Z")));
  EXPECT_TRUE(IsSilenced(s, inc, T("2026-03-01T10:00:00Z")));
  EXPECT_TRUE(IsSilenced(s, inc, T("2026-03-01T10:59:59.999Z")));
  EXPECT_FALSE(IsSilenced(s, inc, T("2026-03-01T11:00:00Z")));  // [startsAt, endsAt)
  EXPECT_FALSE(IsSilenced(s, MakeIncident("i2", "db-1"), T("2026-03-01T10:30:00Z")));
  Incident other_rule = inc;
  other_rule.rule_name = "High number of errors";
  EXPECT_FALSE(IsSilenced(s, other_rule, T("2026-03-01T10:30:00Z")));
  EXPECT_FALSE(SilenceExpired(s, T("2026-03-01T10:59:59Z")));
  EXPECT_TRUE(SilenceExpired(s, T("2026-03-01T11:00:00Z")));
}

TEST(Silences, MatchOnBotNeedsTheIncidentToHaveIt) {
  auto s = ParseSilenceJson(json::parse(R"({"match": {"bot": "mycompany"},
      "endsAt": "2026-03-02T00:00:00Z"})"),
                            T("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->starts_at_ms, T("2026-03-01T00:00:00Z"));  // default: now
  Incident inc = MakeIncident("i1", "bot-1");
  const int64_t now = T("2026-03-01T12:00:00Z");
  EXPECT_FALSE(IsSilenced(*s, inc, now));
  inc.group["bot"] = "mycompany";
  EXPECT_TRUE(IsSilenced(*s, inc, now));
  // A rule filtered on the bot counts as being about that bot.
  inc.group.erase("bot");
  Rule rule;
  rule.match = {{"bot", "mycompany"}};
  EXPECT_TRUE(IsSilenced(*s, inc, IncidentLabels(inc, &rule), now));
}

TEST(Silences, UntilResolved) {
  auto s = ParseSilenceJson(json::parse(R"({"id": "s2", "untilResolved": "i1",
      "startsAt": "2026-03-01T10:00:00Z", "createdBy": "ops"})"),
                            0);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_FALSE(s->ends_at_ms.has_value());
  EXPECT_EQ(SilenceToJson(*s)["untilResolved"], "i1");
  EXPECT_FALSE(SilenceToJson(*s).contains("endsAt"));
  const int64_t now = T("2026-03-05T00:00:00Z");
  // Active while that incident is open, however long.
  EXPECT_TRUE(IsSilenced(*s, MakeIncident("i1", "bot-1"), now));
  EXPECT_FALSE(IsSilenced(*s, MakeIncident("i1", "bot-1", /*open=*/false), now));
  EXPECT_FALSE(IsSilenced(*s, MakeIncident("i1", "bot-1"), T("2026-03-01T09:00:00Z")));
  // Without a match it mutes that incident only.
  EXPECT_FALSE(
      IsSilenced(*s, MakeIncident("i2", "bot-1"), now, [](std::string_view) { return true; }));
  EXPECT_FALSE(SilenceExpired(*s, now));

  // With a match, it mutes matching incidents while the named one is open.
  auto wide = ParseSilenceJson(json::parse(R"({"match": {"host": "bot-1"}, "untilResolved": "i1",
      "startsAt": "2026-03-01T10:00:00Z"})"),
                               0);
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  bool i1_open = true;
  IncidentOpenFn is_open = [&](std::string_view id) { return id == "i1" && i1_open; };
  EXPECT_TRUE(IsSilenced(*wide, MakeIncident("i2", "bot-1"), now, is_open));
  EXPECT_FALSE(IsSilenced(*wide, MakeIncident("i3", "bot-2"), now, is_open));
  EXPECT_FALSE(IsSilenced(*wide, MakeIncident("i2", "bot-1"), now));  // nobody says i1 is open
  i1_open = false;
  EXPECT_FALSE(IsSilenced(*wide, MakeIncident("i2", "bot-1"), now, is_open));
}

TEST(Silences, ValidationErrors) {
  auto check = [](const char* text, const std::string& want) {
    auto s = ParseSilenceJson(json::parse(text), 0);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.status().message(), want) << text;
  };
  check(R"({"match": {"host": "a"}, "startsAt": "2026-03-01T10:00:00Z",
            "endsAt": "2026-03-01T10:00:00Z"})",
        "endsAt: must be after startsAt (2026-03-01T10:00:00.000Z)");
  check(R"({"match": {"host": "a"}, "startsAt": "2026-03-01T10:00:00Z",
            "endsAt": "2026-03-01T11:00:00Z", "untilResolved": "i1"})",
        "endsAt: give either endsAt or untilResolved, not both");
  check(R"({"match": {"host": "a"}})",
        "endsAt: missing: give endsAt (a time) or untilResolved (an incident id)");
  check(R"({"match": {"host": "a"}, "startsAt": "2026-03-01 10:00", "endsAt": 5})",
        "startsAt: \"2026-03-01 10:00\" is not an RFC 3339 timestamp: expected hh:mm:ss\n"
        "endsAt: must be an RFC 3339 time string (2026-03-01T02:00:00Z), got a number");
  check(R"({"match": {"host": "a"}, "endsAt": "2026-03-01T11:00:00"})",
        "endsAt: \"2026-03-01T11:00:00\" is not an RFC 3339 timestamp: missing time zone offset "
        "(Z or +hh:mm)");
  check(R"({"endsAt": "2026-03-01T11:00:00Z"})",
        "match: missing (which incidents to mute: rule, host, bot, ...)");
  check(R"({"match": {}, "endsAt": "2026-03-01T11:00:00Z"})",
        "match: must name at least one label (rule, host, bot, ...)");
  check(R"({"id": "has space", "match": {"host": "a"}, "endsAt": "2026-03-01T11:00:00Z",
            "until": "x", "createdBy": 7})",
        "until: unknown key (did you mean \"untilResolved\"?)\n"
        "id: must be 1..64 letters, digits, '.', '_' or '-'\n"
        "createdBy: must be a string, got a number");
  check(R"([1])",
        "a silence must be a map with match, startsAt and endsAt or untilResolved, got a list");
}

TEST(Silences, YamlListIdsAndDuplicates) {
  const json a = json::parse(R"({"match": {"host": "a"}, "endsAt": "2026-03-01T11:00:00Z"})");
  const json b = json::parse(R"({"id": "silence-1", "match": {"host": "b"},
                                 "endsAt": "2026-03-01T11:00:00Z"})");
  auto ok = ParseSilences({RawItem{a, "f.yaml", 3, 1}, RawItem{a, "f.yaml", 4, 1}}, 0);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)[0].id, "silence-1");
  EXPECT_EQ((*ok)[1].id, "silence-2");
  auto dup = ParseSilences({RawItem{a, "f.yaml", 3, 1}, RawItem{b, "f.yaml", 4, 1}}, 0);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(),
            "f.yaml:4:1: silences[1].id: duplicate silence id \"silence-1\"");
}

}  // namespace
}  // namespace botmon
