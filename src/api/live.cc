#include "api/live.h"

#include <cmath>
#include <map>

#include "api/sessions_api.h"
#include "api/status.h"
#include "core/json_escape.h"

namespace botmon {

std::string SseFrameText(std::string_view event, std::string_view data, int64_t id) {
  std::string out = "event: ";
  out += event;
  out += '\n';
  if (id >= 0) out += "id: " + std::to_string(id) + "\n";
  out += "data: ";
  out += data;  // single-line JSON: no newline can split the frame
  out += "\n\n";
  return out;
}

std::string LivePublisher::StatusFrame() {
  return SseFrameText("status", *ctx_->status->Get(), next_id_++);
}

std::string LivePublisher::InitialFrame() { return StatusFrame(); }

void LivePublisher::Send(std::string full, std::string masked) {
  if (ctx_->server == nullptr) return;
  SseFrame f;
  auto full_ptr = std::make_shared<const std::string>(std::move(full));
  f.by_audience[static_cast<int>(Audience::kFull)] = full_ptr;
  f.by_audience[static_cast<int>(Audience::kMasked)] =
      masked.empty() ? full_ptr : std::make_shared<const std::string>(std::move(masked));
  ctx_->server->Publish(f);
}

void LivePublisher::PublishTick(const LastTick& tick) {
  std::string frames = StatusFrame();
  // One points frame per host: its host-level values; disks as their maximum, GPUs averaged.
  std::map<std::string, std::map<std::string, std::pair<double, int>>> by_host;
  for (const auto& tv : tick.values) {
    const SeriesKey& k = tv.key;
    if (!k.bot.empty() || !k.channel.empty() || !k.service.empty()) continue;
    auto& slot = by_host[k.host][k.field];
    if (k.field == "disk.usage") {
      slot.first = slot.second ? std::max(slot.first, tv.value) : tv.value;
      slot.second = 1;
    } else {
      slot.first += tv.value;
      slot.second += 1;
    }
  }
  for (const auto& [host, fields] : by_host) {
    std::string data =
        "{\"t\":" + std::to_string(tick.t_ms) + ",\"host\":" + JsonString(host) + ",\"values\":{";
    bool first = true;
    for (const auto& [field, acc] : fields) {
      if (!first) data += ',';
      first = false;
      AppendJsonString(&data, field);
      data += ':';
      const double v = acc.second > 1 && field != "disk.usage" ? acc.first / acc.second : acc.first;
      AppendJsonNumber(&data, std::round(v * 1000) / 1000);
    }
    data += "}}";
    frames += SseFrameText("points", data);
  }
  Send(std::move(frames), "");
}

void LivePublisher::PublishSession(const SessionRecord& s, SessionOp op) {
  const char* name = op == SessionOp::kStarted ? "started"
                     : op == SessionOp::kEnded ? "ended"
                                               : "updated";
  auto frame = [&](bool mask) {
    return SseFrameText("session", std::string("{\"op\":\"") + name +
                                       "\",\"session\":" + SessionRowJson(s, mask) + "}");
  };
  const bool masking = ctx_->config->Get()->config().privacy.mask_users;
  Send(frame(false), masking ? frame(true) : "");
}

void LivePublisher::PublishConfig(bool ok, const std::string& error) {
  std::string data = std::string("{\"ok\":") + (ok ? "true" : "false");
  if (!ok) data += ",\"error\":" + JsonString(error);
  data += "}";
  Send(SseFrameText("config", data), "");
}

void LivePublisher::PublishService(const std::string& data) {
  Send(SseFrameText("service", data), "");
}

void LivePublisher::PublishIncident(const std::string& data) {
  Send(SseFrameText("incident", data), "");
}

void LivePublisher::Handle(Request& req, Responder responder) {
  // The audience is the role; whether the masked audience's frames are actually masked follows
  // privacy.maskUsers at publish time, so a reload applies to open streams too.
  const Audience audience =
      req.principal.role == Role::kAdmin ? Audience::kFull : Audience::kMasked;
  responder.StartEventStream(InitialFrame(), audience);
}

}  // namespace botmon
