#include "store/fts_query.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace botmon {
namespace {

TEST(FtsQuery, QuotesEachWordAndPrefixesTheLast) {
  EXPECT_EQ(BuildFtsQuery("order stat"), "\"order\" \"stat\"*");
  EXPECT_EQ(BuildFtsQuery("  ORD-12345 "), "\"ORD-12345\"*");
  EXPECT_EQ(BuildFtsQuery(""), "");
  EXPECT_EQ(BuildFtsQuery("   "), "");
}

TEST(FtsQuery, NeverExposesSyntax) {
  EXPECT_EQ(BuildFtsQuery("a\"b OR NEAR(x"), "\"a\"\"b\" \"OR\" \"NEAR(x\"*");
  std::string many;
  for (int i = 0; i < 100; ++i) many += "w ";
  std::string q = BuildFtsQuery(many);
  EXPECT_EQ(std::count(q.begin(), q.end(), ' '), 31);
}

}  // namespace
}  // namespace botmon
