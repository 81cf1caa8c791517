// The series of a `botmon rules test` file (SPEC 2), in promtool's notation
// (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/):
//
//   selector   cpu.usage{host="a"}           a field and its dimensions (host required; only the
//                                            dimensions the field has: FieldDimensions)
//   values     "50x12 95+5x3 _ _x2 40"       one item per tick, separated by spaces:
//     a        one sample of value a
//     axn      a, n+1 times (shorthand for a+0xn)
//     a+bxn    a, a+b, a+2b, ... a+nb        (n+1 samples)
//     a-bxn    a, a-b, a-2b, ... a-nb        (n+1 samples)
//     _        one missing sample (no sample in that tick)
//     _xn      n missing samples (n, not n+1: a missing sample cannot increment, as promtool)
//     stale    a missing sample too (botmon has no staleness markers)
//   Numbers are decimal (optionally signed, with a fraction and an exponent) and finite; n is a
//   decimal integer. "50x12 95x30 40x20" is 13 + 31 + 21 = 65 ticks.
//
// Limits: a selector of at most kMaxSelectorBytes, at most `max_samples` ticks per series.
// Pure functions; thread-safe.
#ifndef BOTMON_ALERT_SERIES_NOTATION_H_
#define BOTMON_ALERT_SERIES_NOTATION_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "series/series_key.h"

namespace botmon {

inline constexpr size_t kMaxSelectorBytes = 1024;
inline constexpr size_t kMaxSeriesSamples = 100'000;

// `field{dim="value", ...}`; values in double (or single) quotes with \" \' \\ escapes.
StatusOr<SeriesKey> ParseSeriesSelector(std::string_view text);

// The per-tick values of one series (nullopt: missing). Errors name the item:
//   item 3 "95y30": expected a number, _, axn, a+bxn or a-bxn
StatusOr<std::vector<std::optional<double>>> ExpandSeriesValues(
    std::string_view text, size_t max_samples = kMaxSeriesSamples);

}  // namespace botmon

#endif  // BOTMON_ALERT_SERIES_NOTATION_H_
