// Pure parsers for the two /proc files the host collector reads (SPEC 4): the aggregate "cpu "
// line of /proc/stat and the MemTotal/MemAvailable lines of /proc/meminfo. They take the file's
// text, never touch the file system, and fail with a Status naming the line or key at fault, so
// malformed input (empty, truncated, garbage) gives a clear error and no value.
//
// Thread-safe (pure functions).
#ifndef BOTMON_COLLECT_PROC_PARSE_H_
#define BOTMON_COLLECT_PROC_PARSE_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"

namespace botmon {

// Cumulative CPU time of all cores since boot, in USER_HZ ticks.
struct CpuTimes {
  uint64_t busy = 0;  // user + nice + system + irq + softirq + steal
  uint64_t idle = 0;  // idle + iowait
};

// Parses the "cpu " line: user nice system idle iowait irq softirq steal [guest guest_nice].
// guest and guest_nice are ignored because the kernel already counts them in user and nice.
// Fewer than 8 numbers fail: every kernel since 2.6.11 writes them, so fewer means a truncated
// line.
StatusOr<CpuTimes> ParseProcStat(std::string_view text);

// Percent of all cores busy between two readings, 0..100; nullopt when no time elapsed (a zero
// denominator: absent, not an error, SPEC 1.1). Fails when a counter went backwards (a counter
// reset or wrap, e.g. a restored VM snapshot).
StatusOr<std::optional<double>> CpuUsagePercent(const CpuTimes& prev, const CpuTimes& cur);

struct MemInfo {
  uint64_t total_kb = 0;      // MemTotal
  uint64_t available_kb = 0;  // MemAvailable, the kernel's estimate of memory usable without swap
};

// Parses MemTotal and MemAvailable, both required as "<number> kB" (MemAvailable exists since
// Linux 3.14). Other lines, well-formed or not, are ignored. Fails when a key is missing or its
// value is malformed, when MemTotal is 0, or when MemAvailable exceeds MemTotal.
StatusOr<MemInfo> ParseMeminfo(std::string_view text);

// (MemTotal - MemAvailable) / MemTotal * 100. REQUIRES: a MemInfo returned by ParseMeminfo.
double MemUsagePercent(const MemInfo& mem);

}  // namespace botmon

#endif  // BOTMON_COLLECT_PROC_PARSE_H_
