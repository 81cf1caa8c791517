// The HTTP kinds against local fakes that replay the documented replies (Qdrant, MinIO, Vault,
// InfluxDB 2 and OpenAI-compatible servers cannot be installed here; SPEC Appendix B), and the
// http and tcp kinds against the same tiny server. InfluxDB 1.6 is real (influxd, when present).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "probe/http_probe.h"
#include "probe/probe_test_util.h"
#include "support/influxd_server.h"
#include "support/process.h"

namespace botmon {
namespace {

using testing::DriveProbe;
using testing::TestCheck;
using testing::TinyReply;
using testing::TinyRequest;
using testing::TinyServer;

TinyReply Json(int status, std::string body) {
  return TinyReply{status, std::move(body), "application/json", {}};
}
TinyReply NotFound() { return Json(404, R"({"status":{"error":"Not found"}})"); }

// --- Qdrant -----------------------------------------------------------------------------------
// Replies from the Qdrant API reference:
//   GET /                   https://api.qdrant.tech/api-reference/service/root
//   GET /collections        https://api.qdrant.tech/api-reference/collections/get-collections
//   GET /collections/{name} https://api.qdrant.tech/api-reference/collections/get-collection
class FakeQdrant {
 public:
  FakeQdrant() : server_([this](const TinyRequest& r) { return Handle(r); }) {}
  void Set(const std::string& name, long long points) {
    std::lock_guard<std::mutex> l(mu_);
    points_[name] = points;
  }
  void Drop(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    points_.erase(name);
  }
  void set_root(std::string body) {
    std::lock_guard<std::mutex> l(mu_);
    root_ = std::move(body);
  }
  std::string url() const { return server_.url(); }
  std::string heads() {
    std::lock_guard<std::mutex> l(mu_);
    return last_head_;
  }

 private:
  TinyReply Handle(const TinyRequest& r) {
    std::lock_guard<std::mutex> l(mu_);
    last_head_ += r.head + "\n";  // every request head so far
    if (r.path == "/") return Json(200, root_);
    if (r.path == "/collections") {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& [name, n] : points_) list.push_back({{"name", name}});
      return Json(
          200,
          nlohmann::json{{"result", {{"collections", list}}}, {"status", "ok"}, {"time", 2.9e-05}}
              .dump());
    }
    std::string name = r.path.substr(std::string("/collections/").size());
    for (size_t p = name.find("%20"); p != std::string::npos; p = name.find("%20")) {
      name.replace(p, 3, " ");
    }
    auto it = points_.find(name);
    if (it == points_.end()) return NotFound();
    return Json(
        200,
        R"({"result":{"status":"green","optimizer_status":"ok","vectors_count":)" +
            std::to_string(it->second * 2) + R"(,"indexed_vectors_count":0,"points_count":)" +
            std::to_string(it->second) +
            R"(,"segments_count":2,"config":{},"payload_schema":{}},"status":"ok","time":0.0001})");
  }

  std::mutex mu_;
  std::map<std::string, long long> points_;
  std::string root_ =
      R"({"title":"qdrant - vector search engine","version":"1.9.2","commit":"34f7f8ef"})";
  std::string last_head_;
  TinyServer server_;  // last: stopped first
};

TEST(QdrantProbe, VersionAndVectorCountFollowTheCollections) {
  FakeQdrant q;
  q.Set("faq", 1'000'000);
  q.Set("docs two", 200'000);
  CheckConfig c = TestCheck(CheckKind::kQdrant, q.url());
  c.token = "qd-key";
  ProbeMemory mem;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.version, "1.9.2") << r.error;
  EXPECT_EQ(r.figure, "1.2M vectors");
  EXPECT_EQ(r.details["vectors"], 1'200'000);
  EXPECT_EQ(r.details["collections"], 2);
  EXPECT_NE(q.heads().find("api-key: qd-key"), std::string::npos);
  EXPECT_NE(q.heads().find("GET /collections/docs%20two "), std::string::npos);

  q.Drop("faq");
  q.Set("new", 45);
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.figure, "200,045 vectors");
  q.Drop("new");
  q.Drop("docs two");
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning);
  EXPECT_EQ(r.figure, "0 vectors");
}

TEST(QdrantProbe, GarbageJsonIsStoppedWithTheParseError) {
  FakeQdrant q;
  q.set_root(R"({"title":"qdrant", "version": )");
  ProbeMemory mem;
  ProbeResult r = DriveProbe(TestCheck(CheckKind::kQdrant, q.url()), &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "GET /: not JSON: syntax error at byte 31");
  q.set_root(R"({"title":"something else"})");
  r = DriveProbe(TestCheck(CheckKind::kQdrant, q.url()), &mem);
  EXPECT_EQ(r.error, "GET /: no \"version\" in the reply");
}

// --- MinIO ------------------------------------------------------------------------------------
// GET /minio/health/live:
// https://min.io/docs/minio/linux/operations/monitoring/healthcheck-probe.html GET
// /minio/v2/metrics/cluster (Prometheus text, bearer token optional):
//   https://min.io/docs/minio/linux/operations/monitoring/collect-minio-metrics-using-prometheus.html
//   metric names: https://min.io/docs/minio/linux/operations/monitoring/metrics-and-alerts.html
const char* kMinioMetrics =
    "# HELP minio_bucket_usage_total_bytes Total bucket size in bytes\n"
    "# TYPE minio_bucket_usage_total_bytes gauge\n"
    "minio_bucket_usage_total_bytes{bucket=\"photos\",server=\"127.0.0.1:9000\"} 4.5e+10\n"
    "minio_bucket_usage_total_bytes{bucket=\"logs\",server=\"127.0.0.1:9000\"} 2e+08\n"
    "# HELP minio_software_version_info MinIO software version\n"
    "# TYPE minio_software_version_info gauge\n"
    "minio_software_version_info{commit=\"7926df0\",server=\"127.0.0.1:9000\","
    "version=\"2024-01-16T16-07-38Z\"} 1\n";

TEST(MinioProbe, BytesStoredAndVersionFromMetrics) {
  std::atomic<int> live{200};
  std::string metrics = kMinioMetrics;
  std::mutex mu;
  std::string auth;
  TinyServer s([&](const TinyRequest& r) {
    if (r.path == "/minio/health/live") return TinyReply{live.load(), "", "", {}};
    if (r.path == "/minio/v2/metrics/cluster") {
      std::lock_guard<std::mutex> l(mu);
      if (!r.HasHeader("Authorization: Bearer mtok"))
        return TinyReply{403, "denied", "text/plain", {}};
      return TinyReply{200, metrics, "text/plain; version=0.0.4", {}};
    }
    return NotFound();
  });
  CheckConfig c = TestCheck(CheckKind::kMinio, s.url());
  c.token = "mtok";
  ProbeMemory mem;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.figure, "45.2 GB stored");
  EXPECT_EQ(r.version, "2024-01-16T16-07-38Z");
  EXPECT_EQ(r.details["buckets"], 2);

  c.token.clear();
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning);
  EXPECT_EQ(r.figure, "no metrics access (403)");

  c.token = "mtok";
  {
    std::lock_guard<std::mutex> l(mu);
    metrics = "<html>not metrics</html>";
  }
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error,
            "GET /minio/v2/metrics/cluster: metrics line 1: expected a metric name, got "
            "\"<html>not metrics</html>\"");

  live = 503;
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "GET /minio/health/live: answered 503");
}

// --- Vault ------------------------------------------------------------------------------------
// GET /v1/sys/health and its status codes (200 active, 429 standby, 472 DR secondary, 473
// performance standby, 501 not initialised, 503 sealed), sample body:
//   https://developer.hashicorp.com/vault/api-docs/system/health
// LIST /v1/secret/metadata (KV v2):
// https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2#list-secrets
std::string VaultHealth(bool initialized, bool sealed, bool standby) {
  return nlohmann::json{{"initialized", initialized},
                        {"sealed", sealed},
                        {"standby", standby},
                        {"performance_standby", false},
                        {"replication_performance_mode", "disabled"},
                        {"replication_dr_mode", "disabled"},
                        {"server_time_utc", 1516639589},
                        {"version", "1.15.0"},
                        {"cluster_name", "vault-cluster-3bd69ca2"},
                        {"cluster_id", "00af5aa8-c87d-b5be-e1d6-83d1e2ab4e5f"}}
      .dump();
}

struct VaultCase {
  int code;
  bool initialized, sealed, standby;
  ServiceStatus want;
  const char* figure;
  const char* error;
};

TEST(VaultProbe, HealthCodesMapToTheStatusVocabulary) {
  std::atomic<int> which{0};
  const VaultCase cases[] = {
      {200, true, false, false, ServiceStatus::kRunning, "unsealed", ""},
      {429, true, false, true, ServiceStatus::kWarning, "unsealed", "standby"},
      {472, true, false, false, ServiceStatus::kWarning, "unsealed", "disaster-recovery secondary"},
      {473, true, false, true, ServiceStatus::kWarning, "unsealed", "performance standby"},
      {501, false, true, false, ServiceStatus::kStopped, "not initialised", "not initialised"},
      {503, true, true, false, ServiceStatus::kSealed, "sealed", "sealed"},
  };
  TinyServer s([&](const TinyRequest& r) {
    const VaultCase& v = cases[which.load()];
    if (r.path != "/v1/sys/health") return NotFound();
    return Json(v.code, VaultHealth(v.initialized, v.sealed, v.standby));
  });
  ProbeMemory mem;
  for (size_t i = 0; i < std::size(cases); ++i) {
    which = static_cast<int>(i);
    ProbeResult r = DriveProbe(TestCheck(CheckKind::kVault, s.url()), &mem);
    EXPECT_EQ(r.status, cases[i].want) << cases[i].code << ": " << r.error;
    EXPECT_EQ(r.figure, cases[i].figure) << cases[i].code;
    EXPECT_EQ(r.error, cases[i].error) << cases[i].code;
    EXPECT_EQ(r.version, "1.15.0") << cases[i].code;
  }
}

TEST(VaultProbe, SecretCountWithAToken) {
  std::atomic<int> list_code{200};
  TinyServer s([&](const TinyRequest& r) {
    if (r.path == "/v1/sys/health") return Json(200, VaultHealth(true, false, false));
    if (r.target == "/v1/secret/metadata?list=true" && r.HasHeader("X-Vault-Token: vt")) {
      if (list_code == 200)
        return Json(200, R"({"request_id":"1","data":{"keys":["a","b","dir/"]}})");
      return Json(list_code, R"({"errors":[]})");
    }
    return Json(403, R"({"errors":["permission denied"]})");
  });
  CheckConfig c = TestCheck(CheckKind::kVault, s.url());
  c.token = "vt";
  ProbeMemory mem;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.figure, "3 secrets");
  EXPECT_EQ(r.details["secrets"], 3);
  list_code = 404;  // an empty mount
  EXPECT_EQ(DriveProbe(c, &mem).figure, "0 secrets");
  list_code = 403;  // no list rights: the seal state stays the figure
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning);
  EXPECT_EQ(r.figure, "unsealed");
}

TEST(VaultProbe, UnexpectedAnswersAreStopped) {
  std::atomic<int> mode{0};
  TinyServer s([&](const TinyRequest&) {
    if (mode == 0) return Json(500, R"({"errors":["internal"]})");
    if (mode == 1) return Json(200, "not json");
    return Json(200, R"({"initialized":true})");
  });
  ProbeMemory mem;
  CheckConfig c = TestCheck(CheckKind::kVault, s.url());
  EXPECT_EQ(DriveProbe(c, &mem).error, "GET /v1/sys/health: answered 500");
  mode = 1;
  EXPECT_EQ(DriveProbe(c, &mem).error, "GET /v1/sys/health: not JSON: syntax error at byte 2");
  mode = 2;
  EXPECT_EQ(DriveProbe(c, &mem).error, "GET /v1/sys/health: no \"sealed\" in the reply");
}

// --- InfluxDB 2 -------------------------------------------------------------------------------
// GET /ping (204, X-Influxdb-Version) and GET /health:
//   https://docs.influxdata.com/influxdb/v2/api/#operation/GetPing
//   https://docs.influxdata.com/influxdb/v2/api/#operation/GetHealth
// GET /metrics (Prometheus text):
// https://docs.influxdata.com/influxdb/v2/reference/internals/metrics/
TEST(InfluxProbe, V2HealthVersionAndPointRate) {
  std::atomic<long long> ok_points{1000};
  std::atomic<bool> healthy{true};
  TinyServer s([&](const TinyRequest& r) {
    if (r.path == "/ping") {
      return TinyReply{204, "", "", {"X-Influxdb-Build: OSS", "X-Influxdb-Version: v2.7.3"}};
    }
    if (r.path == "/health") {
      if (!healthy) {
        return Json(
            503,
            R"({"name":"influxdb","message":"database is unavailable","status":"fail","checks":[],"version":"v2.7.3","commit":"ed645d9216"})");
      }
      return Json(
          200,
          R"({"name":"influxdb","message":"ready for queries and writes","status":"pass","checks":[],"version":"v2.7.3","commit":"ed645d9216"})");
    }
    if (r.path == "/metrics" && r.HasHeader("Authorization: Token itok")) {
      return TinyReply{200,
                       "# HELP storage_writer_ok_points Number of points written successfully\n"
                       "# TYPE storage_writer_ok_points counter\n"
                       "storage_writer_ok_points{path=\"/var/lib/influxdb2/engine/data/abc\"} " +
                           std::to_string(ok_points.load()) + "\n",
                       "text/plain",
                       {}};
    }
    return Json(401, R"({"code":"unauthorized","message":"unauthorized access"})");
  });
  CheckConfig c = TestCheck(CheckKind::kInfluxdb, s.url());
  c.token = "itok";  // version 0: detected from the /ping header
  ProbeMemory mem;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.version, "2.7.3");
  EXPECT_EQ(r.figure, "");  // the first probe has no rate yet
  mem.last_at_ms -= 2000;   // as if the first probe were 2 s earlier
  ok_points += 4900;
  r = DriveProbe(c, &mem);
  EXPECT_NEAR(r.details["pointsPerSec"], 2450, 60);
  EXPECT_NE(r.figure.find(" pts/sec"), std::string::npos);

  c.influx_version = 2;
  c.token = "wrong";
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning);
  EXPECT_EQ(r.figure, "no stats access (401)");
  healthy = false;
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "GET /health: status fail: database is unavailable");
}

TEST(InfluxProbe, V1RealServerVersionAndPointRate) {
  if (!testing::HaveProgram(testing::InfluxdServer::kBinary)) {
    GTEST_SKIP() << "influxd (Debian influxdb 1.6) not installed";
  }
  testing::InfluxdServer influx;
  std::string error;
  ASSERT_TRUE(influx.Start(&error)) << error;
  ASSERT_TRUE(influx.CreateDatabase("probe", &error)) << error;
  CheckConfig c = TestCheck(CheckKind::kInfluxdb, influx.url());
  ProbeMemory mem;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.version, influx.version());
  EXPECT_EQ(r.version.substr(0, 4), "1.6.");
  // The first probe shows the average since start (pointReq / system.uptime).
  EXPECT_NE(r.figure.find(" pts/sec"), std::string::npos) << r.figure << " " << r.details.size();
  double before = r.details["pointReq"];

  // Write 300 points through the real /write endpoint.
  struct OneShot : HttpDialog {
    HttpRequest req;
    HttpRequest Start() override { return req; }
    bool OnReply(const HttpRequest&, const HttpReply& rep, HttpRequest*,
                 ProbeResult* res) override {
      res->status = rep.status == 204 ? ServiceStatus::kRunning : ServiceStatus::kStopped;
      res->error = std::to_string(rep.status) + " " + rep.body;
      return false;
    }
  };
  auto write = std::make_unique<OneShot>();
  write->req = GetRequest(c.url, "/write?db=probe");
  write->req.method = "POST";
  for (int i = 0; i < 300; ++i) {
    write->req.body += "m,t=a v=" + std::to_string(i) + " " + std::to_string(1000 + i) + "\n";
  }
  std::unique_ptr<ProbeOp> op = StartHttpDialog(c, std::move(write), ProbeNowMs());
  ProbeWait w;
  while (!op->Step({}, ProbeNowMs(), &w)) {
    std::vector<pollfd> fds = w.fds;
    ::poll(fds.data(), fds.size(), 10);
  }
  ASSERT_EQ(op->Result().status, ServiceStatus::kRunning) << op->Result().error;

  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.details["pointReq"] - before, 300);
  EXPECT_GT(r.details["pointsPerSec"], 0);
}

// --- LLM (OpenAI-compatible) ------------------------------------------------------------------
// GET /v1/models: https://platform.openai.com/docs/api-reference/models/list
// Streamed chat completion chunks: https://platform.openai.com/docs/api-reference/chat/streaming
// GET /version (vLLM): https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
TEST(LlmProbe, FirstModelVersionAndTtft) {
  std::atomic<bool> empty{false};
  std::atomic<bool> has_version{true};
  TinyServer s([&](const TinyRequest& r) {
    if (!r.HasHeader("Authorization: Bearer sk-test"))
      return Json(401, R"({"error":{"message":"no key"}})");
    if (r.path == "/v1/models") {
      if (empty) return Json(200, R"({"object":"list","data":[]})");
      return Json(
          200,
          R"({"object":"list","data":[{"id":"gpt-4o","object":"model","created":1686935002,"owned_by":"organization-owner"},{"id":"gpt-4o-mini","object":"model","created":1686935002,"owned_by":"openai"}]})");
    }
    if (r.path == "/version") {
      if (!has_version) return TinyReply{200, "<html>app</html>", "text/html", {}};
      return Json(200, R"({"version":"2.1.0"})");
    }
    if (r.path == "/v1/chat/completions" && r.method == "POST" &&
        r.body.find("\"max_tokens\":1") != std::string::npos) {
      return TinyReply{
          200,
          "data: "
          "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
          "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
          "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
          "data: [DONE]\n\n",
          "text/event-stream",
          {}};
    }
    return NotFound();
  });
  CheckConfig c = TestCheck(CheckKind::kLlm, s.url());
  c.token = "sk-test";
  ProbeMemory mem;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.figure, "gpt-4o active");
  EXPECT_EQ(r.version, "2.1.0");
  EXPECT_EQ(r.details["models"], 2);
  EXPECT_EQ(r.details.count("ttftMs"), 0u);

  c.ttft_model = "gpt-4o";
  has_version = false;
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.version, "");
  EXPECT_EQ(r.details.count("ttftMs"), 1u);

  empty = true;
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kWarning);
  EXPECT_EQ(r.figure, "no models");
  c.token = "bad";
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "GET /v1/models: answered 401");
}

// --- http and tcp -----------------------------------------------------------------------------
TEST(HttpProbe, ExpectStatusBodyAndJsonPath) {
  TinyServer s([](const TinyRequest& r) {
    if (r.path == "/health") return Json(200, R"({"status":"up","checks":[{"db":"ok"}],"n":3})");
    if (r.path == "/auth" && r.HasHeader("Authorization: Basic dTpw")) return Json(200, "{}");
    return Json(503, R"({"status":"down"})");
  });
  ProbeMemory mem;
  CheckConfig c = TestCheck(CheckKind::kHttp, s.url() + "/health");
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_NE(r.figure.find(" ms"), std::string::npos);
  c.expect.status = 200;
  c.expect.body_contains = "\"up\"";
  c.expect.json_path = "$.checks[0].db";
  c.expect.equals = "ok";
  EXPECT_EQ(DriveProbe(c, &mem).status, ServiceStatus::kRunning);
  c.expect.equals = "fine";
  EXPECT_EQ(DriveProbe(c, &mem).error, "GET /health: $.checks[0].db is \"ok\", expected \"fine\"");
  c.expect.json_path = "$.missing";
  EXPECT_EQ(DriveProbe(c, &mem).error, "GET /health: $.missing is not in the reply");
  c.expect.json_path = "$.n";
  c.expect.equals = "3";
  EXPECT_EQ(DriveProbe(c, &mem).status, ServiceStatus::kRunning);
  c.expect.body_contains = "nope";
  EXPECT_EQ(DriveProbe(c, &mem).error, "GET /health: the reply does not contain \"nope\"");
  c.expect.status = 201;
  EXPECT_EQ(DriveProbe(c, &mem).error, "GET /health: answered 200, expected 201");

  CheckConfig down = TestCheck(CheckKind::kHttp, s.url() + "/other?x=1");
  EXPECT_EQ(DriveProbe(down, &mem).error, "GET /other: answered 503");
  down.expect.status = 503;
  EXPECT_EQ(DriveProbe(down, &mem).status, ServiceStatus::kRunning);

  CheckConfig auth = TestCheck(CheckKind::kHttp, s.url() + "/auth");
  auth.username = "u";
  auth.password = "p";
  EXPECT_EQ(DriveProbe(auth, &mem).status, ServiceStatus::kRunning);
  CheckConfig url_auth =
      TestCheck(CheckKind::kHttp, "http://u:p@127.0.0.1:" + std::to_string(s.port()) + "/auth");
  EXPECT_EQ(DriveProbe(url_auth, &mem).status, ServiceStatus::kRunning);
}

TEST(HttpProbe, WarnAfterAndReplyCap) {
  std::string big(kMaxReplyBytes + 10, 'x');
  TinyServer s([&](const TinyRequest& r) {
    if (r.path == "/slow") {
      ::usleep(300'000);
      return Json(200, "{}");
    }
    return TinyReply{200, big, "text/plain", {}};
  });
  ProbeMemory mem;
  CheckConfig c = TestCheck(CheckKind::kHttp, s.url() + "/slow");
  c.warn_after_ms = 100;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kWarning);
  EXPECT_EQ(r.error.rfind("slower than 100ms (", 0), 0u) << r.error;
  c.warn_after_ms = 2500;
  EXPECT_EQ(DriveProbe(c, &mem).status, ServiceStatus::kRunning);
  r = DriveProbe(TestCheck(CheckKind::kHttp, s.url() + "/big"), &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "GET /big: reply larger than 1 MiB");
}

TEST(HttpProbe, HttpsVerifiesCertificatesUnlessTold) {
  if (!testing::HaveProgram("openssl")) GTEST_SKIP() << "openssl not installed";
  std::string dir = testing::MakeTempDir("probe-tls");
  {
    testing::ChildProcess req;
    ASSERT_TRUE(req.Start({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir + "/key.pem",
                           "-out", dir + "/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1"},
                          dir + "/req.log"));
    for (int i = 0; i < 100 && req.running(); ++i) ::usleep(50'000);
    ASSERT_FALSE(req.running()) << req.Log();
  }
  int port = testing::FreeTcpPort();
  testing::ChildProcess tls;
  ASSERT_TRUE(tls.Start(
      {"openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:" + std::to_string(port),
       "-cert", dir + "/cert.pem", "-key", dir + "/key.pem"},
      dir + "/s_server.log"));
  ASSERT_TRUE(testing::WaitForTcpPort(port, 10'000)) << tls.Log();
  CheckConfig c = TestCheck(CheckKind::kHttp, "https://127.0.0.1:" + std::to_string(port) + "/");
  ProbeMemory mem;
  ProbeResult r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("certificate"), std::string::npos) << r.error;
  c.insecure_skip_verify = true;
  r = DriveProbe(c, &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  tls.Stop();
  testing::RemoveTree(dir);
}

TEST(TcpProbe, ConnectsOrSaysWhyNot) {
  TinyServer s([](const TinyRequest&) { return Json(200, "{}"); });
  ProbeMemory mem;
  ProbeResult r =
      DriveProbe(TestCheck(CheckKind::kTcp, "tcp://127.0.0.1:" + std::to_string(s.port())), &mem);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_NE(r.figure.find(" ms"), std::string::npos);
  int closed = testing::FreeTcpPort();
  r = DriveProbe(TestCheck(CheckKind::kTcp, "tcp://127.0.0.1:" + std::to_string(closed)), &mem);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error.rfind("connect: ", 0), 0u) << r.error;
  EXPECT_NE(r.error.find("Couldn't connect"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace botmon
