#include "collect/host_collector.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "collect/disk_usage.h"
#include "collect/nvml.h"
#include "collect/proc_parse.h"
#include "core/fs.h"

namespace botmon {
namespace {

// /proc/stat and /proc/meminfo are a few KB; anything past 1 MiB is not a real /proc file.
constexpr size_t kMaxProcFile = 1 << 20;

// "/" -> "/proc/<name>", "/x" or "/x/" -> "/x/proc/<name>".
std::string ProcPath(std::string root, const char* name) {
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + "/proc/" + name;
}

// Drops trailing slashes ("/data/" and "/data" are one mount) and repeated mounts, keeping order.
std::vector<std::string> UniqueMounts(const std::vector<std::string>& mounts) {
  std::vector<std::string> out;
  for (std::string m : mounts) {
    while (m.size() > 1 && m.back() == '/') m.pop_back();
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(std::move(m));
  }
  return out;
}

// Reads one /proc file and parses it; every error names the file.
template <typename T>
StatusOr<T> ReadProcFile(const std::string& path, StatusOr<T> (*parse)(std::string_view)) {
  StatusOr<std::string> text = ReadFileBounded(path, kMaxProcFile);
  if (!text.ok()) return text.status();
  StatusOr<T> value = parse(*text);
  if (!value.ok()) return value.status().WithPrefix(path);
  return value;
}

}  // namespace

struct HostCollector::Impl {
  void CollectCpu(HostSample* s);
  void CollectMem(HostSample* s);
  void CollectDisks(HostSample* s);

  std::string stat_path;
  std::string meminfo_path;
  std::vector<std::string> mounts;
  // The previous successful /proc/stat reading; cleared after a failed read so that a value
  // always covers exactly one tick (SPEC 1.1: a delta over the tick, never since boot).
  std::optional<CpuTimes> prev_cpu;
  std::unique_ptr<Nvml> nvml;  // null when GPU collection is disabled
  std::string gpu_disabled_reason;
};

void HostCollector::Impl::CollectCpu(HostSample* s) {
  StatusOr<CpuTimes> cur = ReadProcFile(stat_path, &ParseProcStat);
  if (!cur.ok()) {
    s->errors.push_back("cpu.usage: " + cur.status().message());
    prev_cpu.reset();
    return;
  }
  if (prev_cpu) {
    StatusOr<std::optional<double>> pct = CpuUsagePercent(*prev_cpu, *cur);
    if (pct.ok()) {
      s->cpu_usage = *pct;
      // No clock tick elapsed since the baseline: keep the older baseline for the next call.
      if (!pct->has_value()) return;
    } else {
      s->errors.push_back("cpu.usage: " + pct.status().message());
    }
  }
  prev_cpu = *cur;
}

void HostCollector::Impl::CollectMem(HostSample* s) {
  StatusOr<MemInfo> mem = ReadProcFile(meminfo_path, &ParseMeminfo);
  if (!mem.ok()) {
    s->errors.push_back("mem.usage, mem.free: " + mem.status().message());
    return;
  }
  s->mem_usage = MemUsagePercent(*mem);
  s->mem_free_kb = static_cast<double>(mem->available_kb);
}

void HostCollector::Impl::CollectDisks(HostSample* s) {
  s->disks.reserve(mounts.size());
  for (const std::string& mount : mounts) {
    StatusOr<double> pct = DiskUsedPercent(mount);
    if (pct.ok()) {
      s->disks.push_back({mount, *pct});
    } else {
      s->errors.push_back("disk.usage: " + pct.status().message());
    }
  }
}

HostCollector::HostCollector(HostCollectorOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->stat_path = ProcPath(opts.proc_root, "stat");
  impl_->meminfo_path = ProcPath(opts.proc_root, "meminfo");
  impl_->mounts = UniqueMounts(opts.mounts);
  // A baseline /proc/stat reading now, so that the first Collect() (the first tick) already
  // has a CPU figure: it covers the time since construction, at most one tick.
  HostSample baseline;
  impl_->CollectCpu(&baseline);
  if (opts.nvml_library.empty()) {
    impl_->gpu_disabled_reason = "GPU collection disabled (no NVML library configured)";
    return;
  }
  // Opened once: a host without the driver stays without GPU series until restart (SPEC 4).
  StatusOr<std::unique_ptr<Nvml>> nvml = Nvml::Open(opts.nvml_library);
  if (nvml.ok()) {
    impl_->nvml = std::move(nvml).value();
  } else {
    impl_->gpu_disabled_reason = nvml.status().message();
  }
}

HostCollector::~HostCollector() = default;

HostSample HostCollector::Collect() {
  HostSample s;
  impl_->CollectCpu(&s);
  impl_->CollectMem(&s);
  impl_->CollectDisks(&s);
  if (impl_->nvml) s.gpus = impl_->nvml->Read(&s.errors);
  return s;
}

bool HostCollector::gpu_available() const { return impl_->nvml != nullptr; }

const std::string& HostCollector::gpu_disabled_reason() const { return impl_->gpu_disabled_reason; }

}  // namespace botmon
