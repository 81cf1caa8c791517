// HMAC-SHA256 and the X-Botmon-Signature header.
#include "notify/signature.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(Signature, HmacSha256KnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signature, HeaderFormat) {
  const std::string h = WebhookSignature("s3cret", 1705329130, R"({"event":"test"})");
  EXPECT_EQ(h, "t=1705329130,v1=" + HmacSha256Hex("s3cret", R"(1705329130.{"event":"test"})"));
  EXPECT_EQ(h.size(), std::string("t=1705329130,v1=").size() + 64);
}

TEST(Signature, Verify) {
  const std::string body = R"({"event":"incident.opened"})";
  const std::string h = WebhookSignature("k", 1000, body);
  EXPECT_TRUE(VerifyWebhookSignature("k", h, body, 1000).ok());
  EXPECT_TRUE(VerifyWebhookSignature("k", h, body, 1300).ok());
  EXPECT_EQ(VerifyWebhookSignature("k", h, body, 1301).message(),
            "X-Botmon-Signature: timestamp 1000 is more than 300 s from now");
  EXPECT_EQ(VerifyWebhookSignature("other", h, body, 1000).message(),
            "X-Botmon-Signature: v1 does not match the body");
  EXPECT_EQ(VerifyWebhookSignature("k", h, body + " ", 1000).message(),
            "X-Botmon-Signature: v1 does not match the body");
  EXPECT_EQ(VerifyWebhookSignature("k", "v1=abc", body, 1000).message(),
            "X-Botmon-Signature: expected \"t=<seconds>,v1=<hex>\"");
  EXPECT_EQ(VerifyWebhookSignature("k", "t=x1,v1=abc", body, 1000).message(),
            "X-Botmon-Signature: t is not a number of seconds");
}

}  // namespace
}  // namespace botmon
