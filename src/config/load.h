// Loading the effective configuration from all its sources (SPEC 3).
//
// Precedence, highest first: flags > environment > botmon.yaml > botpress.config.json >
// config.csv > defaults (Appendix A.1). Every source is read and checked in full even when a
// higher one overrides some of its keys, so a broken file is always reported. All problems found
// are returned together in one InvalidArgument Status, one per line, each naming its place:
//   botmon.yaml:3:1: tick: 0s is below 1s
//   botpress.config.json:9: pro.monitoring.collectionInterval (tick): 0s is below 1s
//   BOTMON_TICK: "abc" is not a duration (use e.g. 2m, 1h30m, 500ms)
//   --tick: 10m is above 5m
// Environment: BOTMON_LISTEN, BOTMON_DATA_DIR, BOTMON_STORE, BOTMON_TICK, BOTMON_TIMEZONE,
// BOTMON_HOST_NAME, BOTMON_PUBLIC_URL, CLUSTER_ENABLED (true|false), REDIS_URL; an empty value
// counts as unset. BOTMON_CONFIG names botmon.yaml when ConfigSources::config_file is unset.
//
// config.csv files feed no scalar key: their alert-* entries are kept per bot for the rule and
// channel mapping of Appendix A.8, done by the alerting module.
//
// Thread-safe (no shared state); LoadConfig reads files and the system's hostname and zone.
#ifndef BOTMON_CONFIG_LOAD_H_
#define BOTMON_CONFIG_LOAD_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/csv.h"
#include "config/options.h"
#include "core/status.h"

namespace botmon {

inline constexpr size_t kMaxConfigYamlBytes = size_t{1} << 20;

struct ConfigSources {
  // botmon.yaml (--config); when unset, the environment's BOTMON_CONFIG; else none is read.
  std::optional<std::string> config_file;
  // botpress.config.json (--botpress-config).
  std::optional<std::string> botpress_config;
  // --bot-config values: "FILE" or "BOT=FILE", in order.
  std::vector<std::string> bot_configs;
  // Flag overrides: key path -> text, e.g. {"listen", "127.0.0.1:0"}, {"dataDir", "/tmp/d"}.
  // Errors name the flag derived from the path ("--data-dir").
  std::map<std::string, std::string> flags;
  // The environment (ProcessEnvironment() in the app; tests pass their own).
  std::map<std::string, std::string> env;
};

// One --bot-config file.
struct BotCsvConfig {
  std::string file;
  // BOT= prefix; else the parent folder's name without ".gbot"; else "default".
  std::string bot;
  // Its alert-* entries in file order, keys lower-cased (General Bots keys are
  // case-insensitive). Other keys are dropped.
  std::vector<CsvEntry> alerts;
};

struct LoadedConfig {
  Config config;
  // For every key path of Appendix A.1 (and monitoring.*, alerting.enabled/janitorInterval,
  // alerting.defaults.<key> when set): "flag", "env", "FILE:LINE" or "default".
  std::map<std::string, std::string> provenance;
  // Every file read, in reading order (for ConfigWatcher).
  std::vector<std::string> files;
  // Non-fatal findings: unknown alert-* keys, Botpress's enabled: false, likely typos in
  // BOTMON_* variable names.
  std::vector<std::string> warnings;
  // pro.alerting.rules of botpress.config.json.
  std::vector<RawItem> botpress_rules;
  // One per --bot-config, in order.
  std::vector<BotCsvConfig> bot_configs;

  // provenance[path], or "default".
  std::string SourceOf(std::string_view path) const;
};

StatusOr<LoadedConfig> LoadConfig(const ConfigSources& src);

// The process's variables that LoadConfig looks at (BOTMON_*, CLUSTER_ENABLED, REDIS_URL).
std::map<std::string, std::string> ProcessEnvironment();

// Splits a --bot-config value into (bot, file): "sales=/x/config.csv" -> ("sales", "/x/...");
// "/bots/mybot.gbot/config.csv" -> ("mybot", ...); "config.csv" -> ("default", ...).
std::pair<std::string, std::string> SplitBotConfig(std::string_view spec);

}  // namespace botmon

#endif  // BOTMON_CONFIG_LOAD_H_
