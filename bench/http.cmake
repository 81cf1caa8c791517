# HTTP layer benchmarks (SPEC 15 "status API" and "event ingest over HTTP" rows):
# - http_bench: Google Benchmark micro-benchmarks of the socket-free parts (routing with roles,
#   response head framing, gzip inflate).
# - http_echo_bench: a tiny server for wrk: `http_echo_bench [io_threads]` listens on
#   127.0.0.1:0, prints the port on stdout, and serves GET /status (a 100-byte JSON, inline) and
#   POST /ingest (reads up to 1 MiB, answers its size) until stdin closes or SIGTERM/SIGINT.
if(TARGET botmon_http)
  add_executable(http_bench ${CMAKE_CURRENT_LIST_DIR}/http_bench.cc)
  target_link_libraries(http_bench PRIVATE botmon_http benchmark::benchmark)
  botmon_warnings(http_bench)

  add_executable(http_echo_bench ${CMAKE_CURRENT_LIST_DIR}/http_echo_bench.cc)
  target_link_libraries(http_echo_bench PRIVATE botmon_http)
  botmon_warnings(http_echo_bench)
endif()
