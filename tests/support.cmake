# Test support: helpers that start real servers (PostgreSQL, Redis, InfluxDB 1.6, SMTP) on
# 127.0.0.1 for the unit and integration tests, and stop them by PID. Every tests/support/*.cc.
if(BOTMON_TESTS)
  file(GLOB _support_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/support/*.cc)
  # support/http_receiver.cc builds on the demo's TestReceiver.
  list(APPEND _support_sources ${PROJECT_SOURCE_DIR}/src/demo/test_receiver.cc)
  add_library(botmon_test_support STATIC ${_support_sources})
  target_include_directories(botmon_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests
                                                        ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(botmon_test_support PUBLIC botmon_core CURL::libcurl PkgConfig::PQ PkgConfig::HIREDIS
                                                   nlohmann_json::nlohmann_json GTest::gtest
                                                   OpenSSL::Crypto)
  botmon_warnings(botmon_test_support)
endif()
