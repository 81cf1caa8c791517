#include "series/fields.h"

#include <array>

namespace botmon {
namespace {

constexpr uint8_t kTraffic = kDimBot | kDimChannel;

constexpr std::array kFields = {
    FieldInfo{"cpu.usage", FieldKind::kGauge, Across::kMax, kDimNone, true, "%"},
    FieldInfo{"mem.usage", FieldKind::kGauge, Across::kMax, kDimNone, true, "%"},
    FieldInfo{"mem.free", FieldKind::kGauge, Across::kSum, kDimNone, false, "KB"},
    FieldInfo{"disk.usage", FieldKind::kGauge, Across::kMax, kDimMount, true, "%"},
    FieldInfo{"gpu.usage", FieldKind::kGauge, Across::kMean, kDimGpu, true, "%"},
    FieldInfo{"gpu.mem.usage", FieldKind::kGauge, Across::kMean, kDimGpu, true, "%"},
    FieldInfo{"requests.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "requests"},
    FieldInfo{"requests.latency_sum", FieldKind::kCounter, Across::kSum, kTraffic, false, "ms"},
    FieldInfo{"requests.latency_avg", FieldKind::kDerived, Across::kRatio, kTraffic, false, "ms"},
    FieldInfo{"requests.latency_p50", FieldKind::kDerived, Across::kSketch, kTraffic, false, "ms"},
    FieldInfo{"requests.latency_p95", FieldKind::kDerived, Across::kSketch, kTraffic, false, "ms"},
    FieldInfo{"requests.latency_p99", FieldKind::kDerived, Across::kSketch, kTraffic, false, "ms"},
    FieldInfo{"eventsIn.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "messages"},
    FieldInfo{"eventsOut.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "messages"},
    FieldInfo{"response.latency_avg", FieldKind::kDerived, Across::kRatio, kTraffic, false, "ms"},
    FieldInfo{"response.latency_p50", FieldKind::kDerived, Across::kSketch, kTraffic, false, "ms"},
    FieldInfo{"response.latency_p95", FieldKind::kDerived, Across::kSketch, kTraffic, false, "ms"},
    FieldInfo{"response.latency_p99", FieldKind::kDerived, Across::kSketch, kTraffic, false, "ms"},
    FieldInfo{"warnings.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "lines"},
    FieldInfo{"errors.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "lines"},
    FieldInfo{"criticals.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "lines"},
    FieldInfo{"errors.rate", FieldKind::kDerived, Across::kRatio, kTraffic, true, "%"},
    FieldInfo{"sessions.active", FieldKind::kGauge, Across::kSum, kTraffic, false, "sessions"},
    FieldInfo{"sessions.started", FieldKind::kCounter, Across::kSum, kTraffic, false, "sessions"},
    FieldInfo{"sessions.ended", FieldKind::kCounter, Across::kSum, kTraffic, false, "sessions"},
    FieldInfo{"llm.calls", FieldKind::kCounter, Across::kSum, kTraffic, false, "calls"},
    FieldInfo{"llm.tokens_in", FieldKind::kCounter, Across::kSum, kTraffic, false, "tokens"},
    FieldInfo{"llm.tokens_out", FieldKind::kCounter, Across::kSum, kTraffic, false, "tokens"},
    FieldInfo{"llm.latency_avg", FieldKind::kDerived, Across::kRatio, kTraffic, false, "ms"},
    FieldInfo{"llm.latency_p95", FieldKind::kDerived, Across::kSketch, kTraffic, false, "ms"},
    FieldInfo{"llm.ttft_avg", FieldKind::kDerived, Across::kRatio, kTraffic, false, "ms"},
    FieldInfo{"llm.cost", FieldKind::kCounter, Across::kSum, kTraffic, false, "USD"},
    FieldInfo{"fallback.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "events"},
    FieldInfo{"handoff.count", FieldKind::kCounter, Across::kSum, kTraffic, false, "events"},
    FieldInfo{"feedback.positive", FieldKind::kCounter, Across::kSum, kTraffic, false, "events"},
    FieldInfo{"feedback.negative", FieldKind::kCounter, Across::kSum, kTraffic, false, "events"},
    FieldInfo{"queue.depth", FieldKind::kGauge, Across::kSum, kTraffic, false, "items"},
    FieldInfo{"service.up", FieldKind::kGauge, Across::kMin, kDimService, false, "1/0"},
    FieldInfo{"service.latency", FieldKind::kGauge, Across::kMax, kDimService, false, "ms"},
    FieldInfo{"node.up", FieldKind::kGauge, Across::kMin, kDimNone, false, "1/0"},
};

}  // namespace

std::span<const FieldInfo> BuiltinFields() { return kFields; }

const FieldInfo* FindBuiltinField(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool IsValidCustomFieldName(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  }
  return true;
}

}  // namespace botmon
