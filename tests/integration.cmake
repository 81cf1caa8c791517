# Integration tests: they start the real botmon binary (SPEC: "Real parts, not mocks").
if(BOTMON_TESTS)
  add_library(botmon_it_harness STATIC ${CMAKE_CURRENT_SOURCE_DIR}/integration/harness.cc)
  target_include_directories(botmon_it_harness PUBLIC ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(botmon_it_harness PUBLIC BOTMON_BINARY_DIR="${PROJECT_BINARY_DIR}"
                                                      BOTMON_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(botmon_it_harness PUBLIC CURL::libcurl nlohmann_json::nlohmann_json
                                                 GTest::gtest)
  botmon_warnings(botmon_it_harness)

  # Each file of tests/integration/*_test.cc is one test binary; they run after botmon is built.
  file(GLOB _it_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/integration/*_test.cc)
  foreach(src ${_it_sources})
    get_filename_component(name ${src} NAME_WE)
    add_executable(it_${name} ${src})
    target_link_libraries(it_${name} PRIVATE botmon_it_harness botmon_test_support GTest::gtest
                                             GTest::gtest_main)
    botmon_warnings(it_${name})
    add_dependencies(it_${name} botmon)
    gtest_discover_tests(it_${name} DISCOVERY_MODE PRE_TEST TEST_PREFIX "it."
                         PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
  endforeach()
endif()
