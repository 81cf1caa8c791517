// The PostgreSQL probe (SPEC 8): a non-blocking libpq connection (PQconnectStartParams, then
// PQconnectPoll on PQsocket as libpq's documentation prescribes), then one query sent with
// PQsendQuery and read with PQconsumeInput/PQisBusy/PQgetResult:
//
//   SELECT current_setting('server_version'), (SELECT count(*) FROM pg_stat_activity),
//          current_setting('max_connections')
//
// giving the version ("15.4": server_version up to its first space; Debian appends the package
// name) and the key figure "24/100 connections". The connection comes from the check's url (a
// postgresql:// URI or a libpq conninfo string); the check's username and password override the
// URL's. connectTimeout bounds the whole connection start-up (TCP, SSL negotiation,
// authentication); the probe loop bounds the attempt. Errors (authentication, refused, a bad
// reply) end the attempt as stopped with libpq's message on one line.
//
// Note: a host given by name is resolved by libpq inside PQconnectPoll (from /etc/hosts or DNS);
// numeric addresses never resolve.
#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/duration.h"
#include "probe/probe.h"

namespace botmon {
namespace {

constexpr const char* kQuery =
    "SELECT current_setting('server_version'), (SELECT count(*) FROM pg_stat_activity), "
    "current_setting('max_connections')";
constexpr size_t kMaxErrorText = 500;

// libpq's multi-line messages ("...failed: Connection refused\n\tIs the server running...") as
// one line with single spaces, capped.
std::string OneLine(const char* text) {
  std::string out;
  bool space = false;
  for (const char* p = text ? text : ""; *p; ++p) {
    char c = *p;
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= kMaxErrorText) {
      out += "...";
      break;
    }
  }
  return out.empty() ? "unknown libpq error" : out;
}

bool ParseCount(const char* text, double* out) {
  std::string_view s(text ? text : "");
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return false;
  *out = static_cast<double>(v);
  return true;
}

void IgnoreNotice(void*, const char*) {}

struct PqFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PqClear {
  void operator()(PGresult* r) const { PQclear(r); }
};

class PostgresProbeOp : public ProbeOp {
 public:
  PostgresProbeOp(const CheckConfig& check, int64_t now_ms) : started_ms_(now_ms) {
    connect_timeout_ms_ =
        check.connect_timeout_ms > 0 ? check.connect_timeout_ms : check.timeout_ms;
    connect_deadline_ms_ = now_ms + connect_timeout_ms_;
    // Processed in order, the last value of a key winning: our defaults, then the URL, then the
    // check's own credentials.
    std::vector<const char*> keys = {"gssencmode", "fallback_application_name", "dbname"};
    std::vector<const char*> values = {"disable", "botmon", check.url.c_str()};
    if (!check.username.empty()) {
      keys.push_back("user");
      values.push_back(check.username.c_str());
    }
    if (!check.password.empty()) {
      keys.push_back("password");
      values.push_back(check.password.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/1));
    if (!conn_) {
      Fail("libpq: out of memory", now_ms);
      return;
    }
    PQsetNoticeProcessor(conn_.get(), IgnoreNotice, nullptr);
    if (PQstatus(conn_.get()) == CONNECTION_BAD) Fail(OneLine(PQerrorMessage(conn_.get())), now_ms);
  }

  bool Step(std::span<const pollfd> ready, int64_t now_ms, ProbeWait* next) override {
    if (done_) return true;
    short revents = 0;
    for (const pollfd& p : ready) {
      if (p.fd == fd_) revents |= p.revents;
    }
    if (connecting_) {
      StepConnect(revents, now_ms, next);
    } else {
      StepQuery(revents, now_ms, next);
    }
    return done_;
  }

  ProbeResult Result() override { return result_; }

 private:
  void StepConnect(short revents, int64_t now_ms, ProbeWait* next) {
    if (!polled_once_ || revents == 0) {
      // Just started (libpq: behave as if PQconnectPoll returned WRITING), or a wake-up.
      if (polled_once_ && now_ms >= connect_deadline_ms_) {
        Fail("connect timed out after " + FormatDuration(connect_timeout_ms_), now_ms);
        return;
      }
      if (!polled_once_) {
        polled_once_ = true;
        poll_ = PGRES_POLLING_WRITING;
      }
      WaitFor(poll_ == PGRES_POLLING_READING ? POLLIN : POLLOUT, connect_deadline_ms_, now_ms,
              next);
      return;
    }
    poll_ = PQconnectPoll(conn_.get());
    switch (poll_) {
      case PGRES_POLLING_FAILED:
        Fail(OneLine(PQerrorMessage(conn_.get())), now_ms);
        return;
      case PGRES_POLLING_OK:
        connecting_ = false;
        SendQuery(now_ms, next);
        return;
      case PGRES_POLLING_READING:
        WaitFor(POLLIN, connect_deadline_ms_, now_ms, next);
        return;
      default:
        WaitFor(POLLOUT, connect_deadline_ms_, now_ms, next);
        return;
    }
  }

  void SendQuery(int64_t now_ms, ProbeWait* next) {
    PGconn* c = conn_.get();
    if (PQsetnonblocking(c, 1) != 0 || PQsendQuery(c, kQuery) == 0) {
      Fail(OneLine(PQerrorMessage(c)), now_ms);
      return;
    }
    Flush(now_ms);
    if (!done_) WaitFor(flushing_ ? POLLIN | POLLOUT : POLLIN, 0, now_ms, next);
  }

  void Flush(int64_t now_ms) {
    int rc = PQflush(conn_.get());
    if (rc < 0) Fail(OneLine(PQerrorMessage(conn_.get())), now_ms);
    flushing_ = rc == 1;
  }

  void StepQuery(short revents, int64_t now_ms, ProbeWait* next) {
    PGconn* c = conn_.get();
    if (revents & (POLLIN | POLLERR | POLLHUP)) {
      if (PQconsumeInput(c) == 0) {
        Fail(OneLine(PQerrorMessage(c)), now_ms);
        return;
      }
    }
    if (flushing_ && revents != 0) {
      Flush(now_ms);
      if (done_) return;
    }
    while (!PQisBusy(c)) {
      std::unique_ptr<PGresult, PqClear> res(PQgetResult(c));
      if (!res) {
        Finish(now_ms);
        return;
      }
      ExecStatusType st = PQresultStatus(res.get());
      if (st == PGRES_TUPLES_OK && !rows_) {
        rows_ = std::move(res);
      } else if (st != PGRES_TUPLES_OK && error_.empty()) {
        const char* msg = PQresultErrorMessage(res.get());
        error_ = msg && *msg ? OneLine(msg) : std::string("query failed: ") + PQresStatus(st);
      }
    }
    WaitFor(flushing_ ? POLLIN | POLLOUT : POLLIN, 0, now_ms, next);
  }

  // The query's results are all in.
  void Finish(int64_t now_ms) {
    if (!error_.empty()) {
      Fail(error_, now_ms);
      return;
    }
    PGresult* r = rows_.get();
    if (!r || PQntuples(r) != 1 || PQnfields(r) != 3) {
      Fail("bad reply: expected one row of 3 columns", now_ms);
      return;
    }
    double connections = 0, max_connections = 0;
    if (!ParseCount(PQgetvalue(r, 0, 1), &connections)) {
      Fail("bad reply: connection count \"" + std::string(PQgetvalue(r, 0, 1)) + "\"", now_ms);
      return;
    }
    if (!ParseCount(PQgetvalue(r, 0, 2), &max_connections)) {
      Fail("bad reply: max_connections \"" + std::string(PQgetvalue(r, 0, 2)) + "\"", now_ms);
      return;
    }
    std::string version = PQgetvalue(r, 0, 0);
    result_ = ProbeResult{};
    result_.status = ServiceStatus::kRunning;
    result_.version = version.substr(0, version.find(' '));
    result_.figure = std::to_string(static_cast<int64_t>(connections)) + "/" +
                     std::to_string(static_cast<int64_t>(max_connections)) + " connections";
    result_.details["connections"] = connections;
    result_.details["maxConnections"] = max_connections;
    result_.latency_ms = static_cast<double>(now_ms - started_ms_);
    done_ = true;
  }

  void WaitFor(short events, int64_t wake_at_ms, int64_t now_ms, ProbeWait* next) {
    fd_ = PQsocket(conn_.get());  // may change while connecting (another host, SSL fallback)
    if (fd_ < 0) {
      Fail(OneLine(PQerrorMessage(conn_.get())), now_ms);
      return;
    }
    next->fds.assign(1, pollfd{fd_, events, 0});
    next->wake_at_ms = wake_at_ms;
  }

  void Fail(std::string error, int64_t now_ms) {
    result_ = ProbeResult{};
    result_.status = ServiceStatus::kStopped;
    result_.error = std::move(error);
    result_.latency_ms = static_cast<double>(now_ms - started_ms_);
    done_ = true;
  }

  int64_t started_ms_;
  int64_t connect_timeout_ms_ = 0;
  int64_t connect_deadline_ms_ = 0;
  std::unique_ptr<PGconn, PqFinish> conn_;
  int fd_ = -1;
  bool connecting_ = true;
  bool polled_once_ = false;
  PostgresPollingStatusType poll_ = PGRES_POLLING_WRITING;
  bool flushing_ = false;
  bool done_ = false;
  std::unique_ptr<PGresult, PqClear> rows_;
  std::string error_;  // the first error result of the query
  ProbeResult result_;
};

}  // namespace

std::unique_ptr<ProbeOp> StartPostgresProbe(const CheckConfig& check, ProbeMemory* /*memory*/,
                                            int64_t now_ms) {
  return std::make_unique<PostgresProbeOp>(check, now_ms);
}

}  // namespace botmon
