// The alerting configuration over the API (SPEC 9, Appendix A.9), through the real binary:
// rules CRUD with per-field errors, read-only file rules, the enabled switch of defaults, rule
// edits resolving incidents, channels, silences (muting deliveries), maintenance windows,
// routes, `repeat` and acknowledge stopping it; everything survives a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

using nlohmann::json;

HttpResult Send(const BotmonServer& s, const std::string& method, const std::string& path,
                const std::string& token, const std::string& body = "") {
  return Http(method, s.url(path), body,
              {"Authorization: Bearer " + token, "Content-Type: application/json"});
}

json RuleNamed(const BotmonServer& s, const std::string& token, const std::string& name) {
  json rules = s.Get("/api/alerts/rules", token).Json();
  if (rules.is_discarded()) return nullptr;
  for (const auto& r : rules["rules"]) {
    if (r["name"] == name) return r;
  }
  return nullptr;
}

json OpenIncident(const BotmonServer& s, const std::string& token, const std::string& rule) {
  json list = s.Get("/api/alerts/incidents?state=open", token).Json();
  if (list.is_discarded()) return nullptr;
  for (const auto& i : list["incidents"]) {
    if (i["ruleName"] == rule) return i;
  }
  return nullptr;
}

// node.up is 1 on this server every tick: a rule "node.up >= 1" breaks at once.
constexpr const char* kBreakingRule =
    R"({"name":"always","field":"node.up","aggregation":"last","operand":"equalOrMoreThan",
        "value":1,"timeframe":"0s"})";

class AlertConfigApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(server_.dir() + "/botmon.yaml")
        << "rules:\n"
        << "  - {name: from yaml, field: cpu.usage, aggregation: avg, operand: "
           "equalOrMoreThan, value: 99, timeframe: 2m}\n"
        << "silences:\n"
        << "  - {id: yaml-silence, match: {rule: nothing}, endsAt: \"2099-01-01T00:00:00Z\"}\n";
    ASSERT_TRUE(server_.Start({"--config", server_.dir() + "/botmon.yaml"})) << server_.log();
    admin_ = server_.CreateToken("ops", "admin");
    monitor_ = server_.CreateToken("viewer", "monitor");
  }
  BotmonServer server_;
  std::string admin_, monitor_;
};

TEST_F(AlertConfigApiTest, RulesCrudWithFieldErrorsAndReadOnlySources) {
  // A.9's validation error, exactly.
  HttpResult bad = Send(server_, "POST", "/api/alerts/rules", admin_,
                        R"({"name":"cpu","field":"cpu.usage","aggregation":"mean",
                            "operand":"equalOrMoreThan","value":90,"timeframe":"90"})");
  EXPECT_EQ(bad.status, 400);
  json err = bad.Json()["error"];
  EXPECT_EQ(err["code"], "invalid_rule");
  EXPECT_EQ(err["message"], "2 problems in rule \"cpu\"");
  ASSERT_EQ(err["fields"].size(), 2u) << bad.body;
  std::set<std::string> fields;
  for (const auto& f : err["fields"]) fields.insert(f["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"aggregation", "timeframe"}));
  EXPECT_EQ(Send(server_, "POST", "/api/alerts/rules", admin_, "{not json").status, 400);
  EXPECT_EQ(Send(server_, "POST", "/api/alerts/rules", monitor_, kBreakingRule).status, 403);

  const std::string cpu = R"({"name":"api cpu","field":"cpu.usage","aggregation":"p95",
      "operand":"equalOrMoreThan","value":90,"timeframe":"5m","severity":"critical"})";
  HttpResult created = Send(server_, "POST", "/api/alerts/rules", admin_, cpu);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["source"], "api");
  EXPECT_EQ(created.Json()["readOnly"], false);
  EXPECT_EQ(Send(server_, "POST", "/api/alerts/rules", admin_, cpu).Json()["error"]["code"],
            "conflict");
  HttpResult one = server_.Get("/api/alerts/rules/api%20cpu", monitor_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json()["aggregation"], "p95");
  EXPECT_EQ(server_.Get("/api/alerts/rules/nope", monitor_).status, 404);

  // PUT replaces the whole API rule (a GET's object may be sent back).
  json edited = one.Json();
  edited["value"] = 80;
  HttpResult put = Send(server_, "PUT", "/api/alerts/rules/api%20cpu", admin_, edited.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Json()["value"], 80);

  // File rules are read-only; a default may only be switched.
  HttpResult yaml = Send(server_, "PUT", "/api/alerts/rules/from%20yaml", admin_, cpu);
  EXPECT_EQ(yaml.status, 409);
  EXPECT_EQ(yaml.Json()["error"]["code"], "read_only");
  EXPECT_NE(yaml.Json()["error"]["message"].get<std::string>().find("botmon.yaml"),
            std::string::npos);
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/rules/from%20yaml", admin_).status, 409);
  json defaults = server_.Get("/api/alerts/rules", monitor_).Json();
  std::string def;
  for (const auto& r : defaults["rules"]) {
    if (r["source"] == "default") {
      def = r["name"];
      break;
    }
  }
  ASSERT_FALSE(def.empty());
  std::string path = "/api/alerts/rules/" + def;
  for (size_t p; (p = path.find(' ')) != std::string::npos;) path.replace(p, 1, "%20");
  EXPECT_EQ(Send(server_, "PUT", path, admin_, R"({"value":1})").Json()["error"]["code"],
            "read_only");
  HttpResult off = Send(server_, "PUT", path, admin_, R"({"enabled":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.Json()["enabled"], false);

  // All of it survives a restart.
  ASSERT_EQ(server_.Stop(), 0);
  ASSERT_TRUE(server_.Start({"--config", server_.dir() + "/botmon.yaml"})) << server_.log();
  EXPECT_EQ(RuleNamed(server_, monitor_, "api cpu")["value"], 80);
  EXPECT_EQ(RuleNamed(server_, monitor_, def)["enabled"], false);

  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/rules/api%20cpu", admin_).status, 204);
  EXPECT_EQ(server_.Get("/api/alerts/rules/api%20cpu", monitor_).status, 404);
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/rules/api%20cpu", admin_).status, 404);
}

TEST_F(AlertConfigApiTest, AConditionEditResolvesTheOpenIncident) {
  ASSERT_EQ(Send(server_, "POST", "/api/alerts/rules", admin_, kBreakingRule).status, 201);
  json inc;
  ASSERT_TRUE(WaitFor([&] { return !(inc = OpenIncident(server_, monitor_, "always")).is_null(); },
                      10'000));
  // SPEC 7.7: a session active during the incident is linked both ways.
  const std::string ingest = server_.CreateToken("bot", "ingest");
  ASSERT_EQ(server_
                .Post("/api/v1/events", ingest,
                      R"([{"type":"session.start","session":"s-linked","bot":"b",
                              "user":"u","channel":"web"},
                             {"type":"message.in","session":"s-linked","text":"hi"}])")
                .status,
            200);
  const std::string id = inc["id"];
  ASSERT_TRUE(WaitFor(
      [&] {
        json one = server_.Get("/api/alerts/incidents/" + id, monitor_).Json();
        return one["sessions"].value("count", 0) >= 1;
      },
      10'000))
      << server_.Get("/api/alerts/incidents/" + id, monitor_).body;
  json session = server_.Get("/api/monitoring/sessions/s-linked", monitor_).Json();
  bool linked = false;
  for (const auto& i : session["incidents"]) linked = linked || i["id"] == id;
  EXPECT_TRUE(linked) << session.dump();

  json edited = json::parse(kBreakingRule);
  edited["value"] = 2;
  ASSERT_EQ(Send(server_, "PUT", "/api/alerts/rules/always", admin_, edited.dump()).status, 200);
  json after =
      server_.Get("/api/alerts/incidents/" + inc["id"].get<std::string>(), monitor_).Json();
  EXPECT_EQ(after["state"], "resolved") << after.dump();
  ASSERT_FALSE(after["timeline"].empty());
  EXPECT_EQ(after["timeline"].back()["detail"], "rule changed");
  // node.up >= 2 never holds: nothing re-opens.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_TRUE(OpenIncident(server_, monitor_, "always").is_null());
}

TEST_F(AlertConfigApiTest, ChannelsSilencesMaintenanceAndRoutes) {
  const int dead_port = FreePort();  // nothing listens: sends fail and retry
  const std::string hook = "http://127.0.0.1:" + std::to_string(dead_port) + "/hook";
  HttpResult ch =
      Send(server_, "POST", "/api/alerts/channels", admin_,
           R"({"name":"ops","kind":"webhook","url":")" + hook + R"(","secret":"s3cret"})");
  ASSERT_EQ(ch.status, 201) << ch.body;
  EXPECT_EQ(ch.Json()["secret"], "***");
  EXPECT_EQ(Send(server_, "POST", "/api/alerts/channels", admin_,
                 R"({"name":"ops","kind":"webhook","url":")" + hook + R"("})")
                .status,
            409);
  HttpResult badch =
      Send(server_, "POST", "/api/alerts/channels", admin_, R"({"name":"x","kind":"pager"})");
  EXPECT_EQ(badch.status, 400);
  EXPECT_FALSE(badch.Json()["error"]["fields"].empty()) << badch.body;
  // A GET's masked secret sent back keeps the stored one.
  json got = server_.Get("/api/alerts/channels", monitor_).Json();
  json ops;
  for (const auto& c : got["channels"]) {
    if (c["name"] == "ops") ops = c;
  }
  ASSERT_FALSE(ops.is_null()) << got.dump();
  EXPECT_EQ(Send(server_, "PUT", "/api/alerts/channels/ops", admin_, ops.dump()).status, 200);
  EXPECT_EQ(server_.Get("/api/alerts/routes", monitor_).Json()["routes"], json::array());

  // Silences: field errors, create, list, read-only file silences, delete.
  HttpResult bads = Send(server_, "POST", "/api/alerts/silences", admin_, R"({"match":{}})");
  EXPECT_EQ(bads.status, 400);
  EXPECT_GE(bads.Json()["error"]["fields"].size(), 1u) << bads.body;
  HttpResult sil = Send(server_, "POST", "/api/alerts/silences", admin_,
                        R"({"match":{"rule":"always"},"endsAt":"2099-01-01T00:00:00Z",
                            "comment":"deploy"})");
  ASSERT_EQ(sil.status, 201) << sil.body;
  const std::string sid = sil.Json()["id"];
  EXPECT_EQ(sil.Json()["createdBy"], "ops");
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/silences/yaml-silence", admin_).status, 409);

  // A silenced incident still opens; its deliveries are skipped, not sent.
  ASSERT_EQ(Send(server_, "POST", "/api/alerts/rules", admin_, kBreakingRule).status, 201);
  json inc;
  ASSERT_TRUE(WaitFor([&] { return !(inc = OpenIncident(server_, monitor_, "always")).is_null(); },
                      10'000));
  json del =
      server_.Get("/api/alerts/deliveries?incident=" + inc["id"].get<std::string>(), monitor_)
          .Json();
  ASSERT_FALSE(del["deliveries"].empty()) << del.dump();
  EXPECT_EQ(del["deliveries"][0]["state"], "skipped");
  EXPECT_EQ(del["deliveries"][0]["lastError"], "muted by " + sid);
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/silences/" + sid, admin_).status, 204);
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/silences/" + sid, admin_).status, 404);

  // Maintenance windows.
  HttpResult badm = Send(server_, "POST", "/api/alerts/maintenance", admin_,
                         R"({"name":"w","weekly":{"days":["mon"],"start":"25:00"}})");
  EXPECT_EQ(badm.status, 400) << badm.body;
  HttpResult m = Send(server_, "POST", "/api/alerts/maintenance", admin_,
                      R"({"name":"nightly","weekly":{"days":["mon","tue","wed","thu","fri",
                          "sat","sun"],"start":"02:00","duration":"1h"},
                          "timezone":"Europe/Berlin"})");
  ASSERT_EQ(m.status, 201) << m.body;
  json ml = server_.Get("/api/alerts/maintenance", monitor_).Json();
  ASSERT_EQ(ml["maintenance"].size(), 1u) << ml.dump();
  EXPECT_EQ(ml["maintenance"][0]["timezone"], "Europe/Berlin");
  EXPECT_EQ(Send(server_, "POST", "/api/alerts/maintenance", monitor_, m.body).status, 403);

  // The channel in use by nothing can go; everything else survives a restart.
  ASSERT_EQ(server_.Stop(), 0);
  ASSERT_TRUE(server_.Start({"--config", server_.dir() + "/botmon.yaml"})) << server_.log();
  EXPECT_EQ(server_.Get("/api/alerts/maintenance", monitor_).Json()["maintenance"].size(), 1u);
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/maintenance/nightly", admin_).status, 204);
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/channels/ops", admin_).status, 204);
  EXPECT_EQ(Send(server_, "DELETE", "/api/alerts/channels/ops", admin_).status, 404);
}

TEST_F(AlertConfigApiTest, RepeatNotifiesUntilAcknowledged) {
  const std::string hook = "http://127.0.0.1:" + std::to_string(FreePort()) + "/hook";
  ASSERT_EQ(Send(server_, "POST", "/api/alerts/channels", admin_,
                 R"({"name":"ops","kind":"webhook","url":")" + hook + R"("})")
                .status,
            201);
  json rule = json::parse(kBreakingRule);
  rule["repeat"] = "2s";
  ASSERT_EQ(Send(server_, "POST", "/api/alerts/rules", admin_, rule.dump()).status, 201);
  json inc;
  ASSERT_TRUE(WaitFor([&] { return !(inc = OpenIncident(server_, monitor_, "always")).is_null(); },
                      10'000));
  const std::string id = inc["id"];
  auto repeats = [&] {
    json d = server_.Get("/api/alerts/deliveries?incident=" + id, monitor_).Json();
    int n = 0;
    for (const auto& x : d["deliveries"]) n += x["event"] == "repeat";
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return repeats() >= 2; }, 10'000));
  // Nothing listens on the channel's port: each delivery shows its failed attempts (SPEC 9).
  ASSERT_TRUE(WaitFor(
      [&] {
        json d = server_.Get("/api/alerts/deliveries?ok=false&channel=ops", monitor_).Json();
        if (d.is_discarded() || d["deliveries"].empty()) return false;
        const json& a = d["deliveries"][0]["attempts"];
        return !a.empty() && a[0]["ok"] == false && a[0]["error"].is_string() &&
               a[0]["latencyMs"].is_number() && d["total"].get<int>() >= 1;
      },
      10'000))
      << server_.Get("/api/alerts/deliveries?incident=" + id, monitor_).body;
  ASSERT_EQ(Send(server_, "POST", "/api/alerts/incidents/" + id + "/ack", admin_, "{}").status,
            200);
  const int at_ack = repeats();
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  EXPECT_LE(repeats(), at_ack + 1);  // one may have been committed with the ack in flight
  json detail = server_.Get("/api/alerts/incidents/" + id, monitor_).Json();
  int timeline_repeats = 0;
  for (const auto& e : detail["timeline"]) timeline_repeats += e["event"] == "repeat";
  EXPECT_GE(timeline_repeats, 2) << detail.dump();
}

}  // namespace
}  // namespace botmon::testing
