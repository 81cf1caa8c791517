// Test helpers for the probe tests (header-only; not part of botmon_probe): a tiny HTTP/1.1
// server on 127.0.0.1 whose replies a test scripts (the fakes of Qdrant, MinIO, Vault, InfluxDB 2
// and the LLM server replay documented replies through it), with hostile modes (accept and hang,
// garbage, slow drip, close mid-reply), and a poll() driver that runs one probe attempt.
#ifndef BOTMON_PROBE_PROBE_TEST_UTIL_H_
#define BOTMON_PROBE_PROBE_TEST_UTIL_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/duration.h"
#include "probe/probe.h"

namespace botmon::testing {

struct TinyRequest {
  std::string method;
  std::string target;  // "/collections?x=1"
  std::string path;    // without the query
  std::string head;    // the whole request head (request line and headers)
  std::string body;
  bool HasHeader(const std::string& line) const { return head.find(line) != std::string::npos; }
};

struct TinyReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::string> headers;  // extra "Name: value" lines
};

class TinyServer {
 public:
  enum class Mode { kNormal, kHang, kGarbage, kDrip, kCloseMidReply };
  using Handler = std::function<TinyReply(const TinyRequest&)>;

  explicit TinyServer(Handler handler, Mode mode = Mode::kNormal)
      : handler_(std::move(handler)), mode_(mode) {
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~TinyServer() {
    uint64_t one = 1;
    ssize_t n = ::write(stop_fd_, &one, sizeof one);
    (void)n;
    accept_thread_.join();
    std::vector<std::thread> conns;
    {
      std::lock_guard<std::mutex> lock(mu_);
      conns.swap(conns_);
    }
    for (std::thread& t : conns) t.join();
    ::close(listen_fd_);
    ::close(stop_fd_);
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  void set_mode(Mode m) { mode_.store(m); }

 private:
  // Waits for `fd` to be readable; false when the server stops or after timeout_ms.
  bool WaitReadable(int fd, int timeout_ms) {
    pollfd p[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    int n = ::poll(p, 2, timeout_ms);
    return n > 0 && (p[1].revents & POLLIN) == 0;
  }
  bool Stopping() {
    pollfd p{stop_fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  // Sleeps up to ms; false when the server stops.
  bool Sleep(int ms) {
    pollfd p{stop_fd_, POLLIN, 0};
    return ::poll(&p, 1, ms) == 0;
  }

  void AcceptLoop() {
    while (WaitReadable(listen_fd_, -1)) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      conns_.emplace_back([this, fd] {
        Serve(fd);
        ::close(fd);
      });
    }
  }

  void Serve(int fd) {
    Mode mode = mode_.load();
    if (mode == Mode::kHang) {
      while (!Stopping() && Sleep(50)) {
        char buf[4096];
        if (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) == 0) return;  // the client went away
      }
      return;
    }
    std::string in;
    size_t head_end = std::string::npos;
    while (head_end == std::string::npos && in.size() < (64 << 10)) {
      if (!WaitReadable(fd, 10'000)) return;
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      head_end = in.find("\r\n\r\n");
    }
    if (head_end == std::string::npos) return;
    TinyRequest req;
    req.head = in.substr(0, head_end);
    size_t sp1 = req.head.find(' ');
    size_t sp2 = req.head.find(' ', sp1 + 1);
    req.method = req.head.substr(0, sp1);
    req.target = req.head.substr(sp1 + 1, sp2 - sp1 - 1);
    req.path = req.target.substr(0, req.target.find('?'));
    size_t cl = req.head.find("Content-Length: ");
    size_t want = cl == std::string::npos ? 0 : std::stoul(req.head.substr(cl + 16));
    req.body = in.substr(head_end + 4);
    while (req.body.size() < want && WaitReadable(fd, 10'000)) {
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.body.append(buf, static_cast<size_t>(n));
    }
    ++requests_;
    if (mode == Mode::kGarbage) {
      Send(fd, std::string("\x16\x03\x01\xff garbage \x00\x01 not http at all\r\n\r\n", 38));
      Sleep(100);
      return;
    }
    TinyReply r = handler_(req);
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " X\r\n";
    if (!r.content_type.empty()) out += "Content-Type: " + r.content_type + "\r\n";
    for (const std::string& h : r.headers) out += h + "\r\n";
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\nConnection: close\r\n\r\n";
    out += r.body;
    if (mode == Mode::kDrip) {
      for (char c : out) {
        if (!Send(fd, std::string(1, c)) || !Sleep(200)) return;
      }
      return;
    }
    if (mode == Mode::kCloseMidReply) {
      Send(fd, out.substr(0, out.size() - std::min<size_t>(out.size() / 2, r.body.size() / 2 + 1)));
      return;
    }
    Send(fd, out);
    // Let the client read and close first (a close with unread input would reset).
    WaitReadable(fd, 2000);
  }

  static bool Send(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  Handler handler_;
  std::atomic<Mode> mode_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<std::thread> conns_;
};

// Runs one attempt of `check` to completion with a poll() loop, destroying it at its timeout.
inline ProbeResult DriveProbe(const CheckConfig& check, ProbeMemory* memory) {
  int64_t start = ProbeNowMs();
  std::unique_ptr<ProbeOp> op = StartProbe(check, memory, start);
  ProbeWait wait;
  std::vector<pollfd> ready;
  if (op->Step({}, start, &wait)) return op->Result();
  while (true) {
    int64_t now = ProbeNowMs();
    int64_t until = start + check.timeout_ms;
    if (wait.wake_at_ms > 0) until = std::min(until, wait.wake_at_ms);
    if (now >= start + check.timeout_ms) {
      ProbeResult r;
      r.error = "timed out after " + FormatDuration(check.timeout_ms);
      return r;
    }
    std::vector<pollfd> fds = wait.fds;
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(until - now, 0)));
    ready.clear();
    for (int i = 0; n > 0 && i < static_cast<int>(fds.size()); ++i) {
      if (fds[i].revents != 0) ready.push_back(fds[i]);
    }
    now = ProbeNowMs();
    bool timer = wait.wake_at_ms > 0 && now >= wait.wake_at_ms;
    if (ready.empty() && !timer) continue;
    if (op->Step(ready, now, &wait)) return op->Result();
  }
}

// A check of `kind` against `url` with test-friendly timing.
inline CheckConfig TestCheck(CheckKind kind, const std::string& url,
                             const std::string& name = "t") {
  CheckConfig c;
  c.name = name;
  c.label = name;
  c.kind = kind;
  c.url = url;
  c.interval_ms = 1000;
  c.timeout_ms = 3000;
  c.connect_timeout_ms = 1000;
  c.retries = 0;
  return c;
}

}  // namespace botmon::testing

#endif  // BOTMON_PROBE_PROBE_TEST_UTIL_H_
