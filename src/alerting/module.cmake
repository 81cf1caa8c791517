# Alerting at run time (SPEC 7.2-7.5): the engine that turns evaluations into incidents, outbox
# rows, notifications and hook runs, and the delivery workers.
botmon_module(alerting
  SOURCES alerting/alert_engine.cc alerting/alert_objects.cc alerting/delivery.cc
          alerting/silence_janitor.cc
  DEPS botmon_core botmon_config botmon_alert botmon_notify botmon_hooks botmon_routing
       botmon_store nlohmann_json::nlohmann_json Threads::Threads)

botmon_test(alerting_test
  SOURCES alerting/alert_engine_test.cc alerting/silence_janitor_test.cc
  DEPS botmon_alerting botmon_http botmon_test_support
  TIMEOUT 300)
