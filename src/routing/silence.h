// Silences: mute the notifications (never the incidents) of matching incidents for a while
// (SPEC 7.5):
//
//   {id, match: {rule, host, bot, ...}, startsAt, endsAt | untilResolved: <incidentId>,
//    comment, createdBy}
//
// The same parser reads botmon.yaml's `silences:` items and the API's JSON bodies.
//   - `match`: labels as in routing/match.h (rule, severity, host, bot, any dimension; exact
//     values or globs). Required with `endsAt`. With `untilResolved` it may be left out: the
//     silence then mutes only that incident.
//   - `startsAt`: RFC 3339; when absent, the `now_ms` given to the parser. Active in
//     [startsAt, endsAt).
//   - exactly one of `endsAt` (RFC 3339, after startsAt) and `untilResolved` (an incident id):
//     the silence lasts while that incident is open. That incident itself is muted (its repeats)
//     whatever the match says; its "resolved" notification goes out, as the silence ends with it.
//   - `id`: optional in the input (1..64 letters, digits, '.', '_', '-'); ParseSilences names a
//     yaml silence without one "silence-<i+1>", the API gives a new one a UUID.
//
// Values and pure functions; thread-safe.
#ifndef BOTMON_ROUTING_SILENCE_H_
#define BOTMON_ROUTING_SILENCE_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alert/incident.h"
#include "config/options.h"
#include "core/status.h"
#include "routing/match.h"

namespace botmon {

inline constexpr size_t kMaxSilences = 10000;
inline constexpr size_t kMaxSilenceId = 64;
inline constexpr size_t kMaxSilenceComment = 1024;
inline constexpr size_t kMaxSilenceCreatedBy = 128;

struct Silence {
  std::string id;
  LabelMatcher match;  // {} only with until_resolved: that incident alone
  int64_t starts_at_ms = 0;
  std::optional<int64_t> ends_at_ms;  // set, or until_resolved is
  std::string until_resolved;         // incident id; "" when ends_at_ms is set
  std::string comment;
  std::string created_by;
  // Where it was defined (botmon.yaml; "" / 0 for the API).
  std::string file;
  int line = 0;

  bool operator==(const Silence&) const = default;
};

// Parses one silence (botmon.yaml item or API body). Problems go to *errors, with fields
// relative to the silence ("endsAt", "match.host"); the returned value is meaningful only when
// none were added. `now_ms` is the default startsAt.
Silence ParseSilence(const nlohmann::json& value, int64_t now_ms, RoutingErrors* errors);

// The same, as a StatusOr whose message lists the problems ("endsAt: must be after startsAt").
StatusOr<Silence> ParseSilenceJson(const nlohmann::json& value, int64_t now_ms);

// Parses the `silences:` list: every item, plus duplicate ids, all problems at once, each
// "FILE:LINE:COL: silences[i].FIELD: message".
StatusOr<std::vector<Silence>> ParseSilences(const std::vector<RawItem>& items, int64_t now_ms);

// The API shape, which ParseSilence reads back: {"id", "match", "startsAt", "endsAt" |
// "untilResolved", "comment", "createdBy"} (times RFC 3339 UTC with milliseconds).
nlohmann::json SilenceToJson(const Silence& s);

// Whether incident `id` is open now; used by untilResolved silences about another incident.
using IncidentOpenFn = std::function<bool(std::string_view id)>;

// True when `s` mutes notifications about `inc` at `now_ms`: within its time range, and its
// match holds for `labels` (IncidentLabels(inc, rule)). An untilResolved silence is active
// while that incident is open: `inc` itself when the ids agree, else as `is_open` says (no
// `is_open`: not active).
bool IsSilenced(const Silence& s, const Incident& inc, const AlertLabels& labels, int64_t now_ms,
                const IncidentOpenFn& is_open = nullptr);
// The same with IncidentLabels(inc).
bool IsSilenced(const Silence& s, const Incident& inc, int64_t now_ms,
                const IncidentOpenFn& is_open = nullptr);

// True when the silence can never be active again at or after `now_ms` (its endsAt has passed).
// The janitor drops API silences a retention period after this (alerting/silence_janitor.h),
// untilResolved ones a retention period after their incident resolved.
bool SilenceExpired(const Silence& s, int64_t now_ms);

}  // namespace botmon

#endif  // BOTMON_ROUTING_SILENCE_H_
