// SPEC 7.5's delivery guarantee — at-least-once with a stable X-Botmon-Delivery id — and SPEC
// 7.2's persisted rule states, against real crashes: the botmon binary is killed with SIGKILL
// (by PID, no test-only hooks in the binary) and restarted on the same data directory.
//   - The receiver is down when an incident opens: the committed outbox row survives the crash
//     and is delivered after the restart, once.
//   - The crash falls between a send and its record (the receiver holds its reply): the
//     notification is sent again with the same id, so a deduplicating receiver sees it once.
//   - A crash in each rule state (pending with `for`, firing, cooldown): no incident re-opens,
//     none is forgotten, the firing one resolves once; the rules API shows the same states.
// Rules read custom gauges ({"type":"gauge"}) over one tick with noData: keep, so each report
// sets the condition and quiet ticks change nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "integration/harness.h"
#include "integration/notify_helpers.h"
#include "support/http_receiver.h"

namespace botmon::testing {
namespace {

using nlohmann::json;
using Request = HttpReceiver::Request;

// "name: N, field: F" -> a one-tick `last(F) >= 10` rule line.
std::string RuleYaml(const std::string& name, const std::string& field,
                     const std::string& extra = "") {
  return "  - {name: " + name + ", field: " + field +
         ", aggregation: last, operand: equalOrMoreThan, value: 10, timeframe: 0s" + extra + "}\n";
}

// The incident id in a webhook body ("" when unreadable).
std::string IncidentIdOf(const Request& r) {
  const json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("incident")) return "";
  return body["incident"].value("id", "");
}

// The receiver's requests about `incident_id` with X-Botmon-Event `event`.
std::vector<Request> About(const std::vector<Request>& all, const std::string& incident_id,
                           const std::string& event) {
  std::vector<Request> out;
  for (const auto& r : HttpReceiver::WithEvent(all, event)) {
    if (IncidentIdOf(r) == incident_id) out.push_back(r);
  }
  return out;
}

class RestartFaultTest : public ::testing::Test {
 protected:
  // Starts botmon with a webhook channel to the receiver and `rules` (botmon.yaml items).
  void StartServer(const std::string& rules) {
    const std::string dir = server_.dir();
    WriteQuietProc(dir + "/root");
    std::ofstream(dir + "/botmon.yaml")
        << "hostName: bot-1\n"
        << "collect: {procRoot: \"" << dir << "/root\"}\n"
        << NoDefaultRulesYaml() << "channels:\n"
        << "  - {name: pager, kind: webhook, url: \"" << receiver_.url("/hook") << "\"}\n"
        << "rules:\n"
        << rules;
    args_ = {"--config", dir + "/botmon.yaml"};
    ASSERT_TRUE(server_.Start(args_)) << server_.log();
    monitor_ = server_.CreateToken("viewer", "monitor");
    ingest_ = server_.CreateToken("bot", "ingest");
    ASSERT_FALSE(monitor_.empty());
    ASSERT_FALSE(ingest_.empty());
  }

  // kill -9, then a start on the same data dir.
  void KillAndRestart() {
    const std::string log = server_.log();
    server_.Kill();
    ASSERT_TRUE(server_.Start(args_)) << log << "\n--- after the restart:\n" << server_.log();
  }

  void Report(const std::string& field, double value) {
    ASSERT_TRUE(Ingest(server_, ingest_, json::array({Gauge(field, value)})));
  }

  // Waits for the only incident of `rule` to be in `state`; returns its id ("" on timeout).
  std::string WaitForIncident(const std::string& rule, const std::string& state) {
    std::string id;
    WaitFor(
        [&] {
          const json list = IncidentsOf(server_, monitor_, rule);
          if (list.size() != 1 || list[0]["state"] != state) return false;
          id = list[0]["id"];
          return true;
        },
        15'000);
    return id;
  }

  // Waits until every delivery row of the incident is `sent` (and there are `n`).
  bool WaitAllSent(const std::string& incident_id, size_t n) {
    return WaitFor(
        [&] {
          const json d = DeliveriesOf(server_, monitor_, incident_id);
          if (d.size() != n) return false;
          for (const auto& row : d) {
            if (row["state"] != "sent") return false;
          }
          return true;
        },
        20'000);
  }

  // Waits until the deduplicated requests hold exactly one `event` notification of the incident.
  bool WaitUniqueOnce(const std::string& incident_id, const std::string& event) {
    return WaitFor([&] { return About(receiver_.Unique(), incident_id, event).size() == 1; },
                   20'000);
  }

  void DriveToEachState(std::string* firing, std::string* cooling);

  HttpReceiver receiver_{false};  // outlives server_ (declared first)
  BotmonServer server_;
  std::vector<std::string> args_;
  std::string monitor_, ingest_;
};

TEST_F(RestartFaultTest, ReceiverDownAcrossAKillNineGetsEachNotificationOnce) {
  ASSERT_NO_FATAL_FAILURE(StartServer(RuleYaml("Queue stuck", "fault.level")));
  Report("fault.level", 50);
  const std::string id = WaitForIncident("Queue stuck", "open");
  ASSERT_FALSE(id.empty()) << AllIncidents(server_, monitor_).dump();

  // The outbox row is committed and failing (connection refused), not given up.
  json row;
  ASSERT_TRUE(WaitFor(
      [&] {
        const json d = DeliveriesOf(server_, monitor_, id);
        if (d.size() != 1 || DeliveryAttempts(d[0]) < 1) return false;
        row = d[0];
        return true;
      },
      15'000))
      << DeliveriesOf(server_, monitor_, id).dump();
  EXPECT_EQ(row["state"], "pending");
  EXPECT_EQ(DeliveryChannel(row), "pager");
  EXPECT_EQ(row["event"], "opened");
  EXPECT_FALSE(row.value("lastError", "").empty()) << row.dump();
  EXPECT_TRUE(receiver_.Requests().empty());

  ASSERT_NO_FATAL_FAILURE(KillAndRestart());
  ASSERT_TRUE(receiver_.Up());
  ASSERT_TRUE(WaitUniqueOnce(id, "incident.opened")) << server_.log();
  ASSERT_TRUE(WaitAllSent(id, 1)) << DeliveriesOf(server_, monitor_, id).dump();
  for (const auto& r : About(receiver_.Requests(), id, "incident.opened")) {
    EXPECT_EQ(r.delivery(), DeliveryId(row));
  }

  // The incident survived the crash as the same one, still open, and resolves once.
  EXPECT_EQ(IncidentsOf(server_, monitor_, "Queue stuck").size(), 1u);
  Report("fault.level", 0);
  ASSERT_EQ(WaitForIncident("Queue stuck", "resolved"), id);
  ASSERT_TRUE(WaitUniqueOnce(id, "incident.resolved"));
  ASSERT_TRUE(WaitAllSent(id, 2)) << DeliveriesOf(server_, monitor_, id).dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // nothing more arrives
  const auto unique = receiver_.Unique();
  EXPECT_EQ(About(unique, id, "incident.opened").size(), 1u);
  EXPECT_EQ(About(unique, id, "incident.resolved").size(), 1u);
  EXPECT_EQ(unique.size(), 2u);
  EXPECT_EQ(AllIncidents(server_, monitor_)["total"], 1);
}

TEST_F(RestartFaultTest, KillBetweenSendAndRecordSendsAgainWithTheSameId) {
  ASSERT_TRUE(receiver_.Up());
  ASSERT_NO_FATAL_FAILURE(StartServer(RuleYaml("Queue stuck", "fault.level")));

  // "opened": the receiver has the request but holds its reply; botmon dies before it records.
  receiver_.HoldNext([](const Request& r) { return r.event() == "incident.opened"; });
  Report("fault.level", 50);
  ASSERT_TRUE(receiver_.WaitForHeld(15'000)) << server_.log();
  const std::string id = IncidentIdOf(receiver_.Requests().at(0));
  ASSERT_FALSE(id.empty()) << receiver_.Requests().at(0).body;
  const std::string opened_delivery = receiver_.Requests().at(0).delivery();
  ASSERT_FALSE(opened_delivery.empty());
  {
    const std::string log = server_.log();
    server_.Kill();
    receiver_.Release();
    ASSERT_TRUE(server_.Start(args_)) << log;
  }
  ASSERT_TRUE(WaitFor(
      [&] { return About(receiver_.Requests(), id, "incident.opened").size() >= 2; }, 20'000))
      << server_.log();
  ASSERT_TRUE(WaitAllSent(id, 1)) << DeliveriesOf(server_, monitor_, id).dump();
  for (const auto& r : About(receiver_.Requests(), id, "incident.opened")) {
    EXPECT_EQ(r.delivery(), opened_delivery);
    EXPECT_EQ(json::parse(r.body)["deliveryId"], opened_delivery);
  }
  EXPECT_EQ(About(receiver_.Unique(), id, "incident.opened").size(), 1u);

  // "resolved": the same.
  receiver_.HoldNext([](const Request& r) { return r.event() == "incident.resolved"; });
  Report("fault.level", 0);
  ASSERT_TRUE(receiver_.WaitForHeld(15'000)) << server_.log();
  {
    const std::string log = server_.log();
    server_.Kill();
    receiver_.Release();
    ASSERT_TRUE(server_.Start(args_)) << log;
  }
  ASSERT_TRUE(WaitFor(
      [&] { return About(receiver_.Requests(), id, "incident.resolved").size() >= 2; }, 20'000))
      << server_.log();
  ASSERT_TRUE(WaitAllSent(id, 2)) << DeliveriesOf(server_, monitor_, id).dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // nothing more arrives
  const auto resolved = About(receiver_.Requests(), id, "incident.resolved");
  std::set<std::string> resolved_ids;
  for (const auto& r : resolved) resolved_ids.insert(r.delivery());
  EXPECT_EQ(resolved_ids.size(), 1u);
  EXPECT_NE(*resolved_ids.begin(), opened_delivery);

  // Raw: each notification at least twice; deduplicated: exactly once each.
  EXPECT_GE(About(receiver_.Requests(), id, "incident.opened").size(), 2u);
  EXPECT_GE(resolved.size(), 2u);
  const auto unique = receiver_.Unique();
  EXPECT_EQ(About(unique, id, "incident.opened").size(), 1u);
  EXPECT_EQ(About(unique, id, "incident.resolved").size(), 1u);
  EXPECT_EQ(unique.size(), 2u);
  const json incidents = AllIncidents(server_, monitor_);
  EXPECT_EQ(incidents["total"], 1);
  EXPECT_EQ(incidents["incidents"][0]["state"], "resolved");
}

// Three rules, one in each state: "Pending rule" pending (for: 5s), "Firing rule" firing,
// "Cooldown rule" in its 10-minute cooldown after a resolve; every notification sent. Sets the
// ids of the two incidents.
void RestartFaultTest::DriveToEachState(std::string* firing, std::string* cooling) {
  ASSERT_TRUE(receiver_.Up());
  ASSERT_NO_FATAL_FAILURE(
      StartServer(RuleYaml("Pending rule", "fault.pending", ", for: 5s") +
                  RuleYaml("Firing rule", "fault.firing") +
                  RuleYaml("Cooldown rule", "fault.cooldown", ", cooldown: 10m")));
  ASSERT_TRUE(Ingest(server_, ingest_,
                     json::array({Gauge("fault.pending", 50), Gauge("fault.firing", 50),
                                  Gauge("fault.cooldown", 50)})));
  *firing = WaitForIncident("Firing rule", "open");
  *cooling = WaitForIncident("Cooldown rule", "open");
  ASSERT_FALSE(firing->empty());
  ASSERT_FALSE(cooling->empty());
  Report("fault.cooldown", 0);
  ASSERT_EQ(WaitForIncident("Cooldown rule", "resolved"), *cooling);
  ASSERT_TRUE(WaitFor(
      [&] {
        return RuleState(server_, monitor_, "Pending rule") == "pending" &&
               RuleState(server_, monitor_, "Firing rule") == "firing" &&
               RuleState(server_, monitor_, "Cooldown rule") == "cooldown";
      },
      10'000))
      << server_.Get("/api/alerts/rules", monitor_).body;
  // Everything sent before the crash, so only the rule states are at stake.
  ASSERT_TRUE(WaitAllSent(*firing, 1));
  ASSERT_TRUE(WaitAllSent(*cooling, 2));
}

TEST_F(RestartFaultTest, RestartInEachRuleStateNeitherReopensNorForgets) {
  std::string firing, cooling;
  ASSERT_NO_FATAL_FAILURE(DriveToEachState(&firing, &cooling));
  const json before = AllIncidents(server_, monitor_);
  const json pending_before = RuleGroupState(server_, monitor_, "Pending rule");
  ASSERT_EQ(before["total"], 2) << before.dump();

  ASSERT_NO_FATAL_FAILURE(KillAndRestart());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a few evaluations
  const json after = AllIncidents(server_, monitor_);
  EXPECT_EQ(after["total"], 2) << after.dump();
  for (const auto& b : before["incidents"]) {
    bool same = false;
    for (const auto& a : after["incidents"]) {
      same |= a["id"] == b["id"] && a["state"] == b["state"] && a["startTime"] == b["startTime"];
    }
    EXPECT_TRUE(same) << b.dump() << "\n" << after.dump();
  }
  EXPECT_EQ(receiver_.Unique().size(), 3u);  // nothing new: no incident re-opened

  // Pending: the `for` runs from the first true evaluation before the crash, so once 5 s have
  // passed since then, the next true evaluation opens at once (a forgotten pendingSince would
  // need another 5 s of true evaluations, and no more reports come).
  const std::string since = pending_before.value("since", "");
  ASSERT_GT(Rfc3339Ms(since), 0) << pending_before.dump();
  WaitFor([&] { return Rfc3339Ms(since) + 5500 <= NowMs(); }, 10'000);
  Report("fault.pending", 50);
  const std::string opened = WaitForIncident("Pending rule", "open");
  ASSERT_FALSE(opened.empty()) << server_.Get("/api/alerts/rules", monitor_).body;

  // Firing: resolves once after the restart.
  Report("fault.firing", 0);
  ASSERT_EQ(WaitForIncident("Firing rule", "resolved"), firing);
  ASSERT_TRUE(WaitUniqueOnce(firing, "incident.resolved"));

  // Cooldown: still on after the restart, so a breach opens nothing.
  Report("fault.cooldown", 50);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(IncidentsOf(server_, monitor_, "Cooldown rule").size(), 1u);
  EXPECT_EQ(RuleState(server_, monitor_, "Cooldown rule"), "cooldown");

  ASSERT_TRUE(WaitAllSent(opened, 1));
  ASSERT_TRUE(WaitAllSent(firing, 2));
  const json end = AllIncidents(server_, monitor_);
  EXPECT_EQ(end["total"], 3) << end.dump();
  const auto unique = receiver_.Unique();
  for (const std::string& id : {firing, cooling, opened}) {
    EXPECT_EQ(About(unique, id, "incident.opened").size(), 1u) << id;
  }
  EXPECT_EQ(About(unique, firing, "incident.resolved").size(), 1u);
  EXPECT_EQ(About(unique, cooling, "incident.resolved").size(), 1u);
  EXPECT_EQ(unique.size(), 5u);
}

// The rules API (A.9) shows each rule's state after a restart, before any new data arrives:
// a rule whose incident is open says "firing", not nothing.
TEST_F(RestartFaultTest, RulesApiShowsEachRestoredStateAfterARestart) {
  std::string firing, cooling;
  ASSERT_NO_FATAL_FAILURE(DriveToEachState(&firing, &cooling));
  std::map<std::string, json> before;
  for (const char* rule : {"Pending rule", "Firing rule", "Cooldown rule"}) {
    before[rule] = RuleGroupState(server_, monitor_, rule);
  }
  // Let the reports age out of every rule's window, so the restart primes nothing for them.
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  ASSERT_NO_FATAL_FAILURE(KillAndRestart());
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // a few evaluations
  const std::string rules = server_.Get("/api/alerts/rules", monitor_).body;
  for (const auto& [rule, b] : before) {
    const json after = RuleGroupState(server_, monitor_, rule);
    EXPECT_EQ(after.value("state", ""), b.value("state", "")) << rule << "\n" << rules;
    EXPECT_EQ(after.value("since", ""), b.value("since", "")) << rule;
    EXPECT_EQ(after.value("group", json()), b.value("group", json())) << rule;
  }
  EXPECT_EQ(AllIncidents(server_, monitor_)["total"], 2);
}

}  // namespace
}  // namespace botmon::testing
