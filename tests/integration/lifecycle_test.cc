// The life of a real `botmon serve` process (SPEC 2, 3, 9, 11, 12): the port file and the probes,
// the data dir's modes and lock, SIGTERM with open event streams and idle keep-alive connections,
// configuration reloads (inotify and SIGHUP, an invalid file keeping the running configuration),
// and the console block that --monitor prints to stdout every tick.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Replaces `path` the way editors do: a temporary file renamed over it.
void ReplaceFile(const std::string& path, const std::string& text) {
  std::ofstream(path + ".tmp") << text;
  ASSERT_EQ(std::rename((path + ".tmp").c_str(), path.c_str()), 0);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A TCP connection to 127.0.0.1:port (-1 on failure).
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// True once the peer has closed `fd` (recv returns 0 or an error), within `timeout_ms`.
bool PeerClosed(int fd, int timeout_ms) {
  const auto t0 = Clock::now();
  char buf[4096];
  while (MsSince(t0) <= timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
  }
  return false;
}

// One Server-Sent Events stream on GET /api/monitoring/live, read by its own thread over a raw
// socket (so that the test sees exactly when the server closes it). Thread-safe.
class SseClient {
 public:
  struct Event {
    std::string name, data;
  };

  SseClient(int port, const std::string& token) {
    fd_ = Connect(port);
    if (fd_ < 0) return;
    SendAll(fd_,
            "GET /api/monitoring/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            "Authorization: Bearer " +
                token + "\r\n\r\n");
    thread_ = std::thread([this] { Run(); });
  }
  ~SseClient() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  bool closed() const { return closed_; }

  // The HTTP status (0 until the head has arrived).
  int status() {
    std::lock_guard lock(mu_);
    if (raw_.rfind("HTTP/1.1 ", 0) != 0 || raw_.size() < 12) return 0;
    return std::atoi(raw_.substr(9, 3).c_str());
  }

  // The complete events so far, in order (comments skipped).
  std::vector<Event> Events() {
    std::string body = Body();
    std::vector<Event> out;
    size_t pos = 0;
    for (size_t end; (end = body.find("\n\n", pos)) != std::string::npos; pos = end + 2) {
      Event e;
      for (const auto& line : Lines(body.substr(pos, end - pos))) {
        if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
        if (line.rfind("data: ", 0) == 0) e.data += line.substr(6);
      }
      if (!e.name.empty() || !e.data.empty()) out.push_back(e);
    }
    return out;
  }

  std::vector<json> DataOf(const std::string& name) {
    std::vector<json> out;
    for (const auto& e : Events()) {
      if (e.name == name) out.push_back(json::parse(e.data, nullptr, false));
    }
    return out;
  }

 private:
  void Run() {
    char buf[8192];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return;
      }
      std::lock_guard lock(mu_);
      raw_.append(buf, static_cast<size_t>(n));
    }
  }

  // The body after the head, de-chunked when the server chunks it.
  std::string Body() {
    std::lock_guard lock(mu_);
    size_t head_end = raw_.find("\r\n\r\n");
    if (head_end == std::string::npos) return "";
    std::string head = raw_.substr(0, head_end);
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string rest = raw_.substr(head_end + 4);
    if (head.find("transfer-encoding: chunked") == std::string::npos) return rest;
    std::string body;
    size_t pos = 0;
    while (true) {
      size_t eol = rest.find("\r\n", pos);
      if (eol == std::string::npos) break;
      size_t size = std::strtoul(rest.substr(pos, eol - pos).c_str(), nullptr, 16);
      if (size == 0 || eol + 2 + size + 2 > rest.size()) break;
      body += rest.substr(eol + 2, size);
      pos = eol + 2 + size + 2;
    }
    return body;
  }

  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false}, closed_{false};
  std::mutex mu_;
  std::string raw_;
};

// ---- port file, probes, data dir ----

TEST(Lifecycle, PortFileHoldsTheRealPortAndProbesNeedNoCredentials) {
  BotmonServer server;
  ASSERT_TRUE(server.Start()) << server.log();
  std::string text = ReadAll(server.dir() + "/port");
  while (!text.empty() && text.back() == '\n') text.pop_back();
  ASSERT_EQ(text, std::to_string(server.port()));
  EXPECT_GT(server.port(), 0);
  auto health = Http("GET", "http://127.0.0.1:" + text + "/healthz");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.Json(), json::parse(R"({"status":"ok"})")) << health.body;
  auto ready = Http("GET", server.url("/readyz"));
  EXPECT_EQ(ready.status, 200) << ready.body;
  // Everything else needs a credential.
  EXPECT_EQ(Http("GET", server.url("/api/monitoring/status")).status, 401);
  // Without --monitor, stdout stays empty: logs go to stderr.
  ASSERT_EQ(server.Stop(), 0);
  EXPECT_EQ(server.stdout_text(), "");
  EXPECT_NE(server.log(), "");
}

// Sets the process umask for the scope, so that children inherit it.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t m) : old_(umask(m)) {}
  ~ScopedUmask() { umask(old_); }

 private:
  mode_t old_;
};

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

TEST(Lifecycle, DataDirIsCreatedPrivate) {
  // With umask 0 nothing hides a permissive mkdir or open.
  ScopedUmask no_mask(0);
  BotmonServer server;
  ASSERT_TRUE(server.Start()) << server.log();
  EXPECT_EQ(ModeOf(server.data_dir()), 0700u);
  EXPECT_EQ(ModeOf(server.data_dir() + "/botmon.db"), 0600u);
  // Management commands create it the same way.
  const std::string fresh = server.dir() + "/fresh";
  auto r = RunBotmon({"token", "create", "--name", "a", "--role", "admin", "--data-dir", fresh});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ModeOf(fresh), 0700u);
  EXPECT_EQ(ModeOf(fresh + "/botmon.db"), 0600u);
}

TEST(Lifecycle, SecondServeOnTheSameDataDirExitsTwoAndTheFirstKeepsServing) {
  BotmonServer server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string ingest = server.CreateToken("bot", "ingest");
  ASSERT_FALSE(ingest.empty());
  const std::string port2 = server.dir() + "/port2";
  auto second = RunBotmon({"serve", "--data-dir", server.data_dir(), "--listen", "127.0.0.1:0",
                           "--port-file", port2, "--tick", "1s"},
                          {}, "", 10'000);
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find(server.data_dir()), std::string::npos) << second.err;
  EXPECT_FALSE(std::ifstream(port2).good());
  ASSERT_TRUE(server.running());
  EXPECT_EQ(Http("GET", server.url("/healthz")).status, 200);
  auto reply = server.Post("/api/v1/events", ingest, R"({"type":"request","latency_ms":3})");
  EXPECT_EQ(reply.status, 200) << reply.body;
}

// ---- SIGTERM ----

TEST(Lifecycle, SigtermWithOpenStreamsAndIdleConnectionsExitsZeroWithinFiveSeconds) {
  BotmonServer server;
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string monitor = server.CreateToken("viewer", "monitor");
  ASSERT_FALSE(monitor.empty());
  std::vector<std::unique_ptr<SseClient>> streams;
  for (int i = 0; i < 3; ++i)
    streams.push_back(std::make_unique<SseClient>(server.port(), monitor));
  for (auto& s : streams) {
    ASSERT_TRUE(WaitFor([&] { return !s->DataOf("status").empty(); }, 5000));
    EXPECT_EQ(s->status(), 200);
  }
  // Idle keep-alive connections: one request answered, then silence.
  std::vector<int> idle;
  for (int i = 0; i < 2; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::string got;
    char buf[4096];
    ASSERT_TRUE(WaitFor(
        [&] {
          pollfd p{fd, POLLIN, 0};
          if (poll(&p, 1, 10) > 0) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n > 0) got.append(buf, static_cast<size_t>(n));
          }
          return got.find("{\"status\":\"ok\"}") != std::string::npos;
        },
        5000))
        << got;
    EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
    idle.push_back(fd);
  }
  // A half-sent request too.
  int partial = Connect(server.port());
  ASSERT_GE(partial, 0);
  ASSERT_TRUE(SendAll(partial, "GET /healthz HTTP/1.1\r\nHost: 1"));

  const auto t0 = Clock::now();
  const int code = server.Stop(8000);
  const int64_t ms = MsSince(t0);
  EXPECT_EQ(code, 0) << server.log();
  EXPECT_LE(ms, 5000) << "SIGTERM to exit took " << ms << " ms";
  RecordProperty("sigterm_to_exit_ms", std::to_string(ms));
  // The server closed every stream and connection (nothing was left to a timeout of ours).
  for (auto& s : streams) EXPECT_TRUE(WaitFor([&] { return s->closed(); }, 1000));
  for (int fd : idle) {
    EXPECT_TRUE(PeerClosed(fd, 1000));
    close(fd);
  }
  EXPECT_TRUE(PeerClosed(partial, 1000));
  close(partial);
}

// ---- reload ----

// A server started with --config on a file of its own directory, an ingested session with a
// phone number as the user, and a monitor token (which sees users masked by default).
class Reload : public ::testing::Test {
 protected:
  void StartWith(const std::string& yaml) {
    conf_dir_ = server_.dir() + "/conf";
    ASSERT_EQ(mkdir(conf_dir_.c_str(), 0700), 0);
    file_ = conf_dir_ + "/botmon.yaml";
    std::ofstream(file_) << yaml;
  }
  void Serve() {
    ASSERT_TRUE(server_.Start({"--config", file_})) << server_.log();
    monitor_ = server_.CreateToken("viewer", "monitor");
    ingest_ = server_.CreateToken("bot", "ingest");
    ASSERT_FALSE(monitor_.empty());
    ASSERT_FALSE(ingest_.empty());
    auto r = server_.Post(
        "/api/v1/events", ingest_,
        R"({"type":"session.start","session":"s1","user":"+5511999888777","channel":"whatsapp"})");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_TRUE(WaitFor([&] { return ListedUser() != ""; }, 5000));
    ASSERT_EQ(ListedUser(), kMasked);
  }
  // The user of session s1 as the monitor role sees it.
  std::string ListedUser() {
    json j = server_.Get("/api/monitoring/sessions", monitor_).Json();
    if (!j.is_object() || !j["sessions"].is_array() || j["sessions"].empty()) return "";
    return j["sessions"][0].value("user", "");
  }
  json ConfigError() {
    return server_.Get("/api/monitoring/status", monitor_).Json()["config_error"];
  }

  static constexpr const char* kRaw = "+5511999888777";
  static constexpr const char* kMasked = "+55•••••••8777";
  BotmonServer server_;
  std::string conf_dir_, file_, monitor_, ingest_;
};

TEST_F(Reload, InvalidFileIsReportedAndKeepsTheRunningConfigurationUntilFixed) {
  StartWith("sessions:\n  idleTimeout: 30m\nprivacy:\n  maskUsers: true\n");
  ASSERT_NO_FATAL_FAILURE(Serve());
  SseClient live(server_.port(), monitor_);
  ASSERT_TRUE(WaitFor([&] { return !live.DataOf("status").empty(); }, 5000));
  EXPECT_TRUE(ConfigError().is_null());

  // (a) An invalid value, written in place; the same file also turns masking off.
  std::ofstream(file_) << "sessions:\n  idleTimeout: soon\nprivacy:\n  maskUsers: false\n";
  ASSERT_TRUE(WaitFor([&] { return ConfigError().is_string(); }, 5000)) << server_.log();
  const std::string err = ConfigError().get<std::string>();
  EXPECT_NE(err.find(file_ + ":2:"), std::string::npos) << err;
  EXPECT_NE(err.find("sessions.idleTimeout"), std::string::npos) << err;
  // The first `config` event reports the failure.
  ASSERT_TRUE(WaitFor([&] { return !live.DataOf("config").empty(); }, 3000));
  json event = live.DataOf("config").front();
  EXPECT_EQ(event["ok"], false) << event;
  EXPECT_NE(event.value("error", "").find("sessions.idleTimeout"), std::string::npos) << event;
  // The old configuration still runs: users stay masked, and the server serves.
  EXPECT_EQ(ListedUser(), kMasked);
  EXPECT_TRUE(server_.running());
  EXPECT_EQ(
      server_.Post("/api/v1/events", ingest_, R"({"type":"message.in","session":"s1"})").status,
      200);

  // (b) Fixed, replaced the way editors do: the error clears and the new values apply.
  ReplaceFile(file_, "sessions:\n  idleTimeout: 45m\nprivacy:\n  maskUsers: false\n");
  ASSERT_TRUE(WaitFor([&] { return ConfigError().is_null(); }, 5000)) << server_.log();
  EXPECT_TRUE(WaitFor([&] { return ListedUser() == kRaw; }, 2000)) << ListedUser();
  ASSERT_TRUE(WaitFor([&] { return live.DataOf("config").size() >= 2; }, 3000));
  EXPECT_EQ(live.DataOf("config").back()["ok"], true);
}

// SIGHUP alone: the file is changed through a shared mapping, which inotify does not report
// (inotify(7)), so only the signal can make the server read it again.
TEST_F(Reload, SighupRereadsTheFile) {
  // "true " and "maybe" and "false" have the same length: the mapping can hold each in turn.
  StartWith("privacy:\n  maskUsers: true \n");
  const int fd = open(file_.c_str(), O_RDWR | O_CLOEXEC);  // before the server watches
  ASSERT_GE(fd, 0);
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  const size_t size = static_cast<size_t>(st.st_size);
  char* map = static_cast<char*>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  ASSERT_NE(map, MAP_FAILED);
  const std::string text(map, size);
  const size_t at = text.find("true ");
  ASSERT_NE(at, std::string::npos);
  auto set_value = [&](const char* five) { std::memcpy(map + at, five, 5); };
  ASSERT_NO_FATAL_FAILURE(Serve());

  set_value("maybe");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  ASSERT_TRUE(ConfigError().is_null())
      << "the server reloaded without a signal; this test needs a change inotify cannot see";
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return ConfigError().is_string(); }, 3000)) << server_.log();
  const std::string err = ConfigError().get<std::string>();
  EXPECT_NE(err.find(file_ + ":2:"), std::string::npos) << err;
  EXPECT_NE(err.find("privacy.maskUsers"), std::string::npos) << err;
  EXPECT_EQ(ListedUser(), kMasked);

  set_value("false");
  ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return ConfigError().is_null(); }, 3000)) << server_.log();
  EXPECT_TRUE(WaitFor([&] { return ListedUser() == kRaw; }, 2000)) << ListedUser();
  EXPECT_TRUE(server_.running());
  munmap(map, size);
  close(fd);
}

// ---- --monitor ----

// Seconds since the epoch of "YYYY-MM-DD HH:MM:SS" read as UTC.
int64_t ParseUtc(const std::string& s) {
  std::tm t{};
  std::istringstream in(s);
  in >> std::get_time(&t, "%Y-%m-%d %H:%M:%S");
  return static_cast<int64_t>(timegm(&t));
}

TEST(ConsoleMonitor, ServeMonitorPrintsTheBlockEveryTickAndNothingElse) {
  BotmonServer server;  // the harness runs it with BOTMON_TIMEZONE=UTC and a 1 s tick
  const int64_t start_s = NowMs() / 1000;
  ASSERT_TRUE(server.Start({"--monitor"})) << server.log();
  const std::string ingest = server.CreateToken("bot", "ingest");
  ASSERT_FALSE(ingest.empty());
  ASSERT_EQ(server
                .Post("/api/v1/events", ingest,
                      R"([{"type":"session.start","session":"a"},)"
                      R"({"type":"message.in","session":"a","text":"hi"},)"
                      R"({"type":"message.out","session":"a","text":"hello","latency_ms":5}])")
                .status,
            200);
  ASSERT_TRUE(WaitFor(
      [&] {
        return server.stdout_text().find("Sessions: 1 active (peak: 1)\nMessages: 2 today") !=
               std::string::npos;
      },
      5000))
      << server.stdout_text();
  ASSERT_TRUE(WaitFor([&] { return Lines(server.stdout_text()).size() >= 15; }, 5000));
  ASSERT_EQ(server.Stop(), 0);
  const int64_t end_s = NowMs() / 1000;

  const std::string out = server.stdout_text();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  const auto lines = Lines(out);
  ASSERT_EQ(lines.size() % 5, 0u) << out;
  ASSERT_GE(lines.size(), 15u);
  const std::regex re[] = {std::regex(R"(\[MONITOR\] (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d))"),
                           std::regex(R"(Sessions: [\d,]+ active \(peak: [\d,]+\))"),
                           std::regex(R"(Messages: [\d,]+ today \([\d,]+/hour\))"),
                           std::regex(R"(CPU: \d+% \| MEM: \d+% \| GPU: n/a)"),
                           std::regex(R"(Services: 0/0 running)")};
  int64_t previous = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    const bool matched = std::regex_match(lines[i], m, re[i % 5]);
    EXPECT_TRUE(matched) << "line " << i << ": " << lines[i];
    if (matched && i % 5 == 0) {
      const int64_t t = ParseUtc(m[1]);
      EXPECT_GE(t, start_s - 2) << lines[i];
      EXPECT_LE(t, end_s + 2) << lines[i];
      EXPECT_GT(t, previous) << "one block per tick: " << lines[i];
      previous = t;
    }
  }
  // Logs went to stderr.
  EXPECT_NE(server.log(), "");
  EXPECT_EQ(server.log().find("[MONITOR]"), std::string::npos);
}

}  // namespace
}  // namespace botmon::testing
