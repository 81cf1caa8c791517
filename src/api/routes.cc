#include "api/routes.h"

#include "alerting/alert_engine.h"
#include "api/alert_config_api.h"
#include "api/alerts_api.h"
#include "api/auth_api.h"
#include "api/backtest_api.h"
#include "api/history.h"
#include "api/metrics.h"
#include "api/services_api.h"
#include "api/sessions_api.h"
#include "api/status.h"

namespace botmon {

std::vector<SelfMetric> CollectSelfMetrics(ApiContext* ctx) {
  std::vector<SelfMetric> out;
  if (ctx->pipeline) {
    PipelineStats p = ctx->pipeline->stats();
    out.push_back({"botmon_ingest_events_total",
                   "counter",
                   "Events received over the ingest API, by result.",
                   {{"{result=\"accepted\"}", static_cast<double>(p.accepted - p.duplicates)},
                    {"{result=\"duplicate\"}", static_cast<double>(p.duplicates)},
                    {"{result=\"rejected\"}", static_cast<double>(p.rejected)}}});
    out.push_back({"botmon_ingest_throttled_total",
                   "counter",
                   "Ingest requests answered 429 because the queue stayed full.",
                   {{"", static_cast<double>(p.throttled)}}});
    out.push_back({"botmon_ingest_queue_events",
                   "gauge",
                   "Events waiting for the ingest writer.",
                   {{"", static_cast<double>(p.queued_events)}}});
  }
  if (ctx->server) {
    ServerStats s = ctx->server->stats();
    out.push_back({"botmon_sse_clients",
                   "gauge",
                   "Open live streams.",
                   {{"", static_cast<double>(s.sse_clients)}}});
    out.push_back({"botmon_sse_dropped_total",
                   "counter",
                   "Live streams closed because the client fell behind.",
                   {{"", static_cast<double>(s.sse_dropped_slow)}}});
    out.push_back({"botmon_http_connections",
                   "gauge",
                   "Open HTTP connections.",
                   {{"", static_cast<double>(s.connections_open)}}});
    out.push_back({"botmon_http_requests_total",
                   "counter",
                   "HTTP requests served.",
                   {{"", static_cast<double>(s.requests_total)}}});
  }
  if (ctx->alerts) {
    AlertStats a = ctx->alerts->stats();
    out.push_back({"botmon_rule_eval_seconds",
                   "summary",
                   "Time of one evaluation pass over all rules and groups.",
                   {{"_sum", a.eval_seconds_sum}, {"_count", static_cast<double>(a.eval_count)}}});
    out.push_back({"botmon_incidents_open",
                   "gauge",
                   "Incidents open now.",
                   {{"", static_cast<double>(a.open_incidents)}}});
    out.push_back({"botmon_outbox_pending",
                   "gauge",
                   "Notifications and hook runs waiting for delivery.",
                   {{"", static_cast<double>(a.outbox_pending)}}});
    out.push_back({"botmon_deliveries_total",
                   "counter",
                   "Finished deliveries by result.",
                   {{"{result=\"sent\"}", static_cast<double>(a.deliveries_sent)},
                    {"{result=\"failed\"}", static_cast<double>(a.deliveries_failed)}}});
  }
  out.push_back({"botmon_store_pending_writes",
                 "gauge",
                 "Batches waiting for the store writer.",
                 {{"", static_cast<double>(ctx->store->PendingWrites())}}});
  out.push_back({"botmon_series",
                 "gauge",
                 "Series known to this server.",
                 {{"", static_cast<double>(ctx->series->series_count())}}});
  out.push_back({"botmon_start_time_seconds",
                 "gauge",
                 "When this process started (Unix time).",
                 {{"", static_cast<double>(ctx->started_ms) / 1000.0}}});
  return out;
}

void AddApiRoutes(Router* router, ApiContext* ctx, ApiServices services, bool metrics_public) {
  const RouteOptions worker{.exec = Exec::kWorker};
  auto sync = [ctx](Response (*fn)(ApiContext*, Request&)) {
    return SyncHandler([ctx, fn](Request& r) { return fn(ctx, r); });
  };

  RouteOptions ingest_opts;
  ingest_opts.accept_gzip = true;
  ingest_opts.max_body = [ctx] {
    return static_cast<size_t>(ctx->config->Get()->config().ingest.max_body_bytes);
  };
  router->Add(Route(
      Method::kPost, "/api/v1/events", Role::kIngest,
      [ctx, services](Request& req, Responder r) {
        HandleIngest(ctx, services.limiter, req, std::move(r));
      },
      ingest_opts));

  router->Add(
      Route(Method::kGet, "/api/monitoring/status", Role::kMonitor, SyncHandler([ctx](Request&) {
              Response r;
              r.body = *ctx->status->Get();
              r.headers.push_back({"Cache-Control", "no-store"});
              return r;
            })));
  router->Add(
      Route(Method::kGet, "/api/monitoring/history", Role::kMonitor, sync(HandleHistory), worker));
  router->Add(Route(Method::kGet, "/api/monitoring/sessions", Role::kMonitor,
                    sync(HandleSessionList), worker));
  router->Add(Route(Method::kGet, "/api/monitoring/sessions/{id}", Role::kMonitor,
                    sync(HandleSessionDetail), worker));
  router->Add(Route(Method::kGet, "/api/monitoring/nodes", Role::kMonitor, sync(HandleNodes)));
  router->Add(
      Route(Method::kGet, "/api/monitoring/services", Role::kMonitor, sync(HandleServiceList)));
  router->Add(
      Route(Method::kGet, "/api/alerts/rules", Role::kMonitor, sync(HandleRuleList), worker));
  router->Add(Route(Method::kPost, "/api/alerts/rules/{name}/backtest", Role::kAdmin,
                    sync(HandleRuleBacktest), worker));
  router->Add(Route(Method::kPost, "/api/alerts/rules/backtest", Role::kAdmin,
                    sync(HandleUnsavedRuleBacktest), worker));
  router->Add(Route(Method::kGet, "/api/alerts/incidents", Role::kMonitor, sync(HandleIncidentList),
                    worker));
  router->Add(Route(Method::kGet, "/api/alerts/incidents/{id}", Role::kMonitor,
                    sync(HandleIncidentDetail), worker));
  router->Add(Route(Method::kPost, "/api/alerts/incidents/{id}/ack", Role::kAdmin,
                    sync(HandleIncidentAck), worker));
  router->Add(Route(Method::kGet, "/api/alerts/channels", Role::kMonitor, sync(HandleChannelList)));
  // Changes to the alerting configuration (alert_config_api.h) wait for their commit: workers.
  router->Add(
      Route(Method::kGet, "/api/alerts/rules/{name}", Role::kMonitor, sync(HandleRuleGet), worker));
  router->Add(
      Route(Method::kPost, "/api/alerts/rules", Role::kAdmin, sync(HandleRuleCreate), worker));
  router->Add(Route(Method::kPut, "/api/alerts/rules/{name}", Role::kAdmin, sync(HandleRuleReplace),
                    worker));
  router->Add(Route(Method::kDelete, "/api/alerts/rules/{name}", Role::kAdmin,
                    sync(HandleRuleDelete), worker));
  router->Add(Route(Method::kPost, "/api/alerts/channels", Role::kAdmin, sync(HandleChannelCreate),
                    worker));
  router->Add(Route(Method::kPut, "/api/alerts/channels/{name}", Role::kAdmin,
                    sync(HandleChannelReplace), worker));
  router->Add(Route(Method::kDelete, "/api/alerts/channels/{name}", Role::kAdmin,
                    sync(HandleChannelDelete), worker));
  router->Add(Route(Method::kGet, "/api/alerts/routes", Role::kMonitor, sync(HandleRouteList)));
  router->Add(Route(Method::kGet, "/api/alerts/silences", Role::kMonitor, sync(HandleSilenceList)));
  router->Add(Route(Method::kPost, "/api/alerts/silences", Role::kAdmin, sync(HandleSilenceCreate),
                    worker));
  router->Add(Route(Method::kDelete, "/api/alerts/silences/{id}", Role::kAdmin,
                    sync(HandleSilenceDelete), worker));
  router->Add(
      Route(Method::kGet, "/api/alerts/maintenance", Role::kMonitor, sync(HandleMaintenanceList)));
  router->Add(Route(Method::kPost, "/api/alerts/maintenance", Role::kAdmin,
                    sync(HandleMaintenanceCreate), worker));
  router->Add(Route(Method::kDelete, "/api/alerts/maintenance/{name}", Role::kAdmin,
                    sync(HandleMaintenanceDelete), worker));
  router->Add(Route(Method::kGet, "/api/alerts/deliveries", Role::kMonitor,
                    sync(HandleDeliveryList), worker));
  router->Add(
      Route(Method::kPost, "/api/alerts/test", Role::kAdmin, sync(HandleAlertTest), worker));
  router->Add(Route(Method::kGet, "/api/monitoring/services/{name}", Role::kMonitor,
                    sync(HandleServiceDetail)));
  router->Add(
      Route(Method::kGet, "/api/monitoring/logs", Role::kMonitor, sync(HandleLogs), worker));
  router->Add(
      Route(Method::kGet, "/api/monitoring/live", Role::kMonitor,
            [services](Request& req, Responder r) { services.live->Handle(req, std::move(r)); }));
  router->Add(Route(Method::kGet, "/metrics", metrics_public ? Role::kNone : Role::kMonitor,
                    SyncHandler([ctx](Request&) {
                      return Response::Text(200, ctx->metrics->Render(CollectSelfMetrics(ctx)),
                                            "text/plain; version=0.0.4; charset=utf-8");
                    })));
  AddAuthRoutes(router, ctx);
  router->Add(Route(Method::kGet, "/healthz", Role::kNone, SyncHandler([](Request&) {
                      return Response::Json(200, "{\"status\":\"ok\"}");
                    })));
  router->Add(Route(Method::kGet, "/readyz", Role::kNone, SyncHandler([ctx](Request&) {
                      if (!ctx->ready->load()) {
                        return Response::Error(503, "unavailable",
                                               "starting: replaying the ingest log");
                      }
                      if (!ctx->store->Healthy()) {
                        return Response::Error(503, "unavailable", "the store is unreachable");
                      }
                      return Response::Json(200, "{\"status\":\"ready\"}");
                    })));
}

}  // namespace botmon
