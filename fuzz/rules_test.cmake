# libFuzzer target for `botmon rules test` files and promtool's series notation (`make fuzz`,
# clang only). The first input byte picks the parser (see rules_test_fuzz.cc). Run it, e.g.:
#   mkdir -p /tmp/rt && build-fuzz/rules_test_fuzz -max_total_time=300 -max_len=4096 /tmp/rt \
#       fuzz/corpus/rules_test
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(WARNING "BOTMON_FUZZ needs clang (CXX=clang++ CC=clang): rules_test fuzz skipped")
  return()
endif()
# The parsers are compiled into the target (instrumented); the rest comes from botmon_alert.
set(_rt_src ${PROJECT_SOURCE_DIR}/src/alert)
add_executable(rules_test_fuzz ${CMAKE_CURRENT_LIST_DIR}/rules_test_fuzz.cc
  ${_rt_src}/series_notation.cc ${_rt_src}/rule_test_file.cc ${_rt_src}/rule_test_run.cc)
set(_rt_fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
                   -fno-omit-frame-pointer)
target_include_directories(rules_test_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(rules_test_fuzz PRIVATE ${_rt_fuzz_flags})
target_link_options(rules_test_fuzz PRIVATE ${_rt_fuzz_flags})
target_link_libraries(rules_test_fuzz PRIVATE botmon_alert)
botmon_warnings(rules_test_fuzz)
