#include "core/json_escape.h"

#include <gtest/gtest.h>

#include <cmath>

namespace botmon {
namespace {

TEST(JsonEscape, EscapesSpecials) {
  EXPECT_EQ(JsonString("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  EXPECT_EQ(JsonString("olá 👋"), "\"olá 👋\"");
  EXPECT_EQ(JsonString("bad\xff"), "\"bad\xEF\xBF\xBD\"");
  EXPECT_EQ(JsonString("\xc3"), "\"\xEF\xBF\xBD\"");  // truncated sequence
  EXPECT_EQ(JsonString("\xed\xa0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST(JsonEscape, Numbers) {
  std::string s;
  AppendJsonNumber(&s, 12.3);
  s += ',';
  AppendJsonNumber(&s, 3);
  s += ',';
  AppendJsonNumber(&s, -0.0);
  s += ',';
  AppendJsonNumber(&s, NAN);
  EXPECT_EQ(s, "12.3,3,0,null");
  s.clear();
  AppendJsonFixed1(&s, 61);
  s += ',';
  AppendJsonFixed1(&s, 12.345);
  EXPECT_EQ(s, "61.0,12.3");
}

}  // namespace
}  // namespace botmon
