// Hostile peers (SPEC 8, issue 4): a peer that accepts and never answers, one that answers
// garbage, one that drips its reply one byte per 200 ms, and one that closes mid-reply. Each
// check ends `stopped` with a clear error within its timeout (+1.5 s of slack on loaded cores),
// while a healthy check in the same CheckRunner keeps being probed on its 1 s schedule.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "probe/check_runner.h"
#include "probe/probe_test_util.h"

namespace botmon {
namespace {

using testing::TestCheck;
using testing::TinyReply;
using testing::TinyRequest;
using testing::TinyServer;

TinyReply Ok(const TinyRequest&) {
  return TinyReply{
      200, R"({"status":"up","padding":")" + std::string(200, 'p') + "\"}", "application/json", {}};
}

struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::vector<std::pair<int64_t, ProbeResult>>> by_name;  // (ms, result)
};

TEST(Hostile, EveryHostilePeerEndsStoppedWhileOthersKeepTheirSchedule) {
  TinyServer hang(Ok, TinyServer::Mode::kHang);
  TinyServer garbage(Ok, TinyServer::Mode::kGarbage);
  TinyServer drip(Ok, TinyServer::Mode::kDrip);
  TinyServer cut(Ok, TinyServer::Mode::kCloseMidReply);
  TinyServer good(Ok);
  const int64_t timeout = 2000;
  std::vector<CheckConfig> checks;
  for (auto [name, server] : {std::pair{"hang", &hang}, std::pair{"garbage", &garbage},
                              std::pair{"drip", &drip}, std::pair{"cut", &cut}}) {
    CheckConfig c = TestCheck(CheckKind::kHttp, server->url() + "/health", name);
    c.interval_ms = 60'000;  // one probe each during the test
    c.timeout_ms = timeout;
    checks.push_back(c);
  }
  CheckConfig healthy = TestCheck(CheckKind::kHttp, good.url() + "/health", "healthy");
  healthy.interval_ms = 1000;
  healthy.timeout_ms = 1000;
  checks.push_back(healthy);

  Seen seen;
  int64_t start = ProbeNowMs();
  CheckRunner runner(checks, [&](const CheckState& s, bool) {
    std::lock_guard<std::mutex> l(seen.mu);
    seen.by_name[s.config.name].emplace_back(ProbeNowMs() - start, s.result);
    seen.cv.notify_all();
  });
  runner.Start();
  {
    std::unique_lock<std::mutex> l(seen.mu);
    ASSERT_TRUE(seen.cv.wait_for(l, std::chrono::seconds(10), [&] {
      for (const char* n : {"hang", "garbage", "drip", "cut"}) {
        if (seen.by_name[n].empty()) return false;
      }
      return seen.by_name["healthy"].size() >= 4;
    }));
  }
  runner.Stop();

  std::lock_guard<std::mutex> l(seen.mu);
  for (const char* n : {"hang", "garbage", "drip", "cut"}) {
    const auto& [at, r] = seen.by_name[n].front();
    EXPECT_EQ(r.status, ServiceStatus::kStopped) << n;
    EXPECT_LE(at, timeout + 1500) << n << " took " << at << " ms";
    EXPECT_FALSE(r.error.empty()) << n;
  }
  EXPECT_EQ(seen.by_name["hang"].front().second.error, "timed out after 2s");
  EXPECT_EQ(seen.by_name["drip"].front().second.error, "timed out after 2s");
  const std::string& garbage_error = seen.by_name["garbage"].front().second.error;
  EXPECT_EQ(garbage_error.rfind("GET /health: not an HTTP reply (", 0), 0u) << garbage_error;
  EXPECT_LT(seen.by_name["garbage"].front().first, 1500) << "garbage is rejected at once";
  const std::string& cut_error = seen.by_name["cut"].front().second.error;
  EXPECT_EQ(cut_error.rfind("GET /health: ", 0), 0u) << cut_error;
  EXPECT_NE(cut_error.find("transfer closed"), std::string::npos) << cut_error;

  // The healthy check ran on schedule while the hostile ones were in flight: a probe at ~0 s and
  // ~1 s (each well before the hung attempts were given up at 2 s), all running.
  const auto& h = seen.by_name["healthy"];
  ASSERT_GE(h.size(), 4u);
  for (const auto& [at, r] : h) EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_LT(h[0].first, 700);
  EXPECT_LT(h[1].first, 1700);
  EXPECT_GE(h[1].first, 900);
}

TEST(Hostile, HungPeerTimesOutForEveryHttpKind) {
  TinyServer hang(Ok, TinyServer::Mode::kHang);
  for (CheckKind kind : {CheckKind::kQdrant, CheckKind::kMinio, CheckKind::kVault,
                         CheckKind::kInfluxdb, CheckKind::kLlm}) {
    CheckConfig c = TestCheck(kind, hang.url());
    c.timeout_ms = 1000;
    ProbeMemory mem;
    int64_t t0 = ProbeNowMs();
    ProbeResult r = testing::DriveProbe(c, &mem);
    EXPECT_EQ(r.status, ServiceStatus::kStopped);
    EXPECT_EQ(r.error, "timed out after 1s");
    EXPECT_LE(ProbeNowMs() - t0, 1000 + 1500);
  }
}

}  // namespace
}  // namespace botmon
