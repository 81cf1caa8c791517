#include "export/influx_exporter.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "support/influxd_server.h"

namespace botmon {
namespace {

using Steady = std::chrono::steady_clock;

int64_t MsSince(Steady::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - t0).count();
}

// Polls `pred` every 20 ms for up to `timeout_ms`.
bool WaitFor(const std::function<bool()>& pred, int timeout_ms = 30'000) {
  const auto deadline = Steady::now() + std::chrono::milliseconds(timeout_ms);
  while (Steady::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

class CurlGlobal : public ::testing::Environment {
 public:
  void SetUp() override { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void TearDown() override { curl_global_cleanup(); }
};
const auto* const kCurlEnv = ::testing::AddGlobalTestEnvironment(new CurlGlobal);

// Fast retries for tests; the production defaults (1 s..60 s) are checked in docs/export.md.
InfluxExporterOptions FastOptions() {
  InfluxExporterOptions o;
  o.backoff_min_ms = 20;
  o.backoff_max_ms = 100;
  return o;
}

std::vector<TickValue> Tick(const std::string& host, double base) {
  return {
      {SeriesKey{"cpu.usage", host, "", "", "", "", ""}, base},
      {SeriesKey{"mem.free", host, "", "", "", "", ""}, base * 1000},
      {SeriesKey{"requests.count", host, "my bot", "web,chat", "", "", ""}, base + 1},
      {SeriesKey{"disk.usage", host, "", "", "/mnt/my disk=1", "", ""}, base / 2},
      {SeriesKey{"service.up", host, "", "", "", "", "postgres"}, 1},
  };
}

std::string Lines(const std::vector<TickValue>& samples, int64_t t_ms) {
  std::string out;
  for (const LinePoint& p : TickPoints(samples, t_ms)) AppendLine(p, &out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// A real InfluxDB 1.6.

TEST(InfluxExporterV1, ExportsTicksReadBackFromRealInfluxd) {
  testing::InfluxdServer influxd;
  std::string error;
  ASSERT_TRUE(influxd.Start(&error)) << error;
  EXPECT_TRUE(influxd.version().starts_with("1.6")) << influxd.version();
  ASSERT_TRUE(influxd.CreateDatabase("botmon_test", &error)) << error;

  Config::Influx cfg;
  cfg.url = influxd.url();
  cfg.database = "botmon_test";
  InfluxExporter exporter(cfg, FastOptions());
  exporter.Start();
  const int64_t t1 = 1'705'329'120'000, t2 = t1 + 10'000;
  exporter.EnqueueTick(Tick("bot-1", 12.5), t1);
  exporter.EnqueueTick(Tick("bot-1", 40.25), t2);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 10; }))
      << exporter.stats().last_error;
  InfluxExportStats s = exporter.stats();
  EXPECT_TRUE(s.server_version.starts_with("1.6")) << s.server_version;
  EXPECT_EQ(s.last_error, "");
  EXPECT_EQ(s.points_dropped, 0u);
  EXPECT_EQ(s.queue_points, 0u);
  EXPECT_GT(s.last_success_ms, 0);

  nlohmann::json r;
  ASSERT_TRUE(
      influxd.Query("botmon_test", "SELECT value FROM \"cpu.usage\" GROUP BY *", &r, &error))
      << error;
  const auto& cpu = r["results"][0]["series"][0];
  EXPECT_EQ(cpu["name"], "cpu.usage");
  EXPECT_EQ(cpu["tags"], nlohmann::json({{"host", "bot-1"}}));
  EXPECT_EQ(cpu["values"], nlohmann::json::parse("[[1705329120000,12.5],[1705329130000,40.25]]"));

  // Tags with spaces, commas and equals signs come back exactly.
  ASSERT_TRUE(
      influxd.Query("botmon_test", "SELECT value FROM \"requests.count\" GROUP BY *", &r, &error))
      << error;
  const auto& req = r["results"][0]["series"][0];
  EXPECT_EQ(req["tags"],
            nlohmann::json({{"bot", "my bot"}, {"channel", "web,chat"}, {"host", "bot-1"}}));
  EXPECT_EQ(req["values"], nlohmann::json::parse("[[1705329120000,13.5],[1705329130000,41.25]]"));
  ASSERT_TRUE(influxd.Query(
      "botmon_test", "SELECT value FROM \"disk.usage\" WHERE mount = '/mnt/my disk=1'", &r, &error))
      << error;
  EXPECT_EQ(r["results"][0]["series"][0]["values"],
            nlohmann::json::parse("[[1705329120000,6.25],[1705329130000,20.125]]"));
  ASSERT_TRUE(influxd.Query(
      "botmon_test", "SELECT value FROM \"service.up\" WHERE service = 'postgres'", &r, &error))
      << error;
  EXPECT_EQ(r["results"][0]["series"][0]["values"].size(), 2u);
  // The host total of a traffic field is the point without a bot tag: `"bot" = ''` selects it
  // (docs/export.md).
  const std::vector<TickValue> total = {
      {SeriesKey{"requests.count", "bot-1", "", "", "", "", ""}, 99}};
  exporter.EnqueueTick(total, t2);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 11; }));
  ASSERT_TRUE(influxd.Query(
      "botmon_test", "SELECT sum(value) FROM \"requests.count\" WHERE \"bot\" = ''", &r, &error))
      << error;
  EXPECT_EQ(r["results"][0]["series"][0]["values"][0][1], 99) << r.dump();
  ASSERT_TRUE(influxd.Query("botmon_test", "SHOW MEASUREMENTS", &r, &error)) << error;
  EXPECT_EQ(
      r["results"][0]["series"][0]["values"],
      nlohmann::json::parse(
          R"([["cpu.usage"],["disk.usage"],["mem.free"],["requests.count"],["service.up"]])"));
  exporter.Stop();
}

TEST(InfluxExporterV1, MissingDatabaseIsAPermanentErrorWithTheServersMessage) {
  testing::InfluxdServer influxd;
  std::string error;
  ASSERT_TRUE(influxd.Start(&error)) << error;
  Config::Influx cfg;
  cfg.url = influxd.url() + "/";  // a trailing slash is fine
  cfg.database = "nosuchdb";
  InfluxExporter exporter(cfg, FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("bot-1", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().batches_rejected == 1; }));
  InfluxExportStats s = exporter.stats();
  EXPECT_EQ(s.points_dropped, 5u);
  EXPECT_EQ(s.points_exported, 0u);
  EXPECT_EQ(s.batches_failed, 0u);  // not retried
  EXPECT_NE(s.last_error.find("HTTP 404"), std::string::npos) << s.last_error;
  EXPECT_NE(s.last_error.find("database not found: \"nosuchdb\""), std::string::npos)
      << s.last_error;
  EXPECT_NE(s.last_error.find("/write?db=nosuchdb&precision=ms"), std::string::npos)
      << s.last_error;
  exporter.Stop();
}

// ---------------------------------------------------------------------------------------------
// A local HTTP server replaying the documented InfluxDB v2 write answers
// (https://docs.influxdata.com/influxdb/v2/api/#operation/PostWrite): 204 No Content on success;
// 400 {"code":"invalid","message":...} for bad line protocol; 401 unauthorized; 413 too large;
// 429 and 503 with Retry-After. The same server also stands in for a v1 /write peer where the
// test needs to see the request (headers) rather than the stored data.

struct Seen {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::string authorization, content_type, body;
};

struct Reply {
  int status = 204;
  std::string body;
  std::vector<Header> headers;
  bool hang = false;  // never answer
};

class FakeInflux {
 public:
  using Script = std::function<Reply(const Seen& req, int index)>;

  explicit FakeInflux(Script script) : script_(std::move(script)) {
    router_ = std::make_unique<Router>([](const Request&) { return Principal{}; });
    for (const char* path : {"/api/v2/write", "/write", "/prefix/write"}) {
      router_->Add(
          Route(Method::kPost, path, Role::kNone,
                [this](Request& req, Responder responder) { Handle(req, std::move(responder)); }));
    }
    ServerOptions so;
    so.listen = "127.0.0.1:0";
    so.io_threads = 1;
    so.worker_threads = 1;
    server_ = std::make_unique<Server>(so, router_.get());
    Status st = server_->Listen();
    EXPECT_TRUE(st.ok()) << st.ToString();
    server_->Start();
  }
  ~FakeInflux() {
    {
      std::lock_guard lock(mu_);
      held_.clear();  // answered 500 by the Responder's destructor
    }
    server_->Stop(500);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return seen_.size();
  }

 private:
  void Handle(Request& req, Responder responder) {
    Seen s{req.path, req.query, std::string(req.HeaderValue("authorization")),
           std::string(req.HeaderValue("content-type")), req.body};
    std::unique_lock lock(mu_);
    const int index = static_cast<int>(seen_.size());
    seen_.push_back(s);
    lock.unlock();
    Reply reply = script_(s, index);
    if (reply.hang) {
      lock.lock();
      held_.push_back(std::move(responder));
      return;
    }
    Response r;
    r.status = reply.status;
    r.body = reply.body;
    r.headers = reply.headers;
    responder.Send(std::move(r));
  }

  Script script_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
  std::vector<Responder> held_;
};

Reply HangReply() {
  Reply r;
  r.hang = true;
  return r;
}

std::string QueryValue(const Seen& s, const std::string& key) {
  for (const auto& [k, v] : s.query) {
    if (k == key) return v;
  }
  return "<absent>";
}

Config::Influx V2Config(const std::string& url) {
  Config::Influx cfg;
  cfg.url = url;
  cfg.version = 2;
  cfg.org = "acme corp";
  cfg.bucket = "bots/raw";
  cfg.token = "tok-123==";
  return cfg;
}

TEST(InfluxExporterV2, SendsTokenOrgBucketAndLines) {
  FakeInflux fake([](const Seen&, int) {
    return Reply{204, "", {{"X-Influxdb-Version", "v2.7.3"}}, false};
  });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("h", 3), 5000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 5; }));
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/api/v2/write");
  EXPECT_EQ(QueryValue(seen[0], "org"), "acme corp");
  EXPECT_EQ(QueryValue(seen[0], "bucket"), "bots/raw");
  EXPECT_EQ(QueryValue(seen[0], "precision"), "ms");
  EXPECT_EQ(QueryValue(seen[0], "db"), "<absent>");
  EXPECT_EQ(seen[0].authorization, "Token tok-123==");
  EXPECT_EQ(seen[0].content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(seen[0].body, Lines(Tick("h", 3), 5000));
  EXPECT_EQ(exporter.stats().server_version, "v2.7.3");
  exporter.Stop();
}

TEST(InfluxExporterV1, BasicAuthFromUrlAndPathPrefix) {
  FakeInflux fake([](const Seen&, int) { return Reply{}; });
  Config::Influx cfg;
  cfg.url = "http://writer:s%3Acret@127.0.0.1:" + fake.url().substr(fake.url().rfind(':') + 1) +
            "/prefix";
  cfg.database = "my db";
  InfluxExporter exporter(cfg, FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("h", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 5; }));
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/prefix/write");
  EXPECT_EQ(QueryValue(seen[0], "db"), "my db");
  EXPECT_EQ(QueryValue(seen[0], "precision"), "ms");
  EXPECT_EQ(seen[0].authorization, "Basic d3JpdGVyOnM6Y3JldA==");  // writer:s:cret
  exporter.Stop();
}

TEST(InfluxExporterV2, RetriesServerErrorsThenDeliversOnceInOrder) {
  FakeInflux fake([](const Seen&, int index) {
    if (index < 2) {
      return Reply{503, R"({"code":"unavailable","message":"temporarily unavailable"})", {}, false};
    }
    return Reply{};
  });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.EnqueueTick(Tick("a", 1), 1000);  // queued before Start: both go in one batch
  exporter.EnqueueTick(Tick("a", 2), 2000);
  exporter.Start();
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 10; }));
  exporter.EnqueueTick(Tick("a", 3), 3000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 15; }));
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 4u);
  const std::string first = Lines(Tick("a", 1), 1000) + Lines(Tick("a", 2), 2000);
  EXPECT_EQ(seen[0].body, first);
  EXPECT_EQ(seen[1].body, first);
  EXPECT_EQ(seen[2].body, first);
  EXPECT_EQ(seen[3].body, Lines(Tick("a", 3), 3000));
  InfluxExportStats s = exporter.stats();
  EXPECT_EQ(s.batches_failed, 2u);
  EXPECT_EQ(s.batches_exported, 2u);
  EXPECT_EQ(s.points_dropped, 0u);
  EXPECT_EQ(s.last_error, "");  // cleared by the success
  exporter.Stop();
}

TEST(InfluxExporterV2, HonoursRetryAfterOn429) {
  std::mutex mu;
  std::vector<Steady::time_point> at;
  FakeInflux fake([&](const Seen&, int index) {
    std::lock_guard lock(mu);
    at.push_back(Steady::now());
    if (index == 0) {
      return Reply{429,
                   R"({"code":"too many requests","message":"slow down"})",
                   {{"Retry-After", "1"}},
                   false};
    }
    return Reply{};
  });
  InfluxExporterOptions o = FastOptions();
  o.backoff_max_ms = 5000;  // the cap bounds Retry-After too
  InfluxExporter exporter(V2Config(fake.url()), o);
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 5; }));
  std::lock_guard lock(mu);
  ASSERT_EQ(at.size(), 2u);
  EXPECT_GE(std::chrono::duration_cast<std::chrono::milliseconds>(at[1] - at[0]).count(), 1000);
  EXPECT_EQ(exporter.stats().batches_failed, 1u);
}

TEST(InfluxExporterV2, BadRequestDropsTheBatchAndKeepsTheServerMessage) {
  FakeInflux fake([](const Seen&, int index) {
    if (index == 0) {
      return Reply{
          400, R"({"code":"invalid","message":"unable to parse 'x': missing fields"})", {}, false};
    }
    return Reply{};
  });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().batches_rejected == 1; }));
  InfluxExportStats s = exporter.stats();
  EXPECT_EQ(s.points_dropped, 5u);
  EXPECT_EQ(s.batches_failed, 0u);
  EXPECT_NE(s.last_error.find("HTTP 400"), std::string::npos) << s.last_error;
  EXPECT_NE(s.last_error.find("invalid: unable to parse 'x': missing fields"), std::string::npos)
      << s.last_error;
  EXPECT_GT(s.last_error_ms, 0);
  // Later ticks still go out.
  exporter.EnqueueTick(Tick("a", 2), 2000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 5; }));
  EXPECT_EQ(fake.count(), 2u);
  exporter.Stop();
}

TEST(InfluxExporterV2, UnauthorizedIsPermanentAndTheTokenIsNotLogged) {
  FakeInflux fake([](const Seen&, int) {
    return Reply{401, R"({"code":"unauthorized","message":"unauthorized access"})", {}, false};
  });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().batches_rejected == 1; }));
  const std::string err = exporter.stats().last_error;
  EXPECT_NE(err.find("unauthorized access"), std::string::npos) << err;
  EXPECT_EQ(err.find("tok-123"), std::string::npos) << err;
}

TEST(InfluxExporterV2, StopIsPromptWhenTheServerHangs) {
  FakeInflux fake([](const Seen&, int) { return HangReply(); });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return fake.count() == 1; }));
  exporter.EnqueueTick(Tick("a", 2), 2000);  // queued behind the hung request
  EXPECT_EQ(exporter.stats().queue_points, 10u);
  const auto t0 = Steady::now();
  exporter.Stop();  // default grace 500 ms
  EXPECT_LT(MsSince(t0), 1000);
  InfluxExportStats s = exporter.stats();
  EXPECT_EQ(s.points_dropped, 10u);
  EXPECT_EQ(s.queue_points, 0u);
  // After Stop, ticks are ignored.
  exporter.EnqueueTick(Tick("a", 3), 3000);
  EXPECT_EQ(exporter.stats().queue_points, 0u);
}

TEST(InfluxExporterV2, StopWithoutGraceIsImmediate) {
  FakeInflux fake([](const Seen&, int) { return HangReply(); });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return fake.count() == 1; }));
  const auto t0 = Steady::now();
  exporter.Stop(0);
  EXPECT_LT(MsSince(t0), 500);
}

TEST(InfluxExporterV2, StopFlushesWhatIsQueuedToAHealthyServer) {
  FakeInflux fake([](const Seen&, int) { return Reply{}; });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.EnqueueTick(Tick("a", 1), 1000);
  exporter.Start();
  exporter.Stop(5000);
  EXPECT_EQ(exporter.stats().points_exported, 5u);
  EXPECT_EQ(exporter.stats().points_dropped, 0u);
}

TEST(InfluxExporter, QueueFullDropsTheOldestTicks) {
  FakeInflux fake([](const Seen&, int) { return Reply{}; });
  const size_t tick_bytes = Lines(Tick("a", 1), 1000).size();
  InfluxExporterOptions o = FastOptions();
  o.max_queue_bytes = tick_bytes * 3 + tick_bytes / 2;  // room for three ticks
  InfluxExporter exporter(V2Config(fake.url()), o);
  for (int i = 1; i <= 5; ++i) exporter.EnqueueTick(Tick("a", 1), i * 1000);  // not started
  InfluxExportStats s = exporter.stats();
  EXPECT_EQ(s.points_dropped, 10u);
  EXPECT_EQ(s.queue_points, 15u);
  EXPECT_EQ(s.queue_bytes, tick_bytes * 3);
  exporter.Start();
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 15; }));
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body,
            Lines(Tick("a", 1), 3000) + Lines(Tick("a", 1), 4000) + Lines(Tick("a", 1), 5000));
  exporter.Stop();
}

TEST(InfluxExporter, BatchesRespectTheLineLimitAndKeepOrder) {
  FakeInflux fake([](const Seen&, int) { return Reply{}; });
  InfluxExporterOptions o = FastOptions();
  o.max_batch_lines = 3;
  InfluxExporter exporter(V2Config(fake.url()), o);
  exporter.EnqueueTick(Tick("a", 1), 1000);
  exporter.EnqueueTick(Tick("a", 2), 2000);
  exporter.Start();
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 10; }));
  std::string all;
  for (const Seen& s : fake.seen()) {
    EXPECT_LE(std::count(s.body.begin(), s.body.end(), '\n'), 3) << s.body;
    all += s.body;
  }
  EXPECT_EQ(all, Lines(Tick("a", 1), 1000) + Lines(Tick("a", 2), 2000));
  EXPECT_EQ(exporter.stats().batches_exported, fake.seen().size());
  exporter.Stop();
}

TEST(InfluxExporter, BatchesRespectTheByteLimit) {
  FakeInflux fake([](const Seen&, int) { return Reply{}; });
  InfluxExporterOptions o = FastOptions();
  o.max_batch_bytes = 100;
  InfluxExporter exporter(V2Config(fake.url()), o);
  exporter.EnqueueTick(Tick("a", 1), 1000);
  exporter.Start();
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 5; }));
  std::string all;
  for (const Seen& s : fake.seen()) {
    // A single line longer than the limit still goes out alone.
    EXPECT_TRUE(s.body.size() <= 100 || std::count(s.body.begin(), s.body.end(), '\n') == 1);
    all += s.body;
  }
  EXPECT_GT(fake.count(), 1u);
  EXPECT_EQ(all, Lines(Tick("a", 1), 1000));
  exporter.Stop();
}

TEST(InfluxExporter, NetworkErrorsAreRetriedUntilReconfigured) {
  const int dead_port = testing::FreeTcpPort();  // nothing listens there
  Config::Influx cfg;
  cfg.url = "http://127.0.0.1:" + std::to_string(dead_port);
  InfluxExporter exporter(cfg, FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().batches_failed >= 2; }));
  InfluxExportStats s = exporter.stats();
  EXPECT_NE(s.last_error.find("POST http://127.0.0.1:" + std::to_string(dead_port) +
                              "/write?db=botmon&precision=ms"),
            std::string::npos)
      << s.last_error;
  EXPECT_EQ(s.points_dropped, 0u);
  EXPECT_EQ(s.queue_points, 5u);

  FakeInflux fake([](const Seen&, int) { return Reply{}; });
  exporter.Reconfigure(V2Config(fake.url()));
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 5; }));
  EXPECT_EQ(fake.seen()[0].path, "/api/v2/write");
  exporter.Stop();
}

TEST(InfluxExporter, ReconfigureAbortsAHungRequestAndResends) {
  FakeInflux hung([](const Seen&, int) { return HangReply(); });
  FakeInflux good([](const Seen&, int) { return Reply{}; });
  InfluxExporterOptions o = FastOptions();
  o.request_timeout_ms = 60'000;
  InfluxExporter exporter(V2Config(hung.url()), o);
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return hung.count() == 1; }));
  const auto t0 = Steady::now();
  exporter.Reconfigure(V2Config(good.url()));
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().points_exported == 5; }));
  EXPECT_LT(MsSince(t0), 5000);
  EXPECT_EQ(good.seen()[0].body, Lines(Tick("a", 1), 1000));
  exporter.Stop();
}

TEST(InfluxExporter, EmptyUrlDisablesAndDropsTheQueue) {
  FakeInflux fake([](const Seen&, int) { return Reply{}; });
  InfluxExporter exporter(V2Config(fake.url()), FastOptions());
  exporter.EnqueueTick(Tick("a", 1), 1000);  // not started: stays queued
  exporter.Reconfigure(Config::Influx{});
  InfluxExportStats s = exporter.stats();
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.points_dropped, 5u);
  EXPECT_EQ(s.queue_points, 0u);
  exporter.EnqueueTick(Tick("a", 2), 2000);  // a no-op while disabled
  EXPECT_EQ(exporter.stats().queue_points, 0u);
  exporter.Start();
  exporter.Stop();
  EXPECT_EQ(fake.count(), 0u);
}

TEST(InfluxExporter, InvalidUrlIsAPermanentError) {
  Config::Influx cfg;
  cfg.url = "ftp://127.0.0.1/";
  InfluxExporter exporter(cfg, FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().batches_rejected == 1; }));
  EXPECT_EQ(exporter.stats().last_error,
            "influx.url: the scheme must be http or https, not \"ftp\"");
  exporter.Stop();
}

TEST(InfluxExporter, V2WithoutBucketIsAPermanentError) {
  Config::Influx cfg = V2Config("http://127.0.0.1:1");
  cfg.bucket.clear();
  InfluxExporter exporter(cfg, FastOptions());
  exporter.Start();
  exporter.EnqueueTick(Tick("a", 1), 1000);
  ASSERT_TRUE(WaitFor([&] { return exporter.stats().batches_rejected == 1; }));
  EXPECT_EQ(exporter.stats().last_error, "influx.version: 2 needs influx.org and influx.bucket");
  exporter.Stop();
}

}  // namespace
}  // namespace botmon
