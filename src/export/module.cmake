# Export of every tick to InfluxDB (SPEC 13, `influx:` keys): line protocol encoding and the
# exporter thread that batches and retries the writes (docs/export.md).
botmon_module(export
  SOURCES export/line_protocol.cc export/influx_exporter.cc
  DEPS botmon_core botmon_config botmon_series CURL::libcurl nlohmann_json::nlohmann_json
       Threads::Threads)

botmon_test(export_test
  SOURCES export/line_protocol_test.cc export/influx_exporter_test.cc
  DEPS botmon_export botmon_http botmon_test_support nlohmann_json::nlohmann_json
  TIMEOUT 300)
