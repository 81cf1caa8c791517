#include "demo/test_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

namespace botmon {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  const size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

std::string ReceivedRequest::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

CannedReply TestReceiver::AcceptAll(const ReceivedRequest& r) {
  CannedReply reply;
  const auto body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  const size_t n = body.is_array() ? body.size() : 1;
  reply.body = R"({"accepted":)" + std::to_string(n) + R"(,"rejected":[]})";
  return reply;
}

TestReceiver::TestReceiver() : TestReceiver(Handler()) {}

TestReceiver::TestReceiver(Handler handler, int port) : handler_(std::move(handler)) {
  if (!handler_) handler_ = [](const ReceivedRequest& r, size_t) { return AcceptAll(r); };
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof addr;
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return;
  }
  port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

TestReceiver::~TestReceiver() { Stop(); }

void TestReceiver::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);  // unblocks their reads
  }
  cv_.notify_all();  // releases hanging handlers
  if (accept_thread_.joinable()) accept_thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(conn_threads_);
  }
  for (auto& t : threads) t.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::vector<ReceivedRequest> TestReceiver::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool TestReceiver::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void TestReceiver::AcceptLoop() {
  for (;;) {
    // Poll with a short timeout so Stop() is noticed without closing the fd under accept().
    pollfd p{listen_fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 20);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (ready <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {  // Stop() already shut the known connections down; this one is late
      ::close(fd);
      return;
    }
    conn_fds_.push_back(fd);
    conn_threads_.emplace_back([this, fd] { Serve(fd); });
  }
}

void TestReceiver::Serve(int fd) {
  std::string buf;
  while (ServeOne(fd, &buf)) {
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    conn_fds_.erase(std::remove(conn_fds_.begin(), conn_fds_.end(), fd), conn_fds_.end());
  }
  ::close(fd);
}

bool TestReceiver::ServeOne(int fd, std::string* buf) {
  char chunk[65536];
  auto read_more = [&]() -> bool {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf->append(chunk, static_cast<size_t>(n));
    return true;
  };
  size_t head_end;
  while ((head_end = buf->find("\r\n\r\n")) == std::string::npos) {
    if (!read_more()) return false;
  }
  ReceivedRequest req;
  const std::string head = buf->substr(0, head_end);
  size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.find(' ', sp1 + 1);
  req.method = request_line.substr(0, sp1);
  req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t content_length = 0;
  while (line_end != std::string::npos) {
    const size_t next = head.find("\r\n", line_end + 2);
    const std::string line = head.substr(
        line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      req.headers.emplace_back(Lower(line.substr(0, colon)), Trim(line.substr(colon + 1)));
      if (req.headers.back().first == "content-length") {
        content_length = std::strtoul(req.headers.back().second.c_str(), nullptr, 10);
      }
    }
    line_end = next;
  }
  buf->erase(0, head_end + 4);
  while (buf->size() < content_length) {
    if (!read_more()) return false;
  }
  req.body = buf->substr(0, content_length);
  buf->erase(0, content_length);
  req.at = std::chrono::steady_clock::now();

  size_t index;
  {
    std::lock_guard<std::mutex> lock(mu_);
    index = requests_.size();
    requests_.push_back(req);
  }
  cv_.notify_all();
  const CannedReply reply = handler_(req, index);
  if (reply.hang) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stopping_; });
    return false;
  }
  std::string out =
      "HTTP/1.1 " + std::to_string(reply.status) + " " + Reason(reply.status) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(reply.body.size()) +
      "\r\n";
  for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
  out += "\r\n" + reply.body;
  return SendAll(fd, out);
}

}  // namespace botmon
