# The HTTP layer. Beast/Asio are included only by beast_server.cc, http_session.cc and
# sse_stream.cc (LIBRARIES 2.1: each such TU costs ~25 s and ~900 MB to compile); the router,
# messages, URL decoding, gzip and response framing compile fast and are tested without sockets.
botmon_module(http
  SOURCES http/url.cc http/message.cc http/router.cc http/gzip.cc http/wire.cc
          http/beast_server.cc http/http_session.cc http/sse_stream.cc
  DEPS botmon_core Boost::headers ZLIB::ZLIB Threads::Threads)

botmon_test(http_test
  SOURCES http/url_test.cc http/router_test.cc http/message_test.cc http/gzip_test.cc
          http/wire_test.cc
  DEPS botmon_http nlohmann_json::nlohmann_json)

botmon_test(http_server_test
  SOURCES http/server_test.cc http/server_limits_test.cc http/sse_test.cc http/test_client.cc
  DEPS botmon_http nlohmann_json::nlohmann_json)
