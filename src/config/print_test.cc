#include "config/print.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "config/keys.h"
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

bool Has(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

// Reads `printed` back as botmon.yaml.
LoadedConfig Reload(const TempDir& dir, const std::string& printed) {
  ConfigSources again;
  again.config_file = dir.Write("printed.yaml", printed);
  return MustLoad(again);
}

TEST(PrintConfig, DefaultsWithProvenance) {
  std::string out = PrintConfig(MustLoad({}));
  EXPECT_TRUE(Has(out, "\nlisten: \"127.0.0.1:8080\"  # from: default\n")) << out;
  EXPECT_TRUE(Has(out, "\ntick: 10s  # from: default\n"));
  EXPECT_TRUE(Has(out,
                  "\nretention:\n  raw: 10d  # from: default\n  rollup1m: 90d  # from: "
                  "default\n  rollup1h: 730d  # from: default\n"));
  EXPECT_TRUE(Has(out, "\ningest:\n  maxBodyBytes: 8MiB  # from: default\n"));
  EXPECT_TRUE(Has(out, "  redact: [\"card\", \"email\"]  # from: default\n"));
  EXPECT_TRUE(Has(out, "  mounts: [\"/\"]  # from: default\n"));
  EXPECT_TRUE(Has(out, "\nmetrics:\n  public: false  # from: default\n"));
  EXPECT_TRUE(Has(out, "  staleAfter: 30s  # from: default\n"));
  EXPECT_TRUE(Has(out, "  defaults: {}  # from: default\n"));
  EXPECT_TRUE(Has(out, "\nchannels: []  # from: default\n"));
  EXPECT_TRUE(Has(out, "  password: \"\"  # from: default\n"));
  EXPECT_TRUE(Has(out, "#   monitoring.enabled: true  # from: default\n"));
  EXPECT_TRUE(Has(out, "#   alerting.janitorInterval: \"\"  # from: default\n"));
}

TEST(PrintConfig, EveryKeyIsPresentAndFollowedByItsSource) {
  std::string out = PrintConfig(MustLoad({}));
  YAML::Node doc = YAML::Load(out);
  for (const auto& spec : config_internal::AllKeys()) {
    if (spec.botpress_only) continue;
    std::string path(spec.path);
    size_t dot = path.find('.');
    YAML::Node n =
        dot == std::string::npos ? doc[path] : doc[path.substr(0, dot)][path.substr(dot + 1)];
    EXPECT_TRUE(n.IsDefined()) << path;
  }
  // Every line that holds a key ends with its source (section headers and list items aside).
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line.back() == ':' || line.find("  - ") == 0) continue;
    EXPECT_TRUE(Has(line, "  # from: ")) << line;
  }
}

TEST(PrintConfig, ShowsEachSource) {
  TempDir dir;
  ConfigSources src;
  src.config_file = dir.Write("botmon.yaml", "store: sqlite\nsessions:\n  idleTimeout: 5m\n");
  src.botpress_config = dir.Write("bp.json",
                                  "{\"pro\": {\"monitoring\":\n {\"retentionPeriod\": "
                                  "\"3d\", \"janitorInterval\": \"1 minute\"}}}");
  src.env = {{"BOTMON_LISTEN", "127.0.0.1:9"}};
  src.flags = {{"tick", "2s"}};
  std::string out = PrintConfig(MustLoad(src));
  EXPECT_TRUE(Has(out, "\ntick: 2s  # from: flag\n")) << out;
  EXPECT_TRUE(Has(out, "\nlisten: \"127.0.0.1:9\"  # from: env\n"));
  EXPECT_TRUE(Has(out, "\nstore: \"sqlite\"  # from: " + *src.config_file + ":1\n"));
  EXPECT_TRUE(Has(out, "  idleTimeout: 5m  # from: " + *src.config_file + ":3\n"));
  EXPECT_TRUE(Has(out, "  raw: 3d  # from: " + *src.botpress_config + ":2\n"));
  EXPECT_TRUE(
      Has(out, "#   monitoring.janitorInterval: 1m  # from: " + *src.botpress_config + ":2\n"));
  EXPECT_TRUE(Has(out, "\npublicUrl: \"http://127.0.0.1:9\"  # from: default\n"));
}

TEST(PrintConfig, MasksSecrets) {
  TempDir dir;
  ConfigSources src;
  src.config_file = dir.Write("botmon.yaml", R"(store: "postgresql://botmon:dbpw@db/botmon"
smtp: {host: mail, password: smtp-pw}
sms: {accountSid: AC1, authToken: twilio-tok}
influx: {url: "http://u:influxpw@127.0.0.1:8086", version: 2, org: o, bucket: b, token: influx-tok}
cluster: {redisUrl: "redis://:redispw@127.0.0.1:6379"}
channels:
  - {name: slack, kind: slack, url: "https://hooks.slack.com/services/T0/B0/SECRETPATH"}
  - {name: pager, kind: webhook, url: "http://127.0.0.1:9000/hook", secret: pager-secret-value}
  - {name: quiet, kind: webhook, url: "http://127.0.0.1:9000/x", secret: ""}
checks:
  - {kind: vault, url: "http://127.0.0.1:8200", token: vault-tok}
  - {kind: http, url: "https://x", headers: {apiKey: api-key}, password: pw1}
  - {kind: redis, url: "redis://:checkpw@127.0.0.1:6379"}
)");
  src.bot_configs = {dir.Write("mybot.gbot/config.csv",
                               "alert-webhook-secret,csv-secret\n"
                               "alert-slack-webhook,https://hooks.slack.com/services/T/B/CSVPATH\n"
                               "alert-email,ops@x.com\n")};
  std::string out = PrintConfig(MustLoad(src));
  for (const char* secret :
       {"dbpw", "smtp-pw", "twilio-tok", "influxpw", "influx-tok", "redispw", "SECRETPATH",
        "pager-secret-value", "vault-tok", "api-key", "pw1", "checkpw", "csv-secret", "CSVPATH"}) {
    EXPECT_FALSE(Has(out, secret)) << secret << " leaked:\n" << out;
  }
  EXPECT_TRUE(Has(out, "\nstore: \"postgresql://botmon:***@db/botmon\"  # from: "));
  EXPECT_TRUE(Has(out, "  password: \"***\"  # from: "));
  EXPECT_TRUE(Has(out, "  authToken: \"***\"  # from: "));
  EXPECT_TRUE(Has(out, "  token: \"***\"  # from: "));
  EXPECT_TRUE(Has(out, "  redisUrl: \"redis://:***@127.0.0.1:6379\"  # from: "));
  EXPECT_TRUE(Has(out, "\"url\": \"https://hooks.slack.com/***\""));
  EXPECT_TRUE(Has(out, "\"secret\": \"***\""));
  EXPECT_TRUE(Has(out, "\"secret\": \"\""));  // an empty secret is shown empty
  EXPECT_TRUE(Has(out, "#   alert-webhook-secret: \"***\"  # from: "));
  EXPECT_TRUE(Has(out, "#   alert-email: \"ops@x.com\"  # from: "));
  EXPECT_TRUE(Has(out, "  accountSid: \"AC1\"  # from: "));  // not a secret
  // The masked output still parses as YAML.
  EXPECT_NO_THROW(YAML::Load(out));
}

TEST(PrintConfig, RoundTripsWithoutSecrets) {
  TempDir dir;
  ConfigSources src;
  src.config_file = TestData("full.yaml");
  src.env = {{"BOTMON_TIMEZONE", "Asia/Kolkata"}};
  src.flags = {{"tick", "2s"}, {"hostName", "with \"quotes\" and \\ and ünïcödé"}};
  LoadedConfig first = MustLoad(src);
  // full.yaml's one secret: a Slack webhook URL, whose path is the credential.
  ASSERT_EQ(first.config.channels[1].value["kind"], "slack");
  Config expected = first.config;
  expected.channels[1].value["url"] = "https://hooks.slack.com/***";
  std::string printed = PrintConfig(first);
  LoadedConfig second = Reload(dir, printed);
  testing_config::ExpectSameConfig(second.config, expected);
  // And printing is stable.
  LoadedConfig third = Reload(dir, PrintConfig(second));
  testing_config::ExpectSameConfig(third.config, expected);
}

TEST(PrintConfig, RoundTripsDefaultsAndTheSkeleton) {
  TempDir dir;
  LoadedConfig defaults = MustLoad({});
  testing_config::ExpectSameConfig(Reload(dir, PrintConfig(defaults)).config, defaults.config);
  ConfigSources src;
  src.config_file = TestData("a1_skeleton.yaml");
  LoadedConfig skeleton = MustLoad(src);
  Config expected = skeleton.config;
  expected.channels[1].value["url"] = "https://hooks.slack.com/***";  // the Slack secret
  testing_config::ExpectSameConfig(Reload(dir, PrintConfig(skeleton)).config, expected);
}

TEST(PrintConfig, RoundTripsAwkwardStrings) {
  TempDir dir;
  TempDir data;
  ConfigSources src;
  src.config_file = dir.Write(
      "botmon.yaml",
      "smtp: {from: \"a\\tb\\nc \\\"d\\\" # not a comment: {x} [y] &z *w !t\"}\n"
      "sms: {body: \"\\u0001\\u007f\\u0085\\u00a0\\ufeff line\\r\\n\"}\n"
      "channels:\n"
      "  - {name: \"x: y\", to: [\"- dash\", \"'single'\", \"\\\\\"], n: 1.5e300, z: null}\n");
  LoadedConfig first = MustLoad(src);
  EXPECT_EQ(first.config.smtp.from, "a\tb\nc \"d\" # not a comment: {x} [y] &z *w !t");
  LoadedConfig second = Reload(data, PrintConfig(first));
  testing_config::ExpectSameConfig(second.config, first.config);
}

TEST(PrintConfig, BotpressRulesAndCsvEntriesAsComments) {
  ConfigSources src;
  src.botpress_config = TestData("botpress.config.json");
  src.bot_configs = {TestData("mybot.gbot/config.csv")};
  std::string out = PrintConfig(MustLoad(src));
  EXPECT_TRUE(Has(out, "# Rules from botpress.config.json:\n#   - {")) << out;
  EXPECT_TRUE(Has(out, "\"name\": \" High CPU Usage \""));
  EXPECT_TRUE(Has(out, "# config.csv of bot \"mybot\" ("));
  EXPECT_TRUE(Has(out, "#   alert-cpu-threshold: \"80\"  # from: "));
  EXPECT_NO_THROW(YAML::Load(out));
}

TEST(PrintConfig, MaskUrlPassword) {
  EXPECT_EQ(MaskUrlPassword("redis://:pw@h:6379/0"), "redis://:***@h:6379/0");
  EXPECT_EQ(MaskUrlPassword("postgresql://u:p@ss@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(MaskUrlPassword("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(MaskUrlPassword("http://h/p?x=a:b@c"), "http://h/p?x=a:b@c");
  EXPECT_EQ(MaskUrlPassword("http://u:@h"), "http://u:@h");
  EXPECT_EQ(MaskUrlPassword("not a url"), "not a url");
  EXPECT_EQ(MaskUrlPassword(""), "");
}

TEST(PrintConfig, YamlQuotingReadsBackExactly) {
  for (std::string s : {std::string(""), std::string("plain"), std::string("\"q\" \\ b"),
                        std::string("\x01\x1f\x7f"), std::string("\xc2\x85\xc2\xa0\xef\xbb\xbf"),
                        std::string("tab\there\r\n"), std::string("ünï ☃ 𝄞"),
                        std::string("\xed\xa0\x80"), std::string("a\0b", 3)}) {
    std::string q;
    AppendYamlQuoted(&q, s);
    YAML::Node n = YAML::Load("v: " + q);
    std::string back = n["v"].as<std::string>();
    if (s == "\xed\xa0\x80") {
      EXPECT_EQ(back, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // invalid UTF-8 -> U+FFFD each
    } else {
      EXPECT_EQ(back, s) << q;
    }
  }
}

}  // namespace
}  // namespace botmon
