// Maintenance windows: silences on a schedule (SPEC 7.5, Appendix A.1 `maintenance:`):
//
//   - {name: migration, from: 2026-12-01T22:00:00Z, to: 2026-12-02T01:00:00Z}   one-off, [from, to)
//   - {name: weekly-patch, timezone: America/Sao_Paulo,
//      weekly: {days: [sun], start: "02:00", duration: 2h}}                       weekly
//
// Optional on both: `match` (labels as in routing/match.h; none = every incident) and `comment`.
//
// Weekly windows follow the local wall clock of `timezone` (IANA; when absent, the server's
// `timezone` key given to the parser, "" = the machine's zone). Each listed day opens one
// occurrence at local `start`, lasting `duration` of real (elapsed) time; an occurrence may run
// past midnight and past the end of the week (sat 23:00 for 3h ends sun 02:00). On the days of a
// DST change:
//   - a start that does not exist (spring forward: 02:00 on 2026-03-29 in Europe/Berlin) opens at
//     the first valid instant after the gap (03:00 CEST, the moment of the change);
//   - an ambiguous start (fall back: 02:30 on 2026-10-25 in Europe/Berlin happens twice) opens
//     at its first occurrence (02:30 CEST);
//   - the end is start + duration in elapsed time, so "sun 02:00 for 2h" lasts two real hours
//     even when the clock jumps inside it (on 2026-10-25 in Berlin it ends at 03:00 CET).
// Occurrences that overlap or touch merge into one active period.
//
// Values and pure functions; thread-safe (the time zone data is immutable once loaded).
#ifndef BOTMON_ROUTING_MAINTENANCE_H_
#define BOTMON_ROUTING_MAINTENANCE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/options.h"
#include "core/status.h"
#include "routing/match.h"

namespace date {
class time_zone;
}

namespace botmon {

inline constexpr size_t kMaxMaintenanceWindows = 1000;
inline constexpr size_t kMaxMaintenanceName = 64;
inline constexpr int64_t kMaxWeeklyDurationMs = 7 * kDayMs;

struct MaintenanceWindow {
  std::string name;    // unique
  LabelMatcher match;  // {} = every incident
  std::string comment;
  bool weekly = false;
  // One-off: [from_ms, to_ms).
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  // Weekly.
  std::string timezone;                 // the IANA name as resolved ("Europe/Berlin")
  const date::time_zone* tz = nullptr;  // owned by the tz database; nullptr = UTC
  uint8_t days = 0;                     // bit d set = weekday d (0 = sunday .. 6 = saturday)
  int start_minute = 0;                 // minutes after local midnight, 0..1439
  int64_t duration_ms = 0;              // 0 < duration <= 7 days
  // Where it was defined (botmon.yaml; "" / 0 for the API).
  std::string file;
  int line = 0;
};

// Parses one window (botmon.yaml item or API body). Problems go to *errors with fields relative
// to the window ("weekly.days[1]", "to"). `default_timezone` is used when a weekly window has no
// `timezone` ("" = the machine's zone).
MaintenanceWindow ParseMaintenanceWindow(const nlohmann::json& value,
                                         std::string_view default_timezone, RoutingErrors* errors);

// The same, as a StatusOr listing the problems.
StatusOr<MaintenanceWindow> ParseMaintenanceJson(const nlohmann::json& value,
                                                 std::string_view default_timezone);

// Parses the `maintenance:` list: every item plus duplicate names, all problems at once, each
// "FILE:LINE:COL: maintenance[i].FIELD: message".
StatusOr<std::vector<MaintenanceWindow>> ParseMaintenance(const std::vector<RawItem>& items,
                                                          std::string_view default_timezone);

// The A.1 shape, which ParseMaintenanceWindow reads back (times RFC 3339 UTC with ms; days as
// "mon".."sun" in week order; duration canonical, "2h").
nlohmann::json MaintenanceToJson(const MaintenanceWindow& w);

// True when the window is in force at `at_ms`.
bool MaintenanceActive(const MaintenanceWindow& w, int64_t at_ms);

// The first instant after `after_ms` at which MaintenanceActive() changes value (the start or
// the end of a period); nullopt when it never changes again (a past one-off window, or a weekly
// window that is always in force).
std::optional<int64_t> MaintenanceNextChange(const MaintenanceWindow& w, int64_t after_ms);

// The periods [start, end) of the window that overlap [from_ms, to_ms), merged and in order
// (for the dashboard's calendar and the API).
std::vector<std::pair<int64_t, int64_t>> MaintenancePeriods(const MaintenanceWindow& w,
                                                            int64_t from_ms, int64_t to_ms);

// True when the window mutes notifications about an incident with `labels` at `at_ms`: it is in
// force and its match holds.
bool MaintenanceMutes(const MaintenanceWindow& w, const AlertLabels& labels, int64_t at_ms);

// "sun" for 0 .. "sat" for 6.
std::string_view WeekdayName(int day);

}  // namespace botmon

#endif  // BOTMON_ROUTING_MAINTENANCE_H_
