// Parsing and range-checking one configuration value (internal to the config module). Every
// source ends here: botmon.yaml scalars (after their YAML type is checked), environment
// variables, flags and botpress.config.json values all arrive as text. Error messages carry no
// location: the caller prefixes the file position, variable or flag.
// Pure functions; thread-safe.
#ifndef BOTMON_CONFIG_VALUES_H_
#define BOTMON_CONFIG_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "config/keys.h"
#include "config/options.h"
#include "core/status.h"

namespace botmon::config_internal {

enum class DurationSyntax {
  kBotmon,    // "1h30m" only
  kBotpress,  // also "2 minutes" (botpress.config.json)
};

// Parses `text` as a value of the scalar key `spec` (kString, kDuration, kSize, kInt, kBool),
// checks its bounds, choices and format, and stores it into *config.
// REQUIRES: spec.kind is a scalar kind.
Status SetFromText(const KeySpec& spec, std::string_view text, Config* config,
                   DurationSyntax syntax = DurationSyntax::kBotmon);

// true/false, case-insensitive.
bool ParseBool(std::string_view text, bool* out);
// A decimal integer with an optional sign that fits int64.
bool ParseInt(std::string_view text, int64_t* out);

// The type a kind expects, for "expected ..." messages ("a duration string like 2m").
std::string_view ExpectedType(Kind kind);

// Checks one privacy.redact entry: a built-in name (regex empty) or a custom {name, regex,
// replace} whose regex compiles with RE2. Returns "" when fine, else the message.
std::string CheckRedactItem(const RedactItem& item);

// Checks one collect.mounts entry (an absolute path). Returns "" when fine.
std::string CheckMount(std::string_view mount);

}  // namespace botmon::config_internal

#endif  // BOTMON_CONFIG_VALUES_H_
