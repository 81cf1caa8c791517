#include "auth/login_limiter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace botmon {
namespace {

TEST(LoginLimiterTest, FiveFailuresPerMinutePerIpAndUser) {
  LoginLimiter l;
  int64_t t = 1'000'000;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(l.RetryAfterMs("10.0.0.1", "ann", t), 0) << i;
    l.Failure("10.0.0.1", "ann", t + i);
  }
  EXPECT_GT(l.RetryAfterMs("10.0.0.1", "ann", t + 10), 0);
  EXPECT_LE(l.RetryAfterMs("10.0.0.1", "ann", t + 10), LoginLimiter::kWindowMs);
  // Another user from that IP, and that user from another IP, are not blocked.
  EXPECT_EQ(l.RetryAfterMs("10.0.0.1", "bob", t + 10), 0);
  EXPECT_EQ(l.RetryAfterMs("10.0.0.2", "ann", t + 10), 0);
  // A minute after the first failure, one more attempt is allowed.
  EXPECT_EQ(l.RetryAfterMs("10.0.0.1", "ann", t + LoginLimiter::kWindowMs), 0);
}

TEST(LoginLimiterTest, PerIpCapAcrossNames) {
  LoginLimiter l;
  const int64_t t = 5'000'000;
  for (int i = 0; i < LoginLimiter::kPerIp; ++i) l.Failure("10.0.0.9", "u" + std::to_string(i), t);
  EXPECT_GT(l.RetryAfterMs("10.0.0.9", "fresh-name", t + 1), 0);
  EXPECT_EQ(l.RetryAfterMs("10.0.0.8", "fresh-name", t + 1), 0);
}

// Failures keep coming, one a second, well past the cap: the per-IP window keeps only the
// last kPerIp of them in place, and the wait is always until the oldest of those is a minute old.
TEST(LoginLimiterTest, ALongStreamOfFailuresWaitsForTheOldestCounted) {
  LoginLimiter l;
  const int64_t t0 = 9'000'000;
  for (int i = 0; i < 3 * LoginLimiter::kPerIp; ++i) {
    const int64_t t = t0 + i * 1'000;
    l.Failure("10.1.1.1", "n" + std::to_string(i), t);
    const int counted = std::min(i + 1, LoginLimiter::kPerIp);
    const int64_t wait = l.RetryAfterMs("10.1.1.1", "other", t);
    if (counted < LoginLimiter::kPerIp) {
      EXPECT_EQ(wait, 0) << i;
    } else {
      // The oldest of the last kPerIp failures was at t - (kPerIp - 1) s.
      EXPECT_EQ(wait, LoginLimiter::kWindowMs - (LoginLimiter::kPerIp - 1) * 1'000) << i;
    }
  }
}

TEST(LoginLimiterTest, SuccessClearsThePairOnly) {
  LoginLimiter l;
  for (int i = 0; i < 4; ++i) l.Failure("1.2.3.4", "ann", 100);
  l.Success("1.2.3.4", "ann");
  for (int i = 0; i < 4; ++i) l.Failure("1.2.3.4", "ann", 200);
  EXPECT_EQ(l.RetryAfterMs("1.2.3.4", "ann", 300), 0);
}

TEST(LoginLimiterTest, ClientIpDropsThePort) {
  EXPECT_EQ(ClientIp("127.0.0.1:5555"), "127.0.0.1");
  EXPECT_EQ(ClientIp("[::1]:5555"), "::1");
  EXPECT_EQ(ClientIp("::1"), "::1");
  EXPECT_EQ(ClientIp(""), "");
}

}  // namespace
}  // namespace botmon
