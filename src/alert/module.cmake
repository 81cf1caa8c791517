# The alert module is built from every alert/*.cc (tests: every alert/*_test.cc), so that
# independent pieces of work (rules, windows, routing, evaluation) can add files without editing
# this one.
file(GLOB _alert_all CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/alert/*.cc)
file(GLOB _alert_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/alert/*_test.cc)
list(REMOVE_ITEM _alert_all ${_alert_tests})
botmon_module(alert
  SOURCES ${_alert_all}
  DEPS botmon_core botmon_config botmon_series botmon_window nlohmann_json::nlohmann_json
       date::date-tz)
if(_alert_tests)
  botmon_test(alert_test SOURCES ${_alert_tests} DEPS botmon_alert)
endif()
