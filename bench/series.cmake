# Series benchmarks: quantile sketch (Add, Merge, Quantile, Serialize) and chunk codec (Append,
# decode). Needs the botmon_series module (src/series/module.cmake).
if(TARGET botmon_series)
  add_executable(series_bench series_bench.cc)
  target_link_libraries(series_bench PRIVATE botmon_series benchmark::benchmark)
  botmon_warnings(series_bench)
endif()
