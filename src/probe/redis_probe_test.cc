// The Redis probe: RESP/INFO/URL parsing and the hit-rate figure as pure functions, then the
// probe against a real redis-server 7 started by the test (tests/support/redis_server.h), and
// against scripted hostile peers for replies a real server never sends.
#include <gtest/gtest.h>

#include <string>

#include "probe/probe.h"
#include "probe/redis_reply.h"
#include "support/raw_peer.h"
#include "support/redis_server.h"

namespace botmon {
namespace {

using testing::RawPeer;
using testing::RedisServer;

// ---- RESP ----------------------------------------------------------------------------------

std::optional<RespValue> ParseAll(std::string_view in, size_t* consumed, Status* st,
                                  const RespLimits& limits = RespLimits{}) {
  std::optional<RespValue> v;
  *st = ParseResp(in, limits, &v, consumed);
  return v;
}

TEST(RespParse, ParsesEveryType) {
  size_t n = 0;
  Status st;
  auto v = ParseAll("+OK\r\n", &n, &st);
  ASSERT_TRUE(st.ok() && v);
  EXPECT_EQ(v->type, RespValue::Type::kSimple);
  EXPECT_EQ(v->text, "OK");
  EXPECT_EQ(n, 5u);

  v = ParseAll("-NOAUTH Authentication required.\r\n", &n, &st);
  ASSERT_TRUE(st.ok() && v);
  EXPECT_EQ(v->type, RespValue::Type::kError);
  EXPECT_EQ(v->text, "NOAUTH Authentication required.");

  v = ParseAll(":-42\r\n", &n, &st);
  ASSERT_TRUE(st.ok() && v);
  EXPECT_EQ(v->type, RespValue::Type::kInteger);
  EXPECT_EQ(v->integer, -42);

  v = ParseAll("$5\r\na\r\nb!\r\n+next\r\n", &n, &st);
  ASSERT_TRUE(st.ok() && v);
  EXPECT_EQ(v->type, RespValue::Type::kBulk);
  EXPECT_EQ(v->text, "a\r\nb!");  // binary-safe
  EXPECT_EQ(n, 11u);              // stops before the next reply

  v = ParseAll("$-1\r\n", &n, &st);
  ASSERT_TRUE(st.ok() && v);
  EXPECT_EQ(v->type, RespValue::Type::kNull);

  v = ParseAll("*2\r\n$3\r\nfoo\r\n*1\r\n:1\r\n", &n, &st);
  ASSERT_TRUE(st.ok() && v);
  ASSERT_EQ(v->type, RespValue::Type::kArray);
  ASSERT_EQ(v->elements.size(), 2u);
  EXPECT_EQ(v->elements[0].text, "foo");
  EXPECT_EQ(v->elements[1].elements[0].integer, 1);
}

TEST(RespParse, EveryTruncationIsIncompleteNotAnError) {
  const std::string whole = "*3\r\n+OK\r\n$11\r\nhello world\r\n:7\r\n";
  for (size_t len = 0; len < whole.size(); ++len) {
    size_t n = 99;
    Status st;
    auto v = ParseAll(std::string_view(whole).substr(0, len), &n, &st);
    EXPECT_TRUE(st.ok()) << len << ": " << st.ToString();
    EXPECT_FALSE(v) << "prefix of " << len << " bytes";
    EXPECT_EQ(n, 0u);
  }
  size_t n = 0;
  Status st;
  EXPECT_TRUE(ParseAll(whole, &n, &st));
  EXPECT_EQ(n, whole.size());
}

TEST(RespParse, MalformedRepliesSayWhatAndWhere) {
  struct Case {
    std::string in;
    std::string error;
  } cases[] = {
      {"HTTP/1.1 400 Bad Request\r\n", "unexpected reply type byte \"H\" at byte 0"},
      {std::string("\x16\x03\x01\r\n", 5), "unexpected reply type byte \"\\x16\" at byte 0"},
      {":12x\r\n", "bad integer \"12x\" at byte 0"},
      {"$abc\r\n", "bad bulk length \"abc\""},
      {"$-2\r\n", "bad bulk length \"-2\""},
      {"$3\r\nabcde\r\n", "bulk string not followed by CRLF at byte 7"},
      {"*-5\r\n", "bad array length \"-5\""},
      {"*2\r\n+OK\r\n?\r\n", "unexpected reply type byte \"?\" at byte 9"},
  };
  for (const Case& c : cases) {
    size_t n = 0;
    Status st;
    auto v = ParseAll(c.in, &n, &st);
    EXPECT_FALSE(st.ok()) << c.in;
    EXPECT_FALSE(v);
    EXPECT_NE(st.message().find(c.error), std::string::npos) << st.message();
    EXPECT_EQ(st.message().rfind("bad Redis reply: ", 0), 0u) << st.message();
  }
}

TEST(RespParse, OversizeIsRejectedBeforeItArrives) {
  size_t n = 0;
  Status st;
  // A 2 MB bulk string is refused from its header alone.
  ParseAll("$2000000\r\nabc", &n, &st);
  EXPECT_NE(st.message().find("bulk string of 2000000 bytes exceeds the limit of 1048576"),
            std::string::npos)
      << st.message();
  // A line with no end in sight.
  ParseAll("+" + std::string(70 * 1024, 'a'), &n, &st);
  EXPECT_NE(st.message().find("line longer than 65536 bytes at byte 1"), std::string::npos)
      << st.message();
  ParseAll("*5000\r\n", &n, &st);
  EXPECT_NE(st.message().find("array of 5000 elements exceeds the limit of 1024"),
            std::string::npos)
      << st.message();
  ParseAll("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", &n, &st);
  EXPECT_NE(st.message().find("nested deeper than 4"), std::string::npos) << st.message();
  RespLimits tight;
  tight.max_bulk = 4;
  ParseAll("$5\r\nhello\r\n", &n, &st, tight);
  EXPECT_FALSE(st.ok());
}

// ---- INFO, URL, figure --------------------------------------------------------------------

constexpr const char* kInfo =
    "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n"
    "# Memory\r\nused_memory:1258291\r\nused_memory_human:1.20M\r\n\r\n"
    "# Stats\r\nkeyspace_hits:7\r\nkeyspace_misses:1\r\n\r\n# Keyspace\r\n"
    "db0:keys=1,expires=0,avg_ttl=0\r\n";

TEST(RedisInfo, ReadsVersionCountersAndMemory) {
  StatusOr<RedisInfo> info = ParseRedisInfo(kInfo);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->version, "7.0.15");
  EXPECT_EQ(info->keyspace_hits, 7);
  EXPECT_EQ(info->keyspace_misses, 1);
  EXPECT_EQ(info->used_memory, 1258291);
}

TEST(RedisInfo, RejectsWhatIsNotInfo) {
  auto err = [](std::string_view text) { return ParseRedisInfo(text).status().message(); };
  EXPECT_EQ(err("used_memory:10\r\n"), "bad INFO reply: no redis_version");
  EXPECT_EQ(err(""), "bad INFO reply: no redis_version");
  EXPECT_EQ(err("redis_version:7\r\n<html>\r\n"), "bad INFO reply: line 2 \"<html>\" has no ':'");
  EXPECT_EQ(err("redis_version:7\r\nkeyspace_hits:lots\r\n"),
            "bad INFO reply: keyspace_hits is \"lots\", not a number");
  EXPECT_EQ(err("redis_version:7\r\nused_memory:-5\r\n"),
            "bad INFO reply: used_memory is \"-5\", not a number");
  std::string many = "redis_version:7\n";
  for (int i = 0; i < 10001; ++i) many += "k:v\n";
  EXPECT_EQ(err(many), "bad INFO reply: more than 10000 lines");
}

TEST(RedisUrl, CredentialsHostAndPort) {
  StatusOr<RedisUrl> u = ParseRedisUrl("redis://:p%40ss@10.0.0.5:6380/2");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "10.0.0.5");
  EXPECT_EQ(u->port, 6380);
  EXPECT_EQ(u->username, "");
  EXPECT_EQ(u->password, "p@ss");
  u = ParseRedisUrl("REDIS://bot:pw@[::1]");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 6379);
  EXPECT_EQ(u->username, "bot");
  u = ParseRedisUrl("redis://cache");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "cache");

  EXPECT_EQ(ParseRedisUrl("rediss://h:1").status().message(),
            "rediss:// (TLS) is not supported; use redis://");
  EXPECT_EQ(ParseRedisUrl("http://h").status().message(),
            "a redis check's url must start with redis://");
  EXPECT_EQ(ParseRedisUrl("redis://:pw@").status().message(), "redis url has no host");
  EXPECT_EQ(ParseRedisUrl("redis://h:99999").status().message(), "redis url: bad port \"99999\"");
  EXPECT_EQ(ParseRedisUrl("redis://h:").status().message(), "redis url: bad port \"\"");
  EXPECT_FALSE(ParseRedisUrl("redis://:%zz@h").ok());
}

TEST(RedisFigure, HitRateIsCumulativeFirstThenBetweenProbes) {
  ProbeMemory memory;
  RedisInfo info;
  info.version = "7.0.15";
  info.keyspace_hits = 7;
  info.keyspace_misses = 1;
  info.used_memory = 1258291;
  ProbeResult r;
  FillRedisResult(info, &memory, 1000, &r);
  EXPECT_EQ(r.status, ServiceStatus::kRunning);
  EXPECT_EQ(r.figure, "87.5% hits, 1.2 MB used");
  EXPECT_DOUBLE_EQ(r.details["hitRate"], 87.5);
  EXPECT_DOUBLE_EQ(r.details["usedMemory"], 1258291);
  EXPECT_DOUBLE_EQ(r.details["keyspaceHits"], 7);
  EXPECT_DOUBLE_EQ(r.details["keyspaceMisses"], 1);
  EXPECT_EQ(memory.last_at_ms, 1000);

  info.keyspace_hits = 10;  // +3 hits, +1 miss
  info.keyspace_misses = 2;
  r = ProbeResult{};
  FillRedisResult(info, &memory, 2000, &r);
  EXPECT_EQ(r.figure, "75% hits, 1.2 MB used");

  r = ProbeResult{};  // nothing happened since
  FillRedisResult(info, &memory, 3000, &r);
  EXPECT_EQ(r.figure, "no lookups, 1.2 MB used");
  EXPECT_EQ(r.details.count("hitRate"), 0u);

  info.keyspace_hits = 2;  // the server restarted: cumulative again
  info.keyspace_misses = 1;
  r = ProbeResult{};
  FillRedisResult(info, &memory, 4000, &r);
  EXPECT_EQ(r.figure, "66.7% hits, 1.2 MB used");
}

TEST(RedisFigure, MemoryFormat) {
  EXPECT_EQ(FormatMemoryBytes(0), "0 B");
  EXPECT_EQ(FormatMemoryBytes(1023), "1023 B");
  EXPECT_EQ(FormatMemoryBytes(1536), "1.5 KB");
  EXPECT_EQ(FormatMemoryBytes(3.5 * 1024 * 1024 * 1024), "3.5 GB");
}

// ---- against a real redis-server ---------------------------------------------------------

CheckConfig RedisCheck(const std::string& url) {
  CheckConfig c;
  c.name = "redis";
  c.kind = CheckKind::kRedis;
  c.url = url;
  c.timeout_ms = 3000;
  c.connect_timeout_ms = 1000;
  return c;
}

class RedisProbeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new RedisServer();
    start_status_ = new Status(server_->Start("s3cret:pw"));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete start_status_;
  }
  void SetUp() override { ASSERT_TRUE(start_status_->ok()) << start_status_->ToString(); }

  static RedisServer* server_;
  static Status* start_status_;
};
RedisServer* RedisProbeTest::server_ = nullptr;
Status* RedisProbeTest::start_status_ = nullptr;

TEST_F(RedisProbeTest, RunningWithVersionAndFigure) {
  ProbeMemory memory;
  ProbeResult r = RunProbeBlocking(RedisCheck(server_->url()), &memory);
  ASSERT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.version.rfind("7.", 0), 0u) << r.version;
  EXPECT_NE(r.figure.find(" used"), std::string::npos) << r.figure;
  EXPECT_GT(r.details["usedMemory"], 0);
  EXPECT_TRUE(r.error.empty());
  EXPECT_GE(r.latency_ms, 0);
  EXPECT_EQ(memory.last.count("keyspace_hits"), 1u);
}

TEST_F(RedisProbeTest, HitRateFollowsHitsAndMissesBetweenProbes) {
  ProbeMemory memory;
  CheckConfig check = RedisCheck(server_->url());
  ASSERT_EQ(RunProbeBlocking(check, &memory).status, ServiceStatus::kRunning);
  ASSERT_TRUE(server_->Command({"SET", "probe:k", "v"}).ok());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(*server_->Command({"GET", "probe:k"}), "v");
  ASSERT_EQ(*server_->Command({"GET", "probe:absent"}), "(nil)");
  ProbeResult r = RunProbeBlocking(check, &memory);
  ASSERT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.figure.rfind("75% hits, ", 0), 0u) << r.figure;
  EXPECT_DOUBLE_EQ(r.details["hitRate"], 75);

  ASSERT_EQ(*server_->Command({"GET", "probe:k"}), "v");
  ASSERT_EQ(*server_->Command({"GET", "probe:absent"}), "(nil)");
  r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.figure.rfind("50% hits, ", 0), 0u) << r.figure;

  r = RunProbeBlocking(check, &memory);  // the probe itself makes no lookups
  EXPECT_EQ(r.figure.rfind("no lookups, ", 0), 0u) << r.figure;
}

TEST_F(RedisProbeTest, WrongPasswordIsStoppedWithTheServersError) {
  ProbeMemory memory;
  CheckConfig check = RedisCheck(server_->url());
  check.password = "wrong";  // overrides the URL's
  ProbeResult r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error.rfind("AUTH failed: WRONGPASS", 0), 0u) << r.error;
  EXPECT_EQ(r.error.find("wrong"), std::string::npos);  // never the password
  EXPECT_TRUE(memory.last.empty());
}

TEST_F(RedisProbeTest, NoPasswordWhenOneIsRequiredIsNoauth) {
  ProbeMemory memory;
  CheckConfig check = RedisCheck("redis://127.0.0.1:" + std::to_string(server_->port()));
  ProbeResult r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error.rfind("PING failed: NOAUTH", 0), 0u) << r.error;

  check.password = server_->password();  // the check's own password field
  r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
}

TEST_F(RedisProbeTest, AclUserAndPassword) {
  ASSERT_TRUE(
      server_->Command({"ACL", "SETUSER", "monitor", "on", ">mon-pw", "+ping", "+info"}).ok());
  CheckConfig check =
      RedisCheck("redis://monitor:mon-pw@127.0.0.1:" + std::to_string(server_->port()));
  ProbeMemory memory;
  ProbeResult r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  check.password = "nope";
  r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("WRONGPASS"), std::string::npos) << r.error;
}

TEST(RedisProbeServer, StoppedServerIsStoppedAndARestartRunsAgain) {
  RedisServer server;
  Status st = server.Start("pw");
  ASSERT_TRUE(st.ok()) << st.ToString();
  CheckConfig check = RedisCheck(server.url());
  ProbeMemory memory;
  EXPECT_EQ(RunProbeBlocking(check, &memory).status, ServiceStatus::kRunning);
  server.Stop();
  ProbeResult r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error,
            "connect to 127.0.0.1:" + std::to_string(server.port()) + ": Connection refused");
  EXPECT_LT(r.latency_ms, 3000);
  st = server.Start("pw");
  ASSERT_TRUE(st.ok()) << st.ToString();
  r = RunProbeBlocking(check, &memory);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
}

TEST(RedisProbeServer, NoPasswordConfiguredAnywhere) {
  RedisServer server;
  Status st = server.Start("");
  ASSERT_TRUE(st.ok()) << st.ToString();
  ProbeMemory memory;
  ProbeResult r = RunProbeBlocking(RedisCheck(server.url()), &memory);
  EXPECT_EQ(r.status, ServiceStatus::kRunning) << r.error;
  EXPECT_EQ(r.figure.rfind("no lookups, ", 0), 0u) << r.figure;
}

// ---- hostile peers (replies no real Redis sends) ------------------------------------------

ProbeResult ProbePeer(const RawPeer& peer, int64_t timeout_ms = 3000) {
  CheckConfig check = RedisCheck("redis://127.0.0.1:" + std::to_string(peer.port()));
  check.timeout_ms = timeout_ms;
  ProbeMemory memory;
  return RunProbeBlocking(check, &memory);
}

TEST(RedisProbeHostile, GarbageIsAParseError) {
  RawPeer peer("HTTP/1.1 400 Bad Request\r\n\r\n", RawPeer::After::kClose);
  ProbeResult r = ProbePeer(peer);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "bad Redis reply: unexpected reply type byte \"H\" at byte 0");
}

TEST(RedisProbeHostile, ClosedBeforeTheReplyEnds) {
  RawPeer peer("+PONG\r\n$100\r\nredis_version:7", RawPeer::After::kClose);
  ProbeResult r = ProbePeer(peer);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "connection closed by 127.0.0.1:" + std::to_string(peer.port()) +
                         " before the reply to INFO");
}

TEST(RedisProbeHostile, UnexpectedRepliesAreStopped) {
  {
    RawPeer peer("+PONG\r\n:5\r\n", RawPeer::After::kHang);
    EXPECT_EQ(ProbePeer(peer).error, "unexpected reply to INFO (expected a bulk string)");
  }
  {
    RawPeer peer("+HELLO\r\n", RawPeer::After::kHang);
    EXPECT_EQ(ProbePeer(peer).error, "unexpected reply to PING (expected +PONG)");
  }
  {
    RawPeer peer("+PONG\r\n$9\r\nk:v\r\nx:yz\r\n", RawPeer::After::kHang);
    EXPECT_EQ(ProbePeer(peer).error, "bad INFO reply: no redis_version");
  }
}

TEST(RedisProbeHostile, OversizeReplyIsRefused) {
  RawPeer peer("+PONG\r\n$5000000\r\n" + std::string(100, 'x'), RawPeer::After::kHang);
  ProbeResult r = ProbePeer(peer);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_NE(r.error.find("exceeds the limit of 1048576"), std::string::npos) << r.error;
}

TEST(RedisProbeHostile, SilentServerTimesOut) {
  RawPeer peer("", RawPeer::After::kHang);
  ProbeResult r = ProbePeer(peer, 1000);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "timed out after 1s");
}

TEST(RedisProbeHostile, BadUrlIsStoppedAtOnce) {
  ProbeMemory memory;
  ProbeResult r = RunProbeBlocking(RedisCheck("rediss://127.0.0.1:1"), &memory);
  EXPECT_EQ(r.status, ServiceStatus::kStopped);
  EXPECT_EQ(r.error, "rediss:// (TLS) is not supported; use redis://");
}

}  // namespace
}  // namespace botmon
