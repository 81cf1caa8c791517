// LoadConfig with botmon.yaml: defaults, every key, and every kind of mistake.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>

#include "config/load.h"
#include "config/testing.h"
#include "core/zone.h"

namespace botmon {
namespace {

using testing_config::TempDir;
using testing_config::TestData;

StatusOr<LoadedConfig> LoadYaml(const TempDir& dir, std::string_view text) {
  ConfigSources src;
  src.config_file = dir.Write("botmon.yaml", text);
  return LoadConfig(src);
}

// The error text with the temp dir's path shortened to "botmon.yaml".
std::string ErrorOf(std::string_view text) {
  TempDir dir;
  auto r = LoadYaml(dir, text);
  EXPECT_FALSE(r.ok()) << "expected an error for:\n" << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  std::string msg = r.status().message();
  const std::string prefix = dir.path() + "/";
  for (size_t p; (p = msg.find(prefix)) != std::string::npos;) msg.erase(p, prefix.size());
  return msg;
}

LoadedConfig MustLoad(const ConfigSources& src) {
  auto r = LoadConfig(src);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return LoadedConfig{};
  return std::move(r).value();
}

std::string HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  EXPECT_EQ(::gethostname(buf, sizeof buf - 1), 0);
  return buf;
}

TEST(LoadConfig, DefaultsWithoutAnySource) {
  LoadedConfig l = MustLoad({});
  const Config& c = l.config;
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.store, "sqlite");
  EXPECT_EQ(c.tick_ms, 10'000);
  EXPECT_EQ(c.timezone, (*Zone::Create(""))->name());
  EXPECT_FALSE(c.timezone.empty());
  EXPECT_EQ(c.host_name, HostName());
  EXPECT_EQ(c.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.retention.raw_ms, 10 * kDayMs);
  EXPECT_EQ(c.retention.rollup1m_ms, 90 * kDayMs);
  EXPECT_EQ(c.retention.rollup1h_ms, 730 * kDayMs);
  EXPECT_EQ(c.ingest.max_body_bytes, 8 << 20);
  EXPECT_EQ(c.ingest.max_events, 100000);
  EXPECT_EQ(c.ingest.rate_limit_per_token, 0);
  EXPECT_EQ(c.sessions.idle_timeout_ms, 30 * kMinuteMs);
  EXPECT_EQ(c.sessions.retention_ms, 30 * kDayMs);
  EXPECT_TRUE(c.privacy.mask_users);
  EXPECT_TRUE(c.privacy.store_text);
  ASSERT_EQ(c.privacy.redact.size(), 2u);
  EXPECT_EQ(c.privacy.redact[0], (RedactItem{"card", "", ""}));
  EXPECT_EQ(c.privacy.redact[1], (RedactItem{"email", "", ""}));
  EXPECT_EQ(c.collect.mounts, std::vector<std::string>{"/"});
  EXPECT_EQ(c.collect.proc_root, "/");
  EXPECT_EQ(c.collect.nvml_library, "libnvidia-ml.so.1");
  EXPECT_FALSE(c.metrics.is_public);
  EXPECT_EQ(c.nodes.stale_after_ms, 30'000);  // 3 x tick
  EXPECT_TRUE(c.monitoring.enabled);
  EXPECT_EQ(c.monitoring.janitor_interval_ms, 0);
  EXPECT_EQ(c.alerting.watcher_interval_ms, 10'000);  // the tick
  EXPECT_EQ(c.alerting.retention_period_ms, 10 * kDayMs);
  EXPECT_TRUE(c.alerting.defaults.empty());
  EXPECT_TRUE(c.alerting.enabled);
  EXPECT_EQ(c.alerting.janitor_interval_ms, 0);
  EXPECT_EQ(c.hooks.dir, "./data/hooks");
  EXPECT_EQ(c.hooks.timeout_ms, 10'000);
  EXPECT_EQ(c.notifications.give_up_after_ms, 24 * kHourMs);
  EXPECT_EQ(c.smtp.host, "");
  EXPECT_EQ(c.smtp.port, 587);
  EXPECT_EQ(c.smtp.tls, "starttls");
  EXPECT_EQ(c.smtp.from, "botmon@localhost");
  EXPECT_EQ(c.sms.provider, "twilio");
  EXPECT_EQ(c.sms.base_url, "https://api.twilio.com");
  EXPECT_EQ(c.sms.url, "");
  EXPECT_TRUE(c.channels.empty() && c.routes.empty() && c.silences.empty() &&
              c.maintenance.empty() && c.rules.empty() && c.checks.empty());
  EXPECT_EQ(c.influx.url, "");
  EXPECT_EQ(c.influx.version, 1);
  EXPECT_EQ(c.influx.database, "botmon");
  EXPECT_FALSE(c.cluster.enabled);
  EXPECT_EQ(c.cluster.redis_url, "");
  EXPECT_EQ(c.tls.cert, "");
  EXPECT_TRUE(l.files.empty());
  EXPECT_TRUE(l.warnings.empty());
  for (const auto& [path, source] : l.provenance) EXPECT_EQ(source, "default") << path;
  EXPECT_EQ(l.SourceOf("tick"), "default");
  EXPECT_EQ(l.SourceOf("influx.token"), "default");
}

TEST(LoadConfig, AppendixA1SkeletonLoadsAsWritten) {
  ConfigSources src;
  src.config_file = TestData("a1_skeleton.yaml");
  LoadedConfig l = MustLoad(src);
  LoadedConfig d = MustLoad({});
  // Every scalar equals the default; the example lists are kept.
  Config c = l.config;
  Config expected = d.config;
  expected.channels = c.channels;
  expected.routes = c.routes;
  expected.maintenance = c.maintenance;
  testing_config::ExpectSameConfig(c, expected);
  ASSERT_EQ(c.channels.size(), 4u);
  EXPECT_EQ(c.channels[0].value["name"], "ops-email");
  EXPECT_EQ(c.channels[0].file, *src.config_file);
  EXPECT_EQ(c.channels[0].line, 21);
  EXPECT_EQ(c.channels[0].col, 5);
  EXPECT_EQ(c.channels[3].value["to"][0], "+5511999888777");
  ASSERT_EQ(c.routes.size(), 2u);
  EXPECT_EQ(c.routes[1].value["default"], true);
  ASSERT_EQ(c.maintenance.size(), 2u);
  EXPECT_EQ(c.maintenance[0].value["weekly"]["start"], "02:00");
  EXPECT_EQ(c.maintenance[1].value["from"], "2026-12-01T22:00:00Z");
  EXPECT_EQ(l.SourceOf("tick"), *src.config_file + ":4");
  EXPECT_EQ(l.SourceOf("retention.rollup1h"), *src.config_file + ":8");
  EXPECT_EQ(l.SourceOf("channels"), *src.config_file + ":20");
  EXPECT_EQ(l.files, std::vector<std::string>{*src.config_file});
}

TEST(LoadConfig, EveryKeyFromYaml) {
  ConfigSources src;
  src.config_file = TestData("full.yaml");
  LoadedConfig l = MustLoad(src);
  const Config& c = l.config;
  EXPECT_EQ(c.listen, "0.0.0.0:9090");
  EXPECT_EQ(c.data_dir, "/var/lib/botmon");
  EXPECT_EQ(c.store, "postgresql://botmon@db.example:5432/botmon");
  EXPECT_EQ(c.tick_ms, 5000);
  EXPECT_EQ(c.timezone, "America/Sao_Paulo");
  EXPECT_EQ(c.host_name, "bot-7");
  EXPECT_EQ(c.public_url, "https://monitor.example.com");
  EXPECT_EQ(c.retention.raw_ms, 7 * kDayMs);
  EXPECT_EQ(c.retention.rollup1m_ms, 30 * kDayMs);
  EXPECT_EQ(c.retention.rollup1h_ms, 365 * kDayMs);
  EXPECT_EQ(c.ingest.max_body_bytes, 16 << 20);
  EXPECT_EQ(c.ingest.max_events, 5000);
  EXPECT_EQ(c.ingest.rate_limit_per_token, 200);
  EXPECT_EQ(c.sessions.idle_timeout_ms, 15 * kMinuteMs);
  EXPECT_EQ(c.sessions.retention_ms, 14 * kDayMs);
  EXPECT_FALSE(c.privacy.mask_users);
  EXPECT_FALSE(c.privacy.store_text);
  ASSERT_EQ(c.privacy.redact.size(), 3u);
  EXPECT_EQ(c.privacy.redact[0], (RedactItem{"email", "", ""}));
  EXPECT_EQ(c.privacy.redact[1], (RedactItem{"cpf", R"(\d{3}\.\d{3}\.\d{3}-\d{2})", "[cpf]"}));
  EXPECT_EQ(c.privacy.redact[2], (RedactItem{"phone", R"(\+\d{10,13})", "[phone]"}));
  EXPECT_EQ(c.collect.mounts, (std::vector<std::string>{"/", "/data"}));
  EXPECT_EQ(c.collect.proc_root, "/host");
  EXPECT_EQ(c.collect.nvml_library, "/opt/nvidia/libnvidia-ml.so.1");
  EXPECT_TRUE(c.metrics.is_public);
  EXPECT_EQ(c.nodes.stale_after_ms, kMinuteMs);
  EXPECT_EQ(c.alerting.watcher_interval_ms, 10'000);
  EXPECT_EQ(c.alerting.retention_period_ms, 30 * kDayMs);
  EXPECT_EQ(c.alerting.defaults,
            (std::map<std::string, bool>{{"cpuWarning", false}, {"nodeDown", true}}));
  EXPECT_EQ(c.hooks.dir, "/etc/botmon/hooks");
  EXPECT_EQ(c.hooks.timeout_ms, 30'000);
  EXPECT_EQ(c.notifications.give_up_after_ms, 12 * kHourMs);
  EXPECT_EQ(c.smtp.host, "smtp.example.com");
  EXPECT_EQ(c.smtp.port, 465);
  EXPECT_EQ(c.smtp.tls, "smtps");
  EXPECT_EQ(c.smtp.username, "alerts");
  EXPECT_EQ(c.smtp.password, "");
  EXPECT_EQ(c.smtp.from, "Bot Monitor <alerts@example.com>");
  EXPECT_EQ(c.sms.provider, "template");
  EXPECT_EQ(c.sms.base_url, "http://127.0.0.1:9001");
  EXPECT_EQ(c.sms.account_sid, "AC123");
  EXPECT_EQ(c.sms.from, "+15550001111");
  EXPECT_EQ(c.sms.url, "https://sms.example.com/send");
  EXPECT_EQ(c.sms.body, R"({"number": "{{to}}", "message": "{{text}}"})");
  EXPECT_EQ(c.channels.size(), 4u);
  EXPECT_EQ(c.routes.size(), 2u);
  ASSERT_EQ(c.silences.size(), 1u);
  EXPECT_EQ(c.silences[0].value["until"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(c.maintenance.size(), 2u);
  ASSERT_EQ(c.rules.size(), 1u);
  EXPECT_EQ(c.rules[0].value["name"], "High CPU Usage");
  EXPECT_EQ(c.rules[0].value["value"], 60);
  EXPECT_TRUE(c.rules[0].value["value"].is_number_integer());
  EXPECT_EQ(c.rules[0].value["clearValue"], 55.5);
  EXPECT_EQ(c.rules[0].value["enabled"], true);
  EXPECT_EQ(c.rules[0].value["timeframe"], "2m");
  EXPECT_EQ(c.rules[0].line, 42);
  EXPECT_EQ(c.rules[0].col, 5);
  ASSERT_EQ(c.checks.size(), 2u);
  EXPECT_EQ(c.checks[1].value["retries"], 3);
  EXPECT_EQ(c.influx.url, "http://127.0.0.1:8086");
  EXPECT_EQ(c.influx.version, 2);
  EXPECT_EQ(c.influx.database, "metrics");
  EXPECT_EQ(c.influx.org, "acme");
  EXPECT_EQ(c.influx.bucket, "bots");
  EXPECT_TRUE(c.cluster.enabled);
  EXPECT_EQ(c.cluster.redis_url, "redis://127.0.0.1:6379/0");
  EXPECT_EQ(c.tls.cert, "/etc/botmon/cert.pem");
  EXPECT_EQ(c.tls.key, "/etc/botmon/key.pem");
  EXPECT_EQ(l.SourceOf("listen"), *src.config_file + ":2");
  EXPECT_EQ(l.SourceOf("privacy.redact"), *src.config_file + ":15");
  EXPECT_EQ(l.SourceOf("alerting.defaults.cpuWarning"), *src.config_file + ":25");
  EXPECT_EQ(l.SourceOf("tls.key"), *src.config_file + ":57");
  // The keys only botpress.config.json sets stay at their defaults.
  EXPECT_EQ(l.SourceOf("monitoring.enabled"), "default");
}

TEST(LoadConfig, EmptyAndCommentOnlyFilesMeanDefaults) {
  LoadedConfig defaults = MustLoad({});
  for (std::string_view text : {"", "\n\n", "# nothing here\n", "---\n", "~\n"}) {
    TempDir dir;
    auto r = LoadYaml(dir, text);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    testing_config::ExpectSameConfig(r->config, defaults.config);
    EXPECT_EQ(r->files.size(), 1u);
  }
}

TEST(LoadConfig, NullValueLeavesTheDefault) {
  TempDir dir;
  auto r = LoadYaml(dir, "tick:\nretention:\nchannels:\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.tick_ms, 10'000);
  EXPECT_EQ(r->SourceOf("tick"), "default");
}

TEST(LoadConfig, TopLevelMustBeAMap) {
  EXPECT_EQ(ErrorOf("- tick: 10s\n"),
            "botmon.yaml:1:1: the top level must be a map of keys, not a list");
  EXPECT_EQ(ErrorOf("hello\n"),
            "botmon.yaml:1:1: the top level must be a map of keys, not \"hello\"");
}

TEST(LoadConfig, TickOutOfRange) {
  EXPECT_EQ(ErrorOf("listen: 127.0.0.1:0\ndataDir: /tmp/x\ntick: 0s\n"),
            "botmon.yaml:3:1: tick: 0s is below 1s");
  EXPECT_EQ(ErrorOf("tick: 6m\n"), "botmon.yaml:1:1: tick: 6m is above 5m");
  EXPECT_EQ(ErrorOf("tick: 500ms\n"), "botmon.yaml:1:1: tick: 500ms is below 1s");
}

TEST(LoadConfig, UnknownKeysAtEveryDepthSuggestTheNearest) {
  EXPECT_EQ(ErrorOf("tik: 10s\n"), "botmon.yaml:1:1: tik: unknown key (did you mean \"tick\"?)");
  EXPECT_EQ(ErrorOf("data_dir: /x\n"),
            "botmon.yaml:1:1: data_dir: unknown key (did you mean \"dataDir\"?)");
  EXPECT_EQ(ErrorOf("listen: 127.0.0.1:0\n"
                    "tick: 1s\n"
                    "retention: {raw: 1d}\n"
                    "ingest: {maxEvents: 10}\n"
                    "# a comment\n"
                    "sessions:\n"
                    "  idleTimout: 10m\n"),
            "botmon.yaml:7:3: sessions.idleTimout: unknown key (did you mean \"idleTimeout\"?)");
  EXPECT_EQ(ErrorOf("alerting:\n  defaults: {cpuWarnin: false}\n"),
            "botmon.yaml:2:14: alerting.defaults.cpuWarnin: unknown default rule (did you mean "
            "\"cpuWarning\"?)");
  EXPECT_EQ(ErrorOf("privacy:\n  redact:\n    - {name: x, regx: 'a+'}\n"),
            "botmon.yaml:3:17: privacy.redact[0].regx: unknown key (did you mean \"regex\"?)");
  EXPECT_EQ(ErrorOf("frobnicate: 1\n"), "botmon.yaml:1:1: frobnicate: unknown key");
  // A Botpress-only setting is not a botmon.yaml key.
  EXPECT_EQ(ErrorOf("monitoring: {enabled: true}\n"), "botmon.yaml:1:1: monitoring: unknown key");
  EXPECT_EQ(ErrorOf("alerting: {janitorInterval: 1m}\n"),
            "botmon.yaml:1:12: alerting.janitorInterval: unknown key");
}

TEST(LoadConfig, ReportsEveryProblemOfTheFile) {
  std::string err = ErrorOf("tik: 1s\nsmtp: {port: 0}\nretention: {raw: 0s}\n");
  EXPECT_EQ(err,
            "botmon.yaml:1:1: tik: unknown key (did you mean \"tick\"?)\n"
            "botmon.yaml:2:8: smtp.port: 0 is below 1\n"
            "botmon.yaml:3:13: retention.raw: 0s is below 1s");
}

TEST(LoadConfig, TypeErrorsNameTheExpectedType) {
  EXPECT_EQ(ErrorOf("tick: 10\n"),
            "botmon.yaml:1:1: tick: \"10\" is not a duration: durations are strings like 2m");
  EXPECT_EQ(ErrorOf("tick: [10s]\n"),
            "botmon.yaml:1:1: tick: expected a duration string like 2m, got a list");
  EXPECT_EQ(ErrorOf("metrics: {public: yes}\n"),
            "botmon.yaml:1:11: metrics.public: \"yes\" is not true or false");
  EXPECT_EQ(ErrorOf("metrics: {public: \"true\"}\n"),
            "botmon.yaml:1:11: metrics.public: expected true or false, got the string \"true\"");
  EXPECT_EQ(ErrorOf("smtp: {port: \"587\"}\n"),
            "botmon.yaml:1:8: smtp.port: expected an integer, got the string \"587\"");
  EXPECT_EQ(ErrorOf("smtp: {port: 5.5}\n"),
            "botmon.yaml:1:8: smtp.port: \"5.5\" is not an integer");
  EXPECT_EQ(ErrorOf("retention: 5\n"),
            "botmon.yaml:1:1: retention: expected a map of keys, got \"5\"");
  EXPECT_EQ(ErrorOf("hostName: {a: b}\n"),
            "botmon.yaml:1:1: hostName: expected a string, got a map");
  EXPECT_EQ(ErrorOf("collect: {mounts: /}\n"),
            "botmon.yaml:1:11: collect.mounts: expected a list of strings, got \"/\"");
  EXPECT_EQ(ErrorOf("collect:\n  mounts: [/, [x]]\n"),
            "botmon.yaml:2:15: collect.mounts[1]: expected a string, got a list");
  EXPECT_EQ(ErrorOf("channels: {name: x}\n"),
            "botmon.yaml:1:1: channels: expected a list of maps, got a map");
  EXPECT_EQ(ErrorOf("routes:\n  - {default: true}\n  - pager\n"),
            "botmon.yaml:3:5: routes[1]: expected a map, got \"pager\"");
  EXPECT_EQ(ErrorOf("alerting: {defaults: [cpuWarning]}\n"),
            "botmon.yaml:1:12: alerting.defaults: expected a map of rule keys to true or false, "
            "got a list");
  EXPECT_EQ(ErrorOf("alerting: {defaults: {cpuWarning: off}}\n"),
            "botmon.yaml:1:23: alerting.defaults.cpuWarning: expected true or false, got \"off\"");
  EXPECT_EQ(ErrorOf("privacy: {redact: card}\n"),
            "botmon.yaml:1:11: privacy.redact: expected a list of built-in names (card, email) or "
            "{name, regex, replace} maps, got \"card\"");
  EXPECT_EQ(ErrorOf("1: x\n"), "botmon.yaml:1:1: 1: unknown key");
}

TEST(LoadConfig, BadDurationsAndSizes) {
  EXPECT_EQ(ErrorOf("sessions: {idleTimeout: 10x}\n"),
            "botmon.yaml:1:12: sessions.idleTimeout: \"10x\": unknown unit \"x\" (use ms, s, m, h "
            "or d)");
  EXPECT_EQ(ErrorOf("sessions: {idleTimeout: 30m1h}\n"),
            "botmon.yaml:1:12: sessions.idleTimeout: \"30m1h\": units must decrease (e.g. 1h30m)");
  EXPECT_EQ(ErrorOf("sessions: {idleTimeout: 500ms}\n"),
            "botmon.yaml:1:12: sessions.idleTimeout: 500ms is below 1s");
  EXPECT_EQ(ErrorOf("sessions: {retention: 11y}\n"),
            "botmon.yaml:1:12: sessions.retention: \"11y\" is more than 10y");
  EXPECT_EQ(ErrorOf("notifications: {giveUpAfter: \"2 hours\"}\n"),
            "botmon.yaml:1:17: notifications.giveUpAfter: \"2 hours\" needs a unit after 2 (ms, s, "
            "m, h or d)");
  EXPECT_EQ(ErrorOf("ingest: {maxBodyBytes: 8MB}\n"),
            "botmon.yaml:1:10: ingest.maxBodyBytes: \"8MB\": unknown size unit \"MB\" (use KiB, "
            "MiB or GiB)");
  EXPECT_EQ(ErrorOf("ingest: {maxBodyBytes: 512}\n"),
            "botmon.yaml:1:10: ingest.maxBodyBytes: 512 is below 1KiB");
  EXPECT_EQ(ErrorOf("ingest: {maxBodyBytes: 2GiB}\n"),
            "botmon.yaml:1:10: ingest.maxBodyBytes: 2GiB is above 1GiB");
  EXPECT_EQ(ErrorOf("ingest: {maxBodyBytes: -5}\n"),
            "botmon.yaml:1:10: ingest.maxBodyBytes: \"-5\" is not a size (use e.g. 8MiB or a byte "
            "count)");
  EXPECT_EQ(ErrorOf("ingest: {maxEvents: 0}\n"),
            "botmon.yaml:1:10: ingest.maxEvents: 0 is below 1");
  EXPECT_EQ(ErrorOf("ingest: {maxEvents: 100001}\n"),
            "botmon.yaml:1:10: ingest.maxEvents: 100001 is above 100000");
  TempDir dir;
  auto ok = LoadYaml(dir, "ingest: {maxBodyBytes: 1024, maxEvents: 100000}\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->config.ingest.max_body_bytes, 1024);
}

TEST(LoadConfig, ValueRules) {
  EXPECT_EQ(ErrorOf("listen: localhost\n"),
            "botmon.yaml:1:1: listen: expected HOST:PORT like 127.0.0.1:8080");
  EXPECT_EQ(ErrorOf("listen: 127.0.0.1:70000\n"),
            "botmon.yaml:1:1: listen: port 70000 is above 65535");
  EXPECT_EQ(ErrorOf("listen: ::1:80\n"),
            "botmon.yaml:1:1: listen: an IPv6 address needs brackets, like [::1]:8080");
  EXPECT_EQ(ErrorOf("store: mysql://x\n"),
            "botmon.yaml:1:1: store: \"mysql://x\" is not a store: use sqlite or a postgresql:// "
            "URL");
  EXPECT_EQ(ErrorOf("dataDir: \"\"\n"), "botmon.yaml:1:1: dataDir: must not be empty");
  EXPECT_EQ(ErrorOf("timezone: Mars/Olympus\n"),
            "botmon.yaml:1:1: timezone: \"Mars/Olympus\" is not a known IANA time zone");
  EXPECT_EQ(ErrorOf("publicUrl: ftp://x\n"),
            "botmon.yaml:1:1: publicUrl: \"ftp://x\" is not an http:// or https:// URL");
  EXPECT_EQ(ErrorOf("collect: {mounts: [data]}\n"),
            "botmon.yaml:1:20: collect.mounts[0]: \"data\" is not an absolute path");
  EXPECT_EQ(ErrorOf("collect: {mounts: []}\n"),
            "botmon.yaml:1:11: collect.mounts: must list at least one mount");
  EXPECT_EQ(ErrorOf("collect: {procRoot: proc}\n"),
            "botmon.yaml:1:11: collect.procRoot: \"proc\" is not an absolute path");
  EXPECT_EQ(ErrorOf("tick: 20s\nnodes: {staleAfter: 10s}\n"),
            "botmon.yaml:2:9: nodes.staleAfter: 10s is below the tick (20s)");
  EXPECT_EQ(ErrorOf("hooks: {timeout: 0s}\n"), "botmon.yaml:1:9: hooks.timeout: 0s is below 1s");
  EXPECT_EQ(ErrorOf("smtp: {tls: ssl}\n"),
            "botmon.yaml:1:8: smtp.tls: \"ssl\" is not one of none, starttls or smtps");
  EXPECT_EQ(ErrorOf("sms: {provider: nexmo}\n"),
            "botmon.yaml:1:7: sms.provider: \"nexmo\" is not one of twilio or template");
  EXPECT_EQ(ErrorOf("sms: {provider: template}\n"),
            "botmon.yaml:1:7: sms.provider: template needs sms.url");
  EXPECT_EQ(ErrorOf("influx: {version: 3}\n"),
            "botmon.yaml:1:10: influx.version: 3 is not one of 1 or 2");
  EXPECT_EQ(ErrorOf("influx: {url: \"http://127.0.0.1:8086\", version: 2, org: acme}\n"),
            "botmon.yaml:1:40: influx.version: 2 needs influx.bucket");
  EXPECT_EQ(ErrorOf("cluster: {redisUrl: \"http://x\"}\n"),
            "botmon.yaml:1:11: cluster.redisUrl: \"http://x\" is not a redis:// or rediss:// URL");
  EXPECT_EQ(ErrorOf("tls: {cert: /a.pem}\n"), "botmon.yaml:1:7: tls.cert: needs tls.key too");
  EXPECT_EQ(ErrorOf("privacy: {redact: [card, phone]}\n"),
            "botmon.yaml:1:26: privacy.redact[1]: unknown built-in \"phone\"; built-ins are card "
            "and email, custom entries are {name, regex, replace}");
  EXPECT_EQ(ErrorOf("privacy: {redact: [emial]}\n"),
            "botmon.yaml:1:20: privacy.redact[0]: unknown built-in \"emial\" (did you mean "
            "\"email\"?); built-ins are card and email, custom entries are {name, regex, "
            "replace}");
  EXPECT_EQ(ErrorOf("privacy: {redact: [card, card]}\n"),
            "botmon.yaml:1:26: privacy.redact[1]: \"card\" is listed twice");
  std::string re = ErrorOf("privacy: {redact: [{name: x, regex: 'a(b'}]}\n");
  EXPECT_EQ(re.rfind("botmon.yaml:1:20: privacy.redact[0]: regex \"a(b\" does not compile: ", 0),
            0u)
      << re;
  EXPECT_EQ(ErrorOf("privacy: {redact: [{name: card, regex: 'x'}]}\n"),
            "botmon.yaml:1:20: privacy.redact[0]: \"card\" is a built-in name; give the custom "
            "entry another name");
  EXPECT_EQ(ErrorOf("privacy: {redact: [{name: x}]}\n"),
            "botmon.yaml:1:20: privacy.redact[0]: a custom entry needs a regex (built-ins are "
            "written as a name)");
  std::string rw = ErrorOf("privacy: {redact: [{name: x, regex: 'a', replace: '\\2'}]}\n");
  EXPECT_EQ(rw.rfind("botmon.yaml:1:20: privacy.redact[0]: replace \"\\2\": ", 0), 0u) << rw;
}

TEST(LoadConfig, AcceptedEdgeValues) {
  TempDir dir;
  auto r = LoadYaml(dir,
                    "listen: \"[::1]:0\"\n"
                    "tick: 5m\n"
                    "timezone: Etc/UTC\n"
                    "nodes: {staleAfter: 5m}\n"
                    "alerting: {watcherInterval: \"\"}\n"
                    "collect: {nvmlLibrary: \"\"}\n"
                    "store: postgres://u@h/db\n"
                    "retention: {rollup1h: 10y}\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.listen, "[::1]:0");
  EXPECT_EQ(r->config.public_url, "http://[::1]:0");
  EXPECT_EQ(r->config.tick_ms, 5 * kMinuteMs);
  EXPECT_EQ(r->config.nodes.stale_after_ms, 5 * kMinuteMs);
  EXPECT_EQ(r->config.alerting.watcher_interval_ms, 5 * kMinuteMs);
  EXPECT_EQ(r->config.timezone, "Etc/UTC");
  EXPECT_EQ(r->config.collect.nvml_library, "");
  EXPECT_EQ(r->config.retention.rollup1h_ms, 3650 * kDayMs);
}

TEST(LoadConfig, DuplicateKeysAreErrors) {
  EXPECT_EQ(ErrorOf("tick: 1s\ntick: 2s\n"), "botmon.yaml:2:1: tick: duplicate key");
  EXPECT_EQ(ErrorOf("channels:\n  - {name: a, name: b}\n"),
            "botmon.yaml:2:15: channels[0].name: duplicate key");
}

TEST(LoadConfig, YamlSyntaxErrorHasLineAndColumn) {
  EXPECT_EQ(ErrorOf("tick: 10s\nretention: {raw: 10d\nstore: sqlite\n"),
            "botmon.yaml:3:6: syntax error: end of map flow not found");
  std::string tab = ErrorOf("smtp:\n\thost: x\n");
  EXPECT_EQ(tab.rfind("botmon.yaml:2:", 0), 0u) << tab;
  EXPECT_NE(tab.find("syntax error"), std::string::npos);
  EXPECT_EQ(ErrorOf("tick: 1s\n---\ntick: 2s\n"),
            "botmon.yaml:3:1: only one YAML document is allowed");
  // A trailing empty document is fine.
  TempDir dir;
  EXPECT_TRUE(LoadYaml(dir, "tick: 1s\n---\n").ok());
}

TEST(LoadConfig, InvalidUtf8IsRefusedWithItsPosition) {
  EXPECT_EQ(ErrorOf("tick: 1s\nhostName: \"ab\xC3\x28\"\n"), "botmon.yaml:2:14: invalid UTF-8");
  EXPECT_EQ(ErrorOf("# caf\xE9\n"), "botmon.yaml:1:6: invalid UTF-8");
  TempDir dir;
  EXPECT_TRUE(LoadYaml(dir, "hostName: \"caf\xC3\xA9 \xE2\x98\x83\"\n").ok());
}

TEST(LoadConfig, MalformedYamlThatStallsTheParserIsAnErrorNotAHang) {
  // yaml-cpp 0.7's LoadAll() loops forever on these (found by fuzz/config_fuzz).
  EXPECT_EQ(ErrorOf(",\n"), "botmon.yaml:1:1: syntax error: unexpected token");
  EXPECT_EQ(ErrorOf(",\ntick: 1s\n"), "botmon.yaml:1:1: syntax error: unexpected token");
  std::string fuzzed = ErrorOf(
      "\n__\364__ #\"$schem!\": \"../bo#tpress.config.scehma.)jso  n\n,\"\"htu   : y key of "
      "Append\"11 ixsec");
  EXPECT_NE(fuzzed.find("botmon.yaml:"), std::string::npos) << fuzzed;
}

TEST(LoadConfig, HugeFilesAreRefused) {
  std::string big = "# padding\n";
  big += std::string(kMaxConfigYamlBytes, '#');
  std::string err = ErrorOf(big);
  EXPECT_NE(err.find("botmon.yaml: larger than 1048576 bytes"), std::string::npos) << err;
  // A deeply nested document fails cleanly (yaml-cpp's depth guard), without crashing.
  std::string deep = "rules: ";
  for (int i = 0; i < 5000; ++i) deep += "[";
  std::string derr = ErrorOf(deep);
  EXPECT_NE(derr.find("syntax error"), std::string::npos) << derr;
}

TEST(LoadConfig, AliasBombInAListSectionFails) {
  std::string y = "checks:\n  - {name: c0, v: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}\n";
  for (int i = 1; i < 9; ++i) {
    y += "  - {name: c" + std::to_string(i) + ", v: &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) y += std::string(k ? ", " : "") + "*a" + std::to_string(i - 1);
    y += "]}\n";
  }
  std::string err = ErrorOf(y);
  EXPECT_NE(err.find("aliases expand too far"), std::string::npos) << err;
}

TEST(LoadConfig, MissingFileNamesIt) {
  ConfigSources src;
  src.config_file = "/nonexistent/botmon.yaml";
  auto r = LoadConfig(src);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/botmon.yaml"), std::string::npos);
}

}  // namespace
}  // namespace botmon
