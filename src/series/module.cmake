botmon_module(series
  SOURCES series/fields.cc series/field_catalog.cc series/series_key.cc series/quantile_sketch.cc
          series/chunk_codec.cc series/rollup.cc series/tick_accumulator.cc series/tick_samples.cc
          series/tick_log.cc series/series_store.cc
  DEPS botmon_core botmon_store)

botmon_test(series_test
  SOURCES series/quantile_sketch_test.cc series/chunk_codec_test.cc series/tick_samples_test.cc
          series/series_store_test.cc series/rollup_test.cc
  DEPS botmon_series)
