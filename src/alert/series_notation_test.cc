#include "alert/series_notation.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

using V = std::vector<std::optional<double>>;
constexpr std::nullopt_t _ = std::nullopt;

V Expand(std::string_view text) {
  auto v = ExpandSeriesValues(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().message();
  return v.ok() ? *v : V{};
}

std::string ErrorOf(std::string_view text, size_t max = kMaxSeriesSamples) {
  auto v = ExpandSeriesValues(text, max);
  EXPECT_FALSE(v.ok()) << text;
  return v.ok() ? "" : v.status().message();
}

TEST(SeriesNotation, PromtoolExamples) {
  // The examples of promtool's documentation, exactly.
  EXPECT_EQ(Expand("-2+4x3"), (V{-2, 2, 6, 10}));
  EXPECT_EQ(Expand(" 1-2x4"), (V{1, -1, -3, -5, -7}));
  EXPECT_EQ(Expand(" 1x4"), (V{1, 1, 1, 1, 1}));
  EXPECT_EQ(Expand(" 1 _x3 stale"), (V{1, _, _, _, _}));
  EXPECT_EQ(Expand("1 3 _ 5 _x4"), (V{1, 3, _, 5, _, _, _, _}));
  EXPECT_EQ(Expand("1 2 3-0x4"), (V{1, 2, 3, 3, 3, 3, 3}));
  EXPECT_EQ(Expand("10+10x2 30+20x5"), (V{10, 20, 30, 30, 50, 70, 90, 110, 130}));
}

TEST(SeriesNotation, SpecExampleAndNumbers) {
  V v = Expand("50x12 95x30 40x20");
  ASSERT_EQ(v.size(), 13u + 31u + 21u);
  EXPECT_EQ(v[12], 50);
  EXPECT_EQ(v[13], 95);
  EXPECT_EQ(v[44], 40);
  EXPECT_EQ(Expand("1.5 -0.25 +3 1e3 2.5e-1x1"), (V{1.5, -0.25, 3, 1000, 0.25, 0.25}));
  EXPECT_EQ(Expand("  \t\n"), V{});
  // Added step by step, as promtool does.
  V f = Expand("0+0.1x3");
  double x = 0;
  for (size_t i = 0; i < f.size(); ++i, x += 0.1) EXPECT_EQ(f[i], x);
}

TEST(SeriesNotation, MalformedItemsAreNamed) {
  EXPECT_EQ(ErrorOf("1 2 95y30"), "item 3 \"95y30\": expected a number, _, axn, a+bxn or a-bxn");
  EXPECT_NE(ErrorOf("-3-3 -3").find("item 1 \"-3-3\": expected x and a count"), std::string::npos);
  EXPECT_NE(ErrorOf("-3 _-2").find("item 2"), std::string::npos);
  EXPECT_NE(ErrorOf("3+3x4-4").find("item 1"), std::string::npos);
  EXPECT_NE(ErrorOf("1x").find("the count after x must be a whole number"), std::string::npos);
  EXPECT_NE(ErrorOf("1x-2").find("whole number"), std::string::npos);
  EXPECT_NE(ErrorOf("1+x3").find("expected a number after +"), std::string::npos);
  ErrorOf("inf");
  ErrorOf("NaN");
  ErrorOf("1e999");
  ErrorOf("_a4");
  ErrorOf("x3");
  ErrorOf("1,2");
  EXPECT_NE(ErrorOf("1e308+1e308x3").find("overflow"), std::string::npos);
}

TEST(SeriesNotation, LengthIsLimitedBeforeExpanding) {
  EXPECT_EQ(ErrorOf("1x99999999999", 1000), "more than 1000 samples in one series");
  EXPECT_EQ(ErrorOf("_x1001", 1000), "more than 1000 samples in one series");
  EXPECT_EQ(ErrorOf("1x500 1x500", 1000), "more than 1000 samples in one series");
  EXPECT_EQ(Expand("1x999").size(), 1000u);
}

TEST(SeriesNotation, Selectors) {
  auto k = ParseSeriesSelector("cpu.usage{host=\"a\"}");
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ(k->field, "cpu.usage");
  EXPECT_EQ(k->host, "a");
  k = ParseSeriesSelector(" errors.count{ host='h 1', bot=\"x\\\"y\", channel=\"web\" } ");
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ(k->host, "h 1");
  EXPECT_EQ(k->bot, "x\"y");
  EXPECT_EQ(k->channel, "web");
  k = ParseSeriesSelector("my.gauge{host=\"a\",bot=\"b\"}");
  ASSERT_TRUE(k.ok());

  auto err = [](std::string_view s) {
    auto r = ParseSeriesSelector(s);
    EXPECT_FALSE(r.ok()) << s;
    return r.ok() ? "" : r.status().message();
  };
  EXPECT_EQ(err("cpu.usage{mount=\"/\",host=\"a\"}"),
            "cpu.usage has no dimension \"mount\" (it has host)");
  EXPECT_EQ(err("cpu.usage"), "every series needs a host (e.g. cpu.usage{host=\"a\"})");
  EXPECT_EQ(err("cpu.usage{host=a}"), "host: the value must be quoted (\"...\")");
  EXPECT_EQ(err("cpu.usage{host=\"a\""), "missing the closing }");
  EXPECT_EQ(err("cpu.usage{host=\"a}"), "host: unterminated value");
  EXPECT_EQ(err("cpu.usage{host=\"a\",host=\"b\"}"), "host: given twice");
  EXPECT_EQ(err("cpu.usage{host=\"a\"} x"), "unexpected text after }");
  EXPECT_EQ(err("cpu.usage{host}"), "expected dimension=\"value\" after {");
  EXPECT_NE(err("CPU{host=\"a\"}").find("is not a field"), std::string::npos);
  EXPECT_NE(err(std::string(2000, 'a')).find("longer than"), std::string::npos);
}

}  // namespace
}  // namespace botmon
