#include "routing/maintenance.h"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/duration.h"
#include "core/time_util.h"

namespace botmon {

using routing_internal::CheckKnownKeys;
using routing_internal::GetString;
using routing_internal::JsonTypeName;
using routing_internal::Member;

namespace {

constexpr const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr const char* kLongDayNames[] = {"sunday",   "monday", "tuesday", "wednesday",
                                         "thursday", "friday", "saturday"};

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// 0 = sunday; 1970-01-01 was a thursday.
int WeekdayOfDay(int64_t day) { return static_cast<int>(((day % 7) + 7 + 4) % 7); }

int64_t OffsetMs(const date::time_zone* tz, int64_t at_ms) {
  if (tz == nullptr) return 0;
  date::sys_seconds t{std::chrono::seconds(FloorDiv(at_ms, 1000))};
  return static_cast<int64_t>(tz->get_info(t).offset.count()) * 1000;
}

// The local calendar day (days since 1970-01-01 in local time) of an instant.
int64_t LocalDayOf(const date::time_zone* tz, int64_t at_ms) {
  return FloorDiv(at_ms + OffsetMs(tz, at_ms), kDayMs);
}

// The instant of local `minute` on local day `day`: the first occurrence when the clock shows it
// twice, the end of the gap when it skips it.
int64_t LocalToInstantMs(const date::time_zone* tz, int64_t day, int minute) {
  const int64_t local_s = day * 86'400 + int64_t{minute} * 60;
  if (tz == nullptr) return local_s * 1000;
  date::local_seconds lt{std::chrono::seconds(local_s)};
  const date::local_info info = tz->get_info(lt);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // `first` is the earlier offset's instant
      return (local_s - info.first.offset.count()) * 1000;
    case date::local_info::nonexistent:
      // `first` is the period before the jump; it ends at the first valid instant.
      return static_cast<int64_t>(info.first.end.time_since_epoch().count()) * 1000;
  }
  return local_s * 1000;
}

using Period = std::pair<int64_t, int64_t>;

std::vector<Period> Merge(std::vector<Period> periods) {
  std::sort(periods.begin(), periods.end());
  std::vector<Period> out;
  for (const Period& p : periods) {
    if (!out.empty() && p.first <= out.back().second) {
      out.back().second = std::max(out.back().second, p.second);
    } else {
      out.push_back(p);
    }
  }
  return out;
}

bool ParseDay(std::string text, int* day) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int d = 0; d < 7; ++d) {
    if (text == kDayNames[d] || text == kLongDayNames[d]) {
      *day = d;
      return true;
    }
  }
  return false;
}

bool ParseHhMm(const std::string& text, int* minute) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return false;
  *minute = h * 60 + m;
  return true;
}

// Resolves an IANA name ("" = the machine's zone, UTC when it has none).
bool LocateZone(const std::string& name, const date::time_zone** tz, std::string* resolved) {
  try {
    *tz = name.empty() ? date::current_zone() : date::locate_zone(name);
    *resolved = std::string((*tz)->name());
    if (*resolved == "UTC" || *resolved == "Etc/UTC") *tz = nullptr;
    return true;
  } catch (const std::exception&) {
    if (name.empty()) {
      *tz = nullptr;
      *resolved = "UTC";
      return true;
    }
    return false;
  }
}

void ParseWeekly(const nlohmann::json& weekly, MaintenanceWindow* w, RoutingErrors* errors) {
  if (!weekly.is_object()) {
    errors->Add("weekly", "must be a map {days, start, duration}, got " + JsonTypeName(weekly));
    return;
  }
  CheckKnownKeys(weekly, {"days", "start", "duration"}, "weekly", errors);
  const auto* days = Member(weekly, "days");
  if (days == nullptr) {
    errors->Add("weekly.days", "missing (a list of mon, tue, wed, thu, fri, sat, sun)");
  } else if (!days->is_array() || days->empty()) {
    errors->Add("weekly.days", "must be a non-empty list of mon, tue, wed, thu, fri, sat, sun");
  } else {
    for (size_t i = 0; i < days->size(); ++i) {
      const std::string field = "weekly.days[" + std::to_string(i) + "]";
      const nlohmann::json& d = (*days)[i];
      int day = 0;
      if (!d.is_string() || !ParseDay(d.get<std::string>(), &day)) {
        errors->Add(field, (d.is_string() ? "\"" + d.get<std::string>() + "\"" : JsonTypeName(d)) +
                               " is not a day (mon, tue, wed, thu, fri, sat, sun)");
      } else if (w->days & (1u << day)) {
        errors->Add(field, std::string(kDayNames[day]) + " is listed twice");
      } else {
        w->days = static_cast<uint8_t>(w->days | (1u << day));
      }
    }
  }
  const auto* start = Member(weekly, "start");
  if (start == nullptr) {
    errors->Add("weekly.start", "missing (local time \"HH:MM\")");
  } else if (!start->is_string() || !ParseHhMm(start->get<std::string>(), &w->start_minute)) {
    errors->Add("weekly.start", "must be a local time \"HH:MM\" (00:00..23:59), got " +
                                    (start->is_string() ? "\"" + start->get<std::string>() + "\""
                                                        : JsonTypeName(*start)));
  }
  const auto* duration = Member(weekly, "duration");
  if (duration == nullptr) {
    errors->Add("weekly.duration", "missing (a duration such as 2h)");
  } else if (!duration->is_string()) {
    errors->Add("weekly.duration", "durations are strings like 2h, got " + JsonTypeName(*duration));
  } else {
    auto ms = ParseDuration(duration->get<std::string>());
    if (!ms.ok()) {
      errors->Add("weekly.duration", ms.status().message());
    } else if (*ms <= 0 || *ms > kMaxWeeklyDurationMs) {
      errors->Add("weekly.duration", "must be more than 0s and at most 7d");
    } else {
      w->duration_ms = *ms;
    }
  }
}

std::optional<int64_t> GetTime(const nlohmann::json* v, const char* field, RoutingErrors* errors) {
  if (v == nullptr) {
    errors->Add(field, "missing (an RFC 3339 time such as 2026-12-01T22:00:00Z)");
    return std::nullopt;
  }
  if (!v->is_string()) {
    errors->Add(field, "must be an RFC 3339 time string, got " + JsonTypeName(*v));
    return std::nullopt;
  }
  auto t = ParseRfc3339(v->get<std::string>());
  if (!t.ok()) {
    errors->Add(field, t.status().message());
    return std::nullopt;
  }
  return *t;
}

}  // namespace

std::string_view WeekdayName(int day) { return day >= 0 && day < 7 ? kDayNames[day] : "?"; }

MaintenanceWindow ParseMaintenanceWindow(const nlohmann::json& value,
                                         std::string_view default_timezone, RoutingErrors* errors) {
  MaintenanceWindow w;
  if (!value.is_object()) {
    errors->Add("", "a maintenance window must be a map with name and from/to or weekly, got " +
                        JsonTypeName(value));
    return w;
  }
  CheckKnownKeys(value, {"name", "from", "to", "timezone", "weekly", "match", "comment"}, "",
                 errors);
  if (const auto* v = Member(value, "name")) {
    w.name = GetString(*v, "name", kMaxMaintenanceName, errors);
  } else {
    errors->Add("name", "missing");
  }
  if (const auto* v = Member(value, "match")) w.match = ParseLabelMatcher(*v, "match", errors);
  if (const auto* v = Member(value, "comment")) {
    w.comment = GetString(*v, "comment", 1024, errors, /*allow_empty=*/true);
  }
  const auto* from = Member(value, "from");
  const auto* to = Member(value, "to");
  const auto* weekly = Member(value, "weekly");
  const auto* tz = Member(value, "timezone");
  if (weekly != nullptr && (from != nullptr || to != nullptr)) {
    errors->Add("weekly", "give either from/to (one-off) or weekly, not both");
    return w;
  }
  if (weekly == nullptr) {
    if (from == nullptr && to == nullptr) {
      errors->Add("", "give from and to (one-off) or weekly {days, start, duration}");
      return w;
    }
    if (tz != nullptr) {
      errors->Add("timezone", "only for weekly windows (from and to carry their own offset)");
    }
    auto f = GetTime(from, "from", errors);
    auto t = GetTime(to, "to", errors);
    if (f && t && *t <= *f) errors->Add("to", "must be after from");
    w.from_ms = f.value_or(0);
    w.to_ms = t.value_or(0);
    return w;
  }
  w.weekly = true;
  std::string zone_name(default_timezone);
  if (tz != nullptr) {
    zone_name = GetString(*tz, "timezone", 64, errors, /*allow_empty=*/true);
  }
  if (!LocateZone(zone_name, &w.tz, &w.timezone)) {
    errors->Add(tz != nullptr ? "timezone" : "",
                "\"" + zone_name + "\" is not a known IANA time zone (e.g. Europe/Berlin)");
  }
  ParseWeekly(*weekly, &w, errors);
  return w;
}

StatusOr<MaintenanceWindow> ParseMaintenanceJson(const nlohmann::json& value,
                                                 std::string_view default_timezone) {
  RoutingErrors errors;
  MaintenanceWindow w = ParseMaintenanceWindow(value, default_timezone, &errors);
  if (!errors.empty()) return Status::InvalidArgument(errors.Format("", 0, 0, ""));
  return w;
}

StatusOr<std::vector<MaintenanceWindow>> ParseMaintenance(const std::vector<RawItem>& items,
                                                          std::string_view default_timezone) {
  if (items.size() > kMaxMaintenanceWindows) {
    return Status::InvalidArgument("maintenance: at most " +
                                   std::to_string(kMaxMaintenanceWindows) + " windows");
  }
  std::vector<MaintenanceWindow> out;
  std::string problems;
  std::set<std::string> names;
  for (size_t i = 0; i < items.size(); ++i) {
    const RawItem& item = items[i];
    RoutingErrors errors;
    MaintenanceWindow w = ParseMaintenanceWindow(item.value, default_timezone, &errors);
    w.file = item.file;
    w.line = item.line;
    if (!w.name.empty() && !names.insert(w.name).second) {
      errors.Add("name", "duplicate maintenance window name \"" + w.name + "\"");
    }
    if (!errors.empty()) {
      if (!problems.empty()) problems += "\n";
      problems +=
          errors.Format(item.file, item.line, item.col, "maintenance[" + std::to_string(i) + "]");
    }
    out.push_back(std::move(w));
  }
  if (!problems.empty()) return Status::InvalidArgument(problems);
  return out;
}

nlohmann::json MaintenanceToJson(const MaintenanceWindow& w) {
  nlohmann::json j = nlohmann::json::object();
  j["name"] = w.name;
  if (w.weekly) {
    j["timezone"] = w.timezone;
    nlohmann::json days = nlohmann::json::array();
    for (int d : {1, 2, 3, 4, 5, 6, 0}) {
      if (w.days & (1u << d)) days.push_back(kDayNames[d]);
    }
    char start[32];
    std::snprintf(start, sizeof start, "%02d:%02d", w.start_minute / 60, w.start_minute % 60);
    j["weekly"] = {{"days", days}, {"start", start}, {"duration", FormatDuration(w.duration_ms)}};
  } else {
    j["from"] = FormatRfc3339Ms(w.from_ms);
    j["to"] = FormatRfc3339Ms(w.to_ms);
  }
  if (!w.match.empty()) j["match"] = w.match;
  if (!w.comment.empty()) j["comment"] = w.comment;
  return j;
}

std::vector<std::pair<int64_t, int64_t>> MaintenancePeriods(const MaintenanceWindow& w,
                                                            int64_t from_ms, int64_t to_ms) {
  std::vector<Period> periods;
  if (from_ms >= to_ms) return periods;
  if (!w.weekly) {
    if (w.to_ms > from_ms && w.from_ms < to_ms) periods.emplace_back(w.from_ms, w.to_ms);
    return periods;
  }
  if (w.days == 0 || w.duration_ms <= 0) return periods;
  // An occurrence lasts at most 7 days, so one that overlaps the range started at most 8 local
  // days before it; one that starts after the range's last local day starts after it.
  const int64_t first_day = LocalDayOf(w.tz, from_ms) - 8;
  const int64_t last_day = LocalDayOf(w.tz, to_ms) + 1;
  for (int64_t day = first_day; day <= last_day; ++day) {
    if (!(w.days & (1u << WeekdayOfDay(day)))) continue;
    const int64_t start = LocalToInstantMs(w.tz, day, w.start_minute);
    periods.emplace_back(start, start + w.duration_ms);
  }
  std::vector<Period> merged = Merge(std::move(periods));
  std::vector<Period> out;
  for (const Period& p : merged) {
    if (p.second > from_ms && p.first < to_ms) out.push_back(p);
  }
  return out;
}

bool MaintenanceActive(const MaintenanceWindow& w, int64_t at_ms) {
  if (!w.weekly) return at_ms >= w.from_ms && at_ms < w.to_ms;
  return !MaintenancePeriods(w, at_ms, at_ms + 1).empty();
}

std::optional<int64_t> MaintenanceNextChange(const MaintenanceWindow& w, int64_t after_ms) {
  if (!w.weekly) {
    if (after_ms < w.from_ms) return w.from_ms;
    if (after_ms < w.to_ms) return w.to_ms;
    return std::nullopt;
  }
  if (w.days == 0 || w.duration_ms <= 0) return std::nullopt;
  constexpr int64_t kStep = 15 * kDayMs;
  const bool active = MaintenanceActive(w, after_ms);
  int64_t t = after_ms;
  // A weekly schedule in force around the clock ends, if ever, on a day whose local length
  // differs (a DST change): look ahead up to about 1.6 years.
  for (int i = 0; i < 40; ++i) {
    const int64_t range_end = t + kStep;
    for (const Period& p : MaintenancePeriods(w, t, range_end)) {
      if (!active) {
        if (p.first > after_ms) return p.first;
        continue;
      }
      if (p.first <= t && p.second > t) {
        // The period in force at t. Its end is final when it comes before the range's end:
        // every occurrence that could extend it was generated.
        if (p.second < range_end) return p.second;
        break;
      }
    }
    t = range_end - 1;
  }
  return std::nullopt;
}

bool MaintenanceMutes(const MaintenanceWindow& w, const AlertLabels& labels, int64_t at_ms) {
  return MaintenanceActive(w, at_ms) && MatchesLabels(w.match, labels);
}

}  // namespace botmon
