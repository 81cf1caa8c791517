# Hooks (SPEC 7.4): Botpress's on_incident_status_changed hook run as executables (or *.js through
# node) with the incident on stdin, in their own process group, with a timeout.
botmon_module(hooks
  SOURCES hooks/hook_runner.cc
  DEPS botmon_core Threads::Threads nlohmann_json::nlohmann_json)

botmon_test(hooks_test
  SOURCES hooks/hook_runner_test.cc
  DEPS botmon_hooks)
