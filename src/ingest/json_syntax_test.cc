#include "ingest/json_syntax.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(JsonSyntax, AcceptsValidDocuments) {
  for (const char* doc :
       {"{}", "[]", " [ ] ", "0", "-0", "-1.5e+10", "1E-2", "true", "false", "null", "\"\"",
        R"({"a":[1,{"b":null},"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"]})",
        "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"",
        "\t\r\n{ \"a\" : 1 , \"b\" : [ true , false ] }\n"}) {
    JsonSyntaxError e;
    EXPECT_TRUE(CheckJson(doc, &e)) << doc << ": " << e.message << " at " << e.offset;
  }
}

TEST(JsonSyntax, ReportsFirstErrorWithOffset) {
  const struct {
    const char* doc;
    size_t offset;
    const char* message;
  } cases[] = {
      {"", 0, "unexpected end of input: expected a value"},
      {"[1 2]", 3, "expected ',' or ']' after an array element"},
      {"{\"a\":1 \"b\":2}", 7, "expected ',' or '}' after an object member"},
      {"{\"a\" 1}", 5, "expected ':' after an object key"},
      {"{1:2}", 1, "expected a string key"},
      {"{\"a\":1,}", 7, "expected a string key"},
      {"[1,]", 3, "expected a value"},
      {"[01]", 1, "invalid number (leading zero)"},
      {"[1.]", 1, "invalid number"},
      {"[-]", 1, "invalid number"},
      {"[1e+]", 1, "invalid number"},
      {"[tru]", 1, "invalid literal"},
      {"[\"abc", 1, "unterminated string"},
      {"[\"a\\x\"]", 3, "invalid escape in a string"},
      {"[\"\\u12G4\"]", 2, "invalid \\u escape (expected 4 hex digits)"},
      {"[\"\\udc00\"]", 2, "lone low surrogate in a \\u escape"},
      {"[\"\\ud800x\"]", 2, "lone high surrogate in a \\u escape"},
      {"[\"\\ud800\\u0041\"]", 2, "lone high surrogate in a \\u escape"},
      {"[\"a\tb\"]", 3, "control character in a string (must be escaped)"},
      {"[\"\xC0\x80\"]", 2, "invalid UTF-8"},          // overlong NUL
      {"[\"\xED\xA0\x80\"]", 2, "invalid UTF-8"},      // encoded surrogate
      {"[\"\xF4\x90\x80\x80\"]", 2, "invalid UTF-8"},  // above U+10FFFF
      {"[\"\xE2\x82\"]", 2, "invalid UTF-8"},          // truncated
      {"[1] 2", 4, "unexpected characters after the JSON value"},
      {"[[[", 3, "unexpected end of input: expected a value"},
      {"[[1]", 4, "unexpected end of input: expected ',' or ']'"},
      {"{\"a\":1", 6, "unexpected end of input: expected ',' or '}'"},
  };
  for (const auto& c : cases) {
    JsonSyntaxError e;
    EXPECT_FALSE(CheckJson(c.doc, &e)) << c.doc;
    EXPECT_EQ(e.offset, c.offset) << c.doc;
    EXPECT_EQ(e.message, c.message) << c.doc;
  }
}

TEST(JsonSyntax, ScansOneValueInsideADocument) {
  const std::string doc = R"({"x": [1, {"y": "}"}] , "z": 2})";
  size_t end = 0;
  JsonSyntaxError e;
  ASSERT_TRUE(ScanJsonValue(doc, 5, &end, &e));
  EXPECT_EQ(doc.substr(5, end - 5), R"( [1, {"y": "}"}])");
}

TEST(JsonSyntax, DeepNestingIsIterative) {
  const size_t depth = 1'000'000;
  JsonSyntaxError e;
  EXPECT_TRUE(CheckJson(std::string(depth, '[') + std::string(depth, ']'), &e));
  EXPECT_FALSE(CheckJson(std::string(depth, '[') + std::string(depth - 1, ']'), &e));
  EXPECT_EQ(e.offset, 2 * depth - 1);
}

}  // namespace
}  // namespace botmon
