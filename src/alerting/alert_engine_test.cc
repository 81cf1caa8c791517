// The engine end to end on a real SQLite store: a transition commits its incident, state and
// outbox rows; a real local webhook receiver gets each notification once with its delivery id; a
// shell hook gets the incident on stdin; silences mute; pending rows survive a restart.
#include "alerting/alert_engine.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "alerting/delivery.h"

#include "http/server.h"
#include "store/store.h"
#include "support/process.h"

namespace botmon {
namespace {

using nlohmann::json;
using testing::MakeTempDir;
using testing::RemoveTree;

class CurlEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] ::testing::Environment* const kCurlEnv =
    ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

// A webhook receiver capturing every request (a real HTTP server on 127.0.0.1).
class Receiver {
 public:
  Receiver() : router_([](const Request&) { return Principal{}; }) {
    router_.Add(Route(Method::kPost, "/hook", Role::kNone, [this](Request& req, Responder r) {
      {
        std::lock_guard lock(mu_);
        bodies_.push_back(req.body);
        ids_.emplace_back(req.HeaderValue("x-botmon-delivery"));
      }
      r.Send(Response::NoContent());
    }));
    ServerOptions opts;
    opts.listen = "127.0.0.1:0";
    server_ = std::make_unique<Server>(opts, &router_);
    EXPECT_TRUE(server_->Listen().ok());
    server_->Start();
  }
  ~Receiver() { server_->Stop(); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  std::vector<json> events() {
    std::lock_guard lock(mu_);
    std::vector<json> out;
    for (const auto& b : bodies_) out.push_back(json::parse(b, nullptr, false));
    return out;
  }
  std::vector<std::string> ids() {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  Router router_;
  std::unique_ptr<Server> server_;
  std::mutex mu_;
  std::vector<std::string> bodies_, ids_;
};

bool WaitFor(const std::function<bool()>& pred, int timeout_ms = 10'000) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

TickValue Cpu(double v) {
  TickValue t;
  t.key.field = "cpu.usage";
  t.key.host = "bot-1";
  t.value = v;
  return t;
}

class AlertEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("engine");
    ASSERT_FALSE(dir_.empty());
    const std::string hooks = dir_ + "/hooks/on_incident_status_changed";
    ASSERT_TRUE(std::filesystem::create_directories(hooks));
    std::ofstream(hooks + "/record.sh")
        << "#!/bin/sh\ncat >> \"" << dir_ << "/hook.log\"\necho \"$BOTMON_INCIDENT_STATUS "
        << "$BOTMON_RULE $BOTMON_HOST\" >> \"" << dir_ << "/hook.env\"\n";
    chmod((hooks + "/record.sh").c_str(), 0755);
    OpenStore();
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    RemoveTree(dir_);
  }
  void OpenStore() {
    auto s = botmon::OpenStore("sqlite", dir_, 2);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  AlertSettings Settings() {
    AlertSettings s;
    Rule r;
    r.name = " High CPU Usage ";
    r.field = "cpu.usage";
    r.value = 60;
    s.rules = {r};
    auto channels = ParseChannels({RawItem{
        json{{"name", "pager"}, {"kind", "webhook"}, {"url", receiver_.url()}, {"secret", "s3"}},
        "botmon.yaml", 1, 1}});
    EXPECT_TRUE(channels.ok()) << channels.status().ToString();
    s.channels = *channels;
    s.hooks_dir = dir_ + "/hooks";
    s.public_url = "http://127.0.0.1:8080";
    s.host_name = "bot-1";
    s.tick_ms = 10'000;
    return s;
  }
  void StartEngine(AlertSettings s) {
    engine_ = std::make_unique<AlertEngine>(store_.get(), &catalog_, &clock_);
    ASSERT_TRUE(engine_
                    ->Start(std::move(s),
                            [this](const std::string& op, const Incident&) {
                              std::lock_guard lock(mu_);
                              published_.push_back(op);
                            })
                    .ok());
  }
  void Tick(double cpu) {
    t_ += 10'000;
    clock_.SetMs(t_);
    engine_->AddTick(t_, {Cpu(cpu)});
    engine_->Evaluate(t_);
  }
  std::string ReadFile(const std::string& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string dir_;
  Receiver receiver_;
  FieldCatalog catalog_;
  FakeClock clock_{1'700'000'000'000};
  int64_t t_ = 1'700'000'000'000;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AlertEngine> engine_;
  std::mutex mu_;
  std::vector<std::string> published_;
};

TEST_F(AlertEngineTest, OpensAndResolvesWithWebhookAndHook) {
  StartEngine(Settings());
  Tick(50);
  Tick(97.5);
  ASSERT_TRUE(WaitFor([&] { return receiver_.events().size() == 1; }));
  json opened = receiver_.events()[0];
  EXPECT_EQ(opened["event"], "incident.opened");
  EXPECT_EQ(opened["incident"]["ruleName"], " High CPU Usage ");
  EXPECT_EQ(opened["incident"]["hostName"], "bot-1");
  EXPECT_EQ(opened["incident"]["triggerValue"], 97.5);
  EXPECT_EQ(opened["deliveryId"], receiver_.ids()[0]);
  Tick(20);
  ASSERT_TRUE(WaitFor([&] { return receiver_.events().size() == 2; }));
  EXPECT_EQ(receiver_.events()[1]["event"], "incident.resolved");
  EXPECT_NE(receiver_.ids()[0], receiver_.ids()[1]);

  // The hook got the incident as one line of JSON, twice, with its environment.
  ASSERT_TRUE(WaitFor([&] {
    const std::string env = ReadFile(dir_ + "/hook.env");
    return std::count(env.begin(), env.end(), '\n') == 2;
  }));
  EXPECT_EQ(ReadFile(dir_ + "/hook.env"),
            "opened  High CPU Usage  bot-1\nresolved  High CPU Usage  bot-1\n");
  std::string log = ReadFile(dir_ + "/hook.log");
  json first = json::parse(log.substr(0, log.find('\n')));
  EXPECT_EQ(first["ruleName"], " High CPU Usage ");

  // The stored incident is resolved, with the notifications and hook runs on its timeline.
  ASSERT_TRUE(store_->Flush().ok());
  ASSERT_TRUE(WaitFor([&] {
    IncidentQuery q;
    auto rows = store_->ListIncidents(q, nullptr);
    if (!rows.ok() || rows->size() != 1) return false;
    Incident inc = IncidentFromJson(json::parse((*rows)[0].doc));
    int notified = 0, hooks = 0;
    for (const auto& e : inc.timeline) {
      notified += e.event == "notified";
      hooks += e.event == "hook";
    }
    return inc.end_ms.has_value() && notified == 2 && hooks == 2;
  }));
  EXPECT_EQ(engine_->stats().open_incidents, 0);
  std::lock_guard lock(mu_);
  EXPECT_NE(std::find(published_.begin(), published_.end(), "opened"), published_.end());
  EXPECT_NE(std::find(published_.begin(), published_.end(), "resolved"), published_.end());
}

TEST_F(AlertEngineTest, SilencedIncidentsAreNotNotified) {
  AlertSettings s = Settings();
  auto silences = ParseSilences({RawItem{json{{"id", "quiet"},
                                              {"match", {{"rule", " High CPU Usage "}}},
                                              {"startsAt", "2020-01-01T00:00:00Z"},
                                              {"endsAt", "2099-01-01T00:00:00Z"}},
                                         "botmon.yaml", 1, 1}},
                                t_);
  ASSERT_TRUE(silences.ok()) << silences.status().ToString();
  s.silences = *silences;
  StartEngine(std::move(s));
  Tick(99);
  ASSERT_TRUE(store_->Flush().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(receiver_.events().empty());
  auto deliveries = store_->ListDeliveries("", 10);
  ASSERT_TRUE(deliveries.ok());
  bool skipped = false;
  for (const auto& d : *deliveries) {
    if (d.target == "pager") {
      EXPECT_EQ(d.state, "skipped");
      EXPECT_EQ(d.last_error, "muted by quiet");
      skipped = true;
    }
  }
  EXPECT_TRUE(skipped);
}

TEST_F(AlertEngineTest, StateAndPendingDeliveriesSurviveARestart) {
  StartEngine(Settings());
  Tick(99);  // opened
  ASSERT_TRUE(WaitFor([&] { return receiver_.events().size() == 1; }));
  ASSERT_TRUE(store_->Flush().ok());
  engine_->Stop();
  engine_.reset();
  // A row committed but never sent (the process died between the commit and the send).
  OutboxRow row;
  row.id = "5c0e0000-0000-4000-8000-000000000001";
  row.incident_id = "";
  row.target = "pager";
  row.event = "test";
  row.payload = json{{"event", "test"}, {"incident", json::object()}}.dump();
  row.created_ms = t_;
  row.next_attempt_ms = t_;
  WriteBatch b;
  b.outbox.push_back(row);
  store_->Write(std::move(b), [](Status) {});
  ASSERT_TRUE(store_->Flush().ok());

  StartEngine(Settings());
  ASSERT_TRUE(WaitFor([&] { return receiver_.events().size() == 2; }));
  EXPECT_EQ(receiver_.ids()[1], row.id) << "the same delivery id after the restart";
  EXPECT_EQ(engine_->stats().open_incidents, 1);
  Tick(99);  // still firing: no second incident
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver_.events().size(), 2u);
  Tick(10);
  ASSERT_TRUE(WaitFor([&] { return receiver_.events().size() == 3; }));
  EXPECT_EQ(receiver_.events()[2]["event"], "incident.resolved");
}

TEST_F(AlertEngineTest, RepeatNotifiesEveryPeriodUntilAcknowledged) {
  AlertSettings s = Settings();
  s.rules[0].repeat_ms = 30'000;
  StartEngine(std::move(s));
  Tick(99);  // opened at t
  ASSERT_TRUE(WaitFor([&] { return receiver_.events().size() == 1; }));
  Tick(99);
  Tick(99);  // t + 20 s: not yet
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver_.events().size(), 1u);
  Tick(99);  // t + 30 s: the first repeat
  ASSERT_TRUE(WaitFor([&] { return receiver_.events().size() == 2; }));
  EXPECT_EQ(receiver_.events()[1]["event"], "incident.repeat");
  EXPECT_NE(receiver_.ids()[1], receiver_.ids()[0]) << "a repeat is its own delivery";
  const std::string id = receiver_.events()[0]["incident"]["id"];
  ASSERT_TRUE(engine_->Acknowledge(id, "ops", "").ok());
  for (int i = 0; i < 6; ++i) Tick(99);  // a minute more: acknowledged, no repeat
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver_.events().size(), 2u);
  auto open = engine_->GetOpen(id);
  ASSERT_TRUE(open.has_value());
  int repeats = 0;
  for (const auto& e : open->timeline) repeats += e.event == "repeat";
  EXPECT_EQ(repeats, 1);
}

// SPEC 7.5: a delivery that cannot succeed within notifications.giveUpAfter is given up (a
// "notify_failed ... gave up" entry on its incident), and its channel gets a "notification channel
// failing" incident, notified through the other channels; the channel's next successful delivery
// resolves it.
TEST_F(AlertEngineTest, GiveUpOpensTheChannelFailingIncidentAndRecoveryResolvesIt) {
  AlertSettings s = Settings();
  s.give_up_after_ms = 0;               // the first failure is final
  const int dead_port = testing::FreeTcpPort();  // nothing listens there
  auto broken = ParseChannels(
      {RawItem{json{{"name", "broken"},
                    {"kind", "webhook"},
                    {"url", "http://127.0.0.1:" + std::to_string(dead_port) + "/hook"}},
               "botmon.yaml", 2, 1}});
  ASSERT_TRUE(broken.ok()) << broken.status().ToString();
  s.channels.push_back((*broken)[0]);
  StartEngine(s);

  Tick(99);  // " High CPU Usage " opens; "pager" gets it, "broken" gives up
  const auto opened = [&](const std::string& rule) -> std::optional<json> {
    for (const json& e : receiver_.events()) {
      if (e["event"] == "incident.opened" && e["incident"]["ruleName"] == rule) return e;
    }
    return std::nullopt;
  };
  ASSERT_TRUE(WaitFor([&] { return opened("notification channel failing").has_value(); }));
  const json f = *opened("notification channel failing");
  EXPECT_EQ(f["incident"]["severity"], "critical");
  const std::string failing_id = f["incident"]["id"];
  ASSERT_TRUE(opened(" High CPU Usage ").has_value());
  const std::string cpu_id = (*opened(" High CPU Usage "))["incident"]["id"];
  ASSERT_TRUE(WaitFor([&] {
    auto inc = engine_->GetOpen(cpu_id);
    if (!inc) return false;
    for (const auto& e : inc->timeline) {
      if (e.event == "notify_failed" && e.detail.find("broken gave up after 1 attempts") == 0) {
        return true;
      }
    }
    return false;
  }));
  EXPECT_EQ(engine_->stats().open_incidents, 2);

  // The channel is mended (its URL now reaches a receiver): the resolve of the CPU incident goes
  // through it, which resolves the channel's incident.
  s.channels.back().url = receiver_.url();
  engine_->Reconfigure(s);
  Tick(10);
  ASSERT_TRUE(WaitFor([&] { return !engine_->GetOpen(failing_id).has_value(); }));
  EXPECT_EQ(engine_->stats().open_incidents, 0);
}

TEST_F(AlertEngineTest, IncidentsOfAStaleNodeAreMarkedAndUnmarked) {
  StartEngine(Settings());
  Tick(99);
  ASSERT_EQ(engine_->stats().open_incidents, 1);
  const std::string id = [&] {
    IncidentQuery q;
    EXPECT_TRUE(store_->Flush().ok());
    auto rows = store_->ListIncidents(q, nullptr);
    return rows.ok() && !rows->empty() ? (*rows)[0].id : std::string();
  }();
  ASSERT_FALSE(id.empty());
  // Let the opening's notification and hook land on the timeline first.
  // (A copy of the incident each time: GCC 12 warns on members of a temporary optional.)
  auto timeline = [&] {
    std::optional<Incident> open = engine_->GetOpen(id);
    return open ? open->timeline : std::vector<TimelineEntry>{};
  };
  auto is_marked = [&] {
    std::optional<Incident> open = engine_->GetOpen(id);
    return open && open->stale;
  };
  ASSERT_TRUE(WaitFor([&] { return timeline().size() >= 3; }));
  auto has = [&](const std::string& event) {
    const auto entries = timeline();
    return std::any_of(entries.begin(), entries.end(),
                       [&](const TimelineEntry& e) { return e.event == event; });
  };
  bool stale = true;
  auto is_stale = [&](const std::string& host) { return stale && host == "bot-1"; };
  t_ += 10'000;
  engine_->Evaluate(t_, is_stale);  // no sample: bot-1 stopped reporting
  EXPECT_TRUE(is_marked());
  EXPECT_TRUE(has("stale"));
  stale = false;
  t_ += 10'000;
  engine_->AddTick(t_, {Cpu(99)});
  engine_->Evaluate(t_, is_stale);
  EXPECT_FALSE(is_marked());
  EXPECT_TRUE(has("fresh"));
  // The mark is persisted with the incident.
  ASSERT_TRUE(WaitFor([&] {
    auto row = store_->GetIncident(id);
    if (!row.ok() || !row->has_value()) return false;
    Incident inc = IncidentFromJson(json::parse((*row)->doc));
    return std::any_of(inc.timeline.begin(), inc.timeline.end(),
                       [](const TimelineEntry& e) { return e.event == "fresh"; });
  }));
}

TEST(FullJitterTest, StaysWithinTheCap) {
  EXPECT_EQ(FullJitterBackoffMs(1, 0), 0);
  EXPECT_LE(FullJitterBackoffMs(1, ~0ULL), 1000);
  EXPECT_LE(FullJitterBackoffMs(3, ~0ULL), 4000);
  EXPECT_LE(FullJitterBackoffMs(40, ~0ULL), 600'000);
}

}  // namespace
}  // namespace botmon
