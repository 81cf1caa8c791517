botmon_module(ingest
  SOURCES ingest/event.cc ingest/decode.cc ingest/event_members.cc ingest/json_syntax.cc
          ingest/redact.cc
          ingest/event_codec.cc ingest/ingest_log.cc ingest/live_stats.cc
          ingest/session_tracker.cc ingest/accumulate.cc ingest/pipeline.cc
  DEPS botmon_core botmon_series botmon_store simdjson::simdjson PkgConfig::RE2)

botmon_test(ingest_test
  SOURCES ingest/decode_test.cc ingest/redact_test.cc ingest/json_syntax_test.cc
          ingest/event_codec_test.cc ingest/ingest_log_test.cc ingest/live_stats_test.cc
          ingest/session_tracker_test.cc ingest/pipeline_test.cc
  DEPS botmon_ingest)
