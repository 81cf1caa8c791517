// Durations and sizes as written in configuration (SPEC 3).
//
// Durations: `^(\d+(ms|s|m|h|d))+$` with strictly decreasing units ("500ms", "10s", "1h30m",
// "10d"), "0s" allowed, at most 10 years (3650 days). A bare number is rejected with "durations
// are strings like 2m". Botpress's long forms ("2 minutes", "1 hour") are accepted only by
// ParseBotpressDuration. Sizes: a non-negative integer of bytes or "N KiB|MiB|GiB".
// Pure functions; thread-safe.
#ifndef BOTMON_CORE_DURATION_H_
#define BOTMON_CORE_DURATION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace botmon {

inline constexpr int64_t kMaxDurationMs = int64_t{3650} * 86'400'000;  // "10y worth"
inline constexpr size_t kMaxDurationText = 64;

// Parses a duration string into milliseconds.
StatusOr<int64_t> ParseDuration(std::string_view text);

// Also accepts Botpress's "2 minutes", "30 seconds", "1 hour", "10 days", "1h" forms.
StatusOr<int64_t> ParseBotpressDuration(std::string_view text);

// The shortest canonical form: 90000 -> "1m30s", 0 -> "0s", 1500 -> "1s500ms".
std::string FormatDuration(int64_t ms);

// Parses "8MiB", "512KiB", "1GiB" or a plain integer string of bytes.
StatusOr<int64_t> ParseSize(std::string_view text);
std::string FormatSize(int64_t bytes);

}  // namespace botmon

#endif  // BOTMON_CORE_DURATION_H_
