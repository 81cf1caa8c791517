# Routing (SPEC 7.5): which channels a notification goes to (routes), and when it is muted
# (silences, maintenance windows). Pure values and functions, used by the notification
# dispatcher and the alerting API.
botmon_module(routing
  SOURCES routing/match.cc routing/route.cc routing/silence.cc routing/maintenance.cc
  DEPS botmon_core botmon_config botmon_alert date::date-tz nlohmann_json::nlohmann_json)

botmon_test(routing_test
  SOURCES routing/match_test.cc routing/route_test.cc routing/silence_test.cc
          routing/maintenance_test.cc
  DEPS botmon_routing)
