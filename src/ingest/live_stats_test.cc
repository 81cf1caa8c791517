#include "ingest/live_stats.h"

#include <gtest/gtest.h>

#include "core/time_util.h"

namespace botmon {
namespace {

TEST(LiveStats, TodayInTheZoneNotTheLast24Hours) {
  auto zone = *Zone::Create("America/Sao_Paulo");
  LiveStats s(zone);
  const int64_t now = *ParseRfc3339("2024-01-15T14:00:00-03:00");
  s.OnMessage(*ParseRfc3339("2024-01-15T00:30:00-03:00"), false, -1, now);   // today
  s.OnMessage(*ParseRfc3339("2024-01-14T23:59:00-03:00"), false, -1, now);   // yesterday
  s.OnMessage(*ParseRfc3339("2024-01-15T13:30:00-03:00"), true, 1000, now);  // today, this hour
  s.OnMessage(*ParseRfc3339("2024-01-15T13:40:00-03:00"), true, 2000, now);
  auto f = s.Get(now);
  EXPECT_EQ(f.messages_today, 3);
  EXPECT_EQ(f.this_hour, 2);
  EXPECT_EQ(f.avg_response_ms, 1500);
  EXPECT_FALSE(f.avg_duration_seconds.has_value());
}

TEST(LiveStats, PeakAndDurationsRollOverAtMidnight) {
  LiveStats s(Zone::Utc());
  const int64_t day = *ParseRfc3339("2024-01-15T00:00:00Z");
  const int64_t t = day + 3'600'000;
  EXPECT_TRUE(s.SetActive(3, t));
  EXPECT_FALSE(s.SetActive(1, t));
  s.OnSessionSpan(t, -1, t + 60'000, t);
  s.OnSessionSpan(t, t + 60'000, t + 90'000, t);
  s.OnSessionSpan(t, -1, t + 30'000, t);
  auto f = s.Get(t);
  EXPECT_EQ(f.peak_today, 3);
  EXPECT_EQ(f.active, 1);
  EXPECT_EQ(f.avg_duration_seconds, 60);  // (90 + 30) / 2
  auto next = s.Get(day + 86'400'000 + 1000);
  EXPECT_EQ(next.peak_today, 1);  // the new day starts from the sessions active now
  EXPECT_EQ(next.messages_today, 0);
  EXPECT_FALSE(next.avg_duration_seconds.has_value());
}

TEST(LiveStats, RestoreFromStore) {
  LiveStats s(Zone::Utc());
  const int64_t now = *ParseRfc3339("2024-01-15T12:00:00Z");
  TodayStats t;
  t.messages_today = 40;
  t.bot_latency_sum_ms = 3000;
  t.bot_latency_count = 3;
  t.sessions_started_today = 2;
  t.session_duration_sum_ms = 121'000;
  t.messages_per_second = {{now / 1000 - 10, 5}, {now / 1000 - 4000, 9}};
  s.Restore(t, Zone::Utc()->LocalDay(now), 17, now);
  auto f = s.Get(now);
  EXPECT_EQ(f.messages_today, 40);
  EXPECT_EQ(f.this_hour, 5);
  EXPECT_EQ(f.avg_response_ms, 1000);
  EXPECT_EQ(f.avg_duration_seconds, 61);  // 60.5 rounds half up
  EXPECT_EQ(f.peak_today, 17);
}

}  // namespace
}  // namespace botmon
