#include "api/history.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(History, DefaultStepKeepsAtMost500Points) {
  EXPECT_EQ(DefaultHistoryStep(86'400'000, 10'000), 180'000);  // A.5: 24h -> 3m
  EXPECT_EQ(DefaultHistoryStep(15 * 60'000, 10'000), 10'000);
  EXPECT_EQ(DefaultHistoryStep(15 * 60'000, 1'000), 2'000);
  EXPECT_EQ(DefaultHistoryStep(30LL * 86'400'000, 10'000), 7'200'000);
  for (int64_t p : {900'000LL, 3'600'000LL, 21'600'000LL, 604'800'000LL}) {
    EXPECT_LE(p / DefaultHistoryStep(p, 1000), 500);
  }
}

}  // namespace
}  // namespace botmon

#include "api/events_api.h"

namespace botmon {
namespace {

TEST(IngestRateLimiter, LargeBodyPassesWhenFullThenWaits) {
  IngestRateLimiter l;
  EXPECT_TRUE(l.Allow("t", 11, 0, 1000));         // off
  EXPECT_TRUE(l.Allow("t", 11, 10, 1000));        // larger than 1 s worth: passes when full
  EXPECT_FALSE(l.Allow("t", 1, 10, 1050));        // in debt: -1 + 0.5
  EXPECT_TRUE(l.Allow("t", 1, 10, 1000 + 1300));  // 13 tokens later: 1 left
  EXPECT_TRUE(l.Allow("u", 5, 10, 1000));         // per token
  EXPECT_FALSE(l.Allow("u", 6, 10, 1000));
}

}  // namespace
}  // namespace botmon
