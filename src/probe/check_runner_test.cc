#include "probe/check_runner.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "probe/probe_test_util.h"

namespace botmon {
namespace {

using testing::TestCheck;
using testing::TinyReply;
using testing::TinyRequest;
using testing::TinyServer;

// Collects the callbacks and lets a test wait for a condition on them.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<CheckState, bool>> calls;
  std::string thread_name;

  CheckRunner::Callback Fn() {
    return [this](const CheckState& s, bool transition) {
      char name[16] = {};
      pthread_getname_np(pthread_self(), name, sizeof name);
      std::lock_guard<std::mutex> l(mu);
      thread_name = name;
      calls.emplace_back(s, transition);
      cv.notify_all();
    };
  }
  bool WaitFor(size_t n, int seconds = 15) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(seconds), [&] { return calls.size() >= n; });
  }
};

TEST(CheckRunner, RetriesTurnTwoFailuresIntoRunning) {
  std::atomic<int> n{0};
  TinyServer s([&](const TinyRequest&) {
    return TinyReply{++n <= 2 ? 503 : 200, "{}", "application/json", {}};
  });
  CheckConfig c = TestCheck(CheckKind::kHttp, s.url() + "/h", "flaky");
  c.retries = 2;
  c.interval_ms = 60'000;
  Recorder rec;
  RunnerOptions opts;
  opts.retry_delay_ms = 200;  // SPEC: 1 s; shortened to keep the test quick
  CheckRunner runner({c}, rec.Fn(), opts);
  runner.Start();
  ASSERT_TRUE(rec.WaitFor(1));
  runner.Stop();
  std::lock_guard<std::mutex> l(rec.mu);
  ASSERT_EQ(rec.calls.size(), 1u);  // one completed probe, not one per attempt
  EXPECT_EQ(rec.calls[0].first.result.status, ServiceStatus::kRunning);
  EXPECT_EQ(rec.calls[0].first.attempts, 3);
  EXPECT_EQ(rec.thread_name, "probe");
  EXPECT_EQ(n.load(), 3);
}

TEST(CheckRunner, AllAttemptsFailingIsStoppedOneSecondApart) {
  std::atomic<int> n{0};
  TinyServer s([&](const TinyRequest&) {
    ++n;
    return TinyReply{500, "{}", "application/json", {}};
  });
  CheckConfig c = TestCheck(CheckKind::kHttp, s.url() + "/h", "down");
  c.retries = 1;
  c.interval_ms = 60'000;
  Recorder rec;
  int64_t t0 = ProbeNowMs();
  CheckRunner runner({c}, rec.Fn());
  runner.Start();
  ASSERT_TRUE(rec.WaitFor(1));
  int64_t took = ProbeNowMs() - t0;
  runner.Stop();
  std::lock_guard<std::mutex> l(rec.mu);
  EXPECT_EQ(rec.calls[0].first.result.status, ServiceStatus::kStopped);
  EXPECT_EQ(rec.calls[0].first.result.error, "GET /h: answered 500");
  EXPECT_EQ(rec.calls[0].first.attempts, 2);
  EXPECT_EQ(n.load(), 2);
  EXPECT_GE(took, 1000);  // the retry waited the default 1 s
}

TEST(CheckRunner, TransitionsAreRecordedWithTimesAndErrors) {
  std::atomic<int> code{200};
  TinyServer s([&](const TinyRequest&) {
    return TinyReply{code.load(), "{}", "application/json", {}};
  });
  CheckConfig c = TestCheck(CheckKind::kHttp, s.url() + "/h", "svc");
  c.interval_ms = 1000;
  FakeClock clock(1'700'000'000'000);
  RunnerOptions opts;
  opts.clock = &clock;
  Recorder rec;
  CheckRunner runner({c}, rec.Fn(), opts);
  EXPECT_FALSE(runner.Snapshot()[0].probed);
  runner.Start();
  ASSERT_TRUE(rec.WaitFor(1));
  clock.AdvanceMs(60'000);
  code = 503;
  ASSERT_TRUE(rec.WaitFor(2));
  clock.AdvanceMs(60'000);
  code = 200;
  ASSERT_TRUE(rec.WaitFor(3));
  runner.Stop();

  std::optional<CheckState> st = runner.Get("svc");
  ASSERT_TRUE(st.has_value());
  ASSERT_EQ(st->transitions.size(), 3u);
  EXPECT_FALSE(st->transitions[0].from.has_value());
  EXPECT_EQ(st->transitions[0].to, ServiceStatus::kRunning);
  EXPECT_EQ(st->transitions[0].at_ms, 1'700'000'000'000);
  EXPECT_EQ(st->transitions[1].from, ServiceStatus::kRunning);
  EXPECT_EQ(st->transitions[1].to, ServiceStatus::kStopped);
  EXPECT_EQ(st->transitions[1].error, "GET /h: answered 503");
  EXPECT_EQ(st->transitions[1].at_ms, 1'700'000'060'000);
  EXPECT_EQ(st->transitions[2].from, ServiceStatus::kStopped);
  EXPECT_EQ(st->transitions[2].to, ServiceStatus::kRunning);
  EXPECT_EQ(st->last_change_at_ms, 1'700'000'120'000);
  std::lock_guard<std::mutex> l(rec.mu);
  EXPECT_TRUE(rec.calls[0].second);
  EXPECT_TRUE(rec.calls[1].second);
  EXPECT_TRUE(rec.calls[2].second);
}

TEST(CheckRunner, UnchangedStatusIsNotATransition) {
  TinyServer s([](const TinyRequest&) { return TinyReply{200, "{}", "application/json", {}}; });
  CheckConfig c = TestCheck(CheckKind::kHttp, s.url() + "/h", "svc");
  Recorder rec;
  CheckRunner runner({c}, rec.Fn());
  runner.Start();
  ASSERT_TRUE(rec.WaitFor(2));
  runner.Stop();
  std::lock_guard<std::mutex> l(rec.mu);
  EXPECT_TRUE(rec.calls[0].second);
  EXPECT_FALSE(rec.calls[1].second);
  EXPECT_EQ(rec.calls[1].first.transitions.size(), 1u);
}

TEST(CheckRunner, StopIsPromptWithAHungPeer) {
  TinyServer hang([](const TinyRequest&) { return TinyReply{}; }, TinyServer::Mode::kHang);
  CheckConfig c = TestCheck(CheckKind::kHttp, hang.url() + "/h", "hung");
  c.interval_ms = 60'000;
  c.timeout_ms = 30'000;
  CheckRunner runner({c}, nullptr);
  runner.Start();
  ::usleep(300'000);  // the attempt is connected and waiting
  int64_t t0 = ProbeNowMs();
  runner.Stop();
  EXPECT_LT(ProbeNowMs() - t0, 300);  // ~immediate; generous for 2 loaded cores
  EXPECT_FALSE(runner.Snapshot()[0].probed);
}

TEST(CheckRunner, TimeoutDestroysTheAttempt) {
  TinyServer hang([](const TinyRequest&) { return TinyReply{}; }, TinyServer::Mode::kHang);
  CheckConfig c = TestCheck(CheckKind::kHttp, hang.url() + "/h", "slow");
  c.timeout_ms = 1000;
  c.interval_ms = 60'000;
  Recorder rec;
  CheckRunner runner({c}, rec.Fn());
  int64_t t0 = ProbeNowMs();
  runner.Start();
  ASSERT_TRUE(rec.WaitFor(1));
  int64_t took = ProbeNowMs() - t0;
  runner.Stop();
  std::lock_guard<std::mutex> l(rec.mu);
  EXPECT_EQ(rec.calls[0].first.result.error, "timed out after 1s");
  EXPECT_GE(took, 1000);
  EXPECT_LE(took, 2500);
}

TEST(CheckRunner, ReconfigureKeepsTheStateOfUnchangedChecks) {
  TinyServer s([](const TinyRequest&) { return TinyReply{200, "{}", "application/json", {}}; });
  CheckConfig a = TestCheck(CheckKind::kHttp, s.url() + "/a", "a");
  CheckConfig b = TestCheck(CheckKind::kHttp, s.url() + "/b", "b");
  a.interval_ms = b.interval_ms = 60'000;
  Recorder rec;
  CheckRunner runner({a, b}, rec.Fn());
  runner.Start();
  ASSERT_TRUE(rec.WaitFor(2));
  CheckConfig a2 = a;
  a2.label = "A (renamed label)";
  CheckConfig b2 = b;
  b2.url = s.url() + "/b2";
  CheckConfig c = TestCheck(CheckKind::kTcp, "tcp://127.0.0.1:" + std::to_string(s.port()), "c");
  c.interval_ms = 60'000;
  runner.Reconfigure({c, a2, b2});
  std::vector<CheckState> snap = runner.Snapshot();
  ASSERT_EQ(snap.size(), 3u);
  EXPECT_EQ(snap[0].config.name, "c");
  EXPECT_EQ(snap[1].config.label, "A (renamed label)");
  EXPECT_TRUE(snap[1].probed);  // same probe: state kept
  EXPECT_EQ(snap[2].config.url, s.url() + "/b2");
  ASSERT_TRUE(rec.WaitFor(4));
  ::usleep(200'000);
  runner.Stop();
  std::lock_guard<std::mutex> l(rec.mu);
  ASSERT_EQ(rec.calls.size(), 4u);  // a was not probed again before its interval
  std::map<std::string, int> per_name;
  for (const auto& [st, transition] : rec.calls) ++per_name[st.config.name];
  EXPECT_EQ(per_name["a"], 1);
  EXPECT_EQ(per_name["b"], 2);  // changed URL: a new check, probed right away
  EXPECT_EQ(per_name["c"], 1);
  for (const CheckState& s2 : runner.Snapshot()) {
    EXPECT_TRUE(s2.probed) << s2.config.name;
    ASSERT_EQ(s2.transitions.size(), 1u) << s2.config.name;  // b's history started over
    EXPECT_FALSE(s2.transitions[0].from.has_value());
  }
  runner.Reconfigure({});
  EXPECT_TRUE(runner.Snapshot().empty());
}

TEST(CheckRunner, FlappingRecordsEveryFlip) {
  std::atomic<int> n{0};
  TinyServer s([&](const TinyRequest&) {
    return TinyReply{(n++ % 2) ? 500 : 200, "{}", "application/json", {}};
  });
  CheckConfig c = TestCheck(CheckKind::kHttp, s.url() + "/h", "flap");
  c.interval_ms = 1000;
  Recorder rec;
  CheckRunner runner({c}, rec.Fn());
  runner.Start();
  ASSERT_TRUE(rec.WaitFor(3));
  runner.Stop();
  EXPECT_EQ(runner.Snapshot()[0].transitions.size(), 3u);
  EXPECT_EQ(CheckState::kMaxTransitions, 100u);
}

}  // namespace
}  // namespace botmon
