// botmon: the command line (SPEC 2). Flags may come in any order; every subcommand has --help.
// Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
#include <curl/curl.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "alert/rules_check.h"
#include "app/commands.h"
#include "app/server_app.h"

int main(int argc, char** argv) {
  // Signals are taken by sigwait on one thread: block them before any thread starts, so every
  // thread inherits the mask. A peer closing a socket must not kill the process.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);  // once per process (LIBRARIES 2.2)

  CLI::App app{"botmon: monitoring and alerting for chatbot deployments"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show every subcommand's help");

  botmon::ServeFlags serve;
  auto* s = app.add_subcommand("serve", "Run the monitoring server");
  auto opt = [](CLI::App* a, const char* name, std::optional<std::string>* out, const char* help) {
    a->add_option_function<std::string>(
        name, [out](const std::string& v) { *out = v; }, help);
  };
  opt(s, "--config", &serve.config, "botmon.yaml to read (or BOTMON_CONFIG)");
  opt(s, "--data-dir", &serve.data_dir, "Data directory (default ./data)");
  opt(s, "--listen", &serve.listen, "ADDR:PORT (default 127.0.0.1:8080; port 0 = a free port)");
  opt(s, "--port-file", &serve.port_file, "Write the real port here once listening");
  opt(s, "--tick", &serve.tick, "Collection interval, 1s..5m (default 10s)");
  opt(s, "--host-name", &serve.host_name, "This node's name (default: the system hostname)");
  opt(s, "--store", &serve.store, "sqlite (default) or postgresql://...");
  s->add_option("--bot-config", serve.bot_configs, "[BOT=]config.csv (repeatable)");
  opt(s, "--botpress-config", &serve.botpress_config, "botpress.config.json to read");
  s->add_flag("--demo", serve.demo, "Add a simulated bot");
  s->add_option_function<uint64_t>(
      "--demo-seed", [&serve](const uint64_t& v) { serve.demo_seed = v; },
      "Seed for a repeatable demo");
  s->add_flag("--console", serve.console, "Human-readable logs on stderr");
  s->add_flag("--monitor", serve.monitor, "Print the console block to stdout every tick");
  opt(s, "--log-level", &serve.log_level, "trace|debug|info|warn|error|off (default info)");
  s->add_flag("--print-config", serve.print_config,
              "Print the effective configuration with each key's source, then exit");

  botmon::StoreFlags store;
  auto store_opts = [&store, &opt](CLI::App* a) {
    opt(a, "--config", &store.config, "botmon.yaml (for dataDir and store)");
    opt(a, "--data-dir", &store.data_dir, "Data directory (default ./data)");
    opt(a, "--store", &store.store, "sqlite (default) or postgresql://...");
  };
  auto* token = app.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  std::string name, role;
  auto* create = token->add_subcommand("create", "Create a token; prints only the token");
  create->add_option("--name", name, "Token name")->required();
  create->add_option("--role", role, "admin | monitor | ingest")->required();
  store_opts(create);
  auto* list = token->add_subcommand("list", "List tokens (name, role, created, last used)");
  store_opts(list);
  auto* revoke = token->add_subcommand("revoke", "Revoke a token (effective within 1 s)");
  revoke->add_option("NAME", name, "Token name")->required();
  store_opts(revoke);

  auto* user = app.add_subcommand("user", "Manage dashboard users");
  user->require_subcommand(1);
  bool generate = false;
  auto* user_add = user->add_subcommand(
      "add", "Add a user; the password comes from stdin (one line) or is prompted twice");
  user_add->add_option("NAME", name, "User name")->required();
  user_add->add_option("--role", role, "admin | monitor")->required();
  user_add->add_flag("--generate", generate, "Generate a password and print it once");
  store_opts(user_add);

  botmon::MonitorFlags mon;
  auto* monitor = app.add_subcommand("monitor", "Print the console block of a remote server");
  monitor->add_option("--url", mon.url, "Server URL, e.g. http://127.0.0.1:8080")->required();
  monitor->add_option("--token", mon.token, "A monitor (or admin) token")->required();
  monitor->add_flag("--once", mon.once, "Print one block and exit");

  auto* rules = app.add_subcommand("rules", "Check alert rules");
  rules->require_subcommand(1);
  std::vector<std::string> rule_files;
  bool rules_verbose = false;
  auto* rules_check =
      rules->add_subcommand("check",
                            "Validate rule files (botmon.yaml, botpress.config.json, "
                            "config.csv or BOT=config.csv); silent when valid");
  rules_check->add_option("FILE", rule_files, "Files to check")->required();
  rules_check->add_flag("-v,--verbose", rules_verbose, "Also print one line per valid rule");
  std::string rules_test_file;
  auto* rules_test = rules->add_subcommand(
      "test",
      "Run a test file (tick, rules/ruleFiles, series, expect) through the live evaluator; "
      "prints +OFFSET OPEN|RESOLVE lines");
  rules_test->add_option("FILE", rules_test_file, "The test file (YAML)")->required();

  botmon::AlertsTestFlags alerts_flags;
  auto* alerts = app.add_subcommand("alerts", "Alert notifications");
  alerts->require_subcommand(1);
  auto* alerts_test = alerts->add_subcommand(
      "test", "Send a [TEST] notification through each channel; prints CHANNEL ok|failed ...");
  alerts_test->add_option("--channel", alerts_flags.channel, "Only this channel");
  alerts_test->add_option("--url", alerts_flags.url, "Through this running server");
  alerts_test->add_option("--token", alerts_flags.token, "An admin token (with --url)");
  alerts_test->add_option("--config", alerts_flags.config, "botmon.yaml (without --url)");
  alerts_test->add_option("--botpress-config", alerts_flags.botpress_config,
                          "botpress.config.json (without --url)");
  alerts_test->add_option("--bot-config", alerts_flags.bot_configs,
                          "BOT=config.csv (without --url; repeatable)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;  // usage errors exit 2 (SPEC 2)
  }
  if (*s) return botmon::RunServe(serve);
  if (*create) return botmon::TokenCreate(store, name, role);
  if (*list) return botmon::TokenList(store);
  if (*revoke) return botmon::TokenRevoke(store, name);
  if (*user_add) return botmon::UserAdd(store, name, role, generate);
  if (*monitor) return botmon::RunMonitor(mon);
  if (*alerts_test) return botmon::AlertsTest(alerts_flags);
  if (*rules_test) return botmon::RulesTest(rules_test_file);
  if (*rules_check) {
    botmon::RulesCheckOptions o;
    o.verbose = rules_verbose;
    botmon::RulesCheckOutput out = botmon::RulesCheckFiles(rule_files, o);
    std::fwrite(out.text.data(), 1, out.text.size(), stdout);
    return out.exit_code;
  }
  return 2;
}
