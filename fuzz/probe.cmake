# libFuzzer target for the service-check reply parsers (`make fuzz`, clang only):
#   mkdir -p /tmp/probe && build-fuzz/probe_fuzz -max_total_time=300 -max_len=4096 /tmp/probe
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(WARNING "BOTMON_FUZZ needs clang (CXX=clang++ CC=clang): probe fuzz skipped")
  return()
endif()
set(_probe_src ${PROJECT_SOURCE_DIR}/src/probe)
add_executable(probe_fuzz ${CMAKE_CURRENT_LIST_DIR}/probe_fuzz.cc ${_probe_src}/redis_reply.cc
                          ${_probe_src}/reply_parse.cc)
set(_probe_fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
target_include_directories(probe_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(probe_fuzz PRIVATE ${_probe_fuzz_flags})
target_link_options(probe_fuzz PRIVATE ${_probe_fuzz_flags})
target_link_libraries(probe_fuzz PRIVATE botmon_core nlohmann_json::nlohmann_json
                                         PkgConfig::HIREDIS)
botmon_warnings(probe_fuzz)
