// YAML -> JSON for the list sections kept as RawItems (channels, routes, rules, checks...).
//
// Scalars are typed by the YAML 1.2 core schema, the way a YAML reader resolves a plain
// (unquoted) scalar: null/~/"" -> null; true/false (also True, TRUE...) -> bool; decimal,
// 0x and 0o integers that fit int64 -> integer; decimal floats -> double. Quoted, literal and
// folded scalars, and scalars tagged !!str, always stay strings. Deliberately NOT YAML 1.1's
// yes/no/on/off/y/n booleans (yaml-cpp's as<bool> accepts those): in item values such as
// `match: {country: no}` or a weekday list they are far more often meant as text.
// ".inf"/".nan" stay strings (JSON has no such numbers).
//
// Aliases are expanded; the expansion is capped (kMaxNodes) so a "billion laughs" document
// fails instead of exhausting memory, and nesting is capped at kMaxDepth.
// Pure functions; thread-safe.
#ifndef BOTMON_CONFIG_YAML_JSON_H_
#define BOTMON_CONFIG_YAML_JSON_H_

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace botmon::config_internal {

inline constexpr int kMaxDepth = 64;
inline constexpr size_t kMaxNodes = 200000;

// The JSON value of a plain scalar's text.
nlohmann::json ResolvePlainScalar(std::string_view text);

// True when `node` is a scalar that must stay a string (quoted, block, or tagged !!str).
bool IsStringTagged(const YAML::Node& node);

// Converts `node`, found at key path `path` ("channels[0]"). On failure *where receives the
// position of the offending node and the message starts with the key path at fault
// ("channels[0].to[1]: keys must be scalars"). `*budget` counts the nodes converted so far
// (shared across the calls for one file).
StatusOr<nlohmann::json> YamlToJson(const YAML::Node& node, const std::string& path,
                                    YAML::Mark* where, size_t* budget);

}  // namespace botmon::config_internal

#endif  // BOTMON_CONFIG_YAML_JSON_H_
