#include "probe/reply_parse.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(JsonPath, ParsesAndEvaluates) {
  auto doc = nlohmann::json::parse(
      R"({"a": {"b": [10, {"c": "x"}]}, "odd key": true, "n": null, "f": 1.5})");
  auto eval = [&](const char* p) -> std::string {
    StatusOr<std::vector<JsonPathStep>> s = ParseJsonPath(p);
    EXPECT_TRUE(s.ok()) << p << ": " << s.status().message();
    if (!s.ok()) return "<bad>";
    const nlohmann::json* v = EvalJsonPath(doc, *s);
    return v ? JsonValueText(*v) : "<missing>";
  };
  EXPECT_EQ(eval("$.a.b[0]"), "10");
  EXPECT_EQ(eval("$.a.b[1].c"), "x");
  EXPECT_EQ(eval("$['odd key']"), "true");
  EXPECT_EQ(eval("$[\"a\"].b[1][\"c\"]"), "x");
  EXPECT_EQ(eval("$.n"), "null");
  EXPECT_EQ(eval("$.f"), "1.5");
  EXPECT_EQ(eval("$.a.b[2]"), "<missing>");
  EXPECT_EQ(eval("$.a.b.c"), "<missing>");
  EXPECT_EQ(eval("$.a"), R"({"b":[10,{"c":"x"}]})");
}

TEST(JsonPath, RejectsBadSyntax) {
  auto err = [](const char* p) { return ParseJsonPath(p).status().message(); };
  EXPECT_EQ(err("a.b"), "\"a.b\" must start with $ (e.g. $.status)");
  EXPECT_EQ(err("$."), "\"$.\": expected a member name at character 3");
  EXPECT_EQ(err("$[x]"), "\"$[x]\": expected an index or a quoted name at character 3");
  EXPECT_EQ(err("$['a"), "\"$['a\": unterminated quoted name at character 5");
  EXPECT_EQ(err("$[1"), "\"$[1\": expected ] at character 4");
  EXPECT_EQ(err("$a"), "\"$a\": expected . or [ at character 2");
  EXPECT_EQ(err(std::string(300, '$').c_str()), "longer than 256 characters");
  std::string deep = "$";
  for (int i = 0; i < 40; ++i) deep += ".a";
  EXPECT_EQ(err(deep.c_str()).substr(0, 1), "\"");
}

TEST(JsonReply, ParseErrorSaysWhere) {
  EXPECT_EQ(ParseJsonReply("{\"a\": ").status().message(), "not JSON: syntax error at byte 7");
  EXPECT_EQ(ParseJsonReply("<html>").status().message(), "not JSON: syntax error at byte 1");
  EXPECT_TRUE(ParseJsonReply("[1]").ok());
}

TEST(PrometheusText, ParsesSamplesAndLabels) {
  // Shape from https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-example
  const char* text =
      "# HELP minio_bucket_usage_total_bytes Total bucket size in bytes\n"
      "# TYPE minio_bucket_usage_total_bytes gauge\n"
      "minio_bucket_usage_total_bytes{bucket=\"a\",server=\"127.0.0.1:9000\"} 1.5e3\n"
      "minio_bucket_usage_total_bytes{bucket=\"b \\\"q\\\"\"} 500 1700000000000\n"
      "\n"
      "up 1\r\n"
      "x_nan NaN\n"
      "x_inf{le=\"+Inf\",} +Inf\n";
  StatusOr<std::vector<PromSample>> s = ParsePrometheusText(text);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->size(), 5u);
  EXPECT_EQ((*s)[0].name, "minio_bucket_usage_total_bytes");
  EXPECT_EQ((*s)[0].Label("bucket"), "a");
  EXPECT_EQ((*s)[0].Label("server"), "127.0.0.1:9000");
  EXPECT_EQ((*s)[0].value, 1500);
  EXPECT_EQ((*s)[1].Label("bucket"), "b \"q\"");
  EXPECT_EQ((*s)[2].name, "up");
  EXPECT_TRUE(std::isnan((*s)[3].value));
  EXPECT_TRUE(std::isinf((*s)[4].value));
  EXPECT_EQ((*s)[4].Label("le"), "+Inf");
}

TEST(PrometheusText, ErrorsNameTheLine) {
  auto err = [](const char* t) { return ParsePrometheusText(t).status().message(); };
  EXPECT_EQ(err("up 1\n<html>\n"), "metrics line 2: expected a metric name, got \"<html>\"");
  EXPECT_EQ(err("up one\n"), "metrics line 1: \"one\" is not a number");
  EXPECT_EQ(err("up{a=\"1} 1\n"), "metrics line 1: unterminated value of label a");
  EXPECT_EQ(err("up{a=1} 1\n"), "metrics line 1: expected a quoted value for a");
  EXPECT_EQ(err("up\n"), "metrics line 1: expected a value after up");
  EXPECT_EQ(err("up 1 2 3\n"), "metrics line 1: unexpected text after the value of up");
}

TEST(Figures, Format) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(-3), "0");
  EXPECT_EQ(FormatCount(156), "156");
  EXPECT_EQ(FormatCount(2450), "2,450");
  EXPECT_EQ(FormatCount(245000), "245,000");
  EXPECT_EQ(FormatCount(1'234'567), "1.2M");
  EXPECT_EQ(FormatCount(3.4e9), "3.4B");
  EXPECT_EQ(FormatRate(0.5), "0.5");
  EXPECT_EQ(FormatRate(2450.4), "2,450");
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1500), "1.5 KB");
  EXPECT_EQ(FormatBytes(45.2e9), "45.2 GB");
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(PercentEncode("a b/c~"), "a%20b%2Fc~");
}

}  // namespace
}  // namespace botmon
