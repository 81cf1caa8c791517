// The live stream of the real binary (SPEC Appendix A.4) and the privacy scan of SPEC 12: every
// monitor-role reply and every SSE event on a monitor stream is searched for raw user identifiers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "integration/harness.h"
#include "integration/sse_client.h"

namespace botmon::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Objects by their key sets, recursively; scalars collapse (numbers and null may differ in time).
json Shape(const json& j) {
  if (!j.is_object()) return "v";
  json out = json::object();
  for (const auto& [k, v] : j.items()) out[k] = Shape(v);
  return out;
}

// SPEC 6: phones exactly as `masked`; e-mails keep the first character and the domain, with a
// bullet (U+2022) for each other character of the local part ("john@acme.com" -> "j•••@acme.com").
bool Masked(const std::string& raw, const std::string& masked, const std::string& shown) {
  if (!masked.empty()) return shown == masked;
  const auto at = raw.rfind('@');
  std::string dots;
  for (size_t i = 1; i < at; ++i) dots += "\u2022";
  return shown == raw.substr(0, 1) + dots + raw.substr(at);
}

class LiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--tick", "1s"}, {{"BOTMON_TIMEZONE", NoonZone()}}))
        << server_.log();
    ingest_ = server_.CreateToken("bot", "ingest");
    admin_ = server_.CreateToken("ops", "admin");
    monitor_ = server_.CreateToken("viewer", "monitor");
    ASSERT_FALSE(ingest_.empty() || admin_.empty() || monitor_.empty());
  }
  void TearDown() override { EXPECT_TRUE(server_.running()) << server_.log(); }

  void Ingest(const json& events) {
    auto r = server_.Post("/api/v1/events", ingest_, events.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.Json()["rejected"], json::array()) << r.body;
  }
  // A stream that has received its initial status frame.
  std::unique_ptr<SseClient> Open(const std::string& token) {
    auto c = std::make_unique<SseClient>(server_.port(), token);
    EXPECT_TRUE(c->ok());
    EXPECT_TRUE(WaitFor([&] { return !c->frames("status").empty(); }, 3000)) << c->raw();
    return c;
  }

  BotmonServer server_;
  std::string ingest_, admin_, monitor_;
};

TEST_F(LiveTest, StreamStartsWithRetryAndAStatusFrame) {
  auto c = Open(monitor_);
  const std::string head = c->head();
  EXPECT_EQ(head.rfind("http/1.1 200", 0), 0u) << head;
  EXPECT_NE(head.find("content-type: text/event-stream"), std::string::npos) << head;
  EXPECT_EQ(head.find("transfer-encoding: chunked"), std::string::npos)
      << "the raw reader expects an unchunked stream: " << head;
  const std::string body = c->body();
  EXPECT_EQ(body.rfind("retry: 2000\n", 0), 0u) << body.substr(0, 200);
  auto frames = c->frames();
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(frames[0].event, "status");
  EXPECT_FALSE(frames[0].id.empty());
  EXPECT_NE(frames[0].id.find_first_of("0123456789"), std::string::npos) << frames[0].id;
  json sse = frames[0].Json();
  ASSERT_FALSE(sse.is_discarded()) << frames[0].data;
  json get = server_.Get("/api/monitoring/status", monitor_).Json();
  EXPECT_EQ(Shape(sse), Shape(get)) << "SSE: " << sse.dump() << "\nGET: " << get.dump();
  EXPECT_EQ(sse["tick_seconds"], 1);
}

TEST_F(LiveTest, PointsFramesArriveEveryTick) {
  auto c = Open(monitor_);
  ASSERT_TRUE(WaitFor([&] { return c->frames("points").size() >= 3; }, 5000)) << c->body();
  auto points = c->frames("points");
  std::vector<int64_t> ts;
  for (const auto& f : points) {
    json p = f.Json();
    ASSERT_FALSE(p.is_discarded()) << f.data;
    ASSERT_TRUE(p["t"].is_number_integer()) << f.data;
    EXPECT_TRUE(p["host"].is_string()) << f.data;
    ASSERT_TRUE(p["values"].is_object()) << f.data;
    // Every tick, the process's first included (the collector takes a baseline at start).
    EXPECT_TRUE(p["values"]["cpu.usage"].is_number()) << f.data;
    EXPECT_TRUE(p["values"]["mem.usage"].is_number()) << f.data;
    EXPECT_LT(std::abs(p["t"].get<int64_t>() - NowMs()), 10'000) << f.data;
    ts.push_back(p["t"]);
  }
  for (size_t i = 1; i < ts.size(); ++i) {
    EXPECT_GT(ts[i], ts[i - 1]);
    EXPECT_EQ((ts[i] - ts[i - 1]) % 1000, 0) << "tick ends are 1 s apart";
  }
  // Status frames follow each tick too, with increasing ids.
  auto status = c->frames("status");
  ASSERT_GE(status.size(), 2u);
  EXPECT_LT(std::stoll(status[0].id), std::stoll(status.back().id));
}

TEST_F(LiveTest, SessionFramesAreMaskedForMonitorAndRawForAdmin) {
  auto mon = Open(monitor_);
  auto adm = Open(admin_);
  Ingest(json::array({{{"type", "session.start"},
                       {"session", "live-1"},
                       {"user", "+5511999888777"},
                       {"channel", "WhatsApp"},
                       {"bot", "mybot"}},
                      {{"type", "message.in"}, {"session", "live-1"}, {"text", "hi"}}}));
  ASSERT_TRUE(WaitFor([&] { return !mon->sessions("live-1").empty(); }, 3000)) << mon->body();
  ASSERT_TRUE(WaitFor([&] { return !adm->sessions("live-1").empty(); }, 3000)) << adm->body();
  json m = mon->sessions("live-1")[0];
  json a = adm->sessions("live-1")[0];
  EXPECT_EQ(m["op"], "started");
  EXPECT_EQ(m["session"]["user"], "+55•••••••8777");
  EXPECT_EQ(m["session"]["channel"], "whatsapp");
  EXPECT_EQ(m["session"]["bot"], "mybot");
  EXPECT_EQ(m["session"]["active"], true);
  EXPECT_EQ(a["op"], "started");
  EXPECT_EQ(a["session"]["user"], "+5511999888777");
  EXPECT_EQ(mon->raw().find("5511999888777"), std::string::npos);

  Ingest(json::array({{{"type", "session.end"}, {"session", "live-1"}}}));
  ASSERT_TRUE(WaitFor(
      [&] {
        auto s = mon->sessions("live-1");
        return s.back()["op"] == "ended";
      },
      3000))
      << mon->body();
  EXPECT_EQ(mon->sessions("live-1").back()["session"]["active"], false);
}

TEST_F(LiveTest, SessionFramesAreCoalescedToOnePerSecond) {
  auto c = Open(admin_);
  Ingest(json::array({{{"type", "session.start"}, {"session", "busy"}, {"user", "u1"}}}));
  ASSERT_TRUE(WaitFor([&] { return !c->sessions("busy").empty(); }, 3000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const size_t before = c->sessions("busy").size();
  const auto t0 = Clock::now();
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_until(t0 + std::chrono::milliseconds(24 * i));
    Ingest(json::array(
        {{{"type", "message.in"}, {"session", "busy"}, {"text", "m" + std::to_string(i)}}}));
  }
  const auto sent_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  EXPECT_LE(sent_ms, 600) << "the 20 messages took too long to send";
  std::this_thread::sleep_until(t0 + std::chrono::milliseconds(1500));
  const size_t during = c->sessions("busy").size() - before;
  EXPECT_GE(during, 1u);
  EXPECT_LE(during, 2u) << "session frames are coalesced to one per session per second";
  // The last state is not lost to coalescing.
  EXPECT_TRUE(
      WaitFor([&] { return c->sessions("busy").back()["session"]["message_count"] == 20; }, 3000))
      << c->sessions("busy").back().dump();
}

TEST_F(LiveTest, LiveNeedsABearerHeaderNotAQueryToken) {
  auto r = Http("GET", server_.url("/api/monitoring/live"), "", {}, 3000);
  EXPECT_EQ(r.status, 401) << r.error;
  EXPECT_EQ(r.headers["www-authenticate"].rfind("Bearer", 0), 0u);
  EXPECT_EQ(r.Json()["error"]["code"], "unauthorized");
  r = Http("GET", server_.url("/api/monitoring/live?token=" + monitor_), "", {}, 3000);
  EXPECT_EQ(r.status, 401) << "a token in the query string is never accepted (" << r.error << ")";
  r = Http("GET", server_.url("/api/monitoring/live?access_token=" + monitor_), "", {}, 3000);
  EXPECT_EQ(r.status, 401) << r.error;
  r = Http("GET", server_.url("/api/monitoring/live"), "", {"Authorization: Bearer bm_wrong"},
           3000);
  EXPECT_EQ(r.status, 401) << r.error;
  r = Http("GET", server_.url("/api/monitoring/live"), "", {"Authorization: Bearer " + ingest_},
           3000);
  EXPECT_EQ(r.status, 403) << r.error;
}

// SPEC 12: no monitor reply or monitor SSE event carries a raw user identifier.
TEST_F(LiveTest, MonitorRepliesAndEventsNeverShowRawUserIdentifiers) {
  auto mon = Open(monitor_);
  auto adm = Open(admin_);
  struct User {
    std::string session, raw, masked;    // masked "": an e-mail (first character, dots, domain)
    std::vector<std::string> fragments;  // none may appear either
  };
  const std::vector<User> users = {
      {"p1", "+5511999888777", "+55•••••••8777", {"5511999888777", "11999888"}},
      {"p2", "+14155550123", "+14•••••0123", {"14155550123", "4155550"}},
      {"p3", "5511988887777", "55•••••••7777", {"5511988887777", "11988887"}},
      {"e1", "john.doe@acme.com", "", {"john.doe", "ohn.doe@"}},
      {"e2", "maria.silva@example.org", "", {"maria.silva", "aria.silva"}},
  };
  const int64_t t = NowMs() - 30'000;
  json events = json::array();
  for (size_t i = 0; i < users.size(); ++i) {
    const auto& u = users[i];
    const int64_t ts = t + static_cast<int64_t>(i) * 100;
    events.push_back({{"type", "session.start"},
                      {"session", u.session},
                      {"user", u.raw},
                      {"channel", i % 2 ? "web" : "whatsapp"},
                      {"bot", "shop"},
                      {"ts", ts}});
    events.push_back(
        {{"type", "message.in"}, {"session", u.session}, {"text", "where is it"}, {"ts", ts + 1}});
    events.push_back({{"type", "message.out"},
                      {"session", u.session},
                      {"text", "on its way"},
                      {"latency_ms", 800},
                      {"ts", ts + 2}});
    events.push_back({{"type", "log"},
                      {"session", u.session},
                      {"level", "error"},
                      {"message", "payment failed"},
                      {"ts", ts + 3}});
    events.push_back({{"type", "feedback"}, {"session", u.session}, {"score", 1}, {"ts", ts + 4}});
  }
  // A session opened by a message that names its user, and a log line naming a user.
  events.push_back({{"type", "message.in"},
                    {"session", "p4"},
                    {"user", "+5521987654321"},
                    {"text", "hello"},
                    {"channel", "telegram"},
                    {"ts", t + 900}});
  events.push_back({{"type", "log"},
                    {"user", "+5521987654321"},
                    {"level", "warning"},
                    {"message", "slow"},
                    {"ts", t + 901}});
  Ingest(events);
  std::vector<User> all = users;
  all.push_back({"p4", "+5521987654321", "+55•••••••4321", {"5521987654321", "21987654"}});
  for (const auto& u : all) {
    ASSERT_TRUE(WaitFor([&] { return !mon->sessions(u.session).empty(); }, 3000)) << u.session;
    ASSERT_TRUE(WaitFor([&] { return !adm->sessions(u.session).empty(); }, 3000)) << u.session;
  }
  // Let a few ticks (points, status) go by on the streams too.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));

  std::vector<std::string> paths = {
      "/api/monitoring/status",
      "/api/monitoring/sessions",
      "/api/monitoring/sessions?per_page=200",
      "/api/monitoring/sessions?active=true&bot=shop",
      "/api/monitoring/sessions?flag=error",
      "/api/monitoring/sessions?q=where",
      "/api/monitoring/nodes",
      "/api/monitoring/logs",
      "/api/monitoring/logs?level=error",
      "/api/monitoring/logs?level=warning",
      "/api/monitoring/history?period=15m",
      "/api/monitoring/history?period=15m&bot=shop&channel=whatsapp",
      "/metrics",
  };
  for (const auto& u : all) {
    paths.push_back("/api/monitoring/sessions/" + u.session);
    paths.push_back("/api/monitoring/logs?session=" + u.session);
    std::string q = u.raw;
    if (q[0] == '+') q = "%2B" + q.substr(1);
    paths.push_back("/api/monitoring/sessions?user=" + q);
  }
  std::vector<std::pair<std::string, std::string>> replies;  // (what, text)
  for (const auto& p : paths) {
    auto r = server_.Get(p, monitor_);
    EXPECT_EQ(r.status, 200) << p << ": " << r.body;
    replies.emplace_back(p, r.body);
    json j = r.Json();
    if (!j.is_discarded()) replies.emplace_back(p + " (decoded)", j.dump());
  }
  replies.emplace_back("monitor SSE stream", mon->raw());
  for (const auto& f : mon->frames()) {
    json j = f.Json();
    if (!j.is_discarded()) replies.emplace_back("SSE " + f.event + " (decoded)", j.dump());
  }
  for (const auto& [what, text] : replies) {
    for (const auto& u : all) {
      EXPECT_EQ(text.find(u.raw), std::string::npos) << what << " shows " << u.raw;
      for (const auto& frag : u.fragments) {
        EXPECT_EQ(text.find(frag), std::string::npos) << what << " shows " << frag;
      }
    }
  }
  // The scan saw the users, masked: the monitor list and stream name them that way, and the
  // exact-user filter still finds each session.
  json list = server_.Get("/api/monitoring/sessions?per_page=200", monitor_).Json();
  std::map<std::string, std::string> shown;
  for (const auto& s : list["sessions"]) shown[s["id"]] = s["user"];
  for (const auto& u : all) {
    EXPECT_TRUE(Masked(u.raw, u.masked, shown[u.session])) << u.session << ": " << shown[u.session];
    const std::string live = mon->sessions(u.session).back()["session"]["user"];
    EXPECT_TRUE(Masked(u.raw, u.masked, live)) << u.session << ": " << live;
    std::string q = u.raw[0] == '+' ? "%2B" + u.raw.substr(1) : u.raw;
    json one = server_.Get("/api/monitoring/sessions?user=" + q, monitor_).Json();
    EXPECT_EQ(one["total"], 1) << u.raw;
  }
  // Admins see the raw values, in the list and on their stream.
  const std::string admin_list =
      server_.Get("/api/monitoring/sessions?per_page=200", admin_).Json().dump();
  const std::string admin_stream = adm->raw();
  for (const auto& u : all) {
    EXPECT_NE(admin_list.find(u.raw), std::string::npos) << u.raw;
    EXPECT_NE(admin_stream.find(u.raw), std::string::npos) << u.raw;
  }
}

// A.4: a `: ping` comment every 15 s keeps idle proxies from closing the stream.
TEST_F(LiveTest, APingCommentComesWithin15Seconds) {
  auto c = Open(monitor_);
  EXPECT_TRUE(WaitFor([&] { return c->body().find("\n: ping") != std::string::npos; }, 17'000))
      << c->body().substr(0, 300);
}

// A.4 and SPEC 3: a broken reload keeps the running configuration and says so on the stream
// (and in /status); the fix clears it.
TEST(LiveConfigTest, ReloadErrorsAreConfigEvents) {
  BotmonServer server;
  const std::string path = server.dir() + "/botmon.yaml";
  std::ofstream(path) << "tick: 1s\n";
  ASSERT_TRUE(server.Start({"--config", path})) << server.log();
  const std::string monitor = server.CreateToken("viewer", "monitor");
  SseClient c(server.port(), monitor);
  ASSERT_TRUE(WaitFor([&] { return !c.frames("status").empty(); }, 3000)) << c.raw();
  std::ofstream(path) << "tick: 0s\n";
  ASSERT_TRUE(WaitFor([&] { return !c.frames("config").empty(); }, 5000)) << server.log();
  json bad = c.frames("config")[0].Json();
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad.value("error", ""), path + ":1:1: tick: 0s is below 1s") << bad.dump();
  json st = server.Get("/api/monitoring/status", monitor).Json();
  EXPECT_EQ(st["config_error"], bad["error"]);
  EXPECT_EQ(st["tick_seconds"], 1) << "the running configuration stays";
  std::ofstream(path) << "tick: 1s\n";
  ASSERT_TRUE(WaitFor([&] { return c.frames("config").size() >= 2; }, 5000)) << server.log();
  EXPECT_EQ(c.frames("config")[1].Json(), json::parse(R"({"ok":true})"));
  EXPECT_TRUE(server.Get("/api/monitoring/status", monitor).Json()["config_error"].is_null());
}

// A.4: at most 256 clients, then 503; a slot frees when a client leaves.
TEST_F(LiveTest, The257thClientGets503) {
  std::vector<int> fds;
  auto open_one = [&](std::string* got) {
    int fd = Connect(server_.port());
    if (fd < 0) return -1;
    const std::string req = LiveRequest(monitor_, "/api/monitoring/live");
    send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    const auto t0 = Clock::now();
    while (Clock::now() - t0 < std::chrono::seconds(3)) {
      if (got->find("event: status") != std::string::npos) break;
      if (got->find("\r\n\r\n") != std::string::npos && got->rfind("HTTP/1.1 200", 0) != 0) {
        auto end = got->find("\r\n\r\n");
        if (got->find('}', end) != std::string::npos) break;  // a whole JSON error
      }
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[8192];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got->append(buf, static_cast<size_t>(n));
    }
    return fd;
  };
  for (int i = 0; i < 256; ++i) {
    std::string got;
    int fd = open_one(&got);
    ASSERT_GE(fd, 0);
    fds.push_back(fd);
    ASSERT_NE(got.find("event: status"), std::string::npos) << "client " << i << ": " << got;
  }
  std::string got;
  int extra = open_one(&got);
  EXPECT_EQ(got.rfind("HTTP/1.1 503", 0), 0u) << got.substr(0, 300);
  EXPECT_NE(got.find("\"unavailable\""), std::string::npos) << got.substr(0, 300);
  if (extra >= 0) close(extra);
  // Other requests are still served, and a slot frees when a client leaves.
  EXPECT_EQ(server_.Get("/api/monitoring/status", monitor_).status, 200);
  close(fds.back());
  fds.pop_back();
  bool reopened = WaitFor(
      [&] {
        std::string again;
        int fd = open_one(&again);
        if (again.find("event: status") != std::string::npos) {
          fds.push_back(fd);
          return true;
        }
        if (fd >= 0) close(fd);
        return false;
      },
      5000);
  EXPECT_TRUE(reopened);
  for (int fd : fds) close(fd);
}

}  // namespace
}  // namespace botmon::testing
