// Reading Botpress 12's botpress.config.json (SPEC 3, internal to the config module).
//
// Only pro.monitoring.{enabled, collectionInterval, retentionPeriod, janitorInterval} and
// pro.alerting.{enabled, watcherInterval, retentionPeriod, janitorInterval, rules} are read;
// the rest of the file is ignored, whatever it holds. Durations accept Botpress's long forms
// ("2 minutes"). Strict JSON: Botpress parses the file with JSON.parse, so comments are errors.
//
//   collectionInterval -> tick            monitoring retentionPeriod -> retention.raw
//   watcherInterval -> alerting.watcherInterval
//   alerting retentionPeriod -> alerting.retentionPeriod
//   janitorInterval -> monitoring.janitorInterval / alerting.janitorInterval
//   enabled -> monitoring.enabled / alerting.enabled (kept; see options.h for what false means)
//   rules -> RawItems (line: the line of the rule's "name", found by scanning the text; 0 when
//            not found)
//
// Errors read "FILE:LINE: pro.x.y (botmon key): message" (LINE found the same way, omitted when
// unknown); a JSON syntax error reads "FILE:LINE:COL: invalid JSON (offset N): ..." (N 0-based).
// Pure functions; thread-safe.
#ifndef BOTMON_CONFIG_BOTPRESS_H_
#define BOTMON_CONFIG_BOTPRESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "config/keys.h"
#include "config/options.h"

namespace botmon::config_internal {

inline constexpr size_t kMaxBotpressConfigBytes = size_t{4} << 20;

void ApplyBotpressText(std::string_view text, const std::string& file, Config* config,
                       Origins* origins, Problems* problems, std::vector<RawItem>* rules,
                       std::vector<std::string>* warnings);

}  // namespace botmon::config_internal

#endif  // BOTMON_CONFIG_BOTPRESS_H_
