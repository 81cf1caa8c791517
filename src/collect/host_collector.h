// Host collection (SPEC 4): CPU from the /proc/stat delta, memory from /proc/meminfo, disks with
// statvfs, GPUs through NVML opened with dlopen. Files are read through a root prefix so tests
// use captured files. No process is spawned.
//
// Thread-compatible: one HostCollector is driven by the ticker thread only.
#ifndef BOTMON_COLLECT_HOST_COLLECTOR_H_
#define BOTMON_COLLECT_HOST_COLLECTOR_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace botmon {

struct HostCollectorOptions {
  // Prefix prepended to /proc/stat and /proc/meminfo ("/" = the real host).
  std::string proc_root = "/";
  // Mount points measured with statvfs (the data dir's mount is added by the caller). Paths are
  // used as given (not prefixed) since statvfs measures a live file system.
  std::vector<std::string> mounts = {"/"};
  // Library opened with dlopen; empty disables GPU collection.
  std::string nvml_library = "libnvidia-ml.so.1";
};

struct DiskUsage {
  std::string mount;
  double percent = 0;  // used / (used + available to unprivileged users), as df shows it
};

struct GpuUsage {
  std::string gpu;       // index as a string: "0", "1"
  double usage = 0;      // %
  double mem_usage = 0;  // %
};

struct HostSample {
  std::optional<double> cpu_usage;  // absent when /proc/stat could not be read twice
  std::optional<double> mem_usage;  // %
  std::optional<double> mem_free_kb;
  std::vector<DiskUsage> disks;
  std::vector<GpuUsage> gpus;       // empty without NVML
  std::vector<std::string> errors;  // transient problems this call (logged rate-limited)
};

class HostCollector {
 public:
  explicit HostCollector(HostCollectorOptions opts);
  ~HostCollector();
  HostCollector(const HostCollector&) = delete;
  HostCollector& operator=(const HostCollector&) = delete;

  // Reads everything once. CPU usage is the delta against the previous call, or against the
  // baseline the constructor read for the first call (never since boot).
  HostSample Collect();

  // True when NVML loaded and initialised with at least one device.
  bool gpu_available() const;
  // Why the GPU collector is disabled ("" when enabled).
  const std::string& gpu_disabled_reason() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace botmon

#endif  // BOTMON_COLLECT_HOST_COLLECTOR_H_
