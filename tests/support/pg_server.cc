#include "support/pg_server.h"

// libpq's header, found without pkg-config's -I (botmon_test_support does not link libpq itself;
// the test binaries that use PgServer link it through botmon_probe or botmon_store).
#include <postgresql/libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace botmon::testing {
namespace {

constexpr int kStartTimeoutMs = 60'000;

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return s;
}

// A SQL string literal.
std::string SqlQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Waits for `child` to exit by itself; false after timeout_ms.
bool WaitExit(ChildProcess* child, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (child->running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    SleepMs(20);
  }
  return true;
}

}  // namespace

PgServer::PgServer() : PgServer(Options()) {}

PgServer::PgServer(Options options) : options_(std::move(options)) {}

PgServer::~PgServer() {
  Stop();
  RemoveTree(dir_);
}

std::string PgServer::FindBinDir() {
  std::error_code ec;
  std::string best;
  int best_version = -1;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = e.path().string() + "/bin";
    if (access((bin + "/initdb").c_str(), X_OK) != 0 ||
        access((bin + "/postgres").c_str(), X_OK) != 0) {
      continue;
    }
    int v = std::atoi(e.path().filename().c_str());
    if (v > best_version) {
      best_version = v;
      best = bin;
    }
  }
  return best;
}

std::vector<std::string> PgServer::AsPostgres(const std::string& cwd,
                                              std::vector<std::string> argv) {
  // `env -C dir` so that neither program complains about a working directory it cannot read.
  std::vector<std::string> out;
  if (geteuid() == 0) {
    out = {access("/usr/sbin/runuser", X_OK) == 0 ? "/usr/sbin/runuser" : "runuser", "-u",
           "postgres", "--"};
  }
  out.insert(out.end(), {"env", "-C", cwd});
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::string PgServer::SuperuserConninfo() const {
  return "host=" + dir_ + " port=" + std::to_string(port_) +
         " user=postgres dbname=postgres connect_timeout=5";
}

namespace {

// A fresh temp dir owned by the user PostgreSQL runs as.
StatusOr<std::string> MakePostgresDir(const std::string& prefix) {
  std::string dir = MakeTempDir(prefix);
  if (dir.empty()) return Status::IoError("cannot create a temp dir for PostgreSQL");
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return Status::NotFound("no `postgres` user to run PostgreSQL as");
    if (chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      RemoveTree(dir);
      return Status::IoError("cannot chown " + dir + " to postgres");
    }
  }
  return dir;
}

}  // namespace

// initdb once per PostgreSQL version and machine (it takes seconds on loaded cores, and ctest
// runs every test in its own process): the result is kept as a template under $TMPDIR that each
// server copies. Built in a temp dir and renamed into place, so concurrent tests never see half
// a template.
StatusOr<std::string> PgServer::Template() {
  const char* base = getenv("TMPDIR");
  std::string root = std::string(base && *base ? base : "/tmp") + "/botmon-pg-template-" +
                     std::filesystem::path(bin_dir_).parent_path().filename().string() + "-" +
                     std::to_string(geteuid());
  std::string data = root + "/data";
  if (access((data + "/PG_VERSION").c_str(), F_OK) == 0) return data;
  ASSIGN_OR_RETURN(std::string build, MakePostgresDir("pg-template"));
  ChildProcess initdb;
  std::string log = build + "/initdb.log";
  if (!initdb.Start(
          AsPostgres(build, {bin_dir_ + "/initdb", "-D", build + "/data", "-U", "postgres",
                             "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-E",
                             "UTF8", "--locale=C"}),
          log)) {
    RemoveTree(build);
    return Status::Internal("cannot start initdb");
  }
  bool finished = WaitExit(&initdb, kStartTimeoutMs);
  if (!finished) initdb.Stop();
  if (!finished || access((build + "/data/PG_VERSION").c_str(), F_OK) != 0) {
    std::string text = ReadFile(log);
    RemoveTree(build);
    return Status::Internal(std::string(finished ? "initdb failed: " : "initdb timed out: ") +
                            text);
  }
  if (rename(build.c_str(), root.c_str()) != 0) RemoveTree(build);  // another test was first
  if (access((data + "/PG_VERSION").c_str(), F_OK) != 0) {
    return Status::Internal("no PostgreSQL template in " + root);
  }
  return data;
}

Status PgServer::InitDb() {
  bin_dir_ = FindBinDir();
  if (bin_dir_.empty()) {
    return Status::NotFound("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)");
  }
  ASSIGN_OR_RETURN(std::string data_template, Template());
  ASSIGN_OR_RETURN(dir_, MakePostgresDir("pg"));
  ChildProcess copy;  // cp -a keeps the owner and the 0700 mode postgres insists on
  if (!copy.Start({"cp", "-a", data_template, dir_ + "/data"}, dir_ + "/copy.log") ||
      !WaitExit(&copy, kStartTimeoutMs) || access((dir_ + "/data/PG_VERSION").c_str(), F_OK) != 0) {
    copy.Stop();
    return Status::IoError("cannot copy the PostgreSQL template: " + ReadFile(dir_ + "/copy.log"));
  }
  initialized_ = true;
  return Status::OK();
}

Status PgServer::Start() {
  if (postgres_.running()) return Status::OK();
  if (!initialized_) RETURN_IF_ERROR(InitDb());
  if (port_ == 0) port_ = FreeTcpPort();
  std::vector<std::string> argv = {bin_dir_ + "/postgres",
                                   "-D",
                                   dir_ + "/data",
                                   "-p",
                                   std::to_string(port_),
                                   "-c",
                                   "listen_addresses=127.0.0.1",
                                   "-c",
                                   "unix_socket_directories=" + dir_,
                                   "-c",
                                   "max_connections=" + std::to_string(options_.max_connections),
                                   "-c",
                                   "shared_buffers=16MB",
                                   "-c",
                                   "fsync=off",
                                   "-c",
                                   "synchronous_commit=off",
                                   "-c",
                                   "full_page_writes=off",
                                   "-c",
                                   "autovacuum=off",
                                   "-c",
                                   "wal_level=minimal",
                                   "-c",
                                   "max_wal_senders=0"};
  if (!postgres_.Start(AsPostgres(dir_, argv), dir_ + "/postgres.log")) {
    return Status::Internal("cannot start postgres");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  for (;;) {
    if (!postgres_.running()) return Status::Internal("postgres exited: " + Log());
    PGconn* c = PQconnectdb(SuperuserConninfo().c_str());
    bool ok = PQstatus(c) == CONNECTION_OK;
    PQfinish(c);
    if (ok) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      Stop();
      return Status::Unavailable("postgres did not accept connections in time: " + Log());
    }
    SleepMs(100);
  }
  if (!user_created_) {
    RETURN_IF_ERROR(ExecAsSuperuser("CREATE ROLE " + options_.user + " LOGIN PASSWORD " +
                                    SqlQuote(options_.password)));
    user_created_ = true;
  }
  return Status::OK();
}

void PgServer::Stop() {
  CloseConnections();
  if (!postgres_.running()) return;
  // Fast shutdown of the postmaster we started (it is in our child's process group): SIGTERM
  // alone would wait for every client to disconnect.
  std::ifstream pidfile(dir_ + "/data/postmaster.pid");
  long pid = 0;
  if (pidfile >> pid && pid > 0 && getpgid(static_cast<pid_t>(pid)) == postgres_.pid()) {
    kill(static_cast<pid_t>(pid), SIGINT);
    WaitExit(&postgres_, 15'000);
  }
  postgres_.Stop();
}

bool PgServer::running() { return postgres_.running(); }

std::string PgServer::url() const { return UrlWithPassword(options_.password); }

std::string PgServer::UrlWithPassword(const std::string& password) const {
  std::string creds = options_.user + (password.empty() ? "" : ":" + password);
  return "postgresql://" + creds + "@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

Status PgServer::OpenConnections(int n) {
  std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + options_.user +
                         " password=" + options_.password +
                         " dbname=postgres connect_timeout=5 gssencmode=disable sslmode=disable";
  for (int i = 0; i < n; ++i) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string err = PQerrorMessage(c);
      PQfinish(c);
      return Status::Unavailable("cannot open a test connection: " + err);
    }
    conns_.push_back(c);
  }
  return Status::OK();
}

void PgServer::CloseConnections() {
  for (PGconn* c : conns_) PQfinish(c);
  conns_.clear();
}

Status PgServer::ExecAsSuperuser(const std::string& sql) {
  PGconn* c = PQconnectdb(SuperuserConninfo().c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string err = PQerrorMessage(c);
    PQfinish(c);
    return Status::Unavailable("cannot connect as postgres: " + err);
  }
  PGresult* r = PQexec(c, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  std::string err = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return Status::Internal("`" + sql + "` failed: " + err);
  }
  return Status::OK();
}

}  // namespace botmon::testing
