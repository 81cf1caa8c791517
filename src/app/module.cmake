botmon_module(app
  SOURCES app/console.cc app/ticker.cc app/server_app.cc app/token_cmd.cc app/monitor_cmd.cc
          app/alerts_cmd.cc
          app/rules_test_cmd.cc
  DEPS botmon_api botmon_collect botmon_demo botmon_config botmon_probe botmon_export
       botmon_alerting botmon_dashboard CURL::libcurl
       CLI11::CLI11)

add_executable(botmon app/main.cc)
target_link_libraries(botmon PRIVATE botmon_app)
botmon_warnings(botmon)
set_target_properties(botmon PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})

botmon_test(app_test
  SOURCES app/console_test.cc
  DEPS botmon_app)
