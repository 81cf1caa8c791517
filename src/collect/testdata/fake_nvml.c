/* A stand-in for libnvidia-ml.so.1, loaded only by collect_test through HostCollectorOptions::
 * nvml_library (never linked into botmon). It exports the NVML entry points the collector uses,
 * with NVML's C ABI, and reports two GPUs with known values:
 *   device 0: 37 % busy, 4 GiB of 8 GiB used (50 %)
 *   device 1: 81 % busy, 4 GiB of 16 GiB used (25 %)
 * fake_nvml_set_mode() selects a failure to test the error paths; the counters let a test check
 * that the collector calls nvmlShutdown exactly once per successful nvmlInit_v2.
 *
 * Not thread-safe (tests drive it from one thread). */

typedef int nvmlReturn_t;
enum {
  NVML_SUCCESS = 0,
  NVML_ERROR_UNINITIALIZED = 1,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NO_PERMISSION = 4,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_GPU_IS_LOST = 15
};

struct nvmlDevice_st {
  unsigned int utilization;
  unsigned long long total;
  unsigned long long used;
};
typedef struct nvmlDevice_st* nvmlDevice_t;
typedef struct {
  unsigned int gpu;
  unsigned int memory;
} nvmlUtilization_t;
typedef struct {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

enum {
  FAKE_NVML_OK = 0,
  FAKE_NVML_INIT_FAILS = 1,
  FAKE_NVML_NO_DEVICES = 2,
  FAKE_NVML_GPU1_LOST = 3,      /* device 1's utilization query fails */
  FAKE_NVML_GPU0_NO_HANDLE = 4, /* device 0 cannot be opened */
  FAKE_NVML_GPU0_NO_MEMORY = 5  /* device 0 reports 0 bytes of memory */
};

#define GIB (1024ULL * 1024ULL * 1024ULL)
static struct nvmlDevice_st devices[2] = {{37, 8 * GIB, 4 * GIB}, {81, 16 * GIB, 4 * GIB}};
static int mode = FAKE_NVML_OK;
static int initialised = 0;
static int init_count = 0;
static int shutdown_count = 0;

void fake_nvml_set_mode(int m) { mode = m; }
int fake_nvml_init_count(void) { return init_count; }
int fake_nvml_shutdown_count(void) { return shutdown_count; }

nvmlReturn_t nvmlInit_v2(void) {
  if (mode == FAKE_NVML_INIT_FAILS) return NVML_ERROR_DRIVER_NOT_LOADED;
  initialised = 1;
  ++init_count;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
  if (!initialised) return NVML_ERROR_UNINITIALIZED;
  initialised = 0;
  ++shutdown_count;
  return NVML_SUCCESS;
}

const char* nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS:
      return "Success";
    case NVML_ERROR_UNINITIALIZED:
      return "Uninitialized";
    case NVML_ERROR_NO_PERMISSION:
      return "Insufficient Permissions";
    case NVML_ERROR_DRIVER_NOT_LOADED:
      return "Driver Not Loaded";
    case NVML_ERROR_GPU_IS_LOST:
      return "GPU is lost";
    default:
      return "Unknown Error";
  }
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) {
  if (!initialised) return NVML_ERROR_UNINITIALIZED;
  if (count == 0) return NVML_ERROR_INVALID_ARGUMENT;
  *count = mode == FAKE_NVML_NO_DEVICES ? 0 : 2;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  if (!initialised) return NVML_ERROR_UNINITIALIZED;
  if (index >= 2 || device == 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (index == 0 && mode == FAKE_NVML_GPU0_NO_HANDLE) return NVML_ERROR_NO_PERMISSION;
  *device = &devices[index];
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* utilization) {
  if (!initialised) return NVML_ERROR_UNINITIALIZED;
  if (device == 0 || utilization == 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (device == &devices[1] && mode == FAKE_NVML_GPU1_LOST) return NVML_ERROR_GPU_IS_LOST;
  utilization->gpu = device->utilization;
  utilization->memory = device->utilization / 2;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  if (!initialised) return NVML_ERROR_UNINITIALIZED;
  if (device == 0 || memory == 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (device == &devices[0] && mode == FAKE_NVML_GPU0_NO_MEMORY) {
    memory->total = memory->free = memory->used = 0;
    return NVML_SUCCESS;
  }
  memory->total = device->total;
  memory->used = device->used;
  memory->free = device->total - device->used;
  return NVML_SUCCESS;
}
