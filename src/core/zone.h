// Local calendar time in a named IANA zone (date/tz; GCC 12 lacks C++20 zones): "today" for the
// status figures (SPEC 6, 9), the console block's time (SPEC 11).
//
// Immutable after Create(); thread-safe.
#ifndef BOTMON_CORE_ZONE_H_
#define BOTMON_CORE_ZONE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace date {
class time_zone;
}

namespace botmon {

class Zone {
 public:
  // "" = the server's zone. Fails for an unknown name.
  static StatusOr<std::shared_ptr<const Zone>> Create(std::string_view name);
  // The UTC zone (never fails).
  static std::shared_ptr<const Zone> Utc();

  const std::string& name() const { return name_; }

  // The local calendar day of `epoch_ms`, as days since 1970-01-01 (a day number, not an instant).
  int64_t LocalDay(int64_t epoch_ms) const;
  // The instant (epoch ms) of local midnight starting the day that contains `epoch_ms`. On a day
  // whose midnight does not exist (DST gap at 00:00) it is the first existing instant.
  int64_t DayStartMs(int64_t epoch_ms) const;
  // "2024-01-15 14:32:00" in local time.
  std::string FormatLocal(int64_t epoch_ms) const;
  // Offset of local time from UTC at `epoch_ms`, in seconds.
  int64_t OffsetSeconds(int64_t epoch_ms) const;

 private:
  Zone(const date::time_zone* tz, std::string name) : tz_(tz), name_(std::move(name)) {}
  const date::time_zone* tz_;  // owned by the date library's database; nullptr = UTC
  std::string name_;
};

}  // namespace botmon

#endif  // BOTMON_CORE_ZONE_H_
