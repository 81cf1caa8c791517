// Acceptance (issue "botmon core"): with 8 concurrent writers, kill -9 right after an ingest
// reply, then restart: every acknowledged event, session and transcript is there, and the last
// hour of history is still served.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

using nlohmann::json;

struct Acked {
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> messages;  // session -> texts, in order
  int64_t requests = 0;
  int64_t total_messages = 0;
};

TEST(Durability, KillNineAfterAnAcknowledgedIngestLosesNothing) {
  BotmonServer server;
  const std::string zone = NoonZone();
  ASSERT_TRUE(server.Start({}, {{"BOTMON_TIMEZONE", zone}})) << server.log();
  const std::string ingest = server.CreateToken("writers", "ingest");
  const std::string admin = server.CreateToken("ops", "admin");
  ASSERT_FALSE(ingest.empty());
  // Let a few ticks of host metrics accumulate before the crash.
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  const int64_t before_kill = NowMs();

  Acked acked;
  std::atomic<bool> killed{false};
  std::atomic<int> replies{0};
  const int kWriters = 8;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int batch = 0; batch < 400 && !killed; ++batch) {
        json body = json::array();
        std::vector<std::pair<std::string, std::string>> sent;  // (session, text)
        for (int i = 0; i < 10; ++i) {
          const std::string session = "w" + std::to_string(w) + "-s" + std::to_string(batch);
          const std::string text = "msg " + session + " #" + std::to_string(i);
          json e = {{"type", i % 2 ? "message.out" : "message.in"},
                    {"session", session},
                    {"text", text},
                    {"id", text}};
          if (i == 0) {
            e["user"] = "+5511" + std::to_string(9000000 + w * 1000 + batch);
            e["channel"] = "whatsapp";
            e["bot"] = "mycompany";
          }
          if (i % 2) e["latency_ms"] = 100 + i;
          body.push_back(e);
          sent.emplace_back(session, text);
        }
        body.push_back({{"type", "request"}, {"latency_ms", 12.5}, {"status", 200}});
        auto r = Http("POST", server.url("/api/v1/events"), body.dump(),
                      {"Authorization: Bearer " + ingest, "Content-Type: application/json"}, 5000);
        if (r.status != 200) continue;  // not acknowledged: it may or may not be there
        json j = r.Json();
        ASSERT_EQ(j["accepted"], 11) << r.body;
        {
          std::lock_guard lock(acked.mu);
          for (auto& [s, t] : sent) acked.messages[s].push_back(t);
          acked.total_messages += 10;
          acked.requests += 1;
        }
        // Writer 0 crashes the server right after its 60th acknowledged batch.
        if (w == 0 && ++replies == 60 && !killed.exchange(true)) server.Kill();
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_TRUE(killed) << "the writers finished before the crash";
  ASSERT_GT(acked.total_messages, 600);

  ASSERT_TRUE(server.Start({}, {{"BOTMON_TIMEZONE", zone}})) << server.log();

  // Every acknowledged session and transcript, in order.
  for (const auto& [session, texts] : acked.messages) {
    auto d = server.Get("/api/monitoring/sessions/" + session, admin);
    ASSERT_EQ(d.status, 200) << session << ": " << d.body;
    json j = d.Json();
    std::vector<std::string> got;
    for (const auto& m : j["messages"]) got.push_back(m["text"]);
    ASSERT_EQ(got, texts) << session;
    EXPECT_EQ(j["message_count"], static_cast<int64_t>(texts.size()));
  }
  // Every acknowledged message counts today (events in flight at the crash may add more).
  json st = server.Get("/api/monitoring/status", admin).Json();
  EXPECT_GE(st["messages"]["today"].get<int64_t>(), acked.total_messages);
  json list = server.Get("/api/monitoring/sessions?per_page=1", admin).Json();
  EXPECT_GE(list["total"].get<int64_t>(), static_cast<int64_t>(acked.messages.size()));

  // Counters: acknowledged requests were counted, before the crash or by the replay.
  ASSERT_TRUE(WaitFor(
      [&] {
        json h =
            server.Get("/api/monitoring/history?period=15m&fields=requests.count", admin).Json();
        double total = 0;
        for (const auto& s : h["series"]) {
          for (const auto& v : s["values"]) total += v.is_number() ? v.get<double>() : 0;
        }
        return total >= static_cast<double>(acked.requests);
      },
      10'000));

  // The last hour of host history survived: samples from before the crash are served.
  json h = server.Get("/api/monitoring/history?period=1h&step=1s&fields=cpu.usage,mem.usage", admin)
               .Json();
  ASSERT_EQ(h["series"].size(), 2u) << h.dump();
  const int64_t t0 = h["t0"], step = h["step_ms"];
  for (const auto& s : h["series"]) {
    int before = 0;
    for (size_t i = 0; i < s["values"].size(); ++i) {
      const int64_t bucket_end = t0 + static_cast<int64_t>(i + 1) * step;
      if (bucket_end < before_kill && s["values"][i].is_number()) ++before;
    }
    EXPECT_GE(before, 2) << s["field"] << " lost its samples from before the crash";
  }
  // Retries of acknowledged events are still recognised after the restart (dedup by id).
  const auto& [session, texts] = *acked.messages.begin();
  json retry = json::array(
      {{{"type", "message.in"}, {"session", session}, {"text", texts[0]}, {"id", texts[0]}}});
  auto r = server.Post("/api/v1/events", ingest, retry.dump());
  ASSERT_EQ(r.status, 200);
  auto d = server.Get("/api/monitoring/sessions/" + session, admin).Json();
  EXPECT_EQ(d["messages"].size(), texts.size());
}

}  // namespace
}  // namespace botmon::testing
