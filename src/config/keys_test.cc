#include "config/keys.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace botmon::config_internal {
namespace {

TEST(ConfigKeys, TableHasEveryKeyOfAppendixA1InOrder) {
  const std::vector<std::string> expected = {"listen",
                                             "dataDir",
                                             "store",
                                             "tick",
                                             "timezone",
                                             "hostName",
                                             "publicUrl",
                                             "retention.raw",
                                             "retention.rollup1m",
                                             "retention.rollup1h",
                                             "ingest.maxBodyBytes",
                                             "ingest.maxEvents",
                                             "ingest.rateLimitPerToken",
                                             "sessions.idleTimeout",
                                             "sessions.retention",
                                             "privacy.maskUsers",
                                             "privacy.storeText",
                                             "privacy.redact",
                                             "collect.mounts",
                                             "collect.procRoot",
                                             "collect.nvmlLibrary",
                                             "metrics.public",
                                             "nodes.staleAfter",
                                             "alerting.watcherInterval",
                                             "alerting.retentionPeriod",
                                             "alerting.defaults",
                                             "hooks.dir",
                                             "hooks.timeout",
                                             "notifications.giveUpAfter",
                                             "smtp.host",
                                             "smtp.port",
                                             "smtp.tls",
                                             "smtp.username",
                                             "smtp.password",
                                             "smtp.from",
                                             "sms.provider",
                                             "sms.baseUrl",
                                             "sms.accountSid",
                                             "sms.authToken",
                                             "sms.from",
                                             "sms.url",
                                             "sms.body",
                                             "channels",
                                             "routes",
                                             "silences",
                                             "maintenance",
                                             "rules",
                                             "checks",
                                             "influx.url",
                                             "influx.version",
                                             "influx.database",
                                             "influx.org",
                                             "influx.bucket",
                                             "influx.token",
                                             "cluster.enabled",
                                             "cluster.redisUrl",
                                             "tls.cert",
                                             "tls.key",
                                             "auth.sessionIdle",
                                             "auth.sessionMax"};
  std::vector<std::string> yaml_keys;
  for (const KeySpec& k : AllKeys()) {
    if (!k.botpress_only) yaml_keys.emplace_back(k.path);
  }
  EXPECT_EQ(yaml_keys, expected);
}

TEST(ConfigKeys, BotpressOnlyKeysAreNotYamlKeys) {
  for (std::string_view p : {"monitoring.enabled", "monitoring.janitorInterval", "alerting.enabled",
                             "alerting.janitorInterval"}) {
    const KeySpec* k = FindKey(p);
    ASSERT_NE(k, nullptr) << p;
    EXPECT_TRUE(k->botpress_only) << p;
  }
  auto top = ChildNames("");
  EXPECT_EQ(std::count(top.begin(), top.end(), "monitoring"), 0);
  EXPECT_FALSE(IsSection("monitoring"));
  auto alerting = ChildNames("alerting");
  EXPECT_EQ(alerting, (std::vector<std::string>{"watcherInterval", "retentionPeriod", "defaults"}));
}

TEST(ConfigKeys, ChildNamesAndSections) {
  auto top = ChildNames("");
  EXPECT_EQ(top.front(), "listen");
  EXPECT_NE(std::find(top.begin(), top.end(), "retention"), top.end());
  EXPECT_NE(std::find(top.begin(), top.end(), "checks"), top.end());
  EXPECT_EQ(ChildNames("retention"), (std::vector<std::string>{"raw", "rollup1m", "rollup1h"}));
  EXPECT_TRUE(IsSection("smtp"));
  EXPECT_FALSE(IsSection("smtp.host"));
  EXPECT_FALSE(IsSection("tick"));
  EXPECT_FALSE(IsSection("channels"));
  EXPECT_FALSE(IsSection("ret"));
}

TEST(ConfigKeys, EveryEnvironmentVariable) {
  std::vector<std::string> env;
  for (const KeySpec& k : AllKeys()) {
    if (!k.env.empty()) env.emplace_back(k.env);
  }
  EXPECT_EQ(env, (std::vector<std::string>{"BOTMON_LISTEN", "BOTMON_DATA_DIR", "BOTMON_STORE",
                                           "BOTMON_TICK", "BOTMON_TIMEZONE", "BOTMON_HOST_NAME",
                                           "BOTMON_PUBLIC_URL", "CLUSTER_ENABLED", "REDIS_URL"}));
}

TEST(ConfigKeys, DidYouMeanFindsTyposPrefixesAndOtherCases) {
  const std::vector<std::string> c = {"idleTimeout", "retention"};
  EXPECT_EQ(DidYouMean("idleTimout", c), "idleTimeout");    // one deletion
  EXPECT_EQ(DidYouMean("idle_timeout", c), "idleTimeout");  // snake_case
  EXPECT_EQ(DidYouMean("IdleTimeOut", c), "idleTimeout");   // case
  EXPECT_EQ(DidYouMean("idle", c), "idleTimeout");          // prefix
  EXPECT_EQ(DidYouMean("retentoin", c), "retention");       // transposition = 2 edits
  EXPECT_EQ(DidYouMean("colour", c), "");
  EXPECT_EQ(DidYouMean("id", c), "");  // too short for a prefix
  EXPECT_EQ(DidYouMeanSuffix("tik", ChildNames("")), " (did you mean \"tick\"?)");
  EXPECT_EQ(DidYouMeanSuffix("zzzzzz", ChildNames("")), "");
}

TEST(ConfigKeys, FlagNames) {
  EXPECT_EQ(FlagName("tick"), "--tick");
  EXPECT_EQ(FlagName("dataDir"), "--data-dir");
  EXPECT_EQ(FlagName("hostName"), "--host-name");
  EXPECT_EQ(FlagName("retention.raw"), "--retention.raw");
}

TEST(ConfigKeys, OriginProvenanceAndWhere) {
  Origin d;
  EXPECT_EQ(d.Provenance(), "default");
  EXPECT_EQ(d.Where("tick"), "tick");
  Origin f;
  f.source = Origin::Source::kFile;
  f.file = "botmon.yaml";
  f.line = 3;
  f.col = 1;
  EXPECT_EQ(f.Provenance(), "botmon.yaml:3");
  EXPECT_EQ(f.Where("tick"), "botmon.yaml:3:1: tick");
  Origin e;
  e.source = Origin::Source::kEnv;
  e.name = "BOTMON_TICK";
  EXPECT_EQ(e.Provenance(), "env");
  EXPECT_EQ(e.Where("tick"), "BOTMON_TICK");
  Origin g;
  g.source = Origin::Source::kFlag;
  g.name = "--tick";
  EXPECT_EQ(g.Provenance(), "flag");
  EXPECT_EQ(g.Where("tick"), "--tick");
}

TEST(ConfigKeys, ProblemsJoinAndCap) {
  Problems p;
  EXPECT_TRUE(p.ToStatus().ok());
  for (int i = 0; i < 25; ++i) p.Add("problem " + std::to_string(i));
  Status s = p.ToStatus();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("problem 0\nproblem 1\n", 0), 0u);
  EXPECT_NE(s.message().find("problem 19\n... and 5 more problems"), std::string::npos);
  EXPECT_EQ(s.message().find("problem 20"), std::string::npos);
}

}  // namespace
}  // namespace botmon::config_internal
