// InfluxDB line protocol encoding (https://docs.influxdata.com/influxdb/v1.6/write_protocols/
// line_protocol_reference/ and .../influxdb/v2/reference/syntax/line-protocol/):
//
//   <measurement>[,<tag_key>=<tag_value>...] <field_key>=<field_value>[,...] <timestamp>
//
// Escaping, chosen so that InfluxDB 1.x and 2.x read back exactly what was written:
//  - measurement: ',' and ' ' are escaped with a backslash;
//  - tag keys, tag values and field keys: ',', '=' and ' ' are escaped with a backslash;
//  - string field values are double-quoted, with '"' and '\' escaped;
//  - a backslash in a name or tag value is written as is when another character follows it
//    (both versions read it literally); before ' ', ',', '=', '\' or at the end it cannot be
//    written portably (1.x never unescapes "\\" in tags, 2.x does) and becomes '/';
//  - line protocol cannot carry newlines in names or values (the docs above): every control
//    character (U+0000..U+001F, U+007F) becomes a space, which is then escaped as above.
// Empty tag keys or values are omitted (InfluxDB rejects empty tag values); tags are written
// sorted by key (the docs' performance tip), the first of duplicate keys wins. Float fields that
// are NaN or infinite are skipped (line protocol has no representation for them); a point left
// without a field, or whose measurement is empty or starts with '#' (a comment line), is not
// written at all. Floats use the shortest text that reads back to the same double ("0.1",
// "1e+20"); integers get the "i" suffix. Timestamps are milliseconds: write with precision=ms.
//
// Pure functions; thread-safe.
#ifndef BOTMON_EXPORT_LINE_PROTOCOL_H_
#define BOTMON_EXPORT_LINE_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace botmon {

struct LineField {
  std::string key;
  std::variant<double, int64_t, bool, std::string> value;
};

// One point: a measurement, its tags, at least one field, and a time in ms since the epoch.
struct LinePoint {
  std::string measurement;
  std::vector<std::pair<std::string, std::string>> tags;  // key, value
  std::vector<LineField> fields;
  int64_t t_ms = 0;
};

// Appends the point's line, terminated by '\n', to *out. Returns false and appends nothing when
// the point cannot be written (see above: no writable field, empty or '#' measurement).
bool AppendLine(const LinePoint& point, std::string* out);

// The escaping primitives, appended to *out.
void AppendMeasurement(std::string_view name, std::string* out);
// Tag keys, tag values and field keys.
void AppendKey(std::string_view key, std::string* out);
// A string field value with its quotes.
void AppendStringValue(std::string_view value, std::string* out);
// A float field value (REQUIRES: finite).
void AppendFloatValue(double value, std::string* out);

}  // namespace botmon

#endif  // BOTMON_EXPORT_LINE_PROTOCOL_H_
