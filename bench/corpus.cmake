# corpus_bytes: bytes per stored sample on the demo's 24 h corpus (SPEC 15 "series storage").
# A plain executable (not Google Benchmark): it replays the demo generator through the ingest
# decoder, session tracker, tick accumulator and SeriesStore in virtual time and prints one
# "CORPUS ..." line that bench/run.sh parses.
if(TARGET botmon_series AND TARGET botmon_ingest AND TARGET botmon_demo)
  add_executable(corpus_bytes ${CMAKE_CURRENT_LIST_DIR}/corpus_bytes.cc)
  target_link_libraries(corpus_bytes PRIVATE botmon_ingest botmon_series botmon_demo)
  botmon_warnings(corpus_bytes)
endif()
