#include "app/console.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(Console, SeedBlockExactly) {
  ConsoleFigures f;
  f.local_time = "2024-01-15 14:32:00";
  f.active = 247;
  f.peak = 312;
  f.messages_today = 12400;
  f.this_hour = 890;
  f.cpu = 70.4;
  f.mem = 59.5;
  f.gpu = 40;
  f.services_running = 7;
  f.services_total = 7;
  EXPECT_EQ(FormatConsoleBlock(f),
            "[MONITOR] 2024-01-15 14:32:00\n"
            "Sessions: 247 active (peak: 312)\n"
            "Messages: 12,400 today (890/hour)\n"
            "CPU: 70% | MEM: 60% | GPU: 40%\n"
            "Services: 7/7 running\n");
}

TEST(Console, NoGpuNoChecksBigNumbers) {
  ConsoleFigures f;
  f.local_time = "2024-01-15 00:00:10";
  f.active = 1234567;
  f.peak = 1234567;
  f.messages_today = 1000;
  f.cpu = 0.5;
  f.mem = 99.49;
  std::string b = FormatConsoleBlock(f);
  EXPECT_NE(b.find("Sessions: 1,234,567 active (peak: 1,234,567)\n"), std::string::npos);
  EXPECT_NE(b.find("Messages: 1,000 today (0/hour)\n"), std::string::npos);
  EXPECT_NE(b.find("CPU: 1% | MEM: 99% | GPU: n/a\n"), std::string::npos);
  EXPECT_NE(b.find("Services: 0/0 running\n"), std::string::npos);
  EXPECT_EQ(std::count(b.begin(), b.end(), '\n'), 5);
  EXPECT_EQ(b.find("\n\n"), std::string::npos);
  EXPECT_EQ(b.find('\x1b'), std::string::npos);
}

TEST(Console, Helpers) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(-1234567), "-1,234,567");
  EXPECT_EQ(RoundHalfUp(2.5), 3);
  EXPECT_EQ(RoundHalfUp(2.49), 2);
  EXPECT_EQ(RoundHalfUp(-2.5), -2);
}

}  // namespace
}  // namespace botmon
