# Service health checks (SPEC 8): check configuration, non-blocking probes of every kind and the
# probe thread that schedules them. Built from every probe/*.cc (tests: probe/*_test.cc).
file(GLOB _probe_all CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/probe/*.cc)
file(GLOB _probe_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/probe/*_test.cc)
list(REMOVE_ITEM _probe_all ${_probe_tests})
botmon_module(probe
  SOURCES ${_probe_all}
  DEPS botmon_core botmon_config CURL::libcurl PkgConfig::PQ PkgConfig::HIREDIS
       nlohmann_json::nlohmann_json Threads::Threads)
if(_probe_tests)
  botmon_test(probe_test SOURCES ${_probe_tests} DEPS botmon_probe botmon_http botmon_test_support
              TIMEOUT 300)
endif()
