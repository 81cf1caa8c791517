# libFuzzer target for the configuration parsers: botmon.yaml, botpress.config.json, config.csv
# (`make fuzz`, clang only). The first input byte picks the parser (see config_fuzz.cc). Run it,
# e.g. for five minutes (new inputs go to the first directory, seeds are read-only):
#   mkdir -p /tmp/cfg && build-fuzz/config_fuzz -max_total_time=300 -max_len=4096 /tmp/cfg \
#       tests/testdata/config/fuzz_seeds
# Seeds, and every fixed finding, live in tests/testdata/config/fuzz_seeds/.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(WARNING "BOTMON_FUZZ needs clang (CXX=clang++ CC=clang): config fuzz skipped")
  return()
endif()

# The config sources are compiled into the target, so that they carry the coverage
# instrumentation and sanitizers; botmon_core stays uninstrumented.
set(_config_src ${PROJECT_SOURCE_DIR}/src/config)
add_executable(config_fuzz ${CMAKE_CURRENT_LIST_DIR}/config_fuzz.cc
  ${_config_src}/keys.cc ${_config_src}/values.cc
  ${_config_src}/yaml_json.cc ${_config_src}/yaml_source.cc ${_config_src}/botpress.cc
  ${_config_src}/csv.cc ${_config_src}/validate.cc ${_config_src}/load.cc
  ${_config_src}/print.cc)
set(_config_fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                       -fno-omit-frame-pointer)
target_include_directories(config_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(config_fuzz PRIVATE ${_config_fuzz_flags})
target_link_options(config_fuzz PRIVATE ${_config_fuzz_flags})
target_link_libraries(config_fuzz PRIVATE botmon_core yaml-cpp nlohmann_json::nlohmann_json
                                          date::date-tz PkgConfig::RE2)
botmon_warnings(config_fuzz)
