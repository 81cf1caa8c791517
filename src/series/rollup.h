// Roll-up points (SPEC 13): per series, one point per minute (tier 1m) or per hour (tier 1h)
// holding the sum, count, min and max of the raw samples in that period. History downsampling
// reads them: counters as sums, gauges as sum/count, percentile fields as the max (an
// approximation, documented in docs/api.md).
//
// A roll-up chunk is four chunk_codec streams (timestamps repeated in each, regular so they cost
// one bit a point): sums, counts, mins, maxes, each prefixed by its length as a varint.
// Pure functions; thread-safe.
#ifndef BOTMON_SERIES_ROLLUP_H_
#define BOTMON_SERIES_ROLLUP_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "series/chunk_codec.h"

namespace botmon {

struct RollupPoint {
  int64_t t_ms = 0;  // period start
  double sum = 0;
  int64_t count = 0;
  double min = 0, max = 0;

  void Add(double v) {
    if (count == 0) {
      min = max = v;
    } else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    sum += v;
    ++count;
  }
  void Merge(const RollupPoint& o) {
    if (o.count == 0) return;
    if (count == 0) {
      min = o.min;
      max = o.max;
    } else {
      if (o.min < min) min = o.min;
      if (o.max > max) max = o.max;
    }
    sum += o.sum;
    count += o.count;
  }
};

// Groups time-ordered samples into points of `period_ms` (aligned to the epoch).
std::vector<RollupPoint> RollUp(const std::vector<ChunkSample>& samples, int64_t period_ms);

// `mode` is the series' raw mode (percent values stay exact); it falls back to kFloat when a
// value does not fit.
std::string EncodeRollups(const std::vector<RollupPoint>& points, ValueMode mode);
StatusOr<std::vector<RollupPoint>> DecodeRollups(std::string_view bytes);

}  // namespace botmon

#endif  // BOTMON_SERIES_ROLLUP_H_
