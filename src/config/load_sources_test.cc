// LoadConfig across its sources: precedence, environment, flags, botpress.config.json and
// config.csv.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/load.h"
#include "config/testing.h"

namespace botmon {
namespace {

using testing_config::TempDir;
using testing_config::TestData;

LoadedConfig MustLoad(const ConfigSources& src) {
  auto r = LoadConfig(src);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return LoadedConfig{};
  return std::move(r).value();
}

std::string ErrorOf(const ConfigSources& src) {
  auto r = LoadConfig(src);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

// 1-based line of the first line of `file` containing `needle`.
int LineOf(const std::string& file, std::string_view needle) {
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(needle) != std::string::npos) return n;
  }
  return 0;
}

TEST(LoadConfigSources, PrecedenceFlagsEnvYamlBotpressCsvDefaults) {
  TempDir dir;
  const std::string yaml = dir.Write("botmon.yaml", "store: sqlite\ntick: 15s\n");
  const std::string bp = dir.Write("botpress.config.json",
                                   R"({"pro": {"monitoring": {"collectionInterval": "20s"}}})");
  const std::string csv = dir.Write("mybot.gbot/config.csv", "alert-cpu-threshold,80\n");
  ConfigSources src;
  src.bot_configs = {csv};
  src.botpress_config = bp;
  src.config_file = yaml;
  src.env = {{"BOTMON_TICK", "12s"}};
  src.flags = {{"tick", "11s"}};

  LoadedConfig l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 11'000);
  EXPECT_EQ(l.SourceOf("tick"), "flag");

  src.flags.clear();
  l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 12'000);
  EXPECT_EQ(l.SourceOf("tick"), "env");

  src.env.clear();
  l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 15'000);
  EXPECT_EQ(l.SourceOf("tick"), yaml + ":2");

  src.config_file.reset();
  l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 20'000);
  EXPECT_EQ(l.SourceOf("tick"), bp + ":1");

  src.botpress_config.reset();
  l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 10'000);  // config.csv sets no scalar key
  EXPECT_EQ(l.SourceOf("tick"), "default");
  ASSERT_EQ(l.bot_configs.size(), 1u);
  EXPECT_EQ(l.bot_configs[0].alerts.size(), 1u);
}

TEST(LoadConfigSources, EachSourceKeepsTheKeysOthersDoNotSet) {
  TempDir dir;
  const std::string yaml = dir.Write("botmon.yaml", "hostName: from-yaml\nlisten: 127.0.0.1:1\n");
  const std::string bp = dir.Write(
      "botpress.config.json",
      R"({"pro": {"monitoring": {"collectionInterval": "20s", "retentionPeriod": "3d"}}})");
  ConfigSources src;
  src.config_file = yaml;
  src.botpress_config = bp;
  src.env = {{"BOTMON_LISTEN", "127.0.0.1:2"}, {"BOTMON_DATA_DIR", "/tmp/env-data"}};
  src.flags = {{"dataDir", "/tmp/flag-data"}};
  LoadedConfig l = MustLoad(src);
  EXPECT_EQ(l.config.data_dir, "/tmp/flag-data");
  EXPECT_EQ(l.SourceOf("dataDir"), "flag");
  EXPECT_EQ(l.config.listen, "127.0.0.1:2");
  EXPECT_EQ(l.SourceOf("listen"), "env");
  EXPECT_EQ(l.config.host_name, "from-yaml");
  EXPECT_EQ(l.SourceOf("hostName"), yaml + ":1");
  EXPECT_EQ(l.config.retention.raw_ms, 3 * kDayMs);
  EXPECT_EQ(l.SourceOf("retention.raw"), bp + ":1");
  EXPECT_EQ(l.config.tick_ms, 20'000);
  EXPECT_EQ(l.config.hooks.dir, "/tmp/flag-data/hooks");
  EXPECT_EQ(l.config.public_url, "http://127.0.0.1:2");
  EXPECT_EQ(l.SourceOf("publicUrl"), "default");
  EXPECT_EQ(l.files, (std::vector<std::string>{bp, yaml}));
}

TEST(LoadConfigSources, BotmonConfigVariableNamesTheYamlFile) {
  TempDir dir;
  const std::string a = dir.Write("a.yaml", "tick: 2s\n");
  const std::string b = dir.Write("b.yaml", "tick: 3s\n");
  ConfigSources src;
  src.env = {{"BOTMON_CONFIG", a}};
  EXPECT_EQ(MustLoad(src).config.tick_ms, 2000);
  src.config_file = b;  // --config wins over BOTMON_CONFIG
  LoadedConfig l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 3000);
  EXPECT_EQ(l.files, std::vector<std::string>{b});
  src.config_file.reset();
  src.env = {{"BOTMON_CONFIG", ""}};
  EXPECT_TRUE(MustLoad(src).files.empty());
}

TEST(LoadConfigSources, EveryEnvironmentVariable) {
  ConfigSources src;
  src.env = {{"BOTMON_LISTEN", "127.0.0.1:0"},
             {"BOTMON_DATA_DIR", "/tmp/d"},
             {"BOTMON_STORE", "postgresql://u:pw@db/botmon"},
             {"BOTMON_TICK", "1s"},
             {"BOTMON_TIMEZONE", "Europe/Berlin"},
             {"BOTMON_HOST_NAME", "node-a"},
             {"BOTMON_PUBLIC_URL", "https://mon.example.com"},
             {"CLUSTER_ENABLED", "true"},
             {"REDIS_URL", "redis://127.0.0.1:6379"},
             {"BOTMON_ADMIN_PASSWORD", "not a config key"},
             {"PATH", "/usr/bin"}};
  LoadedConfig l = MustLoad(src);
  const Config& c = l.config;
  EXPECT_EQ(c.listen, "127.0.0.1:0");
  EXPECT_EQ(c.data_dir, "/tmp/d");
  EXPECT_EQ(c.store, "postgresql://u:pw@db/botmon");
  EXPECT_EQ(c.tick_ms, 1000);
  EXPECT_EQ(c.timezone, "Europe/Berlin");
  EXPECT_EQ(c.host_name, "node-a");
  EXPECT_EQ(c.public_url, "https://mon.example.com");
  EXPECT_TRUE(c.cluster.enabled);
  EXPECT_EQ(c.cluster.redis_url, "redis://127.0.0.1:6379");
  for (const char* p : {"listen", "dataDir", "store", "tick", "timezone", "hostName", "publicUrl",
                        "cluster.enabled", "cluster.redisUrl"}) {
    EXPECT_EQ(l.SourceOf(p), "env") << p;
  }
  EXPECT_TRUE(l.warnings.empty());
  src.env = {{"CLUSTER_ENABLED", "FALSE"}};
  EXPECT_FALSE(MustLoad(src).config.cluster.enabled);
}

TEST(LoadConfigSources, EmptyVariablesCountAsUnset) {
  ConfigSources src;
  src.env = {{"BOTMON_TICK", ""}, {"BOTMON_LISTEN", ""}, {"CLUSTER_ENABLED", ""}};
  LoadedConfig l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 10'000);
  EXPECT_EQ(l.SourceOf("tick"), "default");
}

TEST(LoadConfigSources, EnvironmentErrorsNameTheVariable) {
  ConfigSources src;
  src.env = {{"BOTMON_TICK", "abc"}};
  EXPECT_EQ(ErrorOf(src), "BOTMON_TICK: \"abc\" is not a duration (use e.g. 2m, 1h30m, 500ms)");
  src.env = {{"BOTMON_TICK", "10"}};
  EXPECT_EQ(ErrorOf(src), "BOTMON_TICK: \"10\" is not a duration: durations are strings like 2m");
  src.env = {{"CLUSTER_ENABLED", "maybe"}};
  EXPECT_EQ(ErrorOf(src), "CLUSTER_ENABLED: \"maybe\" is not true or false");
  src.env = {{"BOTMON_LISTEN", "8080"}, {"BOTMON_TIMEZONE", "Nowhere/City"}};
  EXPECT_EQ(ErrorOf(src),
            "BOTMON_LISTEN: expected HOST:PORT like 127.0.0.1:8080\n"
            "BOTMON_TIMEZONE: \"Nowhere/City\" is not a known IANA time zone");
  src.env = {{"BOTMON_HOST_NAME", "bad\xff"}};
  EXPECT_EQ(ErrorOf(src), "BOTMON_HOST_NAME: is not valid UTF-8");
  src.env = {{"REDIS_URL", "127.0.0.1:6379"}};
  EXPECT_EQ(ErrorOf(src), "REDIS_URL: \"127.0.0.1:6379\" is not a redis:// or rediss:// URL");
}

TEST(LoadConfigSources, MistypedBotmonVariablesAreWarned) {
  ConfigSources src;
  src.env = {{"BOTMON_TIK", "1s"}, {"BOTMON_DATADIR", "/x"}, {"BOTMON_SOMETHING_ELSE", "1"}};
  LoadedConfig l = MustLoad(src);
  ASSERT_EQ(l.warnings.size(), 2u);
  EXPECT_EQ(l.warnings[0], "BOTMON_DATADIR: not a botmon variable (did you mean BOTMON_DATA_DIR?)");
  EXPECT_EQ(l.warnings[1], "BOTMON_TIK: not a botmon variable (did you mean BOTMON_TICK?)");
}

TEST(LoadConfigSources, FlagsOverrideAndNameTheFlagOnError) {
  ConfigSources src;
  src.flags = {{"listen", "127.0.0.1:0"},
               {"tick", "1s"},
               {"dataDir", "/tmp/x"},
               {"hostName", "h1"},
               {"store", "sqlite"}};
  LoadedConfig l = MustLoad(src);
  EXPECT_EQ(l.config.listen, "127.0.0.1:0");
  EXPECT_EQ(l.config.tick_ms, 1000);
  EXPECT_EQ(l.config.data_dir, "/tmp/x");
  EXPECT_EQ(l.config.host_name, "h1");
  for (const char* p : {"listen", "tick", "dataDir", "hostName", "store"}) {
    EXPECT_EQ(l.SourceOf(p), "flag") << p;
  }
  src.flags = {{"tick", "0s"}};
  EXPECT_EQ(ErrorOf(src), "--tick: 0s is below 1s");
  src.flags = {{"dataDir", ""}};
  EXPECT_EQ(ErrorOf(src), "--data-dir: must not be empty");
  src.flags = {{"hostName", std::string("a\x01b")}};
  EXPECT_EQ(ErrorOf(src), "--host-name: contains a control character");
  src.flags = {{"store", "mongodb://x"}};
  EXPECT_EQ(ErrorOf(src),
            "--store: \"mongodb://x\" is not a store: use sqlite or a postgresql:// URL");
  src.flags = {{"nope", "1"}};
  EXPECT_EQ(ErrorOf(src), "--nope: not a scalar configuration key");
  src.flags = {{"channels", "[]"}};
  EXPECT_EQ(ErrorOf(src), "--channels: not a scalar configuration key");
}

TEST(LoadConfigSources, ProblemsFromSeveralSourcesComeTogether) {
  TempDir dir;
  ConfigSources src;
  src.config_file = dir.Write("botmon.yaml", "tick: 0s\n");
  src.env = {{"BOTMON_TICK", "x"}};
  src.flags = {{"listen", "nope"}};
  std::string err = ErrorOf(src);
  EXPECT_EQ(err, dir.path() + "/botmon.yaml:1:1: tick: 0s is below 1s\n" +
                     "BOTMON_TICK: \"x\" is not a duration (use e.g. 2m, 1h30m, 500ms)\n" +
                     "--listen: expected HOST:PORT like 127.0.0.1:8080");
}

TEST(LoadConfigSources, CrossKeyChecksSeeTheMergedValues) {
  TempDir dir;
  ConfigSources src;
  src.config_file = dir.Write("botmon.yaml", "tick: 5s\nnodes: {staleAfter: 15s}\n");
  EXPECT_EQ(MustLoad(src).config.nodes.stale_after_ms, 15'000);
  src.flags = {{"tick", "20s"}};
  EXPECT_EQ(ErrorOf(src),
            dir.path() + "/botmon.yaml:2:9: nodes.staleAfter: 15s is below the tick (20s)");
}

TEST(LoadConfigSources, BotpressFileMapping) {
  ConfigSources src;
  const std::string bp = TestData("botpress.config.json");
  src.botpress_config = bp;
  LoadedConfig l = MustLoad(src);
  const Config& c = l.config;
  EXPECT_EQ(c.tick_ms, 20'000);                                // "20 seconds"
  EXPECT_EQ(c.retention.raw_ms, 5 * kDayMs);                   // "5d"
  EXPECT_EQ(c.monitoring.janitor_interval_ms, 2 * kMinuteMs);  // "2 minutes"
  EXPECT_TRUE(c.monitoring.enabled);
  EXPECT_EQ(c.alerting.watcher_interval_ms, kMinuteMs);  // "1 minute"
  EXPECT_EQ(c.alerting.retention_period_ms, 20 * kDayMs);
  EXPECT_EQ(c.alerting.janitor_interval_ms, 10 * kMinuteMs);
  EXPECT_TRUE(c.alerting.enabled);
  EXPECT_EQ(l.SourceOf("tick"), bp + ":" + std::to_string(LineOf(bp, "collectionInterval")));
  EXPECT_EQ(l.SourceOf("alerting.retentionPeriod"),
            bp + ":" + std::to_string(LineOf(bp, "\"20d\"")));
  EXPECT_EQ(l.SourceOf("monitoring.janitorInterval"),
            bp + ":" + std::to_string(LineOf(bp, "2 minutes")));
  ASSERT_EQ(l.botpress_rules.size(), 2u);
  EXPECT_EQ(l.botpress_rules[0].value["name"], " High CPU Usage ");  // spaces kept
  EXPECT_EQ(l.botpress_rules[0].value["value"], 60);
  EXPECT_EQ(l.botpress_rules[0].file, bp);
  EXPECT_EQ(l.botpress_rules[0].line, LineOf(bp, "High CPU Usage"));
  EXPECT_EQ(l.botpress_rules[1].value["name"], "No more incoming events");
  EXPECT_EQ(l.botpress_rules[1].line, LineOf(bp, "No more incoming events"));
  EXPECT_TRUE(c.rules.empty());  // botmon.yaml's rules stay apart
  EXPECT_TRUE(l.warnings.empty());
  EXPECT_EQ(l.files, std::vector<std::string>{bp});
}

TEST(LoadConfigSources, BotpressLongDurations) {
  TempDir dir;
  ConfigSources src;
  src.botpress_config = dir.Write("bp.json", R"({"pro": {
      "monitoring": {"collectionInterval": "1 minute", "retentionPeriod": "2 weeks"},
      "alerting": {"watcherInterval": "30 seconds", "retentionPeriod": "1 hour",
                   "janitorInterval": "1h"}}})");
  LoadedConfig l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, kMinuteMs);
  EXPECT_EQ(l.config.retention.raw_ms, 14 * kDayMs);
  EXPECT_EQ(l.config.alerting.watcher_interval_ms, 30'000);
  EXPECT_EQ(l.config.alerting.retention_period_ms, kHourMs);
  EXPECT_EQ(l.config.alerting.janitor_interval_ms, kHourMs);
  // The long forms are Botpress's only: botmon.yaml refuses them.
  src.config_file = dir.Write("botmon.yaml", "tick: 1 minute\n");
  std::string err = ErrorOf(src);
  EXPECT_EQ(err, dir.path() +
                     "/botmon.yaml:1:1: tick: \"1 minute\" needs a unit after 1 (ms, s, "
                     "m, h or d)");
}

TEST(LoadConfigSources, BotpressIgnoresEverythingElse) {
  TempDir dir;
  ConfigSources src;
  src.botpress_config = dir.Write("bp.json", R"({"httpServer": {"port": "x"}, "pro": {
      "licenseKey": 5, "monitoring": {"unknown": [1]}, "alerting": {}}, "modules": []})");
  LoadedConfig l = MustLoad(src);
  EXPECT_EQ(l.config.tick_ms, 10'000);
  EXPECT_TRUE(l.botpress_rules.empty());
  src.botpress_config = dir.Write("bp2.json", "{}");
  EXPECT_EQ(MustLoad(src).config.tick_ms, 10'000);
}

TEST(LoadConfigSources, BotpressDisabledSectionsAreKeptAndWarned) {
  TempDir dir;
  ConfigSources src;
  src.botpress_config = dir.Write("bp.json",
                                  "{\"pro\": {\n"
                                  "  \"monitoring\": {\"enabled\": false},\n"
                                  "  \"alerting\": {\"enabled\": false, \"rules\": [\n"
                                  "    {\"name\": \"r\", \"field\": \"cpu.usage\"}]}}}\n");
  LoadedConfig l = MustLoad(src);
  EXPECT_FALSE(l.config.monitoring.enabled);
  EXPECT_FALSE(l.config.alerting.enabled);
  EXPECT_EQ(l.botpress_rules.size(), 1u);
  EXPECT_EQ(l.botpress_rules[0].line, 4);
  ASSERT_EQ(l.warnings.size(), 2u);
  EXPECT_EQ(l.warnings[0], *src.botpress_config +
                               ":2: pro.monitoring.enabled: false; botmon collects anyway (it is "
                               "the monitor)");
  EXPECT_EQ(l.warnings[1], *src.botpress_config +
                               ":3: pro.alerting.enabled: false; its rules are loaded anyway "
                               "(--botpress-config opts in)");
  EXPECT_EQ(l.SourceOf("monitoring.enabled"), *src.botpress_config + ":2");
}

TEST(LoadConfigSources, BotpressBadValues) {
  TempDir dir;
  ConfigSources src;
  src.botpress_config =
      dir.Write("bp.json",
                "{\"pro\": {\"monitoring\": {\n"
                "  \"enabled\": \"yes\",\n"
                "  \"collectionInterval\": 10000,\n"
                "  \"retentionPeriod\": \"1 fortnight\"},\n"
                " \"alerting\": {\"watcherInterval\": \"0s\", \"rules\": {}}}}\n");
  const std::string f = *src.botpress_config;
  EXPECT_EQ(ErrorOf(src),
            f + ":2: pro.monitoring.enabled: expected true or false, got a string\n" + f +
                ":3: pro.monitoring.collectionInterval (tick): expected a duration string like "
                "\"10s\", got a number\n" +
                f +
                ":4: pro.monitoring.retentionPeriod (retention.raw): \"1 fortnight\" needs a unit "
                "after 1 (ms, s, m, h or d)\n" +
                f + ":5: pro.alerting.watcherInterval: 0s is below 1s\n" + f +
                ":5: pro.alerting.rules: expected an array, got an object");
  src.botpress_config = dir.Write("bp2.json", R"({"pro": {"alerting": {"rules": [1, {}]}}})");
  EXPECT_EQ(ErrorOf(src),
            *src.botpress_config + ":1: pro.alerting.rules[0]: expected an object, got a number");
  src.botpress_config = dir.Write("bp3.json", R"([1])");
  EXPECT_EQ(ErrorOf(src),
            *src.botpress_config + ": expected a JSON object at the top level, got an array");
  src.botpress_config = dir.Write("bp4.json", R"({"pro": true})");
  EXPECT_EQ(ErrorOf(src), *src.botpress_config + ": pro: expected an object, got a boolean");
}

TEST(LoadConfigSources, BotpressMalformedJsonNamesFileLineAndByte) {
  TempDir dir;
  ConfigSources src;
  src.botpress_config = dir.Write("bp.json", "{\n  \"pro\": {\n    \"monitoring\": {,}\n}\n");
  std::string err = ErrorOf(src);
  EXPECT_EQ(err.rfind(*src.botpress_config + ":3:20: invalid JSON (offset 32): syntax error", 0),
            0u)
      << err;
  // Comments are not JSON, and Botpress does not accept them either.
  src.botpress_config = dir.Write("bp2.json", "{\n  // comment\n  \"pro\": {}\n}\n");
  err = ErrorOf(src);
  EXPECT_EQ(err.rfind(*src.botpress_config + ":2:3: invalid JSON (offset 4): ", 0), 0u) << err;
  src.botpress_config = dir.Write("bp3.json", "");
  err = ErrorOf(src);
  EXPECT_EQ(err.rfind(*src.botpress_config + ":1:1: invalid JSON (offset 0): ", 0), 0u) << err;
}

TEST(LoadConfigSources, BotpressFileOver4MiBIsRefused) {
  TempDir dir;
  ConfigSources src;
  std::string big = "{\"pad\": \"" + std::string((4 << 20) + 10, 'x') + "\"}";
  src.botpress_config = dir.Write("bp.json", big);
  EXPECT_NE(ErrorOf(src).find("larger than 4194304 bytes"), std::string::npos);
}

TEST(LoadConfigSources, BotConfigNames) {
  EXPECT_EQ(SplitBotConfig("sales=/x/config.csv"),
            (std::pair<std::string, std::string>{"sales", "/x/config.csv"}));
  EXPECT_EQ(
      SplitBotConfig("/bots/mybot.gbai/mybot.gbot/config.csv"),
      (std::pair<std::string, std::string>{"mybot", "/bots/mybot.gbai/mybot.gbot/config.csv"}));
  EXPECT_EQ(SplitBotConfig("support/config.csv"),
            (std::pair<std::string, std::string>{"support", "support/config.csv"}));
  EXPECT_EQ(SplitBotConfig("config.csv"),
            (std::pair<std::string, std::string>{"default", "config.csv"}));
  EXPECT_EQ(SplitBotConfig("./config.csv"),
            (std::pair<std::string, std::string>{"default", "./config.csv"}));
  // A '=' inside a path is not a BOT= prefix.
  EXPECT_EQ(SplitBotConfig("/data/a=b/config.csv"),
            (std::pair<std::string, std::string>{"a=b", "/data/a=b/config.csv"}));
}

TEST(LoadConfigSources, ConfigCsvAlertEntriesPerBot) {
  TempDir dir;
  ConfigSources src;
  const std::string gb = TestData("mybot.gbot/config.csv");
  const std::string other = dir.Write("support/config.csv",
                                      "\xEF\xBB\xBFkey,value\nalert-email,help@x.com\n"
                                      "Theme Color,blue\nalert-email,help2@x.com\n");
  const std::string plain = dir.Write("config.csv", "alert-sms-to,+15550001111\n");
  src.bot_configs = {gb, "sales=" + other, plain};
  LoadedConfig l = MustLoad(src);
  ASSERT_EQ(l.bot_configs.size(), 3u);
  const BotCsvConfig& a = l.bot_configs[0];
  EXPECT_EQ(a.bot, "mybot");
  EXPECT_EQ(a.file, gb);
  std::vector<std::string> keys;
  for (const CsvEntry& e : a.alerts) keys.push_back(e.key + "=" + e.value);
  EXPECT_EQ(keys,
            (std::vector<std::string>{
                "alert-cpu-threshold=80", "alert-cpu-for-minutes=5",
                "alert-response-time-ms=3000ms", "alert-email=ops@example.com;cto@example.com",
                "alert-slack-webhook=https://hooks.slack.com/services/T000/B000/XXXX",
                "alert-webhook-secret=s3cret"}));
  EXPECT_EQ(a.alerts[0].line, 3);
  EXPECT_EQ(l.bot_configs[1].bot, "sales");
  EXPECT_EQ(l.bot_configs[1].file, other);
  ASSERT_EQ(l.bot_configs[1].alerts.size(), 2u);
  EXPECT_EQ(l.bot_configs[2].alerts.size(), 1u);
  EXPECT_EQ(l.files, (std::vector<std::string>{gb, other, plain}));
  EXPECT_EQ(l.bot_configs[2].bot, std::filesystem::path(dir.path()).filename().string());
  ASSERT_EQ(l.warnings.size(), 2u);
  EXPECT_EQ(l.warnings[0], gb + ":9: unknown key \"Alert-Disk-Treshold\" (did you mean "
                                "\"alert-disk-threshold\"?); ignored");
  EXPECT_EQ(l.warnings[1],
            other + ":4: \"alert-email\" is also set on line 2; the later line wins");
}

TEST(LoadConfigSources, BotConfigDefaultName) {
  // A relative file with no folder is the "default" bot.
  TempDir dir;
  std::string cwd = std::filesystem::current_path().string();
  std::filesystem::current_path(dir.path());
  dir.Write("config.csv", "alert-cpu-threshold,90\n");
  ConfigSources src;
  src.bot_configs = {"config.csv"};
  auto r = LoadConfig(src);
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->bot_configs.size(), 1u);
  EXPECT_EQ(r->bot_configs[0].bot, "default");
}

TEST(LoadConfigSources, ConfigCsvErrors) {
  TempDir dir;
  ConfigSources src;
  src.bot_configs = {dir.Write("b.gbot/config.csv", "a,1\nalert-email,x,y\n")};
  EXPECT_EQ(ErrorOf(src), src.bot_configs[0] +
                              ":2: 3 fields; a line is key,value (quote a value that contains "
                              "commas)");
  src.bot_configs = {dir.Write("c.gbot/config.csv", std::string((1 << 20) + 1, 'x'))};
  EXPECT_NE(ErrorOf(src).find("larger than 1048576 bytes"), std::string::npos);
  src.bot_configs = {dir.File("missing/config.csv")};
  EXPECT_NE(ErrorOf(src).find("missing/config.csv"), std::string::npos);
}

}  // namespace
}  // namespace botmon
