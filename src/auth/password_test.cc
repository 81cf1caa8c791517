#include "auth/password.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace botmon {
namespace {

TEST(PasswordTest, HashesWithArgon2idAndVerifies) {
  auto h = HashPassword("correct horse");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_EQ(h->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*h, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horsf"));
  EXPECT_FALSE(VerifyPassword(*h, ""));
  // The same password hashes differently (a random salt each time).
  auto h2 = HashPassword("correct horse");
  ASSERT_TRUE(h2.ok());
  EXPECT_NE(*h, *h2);
}

TEST(PasswordTest, MalformedHashIsAMismatch) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "x"));
  EXPECT_FALSE(VerifyPassword(std::string(500, 'a'), "x"));
  DummyVerifyPassword("anything");  // must not crash, whatever the input
}

TEST(PasswordTest, ConcurrentVerificationsAreSerializedAndCorrect) {
  auto h = HashPassword("pw-123456");
  ASSERT_TRUE(h.ok());
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { ok[i] = VerifyPassword(*h, i % 2 ? "pw-123456" : "nope"); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, (std::vector<int>{0, 1, 0, 1}));
}

TEST(PasswordTest, GeneratedPasswordsAreLongAndDistinct) {
  const std::string a = GeneratePassword(), b = GeneratePassword();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
  EXPECT_GE(a.size(), kMinPasswordLength);
}

}  // namespace
}  // namespace botmon
