// Test support: a real InfluxDB 1.6 (Debian's influxdb package, /usr/bin/influxd) started by a
// test in a temporary directory, listening on 127.0.0.1 only (free ports for the HTTP API and the
// RPC bind-address; reporting, UDP, Graphite, collectd, OpenTSDB and the _internal monitor store
// disabled), and stopped by PID. Plus the two HTTP calls tests need: CREATE DATABASE and a query.
//
// Not thread-safe: one test thread drives it.
#ifndef BOTMON_TESTS_SUPPORT_INFLUXD_SERVER_H_
#define BOTMON_TESTS_SUPPORT_INFLUXD_SERVER_H_

#include <string>

#include <nlohmann/json.hpp>

#include "support/process.h"

namespace botmon::testing {

class InfluxdServer {
 public:
  static constexpr const char* kBinary = "/usr/bin/influxd";

  InfluxdServer() = default;
  ~InfluxdServer();
  InfluxdServer(const InfluxdServer&) = delete;
  InfluxdServer& operator=(const InfluxdServer&) = delete;

  // Writes the config, starts influxd and waits (up to 30 s) until GET /ping answers 204.
  // On failure returns false with *error set (including the tail of influxd's log).
  bool Start(std::string* error);
  // SIGTERM, then SIGKILL; removes the temporary directory. Idempotent.
  void Stop();

  // POST /query?q=CREATE DATABASE "<name>".
  bool CreateDatabase(const std::string& name, std::string* error);
  // GET /query?db=<db>&epoch=ms&q=<q>: the parsed JSON reply.
  bool Query(const std::string& db, const std::string& q, nlohmann::json* out, std::string* error);
  // The X-Influxdb-Version header of the last /ping.
  const std::string& version() const { return version_; }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const { return child_.Log(); }

 private:
  bool Ping(std::string* error);

  ChildProcess child_;
  std::string dir_;
  int port_ = 0;
  std::string version_;
};

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_SUPPORT_INFLUXD_SERVER_H_
