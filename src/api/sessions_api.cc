#include "api/sessions_api.h"

#include <nlohmann/json.hpp>

#include "api/mask.h"
#include "api/nodes.h"
#include "api/query.h"
#include "core/json_escape.h"
#include "core/time_util.h"
#include "ingest/event.h"

namespace botmon {
namespace {

constexpr int kMessagesPerPage = 1000;

void Member(std::string* out, const char* name, std::string_view v) {
  out->append("\"").append(name).append("\":");
  AppendJsonString(out, v);
  out->push_back(',');
}

void Time(std::string* out, const char* name, std::optional<int64_t> ms) {
  out->append("\"").append(name).append("\":");
  if (ms) {
    out->append("\"").append(FormatRfc3339Ms(*ms)).append("\"");
  } else {
    out->append("null");
  }
  out->push_back(',');
}

// The members shared by the list row and the detail, without the closing brace.
void SessionCore(std::string* out, const SessionRecord& s, bool mask) {
  out->push_back('{');
  Member(out, "id", s.id);
  Member(out, "bot", s.bot);
  out->append("\"user\":");
  if (s.user.empty()) {
    out->append("null,");  // unknown user: the dashboard shows "Unknown User"
  } else {
    AppendJsonString(out, mask ? MaskUser(s.user) : s.user);
    out->push_back(',');
  }
  Member(out, "channel", s.channel);
  Member(out, "host", s.host);
  Time(out, "started", s.started_ms);
  Time(out, "last_activity", s.last_activity_ms);
  Time(out, "ended", s.ended_ms);
  out->append("\"active\":").append(s.ended_ms ? "false" : "true");
}

void Flags(std::string* out, uint32_t flags) {
  out->append(",\"flags\":[");
  bool first = true;
  for (const auto& f : SessionFlagNames(flags)) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, f);
  }
  out->push_back(']');
}

}  // namespace

bool ShouldMask(const ApiContext* ctx, const Request& req) {
  return req.principal.role != Role::kAdmin && ctx->config->Get()->config().privacy.mask_users;
}

void WaitForAcknowledgedWrites(ApiContext* ctx) {
  if (ctx->pipeline == nullptr) return;
  // Bounded: a store that cannot keep up must not hold readers forever.
  ctx->pipeline->WaitCommitted(ctx->pipeline->stats().last_seq, 2000);
}

std::string SessionRowJson(const SessionRecord& s, bool mask) {
  std::string out;
  SessionCore(&out, s, mask);
  out.append(",\"message_count\":").append(std::to_string(s.message_count));
  Flags(&out, s.flags);
  out.push_back('}');
  return out;
}

Response HandleSessionList(ApiContext* ctx, Request& req) {
  SessionQuery q;
  auto page = QueryInt(req, "page", 1, 1, 1'000'000);
  if (!page.ok()) return BadRequest(page.status());
  auto per = QueryInt(req, "per_page", 10, 1, 200);
  if (!per.ok()) return BadRequest(per.status());
  auto active = QueryBool(req, "active");
  if (!active.ok()) return BadRequest(active.status());
  auto from = QueryTime(req, "from");
  if (!from.ok()) return BadRequest(from.status());
  auto to = QueryTime(req, "to");
  if (!to.ok()) return BadRequest(to.status());
  q.page = static_cast<int>(*page);
  q.per_page = static_cast<int>(*per);
  q.active = *active;
  if (*from && *to && **from > **to) {
    return BadRequest(Status::InvalidArgument("from: after to"));
  }
  q.from_ms = *from;
  q.to_ms = *to;
  q.now_ms = ctx->clock->NowMs();
  q.channel = req.Query("channel").value_or("");
  for (auto& c : q.channel) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  q.bot = req.Query("bot").value_or("");
  q.user = req.Query("user").value_or("");
  q.host = req.Query("host").value_or("");
  for (const auto& f : req.QueryAll("flag")) {
    uint32_t bit = SessionFlagFromName(f);
    if (bit == 0) {
      return BadRequest(Status::InvalidArgument(
          "flag: \"" + f +
          "\" is not one of fallback, handoff, error, feedback_positive, feedback_negative"));
    }
    q.flags_all |= bit;
  }
  if (auto text = req.Query("q"); text && !text->empty()) {
    if (!ctx->config->Get()->config().privacy.store_text) {
      return BadRequest(
          Status::InvalidArgument("q: full-text search is off because privacy.storeText is false"));
    }
    if (text->size() > 256) return BadRequest(Status::InvalidArgument("q: at most 256 bytes"));
    q.q = *text;
  }
  WaitForAcknowledgedWrites(ctx);
  auto result = ctx->store->ListSessions(q);
  if (!result.ok()) return InternalError(result.status());
  const bool mask = ShouldMask(ctx, req);
  std::string out = "{\"sessions\":[";
  for (size_t i = 0; i < result->sessions.size(); ++i) {
    if (i) out += ',';
    out += SessionRowJson(result->sessions[i], mask);
  }
  const int64_t pages = (result->total + q.per_page - 1) / q.per_page;
  out += "],\"page\":" + std::to_string(q.page) + ",\"per_page\":" + std::to_string(q.per_page) +
         ",\"total\":" + std::to_string(result->total) + ",\"pages\":" + std::to_string(pages) +
         "}";
  return Response::Json(200, std::move(out));
}

// SPEC 7.7: the incidents that overlapped the session, on its host or cluster-wide, newest
// first (at most 100).
static void AppendSessionIncidents(ApiContext* ctx, const SessionRecord& s, std::string* out) {
  IncidentQuery q;
  q.now_ms = ctx->clock->NowMs();
  q.from_ms = s.started_ms;
  q.to_ms = s.ended_ms.value_or(q.now_ms);
  q.per_page = 100;
  auto rows = ctx->store->ListIncidents(q, nullptr);
  nlohmann::json list = nlohmann::json::array();
  if (rows.ok()) {
    for (const auto& r : *rows) {
      if (r.host != s.host && r.host != "*") continue;
      nlohmann::json i = {
          {"id", r.id}, {"ruleName", r.rule}, {"startTime", FormatRfc3339Ms(r.start_ms)}};
      if (r.end_ms) i["endTime"] = FormatRfc3339Ms(*r.end_ms);
      list.push_back(std::move(i));
    }
  }
  *out += list.dump();
}

Response HandleSessionDetail(ApiContext* ctx, Request& req) {
  auto mpage = QueryInt(req, "messages_page", 1, 1, 1'000'000);
  if (!mpage.ok()) return BadRequest(mpage.status());
  WaitForAcknowledgedWrites(ctx);
  auto d = ctx->store->GetSession(req.params.at(0), static_cast<int>(*mpage), kMessagesPerPage);
  if (!d.ok()) return InternalError(d.status());
  if (!d->has_value()) {
    return Response::Error(404, "not_found", "no session \"" + req.params.at(0) + "\"");
  }
  const SessionDetail& sd = **d;
  const SessionRecord& s = sd.session;
  std::string out;
  SessionCore(&out, s, ShouldMask(ctx, req));
  const int64_t end = s.ended_ms.value_or(s.last_activity_ms);
  out += ",\"duration_seconds\":" + std::to_string((end - s.started_ms) / 1000);
  out += ",\"message_count\":" + std::to_string(s.message_count);
  Flags(&out, s.flags);
  out += ",\"messages\":[";
  for (size_t i = 0; i < sd.messages.size(); ++i) {
    const MessageRecord& m = sd.messages[i];
    if (i) out += ',';
    out += "{\"ts\":\"" + FormatRfc3339Ms(m.ts_ms) + "\",\"direction\":\"" +
           (m.from_user ? "user" : "bot") + "\",\"text\":";
    if (m.text) {
      AppendJsonString(&out, *m.text);
    } else {
      out += "null";
    }
    if (m.latency_ms) {
      out += ",\"latency_ms\":";
      AppendJsonNumber(&out, std::round(*m.latency_ms));
    }
    out += '}';
  }
  out += "],\"incidents\":";
  AppendSessionIncidents(ctx, s, &out);
  if (sd.message_total > kMessagesPerPage) {
    out += ",\"messages_page\":" + std::to_string(*mpage) + ",\"messages_pages\":" +
           std::to_string((sd.message_total + kMessagesPerPage - 1) / kMessagesPerPage) +
           ",\"messages_total\":" + std::to_string(sd.message_total);
  }
  out += '}';
  return Response::Json(200, std::move(out));
}

Response HandleLogs(ApiContext* ctx, Request& req) {
  LogQuery q;
  if (auto raw_level = req.Query("level")) {
    std::string level_text = *raw_level;
    for (auto& ch : level_text)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::string* level = &level_text;
    if (*level == "warning" || *level == "warn") {
      q.level = 0;
    } else if (*level == "error") {
      q.level = 1;
    } else if (*level == "critical" || *level == "fatal") {
      q.level = 2;
    } else {
      return BadRequest(Status::InvalidArgument("level: \"" + *level +
                                                "\" is not one of warning, error, critical"));
    }
  }
  q.bot = req.Query("bot").value_or("");
  q.session = req.Query("session").value_or("");
  q.host = req.Query("host").value_or("");
  auto from = QueryTime(req, "from");
  if (!from.ok()) return BadRequest(from.status());
  auto to = QueryTime(req, "to");
  if (!to.ok()) return BadRequest(to.status());
  if (*from && *to && **from > **to) {
    return BadRequest(Status::InvalidArgument("from: after to"));
  }
  q.from_ms = *from;
  q.to_ms = *to;
  auto page = QueryInt(req, "page", 1, 1, 1'000'000);
  if (!page.ok()) return BadRequest(page.status());
  auto per = QueryInt(req, "per_page", 100, 1, 1000);
  if (!per.ok()) return BadRequest(per.status());
  q.page = static_cast<int>(*page);
  q.per_page = static_cast<int>(*per);
  WaitForAcknowledgedWrites(ctx);
  int64_t total = 0;
  auto logs = ctx->store->QueryLogs(q, &total);
  if (!logs.ok()) return InternalError(logs.status());
  std::string out = "{\"logs\":[";
  for (size_t i = 0; i < logs->size(); ++i) {
    const LogRecord& l = (*logs)[i];
    if (i) out += ',';
    out += "{\"ts\":\"" + FormatRfc3339Ms(l.ts_ms) + "\",\"level\":\"" +
           std::string(LogLevelName(static_cast<LogLevel>(l.level))) + "\",";
    Member(&out, "host", l.host);
    Member(&out, "bot", l.bot);
    Member(&out, "session", l.session);
    out += "\"message\":";
    AppendJsonString(&out, l.message);
    out += '}';
  }
  out += "],\"page\":" + std::to_string(q.page) + ",\"per_page\":" + std::to_string(q.per_page) +
         ",\"total\":" + std::to_string(total) + "}";
  return Response::Json(200, std::move(out));
}

Response HandleNodes(ApiContext* ctx, Request&) {
  const int64_t now = ctx->clock->NowMs();
  std::string out = "{\"nodes\":[";
  auto nodes = ctx->nodes->Snapshot();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeInfo& n = nodes[i];
    if (i) out += ',';
    out += "{\"host\":";
    AppendJsonString(&out, n.host);
    out += ",\"kind\":\"" + n.kind + "\",";
    Time(&out, "last_update",
         n.last_update_ms ? std::optional<int64_t>(n.last_update_ms) : std::nullopt);
    if (n.kind == "local") {
      out += "\"uptime_seconds\":" + std::to_string((now - ctx->started_ms) / 1000) + ",";
      out += "\"server_id\":" + JsonString(ctx->server_id) + ",";
    }
    auto pct = [&](const char* name, const std::optional<double>& v) {
      out += "\"";
      out += name;
      out += "\":";
      if (v) {
        AppendJsonFixed1(&out, *v);
      } else {
        out += "null";
      }
      out += ',';
    };
    pct("cpu_percent", n.cpu_percent);
    pct("memory_percent", n.memory_percent);
    pct("peak_cpu_today", n.peak_cpu_today);
    pct("peak_memory_today", n.peak_memory_today);
    out += "\"counters\":{\"requests\":" + std::to_string(static_cast<int64_t>(n.requests)) +
           ",\"messages_in\":" + std::to_string(static_cast<int64_t>(n.messages_in)) +
           ",\"messages_out\":" + std::to_string(static_cast<int64_t>(n.messages_out)) +
           ",\"errors\":" + std::to_string(static_cast<int64_t>(n.errors)) +
           ",\"sessions_started\":" + std::to_string(static_cast<int64_t>(n.sessions_started)) +
           "}}";
  }
  out += "]}";
  return Response::Json(200, std::move(out));
}

}  // namespace botmon
