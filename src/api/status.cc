#include "api/status.h"

#include <cmath>

#include "api/nodes.h"
#include "api/services_api.h"
#include "core/json_escape.h"
#include "core/time_util.h"

namespace botmon {
namespace {

void Num(std::string* out, const char* name, const std::optional<int64_t>& v, bool comma = true) {
  out->append("\"").append(name).append("\":");
  if (v) {
    out->append(std::to_string(*v));
  } else {
    out->append("null");
  }
  if (comma) out->push_back(',');
}

void Pct(std::string* out, const char* name, const std::optional<double>& v, bool comma = true) {
  out->append("\"").append(name).append("\":");
  if (v) {
    AppendJsonFixed1(out, *v);
  } else {
    out->append("null");
  }
  if (comma) out->push_back(',');
}

}  // namespace

std::shared_ptr<const std::string> StatusRenderer::Get() {
  const int64_t now = ctx_->clock->NowMs();
  Key k{ctx_->live->version(), tick_gen_.load(std::memory_order_acquire),
        ctx_->config->generation(), now / 1000};
  std::lock_guard lock(mu_);
  if (!(k == key_) || !cached_) {
    cached_ = std::make_shared<const std::string>(Render(now));
    key_ = k;
  }
  return cached_;
}

std::string StatusRenderer::Render(int64_t now) {
  auto cfg = ctx_->config->Get();
  LiveStats::Figures f = ctx_->live->Get(now);
  std::vector<NodeInfo> nodes = ctx_->nodes->Snapshot();
  // Resources: the maximum over the nodes that collect (SPEC 9).
  std::optional<double> cpu, mem, gpu, disk;
  auto max_of = [](std::optional<double>& acc, const std::optional<double>& v) {
    if (v) acc = acc ? std::max(*acc, *v) : *v;
  };
  for (const auto& n : nodes) {
    if (n.kind != "local") continue;
    max_of(cpu, n.cpu_percent);
    max_of(mem, n.memory_percent);
    max_of(gpu, n.gpu_percent);
    max_of(disk, n.disk_percent);
  }
  std::string out;
  out.reserve(1024);
  out += "{\"sessions\":{";
  Num(&out, "active", f.active);
  Num(&out, "peak_today", f.peak_today);
  Num(&out, "avg_duration_seconds", f.avg_duration_seconds, false);
  out += "},\"messages\":{";
  Num(&out, "today", f.messages_today);
  Num(&out, "this_hour", f.this_hour);
  Num(&out, "avg_response_ms", f.avg_response_ms, false);
  out += "},\"resources\":{";
  Pct(&out, "cpu_percent", cpu);
  Pct(&out, "memory_percent", mem);
  Pct(&out, "gpu_percent", ctx_->gpu_available ? gpu : std::nullopt);
  Pct(&out, "disk_percent", disk, false);
  out += "},\"services\":" + ServicesMapJson(ctx_->checks);
  out += ",\"generated_at\":\"" + FormatRfc3339Ms(now) + "\",\"timezone\":";
  AppendJsonString(&out, cfg->zone->name());
  out += ",\"tick_seconds\":";
  AppendJsonNumber(&out, static_cast<double>(cfg->config().tick_ms) / 1000.0);
  out += ",\"incidents\":{\"open\":" + std::to_string(open_incidents_.load()) + "},\"nodes\":[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeInfo& n = nodes[i];
    if (i) out += ',';
    out += "{\"host\":";
    AppendJsonString(&out, n.host);
    out += ",\"kind\":\"" + n.kind + "\",\"last_update\":";
    out += n.last_update_ms ? "\"" + FormatRfc3339Ms(n.last_update_ms) + "\"" : "null";
    out += ',';
    Pct(&out, "cpu_percent", n.cpu_percent);
    Pct(&out, "memory_percent", n.memory_percent, false);
    out += '}';
  }
  out += "],\"config_error\":";
  std::string err = ctx_->config->error();
  if (err.empty()) {
    out += "null";
  } else {
    AppendJsonString(&out, err);
  }
  out += '}';
  return out;
}

}  // namespace botmon
