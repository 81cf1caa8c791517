#include "collect/proc_parse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "collect/disk_usage.h"

namespace botmon {
namespace {

using ::testing::HasSubstr;

TEST(ProcParse, StatSumsTheAggregateLine) {
  // user nice system idle iowait irq softirq steal guest guest_nice; cpuN lines are ignored.
  StatusOr<CpuTimes> t = ParseProcStat(
      "cpu  1 2 3 4 5 6 7 8 900 1000\ncpu0 50 50 50 50 50 50 50 50 0 0\nintr 1 2 3\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->busy, 1u + 2 + 3 + 6 + 7 + 8);  // guest fields are already in user and nice
  EXPECT_EQ(t->idle, 4u + 5);
}

TEST(ProcParse, StatAcceptsEightFields) {
  // Kernels 2.6.11 to 2.6.23 wrote no guest fields.
  StatusOr<CpuTimes> t = ParseProcStat("cpu  10 0 10 70 10 0 0 0\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->busy, 20u);
  EXPECT_EQ(t->idle, 80u);
}

TEST(ProcParse, StatFindsTheCpuLineAnywhere) {
  StatusOr<CpuTimes> t = ParseProcStat("ctxt 5\ncpu0 1 1 1 1 1 1 1 1\ncpu  1 1 1 1 1 1 1 1");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->busy, 6u);
}

TEST(ProcParse, StatRejectsEmptyText) {
  StatusOr<CpuTimes> t = ParseProcStat("");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(t.status().message(), HasSubstr("no 'cpu ' line"));
}

TEST(ProcParse, StatRejectsOnlyPerCpuLines) {
  EXPECT_FALSE(ParseProcStat("cpu0 1 1 1 1 1 1 1 1\ncpu1 1 1 1 1 1 1 1 1\n").ok());
}

TEST(ProcParse, StatRejectsTruncatedLine) {
  StatusOr<CpuTimes> t = ParseProcStat("cpu  6170 0 2700");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("has 3 fields, expected at least 8"));
  t = ParseProcStat("cpu  6170 0 2700 181822 473 0 73\ncpu0 1 1 1 1 1 1 1 1\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("has 7 fields"));
}

TEST(ProcParse, StatRejectsGarbageFields) {
  StatusOr<CpuTimes> t = ParseProcStat("cpu  6170 0 27x0 181822 473 0 73 9 0 0\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("bad system value '27x0'"));
  EXPECT_FALSE(ParseProcStat("cpu  -1 0 0 0 0 0 0 0\n").ok());
  EXPECT_FALSE(ParseProcStat("cpu  1.5 0 0 0 0 0 0 0\n").ok());
  constexpr char kBinary[] = "cpu  1 2 3 \0\xff\x01 5 6 7 8\n";
  EXPECT_FALSE(ParseProcStat(std::string(kBinary, sizeof kBinary - 1)).ok());
  // Too large for 64 bits.
  EXPECT_FALSE(ParseProcStat("cpu  99999999999999999999999 0 0 0 0 0 0 0\n").ok());
}

TEST(ProcParse, StatRejectsSumsThatOverflow) {
  StatusOr<CpuTimes> t = ParseProcStat("cpu  18446744073709551615 1 0 0 0 0 0 0\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("overflow"));
  EXPECT_FALSE(ParseProcStat("cpu  18446744073709551615 0 0 1 0 0 0 0\n").ok());
}

TEST(ProcParse, StatErrorQuotesAtMostFortyCharacters) {
  std::string junk(500, 'z');
  StatusOr<CpuTimes> t = ParseProcStat("cpu  " + junk + " 0 0 0 0 0 0 0\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(t.status().message(), HasSubstr("'" + std::string(40, 'z') + "...'"));
  EXPECT_LT(t.status().message().size(), 100u);
}

TEST(ProcParse, CpuUsageIsTheBusyShareOfTheDelta) {
  StatusOr<std::optional<double>> pct = CpuUsagePercent({100, 900}, {125, 975});
  ASSERT_TRUE(pct.ok());
  ASSERT_TRUE(pct->has_value());
  EXPECT_DOUBLE_EQ(**pct, 25.0);
  EXPECT_EQ(*CpuUsagePercent({0, 0}, {200, 0}), 100.0);
  EXPECT_EQ(*CpuUsagePercent({7, 0}, {7, 50}), 0.0);
}

TEST(ProcParse, CpuUsageFailsWhenCountersGoBackwards) {
  StatusOr<std::optional<double>> pct = CpuUsagePercent({100, 900}, {99, 1000});
  ASSERT_FALSE(pct.ok());
  EXPECT_THAT(pct.status().message(), HasSubstr("backwards"));
  EXPECT_FALSE(CpuUsagePercent({100, 900}, {200, 899}).ok());
}

TEST(ProcParse, CpuUsageIsAbsentWhenNoTimeElapsed) {
  StatusOr<std::optional<double>> pct = CpuUsagePercent({100, 900}, {100, 900});
  ASSERT_TRUE(pct.ok());
  EXPECT_EQ(*pct, std::nullopt);  // a zero denominator, never 0 %
}

constexpr char kMeminfo[] =
    "MemTotal:       16000000 kB\n"
    "MemFree:         1000000 kB\n"
    "MemAvailable:    4000000 kB\n"
    "Buffers:           20000 kB\n"
    "HugePages_Total:       0\n";

TEST(ProcParse, MeminfoReadsTotalAndAvailable) {
  StatusOr<MemInfo> m = ParseMeminfo(kMeminfo);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->total_kb, 16000000u);
  EXPECT_EQ(m->available_kb, 4000000u);
  EXPECT_DOUBLE_EQ(MemUsagePercent(*m), 75.0);
}

TEST(ProcParse, MeminfoIgnoresGarbageInOtherLines) {
  std::string text = std::string("\x01\x02 junk\n:::\nMemTotal: 100 kB\n\nFoo: bar baz\n") +
                     "MemAvailable:\t40 kB\nlast line without newline";
  StatusOr<MemInfo> m = ParseMeminfo(text);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_DOUBLE_EQ(MemUsagePercent(*m), 60.0);
}

TEST(ProcParse, MeminfoRejectsEmptyText) {
  StatusOr<MemInfo> m = ParseMeminfo("");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(m.status().message(), HasSubstr("no MemTotal line"));
}

TEST(ProcParse, MeminfoRequiresMemAvailable) {
  StatusOr<MemInfo> m = ParseMeminfo("MemTotal:  100 kB\nMemFree:  50 kB\n");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(m.status().message(), HasSubstr("no MemAvailable line"));
  // A key is matched whole, not by prefix.
  EXPECT_FALSE(ParseMeminfo("MemTotal:  100 kB\nMemAvailableX:  50 kB\n").ok());
}

TEST(ProcParse, MeminfoRejectsTruncatedLines) {
  // Cut in the value: without its unit the number itself may be cut short.
  for (const char* text : {"MemTotal:       16000000 kB\nMemAvailable:    40",
                           "MemTotal:       16000000 kB\nMemAvailable:",
                           "MemTotal:       16000000 kB\nMemAvailable:    4000000 k",
                           "MemTotal:       16000000 kB\nMemAvail"}) {
    StatusOr<MemInfo> m = ParseMeminfo(text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_THAT(m.status().message(), HasSubstr("MemAvailable")) << text;
  }
}

TEST(ProcParse, MeminfoRejectsGarbageValues) {
  StatusOr<MemInfo> m = ParseMeminfo("MemTotal:  lots kB\nMemAvailable:  50 kB\n");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(m.status().message(), HasSubstr("bad MemTotal line 'MemTotal:  lots kB'"));
  EXPECT_FALSE(ParseMeminfo("MemTotal:  100 kB\nMemAvailable:  -5 kB\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal:  100 MB\nMemAvailable:  5 kB\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal:  100 kB extra\nMemAvailable:  5 kB\n").ok());
}

TEST(ProcParse, MeminfoRejectsImpossibleValues) {
  StatusOr<MemInfo> m = ParseMeminfo("MemTotal: 0 kB\nMemAvailable: 0 kB\n");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("MemTotal is 0"));
  m = ParseMeminfo("MemTotal: 10 kB\nMemAvailable: 11 kB\n");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("exceeds MemTotal"));
}

TEST(DiskUsage, PercentIsComputedLikeDf) {
  // 1000 blocks, 300 free of which 50 reserved for root: used 700, available 250.
  StatusOr<double> pct = DfUsedPercent({1000, 300, 250});
  ASSERT_TRUE(pct.ok());
  EXPECT_DOUBLE_EQ(*pct, 700.0 / 950.0 * 100.0);
  // Full for users while root still has its reserve.
  EXPECT_DOUBLE_EQ(*DfUsedPercent({1000, 50, 0}), 100.0);
  EXPECT_DOUBLE_EQ(*DfUsedPercent({1000, 1000, 1000}), 0.0);
}

TEST(DiskUsage, FileSystemWithoutBlocksHasNoValue) {
  StatusOr<double> pct = DfUsedPercent({0, 0, 0});
  ASSERT_FALSE(pct.ok());
  EXPECT_THAT(pct.status().message(), HasSubstr("no blocks"));
}

}  // namespace
}  // namespace botmon
