#include "config/csv.h"

#include <gtest/gtest.h>

#include <string>

namespace botmon {
namespace {

std::vector<CsvEntry> MustParse(std::string_view text) {
  auto r = ParseConfigCsv(text, "config.csv");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<CsvEntry>{};
}

std::string ErrorOf(std::string_view text) {
  auto r = ParseConfigCsv(text, "bots/config.csv");
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(ConfigCsv, ParsesLinesWithoutHeader) {
  auto e = MustParse("alert-cpu-threshold,80\nalert-email,ops@example.com\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].key, "alert-cpu-threshold");
  EXPECT_EQ(e[0].value, "80");
  EXPECT_EQ(e[0].line, 1);
  EXPECT_EQ(e[1].key, "alert-email");
  EXPECT_EQ(e[1].value, "ops@example.com");
  EXPECT_EQ(e[1].line, 2);
}

TEST(ConfigCsv, SkipsHeaderRowCaseInsensitively) {
  for (std::string header : {"key,value", "KEY,Value", "name,value", " Name , VALUE "}) {
    auto e = MustParse(header + "\nalert-cpu-threshold,80");
    ASSERT_EQ(e.size(), 1u) << header;
    EXPECT_EQ(e[0].key, "alert-cpu-threshold");
    EXPECT_EQ(e[0].line, 2);
  }
}

TEST(ConfigCsv, HeaderIsOnlyTheFirstRow) {
  auto e = MustParse("a,1\nkey,value\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].key, "key");
  EXPECT_EQ(e[1].value, "value");
}

TEST(ConfigCsv, HeaderAfterBlankLinesIsStillTheHeader) {
  auto e = MustParse("\n\nkey,value\na,1\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].key, "a");
  EXPECT_EQ(e[0].line, 4);
}

TEST(ConfigCsv, QuotedFieldsHoldCommasQuotesAndNewlines) {
  auto e = MustParse(
      "\"alert-email\",\"a@x.com;b@y.com\"\n"
      "greeting,\"Hello, \"\"world\"\"\"\n"
      "multi,\"line one\nline two\r\nline three\"\n"
      "after,1\n");
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].key, "alert-email");
  EXPECT_EQ(e[0].value, "a@x.com;b@y.com");
  EXPECT_EQ(e[1].value, "Hello, \"world\"");
  EXPECT_EQ(e[2].value, "line one\nline two\nline three");
  EXPECT_EQ(e[2].line, 3);
  EXPECT_EQ(e[3].key, "after");
  EXPECT_EQ(e[3].line, 6);  // the quoted value spans lines 3-5
}

TEST(ConfigCsv, EmptyQuotedValueAndSpacesAroundQuotes) {
  auto e = MustParse("a,\"\"\nb , \"x y\" \n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].value, "");
  EXPECT_EQ(e[1].key, "b");
  EXPECT_EQ(e[1].value, "x y");
}

TEST(ConfigCsv, SkipsUtf8Bom) {
  auto e = MustParse("\xEF\xBB\xBFkey,value\nalert-cpu-threshold,80\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].key, "alert-cpu-threshold");
}

TEST(ConfigCsv, AcceptsCrlfLfAndMixedLineEnds) {
  auto e = MustParse("a,1\r\nb,2\nc,3\r\nd,4");
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].value, "1");
  EXPECT_EQ(e[1].value, "2");
  EXPECT_EQ(e[2].value, "3");
  EXPECT_EQ(e[3].value, "4");
  EXPECT_EQ(e[3].line, 4);
}

TEST(ConfigCsv, SkipsBlankLinesAndEmptyRows) {
  auto e = MustParse("\n   \na,1\n\r\n,\n,,\nb,2\n\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].line, 3);
  EXPECT_EQ(e[1].key, "b");
  EXPECT_EQ(e[1].line, 7);
}

TEST(ConfigCsv, OneFieldIsAKeyWithAnEmptyValue) {
  auto e = MustParse("alert-email\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].key, "alert-email");
  EXPECT_EQ(e[0].value, "");
}

TEST(ConfigCsv, TrimsUnquotedFields) {
  auto e = MustParse("  alert-cpu-threshold \t,  80  \n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].key, "alert-cpu-threshold");
  EXPECT_EQ(e[0].value, "80");
}

TEST(ConfigCsv, EmptyInputHasNoEntries) {
  EXPECT_TRUE(MustParse("").empty());
  EXPECT_TRUE(MustParse("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(MustParse("key,value\r\n").empty());
}

TEST(ConfigCsv, MoreThanTwoFieldsIsAnErrorWithLine) {
  EXPECT_EQ(ErrorOf("a,1\nalert-email,a@x.com,b@y.com\n"),
            "bots/config.csv:2: 3 fields; a line is key,value (quote a value that contains "
            "commas)");
}

TEST(ConfigCsv, UnterminatedQuoteIsAnErrorAtTheOpeningLine) {
  EXPECT_EQ(ErrorOf("a,1\nb,\"never closed\nc,3\n"),
            "bots/config.csv:2: unterminated quoted field (a \" opened here is never closed)");
}

TEST(ConfigCsv, TextAfterAClosingQuoteIsAnError) {
  std::string err = ErrorOf("a,\"x\"y\n");
  EXPECT_EQ(err, "bots/config.csv:1: unexpected text after a closing quote");
}

TEST(ConfigCsv, EmptyKeyIsAnError) {
  EXPECT_EQ(ErrorOf("a,1\n,80\n"), "bots/config.csv:2: empty key");
}

TEST(ConfigCsv, InvalidUtf8IsAnError) {
  EXPECT_EQ(ErrorOf("a,1\nb,\xC3\x28\n"), "bots/config.csv:2: invalid UTF-8");
  EXPECT_EQ(ErrorOf("b,\xE2\x82\n"), "bots/config.csv:1: invalid UTF-8");  // truncated
  EXPECT_EQ(ErrorOf("b,\xC0\xAF\n"), "bots/config.csv:1: invalid UTF-8");  // overlong
}

TEST(ConfigCsv, ValidUtf8IsKept) {
  auto e = MustParse("greeting,\"Olá ☃ 𝄞\"\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].value, "Olá ☃ 𝄞");
}

TEST(ConfigCsv, RejectsMoreThanOneMiB) {
  std::string big = "key,value\n";
  while (big.size() <= kMaxConfigCsvBytes) big += "alert-email,someone@example.com\n";
  std::string err = ErrorOf(big);
  EXPECT_NE(err.find("bots/config.csv: larger than 1 MiB"), std::string::npos) << err;
}

TEST(ConfigCsv, AcceptsExactlyOneMiB) {
  std::string text = "a,";
  text += std::string(kMaxConfigCsvBytes - text.size(), 'x');
  auto e = MustParse(text);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].value.size(), kMaxConfigCsvBytes - 2);
}

}  // namespace
}  // namespace botmon
