// The A.3 incident object and its round trip through the store's document.
#include "alert/incident.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(IncidentTest, JsonRoundTripKeepsEveryMember) {
  Incident inc;
  inc.id = "3f1c9e1e-0000-4000-8000-000000000001";
  inc.rule_name = " High CPU Usage ";
  inc.host_name = "bot-1";
  inc.start_ms = 1'705'329'120'000;
  inc.end_ms = 1'705'329'180'500;
  inc.trigger_value = 97.25;
  inc.stale = true;
  inc.severity = Severity::kCritical;
  inc.field = "cpu.usage";
  inc.aggregation = Aggregation::kP95;
  inc.operand = Operand::kEqualOrLessThan;
  inc.threshold = 95;
  inc.group = {{"host", "bot-1"}, {"bot", "mycompany"}};
  inc.last_value = 12;
  inc.acknowledged_at_ms = 1'705'329'150'000;
  inc.acknowledged_by = "admin";
  inc.silenced_by = "weekly-patch";
  inc.description = "cpu high";
  inc.timeline.push_back({1'705'329'120'000, "opened", "avg(cpu.usage)=97.25 ≥ 95", 97.25});
  inc.timeline.push_back({1'705'329'121'000, "notified", "slack ok", std::nullopt});
  Incident back = IncidentFromJson(IncidentToJson(inc));
  EXPECT_EQ(IncidentToJson(back), IncidentToJson(inc));
  EXPECT_EQ(back.end_ms, inc.end_ms);
  EXPECT_EQ(back.timeline.size(), 2u);
  EXPECT_EQ(IncidentToJson(inc)["state"], "resolved");
}

TEST(IncidentTest, OpenIncidentHasNoEndTime) {
  Incident inc;
  inc.id = "x";
  inc.start_ms = 0;
  auto j = IncidentToJson(inc);
  EXPECT_FALSE(j.contains("endTime"));
  EXPECT_EQ(j["state"], "open");
  EXPECT_FALSE(j.contains("acknowledgedAt"));
  EXPECT_FALSE(j.contains("silencedBy"));
  EXPECT_EQ(GroupString({{"host", "a"}, {"bot", "b"}}), "bot=b,host=a");
  EXPECT_EQ(GroupString({}), "");
}

TEST(IncidentTest, MalformedDocumentLoadsDefaults) {
  EXPECT_EQ(IncidentFromJson(nullptr).id, "");
  auto inc = IncidentFromJson(nlohmann::json::parse(
      R"({"id":"a","startTime":"garbage","group":{"host":1},"timeline":[1,{"event":"x"}]})"));
  EXPECT_EQ(inc.id, "a");
  EXPECT_EQ(inc.start_ms, 0);
  EXPECT_TRUE(inc.group.empty());
  ASSERT_EQ(inc.timeline.size(), 1u);
  EXPECT_EQ(inc.timeline[0].event, "x");
}

}  // namespace
}  // namespace botmon
