// Test support: a real redis-server on 127.0.0.1 and a free port (SPEC Appendix B:
// `redis-server --port P --bind 127.0.0.1 --save '' [--requirepass X]`), no persistence, stopped
// by PID; Stop() and Start() again reuse the port. A tiny blocking client (hiredis's synchronous
// API) lets a test SET and GET keys to make keyspace hits and misses.
//
// Thread-safety: one thread.
#ifndef BOTMON_TESTS_SUPPORT_REDIS_SERVER_H_
#define BOTMON_TESTS_SUPPORT_REDIS_SERVER_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "support/process.h"

namespace botmon::testing {

class RedisServer {
 public:
  RedisServer() = default;
  ~RedisServer();  // stops the server, removes the temp dir
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts redis-server requiring `password` ("" = none) and waits until it answers PING.
  // Fails when redis-server is not installed or does not start within 20 s.
  Status Start(const std::string& password = "");
  void Stop();
  bool running();

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  // redis://:password@127.0.0.1:port (without credentials when there is no password).
  std::string url() const;

  // Runs one command as the default user (AUTH with the password first when there is one) and
  // returns the reply as text: a status or bulk string, an integer in decimal, "(nil)" for a
  // null reply, an error reply as an error Status.
  StatusOr<std::string> Command(const std::vector<std::string>& args);

  std::string Log() const { return server_.Log(); }

 private:
  std::string dir_;
  std::string password_;
  int port_ = 0;
  ChildProcess server_;
};

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_SUPPORT_REDIS_SERVER_H_
