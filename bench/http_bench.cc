// Micro-benchmarks of the socket-free HTTP parts, per request: routing + authorization through
// a realistic table, response head framing, and gzip inflate of an ingest-sized body.
#include <benchmark/benchmark.h>

#include "http/gzip.h"
#include "http/server.h"
#include "http/wire.h"

namespace botmon {
namespace {

Principal BenchAuth(const Request& req) {
  Principal p;
  if (!req.HeaderValue("authorization").empty()) {
    p.presented = true;
    p.role = Role::kMonitor;
  }
  return p;
}

Router MakeRouter() {
  Router r(BenchAuth);
  auto ok = SyncHandler([](Request&) { return Response::Json(200, "{}"); });
  for (const char* p : {"/api/monitoring/status",
                        "/api/monitoring/history",
                        "/api/monitoring/sessions",
                        "/api/monitoring/sessions/{id}",
                        "/api/monitoring/services",
                        "/api/monitoring/services/{name}",
                        "/api/monitoring/nodes",
                        "/api/monitoring/logs",
                        "/api/monitoring/live",
                        "/api/alerts/rules",
                        "/api/alerts/rules/{name}",
                        "/api/alerts/incidents",
                        "/api/alerts/incidents/{id}",
                        "/api/alerts/channels",
                        "/api/alerts/routes",
                        "/api/alerts/silences",
                        "/api/alerts/deliveries",
                        "/metrics",
                        "/healthz",
                        "/readyz"}) {
    r.Add(Route(Method::kGet, p, Role::kMonitor, ok));
  }
  r.Add(Route(Method::kPost, "/api/v1/events", Role::kIngest, ok));
  r.Add(Route(Method::kPost, "/api/alerts/rules/{name}/backtest", Role::kAdmin, ok));
  return r;
}

void BM_ParseAndDispatch(benchmark::State& state) {
  const Router router = MakeRouter();
  for (auto _ : state) {
    Request req;
    req.method = Method::kGet;
    req.headers.push_back(Header{"authorization", "Bearer x"});
    const Status st = ParseTarget("/api/monitoring/sessions/abc-123?page=2", &req);
    benchmark::DoNotOptimize(st.ok());
    int status = 0;
    router.Dispatch(req, Responder([&status](Response r) { status = r.status; }));
    benchmark::DoNotOptimize(status);
  }
}
BENCHMARK(BM_ParseAndDispatch);

void BM_ResponseHead(benchmark::State& state) {
  const Response r = Response::Json(200, std::string(100, 'x'));
  std::string head;
  for (auto _ : state) {
    head.clear();
    http_internal::AppendResponseHead(r, {}, &head);
    benchmark::DoNotOptimize(head.data());
  }
}
BENCHMARK(BM_ResponseHead);

void BM_Gunzip(benchmark::State& state) {
  std::string body;
  for (int i = 0; body.size() < 600'000; ++i) {
    body += R"({"type":"request","bot":"support","session":"s-)" + std::to_string(i % 97) +
            R"(","latency_ms":)" + std::to_string(i % 1000) + "},\n";
  }
  const std::string gz = http_internal::GzipForTest(body);
  std::string out;
  for (auto _ : state) {
    const auto rc = http_internal::GunzipLimited(gz, 1 << 20, &out);
    benchmark::DoNotOptimize(rc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_Gunzip);

}  // namespace
}  // namespace botmon

BENCHMARK_MAIN();
