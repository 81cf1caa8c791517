#include "core/zone.h"

#include <cstdio>
#include <date/tz.h>

#include "core/time_util.h"

namespace botmon {

StatusOr<std::shared_ptr<const Zone>> Zone::Create(std::string_view name) {
  try {
    const date::time_zone* tz =
        name.empty() ? date::current_zone() : date::locate_zone(std::string(name));
    return std::shared_ptr<const Zone>(new Zone(tz, std::string(tz->name())));
  } catch (const std::exception& e) {
    if (name.empty()) {
      // No /etc/localtime: the server's zone is UTC.
      return Utc();
    }
    return Status::InvalidArgument("\"" + std::string(name) + "\" is not a known IANA time zone");
  }
}

std::shared_ptr<const Zone> Zone::Utc() {
  static const std::shared_ptr<const Zone> utc(new Zone(nullptr, "UTC"));
  return utc;
}

int64_t Zone::OffsetSeconds(int64_t epoch_ms) const {
  if (tz_ == nullptr) return 0;
  date::sys_time<std::chrono::milliseconds> tp{std::chrono::milliseconds(epoch_ms)};
  return tz_->get_info(tp).offset.count();
}

int64_t Zone::LocalDay(int64_t epoch_ms) const {
  int64_t local_ms = epoch_ms + OffsetSeconds(epoch_ms) * 1000;
  return local_ms >= 0 ? local_ms / 86'400'000 : -((-local_ms + 86'399'999) / 86'400'000);
}

int64_t Zone::DayStartMs(int64_t epoch_ms) const {
  const int64_t day = LocalDay(epoch_ms);
  if (tz_ == nullptr) return day * 86'400'000;
  using namespace std::chrono;
  date::local_time<milliseconds> midnight{milliseconds(day * 86'400'000)};
  auto info = tz_->get_info(date::local_seconds{duration_cast<seconds>(midnight.time_since_epoch())});
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // take the earlier instant
      return day * 86'400'000 - info.first.offset.count() * 1000;
    case date::local_info::nonexistent:
      // Midnight skipped by a DST jump: the day starts at the transition.
      return date::sys_time<milliseconds>(info.first.end).time_since_epoch().count();
  }
  return day * 86'400'000;
}

std::string Zone::FormatLocal(int64_t epoch_ms) const {
  int64_t local_ms = epoch_ms + OffsetSeconds(epoch_ms) * 1000;
  int64_t days = local_ms >= 0 ? local_ms / 86'400'000 : -((-local_ms + 86'399'999) / 86'400'000);
  int64_t rem = local_ms - days * 86'400'000;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d", static_cast<long long>(y), m,
                d, static_cast<int>(rem / 3'600'000), static_cast<int>(rem / 60'000 % 60),
                static_cast<int>(rem / 1000 % 60));
  return buf;
}

}  // namespace botmon
