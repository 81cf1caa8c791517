// Benchmarks for the series module's pure parts: the quantile sketch (Add, Merge, Quantile,
// Serialize) and the chunk codec (Append per sample, decode per sample).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "series/chunk_codec.h"
#include "series/quantile_sketch.h"

namespace botmon {
namespace {

std::vector<double> Latencies(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(4, 1.5);  // median ~55 ms, long tail
  std::vector<double> v(n);
  for (double& x : v) x = dist(rng);
  return v;
}

void BM_SketchAdd(benchmark::State& state) {
  const std::vector<double> values = Latencies(1 << 16, 1);
  QuantileSketch sketch;
  size_t i = 0;
  for (auto _ : state) {
    sketch.Add(values[i++ & (values.size() - 1)]);
  }
  benchmark::DoNotOptimize(sketch.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SketchAdd);

QuantileSketch SketchOf(size_t n, uint64_t seed) {
  QuantileSketch s;
  for (double v : Latencies(n, seed)) s.Add(v);
  return s;
}

// Merging one tick's sketch (state.range(0) values) into a window's sketch.
void BM_SketchMerge(benchmark::State& state) {
  const QuantileSketch part = SketchOf(static_cast<size_t>(state.range(0)), 2);
  QuantileSketch total = SketchOf(100000, 3);
  for (auto _ : state) {
    total.Merge(part);
    benchmark::DoNotOptimize(total.count());
  }
  state.counters["buckets"] = static_cast<double>(part.bucket_count());
}
BENCHMARK(BM_SketchMerge)->Arg(10)->Arg(1000)->Arg(100000);

void BM_SketchQuantile(benchmark::State& state) {
  const QuantileSketch s = SketchOf(100000, 4);
  const double q = static_cast<double>(state.range(0)) / 100.0;
  for (auto _ : state) benchmark::DoNotOptimize(s.Quantile(q));
  state.counters["buckets"] = static_cast<double>(s.bucket_count());
}
BENCHMARK(BM_SketchQuantile)->Arg(50)->Arg(95)->Arg(99);

void BM_SketchSerialize(benchmark::State& state) {
  const QuantileSketch s = SketchOf(100000, 5);
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string out = s.Serialize();
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_SketchSerialize);

void BM_SketchDeserialize(benchmark::State& state) {
  const std::string bytes = SketchOf(100000, 6).Serialize();
  for (auto _ : state) {
    StatusOr<QuantileSketch> s = QuantileSketch::Deserialize(bytes);
    benchmark::DoNotOptimize(s.ok());
  }
}
BENCHMARK(BM_SketchDeserialize);

// --- chunk codec: one day of 10 s ticks per chunk ---

constexpr size_t kDay = 8640;

struct Series {
  ValueMode mode;
  std::vector<int64_t> ts;
  std::vector<double> values;
};

Series MakeSeries(ValueMode mode) {
  Series s{mode, std::vector<int64_t>(kDay), std::vector<double>(kDay)};
  std::mt19937_64 rng(7);
  double x = 12.37;
  for (size_t i = 0; i < kDay; ++i) {
    s.ts[i] = 1'700'000'000'000 + static_cast<int64_t>(i) * 10'000;
    switch (mode) {
      case ValueMode::kPercent:  // CPU random walk
        x = std::fmin(100, std::fmax(0, x + std::uniform_real_distribution<double>(-2, 2)(rng)));
        s.values[i] = x;
        break;
      case ValueMode::kInteger:  // bursty counter
        s.values[i] = rng() % 100 < 85 ? 0 : static_cast<double>(1 + rng() % 20);
        break;
      case ValueMode::kFloat:  // latency average with two decimals
        s.values[i] = std::round((230 + std::normal_distribution<double>(0, 15)(rng)) * 100) / 100;
        break;
    }
  }
  return s;
}

void BM_ChunkAppend(benchmark::State& state) {
  const Series s = MakeSeries(static_cast<ValueMode>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    ChunkEncoder enc(s.mode);
    for (size_t i = 0; i < kDay; ++i) {
      if (!enc.Append(s.ts[i], s.values[i]).ok()) state.SkipWithError("append failed");
    }
    bytes = enc.EncodedSize();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kDay));
  state.counters["bytes_per_sample"] = static_cast<double>(bytes) / kDay;
}
BENCHMARK(BM_ChunkAppend)->Arg(0)->Arg(1)->Arg(2)->ArgName("mode");

void BM_ChunkDecode(benchmark::State& state) {
  const Series s = MakeSeries(static_cast<ValueMode>(state.range(0)));
  ChunkEncoder enc(s.mode);
  for (size_t i = 0; i < kDay; ++i) {
    if (!enc.Append(s.ts[i], s.values[i]).ok()) state.SkipWithError("append failed");
  }
  const std::string bytes = enc.Finish();
  for (auto _ : state) {
    StatusOr<std::vector<ChunkSample>> out = DecodeChunk(bytes);
    benchmark::DoNotOptimize(out.ok());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kDay));
}
BENCHMARK(BM_ChunkDecode)->Arg(0)->Arg(1)->Arg(2)->ArgName("mode");

}  // namespace
}  // namespace botmon

BENCHMARK_MAIN();
