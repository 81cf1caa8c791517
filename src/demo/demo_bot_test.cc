#include "demo/demo_bot.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "demo/demo_generator.h"
#include "demo/test_receiver.h"

namespace botmon {
namespace {

using std::chrono::milliseconds;
using Json = nlohmann::json;

int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(DemoBot, PostsTheGeneratorsEventsThroughTheClient) {
  TestReceiver receiver;
  ASSERT_TRUE(receiver.ok());
  DemoOptions o;
  o.base_url = receiver.url();
  o.token = "bm_demo_token";
  o.seed = 3;
  o.host = "demo-host";
  o.time_scale = 120;  // two virtual minutes per second
  const int64_t before = NowMs();
  DemoBot bot(o);
  ASSERT_TRUE(bot.Start().ok());
  std::this_thread::sleep_for(milliseconds(1500));
  bot.Stop();
  const int64_t after = NowMs();

  std::vector<Json> events;
  for (const auto& r : receiver.requests()) {
    EXPECT_EQ(r.target, "/api/v1/events");
    EXPECT_EQ(r.Header("authorization"), "Bearer bm_demo_token");
    for (auto& e : Json::parse(r.body)) events.push_back(e);
  }
  ASSERT_GT(events.size(), 100u);
  const DemoStats stats = bot.Stats();
  EXPECT_EQ(stats.delivered, events.size());
  EXPECT_EQ(stats.generated, stats.queued);
  EXPECT_EQ(stats.dropped, 0u);

  // The same events as the generator with the same seed, in order (session ids aside: they are
  // salted with the start time).
  DemoGeneratorOptions go;
  go.seed = 3;
  go.host = "demo-host";
  DemoGenerator g(go);
  std::vector<DemoEvent> expected;
  g.Advance(10 * 60'000, &expected);
  ASSERT_GE(expected.size(), events.size());
  std::set<std::string> ids;
  int64_t last_ts = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const Json& e = events[i];
    Json want = Json::parse(expected[i].event.ToJson());
    EXPECT_EQ(e["type"], want["type"]) << i;
    EXPECT_EQ(e.value("text", ""), want.value("text", "")) << i;
    EXPECT_EQ(e["host"], "demo-host");
    EXPECT_TRUE(ids.insert(e["id"].get<std::string>()).second) << "duplicate id";
    // ts = start + virtual time / scale: within the test's wall-clock span, non-decreasing.
    const int64_t ts = e["ts"].get<int64_t>();
    EXPECT_GE(ts, before);
    EXPECT_LE(ts, after);
    EXPECT_GE(ts, last_ts);
    last_ts = ts;
    // Relative times are the generator's, scaled.
    const auto scaled = [&](size_t j) { return std::llround(expected[j].t_ms / 120.0); };
    EXPECT_EQ(ts - events[0]["ts"].get<int64_t>(), scaled(i) - scaled(0)) << i;
  }
}

TEST(DemoBot, StopIsPromptWhenTheServerIsDown) {
  int port;
  {
    TestReceiver probe;
    port = probe.port();
  }
  DemoOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  o.time_scale = 60;
  o.stop_timeout = milliseconds(300);
  DemoBot bot(o);
  ASSERT_TRUE(bot.Start().ok());
  std::this_thread::sleep_for(milliseconds(500));
  const auto start = std::chrono::steady_clock::now();
  bot.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  const DemoStats s = bot.Stats();
  EXPECT_GT(s.generated, 0u);
  EXPECT_EQ(s.delivered, 0u);
  EXPECT_EQ(s.dropped, s.queued);  // everything unsent was reported at Stop()
}

TEST(DemoBot, StopIsPromptWhenTheServerHangs) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{200, {}, "", true};
  });
  DemoOptions o;
  o.base_url = receiver.url();
  o.time_scale = 60;
  o.stop_timeout = milliseconds(300);
  DemoBot bot(o);
  ASSERT_TRUE(bot.Start().ok());
  ASSERT_TRUE(receiver.WaitForRequests(1, milliseconds(5000)));
  const auto start = std::chrono::steady_clock::now();
  bot.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  bot.Stop();  // idempotent
}

TEST(DemoBot, RejectsBadOptionsAndASecondStart) {
  DemoOptions o;
  o.time_scale = 0;
  DemoBot bad(o);
  const Status st = bad.Start();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);

  DemoOptions none;
  none.base_url = "";
  EXPECT_EQ(DemoBot(none).Start().code(), StatusCode::kInvalidArgument);

  TestReceiver receiver;
  DemoOptions ok;
  ok.base_url = receiver.url();
  DemoBot bot(ok);
  ASSERT_TRUE(bot.Start().ok());
  EXPECT_EQ(bot.Start().code(), StatusCode::kAlreadyExists);
  bot.Stop();
}

}  // namespace
}  // namespace botmon
