// Alerting through the real binary (SPEC 7, issue "Alerting"): the Botpress seed's rules, loaded
// verbatim from botpress.config.json, open and resolve incidents driven by captured /proc files
// (collect.procRoot) and ingested error logs; the exact incident object reaches a hook; the
// incident API, acknowledge and the live stream's `incident` events.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "integration/harness.h"
#include "integration/sse_client.h"
#include "support/raw_peer.h"

namespace botmon::testing {
namespace {

using nlohmann::json;

// The seed's three rules (001_ee4f5cdcc7fb415c.md), verbatim.
constexpr const char* kBotpressConfig = R"({
  "pro": {
    "alerting": {
      "enabled": true,
      "rules": [
        {"name": " High CPU Usage ", "field": "cpu.usage", "aggregation": "avg",
         "operand": "equalOrMoreThan", "value": 60, "timeframe": "2m", "cooldown": "1m"},
        {"name": "High number of errors", "field": "errors.count", "aggregation": "sum",
         "operand": "equalOrMoreThan", "value": 10, "timeframe": "1m"},
        {"name": "No more incoming events", "field": "eventsIn.count", "aggregation": "sum",
         "operand": "equalOrLessThan", "value": 0, "timeframe": "10m"}
      ]
    }
  }
})";

// A /proc of our own: the test moves the CPU counters (busy or idle) every 100 ms.
class FakeProc {
 public:
  explicit FakeProc(const std::string& root) : root_(root) {
    std::filesystem::create_directories(root_ + "/proc");
    std::ofstream(root_ + "/proc/meminfo")
        << "MemTotal:       16000000 kB\nMemFree:         8000000 kB\n"
           "MemAvailable:   12000000 kB\n";
    Write();
    thread_ = std::thread([this] {
      while (!stop_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        (busy_ ? user_ : idle_) += 50;
        Write();
      }
    });
  }
  ~FakeProc() {
    stop_ = true;
    thread_.join();
  }
  void SetBusy(bool b) { busy_ = b; }

 private:
  void Write() {
    const std::string tmp = root_ + "/proc/stat.tmp";
    std::ofstream(tmp) << "cpu  " << user_ << " 0 0 " << idle_ << " 0 0 0 0 0 0\n";
    std::filesystem::rename(tmp, root_ + "/proc/stat");
  }
  std::string root_;
  std::atomic<bool> stop_{false}, busy_{false};
  std::atomic<long> user_{1000}, idle_{1000};
  std::thread thread_;
};

json Incidents(const BotmonServer& s, const std::string& token, const std::string& query = "") {
  return s.Get("/api/alerts/incidents" + query, token).Json();
}

json FindIncident(const json& list, const std::string& rule) {
  if (list.is_discarded()) return nullptr;
  for (const auto& i : list["incidents"]) {
    if (i["ruleName"] == rule) return i;
  }
  return nullptr;
}

TEST(AlertingTest, BotpressSeedRulesOpenAndResolveWithAHook) {
  BotmonServer server;
  const std::string dir = server.dir();
  FakeProc proc(dir + "/root");
  std::ofstream(dir + "/botpress.config.json") << kBotpressConfig;
  std::ofstream(dir + "/botmon.yaml")
      << "collect: {procRoot: \"" << dir << "/root\"}\n"
      << "alerting: {defaults: {cpuWarning: false, cpuCritical: false, memWarning: false,"
      << " memCritical: false, diskWarning: false, diskCritical: false}}\n";
  const std::string hooks = server.data_dir() + "/hooks/on_incident_status_changed";
  std::filesystem::create_directories(hooks);
  std::ofstream(hooks + "/record.sh") << "#!/bin/sh\ncat >> \"" << dir << "/hook.jsonl\"\n";
  chmod((hooks + "/record.sh").c_str(), 0755);
  ASSERT_TRUE(server.Start(
      {"--config", dir + "/botmon.yaml", "--botpress-config", dir + "/botpress.config.json"}))
      << server.log();
  const std::string monitor = server.CreateToken("viewer", "monitor");
  const std::string admin = server.CreateToken("ops", "admin");
  const std::string ingest = server.CreateToken("bot", "ingest");
  SseClient sse(server.port(), monitor);

  // The rules are there verbatim, read-only, from botpress.config.json.
  json rules = server.Get("/api/alerts/rules", monitor).Json();
  ASSERT_FALSE(rules.is_discarded());
  bool found = false;
  for (const auto& r : rules["rules"]) {
    if (r["name"] == " High CPU Usage ") {
      found = true;
      EXPECT_EQ(r["source"], "botpress");
      EXPECT_EQ(r["readOnly"], true);
      EXPECT_EQ(r["timeframe"], "2m");
      EXPECT_EQ(r["cooldown"], "1m");
    }
  }
  EXPECT_TRUE(found) << rules.dump();

  // CPU busy: the 2-minute average reaches 60 and " High CPU Usage " opens.
  proc.SetBusy(true);
  ASSERT_TRUE(WaitFor(
      [&] { return !FindIncident(Incidents(server, monitor), " High CPU Usage ").is_null(); },
      30'000))
      << Incidents(server, monitor).dump();
  json cpu = FindIncident(Incidents(server, monitor), " High CPU Usage ");
  EXPECT_EQ(cpu["state"], "open");
  EXPECT_EQ(cpu["field"], "cpu.usage");
  EXPECT_EQ(cpu["aggregation"], "avg");
  EXPECT_EQ(cpu["operand"], "equalOrMoreThan");
  EXPECT_EQ(cpu["threshold"], 60);
  EXPECT_GE(cpu["triggerValue"].get<double>(), 60);
  EXPECT_FALSE(cpu.contains("endTime"));
  EXPECT_EQ(server.Get("/api/monitoring/status", monitor).Json()["incidents"]["open"], 1);

  // Errors: 12 error logs in one go reach "High number of errors" (sum ≥ 10 over 1m).
  json batch = json::array();
  for (int i = 0; i < 12; ++i) {
    batch.push_back({{"type", "log"},
                     {"level", "error"},
                     {"bot", "mybot"},
                     {"message", "boom " + std::to_string(i)}});
  }
  ASSERT_EQ(server.Post("/api/v1/events", ingest, batch.dump()).status, 200);
  ASSERT_TRUE(WaitFor(
      [&] { return !FindIncident(Incidents(server, monitor), "High number of errors").is_null(); },
      15'000));
  EXPECT_EQ(FindIncident(Incidents(server, monitor), "High number of errors")["triggerValue"], 12);

  // Acknowledge (admin only), shown in the timeline.
  const std::string id = cpu["id"];
  EXPECT_EQ(server.Post("/api/alerts/incidents/" + id + "/ack", monitor, "{}").status, 403);
  auto ack = server.Post("/api/alerts/incidents/" + id + "/ack", admin, R"({"comment":"on it"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.Json()["acknowledgedBy"], "ops");
  bool acked = false;
  const json acked_incident = ack.Json();
  for (const auto& e : acked_incident["timeline"]) acked |= e["event"] == "acknowledged";
  EXPECT_TRUE(acked) << ack.body;

  // CPU idle: the average falls below 60 and the incident resolves.
  proc.SetBusy(false);
  ASSERT_TRUE(WaitFor(
      [&] {
        auto r = server.Get("/api/alerts/incidents/" + id, monitor).Json();
        return !r.is_discarded() && r["state"] == "resolved";
      },
      60'000));
  json resolved = server.Get("/api/alerts/incidents/" + id, monitor).Json();
  EXPECT_TRUE(resolved.contains("endTime"));

  // The hook got the exact incident object, one compact line per transition.
  ASSERT_TRUE(WaitFor(
      [&] {
        std::ifstream in(dir + "/hook.jsonl");
        std::string line;
        int resolved_lines = 0;
        while (std::getline(in, line)) {
          json j = json::parse(line, nullptr, false);
          if (!j.is_discarded() && j["id"] == id && j["state"] == "resolved") ++resolved_lines;
        }
        return resolved_lines == 1;
      },
      15'000));
  std::ifstream in(dir + "/hook.jsonl");
  std::string first;
  std::getline(in, first);
  json hooked = json::parse(first);
  EXPECT_EQ(hooked["ruleName"], " High CPU Usage ");
  EXPECT_EQ(hooked["hostName"], cpu["hostName"]);
  EXPECT_EQ(hooked["startTime"], cpu["startTime"]);
  EXPECT_EQ(hooked["triggerValue"], cpu["triggerValue"]);
  EXPECT_EQ(first.find('\n'), std::string::npos);

  // The live stream carried the incident events.
  EXPECT_TRUE(WaitFor(
      [&] {
        int opened = 0, resolved_events = 0;
        for (const auto& f : sse.frames("incident")) {
          json j = f.Json();
          if (j.is_discarded() || j["incident"]["id"] != id) continue;
          opened += j["op"] == "opened";
          resolved_events += j["op"] == "resolved";
        }
        return opened == 1 && resolved_events == 1;
      },
      5000))
      << sse.body().substr(0, 2000);
  EXPECT_EQ(server.Get("/api/alerts/incidents/nope", monitor).status, 404);
  EXPECT_EQ(server.Get("/api/alerts/incidents?state=bogus", monitor).status, 400);
}

TEST(AlertingTest, RulesCheckReportsProblemsWithFileAndLine) {
  BotmonServer server;
  const std::string good = server.dir() + "/good.json";
  std::ofstream(good) << kBotpressConfig;
  auto ok = RunBotmon({"rules", "check", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.out, "");
  const std::string bad = server.dir() + "/botmon.yaml";
  std::ofstream(bad) << "rules:\n  - name: cpu\n    field: cpu.usage\n    aggregation: mean\n"
                        "    operand: equalOrMoreThan\n    value: 60\n    timeframe: \"90\"\n";
  auto r = RunBotmon({"rules", "check", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("botmon.yaml:2:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"mean\" is not one of avg, sum, min, max, last, count, p50, p95, p99"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"90\" is not a duration"), std::string::npos) << r.out;
  EXPECT_EQ(RunBotmon({"rules", "check", server.dir() + "/missing.yaml"}).exit_code, 2);
}

TEST(AlertingTest, AlertsTestSendsThroughEveryChannel) {
  RawPeer receiver("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", RawPeer::After::kClose);
  const int closed = FreePort();
  BotmonServer server;
  const std::string config = server.dir() + "/botmon.yaml";
  std::ofstream(config) << "channels:\n"
                        << "  - {name: up, kind: webhook, url: \"http://127.0.0.1:"
                        << receiver.port() << "/hook\"}\n"
                        << "  - {name: down, kind: webhook, url: \"http://127.0.0.1:" << closed
                        << "/hook\"}\n";
  // Directly, with the configuration the server would load.
  auto all = RunBotmon({"alerts", "test", "--config", config});
  EXPECT_EQ(all.exit_code, 1) << all.out << all.err;
  EXPECT_NE(all.out.find("up ok "), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("down failed "), std::string::npos) << all.out;
  auto one = RunBotmon({"alerts", "test", "--config", config, "--channel", "up"});
  EXPECT_EQ(one.exit_code, 0) << one.out << one.err;
  EXPECT_EQ(RunBotmon({"alerts", "test", "--config", config, "--channel", "nope"}).exit_code, 2);

  // Through the running server (admin only).
  ASSERT_TRUE(server.Start({"--config", config})) << server.log();
  const std::string admin = server.CreateToken("ops", "admin");
  const std::string monitor = server.CreateToken("viewer", "monitor");
  auto via =
      RunBotmon({"alerts", "test", "--url", server.url(), "--token", admin, "--channel", "up"});
  EXPECT_EQ(via.exit_code, 0) << via.out << via.err;
  EXPECT_EQ(via.out.rfind("up ok ", 0), 0u) << via.out;
  EXPECT_EQ(server.Post("/api/alerts/test", monitor, "{}").status, 403);
  json reply = server.Post("/api/alerts/test", admin, R"({"channel":"down"})").Json();
  ASSERT_EQ(reply["results"].size(), 1u) << reply.dump();
  EXPECT_EQ(reply["results"][0]["ok"], false);
  EXPECT_FALSE(reply["results"][0]["detail"].get<std::string>().empty());
  EXPECT_GT(receiver.connections(), 1);
}

}  // namespace
}  // namespace botmon::testing
