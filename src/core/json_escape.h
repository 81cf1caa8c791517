// Appending JSON string literals and numbers by hand, for the hot reply paths (status, SSE,
// ingest replies) where building a DOM would cost more than the reply. Pure; thread-safe.
#ifndef BOTMON_CORE_JSON_ESCAPE_H_
#define BOTMON_CORE_JSON_ESCAPE_H_

#include <string>
#include <string_view>

namespace botmon {

// Appends `s` as a quoted JSON string (escaping quotes, backslashes and control characters;
// invalid UTF-8 bytes become U+FFFD so the output is always valid JSON).
void AppendJsonString(std::string* out, std::string_view s);
std::string JsonString(std::string_view s);

// Appends a finite number in the shortest form that round-trips ("12.3", "3", "-0.5");
// non-finite values become null.
void AppendJsonNumber(std::string* out, double v);
// One decimal place ("61.0"), for percentages in status replies.
void AppendJsonFixed1(std::string* out, double v);

}  // namespace botmon

#endif  // BOTMON_CORE_JSON_ESCAPE_H_
