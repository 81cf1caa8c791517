// The console monitor block (SPEC 11), exactly the seed's five lines:
//   [MONITOR] 2024-01-15 14:32:00
//   Sessions: 247 active (peak: 312)
//   Messages: 12,400 today (890/hour)
//   CPU: 70% | MEM: 60% | GPU: 40%
//   Services: 7/7 running
// Integers rounded half-up with ',' thousands separators; "GPU: n/a" without a GPU; no colour,
// no blank lines. Pure; thread-safe.
#ifndef BOTMON_APP_CONSOLE_H_
#define BOTMON_APP_CONSOLE_H_

#include <cstdint>
#include <optional>
#include <string>

namespace botmon {

struct ConsoleFigures {
  std::string local_time;  // "2024-01-15 14:32:00", the tick's end in the configured zone
  int64_t active = 0, peak = 0, messages_today = 0, this_hour = 0;
  std::optional<double> cpu, mem, gpu;  // percentages; absent before the first sample
  int services_running = 0, services_total = 0;
};

std::string FormatConsoleBlock(const ConsoleFigures& f);
// 12400 -> "12,400"; -1234567 -> "-1,234,567".
std::string WithThousands(int64_t v);
// Round half up (2.5 -> 3, -2.5 -> -2).
int64_t RoundHalfUp(double v);

}  // namespace botmon

#endif  // BOTMON_APP_CONSOLE_H_
