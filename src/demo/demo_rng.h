// DemoRng: the demo's own pseudo-random generator and the few distributions it needs.
//
// The standard library fixes mt19937's output but not the algorithms of its distributions, so a
// demo built on std::normal_distribution could replay differently on another standard library.
// This one is xoshiro256** seeded through splitmix64, with distributions written out here: the
// same seed gives the same numbers wherever the same libm is used. Not for cryptography.
// Thread-compatible (one instance per thread).
#ifndef BOTMON_DEMO_DEMO_RNG_H_
#define BOTMON_DEMO_DEMO_RNG_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace botmon {

class DemoRng {
 public:
  explicit DemoRng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& w : s_) w = SplitMix(&x);
  }

  // splitmix64's output function: a good 64-bit mixer, also used to derive ids from counters.
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi] (REQUIRES: lo <= hi; the modulo bias is negligible here).
  int64_t Int(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }
  // Exponential with the given mean (inter-arrival times of a Poisson process).
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }
  // Standard normal (Box-Muller; one value per call keeps the stream simple to reason about).
  double Normal() {
    const double u1 = 1.0 - Uniform();  // (0, 1]
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Log-normal with the given median and shape, clamped to [lo, hi]: response times, think
  // times and token counts are right-skewed like this.
  double LogNormal(double median, double sigma, double lo, double hi) {
    const double v = median * std::exp(sigma * Normal());
    return v < lo ? lo : (v > hi ? hi : v);
  }
  // An index drawn with probability proportional to its weight (REQUIRES: some weight > 0).
  template <typename Weights>
  size_t Weighted(const Weights& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Uniform() * total;
    size_t i = 0;
    for (double w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return i - 1;
  }
  size_t Weighted(std::initializer_list<double> weights) {
    return Weighted<std::initializer_list<double>>(weights);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t* x) {
    *x += 0x9E3779B97F4A7C15ULL;
    return Mix(*x);
  }

  uint64_t s_[4];
};

}  // namespace botmon

#endif  // BOTMON_DEMO_DEMO_RNG_H_
