botmon_module(core
  SOURCES core/status.cc core/clock.cc core/time_util.cc core/duration.cc core/zone.cc
          core/random.cc core/log.cc core/json_escape.cc core/fs.cc
          core/record_io.cc core/crc32c.cc core/utf8.cc
  DEPS Threads::Threads date::date-tz spdlog::spdlog fmt::fmt ZLIB::ZLIB)

botmon_test(core_test
  SOURCES core/status_test.cc core/time_util_test.cc core/duration_test.cc core/zone_test.cc
          core/random_test.cc core/json_escape_test.cc core/fs_test.cc core/crc32c_test.cc
  DEPS botmon_core)
