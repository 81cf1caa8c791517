// One HostCollector::Collect() on this machine, and its parts. The idle server's whole budget at
// a 1 s tick is 1 ms of CPU per second (SPEC 15), so one collection should take tens of µs.
#include <benchmark/benchmark.h>

#include <string>

#include "collect/disk_usage.h"
#include "collect/host_collector.h"
#include "collect/proc_parse.h"
#include "core/fs.h"

namespace botmon {
namespace {

// The default production setup: real /proc, the root file system, NVML absent on this host.
void BM_Collect(benchmark::State& state) {
  HostCollectorOptions opts;
  opts.mounts = {"/", "/tmp"};
  HostCollector c(opts);
  c.Collect();
  for (auto _ : state) {
    HostSample s = c.Collect();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_Collect);

void BM_ReadProcStat(benchmark::State& state) {
  for (auto _ : state) {
    StatusOr<std::string> text = ReadFileBounded("/proc/stat", 1 << 20);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_ReadProcStat);

void BM_ReadProcMeminfo(benchmark::State& state) {
  for (auto _ : state) {
    StatusOr<std::string> text = ReadFileBounded("/proc/meminfo", 1 << 20);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_ReadProcMeminfo);

void BM_ParseProcStat(benchmark::State& state) {
  std::string text = *ReadFileBounded("/proc/stat", 1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(ParseProcStat(text));
}
BENCHMARK(BM_ParseProcStat);

void BM_ParseMeminfo(benchmark::State& state) {
  std::string text = *ReadFileBounded("/proc/meminfo", 1 << 20);
  for (auto _ : state) benchmark::DoNotOptimize(ParseMeminfo(text));
}
BENCHMARK(BM_ParseMeminfo);

void BM_Statvfs(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(DiskUsedPercent("/"));
}
BENCHMARK(BM_Statvfs);

}  // namespace
}  // namespace botmon

BENCHMARK_MAIN();
