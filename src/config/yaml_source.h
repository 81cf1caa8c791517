// Reading botmon.yaml into a Config (internal to the config module).
//
// Walks the document against the key table (keys.h): a known key is parsed and checked, a
// section recursed into, anything else is "unknown key" with "did you mean". Every problem is
// reported as "FILE:LINE:COL: key.path: message" (the key's position), and all problems of the
// file are collected rather than the first only. A key whose value is null (`tick:`) is treated
// as absent. An empty document (or only comments) sets nothing.
// Pure functions of their inputs; thread-safe.
#ifndef BOTMON_CONFIG_YAML_SOURCE_H_
#define BOTMON_CONFIG_YAML_SOURCE_H_

#include <string>
#include <string_view>

#include "config/keys.h"
#include "config/options.h"

namespace botmon::config_internal {

// Applies the YAML `text` of `file` over *config; records an Origin for every key it sets.
void ApplyYamlText(std::string_view text, const std::string& file, Config* config, Origins* origins,
                   Problems* problems);

}  // namespace botmon::config_internal

#endif  // BOTMON_CONFIG_YAML_SOURCE_H_
