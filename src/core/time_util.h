// RFC 3339 timestamps and civil-date arithmetic in UTC.
//
// Pure functions; thread-safe. Local-time ("today" in a named zone) lives in core/zone.h.
#ifndef BOTMON_CORE_TIME_UTIL_H_
#define BOTMON_CORE_TIME_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace botmon {

// "2024-01-15T14:32:00.000Z": UTC, milliseconds, 'Z' (SPEC 7.3).
std::string FormatRfc3339Ms(int64_t epoch_ms);

// Parses RFC 3339 ("2024-01-15T14:32:00Z", "...T14:32:00.123456789+05:30", 't'/'z' and a space
// separator accepted) into epoch milliseconds; fractions beyond ms are truncated. Errors say
// which part is wrong.
StatusOr<int64_t> ParseRfc3339(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace botmon

#endif  // BOTMON_CORE_TIME_UTIL_H_
