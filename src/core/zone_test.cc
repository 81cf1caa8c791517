#include "core/zone.h"

#include <gtest/gtest.h>

#include "core/time_util.h"

namespace botmon {
namespace {

TEST(Zone, UtcDayStart) {
  auto z = Zone::Utc();
  int64_t t = *ParseRfc3339("2024-01-15T14:32:00Z");
  EXPECT_EQ(z->DayStartMs(t), *ParseRfc3339("2024-01-15T00:00:00Z"));
  EXPECT_EQ(z->FormatLocal(t), "2024-01-15 14:32:00");
}

TEST(Zone, NamedZoneUsesLocalCalendar) {
  auto z = Zone::Create("America/Sao_Paulo");
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  // 01:30 UTC on the 16th is 22:30 on the 15th in São Paulo (UTC-3 in 2024).
  int64_t t = *ParseRfc3339("2024-01-16T01:30:00Z");
  EXPECT_EQ((*z)->FormatLocal(t), "2024-01-15 22:30:00");
  EXPECT_EQ((*z)->DayStartMs(t), *ParseRfc3339("2024-01-15T03:00:00Z"));
  EXPECT_EQ((*z)->LocalDay(t), (*z)->LocalDay(*ParseRfc3339("2024-01-15T03:00:00Z")));
  EXPECT_NE((*z)->LocalDay(t), (*z)->LocalDay(*ParseRfc3339("2024-01-15T02:59:59Z")));
}

TEST(Zone, DstGapAtMidnight) {
  // Chile's America/Santiago switches at 24:00 -> 01:00 local in September 2024.
  auto z = Zone::Create("America/Santiago");
  ASSERT_TRUE(z.ok());
  int64_t noon = *ParseRfc3339("2024-09-08T16:00:00Z");
  int64_t start = (*z)->DayStartMs(noon);
  EXPECT_EQ((*z)->FormatLocal(start), "2024-09-08 01:00:00");
}

TEST(Zone, UnknownNameFails) {
  auto z = Zone::Create("Mars/Olympus_Mons");
  ASSERT_FALSE(z.ok());
  EXPECT_NE(z.status().message().find("not a known IANA time zone"), std::string::npos);
  EXPECT_TRUE(Zone::Create("").ok());
}

}  // namespace
}  // namespace botmon
