# Configuration: botmon.yaml, botpress.config.json, config.csv, environment and flags merged into
# one Config (SPEC 3), --print-config, and the reload watcher. RE2 checks privacy.redact regexes
# at load time, so a bad pattern is reported with its file position.
botmon_module(config
  SOURCES config/keys.cc config/values.cc config/yaml_json.cc config/yaml_source.cc
          config/botpress.cc config/csv.cc config/validate.cc config/load.cc config/print.cc
          config/watcher.cc
  DEPS botmon_core yaml-cpp nlohmann_json::nlohmann_json date::date-tz PkgConfig::RE2)

botmon_test(config_test
  SOURCES config/csv_test.cc config/keys_test.cc config/yaml_json_test.cc config/load_test.cc
          config/load_sources_test.cc config/print_test.cc config/watcher_test.cc
  DEPS botmon_config)
