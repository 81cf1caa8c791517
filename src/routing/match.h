// Label matching shared by routes, silences and maintenance windows (SPEC 7.5).
//
// An incident is described by labels: "rule" (its rule's name), "severity" ("warning" |
// "critical"), and its dimensions: the group's members ("host", "bot", "channel", "mount", ...),
// "host" from hostName when the group has none, and the rule's own `match` filter where it names
// one exact value (a rule with `match: {bot: mycompany}` grouped by host is about that bot).
//
// A matcher is a map label -> pattern. It matches when every label it names is present and
// matches: exactly, or as a glob when the pattern holds '*' (any run of characters, also none)
// or '?' (one byte). An empty matcher matches everything. A label the incident does not have
// never matches (a silence on `bot: x` does not mute a host-wide CPU incident).
//
// Values and pure functions; thread-safe.
#ifndef BOTMON_ROUTING_MATCH_H_
#define BOTMON_ROUTING_MATCH_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "alert/incident.h"
#include "alert/rule.h"

namespace botmon {

// Limits on a matcher (per route, silence or window).
inline constexpr size_t kMaxMatchLabels = 16;
inline constexpr size_t kMaxLabelName = 64;      // bytes
inline constexpr size_t kMaxLabelPattern = 256;  // bytes

using AlertLabels = std::map<std::string, std::string>;
using LabelMatcher = std::map<std::string, std::string>;

// The labels of `inc`; `rule` (optional) adds the exact values of its `match` filter.
AlertLabels IncidentLabels(const Incident& inc, const Rule* rule = nullptr);

// True when `text` matches `pattern` ('*' and '?' are wildcards; everything else is literal).
bool LabelGlobMatch(std::string_view pattern, std::string_view text);
// True when every entry of `matcher` matches `labels`.
bool MatchesLabels(const LabelMatcher& matcher, const AlertLabels& labels);

// One problem with one field of a route, silence or maintenance window, for the API's
// `fields` list. `field` is the key path inside the item ("match.severity", "channels[1]";
// "" for the item as a whole).
struct RoutingFieldError {
  std::string field;
  std::string message;
};

// Collects problems for one item; `prefix` ("routes[2]") is put before each field when the
// problems are formatted for a configuration file.
class RoutingErrors {
 public:
  void Add(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return errors_.empty(); }
  const std::vector<RoutingFieldError>& errors() const { return errors_; }
  // One line per problem: "FILE:LINE:COL: PREFIX.FIELD: message" (the location left out when
  // `file` is empty, the column when 0).
  std::string Format(std::string_view file, int line, int col, std::string_view prefix) const;

 private:
  std::vector<RoutingFieldError> errors_;
};

// Parses a matcher object (`field` is its key path, "match"): string values (integers are taken
// as their text), label names of letters, digits, '_', '.', '-'; "severity" must be warning,
// critical or a glob. Problems go to *errors.
LabelMatcher ParseLabelMatcher(const nlohmann::json& value, const std::string& field,
                               RoutingErrors* errors);

namespace routing_internal {
// "an object", "a string", ... for messages.
std::string JsonTypeName(const nlohmann::json& v);
// Reports each key of the object `value` not in `known` ("unknown key (did you mean ...)").
void CheckKnownKeys(const nlohmann::json& value, const std::vector<std::string>& known,
                    const std::string& prefix, RoutingErrors* errors);
// The member `key` of `value`, or nullptr when absent or null.
const nlohmann::json* Member(const nlohmann::json& value, const char* key);
// `value` as a string of 1..max_bytes valid UTF-8 bytes, else a problem at `field` and "".
std::string GetString(const nlohmann::json& value, const std::string& field, size_t max_bytes,
                      RoutingErrors* errors, bool allow_empty = false);
// A key path: Join("match", "host") = "match.host"; Join("", "x") = "x".
std::string JoinField(std::string_view prefix, std::string_view field);
}  // namespace routing_internal

}  // namespace botmon

#endif  // BOTMON_ROUTING_MATCH_H_
