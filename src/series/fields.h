// The field catalogue of SPEC 1.1: every built-in metric name, its kind, unit, how series with
// more dimensions combine into a coarser one ("across"), and which dimensions it carries.
//
// Custom fields (sent by bots with `gauge`/`counter` events) are not in this table; their kind is
// fixed by their first use (see series/field_registry.h). Pure data; thread-safe.
#ifndef BOTMON_SERIES_FIELDS_H_
#define BOTMON_SERIES_FIELDS_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace botmon {

enum class FieldKind : uint8_t {
  kGauge,    // the value at, or averaged over, the tick
  kCounter,  // what happened during the tick (a delta)
  kDerived,  // computed at tick close from other accumulators; absent when its denominator is 0
};

enum class Across : uint8_t {
  kMax,     // e.g. cpu.usage: a host's value is the max of its parts
  kMin,     // service.up, node.up
  kSum,     // counters, sessions.active, mem.free, queue.depth
  kMean,    // gpu.usage across GPUs
  kRatio,   // averages: sum of numerators over sum of denominators
  kSketch,  // quantiles: merged sketches (or, from stored samples only, the max)
};

// Dimension bits a field's series carry, beyond `host` (which every series has).
enum DimBits : uint8_t {
  kDimNone = 0,
  kDimBot = 1,
  kDimChannel = 2,
  kDimMount = 4,
  kDimGpu = 8,
  kDimService = 16,
};

struct FieldInfo {
  std::string_view name;
  FieldKind kind;
  Across across;
  uint8_t dims;          // DimBits
  bool percent;          // stored quantized to 0.01 (SPEC 13)
  std::string_view unit;  // for docs and the dashboard
};

// Every built-in field, in the order of SPEC 1.1.
std::span<const FieldInfo> BuiltinFields();

// The built-in field of that exact name, or nullptr.
const FieldInfo* FindBuiltinField(std::string_view name);

// Custom names match [a-z][a-z0-9_.]{0,99} (SPEC 1.1).
bool IsValidCustomFieldName(std::string_view name);

// The traffic dimensions (bot, channel) are present on fields fed by bot events.
inline bool HasTrafficDims(const FieldInfo& f) { return (f.dims & kDimBot) != 0; }

}  // namespace botmon

#endif  // BOTMON_SERIES_FIELDS_H_
