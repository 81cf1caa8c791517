# Bounded smoke runs of the fuzz targets (fuzz/*_fuzz.cc) with the default compiler, for
# `make test`: every seed of fuzz/corpus/<target>/, then 20,000 deterministic mutations of them
# (fuzz/standalone_driver.cc). Each takes a few seconds; real fuzzing is `make fuzz` (clang).
set(_fuzz_dir ${PROJECT_SOURCE_DIR}/fuzz)
if(TARGET botmon_ingest_decode)
  set(_decode_lib botmon_ingest_decode)
else()
  set(_decode_lib botmon_ingest)
endif()

foreach(target decode duration)
  add_executable(${target}_fuzz_smoke ${_fuzz_dir}/${target}_fuzz.cc
                                      ${_fuzz_dir}/standalone_driver.cc)
  botmon_warnings(${target}_fuzz_smoke)
  add_test(NAME fuzz_smoke_${target}
           COMMAND ${target}_fuzz_smoke ${_fuzz_dir}/corpus/${target} 20000)
  set_tests_properties(fuzz_smoke_${target} PROPERTIES TIMEOUT 60)
endforeach()
target_link_libraries(decode_fuzz_smoke PRIVATE ${_decode_lib})
target_link_libraries(duration_fuzz_smoke PRIVATE botmon_core)

# The configuration loader (fuzz/config_fuzz.cc); its seeds live with the config test data.
add_executable(config_fuzz_smoke ${_fuzz_dir}/config_fuzz.cc ${_fuzz_dir}/standalone_driver.cc)
botmon_warnings(config_fuzz_smoke)
target_link_libraries(config_fuzz_smoke PRIVATE botmon_config)
add_test(NAME fuzz_smoke_config
         COMMAND config_fuzz_smoke ${PROJECT_SOURCE_DIR}/tests/testdata/config/fuzz_seeds 20000)
set_tests_properties(fuzz_smoke_config PROPERTIES TIMEOUT 60)

# botmon's own HTTP-side parsers: request targets and bounded gunzip (fuzz/http_fuzz.cc).
add_executable(http_fuzz_smoke ${_fuzz_dir}/http_fuzz.cc ${_fuzz_dir}/standalone_driver.cc)
botmon_warnings(http_fuzz_smoke)
target_link_libraries(http_fuzz_smoke PRIVATE botmon_http)
add_test(NAME fuzz_smoke_http COMMAND http_fuzz_smoke ${_fuzz_dir}/corpus/http 20000)
set_tests_properties(fuzz_smoke_http PROPERTIES TIMEOUT 60)

# Service-check reply parsers (fuzz/probe_fuzz.cc): RESP, Redis INFO and URLs, JSON, Prometheus.
add_executable(probe_fuzz_smoke ${_fuzz_dir}/probe_fuzz.cc ${_fuzz_dir}/standalone_driver.cc)
botmon_warnings(probe_fuzz_smoke)
target_link_libraries(probe_fuzz_smoke PRIVATE botmon_probe)
add_test(NAME fuzz_smoke_probe COMMAND probe_fuzz_smoke ${_fuzz_dir}/corpus/probe 20000)
set_tests_properties(fuzz_smoke_probe PROPERTIES TIMEOUT 60)
