#include "export/line_protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "export/influx_exporter.h"

namespace botmon {
namespace {

std::string Line(const LinePoint& p) {
  std::string out;
  EXPECT_TRUE(AppendLine(p, &out));
  return out;
}

LinePoint Point(std::string measurement, std::vector<std::pair<std::string, std::string>> tags,
                std::vector<LineField> fields, int64_t t_ms = 1'700'000'000'000) {
  return LinePoint{std::move(measurement), std::move(tags), std::move(fields), t_ms};
}

TEST(LineProtocol, PlainPoint) {
  EXPECT_EQ(Line(Point("cpu.usage", {{"host", "bot-1"}}, {{"value", 12.5}})),
            "cpu.usage,host=bot-1 value=12.5 1700000000000\n");
}

TEST(LineProtocol, TagsSortedEmptyOmittedFirstDuplicateWins) {
  EXPECT_EQ(Line(Point("m", {{"z", "1"}, {"a", "2"}, {"m", ""}, {"", "x"}, {"a", "3"}},
                       {{"value", 1.0}})),
            "m,a=2,z=1 value=1 1700000000000\n");
}

TEST(LineProtocol, FieldTypes) {
  EXPECT_EQ(
      Line(Point(
          "m", {},
          {{"f", 0.1}, {"i", int64_t{-42}}, {"b", true}, {"c", false}, {"s", std::string("hi")}})),
      "m f=0.1,i=-42i,b=true,c=false,s=\"hi\" 1700000000000\n");
}

TEST(LineProtocol, FloatsRoundTripShortest) {
  std::string out;
  AppendFloatValue(1e20, &out);
  out += ' ';
  AppendFloatValue(1.5e-7, &out);
  out += ' ';
  AppendFloatValue(100.0, &out);
  out += ' ';
  AppendFloatValue(-0.3, &out);
  out += ' ';
  AppendFloatValue(1.0 / 3.0, &out);
  EXPECT_EQ(out, "1e+20 1.5e-07 100 -0.3 0.3333333333333333");
}

TEST(LineProtocol, EscapesMeasurement) {
  std::string out;
  AppendMeasurement("a b,c=d\"e", &out);
  EXPECT_EQ(out, "a\\ b\\,c=d\"e");
}

TEST(LineProtocol, EscapesKeysAndTagValues) {
  std::string out;
  AppendKey("a b,c=d\"e", &out);
  EXPECT_EQ(out, "a\\ b\\,c\\=d\"e");
  EXPECT_EQ(Line(Point("m", {{"mount", "/mnt/my disk"}, {"bot", "a=b,c"}}, {{"f k", 1.0}})),
            "m,bot=a\\=b\\,c,mount=/mnt/my\\ disk f\\ k=1 1700000000000\n");
}

TEST(LineProtocol, BackslashesPortable) {
  // Kept before an ordinary character; '/' where 1.x and 2.x would read it differently.
  std::string out;
  AppendKey("a\\b", &out);
  EXPECT_EQ(out, "a\\b");
  out.clear();
  AppendKey("a\\", &out);
  EXPECT_EQ(out, "a/");
  out.clear();
  AppendKey("a\\ b\\,c\\=d\\\\e", &out);
  EXPECT_EQ(out, "a/\\ b/\\,c/\\=d/\\e");
  out.clear();
  AppendMeasurement("m\\", &out);
  EXPECT_EQ(out, "m/");
}

TEST(LineProtocol, StringFieldEscapes) {
  std::string out;
  AppendStringValue("say \"hi\" \\ bye", &out);
  EXPECT_EQ(out, "\"say \\\"hi\\\" \\\\ bye\"");
}

TEST(LineProtocol, NewlinesAndControlCharactersBecomeSpaces) {
  EXPECT_EQ(Line(Point("a\nb", {{"t\r", "x\ny"}}, {{"s", std::string("l1\nl2\t")}})),
            "a\\ b,t\\ =x\\ y s=\"l1 l2 \" 1700000000000\n");
}

TEST(LineProtocol, NonFiniteFieldsSkipped) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Line(Point("m", {}, {{"a", nan}, {"b", 2.0}, {"c", -inf}})), "m b=2 1700000000000\n");
  std::string out = "keep\n";
  EXPECT_FALSE(AppendLine(Point("m", {}, {{"a", nan}, {"b", inf}}), &out));
  EXPECT_EQ(out, "keep\n");
}

TEST(LineProtocol, UnwritablePoints) {
  std::string out;
  EXPECT_FALSE(AppendLine(Point("", {}, {{"v", 1.0}}), &out));
  EXPECT_FALSE(AppendLine(Point("#comment", {}, {{"v", 1.0}}), &out));
  EXPECT_FALSE(AppendLine(Point("m", {{"host", "a"}}, {}), &out));
  EXPECT_FALSE(AppendLine(Point("m", {}, {{"", 1.0}}), &out));
  EXPECT_EQ(out, "");
}

TEST(LineProtocol, DuplicateFieldKeysFirstWins) {
  EXPECT_EQ(Line(Point("m", {}, {{"v", 1.0}, {"v", 2.0}})), "m v=1 1700000000000\n");
  // A skipped (non-finite) first value does not hide a later one.
  EXPECT_EQ(Line(Point("m", {}, {{"v", std::nan("")}, {"v", 2.0}})), "m v=2 1700000000000\n");
}

TEST(TickPoints, OnePointPerSampleWithDimensionsAsTags) {
  std::vector<TickValue> samples = {
      {SeriesKey{"cpu.usage", "bot-1", "", "", "", "", ""}, 12.5},
      {SeriesKey{"requests.count", "bot-1", "mybot", "whatsapp", "", "", ""}, 7},
      {SeriesKey{"disk.usage", "bot-1", "", "", "/data", "", ""}, 81.25},
      {SeriesKey{"gpu.usage", "bot-1", "", "", "", "0", ""}, 3},
      {SeriesKey{"service.up", "bot-1", "", "", "", "", "postgres"}, 1},
      {SeriesKey{"errors.rate", "bot-1", "", "", "", "", ""}, std::nan("")},
  };
  std::string out;
  for (const LinePoint& p : TickPoints(samples, 1000)) AppendLine(p, &out);
  EXPECT_EQ(out,
            "cpu.usage,host=bot-1 value=12.5 1000\n"
            "requests.count,bot=mybot,channel=whatsapp,host=bot-1 value=7 1000\n"
            "disk.usage,host=bot-1,mount=/data value=81.25 1000\n"
            "gpu.usage,gpu=0,host=bot-1 value=3 1000\n"
            "service.up,host=bot-1,service=postgres value=1 1000\n");
}

}  // namespace
}  // namespace botmon
