# Rolling-window aggregation for the alert evaluator (SPEC 7.2): per-stream sample rings shared
# by every rule, and per-(rule, stream) incremental windows. Depends on series only for the
# quantile sketch's bucket values; never on alert.
botmon_module(window
  SOURCES window/sample_ring.cc window/sliding_sketch.cc window/rolling_window.cc
  DEPS botmon_core botmon_series)

botmon_test(window_test
  SOURCES window/rolling_window_test.cc window/window_property_test.cc
  DEPS botmon_window
  TIMEOUT 300)
