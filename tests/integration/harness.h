// Integration-test harness: starts the real `botmon` binary on 127.0.0.1 with a free port
// (--listen 127.0.0.1:0 --port-file), a temporary data dir and a short tick; talks to it over
// HTTP with libcurl; stops it by PID (SIGTERM, or SIGKILL for crash tests). Credentials come
// only from the product's own means (`botmon token create`).
#ifndef BOTMON_TESTS_INTEGRATION_HARNESS_H_
#define BOTMON_TESTS_INTEGRATION_HARNESS_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace botmon::testing {

// Path of the built binary.
std::string BotmonBinary();

struct HttpResult {
  long status = 0;  // 0: no reply (connection failed); see `error`
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;
  nlohmann::json Json() const;  // discarded (is_discarded()) when not JSON
};

// One HTTP request to 127.0.0.1. `headers` as "Name: value".
HttpResult Http(const std::string& method, const std::string& url, const std::string& body = "",
                const std::vector<std::string>& headers = {}, long timeout_ms = 10'000);

// Runs a botmon command to completion; returns the exit code and captures stdout/stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
CommandResult RunBotmon(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {},
                        const std::string& stdin_text = "", int timeout_ms = 30'000);

class BotmonServer {
 public:
  // A fresh data dir under /tmp (removed in the destructor unless keep_dir()).
  BotmonServer();
  explicit BotmonServer(std::string data_dir);
  ~BotmonServer();
  BotmonServer(const BotmonServer&) = delete;
  BotmonServer& operator=(const BotmonServer&) = delete;

  // Starts `botmon serve` with the data dir, a free port, `--tick 1s` unless args give --tick,
  // plus `args`; waits for /healthz. Returns false (with the log in `log()`) on failure.
  bool Start(const std::vector<std::string>& args = {},
             const std::map<std::string, std::string>& env = {});
  // SIGTERM; waits up to `timeout_ms`; returns the exit code (-1 on timeout, then SIGKILLs).
  int Stop(int timeout_ms = 5000);
  // SIGKILL, as a crash.
  void Kill();
  bool running() const;

  // Creates a token with `botmon token create` on this data dir.
  std::string CreateToken(const std::string& name, const std::string& role);

  std::string url(const std::string& path = "") const;
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& dir() const { return dir_; }
  std::string log() const;  // stderr so far
  std::string stdout_text() const;
  void keep_dir() { keep_ = true; }

  // Convenience requests with a bearer token.
  HttpResult Get(const std::string& path, const std::string& token) const;
  HttpResult Post(const std::string& path, const std::string& token, const std::string& body,
                  const std::string& content_type = "application/json") const;

 private:
  std::string dir_, data_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool keep_ = false;
};

// Waits until `pred` holds (polling every 20 ms) or `timeout_ms` passes.
bool WaitFor(const std::function<bool()>& pred, int timeout_ms);

// An IANA zone ("Etc/GMT-3" etc.) whose local time is near noon now, so that a test that
// depends on "today" never crosses midnight (SPEC Appendix B).
std::string NoonZone();

// epoch ms now.
int64_t NowMs();

// A free TCP port on 127.0.0.1 (bound and released; for peers that cannot take port 0).
int FreePort();

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_INTEGRATION_HARNESS_H_
