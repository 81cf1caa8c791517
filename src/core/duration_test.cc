#include "core/duration.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(Duration, ParsesDecreasingUnits) {
  EXPECT_EQ(*ParseDuration("0s"), 0);
  EXPECT_EQ(*ParseDuration("500ms"), 500);
  EXPECT_EQ(*ParseDuration("10s"), 10000);
  EXPECT_EQ(*ParseDuration("2m"), 120000);
  EXPECT_EQ(*ParseDuration("1h30m"), 5400000);
  EXPECT_EQ(*ParseDuration("10d"), 864000000);
  EXPECT_EQ(*ParseDuration("1d2h3m4s5ms"), 93784005);
  EXPECT_EQ(*ParseDuration("3650d"), kMaxDurationMs);
}

TEST(Duration, RejectsWithClearMessages) {
  auto msg = [](const char* t) { return ParseDuration(t).status().message(); };
  EXPECT_EQ(msg("90"), "\"90\" is not a duration: durations are strings like 2m");
  EXPECT_NE(msg("30m1h").find("units must decrease"), std::string::npos);
  EXPECT_NE(msg("1m1m").find("units must decrease"), std::string::npos);
  EXPECT_NE(msg("5x").find("unknown unit \"x\""), std::string::npos);
  EXPECT_NE(msg("3651d").find("more than 10y"), std::string::npos);
  EXPECT_NE(msg("99999999999999999999s").find("more than 10y"), std::string::npos);
  EXPECT_NE(msg("").find("empty"), std::string::npos);
  EXPECT_NE(msg("m").find("not a duration"), std::string::npos);
  EXPECT_NE(msg("-5s").find("not a duration"), std::string::npos);
  EXPECT_NE(msg("1.5m").find("needs a unit after 1"), std::string::npos);
  EXPECT_NE(msg(" 2m").find("not a duration"), std::string::npos);
  EXPECT_NE(msg(std::string(100, '1').c_str()).find("too long"), std::string::npos);
}

TEST(Duration, OverflowsAreErrorsNotCrashes) {
  // Found by fuzz/duration_fuzz.cc (regression inputs in fuzz/corpus/duration/).
  EXPECT_FALSE(ParseDuration("200000000000d").ok());
  EXPECT_FALSE(ParseBotpressDuration("9999999999999999999Q").ok());
  EXPECT_FALSE(ParseBotpressDuration("99999999999 days").ok());
  EXPECT_FALSE(ParseSize("10000000000GiB").ok());
}

TEST(Duration, BotpressLongForms) {
  EXPECT_EQ(*ParseBotpressDuration("2 minutes"), 120000);
  EXPECT_EQ(*ParseBotpressDuration("1 hour"), 3600000);
  EXPECT_EQ(*ParseBotpressDuration("10 seconds"), 10000);
  EXPECT_EQ(*ParseBotpressDuration("2m"), 120000);
  EXPECT_FALSE(ParseBotpressDuration("2 fortnights").ok());
  EXPECT_FALSE(ParseDuration("2 minutes").ok());
}

TEST(Duration, FormatsCanonically) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(90000), "1m30s");
  EXPECT_EQ(FormatDuration(1500), "1s500ms");
  EXPECT_EQ(FormatDuration(864000000), "10d");
}

TEST(Size, ParsesUnits) {
  EXPECT_EQ(*ParseSize("8MiB"), 8 << 20);
  EXPECT_EQ(*ParseSize("512KiB"), 512 << 10);
  EXPECT_EQ(*ParseSize("1024"), 1024);
  EXPECT_FALSE(ParseSize("8MB").ok());
  EXPECT_FALSE(ParseSize("MiB").ok());
  EXPECT_EQ(FormatSize(8 << 20), "8MiB");
}

}  // namespace
}  // namespace botmon
