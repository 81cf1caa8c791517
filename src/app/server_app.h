// ServerApp: `botmon serve` (SPEC 2). Builds every component in dependency order, runs until
// SIGTERM/SIGINT, reloads on SIGHUP or a configuration file change (keeping the running
// configuration on error), and stops in reverse order within 5 s.
//
// Threads (docs/design.md): io (HTTP), http-worker, ingest-writer, store-writer, ticker,
// config-watcher, demo. The caller's thread waits for signals.
#ifndef BOTMON_APP_SERVER_APP_H_
#define BOTMON_APP_SERVER_APP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/load.h"
#include "core/status.h"

namespace botmon {

struct ServeFlags {
  std::optional<std::string> config, data_dir, listen, port_file, tick, host_name, store,
      botpress_config, log_level;
  std::vector<std::string> bot_configs;
  bool demo = false;
  std::optional<uint64_t> demo_seed;
  bool console = false;
  bool monitor = false;
  bool print_config = false;
};

// The ConfigSources for these flags and the process environment.
ConfigSources SourcesFromFlags(const ServeFlags& f);

// Runs the server; returns the process exit code (0, 1 runtime failure, 2 usage/config error).
// REQUIRES: SIGTERM, SIGINT and SIGHUP are blocked in every thread (main does it first).
int RunServe(const ServeFlags& flags);

}  // namespace botmon

#endif  // BOTMON_APP_SERVER_APP_H_
