// Test support: a child process started by a test (a real PostgreSQL, Redis, InfluxDB or SMTP
// server), with its output in a file, stopped by PID (SIGTERM, then SIGKILL) in the destructor.
#ifndef BOTMON_TESTS_SUPPORT_PROCESS_H_
#define BOTMON_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace botmon::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { Stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] (a path, or a name looked up in PATH) with `argv`, the current environment
  // plus `env`, stdin from /dev/null and stdout+stderr appended to `log_path`. The child gets its
  // own process group. Returns false if it could not be started.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::map<std::string, std::string>& env = {});
  // SIGTERM to the process group, wait up to `timeout_ms`, then SIGKILL. Returns the exit status
  // as waitpid reports it, or -1 when not running.
  int Stop(int timeout_ms = 5000);
  // SIGKILL to the process group, then reap.
  void Kill();
  bool running();
  pid_t pid() const { return pid_; }
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// A free TCP port on 127.0.0.1 (bound to port 0, then released).
int FreeTcpPort();
// True once a TCP connect to 127.0.0.1:port succeeds, polling every 50 ms up to `timeout_ms`.
bool WaitForTcpPort(int port, int timeout_ms);
// True when `program` is found in PATH (or is an executable path).
bool HaveProgram(const std::string& program);
// A fresh directory under $TMPDIR (or /tmp) named botmon-<prefix>-XXXXXX.
std::string MakeTempDir(const std::string& prefix);
// rm -rf of a directory made by MakeTempDir.
void RemoveTree(const std::string& dir);

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_SUPPORT_PROCESS_H_
