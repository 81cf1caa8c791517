// Service health checks through the real binary (SPEC 8, issue "Service health checks"): a real
// PostgreSQL 15 and a real Redis 7 with a password, started here on 127.0.0.1; their results in
// /api/monitoring/services[/{name}], the status API's `services` map, /metrics and the live
// stream; a server stopped and started again; and hostile peers that must not slow the API.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>

#include "integration/harness.h"
#include "integration/sse_client.h"
#include "support/influxd_server.h"
#include "support/pg_server.h"
#include "support/raw_peer.h"
#include "support/redis_server.h"

namespace botmon::testing {
namespace {

using nlohmann::json;

json Service(const BotmonServer& server, const std::string& token, const std::string& name) {
  return server.Get("/api/monitoring/services/" + name, token).Json();
}

bool HasServiceEvent(const SseClient& sse, const std::string& name, const std::string& status) {
  for (const auto& f : sse.frames("service")) {
    json j = f.Json();
    if (!j.is_discarded() && j.value("name", "") == name && j.value("status", "") == status) {
      return true;
    }
  }
  return false;
}

TEST(ServicesTest, RealPostgresAndRedisStopAndReturn) {
  PgServer pg;
  ASSERT_TRUE(pg.Start().ok());
  RedisServer redis;
  ASSERT_TRUE(redis.Start("s3cret-pw").ok());

  BotmonServer server;
  const std::string config = server.dir() + "/botmon.yaml";
  std::ofstream(config) << "checks:\n"
                        << "  - {kind: postgresql, url: \"" << pg.url()
                        << "\", interval: 1s, timeout: 1s, retries: 1}\n"
                        << "  - {kind: redis, url: \"" << redis.url()
                        << "\", interval: 1s, timeout: 1s, retries: 1}\n";
  ASSERT_TRUE(server.Start({"--config", config})) << server.log();
  const std::string token = server.CreateToken("ops", "monitor");

  ASSERT_TRUE(WaitFor(
      [&] {
        json list = server.Get("/api/monitoring/services", token).Json();
        if (list.is_discarded() || list["services"].size() != 2) return false;
        for (const auto& s : list["services"]) {
          if (s["status"] != "running") return false;
        }
        return true;
      },
      20'000))
      << server.Get("/api/monitoring/services", token).body;

  // PostgreSQL: version and "N/M connections" from the server's own reply; N follows.
  json pgj = Service(server, token, "postgresql");
  EXPECT_EQ(pgj["kind"], "postgresql");
  EXPECT_TRUE(std::regex_match(pgj["version"].get<std::string>(), std::regex(R"(1\d\.\d+)")))
      << pgj.dump();
  EXPECT_TRUE(
      std::regex_match(pgj["figure"].get<std::string>(), std::regex(R"(\d+/\d+ connections)")))
      << pgj.dump();
  const double before = pgj["details"]["connections"].get<double>();
  ASSERT_TRUE(pg.OpenConnections(4).ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        json j = Service(server, token, "postgresql");
        return !j.is_discarded() && j["details"]["connections"].get<double>() >= before + 4;
      },
      10'000))
      << Service(server, token, "postgresql").dump();
  pg.CloseConnections();

  // Redis (label "Cache", the seed's name) with its version and hit-rate figure.
  json rj = Service(server, token, "redis");
  EXPECT_EQ(rj["label"], "Cache");
  EXPECT_TRUE(std::regex_match(rj["version"].get<std::string>(), std::regex(R"(\d+\.\d+\.\d+)")));
  EXPECT_NE(rj["figure"].get<std::string>().find("used"), std::string::npos) << rj.dump();

  // The status API's map and /metrics.
  json status = server.Get("/api/monitoring/status", token).Json();
  EXPECT_EQ(status["services"]["redis"], "running") << status.dump();
  EXPECT_EQ(status["services"]["postgresql"], "running");
  EXPECT_TRUE(WaitFor(
      [&] {
        std::string m = server.Get("/metrics", token).body;
        return m.find("service=\"redis\"} 1") != std::string::npos &&
               m.find("botmon_service_latency_seconds{") != std::string::npos;
      },
      5000))
      << server.Get("/metrics", token).body;

  // Redis stops: `stopped` after the retries, in /services/redis and as an SSE event; it comes
  // back: `running` again. Both transitions are listed, newest first.
  SseClient sse(server.port(), token);
  ASSERT_TRUE(sse.ok());
  redis.Stop();
  ASSERT_TRUE(
      WaitFor([&] { return Service(server, token, "redis")["status"] == "stopped"; }, 15'000));
  json stopped = Service(server, token, "redis");
  EXPECT_FALSE(stopped["error"].is_null());
  EXPECT_TRUE(WaitFor([&] { return HasServiceEvent(sse, "redis", "stopped"); }, 5000))
      << sse.body();
  EXPECT_EQ(server.Get("/api/monitoring/status", token).Json()["services"]["redis"], "stopped");

  ASSERT_TRUE(redis.Start("s3cret-pw").ok());
  ASSERT_TRUE(
      WaitFor([&] { return Service(server, token, "redis")["status"] == "running"; }, 15'000));
  EXPECT_TRUE(WaitFor([&] { return HasServiceEvent(sse, "redis", "running"); }, 5000));
  json back = Service(server, token, "redis");
  ASSERT_GE(back["transitions"].size(), 3u) << back.dump();
  EXPECT_EQ(back["transitions"][0]["from"], "stopped");
  EXPECT_EQ(back["transitions"][0]["to"], "running");
  EXPECT_EQ(back["transitions"][1]["from"], "running");
  EXPECT_EQ(back["transitions"][1]["to"], "stopped");

  // The series are stored like any other: service.up has samples for redis.
  json hist = server.Get("/api/monitoring/history?field=service.up&period=1h", token).Json();
  EXPECT_FALSE(hist.is_discarded());
  EXPECT_EQ(server.Get("/api/monitoring/services/nope", token).status, 404);
}

TEST(ServicesTest, HostilePeersEndStoppedWhileTheApiStaysFast) {
  // Accepts and never answers; answers garbage; closes in the middle of a reply; never accepts.
  RawPeer hang("", RawPeer::After::kHang);
  RawPeer garbage("\x01\x02 garbage garbage\r\n\r\n", RawPeer::After::kClose);
  RawPeer cut("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"status\":", RawPeer::After::kClose);
  RawPeer deaf("", RawPeer::After::kHang, /*accept=*/false);

  BotmonServer server;
  const std::string config = server.dir() + "/botmon.yaml";
  {
    std::ofstream f(config);
    f << "checks:\n";
    int i = 0;
    for (const RawPeer* p : {&hang, &garbage, &cut, &deaf}) {
      f << "  - {name: peer" << i++ << ", kind: http, url: \"http://127.0.0.1:" << p->port()
        << "/health\", interval: 2s, timeout: 2s, connectTimeout: 1s, retries: 0}\n";
    }
  }
  ASSERT_TRUE(server.Start({"--config", config})) << server.log();
  const std::string token = server.CreateToken("ops", "monitor");

  // While the probes hang, the status API keeps answering fast (median of 20 requests).
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = server.Get("/api/monitoring/status", token);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    ASSERT_EQ(r.status, 200);
  }
  std::sort(ms.begin(), ms.end());
  EXPECT_LT(ms[ms.size() / 2], 50.0) << "median status latency with hung probes";

  ASSERT_TRUE(WaitFor(
      [&] {
        json list = server.Get("/api/monitoring/services", token).Json();
        if (list.is_discarded() || list["services"].size() != 4) return false;
        for (const auto& s : list["services"]) {
          if (s["status"] != "stopped") return false;
        }
        return true;
      },
      15'000))
      << server.Get("/api/monitoring/services", token).body;
  for (int i = 0; i < 4; ++i) {
    json s = Service(server, token, "peer" + std::to_string(i));
    ASSERT_TRUE(s["error"].is_string()) << s.dump();
    EXPECT_FALSE(s["error"].get<std::string>().empty()) << s.dump();
  }
  EXPECT_NE(Service(server, token, "peer0")["error"].get<std::string>().find("timed out"),
            std::string::npos);
  EXPECT_EQ(server.Stop(), 0) << "SIGTERM with hung probes must still exit cleanly";
}

TEST(ServicesTest, EveryTickIsExportedToARealInfluxDb) {
  InfluxdServer influx;
  std::string error;
  ASSERT_TRUE(influx.Start(&error)) << error;
  ASSERT_TRUE(influx.CreateDatabase("botmon", &error)) << error;

  BotmonServer server;
  const std::string config = server.dir() + "/botmon.yaml";
  std::ofstream(config) << "influx: {url: \"" << influx.url() << "\", database: botmon}\n"
                        << "checks:\n  - {kind: influxdb, url: \"" << influx.url()
                        << "\", interval: 1s, timeout: 1s}\n";
  ASSERT_TRUE(server.Start({"--config", config})) << server.log();
  const std::string token = server.CreateToken("ops", "monitor");

  // The server's own check sees InfluxDB 1.6 by its version header...
  ASSERT_TRUE(
      WaitFor([&] { return Service(server, token, "influxdb")["status"] == "running"; }, 15'000))
      << Service(server, token, "influxdb").dump();
  EXPECT_EQ(Service(server, token, "influxdb")["version"].get<std::string>().rfind("1.6", 0), 0u);
  // ...and the ticks arrive: cpu.usage and service.up points, read back with a query.
  json result;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::string e;
        if (!influx.Query("botmon", "SELECT count(\"value\") FROM \"service.up\"", &result, &e)) {
          return false;
        }
        return result.dump().find("\"count\"") != std::string::npos;
      },
      15'000))
      << result.dump();
  ASSERT_TRUE(influx.Query("botmon", "SELECT last(\"value\") FROM \"cpu.usage\"", &result, &error))
      << error;
  EXPECT_NE(result.dump().find("\"last\""), std::string::npos) << result.dump();
}

TEST(ServicesTest, BadCheckConfigurationIsAStartError) {
  BotmonServer server;
  const std::string config = server.dir() + "/botmon.yaml";
  std::ofstream(config) << "checks:\n  - {kind: postgres, url: \"postgresql://127.0.0.1:1/x\"}\n";
  auto r = RunBotmon(
      {"serve", "--config", config, "--data-dir", server.data_dir(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("kind"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace botmon::testing
