#include "series/rollup.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(Rollup, GroupsByAlignedPeriod) {
  std::vector<ChunkSample> s = {{60'000, 1}, {70'000, 3}, {120'000, 5}, {179'999, 7}};
  auto p = RollUp(s, 60'000);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].t_ms, 60'000);
  EXPECT_EQ(p[0].sum, 4);
  EXPECT_EQ(p[0].count, 2);
  EXPECT_EQ(p[0].min, 1);
  EXPECT_EQ(p[1].max, 7);
}

TEST(Rollup, EncodeDecodeRoundTrip) {
  std::vector<RollupPoint> pts;
  for (int i = 0; i < 60; ++i) {
    pts.push_back(RollupPoint{i * 60'000, 12.34 * 6 + i, 6, 11.5, 13.25});
  }
  auto dec = DecodeRollups(EncodeRollups(pts, ValueMode::kPercent));
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  ASSERT_EQ(dec->size(), 60u);
  EXPECT_NEAR((*dec)[5].sum, pts[5].sum, 0.005);
  EXPECT_EQ((*dec)[5].count, 6);
  EXPECT_EQ((*dec)[5].min, 11.5);
  // A fractional counter sum falls back to floats, exactly.
  std::vector<RollupPoint> f = {{0, 0.123456, 2, 0.1, 0.023456}};
  auto df = DecodeRollups(EncodeRollups(f, ValueMode::kInteger));
  ASSERT_TRUE(df.ok());
  EXPECT_EQ((*df)[0].sum, 0.123456);
}

TEST(Rollup, CorruptInputFailsCleanly) {
  std::string good = EncodeRollups({{0, 1, 1, 1, 1}, {60'000, 2, 1, 2, 2}}, ValueMode::kInteger);
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(DecodeRollups(good.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(DecodeRollups(good + "x").ok());
}

}  // namespace
}  // namespace botmon
