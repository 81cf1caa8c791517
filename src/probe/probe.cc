// StartProbe (the dispatch by kind) and ServiceStatusName (probe.h).
//
// Every op StartProbe returns is wrapped so that all kinds share two rules: the latency is the
// attempt's duration when the op did not measure one, and a success slower than warnAfter is
// `warning` ("slower than 500ms (612 ms)").
#include <cmath>
#include <string>

#include "core/duration.h"
#include "probe/http_probe.h"
#include "probe/probe.h"

namespace botmon {
namespace {

class CommonRulesOp final : public ProbeOp {
 public:
  CommonRulesOp(std::unique_ptr<ProbeOp> inner, int64_t warn_after_ms)
      : inner_(std::move(inner)), warn_after_ms_(warn_after_ms) {}

  bool Step(std::span<const pollfd> ready, int64_t now_ms, ProbeWait* next) override {
    if (start_ms_ < 0) start_ms_ = now_ms;
    bool done = inner_->Step(ready, now_ms, next);
    if (done) end_ms_ = now_ms;
    return done;
  }

  ProbeResult Result() override {
    ProbeResult r = inner_->Result();
    if (r.latency_ms <= 0 && end_ms_ >= start_ms_ && start_ms_ >= 0) {
      r.latency_ms = static_cast<double>(end_ms_ - start_ms_);
    }
    if (r.status == ServiceStatus::kRunning && warn_after_ms_ > 0 &&
        r.latency_ms > static_cast<double>(warn_after_ms_)) {
      r.status = ServiceStatus::kWarning;
      r.error = "slower than " + FormatDuration(warn_after_ms_) + " (" +
                std::to_string(std::llround(r.latency_ms)) + " ms)";
    }
    return r;
  }

 private:
  std::unique_ptr<ProbeOp> inner_;
  int64_t warn_after_ms_;
  int64_t start_ms_ = -1;
  int64_t end_ms_ = -1;
};

}  // namespace

const char* ServiceStatusName(ServiceStatus s) {
  switch (s) {
    case ServiceStatus::kRunning:
      return "running";
    case ServiceStatus::kWarning:
      return "warning";
    case ServiceStatus::kSealed:
      return "sealed";
    case ServiceStatus::kStopped:
      return "stopped";
  }
  return "stopped";
}

std::unique_ptr<ProbeOp> StartProbe(const CheckConfig& check, ProbeMemory* memory, int64_t now_ms) {
  std::unique_ptr<ProbeOp> op;
  switch (check.kind) {
    case CheckKind::kPostgresql:
      op = StartPostgresProbe(check, memory, now_ms);
      break;
    case CheckKind::kRedis:
      op = StartRedisProbe(check, memory, now_ms);
      break;
    case CheckKind::kTcp:
      op = StartTcpProbe(check, now_ms);
      break;
    default:
      op = StartHttpKindProbe(check, memory, now_ms);
      break;
  }
  return std::make_unique<CommonRulesOp>(std::move(op), check.warn_after_ms);
}

}  // namespace botmon
