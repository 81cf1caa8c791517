#include "http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace botmon::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

int RemainingMs(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

std::optional<std::string> RawResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::string RawResponse::ErrorCode() const {
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object() ||
      !j["error"].contains("code") || !j["error"]["code"].is_string()) {
    return "";
  }
  return j["error"]["code"].get<std::string>();
}

RawClient::RawClient(int port, int recv_buffer) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  if (recv_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &recv_buffer, sizeof(recv_buffer));
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Close();
}

RawClient::~RawClient() { Close(); }

void RawClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void RawClient::ShutdownWrite() { shutdown(fd_, SHUT_WR); }

bool RawClient::Fill(int timeout_ms) {
  if (fd_ < 0 || eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int rc = poll(&p, 1, timeout_ms);
  if (rc <= 0) return false;
  char buf[65536];
  const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  pending_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<RawResponse> RawClient::ReadResponse(int timeout_ms, bool head) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(RemainingMs(deadline))) return std::nullopt;
  }
  RawResponse r;
  const std::string head_text = pending_.substr(0, end);
  pending_.erase(0, end + 4);
  size_t line_end = head_text.find("\r\n");
  const std::string status_line = head_text.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return std::nullopt;
  r.status = std::atoi(status_line.c_str() + 9);
  while (line_end != std::string::npos) {
    const size_t start = line_end + 2;
    line_end = head_text.find("\r\n", start);
    const std::string line = head_text.substr(start, line_end - start);
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers.emplace_back(Lower(line.substr(0, colon)), value);
  }
  if (head || r.status < 200 || r.status == 204 || r.status == 304) return r;
  if (const auto length = r.Header("content-length")) {
    const size_t n = std::strtoull(length->c_str(), nullptr, 10);
    while (pending_.size() < n) {
      if (!Fill(RemainingMs(deadline))) return std::nullopt;
    }
    r.body = pending_.substr(0, n);
    pending_.erase(0, n);
    return r;
  }
  while (Fill(RemainingMs(deadline))) {
  }
  if (!eof_) return std::nullopt;
  r.body = std::move(pending_);
  pending_.clear();
  return r;
}

std::string RawClient::ReadUntil(std::string_view needle, int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  size_t pos;
  while ((pos = pending_.find(needle)) == std::string::npos) {
    if (!Fill(RemainingMs(deadline))) return "";
  }
  std::string out = pending_.substr(0, pos + needle.size());
  pending_.erase(0, pos + needle.size());
  return out;
}

bool RawClient::WaitClosed(int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  while (!eof_) {
    if (!Fill(RemainingMs(deadline)) && !eof_) return false;
    pending_.clear();
  }
  return true;
}

std::string RawClient::ReadAvailable(int timeout_ms) {
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  while (Fill(RemainingMs(deadline))) {
  }
  std::string out = std::move(pending_);
  pending_.clear();
  return out;
}

std::string GetRequest(std::string_view path, std::vector<std::string> extra) {
  std::string r = "GET ";
  r.append(path);
  r.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (const std::string& h : extra) r.append(h).append("\r\n");
  r.append("\r\n");
  return r;
}

std::string PostRequest(std::string_view path, std::string_view body,
                        std::vector<std::string> extra) {
  std::string r = "POST ";
  r.append(path);
  r.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ");
  r.append(std::to_string(body.size())).append("\r\n");
  for (const std::string& h : extra) r.append(h).append("\r\n");
  r.append("\r\n");
  r.append(body);
  return r;
}

std::optional<RawResponse> Fetch(int port, const std::string& request, bool head) {
  RawClient c(port);
  if (!c.connected() || !c.Send(request)) return std::nullopt;
  return c.ReadResponse(5000, head);
}

TestServer::TestServer(std::unique_ptr<Router> router, ServerOptions opts)
    : router_(std::move(router)) {
  opts.listen = "127.0.0.1:0";
  server_ = std::make_unique<Server>(std::move(opts), router_.get());
  const Status st = server_->Listen();
  EXPECT_TRUE(st.ok()) << st.ToString();
  server_->Start();
}

TestServer::~TestServer() { server_->Stop(); }

Principal TestAuthenticator(const Request& req) {
  Principal p;
  const std::string_view auth = req.HeaderValue("authorization");
  if (auth.empty()) return p;
  p.presented = true;
  constexpr std::string_view kPrefix = "Bearer ";
  if (auth.substr(0, kPrefix.size()) != kPrefix) return p;
  Role role;
  if (ParseRole(auth.substr(kPrefix.size()), &role) && role != Role::kNone) {
    p.role = role;
    p.name = std::string(auth.substr(kPrefix.size()));
  }
  return p;
}

}  // namespace botmon::testing
