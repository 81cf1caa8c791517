# Rule evaluation (SPEC 15 "rule evaluation" row): incremental rolling windows, 1,000 streams x
# 100 rules, ns per rule x group for a 2-minute and a 24-hour timeframe, and the RSS.
if(TARGET botmon_window)
  add_executable(window_bench ${CMAKE_CURRENT_LIST_DIR}/window_bench.cc)
  target_link_libraries(window_bench PRIVATE botmon_window benchmark::benchmark)
  botmon_warnings(window_bench)
endif()
