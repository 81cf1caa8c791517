#include "http/gzip.h"

#include <gtest/gtest.h>

namespace botmon::http_internal {
namespace {

TEST(GunzipLimited, RoundTrips) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "event " + std::to_string(i) + "\n";
  const std::string gz = GzipForTest(text);
  ASSERT_FALSE(gz.empty());
  std::string out;
  ASSERT_EQ(GunzipLimited(gz, text.size(), &out), InflateResult::kOk);
  EXPECT_EQ(out, text);
}

TEST(GunzipLimited, ExactLimitPassesOneMoreByteFails) {
  const std::string text(100'000, 'x');
  const std::string gz = GzipForTest(text);
  std::string out;
  EXPECT_EQ(GunzipLimited(gz, 100'000, &out), InflateResult::kOk);
  EXPECT_EQ(GunzipLimited(gz, 99'999, &out), InflateResult::kTooLarge);
}

TEST(GunzipLimited, BombStopsAtTheLimit) {
  const std::string huge(64 << 20, '\0');  // 64 MiB of zeros: ~64 KB compressed
  const std::string gz = GzipForTest(huge);
  ASSERT_LT(gz.size(), 100'000u);
  std::string out;
  EXPECT_EQ(GunzipLimited(gz, 1 << 20, &out), InflateResult::kTooLarge);
  EXPECT_LE(out.capacity(), (2u << 20) + 1);  // never grew towards 64 MiB
}

TEST(GunzipLimited, ConcatenatedMembers) {
  const std::string gz = GzipForTest("hello ") + GzipForTest("world");
  std::string out;
  ASSERT_EQ(GunzipLimited(gz, 100, &out), InflateResult::kOk);
  EXPECT_EQ(out, "hello world");
}

TEST(GunzipLimited, CorruptInputs) {
  std::string out;
  EXPECT_EQ(GunzipLimited("", 100, &out), InflateResult::kCorrupt);
  EXPECT_EQ(GunzipLimited("not gzip at all", 100, &out), InflateResult::kCorrupt);
  const std::string gz = GzipForTest(std::string(10'000, 'a'));
  EXPECT_EQ(GunzipLimited(gz.substr(0, gz.size() / 2), 100'000, &out), InflateResult::kCorrupt);
  EXPECT_EQ(GunzipLimited(gz.substr(0, gz.size() - 1), 100'000, &out), InflateResult::kCorrupt);
  std::string flipped = gz;
  flipped[flipped.size() - 6] ^= 0x55;  // CRC32
  EXPECT_EQ(GunzipLimited(flipped, 100'000, &out), InflateResult::kCorrupt);
  EXPECT_EQ(GunzipLimited(gz + "junk", 100'000, &out), InflateResult::kCorrupt);
}

}  // namespace
}  // namespace botmon::http_internal
