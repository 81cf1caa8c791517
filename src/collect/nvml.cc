#include "collect/nvml.h"

#include <dlfcn.h>

#include <memory>
#include <string>
#include <vector>

namespace botmon {
namespace {

// Our own declarations of NVML's ABI (nvml.h, API version 2 entry points). nvmlReturn_t is a C
// enum (int-sized, NVML_SUCCESS = 0) and nvmlDevice_t an opaque pointer.
using NvmlReturn = int;
constexpr NvmlReturn kNvmlSuccess = 0;
struct NvmlDeviceSt;
using NvmlDevice = NvmlDeviceSt*;
struct NvmlUtilization {  // nvmlUtilization_t
  unsigned int gpu;       // % of the last sample period a kernel was running
  unsigned int memory;    // % of that period device memory was read or written
};
struct NvmlMemory {  // nvmlMemory_t, in bytes
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

using InitFn = NvmlReturn (*)();
using ShutdownFn = NvmlReturn (*)();
using GetCountFn = NvmlReturn (*)(unsigned int*);
using GetHandleFn = NvmlReturn (*)(unsigned int, NvmlDevice*);
using GetUtilizationFn = NvmlReturn (*)(NvmlDevice, NvmlUtilization*);
using GetMemoryFn = NvmlReturn (*)(NvmlDevice, NvmlMemory*);
using ErrorStringFn = const char* (*)(NvmlReturn);

struct DlCloser {
  void operator()(void* handle) const { ::dlclose(handle); }
};
using DlHandle = std::unique_ptr<void, DlCloser>;

}  // namespace

struct Nvml::State {
  // Runs before the members are destroyed, so NVML shuts down while `lib` is still mapped.
  ~State() {
    if (initialised) shutdown();
  }

  std::string ErrorText(NvmlReturn rc) const {
    const char* text = error_string ? error_string(rc) : nullptr;
    return text ? std::string(text) + " (" + std::to_string(rc) + ")"
                : "NVML error " + std::to_string(rc);
  }

  DlHandle lib;
  bool initialised = false;
  InitFn init = nullptr;
  ShutdownFn shutdown = nullptr;
  GetCountFn get_count = nullptr;
  GetHandleFn get_handle = nullptr;
  GetUtilizationFn get_utilization = nullptr;
  GetMemoryFn get_memory = nullptr;
  ErrorStringFn error_string = nullptr;  // optional: only improves messages

  struct Device {
    unsigned int index;  // NVML's index, which names the series (`gpu` dimension)
    NvmlDevice handle;
  };
  std::vector<Device> devices;
};

namespace {

// Resolves `name` into `*fn`, or says which symbol `library` lacks.
template <typename Fn>
Status Resolve(void* lib, const std::string& library, const char* name, Fn* fn) {
  void* sym = ::dlsym(lib, name);
  if (sym == nullptr) return Status::Unavailable(library + " lacks " + name + " (not NVML?)");
  *fn = reinterpret_cast<Fn>(sym);
  return Status::OK();
}

}  // namespace

StatusOr<std::unique_ptr<Nvml>> Nvml::Open(const std::string& library) {
  if (library.empty()) return Status::InvalidArgument("no NVML library configured");
  auto s = std::make_unique<State>();
  // RTLD_LOCAL keeps NVML's symbols out of the global namespace; RTLD_NOW fails here, not later.
  s->lib.reset(::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!s->lib) {
    const char* err = ::dlerror();
    return Status::Unavailable("cannot load " + library + ": " + (err ? err : "unknown error"));
  }
  void* lib = s->lib.get();
  RETURN_IF_ERROR(Resolve(lib, library, "nvmlInit_v2", &s->init));
  RETURN_IF_ERROR(Resolve(lib, library, "nvmlShutdown", &s->shutdown));
  RETURN_IF_ERROR(Resolve(lib, library, "nvmlDeviceGetCount_v2", &s->get_count));
  RETURN_IF_ERROR(Resolve(lib, library, "nvmlDeviceGetHandleByIndex_v2", &s->get_handle));
  RETURN_IF_ERROR(Resolve(lib, library, "nvmlDeviceGetUtilizationRates", &s->get_utilization));
  RETURN_IF_ERROR(Resolve(lib, library, "nvmlDeviceGetMemoryInfo", &s->get_memory));
  (void)Resolve(lib, library, "nvmlErrorString", &s->error_string);  // optional

  NvmlReturn rc = s->init();
  if (rc != kNvmlSuccess) {
    return Status::Unavailable(library + ": nvmlInit_v2 failed: " + s->ErrorText(rc));
  }
  s->initialised = true;

  unsigned int count = 0;
  rc = s->get_count(&count);
  if (rc != kNvmlSuccess) {
    return Status::Unavailable(library + ": nvmlDeviceGetCount_v2 failed: " + s->ErrorText(rc));
  }
  // A device we may not open (e.g. no permission on its /dev node) is skipped, not fatal.
  std::string skipped;
  for (unsigned int i = 0; i < count; ++i) {
    NvmlDevice handle = nullptr;
    rc = s->get_handle(i, &handle);
    if (rc == kNvmlSuccess) {
      s->devices.push_back({i, handle});
    } else {
      skipped += "; device " + std::to_string(i) + ": " + s->ErrorText(rc);
    }
  }
  if (s->devices.empty()) {
    return Status::NotFound(library + ": NVML reports no usable GPU (" + std::to_string(count) +
                            " devices" + skipped + ")");
  }
  return std::unique_ptr<Nvml>(new Nvml(std::move(s)));
}

Nvml::Nvml(std::unique_ptr<State> state) : state_(std::move(state)) {}

Nvml::~Nvml() = default;

size_t Nvml::device_count() const { return state_->devices.size(); }

std::vector<GpuUsage> Nvml::Read(std::vector<std::string>* errors) {
  std::vector<GpuUsage> out;
  out.reserve(state_->devices.size());
  for (const State::Device& d : state_->devices) {
    std::string name = std::to_string(d.index);
    NvmlUtilization util{};
    NvmlReturn rc = state_->get_utilization(d.handle, &util);
    if (rc != kNvmlSuccess) {
      errors->push_back("gpu " + name +
                        ": nvmlDeviceGetUtilizationRates: " + state_->ErrorText(rc));
      continue;
    }
    NvmlMemory mem{};
    rc = state_->get_memory(d.handle, &mem);
    if (rc != kNvmlSuccess) {
      errors->push_back("gpu " + name + ": nvmlDeviceGetMemoryInfo: " + state_->ErrorText(rc));
      continue;
    }
    if (mem.total == 0) {  // a derived field is absent when its denominator is 0 (SPEC 1.1)
      errors->push_back("gpu " + name + ": NVML reports 0 bytes of memory");
      continue;
    }
    out.push_back({std::move(name), static_cast<double>(util.gpu),
                   static_cast<double>(mem.used) / static_cast<double>(mem.total) * 100.0});
  }
  return out;
}

}  // namespace botmon
