botmon_module(collect
  SOURCES collect/host_collector.cc collect/proc_parse.cc collect/disk_usage.cc collect/nvml.cc
  DEPS botmon_core ${CMAKE_DL_LIBS})

if(BOTMON_TESTS)
  # A stand-in for libnvidia-ml.so.1 that the test loads by path through nvml_library; it is never
  # linked into anything.
  add_library(fake_nvml SHARED collect/testdata/fake_nvml.c)
  botmon_warnings(fake_nvml)

  botmon_test(collect_test
    SOURCES collect/proc_parse_test.cc collect/host_collector_test.cc
    DEPS botmon_collect ${CMAKE_DL_LIBS})
  add_dependencies(collect_test fake_nvml)
  target_compile_definitions(collect_test PRIVATE FAKE_NVML_PATH="$<TARGET_FILE:fake_nvml>")
endif()
