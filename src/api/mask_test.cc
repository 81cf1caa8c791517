#include "api/mask.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(MaskUser, SeedExamples) {
  EXPECT_EQ(MaskUser("+5511999888777"), "+55•••••••8777");
  EXPECT_EQ(MaskUser("john@acme.com"), "j•••@acme.com");
}

TEST(MaskUser, OtherShapes) {
  EXPECT_EQ(MaskUser("5511999888777"), "55•••••••8777");
  EXPECT_EQ(MaskUser("@alice_tg"), "@•••••••g");
  EXPECT_EQ(MaskUser("bob"), "•••");
  EXPECT_EQ(MaskUser("ab"), "••");
  EXPECT_EQ(MaskUser("joão"), "j••o");
  EXPECT_EQ(MaskUser(""), "");
  EXPECT_EQ(MaskUser("a@b.c"), "a@b.c");  // nothing but the first character to hide
}

TEST(MaskUser, NeverLeaksTheMiddle) {
  for (std::string u : {"+1 (555) 123-4567", "user-123456789", "xy@very-long-domain.example"}) {
    std::string m = MaskUser(u);
    EXPECT_NE(m, u);
    EXPECT_NE(m.find("•"), std::string::npos);
  }
}

}  // namespace
}  // namespace botmon
