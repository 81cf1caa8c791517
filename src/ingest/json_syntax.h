// A strict, non-recursive JSON syntax checker (RFC 8259 plus valid UTF-8 and no lone surrogate
// escapes), used beside simdjson's on-demand parser by the ingest decoder.
//
// Why it exists: simdjson on-demand validates only what it is asked to read. Members the decoder
// skips (unknown members, nested values of the wrong type) would otherwise pass unchecked, and
// simdjson's errors carry no reliable byte offset. The decoder checks every value it skips with
// ScanJsonValue(), and on any syntax error calls CheckJson() on the whole body to report the first
// error's exact offset. Nesting depth is limited only by the input size (a bit per level, on the
// heap), so deep nesting cannot overflow the stack.
//
// Pure functions; thread-safe.
#ifndef BOTMON_INGEST_JSON_SYNTAX_H_
#define BOTMON_INGEST_JSON_SYNTAX_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace botmon {

struct JsonSyntaxError {
  size_t offset = 0;    // byte offset of the first offending byte, from the start of `text`
  std::string message;  // e.g. "expected ',' or ']' after an array element"
};

// Scans one JSON value in `text` starting at `pos` (leading whitespace allowed). On success stores
// the offset just past the value in *end and returns true; otherwise fills *error.
bool ScanJsonValue(std::string_view text, size_t pos, size_t* end, JsonSyntaxError* error);

// True when `text` is exactly one JSON value surrounded by optional whitespace.
bool CheckJson(std::string_view text, JsonSyntaxError* error);

}  // namespace botmon

#endif  // BOTMON_INGEST_JSON_SYNTAX_H_
