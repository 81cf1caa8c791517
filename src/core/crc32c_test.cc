#include "core/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace botmon {
namespace {

TEST(Crc32c, KnownVectors) {
  // RFC 3720 B.4 and the classic check value.
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32c, HardwareMatchesPortable) {
  std::mt19937 rng(7);
  for (int len = 0; len < 300; ++len) {
    std::string s(static_cast<size_t>(len), '\0');
    for (char& c : s) c = static_cast<char>(rng());
    EXPECT_EQ(Crc32c(s), Crc32cPortable(s)) << len;
  }
}

}  // namespace
}  // namespace botmon
