// Test support: a real PostgreSQL server (Debian's /usr/lib/postgresql/<v>/bin) in a temp dir,
// listening on 127.0.0.1 and a free port, with a password-authenticated test user.
//
// The first server of a machine runs initdb into a template dir under $TMPDIR
// (botmon-pg-template-<major>-<uid>), kept for later test processes; each server copies it.
//
// initdb and postgres refuse to run as root, so when the test runs as root the temp dir is
// chowned to `postgres` and both run under `runuser -u postgres --` (SPEC Appendix B). The
// server is tuned for tests (fsync off, small shared buffers) and stopped by PID (a fast
// shutdown: SIGINT to the postmaster named in postmaster.pid, then SIGTERM/SIGKILL to the process
// group we started). Stop() and Start() again reuse the data dir and the port.
//
// Thread-safety: one thread.
#ifndef BOTMON_TESTS_SUPPORT_PG_SERVER_H_
#define BOTMON_TESTS_SUPPORT_PG_SERVER_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "support/process.h"

struct pg_conn;  // libpq's PGconn

namespace botmon::testing {

class PgServer {
 public:
  // Options of the server; set before the first Start().
  struct Options {
    int max_connections = 40;
    std::string user = "botmon_probe";
    std::string password = "probe-pw-1";
  };

  PgServer();
  explicit PgServer(Options options);
  ~PgServer();  // closes the extra connections, stops the server, removes the temp dir
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  // The first call runs initdb (about 1-3 s), every call starts postgres and waits until it
  // accepts connections; the first also creates the test user. Fails when no PostgreSQL is
  // installed (initdb not found) or it does not start within 60 s (the log is in the message).
  Status Start();
  // Closes the extra connections and stops the server (fast shutdown); the data dir stays.
  void Stop();
  bool running();

  int port() const { return port_; }
  const std::string& user() const { return options_.user; }
  const std::string& password() const { return options_.password; }
  // postgresql://user:password@127.0.0.1:port/postgres
  std::string url() const;
  // The same with another password (or "" for none).
  std::string UrlWithPassword(const std::string& password) const;

  // Opens `n` more connections as the test user, held open until CloseConnections() or Stop().
  Status OpenConnections(int n);
  void CloseConnections();
  int open_connections() const { return static_cast<int>(conns_.size()); }

  // Runs one SQL statement as the superuser over the unix socket.
  Status ExecAsSuperuser(const std::string& sql);

  std::string Log() const { return postgres_.Log(); }

  // The directory holding initdb and postgres ("" when PostgreSQL is not installed).
  static std::string FindBinDir();

 private:
  Status InitDb();
  StatusOr<std::string> Template();
  // `argv` run as the postgres user (when we are root) in the directory `cwd`.
  static std::vector<std::string> AsPostgres(const std::string& cwd, std::vector<std::string> argv);
  std::string SuperuserConninfo() const;

  Options options_;
  std::string bin_dir_;
  std::string dir_;  // temp dir: data/, the unix socket, logs
  int port_ = 0;
  bool initialized_ = false;
  bool user_created_ = false;
  ChildProcess postgres_;
  std::vector<pg_conn*> conns_;
};

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_SUPPORT_PG_SERVER_H_
