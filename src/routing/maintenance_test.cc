#include "routing/maintenance.h"

#include <gtest/gtest.h>

#include "core/time_util.h"

namespace botmon {
namespace {

using nlohmann::json;

int64_t T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

MaintenanceWindow Weekly(const std::string& tz, const std::string& days, const std::string& start,
                         const std::string& duration) {
  json j = {{"name", "w"},
            {"timezone", tz},
            {"weekly", {{"days", json::parse(days)}, {"start", start}, {"duration", duration}}}};
  auto w = ParseMaintenanceJson(j, "UTC");
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? *w : MaintenanceWindow{};
}

// [start, end) of the occurrence in force at `at`, checked through Active and NextChange.
void ExpectPeriod(const MaintenanceWindow& w, const char* start, const char* end) {
  const int64_t s = T(start), e = T(end);
  EXPECT_FALSE(MaintenanceActive(w, s - 1)) << start;
  EXPECT_TRUE(MaintenanceActive(w, s)) << start;
  EXPECT_TRUE(MaintenanceActive(w, e - 1)) << end;
  EXPECT_FALSE(MaintenanceActive(w, e)) << end;
  EXPECT_EQ(MaintenanceNextChange(w, s - 3'600'000), s) << start;
  EXPECT_EQ(MaintenanceNextChange(w, s - 1), s) << start;
  EXPECT_EQ(MaintenanceNextChange(w, s), e) << start;
  EXPECT_EQ(MaintenanceNextChange(w, e - 1), e) << end;
}

TEST(Maintenance, A1Examples) {
  const json items = json::parse(R"([
    {"name": "weekly-patch", "timezone": "America/Sao_Paulo",
     "weekly": {"days": ["sun"], "start": "02:00", "duration": "2h"}},
    {"name": "migration", "from": "2026-12-01T22:00:00Z", "to": "2026-12-02T01:00:00Z"}])");
  auto windows = ParseMaintenance(
      {RawItem{items[0], "botmon.yaml", 30, 15}, RawItem{items[1], "botmon.yaml", 31, 15}},
      "Europe/Berlin");
  ASSERT_TRUE(windows.ok()) << windows.status().ToString();
  ASSERT_EQ(windows->size(), 2u);
  const MaintenanceWindow& weekly = (*windows)[0];
  EXPECT_TRUE(weekly.weekly);
  EXPECT_EQ(weekly.timezone, "America/Sao_Paulo");
  EXPECT_EQ(weekly.line, 30);
  // Sao Paulo is UTC-3 all year (no DST since 2019): Sunday 2026-12-06 02:00-04:00 local.
  ExpectPeriod(weekly, "2026-12-06T05:00:00Z", "2026-12-06T07:00:00Z");
  EXPECT_FALSE(MaintenanceActive(weekly, T("2026-12-07T05:30:00Z")));  // a Monday
  EXPECT_EQ(MaintenanceNextChange(weekly, T("2026-12-06T07:00:00Z")), T("2026-12-13T05:00:00Z"));
  EXPECT_EQ(MaintenanceToJson(weekly).dump(),
            R"({"name":"weekly-patch","timezone":"America/Sao_Paulo",)"
            R"("weekly":{"days":["sun"],"duration":"2h","start":"02:00"}})");

  const MaintenanceWindow& once = (*windows)[1];
  EXPECT_FALSE(once.weekly);
  ExpectPeriod(once, "2026-12-01T22:00:00Z", "2026-12-02T01:00:00Z");
  EXPECT_EQ(MaintenanceNextChange(once, T("2026-12-02T01:00:00Z")), std::nullopt);
  EXPECT_EQ(
      MaintenanceToJson(once).dump(),
      R"({"from":"2026-12-01T22:00:00.000Z","name":"migration","to":"2026-12-02T01:00:00.000Z"})");
  // ToJson reads back.
  for (const MaintenanceWindow& w : *windows) {
    auto again = ParseMaintenanceJson(MaintenanceToJson(w), "");
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(MaintenanceToJson(*again), MaintenanceToJson(w));
  }
}

TEST(Maintenance, BerlinSunday0200AroundThe2026DstChanges) {
  MaintenanceWindow w = Weekly("Europe/Berlin", R"(["sun"])", "02:00", "2h");
  // Winter time (UTC+1).
  ExpectPeriod(w, "2026-03-22T01:00:00Z", "2026-03-22T03:00:00Z");
  // 2026-03-29: the clock jumps from 02:00 CET to 03:00 CEST; 02:00 does not exist, so the
  // window opens at the jump (01:00Z = 03:00 CEST) and lasts two real hours.
  ExpectPeriod(w, "2026-03-29T01:00:00Z", "2026-03-29T03:00:00Z");
  EXPECT_EQ(MaintenanceNextChange(w, T("2026-03-22T03:00:00Z")), T("2026-03-29T01:00:00Z"));
  // Summer time (UTC+2).
  ExpectPeriod(w, "2026-04-05T00:00:00Z", "2026-04-05T02:00:00Z");
  ExpectPeriod(w, "2026-10-18T00:00:00Z", "2026-10-18T02:00:00Z");
  // 2026-10-25: 02:00-02:59 happens twice; the window opens at the first 02:00 (CEST, 00:00Z)
  // and lasts two real hours, to 03:00 CET.
  ExpectPeriod(w, "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z");
  // Winter time again.
  ExpectPeriod(w, "2026-11-01T01:00:00Z", "2026-11-01T03:00:00Z");
  EXPECT_EQ(MaintenanceNextChange(w, T("2026-10-25T02:00:00Z")), T("2026-11-01T01:00:00Z"));
}

TEST(Maintenance, SkippedStartOpensAtTheEndOfTheGap) {
  // 02:30 does not exist on 2026-03-29 in Berlin: the window opens at 03:00 CEST (01:00Z), the
  // first valid instant after it, not at 03:30 CEST.
  MaintenanceWindow berlin = Weekly("Europe/Berlin", R"(["sun"])", "02:30", "1h");
  ExpectPeriod(berlin, "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z");
  ExpectPeriod(berlin, "2026-03-22T01:30:00Z", "2026-03-22T02:30:00Z");
  ExpectPeriod(berlin, "2026-04-05T00:30:00Z", "2026-04-05T01:30:00Z");
  MaintenanceWindow ny = Weekly("America/New_York", R"(["sun"])", "02:30", "1h");
  ExpectPeriod(ny, "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z");  // 03:00 EDT
}

TEST(Maintenance, AmbiguousStartUsesTheFirstOccurrence) {
  MaintenanceWindow berlin = Weekly("Europe/Berlin", R"(["sun"])", "02:30", "1h");
  ExpectPeriod(berlin, "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z");
  // 01:30Z is the second 02:30 (CET): not a new start.
  EXPECT_FALSE(MaintenanceActive(berlin, T("2026-10-25T01:45:00Z")));
  MaintenanceWindow ny = Weekly("America/New_York", R"(["sun"])", "01:30", "1h");
  ExpectPeriod(ny, "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z");  // 01:30 EDT
  ExpectPeriod(ny, "2026-10-25T05:30:00Z", "2026-10-25T06:30:00Z");
  ExpectPeriod(ny, "2026-11-08T06:30:00Z", "2026-11-08T07:30:00Z");  // 01:30 EST
}

TEST(Maintenance, NewYorkSunday0200AroundThe2026DstChanges) {
  MaintenanceWindow w = Weekly("America/New_York", R"(["sun"])", "02:00", "2h");
  ExpectPeriod(w, "2026-03-01T07:00:00Z", "2026-03-01T09:00:00Z");  // EST
  // 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z).
  ExpectPeriod(w, "2026-03-08T07:00:00Z", "2026-03-08T09:00:00Z");
  ExpectPeriod(w, "2026-03-15T06:00:00Z", "2026-03-15T08:00:00Z");  // EDT
  ExpectPeriod(w, "2026-10-25T06:00:00Z", "2026-10-25T08:00:00Z");  // EDT
  // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 02:00 EST then happens once (07:00Z).
  ExpectPeriod(w, "2026-11-01T07:00:00Z", "2026-11-01T09:00:00Z");
}

TEST(Maintenance, CrossesMidnightAndTheEndOfTheWeek) {
  MaintenanceWindow w = Weekly("UTC", R"(["sat"])", "23:00", "3h");
  ExpectPeriod(w, "2026-01-03T23:00:00Z", "2026-01-04T02:00:00Z");  // sat 23:00 -> sun 02:00
  EXPECT_TRUE(MaintenanceActive(w, T("2026-01-04T00:00:00Z")));
  EXPECT_EQ(MaintenanceNextChange(w, T("2026-01-04T02:00:00Z")), T("2026-01-10T23:00:00Z"));

  // In Berlin, the Saturday before the spring change: sat 23:00 CET + 3h = 03:00 CEST.
  MaintenanceWindow berlin = Weekly("Europe/Berlin", R"(["sat"])", "23:00", "3h");
  ExpectPeriod(berlin, "2026-03-28T22:00:00Z", "2026-03-29T01:00:00Z");

  // Two days, each crossing midnight.
  MaintenanceWindow two = Weekly("UTC", R"(["sat", "sunday"])", "23:00", "2h");
  ExpectPeriod(two, "2026-01-03T23:00:00Z", "2026-01-04T01:00:00Z");
  ExpectPeriod(two, "2026-01-04T23:00:00Z", "2026-01-05T01:00:00Z");
  EXPECT_FALSE(MaintenanceActive(two, T("2026-01-05T23:30:00Z")));  // monday
}

TEST(Maintenance, OverlappingOccurrencesMerge) {
  // Every day at 00:00 for 24h in UTC: always in force, never changes.
  MaintenanceWindow always =
      Weekly("UTC", R"(["mon","tue","wed","thu","fri","sat","sun"])", "00:00", "24h");
  EXPECT_TRUE(MaintenanceActive(always, T("2026-06-01T12:00:00Z")));
  EXPECT_EQ(MaintenanceNextChange(always, T("2026-06-01T12:00:00Z")), std::nullopt);
  // The same in Berlin: the 25-hour local day of 2026-10-25 leaves a one-hour gap, found weeks
  // ahead; the 23-hour day of 2026-03-29 leaves none.
  MaintenanceWindow berlin =
      Weekly("Europe/Berlin", R"(["mon","tue","wed","thu","fri","sat","sun"])", "00:00", "24h");
  EXPECT_EQ(MaintenanceNextChange(berlin, T("2026-03-01T00:00:00Z")), T("2026-10-25T22:00:00Z"));
  EXPECT_FALSE(MaintenanceActive(berlin, T("2026-10-25T22:30:00Z")));
  EXPECT_EQ(MaintenanceNextChange(berlin, T("2026-10-25T22:00:00Z")), T("2026-10-25T23:00:00Z"));
  // Two overlapping days make one period.
  MaintenanceWindow two = Weekly("UTC", R"(["mon","tue"])", "12:00", "36h");
  auto periods = MaintenancePeriods(two, T("2026-01-05T00:00:00Z"), T("2026-01-08T00:00:00Z"));
  ASSERT_EQ(periods.size(), 1u);
  EXPECT_EQ(periods[0], std::make_pair(T("2026-01-05T12:00:00Z"), T("2026-01-08T00:00:00Z")));
  EXPECT_EQ(MaintenanceNextChange(two, T("2026-01-05T13:00:00Z")), T("2026-01-08T00:00:00Z"));
}

TEST(Maintenance, DefaultTimezoneAndMatch) {
  auto w = ParseMaintenanceJson(json::parse(R"({"name": "n", "match": {"host": "db-*"},
      "weekly": {"days": ["MON"], "start": "08:00", "duration": "30m"}})"),
                                "America/New_York");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->timezone, "America/New_York");
  ExpectPeriod(*w, "2026-01-05T13:00:00Z", "2026-01-05T13:30:00Z");
  const int64_t at = T("2026-01-05T13:10:00Z");
  EXPECT_TRUE(MaintenanceMutes(*w, {{"host", "db-1"}, {"rule", "r"}}, at));
  EXPECT_FALSE(MaintenanceMutes(*w, {{"host", "web-1"}, {"rule", "r"}}, at));
  EXPECT_FALSE(MaintenanceMutes(*w, {{"host", "db-1"}}, T("2026-01-05T13:30:00Z")));
  EXPECT_EQ(MaintenanceToJson(*w)["match"], json::parse(R"({"host": "db-*"})"));
}

TEST(Maintenance, ValidationErrors) {
  auto check = [](const char* text, const std::string& want) {
    auto w = ParseMaintenanceJson(json::parse(text), "UTC");
    ASSERT_FALSE(w.ok()) << text;
    EXPECT_EQ(w.status().message(), want) << text;
  };
  check(R"({"name": "a", "from": "2026-12-02T01:00:00Z", "to": "2026-12-01T22:00:00Z"})",
        "to: must be after from");
  check(R"({"name": "a", "from": "2026-12-02T01:00:00Z"})",
        "to: missing (an RFC 3339 time such as 2026-12-01T22:00:00Z)");
  check(R"({"name": "a", "from": "2026-12-02", "to": "2026-12-03T00:00:00Z",
            "timezone": "UTC"})",
        "timezone: only for weekly windows (from and to carry their own offset)\n"
        "from: \"2026-12-02\" is not an RFC 3339 timestamp: expected 'T' after the date");
  check(R"({"name": "a"})", "give from and to (one-off) or weekly {days, start, duration}");
  check(R"({"from": "2026-12-01T22:00:00Z", "to": "2026-12-02T01:00:00Z",
            "weekly": {"days": ["sun"], "start": "02:00", "duration": "2h"}})",
        "name: missing\nweekly: give either from/to (one-off) or weekly, not both");
  check(R"({"name": "a", "timezone": "Mars/Olympus_Mons",
            "weekly": {"days": ["sun", "funday", "Sun", 3], "start": "2:00", "duration": "0s",
                       "every": 2}})",
        "timezone: \"Mars/Olympus_Mons\" is not a known IANA time zone (e.g. Europe/Berlin)\n"
        "weekly.every: unknown key\n"
        "weekly.days[1]: \"funday\" is not a day (mon, tue, wed, thu, fri, sat, sun)\n"
        "weekly.days[2]: sun is listed twice\n"
        "weekly.days[3]: a number is not a day (mon, tue, wed, thu, fri, sat, sun)\n"
        "weekly.start: must be a local time \"HH:MM\" (00:00..23:59), got \"2:00\"\n"
        "weekly.duration: must be more than 0s and at most 7d");
  check(R"({"name": "a", "weekly": {"days": [], "start": "24:00", "duration": 7200}})",
        "weekly.days: must be a non-empty list of mon, tue, wed, thu, fri, sat, sun\n"
        "weekly.start: must be a local time \"HH:MM\" (00:00..23:59), got \"24:00\"\n"
        "weekly.duration: durations are strings like 2h, got a number");
  check(R"({"name": "a", "weekly": {"days": ["sun"], "start": "01:00", "duration": "8d"}})",
        "weekly.duration: must be more than 0s and at most 7d");
  check(R"({"name": "a", "weekly": "sun 02:00"})",
        "weekly: must be a map {days, start, duration}, got a string");
}

TEST(Maintenance, ListErrorsCarryPositionsAndDuplicates) {
  const json a = json::parse(R"({"name": "m", "from": "2026-12-01T22:00:00Z",
                                 "to": "2026-12-02T01:00:00Z"})");
  auto w =
      ParseMaintenance({RawItem{a, "botmon.yaml", 5, 3}, RawItem{a, "botmon.yaml", 6, 3},
                        RawItem{json::parse(R"({"name": "x", "form": 1})"), "botmon.yaml", 7, 3}},
                       "UTC");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(),
            "botmon.yaml:6:3: maintenance[1].name: duplicate maintenance window name \"m\"\n"
            "botmon.yaml:7:3: maintenance[2].form: unknown key (did you mean \"from\"?)\n"
            "botmon.yaml:7:3: maintenance[2]: give from and to (one-off) or weekly {days, start, "
            "duration}");
}

}  // namespace
}  // namespace botmon
