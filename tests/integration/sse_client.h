// An SSE client for the integration tests: a raw socket to /api/monitoring/live, read in its own
// thread until destroyed, with the frames parsed (SPEC Appendix A.4).
#ifndef BOTMON_TESTS_INTEGRATION_SSE_CLIENT_H_
#define BOTMON_TESTS_INTEGRATION_SSE_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace botmon::testing {

inline int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
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

inline std::string LiveRequest(const std::string& token, const std::string& path) {
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  return req + "\r\n";
}

struct Frame {
  std::string event, id, data;
  nlohmann::json Json() const { return nlohmann::json::parse(data, nullptr, false); }
};

// An SSE client on a raw socket, reading in its own thread until destroyed.
class SseClient {
 public:
  SseClient(int port, const std::string& token) {
    fd_ = Connect(port);
    if (fd_ < 0) return;
    const std::string req = LiveRequest(token, "/api/monitoring/live");
    if (send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return;
    reader_ = std::thread([this] { Read(); });
  }
  ~SseClient() {
    stop_ = true;
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) close(fd_);
  }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  // Everything received so far, headers included.
  std::string raw() const {
    std::lock_guard lock(mu_);
    return raw_;
  }
  // The header block (lower-cased), once complete.
  std::string head() const {
    std::string r = raw();
    auto end = r.find("\r\n\r\n");
    std::string h = end == std::string::npos ? "" : r.substr(0, end);
    for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return h;
  }
  std::string body() const {
    std::string r = raw();
    auto end = r.find("\r\n\r\n");
    return end == std::string::npos ? "" : r.substr(end + 4);
  }
  // The complete frames so far (comments and the retry line skipped).
  std::vector<Frame> frames() const {
    std::vector<Frame> out;
    std::string b = body();
    size_t pos = 0;
    for (size_t end; (end = b.find("\n\n", pos)) != std::string::npos; pos = end + 2) {
      Frame f;
      std::string block = b.substr(pos, end - pos);
      size_t lp = 0;
      while (lp <= block.size()) {
        size_t le = block.find('\n', lp);
        if (le == std::string::npos) le = block.size();
        std::string line = block.substr(lp, le - lp);
        lp = le + 1;
        if (line.rfind("event: ", 0) == 0) f.event = line.substr(7);
        if (line.rfind("id: ", 0) == 0) f.id = line.substr(4);
        if (line.rfind("data: ", 0) == 0) f.data += line.substr(6);
      }
      if (!f.event.empty() || !f.data.empty()) out.push_back(std::move(f));
    }
    return out;
  }
  std::vector<Frame> frames(const std::string& event) const {
    std::vector<Frame> out;
    for (auto& f : frames()) {
      if (f.event == event) out.push_back(std::move(f));
    }
    return out;
  }
  // The session frames for one session id.
  std::vector<nlohmann::json> sessions(const std::string& id) const {
    std::vector<nlohmann::json> out;
    for (const auto& f : frames("session")) {
      nlohmann::json j = f.Json();
      if (!j.is_discarded() && j["session"].value("id", "") == id) out.push_back(j);
    }
    return out;
  }
  bool ok() const { return fd_ >= 0; }

 private:
  void Read() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[16384];
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return;
      std::lock_guard lock(mu_);
      raw_.append(buf, static_cast<size_t>(n));
    }
  }

  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread reader_;
  mutable std::mutex mu_;
  std::string raw_;
};

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_INTEGRATION_SSE_CLIENT_H_
