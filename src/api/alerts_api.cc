#include "api/alerts_api.h"

#include <cctype>
#include <string_view>

#include "alert/incident.h"
#include "alerting/alert_engine.h"
#include "api/audit.h"
#include "api/query.h"
#include "core/time_util.h"

namespace botmon {
namespace {

using nlohmann::json;

Response NoAlerting() { return Response::Error(503, "unavailable", "alerting is not running"); }

// A query-string value: unreserved characters as they are, the rest %XX.
std::string PercentEncodeQuery(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The linked sessions of SPEC 7.7 (A.3's `sessions`): how many sessions were active during the
// incident, and the listing of them. A count that fails is left out rather than failing the
// incident.
json SessionsLink(ApiContext* ctx, const Incident& inc, int64_t now_ms) {
  const int64_t to = inc.end_ms.value_or(now_ms);
  std::string href = "/api/monitoring/sessions?from=" + FormatRfc3339Ms(inc.start_ms) +
                     "&to=" + FormatRfc3339Ms(to);
  SessionQuery q;
  q.per_page = 1;
  q.from_ms = inc.start_ms;
  q.to_ms = to;
  q.now_ms = now_ms;
  if (inc.host_name != "*") {
    href += "&host=" + PercentEncodeQuery(inc.host_name);
    q.host = inc.host_name;
  }
  json link = {{"href", href}};
  if (auto page = ctx->store->ListSessions(q); page.ok()) link["count"] = page->total;
  return link;
}

// The freshest copy: the engine's, for an open or recently changed incident (its lastValue moves
// every tick, and its last writes may not be committed yet), else the stored document.
Incident Freshest(ApiContext* ctx, const IncidentRow& row) {
  if (auto known = ctx->alerts->GetKnown(row.id)) return *known;
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
    list.push_back(IncidentToJson(inc, SessionsLink(ctx, inc, q.now_ms)));
  }
  return Response::Json(
      200, json{{"incidents", list}, {"page", *page}, {"per_page", *per}, {"total", total}}.dump());
}

Response HandleIncidentDetail(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  auto row = ctx->store->GetIncident(req.params.at(0));
  if (!row.ok()) return InternalError(row.status());
  if (!*row) {
    if (auto open = ctx->alerts->GetKnown(req.params.at(0))) {
      return Response::Json(
          200, IncidentToJson(*open, SessionsLink(ctx, *open, ctx->clock->NowMs())).dump());
    }
    return Response::Error(404, "not_found", "no incident \"" + req.params.at(0) + "\"");
  }
  Incident inc = Freshest(ctx, **row);
  return Response::Json(200,
                        IncidentToJson(inc, SessionsLink(ctx, inc, ctx->clock->NowMs())).dump());
}

Response HandleIncidentAck(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  std::string comment;
  if (!req.body.empty()) {
    json body;
    if (auto err = ReadJsonObject(req, &body)) return *err;
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
  AuditAction(ctx, req, "incident.ack", req.params.at(0), nullptr, json{{"comment", comment}});
  return Response::Json(200,
                        IncidentToJson(*inc, SessionsLink(ctx, *inc, ctx->clock->NowMs())).dump());
}

Response HandleChannelList(ApiContext* ctx, Request&) {
  if (!ctx->alerts) return NoAlerting();
  json list = json::array();
  for (const auto& c : ctx->alerts->channels()) list.push_back(ChannelToJson(c, true));
  return Response::Json(200, json{{"channels", list}}.dump());
}

Response HandleDeliveryList(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  DeliveryQuery q;
  auto page = QueryInt(req, "page", 1, 1, 1'000'000);
  if (!page.ok()) return BadRequest(page.status());
  auto per = QueryInt(req, "per_page", 100, 1, 1000);
  if (!per.ok()) return BadRequest(per.status());
  // `limit` is the older name of per_page.
  if (req.Query("limit") && !req.Query("per_page")) per = QueryInt(req, "limit", 100, 1, 1000);
  if (!per.ok()) return BadRequest(per.status());
  if (auto ok = req.Query("ok")) {
    if (*ok != "true" && *ok != "false") {
      return Response::Error(400, "invalid_request", "ok: \"" + *ok + "\" is not true or false");
    }
    q.ok = *ok == "true";
  }
  q.incident_id = req.Query("incident").value_or("");
  q.target = req.Query("channel").value_or("");
  q.page = static_cast<int>(*page);
  q.per_page = static_cast<int>(*per);
  int64_t total = 0;
  auto rows = ctx->store->ListDeliveries(q, &total);
  if (!rows.ok()) return InternalError(rows.status());
  json list = json::array();
  for (const auto& r : *rows) {
    json attempts = json::parse(r.history, nullptr, false);
    if (!attempts.is_array()) attempts = json::array();
    // SPEC 9's members first; the rest tells when and why.
    json d = {{"deliveryId", r.id},         {"incidentId", r.incident_id},
              {"channel", r.target},        {"event", r.event},
              {"state", r.state},           {"attempts", std::move(attempts)},
              {"attemptCount", r.attempts}, {"createdAt", FormatRfc3339Ms(r.created_ms)}};
    if (!r.last_error.empty()) d["lastError"] = r.last_error;
    if (r.done_ms) d["doneAt"] = FormatRfc3339Ms(*r.done_ms);
    if (r.state == "pending") d["nextAttemptAt"] = FormatRfc3339Ms(r.next_attempt_ms);
    list.push_back(std::move(d));
  }
  return Response::Json(
      200,
      json{{"deliveries", list}, {"page", *page}, {"per_page", *per}, {"total", total}}.dump());
}

Response HandleAlertTest(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  std::string channel;
  if (!req.body.empty()) {
    json body;
    if (auto err = ReadJsonObject(req, &body)) return *err;
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
    // SPEC 9's members, plus `detail` (the one-line summary the CLI prints).
    const int code = r.result.http_status != 0 ? r.result.http_status : r.result.smtp_code;
    list.push_back({{"channel", r.channel},
                    {"ok", r.result.ok},
                    {"status", code != 0 ? json(code) : json(nullptr)},
                    {"latencyMs", r.result.elapsed_ms},
                    {"error", r.result.ok ? json(nullptr) : json(r.result.detail)},
                    {"detail", r.result.detail},
                    {"deliveryId", r.delivery_id}});
  }
  return Response::Json(200, json{{"results", list}}.dump());
}

}  // namespace botmon
