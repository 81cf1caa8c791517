#include "ingest/live_stats.h"

#include <cmath>

namespace botmon {

LiveStats::LiveStats(std::shared_ptr<const Zone> zone) : zone_(std::move(zone)) {}

void LiveStats::SetZone(std::shared_ptr<const Zone> zone, int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (zone->name() == zone_->name()) return;
  zone_ = std::move(zone);
  // A new zone means a different "today": start the day over (the figures recover as the day
  // goes on; a restart recomputes them from the store).
  day_ = INT64_MIN;
  RollDayLocked(now_ms);
  Touch();
}

void LiveStats::RollDayLocked(int64_t now_ms) {
  const int64_t today = zone_->LocalDay(now_ms);
  if (today == day_) return;
  day_ = today;
  messages_ = 0;
  latency_sum_ = 0;
  latency_n_ = 0;
  sessions_n_ = 0;
  duration_sum_ms_ = 0;
  peak_ = active_;
  Touch();
}

void LiveStats::Restore(const TodayStats& t, int64_t peak_day, int64_t peak, int64_t now_ms) {
  std::lock_guard lock(mu_);
  day_ = zone_->LocalDay(now_ms);
  messages_ = t.messages_today;
  latency_sum_ = t.bot_latency_sum_ms;
  latency_n_ = t.bot_latency_count;
  sessions_n_ = t.sessions_started_today;
  duration_sum_ms_ = t.session_duration_sum_ms;
  peak_ = peak_day == day_ ? std::max(peak, active_) : active_;
  for (auto& s : per_second_) s = Slot{};
  for (const auto& [sec, n] : t.messages_per_second) {
    Slot& s = per_second_[static_cast<size_t>(sec) % kSlots];
    s.sec = sec;
    s.count = n;
  }
  Touch();
}

void LiveStats::OnMessage(int64_t ts_ms, bool from_bot, double latency_ms, int64_t now_ms) {
  std::lock_guard lock(mu_);
  RollDayLocked(now_ms);
  if (zone_->LocalDay(ts_ms) == day_) {
    ++messages_;
    if (from_bot && latency_ms >= 0) {
      latency_sum_ += latency_ms;
      ++latency_n_;
    }
  }
  const int64_t sec = ts_ms >= 0 ? ts_ms / 1000 : (ts_ms - 999) / 1000;
  if (sec > now_ms / 1000 - 3600) {
    Slot& s = per_second_[static_cast<size_t>(sec) % kSlots];
    if (s.sec != sec) s = Slot{sec, 0};
    ++s.count;
  }
  Touch();
}

void LiveStats::OnSessionSpan(int64_t started_ms, int64_t old_end_ms, int64_t new_end_ms,
                              int64_t now_ms) {
  std::lock_guard lock(mu_);
  RollDayLocked(now_ms);
  if (zone_->LocalDay(started_ms) != day_) return;
  if (old_end_ms < 0) {
    ++sessions_n_;
    duration_sum_ms_ += new_end_ms - started_ms;
  } else {
    duration_sum_ms_ += new_end_ms - old_end_ms;
  }
  Touch();
}

bool LiveStats::SetActive(int64_t active, int64_t now_ms) {
  std::lock_guard lock(mu_);
  RollDayLocked(now_ms);
  if (active == active_) return false;
  active_ = active;
  Touch();
  if (active_ > peak_) {
    peak_ = active_;
    return true;
  }
  return false;
}

LiveStats::Figures LiveStats::Get(int64_t now_ms) {
  std::lock_guard lock(mu_);
  RollDayLocked(now_ms);
  Figures f;
  f.active = active_;
  f.peak_today = peak_;
  f.messages_today = messages_;
  const int64_t now_sec = now_ms / 1000;
  for (const Slot& s : per_second_) {
    // The last 60 minutes: (now - 3600 s, now], plus messages stamped up to 5 min ahead.
    if (s.sec > now_sec - 3600 && s.sec <= now_sec + 300) f.this_hour += s.count;
  }
  if (sessions_n_ > 0) {
    f.avg_duration_seconds = std::llround(static_cast<double>(duration_sum_ms_) / 1000.0 /
                                          static_cast<double>(sessions_n_));
  }
  if (latency_n_ > 0) {
    f.avg_response_ms = std::llround(latency_sum_ / static_cast<double>(latency_n_));
  }
  return f;
}

std::pair<int64_t, int64_t> LiveStats::Peak() const {
  std::lock_guard lock(mu_);
  return {day_, peak_};
}

}  // namespace botmon
