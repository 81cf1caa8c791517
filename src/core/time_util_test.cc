#include "core/time_util.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(TimeUtil, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Ms(1705329120000), "2024-01-15T14:32:00.000Z");
  EXPECT_EQ(FormatRfc3339Ms(1705329120123), "2024-01-15T14:32:00.123Z");
}

TEST(TimeUtil, ParsesOffsetsAndFractions) {
  EXPECT_EQ(*ParseRfc3339("2024-01-15T14:32:00Z"), 1705329120000);
  EXPECT_EQ(*ParseRfc3339("2024-01-15T14:32:00.123456789Z"), 1705329120123);
  EXPECT_EQ(*ParseRfc3339("2024-01-15T11:32:00-03:00"), 1705329120000);
  EXPECT_EQ(*ParseRfc3339("2024-01-15T20:02:00.5+05:30"), 1705329120500);
  EXPECT_EQ(*ParseRfc3339("2024-02-29t14:32:00z"), *ParseRfc3339("2024-02-29T14:32:00Z"));
}

TEST(TimeUtil, RejectsMalformed) {
  for (const char* bad :
       {"", "2024", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-15", "2024-01-15T14:32Z",
        "2024-01-15T14:32:00", "2024-01-15T14:32:00.Z", "2024-01-15T14:32:00.1234567890Z",
        "2024-01-15T25:00:00Z", "2024-01-15T14:32:00+5:00", "2024-01-15T14:32:00Zjunk"}) {
    auto r = ParseRfc3339(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("RFC 3339"), std::string::npos);
    }
  }
}

TEST(TimeUtil, CivilRoundTrip) {
  for (int64_t d = -800000; d < 800000; d += 997) {
    int64_t y;
    unsigned m, dd;
    CivilFromDays(d, &y, &m, &dd);
    EXPECT_EQ(DaysFromCivil(y, m, dd), d);
  }
}

}  // namespace
}  // namespace botmon
