// The benchmarks' synthetic gauge: a per-series random walk in [10, 90] with two decimals (a
// cpu.usage-like value), from a xorshift64 state. bench/prom_rules.py generates the same walk,
// so that botmon and Prometheus evaluate identical data.
#ifndef BOTMON_BENCH_WALK_H_
#define BOTMON_BENCH_WALK_H_

#include <cstdint>

namespace botmon::bench {

struct Walk {
  uint64_t state;
  double v = 50;
  double Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    v += static_cast<double>(static_cast<int64_t>(state % 401) - 200) / 100;
    if (v < 10) v = 20 - v;
    if (v > 90) v = 180 - v;
    return static_cast<double>(static_cast<int64_t>(v * 100)) / 100;
  }
};

}  // namespace botmon::bench

#endif  // BOTMON_BENCH_WALK_H_
