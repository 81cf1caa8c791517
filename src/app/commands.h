// The management subcommands (SPEC 2). Each returns the process exit code: 0 ok, 1 runtime
// failure, 2 usage or configuration error. They open the store directly and work while
// `serve` runs (they never take the data-dir lock).
#ifndef BOTMON_APP_COMMANDS_H_
#define BOTMON_APP_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

namespace botmon {

struct StoreFlags {
  std::optional<std::string> config, data_dir, store;
};

int TokenCreate(const StoreFlags& f, const std::string& name, const std::string& role);
int TokenList(const StoreFlags& f);
int TokenRevoke(const StoreFlags& f, const std::string& name);
// `botmon user add NAME --role admin|monitor [--generate]` (SPEC 2): the password from stdin
// (one line) when it is not a terminal, else typed twice; --generate prints a random one once on
// stdout. An existing name exits 2.
int UserAdd(const StoreFlags& f, const std::string& name, const std::string& role, bool generate);

struct MonitorFlags {
  std::string url;
  std::string token;
  bool once = false;
};
// Polls url/api/monitoring/status every tick and prints the console block (SPEC 11).
int RunMonitor(const MonitorFlags& f);

struct AlertsTestFlags {
  std::string channel;                                 // "" = every channel
  std::string url, token;                              // through a running server when url is set
  std::optional<std::string> config, botpress_config;  // else directly, with this configuration
  std::vector<std::string> bot_configs;
};
// `botmon alerts test`: exit 0 when every channel succeeded, 1 if any failed, 2 on usage or
// configuration errors.
int AlertsTest(const AlertsTestFlags& f);

// `botmon rules test FILE` (SPEC 2, alert/rule_test_file.h): exit 0 when every expectation
// holds, 1 when one does not, 2 for an unreadable or invalid file.
int RulesTest(const std::string& path);

}  // namespace botmon

#endif  // BOTMON_APP_COMMANDS_H_
