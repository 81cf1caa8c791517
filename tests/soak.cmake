# Soak tests: long runs of the real binary that do not fit `make test` (they take minutes by
# design, e.g. a rule with a 10-minute window). Built with the tests, run by `make soak` only.
if(BOTMON_TESTS)
  file(GLOB _soak_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/soak/*_test.cc)
  foreach(src ${_soak_sources})
    get_filename_component(name ${src} NAME_WE)
    add_executable(soak_${name} ${src})
    target_link_libraries(soak_${name} PRIVATE botmon_it_harness botmon_test_support GTest::gtest
                                               GTest::gtest_main)
    botmon_warnings(soak_${name})
    add_dependencies(soak_${name} botmon)
  endforeach()
endif()
