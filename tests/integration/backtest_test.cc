// Backtest and `botmon rules test` against the live server (SPEC 9, Appendix A.9's last
// sentence): a live server with a 1 s tick opens and resolves two incidents on a custom gauge fed
// through the ingest API; the backtest endpoint over the same period returns the same incidents
// (startTime, endTime, triggerValue identical), and `botmon rules test` on a file whose series
// are the per-tick values the server stored gives the same open and resolve offsets. Plus the
// endpoints' error paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

using nlohmann::json;

constexpr const char* kRule =
    R"({"name": "bt level", "field": "bt.level", "aggregation": "max",
        "operand": "equalOrMoreThan", "value": 50, "timeframe": "2s"})";

// Posts the gauge every 200 ms for `ms`.
void Feed(const BotmonServer& s, const std::string& token, double value, int ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    json ev = {{"type", "gauge"}, {"name", "bt.level"}, {"value", value}};
    ASSERT_EQ(s.Post("/api/v1/events", token, ev.dump()).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int64_t ParseMs(const std::string& rfc3339) {
  // "2024-01-15T14:32:10.512Z"
  std::tm tm{};
  int ms = 0;
  std::sscanf(rfc3339.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

// "+2m10s" for an offset in whole seconds, as `rules test` prints it.
std::string Offset(int64_t ms) {
  int64_t s = ms / 1000;
  std::string out = "+";
  if (s >= 3600) out += std::to_string(s / 3600) + "h", s %= 3600;
  if (s >= 60) out += std::to_string(s / 60) + "m", s %= 60;
  if (s > 0 || out == "+") out += std::to_string(s) + "s";
  return out;
}

// A number as `rules test` prints it (shortest form: 66, 62.5).
std::string Number(const json& v) {
  const double d = v.get<double>();
  if (d == static_cast<double>(static_cast<int64_t>(d))) {
    return std::to_string(static_cast<int64_t>(d));
  }
  return json(d).dump();
}

json Sorted(json incidents) {
  std::vector<json> v(incidents.begin(), incidents.end());
  std::sort(v.begin(), v.end(),
            [](const json& a, const json& b) { return a["startTime"] < b["startTime"]; });
  return json(v);
}

class BacktestIt : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(server_.dir() + "/botmon.yaml") << "rules:\n  - " << kRule << "\n";
    ASSERT_TRUE(server_.Start(
        {"--config", server_.dir() + "/botmon.yaml", "--host-name", "bt-node", "--tick", "1s"}))
        << server_.log();
    admin_ = server_.CreateToken("ops", "admin");
    monitor_ = server_.CreateToken("viewer", "monitor");
    ingest_ = server_.CreateToken("bot", "ingest");
  }
  BotmonServer server_;
  std::string admin_, monitor_, ingest_;
};

TEST_F(BacktestIt, ReproducesTheLiveIncidentsTickForTick) {
  // Two incidents: high for ~3 s, low for ~4 s, twice.
  Feed(server_, ingest_, 10, 2000);
  for (int round = 0; round < 2; ++round) {
    Feed(server_, ingest_, 80, 3000);
    Feed(server_, ingest_, 10, 4000);
  }
  json live;
  ASSERT_TRUE(WaitFor(
      [&] {
        live = server_.Get("/api/alerts/incidents?rule=bt%20level&state=resolved", monitor_).Json();
        return !live.is_discarded() && live["incidents"].size() == 2;
      },
      15'000))
      << live.dump();
  live = Sorted(live["incidents"]);

  // The backtest by name, and the same rule unsaved in the body, over the same period.
  for (const auto& [path, body] :
       {std::pair<std::string, std::string>{"/api/alerts/rules/bt%20level/backtest?period=15m", ""},
        {"/api/alerts/rules/backtest?period=15m", kRule}}) {
    auto r = server_.Post(path, admin_, body);
    ASSERT_EQ(r.status, 200) << path << " " << r.body;
    json bt = r.Json();
    EXPECT_EQ(bt["period"], "15m");
    EXPECT_EQ(bt["groups"], 1);
    EXPECT_GT(bt["evaluations"].get<int>(), 10);
    EXPECT_EQ(ParseMs(bt["to"]) - ParseMs(bt["from"]), 15 * 60'000);
    json got = Sorted(bt["incidents"]);
    ASSERT_EQ(got.size(), 2u) << bt.dump() << "\nlive: " << live.dump();
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(got[i]["ruleName"], "bt level");
      EXPECT_EQ(got[i]["group"], (json{{"host", "bt-node"}}));
      EXPECT_EQ(got[i]["startTime"], live[i]["startTime"]) << i;
      EXPECT_EQ(got[i]["endTime"], live[i]["endTime"]) << i;
      EXPECT_EQ(got[i]["triggerValue"], live[i]["triggerValue"]) << i;
      EXPECT_EQ(got[i].size(), 5u) << got[i].dump();  // ruleName, group, start, end, trigger
    }
  }

  // The per-tick values the server stored, as a `rules test` file: the same offsets.
  json h =
      server_
          .Get("/api/monitoring/history?period=15m&step=1s&fields=bt.level&host=bt-node", monitor_)
          .Json();
  ASSERT_FALSE(h.is_discarded());
  ASSERT_EQ(h["series"].size(), 1u) << h.dump();
  const json values = h["series"][0]["values"];
  const int64_t t0 = h["t0"], step = h["step_ms"];
  ASSERT_EQ(step, 1000);
  size_t first = 0;
  while (first < values.size() && values[first].is_null()) ++first;
  ASSERT_LT(first, values.size());
  // Right-closed buckets: value i is the sample of the tick ending at t0 + (i + 1) * step.
  // t0 is not aligned to the tick: the sample in bucket i is the tick end at or before its end.
  const int64_t start = (t0 + static_cast<int64_t>(first + 1) * step) / 1000 * 1000;
  std::string series;
  for (size_t i = first; i < values.size(); ++i) {
    series += (values[i].is_null() ? std::string("_") : values[i].dump()) + " ";
  }
  std::string expect, lines;
  for (const auto& inc : live) {
    const int64_t open = ParseMs(inc["startTime"]) - start;
    const int64_t close = ParseMs(inc["endTime"]) - start;
    expect += "  - {rule: bt level, group: {host: bt-node}, opensAt: " + Offset(open).substr(1) +
              ", resolvesAt: " + Offset(close).substr(1) + "}\n";
    lines += Offset(open) + " OPEN \"bt level\" host=bt-node value=" + Number(inc["triggerValue"]) +
             "\n";
  }
  const std::string file = server_.dir() + "/bt_test.yaml";
  std::ofstream(file) << "tick: 1s\nrules:\n  - " << kRule
                      << "\nseries:\n  'bt.level{host=\"bt-node\"}': \"" << series
                      << "\"\nexpect:\n"
                      << expect;
  auto run = RunBotmon({"rules", "test", file});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err << "\n" << series;
  // Every OPEN line of the live incidents, with their trigger values.
  std::istringstream want(lines);
  for (std::string line; std::getline(want, line);) {
    EXPECT_NE(run.out.find(line + "\n"), std::string::npos) << line << "\n" << run.out;
  }
}

TEST_F(BacktestIt, ErrorPaths) {
  // Unknown rule.
  auto r = server_.Post("/api/alerts/rules/nope/backtest", admin_, "");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.Json()["error"]["code"], "not_found");
  // Bad periods.
  for (const char* p : {"abc", "0s", "11d", "90"}) {
    r = server_.Post(std::string("/api/alerts/rules/bt%20level/backtest?period=") + p, admin_, "");
    EXPECT_EQ(r.status, 400) << p << " " << r.body;
    EXPECT_EQ(r.Json()["error"]["code"], "invalid_request") << p;
    EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("period"), std::string::npos);
  }
  r = server_.Post("/api/alerts/rules/bt%20level/backtest?period=11d", admin_, "");
  EXPECT_NE(r.body.find("retention.raw"), std::string::npos) << r.body;
  // An invalid unsaved rule: A.9's invalid_rule with fields.
  r = server_.Post("/api/alerts/rules/backtest", admin_,
                   R"({"name": "cpu", "field": "cpu.usage", "aggregation": "mean",
                               "operand": "equalOrMoreThan", "value": 1, "timeframe": "90"})");
  ASSERT_EQ(r.status, 400) << r.body;
  json e = r.Json()["error"];
  EXPECT_EQ(e["code"], "invalid_rule");
  EXPECT_EQ(e["message"], "2 problems in rule \"cpu\"");
  ASSERT_EQ(e["fields"].size(), 2u) << e.dump();
  const json wanted = json::parse(R"j([
      {"field":"aggregation","message":"\"mean\" is not one of avg, sum, min, max, last, count, p50, p95, p99"},
      {"field":"timeframe","message":"\"90\" is not a duration (use e.g. 2m)"}])j");
  for (const json& want : wanted) {
    EXPECT_NE(std::find(e["fields"].begin(), e["fields"].end(), want), e["fields"].end())
        << want.dump() << " in " << e.dump();
  }
  r = server_.Post("/api/alerts/rules/backtest", admin_, "[1,");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["code"], "invalid_json");
  // Roles: admin only.
  EXPECT_EQ(server_.Post("/api/alerts/rules/bt%20level/backtest", monitor_, "").status, 403);
  EXPECT_EQ(server_.Post("/api/alerts/rules/backtest", monitor_, kRule).status, 403);
  EXPECT_EQ(server_.Post("/api/alerts/rules/backtest", ingest_, kRule).status, 403);
  EXPECT_EQ(server_.Post("/api/alerts/rules/backtest", "bm_wrong", kRule).status, 401);
  // A valid request with no data yet: no incidents, the A.9 members.
  r = server_.Post("/api/alerts/rules/bt%20level/backtest?period=1h", admin_, "");
  ASSERT_EQ(r.status, 200) << r.body;
  json bt = r.Json();
  for (const char* k : {"period", "from", "to", "evaluations", "groups", "incidents"}) {
    EXPECT_TRUE(bt.contains(k)) << k;
  }
  EXPECT_EQ(bt["period"], "1h");
  EXPECT_EQ(bt["incidents"], json::array());
}

}  // namespace
}  // namespace botmon::testing
