// GPU utilisation through NVML, opened at run time with dlopen so that botmon neither links
// against nor needs the NVIDIA driver (SPEC 4). We declare the few NVML entry points ourselves
// (nvml.cc) instead of including NVIDIA's nvml.h, so the build needs no NVIDIA package.
//
// An Nvml object exists only when the library loaded, nvmlInit_v2 succeeded and at least one
// device answered; otherwise Open() says why, and the caller reports "no GPU" (never 0 %).
//
// Thread-compatible: one owner calls Read(); NVML itself is thread-safe.
#ifndef BOTMON_COLLECT_NVML_H_
#define BOTMON_COLLECT_NVML_H_

#include <memory>
#include <string>
#include <vector>

#include "collect/host_collector.h"
#include "core/status.h"

namespace botmon {

class Nvml {
 public:
  // Loads `library` (a name searched like any dlopen, or a path), initialises NVML and takes a
  // handle for every device. Fails with a message naming the library when it cannot be loaded,
  // lacks a symbol, fails to initialise or reports no usable device.
  static StatusOr<std::unique_ptr<Nvml>> Open(const std::string& library);

  // Calls nvmlShutdown, then unloads the library.
  ~Nvml();
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  size_t device_count() const;

  // Utilisation and memory use of every device. A device whose query fails is left out and the
  // reason appended to `errors` (transient: it is queried again next time).
  std::vector<GpuUsage> Read(std::vector<std::string>* errors);

 private:
  struct State;  // the dlopen handle, the resolved entry points and the devices (nvml.cc)
  explicit Nvml(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace botmon

#endif  // BOTMON_COLLECT_NVML_H_
