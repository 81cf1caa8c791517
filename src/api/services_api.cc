#include "api/services_api.h"

#include <cmath>

#include "core/json_escape.h"
#include "core/time_util.h"
#include "probe/check_config.h"

namespace botmon {
namespace {

std::string TimeOrNull(int64_t ms) {
  return ms > 0 ? "\"" + FormatRfc3339Ms(ms) + "\"" : std::string("null");
}

void AppendStringOrNull(std::string* out, const std::string& s) {
  if (s.empty()) {
    out->append("null");
  } else {
    AppendJsonString(out, s);
  }
}

// The members every view shares. A check not probed yet reports status null.
void AppendCommon(std::string* out, const CheckState& s) {
  out->append("\"label\":");
  AppendJsonString(out, s.config.label);
  out->append(",\"status\":");
  if (s.probed) {
    out->append("\"").append(ServiceStatusName(s.result.status)).append("\"");
  } else {
    out->append("null");
  }
  out->append(",\"version\":");
  AppendStringOrNull(out, s.probed ? s.result.version : "");
  out->append(",\"figure\":");
  AppendStringOrNull(out, s.probed ? s.result.figure : "");
  out->append(",\"latency_ms\":");
  if (s.probed && std::isfinite(s.result.latency_ms)) {
    AppendJsonNumber(out, std::round(s.result.latency_ms * 100) / 100);
  } else {
    out->append("null");
  }
  out->append(",\"error\":");
  AppendStringOrNull(out, s.probed ? s.result.error : "");
  out->append(",\"since\":").append(TimeOrNull(s.last_change_at_ms));
}

}  // namespace

std::string ServiceJson(const CheckState& s, bool transitions) {
  std::string out = "{\"name\":";
  AppendJsonString(&out, s.config.name);
  out += ",\"kind\":\"" + std::string(CheckKindName(s.config.kind)) + "\",";
  AppendCommon(&out, s);
  out += ",\"last_check\":" + TimeOrNull(s.last_probe_at_ms);
  out += ",\"attempts\":" + std::to_string(s.attempts);
  out += ",\"interval_seconds\":";
  AppendJsonNumber(&out, static_cast<double>(s.config.interval_ms) / 1000.0);
  out += ",\"details\":{";
  bool first = true;
  for (const auto& [k, v] : s.result.details) {
    if (!std::isfinite(v)) continue;
    if (!first) out += ',';
    first = false;
    AppendJsonString(&out, k);
    out += ':';
    AppendJsonNumber(&out, v);
  }
  out += '}';
  if (transitions) {
    out += ",\"transitions\":[";
    bool tfirst = true;
    for (auto it = s.transitions.rbegin(); it != s.transitions.rend(); ++it) {
      if (!tfirst) out += ',';
      tfirst = false;
      out += "{\"at\":" + TimeOrNull(it->at_ms) + ",\"from\":";
      if (it->from) {
        out += "\"" + std::string(ServiceStatusName(*it->from)) + "\"";
      } else {
        out += "null";
      }
      out += ",\"to\":\"" + std::string(ServiceStatusName(it->to)) + "\",\"error\":";
      AppendStringOrNull(&out, it->error);
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return out;
}

std::string ServicesMapJson(const CheckRunner* checks) {
  if (!checks) return "{}";
  std::string out = "{";
  bool first = true;
  for (const auto& s : checks->Snapshot()) {
    if (!s.probed) continue;  // no status to tell before the first probe
    if (!first) out += ',';
    first = false;
    AppendJsonString(&out, s.config.name);
    out += ":\"" + std::string(ServiceStatusName(s.result.status)) + "\"";
  }
  out += '}';
  return out;
}

std::string ServiceEventJson(const CheckState& s) {
  std::string out = "{\"name\":";
  AppendJsonString(&out, s.config.name);
  out += ",\"status\":\"" + std::string(ServiceStatusName(s.result.status)) + "\"";
  out += ",\"since\":" + TimeOrNull(s.last_change_at_ms) + ",\"error\":";
  AppendStringOrNull(&out, s.result.error);
  out += '}';
  return out;
}

Response HandleServiceList(ApiContext* ctx, Request&) {
  std::string out = "{\"services\":[";
  if (ctx->checks) {
    bool first = true;
    for (const auto& s : ctx->checks->Snapshot()) {
      if (!first) out += ',';
      first = false;
      out += ServiceJson(s, false);
    }
  }
  out += "]}";
  return Response::Json(200, std::move(out));
}

Response HandleServiceDetail(ApiContext* ctx, Request& req) {
  const std::string& name = req.params.at(0);
  std::optional<CheckState> s;
  if (ctx->checks) s = ctx->checks->Get(name);
  if (!s) return Response::Error(404, "not_found", "no service check named \"" + name + "\"");
  return Response::Json(200, ServiceJson(*s, true));
}

}  // namespace botmon
