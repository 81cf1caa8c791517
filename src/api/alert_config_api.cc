#include "api/alert_config_api.h"

#include <optional>

#include "alert/rule_parse.h"
#include "alert/rule_sources.h"
#include "alerting/alert_engine.h"
#include "alerting/alert_objects.h"
#include "api/audit.h"
#include "api/query.h"
#include "core/random.h"
#include "notify/channel.h"
#include "routing/route.h"

namespace botmon {
namespace {

using nlohmann::json;

Response NoAlerting() { return Response::Error(503, "unavailable", "alerting is not running"); }

std::string FieldsJson(const json& fields) { return "\"fields\":" + fields.dump(); }

// A change that the whole set refused (a duplicate across sources, a route naming a deleted
// channel...), or a store failure.
Response ChangeFailed(const Status& st) {
  if (st.code() == StatusCode::kInvalidArgument) {
    return Response::Error(409, "conflict", st.message());
  }
  return InternalError(st);
}

const Rule* FindRule(const AlertSettings& s, const std::string& name) {
  for (const auto& r : s.rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Response ReadOnly(const std::string& what, const std::string& place) {
  return Response::Error(
      409, "read_only",
      what + " comes from " + place + " and is read-only over the API; change it there");
}

json RuleWithState(ApiContext* ctx, const std::string& name) {
  json all = ctx->alerts->RulesJson();
  for (auto& r : all) {
    if (r.value("name", "") == name) return r;
  }
  return json::object();
}

RuleParseOptions ApiRuleOptions(ApiContext* ctx) {
  RuleParseOptions o;
  o.max_timeframe_ms = ctx->config->Get()->config().retention.raw_ms;
  o.ignore_output_keys = true;
  return o;
}

// Parses an API rule body; the A.9 error reply when invalid.
std::optional<Response> ParseApiRule(ApiContext* ctx, const json& body, Rule* out) {
  RuleParseResult r = ParseRule(body, RuleSource::kApi, "", 0, ApiRuleOptions(ctx));
  if (!r.ok()) {
    return Response::Error(400, "invalid_rule",
                           InvalidRuleMessage(body.value("name", ""), r.errors.size()),
                           FieldsJson(FieldErrorsToJson(r.errors)));
  }
  *out = std::move(r.rule);
  return std::nullopt;
}

ApiObject RuleObject(const Rule& r) {
  json doc = RuleToJson(r);
  for (const char* k : {"source", "file", "line", "readOnly"}) doc.erase(k);
  return {"rule", r.name, std::move(doc)};
}

}  // namespace

// ---- Rules ----

Response HandleRuleGet(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  json rule = RuleWithState(ctx, req.params.at(0));
  if (rule.empty())
    return Response::Error(404, "not_found", "no rule \"" + req.params.at(0) + "\"");
  return Response::Json(200, rule.dump());
}

Response HandleRuleCreate(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  Rule rule;
  if (auto err = ParseApiRule(ctx, body, &rule)) return *err;
  if (const Rule* old = FindRule(*ctx->alerts->settings(), rule.name);
      old != nullptr && old->source != RuleSource::kDefault) {
    return Response::Error(409, "conflict",
                           "a rule named \"" + rule.name + "\" exists (" + RulePlace(*old) + ")");
  }
  if (Status st = AuditedChange(ctx, req, {{RuleObject(rule), false}}); !st.ok()) {
    return ChangeFailed(st);
  }
  return Response::Json(201, RuleWithState(ctx, rule.name).dump());
}

Response HandleRuleReplace(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  const std::string& name = req.params.at(0);
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  const Rule* old = FindRule(*ctx->alerts->settings(), name);
  if (old == nullptr) return Response::Error(404, "not_found", "no rule \"" + name + "\"");
  const bool only_enabled = body.size() == 1 && body.contains("enabled");
  if (only_enabled && !body["enabled"].is_boolean()) {
    return Response::Error(
        400, "invalid_rule", InvalidRuleMessage(name, 1),
        FieldsJson(json::array({{{"field", "enabled"}, {"message", "must be true or false"}}})));
  }
  if (old->source == RuleSource::kDefault) {
    // The one change allowed on a rule not made over the API (SPEC 7.1).
    if (!only_enabled) {
      return ReadOnly("rule \"" + name + "\"",
                      "the default set (only {\"enabled\": true|false} may change)");
    }
    Status st = AuditedChange(
        ctx, req,
        {{ApiObject{"rule-enabled", name, json{{"enabled", body["enabled"].get<bool>()}}}, false}});
    if (!st.ok()) return ChangeFailed(st);
    return Response::Json(200, RuleWithState(ctx, name).dump());
  }
  if (old->read_only()) return ReadOnly("rule \"" + name + "\"", RulePlace(*old));
  Rule rule;
  if (only_enabled) {
    // Switching an API rule on or off keeps the rest of it.
    rule = *old;
    rule.enabled = body["enabled"].get<bool>();
  } else {
    if (!body.contains("name")) body["name"] = name;
    if (auto err = ParseApiRule(ctx, body, &rule)) return *err;
  }
  std::vector<std::pair<ApiObject, bool>> changes;
  if (rule.name != name) {
    // A rename: the new name must be free (a default's name replaces that default).
    if (const Rule* other = FindRule(*ctx->alerts->settings(), rule.name);
        other != nullptr && other->source != RuleSource::kDefault) {
      return Response::Error(
          409, "conflict", "a rule named \"" + rule.name + "\" exists (" + RulePlace(*other) + ")");
    }
    changes.push_back({ApiObject{"rule", name, json::object()}, true});
  }
  changes.push_back({RuleObject(rule), false});
  if (Status st = AuditedChange(ctx, req, changes); !st.ok()) return ChangeFailed(st);
  return Response::Json(200, RuleWithState(ctx, rule.name).dump());
}

Response HandleRuleDelete(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  const std::string& name = req.params.at(0);
  const Rule* old = FindRule(*ctx->alerts->settings(), name);
  if (old == nullptr) return Response::Error(404, "not_found", "no rule \"" + name + "\"");
  if (old->read_only()) {
    return ReadOnly("rule \"" + name + "\"",
                    old->source == RuleSource::kDefault
                        ? std::string("the default set (switch it off with {\"enabled\": false})")
                        : RulePlace(*old));
  }
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"rule", name, json::object()}, true}});
      !st.ok()) {
    return ChangeFailed(st);
  }
  return Response::NoContent();
}

// ---- Channels ----

namespace {

std::optional<Response> ParseApiChannel(const json& body, Channel* out) {
  std::vector<FieldError> errors;
  auto ch = ParseChannel(body, {}, 0, &errors);
  if (!ch.ok()) {
    json fields = json::array();
    for (const auto& e : errors) fields.push_back({{"field", e.field}, {"message", e.message}});
    return Response::Error(400, "invalid_request", ch.status().message(), FieldsJson(fields));
  }
  *out = std::move(*ch);
  return std::nullopt;
}

const Channel* FindChannel(const AlertSettings& s, const std::string& name) {
  for (const auto& c : s.channels) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string ChannelPlace(const Channel& c) {
  return c.file.empty() ? std::string("the configuration")
                        : c.file + (c.line > 0 ? ":" + std::to_string(c.line) : "");
}

}  // namespace

Response HandleChannelCreate(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  Channel ch;
  if (auto err = ParseApiChannel(body, &ch)) return *err;
  if (const Channel* old = FindChannel(*ctx->alerts->settings(), ch.name)) {
    return Response::Error(
        409, "conflict", "a channel named \"" + ch.name + "\" exists (" + ChannelPlace(*old) + ")");
  }
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"channel", ch.name, body}, false}});
      !st.ok()) {
    return ChangeFailed(st);
  }
  return Response::Json(201, ChannelToJson(ch, true).dump());
}

Response HandleChannelReplace(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  const std::string& name = req.params.at(0);
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  auto stored = ctx->alert_objects->Find("channel", name);
  if (!stored) {
    if (const Channel* c = FindChannel(*ctx->alerts->settings(), name)) {
      return ReadOnly("channel \"" + name + "\"", ChannelPlace(*c));
    }
    return Response::Error(404, "not_found", "no channel \"" + name + "\"");
  }
  if (!body.contains("name")) body["name"] = name;
  // GET shows secrets as "***": sending that back keeps the stored secret.
  if (body.contains("secret") && body["secret"] == "***" && stored->contains("secret")) {
    body["secret"] = (*stored)["secret"];
  }
  Channel ch;
  if (auto err = ParseApiChannel(body, &ch)) return *err;
  if (ch.name != name) {
    return Response::Error(400, "invalid_request",
                           "name: a channel cannot be renamed (\"" + ch.name +
                               "\" in the body, \"" + name + "\" in the path)");
  }
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"channel", name, body}, false}}); !st.ok()) {
    return ChangeFailed(st);
  }
  return Response::Json(200, ChannelToJson(ch, true).dump());
}

Response HandleChannelDelete(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  const std::string& name = req.params.at(0);
  if (!ctx->alert_objects->Find("channel", name)) {
    if (const Channel* c = FindChannel(*ctx->alerts->settings(), name)) {
      return ReadOnly("channel \"" + name + "\"", ChannelPlace(*c));
    }
    return Response::Error(404, "not_found", "no channel \"" + name + "\"");
  }
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"channel", name, json::object()}, true}});
      !st.ok()) {
    return ChangeFailed(st);
  }
  return Response::NoContent();
}

// ---- Routes ----

Response HandleRouteList(ApiContext* ctx, Request&) {
  if (!ctx->alerts) return NoAlerting();
  json list = json::array();
  for (const auto& r : ctx->alerts->settings()->routes) list.push_back(RouteToJson(r));
  return Response::Json(200, json{{"routes", list}}.dump());
}

// ---- Silences and maintenance windows ----

namespace {

json RoutingFields(const RoutingErrors& errors) {
  json fields = json::array();
  for (const auto& e : errors.errors())
    fields.push_back({{"field", e.field}, {"message", e.message}});
  return fields;
}

std::string FirstProblems(const RoutingErrors& errors, const std::string& what) {
  const size_t n = errors.errors().size();
  return std::to_string(n) + (n == 1 ? " problem in " : " problems in ") + what;
}

}  // namespace

Response HandleSilenceList(ApiContext* ctx, Request&) {
  if (!ctx->alerts) return NoAlerting();
  const int64_t now = ctx->clock->NowMs();
  json list = json::array();
  for (const auto& s : ctx->alerts->settings()->silences) {
    json j = SilenceToJson(s);
    j["source"] = s.file.empty() ? "api" : "yaml";
    j["readOnly"] = !s.file.empty();
    j["expired"] = SilenceExpired(s, now);
    list.push_back(std::move(j));
  }
  return Response::Json(200, json{{"silences", list}}.dump());
}

Response HandleSilenceCreate(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  if (!body.contains("createdBy")) body["createdBy"] = req.principal.name;
  RoutingErrors errors;
  Silence s = ParseSilence(body, ctx->clock->NowMs(), &errors);
  if (!errors.empty()) {
    return Response::Error(400, "invalid_request", FirstProblems(errors, "the silence"),
                           FieldsJson(RoutingFields(errors)));
  }
  if (s.id.empty()) s.id = NewUuidV4();
  for (const auto& other : ctx->alerts->settings()->silences) {
    if (other.id == s.id) {
      return Response::Error(409, "conflict", "a silence with id \"" + s.id + "\" exists");
    }
  }
  json doc = SilenceToJson(s);
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"silence", s.id, doc}, false}}); !st.ok()) {
    return ChangeFailed(st);
  }
  doc["source"] = "api";
  doc["readOnly"] = false;
  doc["expired"] = false;
  return Response::Json(201, doc.dump());
}

Response HandleSilenceDelete(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  const std::string& id = req.params.at(0);
  if (!ctx->alert_objects->Find("silence", id)) {
    for (const auto& s : ctx->alerts->settings()->silences) {
      if (s.id == id) return ReadOnly("silence \"" + id + "\"", s.file);
    }
    return Response::Error(404, "not_found", "no silence \"" + id + "\"");
  }
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"silence", id, json::object()}, true}});
      !st.ok()) {
    return ChangeFailed(st);
  }
  return Response::NoContent();
}

Response HandleMaintenanceList(ApiContext* ctx, Request&) {
  if (!ctx->alerts) return NoAlerting();
  const int64_t now = ctx->clock->NowMs();
  json list = json::array();
  for (const auto& w : ctx->alerts->settings()->maintenance) {
    json j = MaintenanceToJson(w);
    j["source"] = w.file.empty() ? "api" : "yaml";
    j["readOnly"] = !w.file.empty();
    j["active"] = MaintenanceActive(w, now);
    list.push_back(std::move(j));
  }
  return Response::Json(200, json{{"maintenance", list}}.dump());
}

Response HandleMaintenanceCreate(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  RoutingErrors errors;
  MaintenanceWindow w =
      ParseMaintenanceWindow(body, ctx->config->Get()->config().timezone, &errors);
  if (!errors.empty()) {
    return Response::Error(400, "invalid_request", FirstProblems(errors, "the maintenance window"),
                           FieldsJson(RoutingFields(errors)));
  }
  for (const auto& other : ctx->alerts->settings()->maintenance) {
    if (other.name == w.name) {
      return Response::Error(409, "conflict",
                             "a maintenance window named \"" + w.name + "\" exists");
    }
  }
  json doc = MaintenanceToJson(w);
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"maintenance", w.name, doc}, false}});
      !st.ok()) {
    return ChangeFailed(st);
  }
  doc["source"] = "api";
  doc["readOnly"] = false;
  doc["active"] = MaintenanceActive(w, ctx->clock->NowMs());
  return Response::Json(201, doc.dump());
}

Response HandleMaintenanceDelete(ApiContext* ctx, Request& req) {
  if (!ctx->alerts || !ctx->change_alert_objects) return NoAlerting();
  const std::string& name = req.params.at(0);
  if (!ctx->alert_objects->Find("maintenance", name)) {
    for (const auto& w : ctx->alerts->settings()->maintenance) {
      if (w.name == name) return ReadOnly("maintenance window \"" + name + "\"", w.file);
    }
    return Response::Error(404, "not_found", "no maintenance window \"" + name + "\"");
  }
  if (Status st = AuditedChange(ctx, req, {{ApiObject{"maintenance", name, json::object()}, true}});
      !st.ok()) {
    return ChangeFailed(st);
  }
  return Response::NoContent();
}

}  // namespace botmon
