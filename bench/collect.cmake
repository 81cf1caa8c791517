# Cost of one host collection (SPEC 4) against the idle-server budget of SPEC 15.
add_executable(collect_bench ${CMAKE_CURRENT_SOURCE_DIR}/collect_bench.cc)
target_link_libraries(collect_bench PRIVATE botmon_collect benchmark::benchmark)
botmon_warnings(collect_bench)
