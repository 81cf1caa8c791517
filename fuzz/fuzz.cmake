# libFuzzer targets for the ingest decoder, configuration durations and HTTP targets/gzip (`make fuzz`, clang only).
# Run one, e.g. for five minutes (new inputs go to the first directory, seeds are read-only):
#   mkdir -p /tmp/dec && build-fuzz/decode_fuzz -max_total_time=300 /tmp/dec fuzz/corpus/decode
#   mkdir -p /tmp/dur && build-fuzz/duration_fuzz -max_total_time=300 /tmp/dur fuzz/corpus/duration
# Findings land in the working directory as crash-*; once fixed, add them to fuzz/corpus/<target>/
# so that the smoke runs of `make test` (tests/fuzz_smoke.cmake) keep replaying them.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(WARNING "BOTMON_FUZZ needs clang (CXX=clang++ CC=clang): decode/duration fuzz skipped")
  return()
endif()

# The code under test is compiled into each target, so that it carries the coverage
# instrumentation and sanitizers; the libraries (and every other binary) stay uninstrumented.
set(_fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                -fno-omit-frame-pointer)
set(_src ${PROJECT_SOURCE_DIR}/src)

add_executable(decode_fuzz ${CMAKE_CURRENT_LIST_DIR}/decode_fuzz.cc
  ${_src}/ingest/event.cc ${_src}/ingest/decode.cc ${_src}/ingest/event_members.cc
  ${_src}/ingest/json_syntax.cc ${_src}/ingest/redact.cc ${_src}/series/fields.cc)
target_link_libraries(decode_fuzz PRIVATE botmon_core simdjson::simdjson PkgConfig::RE2)

add_executable(duration_fuzz ${CMAKE_CURRENT_LIST_DIR}/duration_fuzz.cc ${_src}/core/duration.cc)
target_link_libraries(duration_fuzz PRIVATE botmon_core)

add_executable(http_fuzz ${CMAKE_CURRENT_LIST_DIR}/http_fuzz.cc ${_src}/http/gzip.cc
  ${_src}/http/url.cc ${_src}/http/message.cc)
target_link_libraries(http_fuzz PRIVATE botmon_core ZLIB::ZLIB)

foreach(target decode_fuzz duration_fuzz http_fuzz)
  target_include_directories(${target} PRIVATE ${_src})
  target_compile_options(${target} PRIVATE ${_fuzz_flags})
  target_link_options(${target} PRIVATE ${_fuzz_flags})
  botmon_warnings(${target})
endforeach()
