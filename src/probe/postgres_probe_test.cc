// The PostgreSQL probe against a real PostgreSQL 15 started by the test
// (tests/support/pg_server.h), and against scripted peers for what a real server never does
// (never answering, answering garbage).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <regex>
#include <string>
#include <thread>

#include "probe/probe.h"
#include "support/pg_server.h"
#include "support/raw_peer.h"

namespace botmon {
namespace {

using testing::PgServer;
using testing::RawPeer;

CheckConfig PgCheck(const std::string& url) {
  CheckConfig c;
  c.name = "postgresql";
  c.kind = CheckKind::kPostgresql;
  c.url = url;
  c.timeout_ms = 5000;
  c.connect_timeout_ms = 3000;
  return c;
}

ProbeResult Probe(const CheckConfig& check) {
  ProbeMemory memory;
  return RunProbeBlocking(check, &memory);
}

// Probes until `done` holds for the result (a backend that just disconnected may still be
// counted for a moment), at most 10 s; returns the last result.
ProbeResult ProbeUntil(const CheckConfig& check,
                       const std::function<bool(const ProbeResult&)>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  ProbeResult r = Probe(check);
  while (!done(r) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    r = Probe(check);
  }
  return r;
}

double Connections(const ProbeResult& r) {
  auto it = r.details.find("connections");
  return it == r.details.end() ? -1 : it->second;
}

class PostgresProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new PgServer();
    start_status_ = new Status(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete start_status_;
  }
  void SetUp() override {
    ASSERT_TRUE(start_status_->ok()) << start_status_->ToString();
    ASSERT_TRUE(server_->running()) << server_->Log();
  }

  static PgServer* server_;
  static Status* start_status_;
};
PgServer* PostgresProbeTest::server_ = nullptr;
Status* PostgresProbeTest::start_status_ = nullptr;

TEST_F(PostgresProbeTest, RunningWithVersionAndConnections) {
  ProbeResult r = Probe(PgCheck(server_->url()));
  ASSERT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_TRUE(std::regex_match(r.version, std::regex(R"(15\.\d+)"))) << r.version;
  EXPECT_TRUE(std::regex_match(r.figure, std::regex(R"(\d+/40 connections)"))) << r.figure;
  EXPECT_GE(r.details["connections"], 1);  // the probe's own session at least
  EXPECT_DOUBLE_EQ(r.details["maxConnections"], 40);
  EXPECT_TRUE(r.error.empty());
  EXPECT_GT(r.latency_ms, 0);
}

TEST_F(PostgresProbeTest, ConnectionsFollowOpenSessions) {
  CheckConfig check = PgCheck(server_->url());
  // A stable baseline: two equal readings in a row.
  double previous = -5;
  ProbeResult r = ProbeUntil(check, [&](const ProbeResult& x) {
    double now = Connections(x);
    bool same = now == previous;
    previous = now;
    return same;
  });
  ASSERT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  const double base = r.details["connections"];

  Status st = server_->OpenConnections(3);
  ASSERT_TRUE(st.ok()) << st.ToString();
  r = ProbeUntil(check, [&](const ProbeResult& x) { return Connections(x) == base + 3; });
  EXPECT_EQ(r.details["connections"], base + 3);
  EXPECT_EQ(r.figure, std::to_string(static_cast<int>(base) + 3) + "/40 connections");

  server_->CloseConnections();
  r = ProbeUntil(check, [&](const ProbeResult& x) { return Connections(x) == base; });
  EXPECT_EQ(r.details["connections"], base);
}

TEST_F(PostgresProbeTest, WrongPasswordIsStoppedWithLibpqsMessage) {
  CheckConfig check = PgCheck(server_->url());
  check.password = "not-the-password";  // overrides the URL's
  ProbeResult r = Probe(check);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("password authentication failed for user \"" + server_->user() + "\""),
            std::string::npos)
      << r.error;
  EXPECT_EQ(r.error.find('\n'), std::string::npos);
  EXPECT_EQ(r.error.find("not-the-password"), std::string::npos);

  r = Probe(PgCheck(server_->UrlWithPassword("bad")));  // wrong in the URL itself
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("password authentication failed"), std::string::npos) << r.error;
}

TEST_F(PostgresProbeTest, CheckCredentialsOverrideTheUrls) {
  CheckConfig check = PgCheck(
      "postgresql://nobody:nothing@127.0.0.1:" + std::to_string(server_->port()) + "/postgres");
  check.username = server_->user();
  check.password = server_->password();
  ProbeResult r = Probe(check);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;

  check.username = "nosuchuser";
  r = Probe(check);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("\"nosuchuser\""), std::string::npos) << r.error;
}

TEST_F(PostgresProbeTest, UnknownDatabaseIsStopped) {
  ProbeResult r = Probe(PgCheck("postgresql://" + server_->user() + ":" + server_->password() +
                                "@127.0.0.1:" + std::to_string(server_->port()) + "/nodb"));
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("database \"nodb\" does not exist"), std::string::npos) << r.error;
}

TEST_F(PostgresProbeTest, StoppedServerIsStoppedAndARestartRunsAgain) {
  CheckConfig check = PgCheck(server_->url());
  ASSERT_EQ(Probe(check).status, ServiceStatus::kRunning);
  server_->Stop();
  auto t0 = std::chrono::steady_clock::now();
  ProbeResult r = Probe(check);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("Connection refused"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find('\n'), std::string::npos) << r.error;
  EXPECT_LT(took, std::chrono::milliseconds(check.timeout_ms));
  Status st = server_->Start();
  ASSERT_TRUE(st.ok()) << st.ToString();
  r = Probe(check);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
}

TEST(PostgresProbePeer, SilentServerHitsTheConnectTimeout) {
  RawPeer peer("", RawPeer::After::kHang);  // accepts, reads the startup packet, never answers
  CheckConfig check = PgCheck("postgresql://u:p@127.0.0.1:" + std::to_string(peer.port()) + "/d");
  check.connect_timeout_ms = 500;
  check.timeout_ms = 5000;
  auto t0 = std::chrono::steady_clock::now();
  ProbeResult r = Probe(check);
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "connect timed out after 500ms");
  EXPECT_GE(took, std::chrono::milliseconds(500));
  EXPECT_LT(took, std::chrono::milliseconds(5000));
}

TEST(PostgresProbePeer, NotAcceptingAtAllTimesOutToo) {
  RawPeer peer("", RawPeer::After::kHang, /*accept=*/false);
  CheckConfig check = PgCheck("postgresql://u:p@127.0.0.1:" + std::to_string(peer.port()) + "/d");
  check.connect_timeout_ms = 500;
  ProbeResult r = Probe(check);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "connect timed out after 500ms");
}

TEST(PostgresProbePeer, OverallTimeoutWins) {
  RawPeer peer("", RawPeer::After::kHang);
  CheckConfig check = PgCheck("postgresql://u:p@127.0.0.1:" + std::to_string(peer.port()) + "/d");
  check.connect_timeout_ms = 5000;
  check.timeout_ms = 1000;
  ProbeResult r = Probe(check);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "timed out after 1s");
}

TEST(PostgresProbePeer, GarbageReplyIsStopped) {
  RawPeer peer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", RawPeer::After::kClose);
  ProbeResult r = Probe(
      PgCheck("postgresql://u:p@127.0.0.1:" + std::to_string(peer.port()) + "/d?sslmode=disable"));
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(r.error.find('\n'), std::string::npos) << r.error;
}

TEST(PostgresProbePeer, MalformedUrlIsStoppedAtOnce) {
  ProbeResult r = Probe(PgCheck("postgresql://u:p@127.0.0.1:notaport/d"));
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("notaport"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace botmon
