// BuildTickSamples: turns a closed tick into the samples every series closes at that tick
// (SPEC 1.1), at three levels for traffic: each (host, bot, channel), each (host, bot) and each
// host. Counters, gauges, derived fields and the quiet-tick rules:
//  - host-level built-in counters of the local node emit 0 every tick;
//  - other counter series emit 0 for `quiet_ms` (24 h) after their last event, then stop;
//  - derived fields are absent when their denominator is 0;
//  - gauges reported by events (queue.depth, custom gauges) are absent in ticks without a report.
// Pure function; thread-safe.
#ifndef BOTMON_SERIES_TICK_SAMPLES_H_
#define BOTMON_SERIES_TICK_SAMPLES_H_

#include <optional>
#include <string>
#include <vector>

#include "series/field_catalog.h"
#include "series/series_key.h"
#include "series/tick_accumulator.h"

namespace botmon {

// What the host collector read this tick (absent members: no sample).
struct HostReadings {
  std::optional<double> cpu_usage, mem_usage, mem_free_kb;
  std::vector<std::pair<std::string, double>> disks;  // mount, %
  struct Gpu {
    std::string gpu;
    double usage, mem_usage;
  };
  std::vector<Gpu> gpus;
};

struct TickValue {
  SeriesKey key;
  double value;
};

struct TickSampleOptions {
  std::string local_host;         // this node's hostName
  int64_t quiet_ms = 86'400'000;  // how long quiet counter series keep emitting 0
};

std::vector<TickValue> BuildTickSamples(const ClosedTick& tick, const HostReadings* host,
                                        const FieldCatalog& catalog, const TickSampleOptions& opts);

}  // namespace botmon

#endif  // BOTMON_SERIES_TICK_SAMPLES_H_
