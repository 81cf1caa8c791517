// The Botpress seed's third rule, verbatim and end to end (`make soak`: about 11 minutes).
//
// "No more incoming events" is sum(eventsIn.count) ≤ 0 over 10 minutes. It cannot be true before
// ten minutes of silence, and SPEC 7.2 keeps an equalOrLessThan rule on a sum from being
// evaluated until one full timeframe has passed since its group first appeared, so that a fresh
// start raises no false alarm. This test shows both: a bot sends messages for half a minute and
// falls silent; no incident for the first ten minutes after its first event; then the incident
// opens (triggerValue 0); one event resolves it at the next tick.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

using nlohmann::json;

constexpr const char* kBotpressConfig = R"({"pro": {"alerting": {"enabled": true, "rules": [
  {"name": "No more incoming events", "field": "eventsIn.count", "aggregation": "sum",
   "operand": "equalOrLessThan", "value": 0, "timeframe": "10m"}]}}})";

json Incident(const BotmonServer& s, const std::string& token) {
  json list = s.Get("/api/alerts/incidents", token).Json();
  if (list.is_discarded()) return nullptr;
  for (const auto& i : list["incidents"]) {
    if (i["ruleName"] == "No more incoming events") return i;
  }
  return nullptr;
}

TEST(NoIncomingEventsSoak, OpensAfterTenSilentMinutesAndResolvesOnTheNextEvent) {
  BotmonServer server;
  std::ofstream(server.dir() + "/botpress.config.json") << kBotpressConfig;
  ASSERT_TRUE(server.Start({"--botpress-config", server.dir() + "/botpress.config.json"}))
      << server.log();
  const std::string monitor = server.CreateToken("viewer", "monitor");
  const std::string ingest = server.CreateToken("bot", "ingest");
  auto send = [&](int i) {
    return server
        .Post("/api/v1/events", ingest,
              json{{"type", "message.in"},
                   {"session", "s1"},
                   {"bot", "mybot"},
                   {"text", "hello " + std::to_string(i)}}
                  .dump())
        .status;
  };
  const auto first = std::chrono::steady_clock::now();
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(send(i), 200);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  // Silence. Within ten minutes of the first event, nothing may open (start-up rule, and the
  // window still holds the messages).
  while (std::chrono::steady_clock::now() - first < std::chrono::seconds(590)) {
    ASSERT_TRUE(Incident(server, monitor).is_null()) << Incident(server, monitor).dump();
    std::this_thread::sleep_for(std::chrono::seconds(5));
  }
  // Ten minutes after the last message the window is empty: the incident opens.
  ASSERT_TRUE(WaitFor([&] { return !Incident(server, monitor).is_null(); }, 120'000))
      << server.log();
  json inc = Incident(server, monitor);
  EXPECT_EQ(inc["state"], "open");
  EXPECT_EQ(inc["triggerValue"], 0);
  EXPECT_EQ(inc["operand"], "equalOrLessThan");
  const auto opened_after = std::chrono::steady_clock::now() - first;
  EXPECT_GE(opened_after, std::chrono::seconds(620));  // 10 min after the last of 30 s of events
  // One event: the sum is 1 at the next tick, and the incident resolves.
  ASSERT_EQ(send(99), 200);
  ASSERT_TRUE(WaitFor([&] { return Incident(server, monitor)["state"] == "resolved"; }, 10'000))
      << Incident(server, monitor).dump();
}

}  // namespace
}  // namespace botmon::testing
