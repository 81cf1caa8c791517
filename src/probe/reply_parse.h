// Parsing helpers for probe replies and the key-figure formats of the seed's Service Health table
// (SPEC 8): a small JSON path ("$.a.b[0]"), the Prometheus text exposition format (MinIO,
// InfluxDB 2 /metrics) and number formatting ("1.2M vectors", "45.2 GB", "2,450 pts/sec").
//
// Every parser has limits and says where it failed. Pure functions; thread-safe.
#ifndef BOTMON_PROBE_REPLY_PARSE_H_
#define BOTMON_PROBE_REPLY_PARSE_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace botmon {

// --- JSON path -------------------------------------------------------------------------------

inline constexpr size_t kMaxJsonPathText = 256;
inline constexpr size_t kMaxJsonPathSteps = 32;

// One step: a member name or an array index.
struct JsonPathStep {
  bool is_index = false;
  std::string key;   // when !is_index
  size_t index = 0;  // when is_index
};

// Parses "$", "$.a.b", "$.items[0].name", "$['a key'][\"b\"]". Member names after '.' are
// [A-Za-z0-9_-]+; any other name needs the bracket form.
StatusOr<std::vector<JsonPathStep>> ParseJsonPath(std::string_view path);

// The value at `steps`, or nullptr when a step is missing (or of the wrong type).
const nlohmann::json* EvalJsonPath(const nlohmann::json& doc,
                                   const std::vector<JsonPathStep>& steps);

// The text a value is compared as: strings without quotes, everything else as compact JSON
// (true, 12, 1.5, null, {"a":1}).
std::string JsonValueText(const nlohmann::json& v);

// Parses a reply body as JSON: the error names the position ("not JSON: ... at byte 12").
StatusOr<nlohmann::json> ParseJsonReply(std::string_view body);

// --- Prometheus text exposition format (version 0.0.4) ---------------------------------------

inline constexpr size_t kMaxPromSamples = 200'000;

struct PromSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
  // The value of label `name`, or "".
  std::string Label(std::string_view label) const;
};

// Parses the whole text: comments (#) and blank lines are skipped; every other line must be
// `name{label="value",...} value [timestamp]`. The error names the line ("line 12: ...").
StatusOr<std::vector<PromSample>> ParsePrometheusText(std::string_view text);

// --- Figures ---------------------------------------------------------------------------------

// Counts: below a million with thousands separators ("156", "2,450", "245,000"), then "1.2M",
// "3.4B" (one decimal). Negative values are shown as 0.
std::string FormatCount(double n);
// Rates: like FormatCount, but below 10 with one decimal ("0.5", "7.0").
std::string FormatRate(double per_second);
// Bytes in decimal (SI) units with one decimal: "512 B", "1.5 KB", "45.2 GB", "3.1 TB".
std::string FormatBytes(double bytes);

// Percent-encodes everything but RFC 3986 unreserved characters (a path segment).
std::string PercentEncode(std::string_view s);

}  // namespace botmon

#endif  // BOTMON_PROBE_REPLY_PARSE_H_
