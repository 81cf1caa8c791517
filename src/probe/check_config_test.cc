#include "probe/check_config.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

RawItem Item(const char* json, int line = 12) {
  RawItem r;
  r.value = nlohmann::json::parse(json);
  r.file = "botmon.yaml";
  r.line = line;
  r.col = 5;
  return r;
}

CheckConfig One(const char* json) {
  StatusOr<std::vector<CheckConfig>> r = ParseChecks({Item(json)});
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok() || r->size() != 1) return CheckConfig{};
  return (*r)[0];
}

std::string Error(std::vector<RawItem> items) {
  StatusOr<std::vector<CheckConfig>> r = ParseChecks(items);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

std::string Error(const char* json) { return Error({Item(json)}); }

TEST(CheckConfig, DefaultsFollowTheSeed) {
  CheckConfig c = One(R"({"kind": "redis", "url": "redis://:pw@127.0.0.1:6379"})");
  EXPECT_EQ(c.name, "redis");
  EXPECT_EQ(c.label, "Cache");
  EXPECT_EQ(c.kind, CheckKind::kRedis);
  EXPECT_EQ(c.interval_ms, 30'000);
  EXPECT_EQ(c.timeout_ms, 3'000);
  EXPECT_EQ(c.connect_timeout_ms, 1'000);
  EXPECT_EQ(c.retries, 2);
  EXPECT_EQ(c.warn_after_ms, 0);
  EXPECT_FALSE(c.insecure_skip_verify);
  EXPECT_EQ(c.origin, "botmon.yaml:12");

  CheckConfig llm = One(R"({"kind": "llm", "url": "http://127.0.0.1:8000"})");
  EXPECT_EQ(llm.name, "botmodels");
  EXPECT_EQ(llm.label, "BotModels");
  CheckConfig pg = One(R"({"kind": "postgresql", "url": "postgresql://u:p@db/botmon"})");
  EXPECT_EQ(pg.name, "postgresql");
  EXPECT_EQ(pg.label, "postgresql");
  for (const char* kind : {"qdrant", "minio", "vault", "influxdb"}) {
    std::string j = std::string(R"({"kind": ")") + kind + R"(", "url": "http://h:1"})";
    EXPECT_EQ(One(j.c_str()).name, kind);
  }
}

TEST(CheckConfig, EveryKey) {
  CheckConfig c = One(R"({"name": "api", "kind": "http", "url": "https://x.example/health",
    "interval": "1m", "timeout": "5s", "connectTimeout": "2s", "retries": 3, "warnAfter": "800ms",
    "label": "Public API", "username": "u", "password": "p", "token": "t",
    "insecureSkipVerify": true,
    "expect": {"status": 200, "bodyContains": "ok", "jsonPath": "$.checks[0].state", "equals": "up"}})");
  EXPECT_EQ(c.name, "api");
  EXPECT_EQ(c.label, "Public API");
  EXPECT_EQ(c.interval_ms, 60'000);
  EXPECT_EQ(c.timeout_ms, 5'000);
  EXPECT_EQ(c.connect_timeout_ms, 2'000);
  EXPECT_EQ(c.retries, 3);
  EXPECT_EQ(c.warn_after_ms, 800);
  EXPECT_EQ(c.username, "u");
  EXPECT_EQ(c.password, "p");
  EXPECT_EQ(c.token, "t");
  EXPECT_TRUE(c.insecure_skip_verify);
  EXPECT_EQ(c.expect.status, 200);
  EXPECT_EQ(c.expect.body_contains, "ok");
  EXPECT_EQ(c.expect.json_path, "$.checks[0].state");
  EXPECT_EQ(c.expect.equals, "up");

  EXPECT_EQ(
      One(R"({"kind": "http", "url": "http://h/", "expect": {"jsonPath": "$.n", "equals": 3}})")
          .expect.equals,
      "3");
  EXPECT_EQ(One(R"({"kind": "influxdb", "url": "http://h:8086", "version": 2})").influx_version, 2);
  EXPECT_EQ(One(R"({"kind": "llm", "url": "http://h", "ttftModel": "gpt-4o"})").ttft_model,
            "gpt-4o");
  EXPECT_EQ(One(R"({"kind": "tcp", "url": "tcp://127.0.0.1:22"})").name, "tcp");
}

TEST(CheckConfig, ShortIntervalsShortenTheDefaultTimeouts) {
  CheckConfig c = One(R"({"kind": "tcp", "url": "tcp://h:1", "interval": "1s"})");
  EXPECT_EQ(c.timeout_ms, 1000);
  EXPECT_EQ(c.connect_timeout_ms, 1000);
  CheckConfig d = One(R"({"kind": "tcp", "url": "tcp://h:1", "timeout": "500ms"})");
  EXPECT_EQ(d.connect_timeout_ms, 500);
}

TEST(CheckConfig, PreciseErrors) {
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "timeout": "x"})"),
            "botmon.yaml:12: checks[0].timeout: \"x\" is not a duration (use e.g. 2m, 1h30m, "
            "500ms)");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "interval": 30})"),
            "botmon.yaml:12: checks[0].interval: 30 is not a duration: durations are strings "
            "like 2m");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "intervall": "1m"})"),
            "botmon.yaml:12: checks[0].intervall: unknown key (did you mean \"interval\"?)");
  EXPECT_EQ(Error(R"({"url": "redis://h"})"),
            "botmon.yaml:12: checks[0].kind: required (postgresql, redis, qdrant, minio, vault, "
            "influxdb, llm, http, tcp)");
  EXPECT_EQ(Error(R"({"kind": "mongo", "url": "x"})"),
            "botmon.yaml:12: checks[0].kind: \"mongo\" is not a check kind (postgresql, redis, "
            "qdrant, minio, vault, influxdb, llm, http, tcp)");
  EXPECT_EQ(Error(R"({"kind": "redis"})"), "botmon.yaml:12: checks[0].url: required");
  EXPECT_EQ(Error(R"({"kind": "qdrant", "url": "redis://h:1"})"),
            "botmon.yaml:12: checks[0].url: kind qdrant needs a http/https:// URL");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "rediss://h:6380"})"),
            "botmon.yaml:12: checks[0].url: rediss:// (TLS) is not supported by the Redis check; "
            "use redis://");
  EXPECT_EQ(Error(R"({"kind": "tcp", "url": "tcp://h"})"),
            "botmon.yaml:12: checks[0].url: needs a port (tcp://host:port)");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "timeout": "40s"})"),
            "botmon.yaml:12: checks[0].timeout: 40s is longer than the interval (30s)");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "interval": "500ms"})"),
            "botmon.yaml:12: checks[0].interval: must be between 1s and 24h");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "retries": 11})"),
            "botmon.yaml:12: checks[0].retries: 11 is out of range 0..10");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "retries": "2"})"),
            "botmon.yaml:12: checks[0].retries: expected an integer, got a string");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "password": 1234})"),
            "botmon.yaml:12: checks[0].password: expected a string, got a number (quote it: "
            "\"1234\")");
  EXPECT_EQ(Error(R"({"kind": "postgresql", "url": "postgresql://h/db", "token": "t"})"),
            "botmon.yaml:12: checks[0].token: not used by kind postgresql (it takes "
            "username/password)");
  EXPECT_EQ(Error(R"({"kind": "vault", "url": "http://h", "password": "p"})"),
            "botmon.yaml:12: checks[0].password: not used by kind vault (it takes a token)");
  EXPECT_EQ(Error(R"({"kind": "vault", "url": "http://h", "expect": {"status": 200}})"),
            "botmon.yaml:12: checks[0].expect: only kind http takes expect");
  EXPECT_EQ(Error(R"({"kind": "http", "url": "http://h", "expect": {"equals": "x"}})"),
            "botmon.yaml:12: checks[0].expect.equals: needs expect.jsonPath");
  EXPECT_EQ(Error(R"({"kind": "http", "url": "http://h", "expect": {"jsonPath": "a.b"}})"),
            "botmon.yaml:12: checks[0].expect.jsonPath: \"a.b\" must start with $ (e.g. $.status)");
  EXPECT_EQ(Error(R"({"kind": "http", "url": "http://h", "expect": {"stat": 200}})"),
            "botmon.yaml:12: checks[0].expect.stat: unknown key (did you mean \"status\"?)");
  EXPECT_EQ(Error(R"({"kind": "http", "url": "http://h", "warnAfter": "3s"})"),
            "botmon.yaml:12: checks[0].warnAfter: 3s must be below the timeout (3s)");
  EXPECT_EQ(Error(R"({"kind": "tcp", "url": "tcp://h:1", "insecureSkipVerify": true})"),
            "botmon.yaml:12: checks[0].insecureSkipVerify: not used by kind tcp");
  EXPECT_EQ(Error(R"({"kind": "redis", "url": "redis://h", "version": 2})"),
            "botmon.yaml:12: checks[0].version: only kind influxdb takes version");
  EXPECT_EQ(Error(R"({"kind": "redis", "name": "bad name", "url": "redis://h"})"),
            "botmon.yaml:12: checks[0].name: \"bad name\" must be 1-64 letters, digits, '_', '-' "
            "or '.', starting with a letter or digit");
  EXPECT_EQ(Error(R"(["kind", "redis"])"),
            "botmon.yaml:12: checks[0]: expected a map like {kind: redis, url: "
            "\"redis://127.0.0.1:6379\"}");
  std::string long_url = R"({"kind": "http", "url": "http://h/)" + std::string(3000, 'a') + "\"}";
  EXPECT_EQ(Error(long_url.c_str()), "botmon.yaml:12: checks[0].url: longer than 2048 characters");
  EXPECT_EQ(Error(R"({"kind": "http", "url": "http://h/a b"})"),
            "botmon.yaml:12: checks[0].url: must not contain spaces or control characters");
}

TEST(CheckConfig, DuplicateNamesAndEveryProblemReported) {
  EXPECT_EQ(Error({Item(R"({"kind": "redis", "url": "redis://a"})", 3),
                   Item(R"({"kind": "redis", "url": "redis://b"})", 4)}),
            "botmon.yaml:4: checks[1].name: \"redis\" is also the name of checks[0] (give each "
            "check its own name)");
  EXPECT_EQ(Error({Item(R"({"kind": "redis", "url": "redis://a", "retries": -1})", 3),
                   Item(R"({"kind": "http"})", 7)}),
            "botmon.yaml:3: checks[0].retries: -1 is out of range 0..10\n"
            "botmon.yaml:7: checks[1].url: required");
  RawItem no_file;
  no_file.value = nlohmann::json::parse(R"({"kind": "tcp"})");
  EXPECT_EQ(Error({no_file}), "checks[0].url: required");
}

TEST(CheckConfig, ManyChecksAndNames) {
  std::vector<RawItem> items;
  for (int i = 0; i < 3; ++i) {
    std::string j =
        R"({"kind": "http", "name": "h)" + std::to_string(i) + R"(", "url": "http://h"})";
    items.push_back(Item(j.c_str()));
  }
  StatusOr<std::vector<CheckConfig>> r = ParseChecks(items);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[2].name, "h2");
  EXPECT_EQ((*r)[2].label, "h2");
  std::vector<RawItem> too_many(kMaxChecks + 1, Item(R"({"kind": "tcp", "url": "tcp://h:1"})"));
  EXPECT_EQ(Error(too_many), "checks: more than 200 checks");
}

TEST(CheckConfig, SameProbeIgnoresLabelAndOrigin) {
  CheckConfig a = One(R"({"kind": "redis", "url": "redis://h", "label": "A"})");
  CheckConfig b = One(R"({"kind": "redis", "url": "redis://h", "label": "B"})");
  b.origin = "other.yaml:1";
  EXPECT_TRUE(SameProbe(a, b));
  b.retries = 5;
  EXPECT_FALSE(SameProbe(a, b));
  CheckConfig c = a;
  c.expect.equals = "x";
  EXPECT_FALSE(SameProbe(a, c));
}

TEST(CheckConfig, KindNames) {
  for (CheckKind k : {CheckKind::kPostgresql, CheckKind::kRedis, CheckKind::kQdrant,
                      CheckKind::kMinio, CheckKind::kVault, CheckKind::kInfluxdb, CheckKind::kLlm,
                      CheckKind::kHttp, CheckKind::kTcp}) {
    EXPECT_EQ(ParseCheckKind(CheckKindName(k)), k);
  }
  EXPECT_EQ(ParseCheckKind("postgres"), std::nullopt);
  EXPECT_STREQ(ServiceStatusName(ServiceStatus::kSealed), "sealed");
  EXPECT_STREQ(ServiceStatusName(ServiceStatus::kRunning), "running");
  EXPECT_STREQ(ServiceStatusName(ServiceStatus::kWarning), "warning");
  EXPECT_STREQ(ServiceStatusName(ServiceStatus::kStopped), "stopped");
}

}  // namespace
}  // namespace botmon
