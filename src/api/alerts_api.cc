#include "api/alerts_api.h"

#include "alert/incident.h"
#include "alerting/alert_engine.h"
#include "api/query.h"
#include "core/time_util.h"

namespace botmon {
namespace {

using nlohmann::json;

Response NoAlerting() { return Response::Error(503, "unavailable", "alerting is not running"); }

// The linked sessions of SPEC 7.7: a listing of the sessions active during the incident.
json SessionsLink(const Incident& inc, int64_t now_ms) {
  std::string href = "/api/monitoring/sessions?from=" + FormatRfc3339Ms(inc.start_ms) +
                     "&to=" + FormatRfc3339Ms(inc.end_ms.value_or(now_ms));
  if (inc.host_name != "*") href += "&host=" + inc.host_name;
  return json{{"href", href}};
}

// The freshest copy: an open incident from the engine (its lastValue moves every tick), else
// the stored document.
Incident Freshest(ApiContext* ctx, const IncidentRow& row) {
  if (auto open = ctx->alerts->GetOpen(row.id)) return *open;
  return IncidentFromJson(json::parse(row.doc, nullptr, false));
}

}  // namespace

Response HandleRuleList(ApiContext* ctx, Request&) {
  if (!ctx->alerts) return NoAlerting();
  return Response::Json(200, json{{"rules", ctx->alerts->RulesJson()}}.dump());
}

Response HandleIncidentList(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  IncidentQuery q;
  q.now_ms = ctx->clock->NowMs();
  const std::string state = req.Query("state").value_or("all");
  if (state == "open") {
    q.open = true;
  } else if (state == "resolved") {
    q.open = false;
  } else if (state != "all") {
    return Response::Error(400, "invalid_request",
                           "state: \"" + state + "\" is not one of open, resolved, all");
  }
  auto page = QueryInt(req, "page", 1, 1, 1'000'000);
  if (!page.ok()) return BadRequest(page.status());
  auto per = QueryInt(req, "per_page", 50, 1, 500);
  if (!per.ok()) return BadRequest(per.status());
  auto from = QueryTime(req, "from");
  if (!from.ok()) return BadRequest(from.status());
  auto to = QueryTime(req, "to");
  if (!to.ok()) return BadRequest(to.status());
  q.page = static_cast<int>(*page);
  q.per_page = static_cast<int>(*per);
  q.from_ms = *from;
  q.to_ms = *to;
  q.rule = req.Query("rule").value_or("");
  q.host = req.Query("host").value_or("");
  int64_t total = 0;
  auto rows = ctx->store->ListIncidents(q, &total);
  if (!rows.ok()) return InternalError(rows.status());
  json list = json::array();
  for (const auto& row : *rows) {
    Incident inc = Freshest(ctx, row);
    list.push_back(IncidentToJson(inc, SessionsLink(inc, q.now_ms)));
  }
  return Response::Json(
      200, json{{"incidents", list}, {"page", *page}, {"per_page", *per}, {"total", total}}.dump());
}

Response HandleIncidentDetail(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  auto row = ctx->store->GetIncident(req.params.at(0));
  if (!row.ok()) return InternalError(row.status());
  if (!*row) {
    if (auto open = ctx->alerts->GetOpen(req.params.at(0))) {
      return Response::Json(200,
                            IncidentToJson(*open, SessionsLink(*open, ctx->clock->NowMs())).dump());
    }
    return Response::Error(404, "not_found", "no incident \"" + req.params.at(0) + "\"");
  }
  Incident inc = Freshest(ctx, **row);
  return Response::Json(200, IncidentToJson(inc, SessionsLink(inc, ctx->clock->NowMs())).dump());
}

Response HandleIncidentAck(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  std::string comment;
  if (!req.body.empty()) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return Response::Error(400, "invalid_json", "the body must be a JSON object");
    }
    if (body.contains("comment")) {
      if (!body["comment"].is_string() || body["comment"].get<std::string>().size() > 1024) {
        return Response::Error(400, "invalid_request",
                               "comment: must be a string of at most 1024 bytes");
      }
      comment = body["comment"].get<std::string>();
    }
  }
  auto inc = ctx->alerts->Acknowledge(req.params.at(0), req.principal.name, comment);
  if (!inc.ok()) {
    if (inc.status().code() == StatusCode::kNotFound) {
      return Response::Error(404, "not_found", inc.status().message());
    }
    return InternalError(inc.status());
  }
  return Response::Json(200, IncidentToJson(*inc, SessionsLink(*inc, ctx->clock->NowMs())).dump());
}

Response HandleChannelList(ApiContext* ctx, Request&) {
  if (!ctx->alerts) return NoAlerting();
  json list = json::array();
  for (const auto& c : ctx->alerts->channels()) list.push_back(ChannelToJson(c, true));
  return Response::Json(200, json{{"channels", list}}.dump());
}

Response HandleDeliveryList(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  auto limit = QueryInt(req, "limit", 100, 1, 1000);
  if (!limit.ok()) return BadRequest(limit.status());
  auto rows =
      ctx->store->ListDeliveries(req.Query("incident").value_or(""), static_cast<int>(*limit));
  if (!rows.ok()) return InternalError(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    json d = {{"id", r.id},
              {"incidentId", r.incident_id},
              {"target", r.target},
              {"event", r.event},
              {"state", r.state},
              {"attempts", r.attempts},
              {"createdAt", FormatRfc3339Ms(r.created_ms)}};
    if (!r.last_error.empty()) d["lastError"] = r.last_error;
    if (r.done_ms) d["doneAt"] = FormatRfc3339Ms(*r.done_ms);
    if (r.state == "pending") d["nextAttemptAt"] = FormatRfc3339Ms(r.next_attempt_ms);
    list.push_back(std::move(d));
  }
  return Response::Json(200, json{{"deliveries", list}}.dump());
}

Response HandleAlertTest(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  std::string channel;
  if (!req.body.empty()) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return Response::Error(400, "invalid_json", "the body must be a JSON object");
    }
    if (body.contains("channel")) {
      if (!body["channel"].is_string()) {
        return Response::Error(400, "invalid_request", "channel: must be a string");
      }
      channel = body["channel"].get<std::string>();
    }
  }
  auto results = ctx->alerts->SendTest(channel, 15'000);
  if (!channel.empty() && results.empty()) {
    return Response::Error(404, "not_found", "no channel named \"" + channel + "\"");
  }
  json list = json::array();
  for (const auto& r : results) {
    list.push_back({{"channel", r.channel},
                    {"ok", r.result.ok},
                    {"detail", r.result.detail},
                    {"elapsedMs", r.result.elapsed_ms},
                    {"deliveryId", r.delivery_id}});
  }
  return Response::Json(200, json{{"results", list}}.dump());
}

}  // namespace botmon
