# The ingest decoder (SPEC 5, SPEC 15): ns per event for 1,000-event bodies, and the redactor.
if(TARGET botmon_ingest_decode)  # the decoder's own library until it is merged into botmon_ingest
  set(_ingest_decode_lib botmon_ingest_decode)
else()
  set(_ingest_decode_lib botmon_ingest)
endif()
add_executable(ingest_bench ${CMAKE_CURRENT_LIST_DIR}/ingest_bench.cc)
target_link_libraries(ingest_bench PRIVATE ${_ingest_decode_lib} benchmark::benchmark)
botmon_warnings(ingest_bench)
