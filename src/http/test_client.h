// Test helpers for the server tests: a small blocking HTTP client over plain POSIX sockets (so a
// test can send malformed bytes, stop halfway, or never read), and a server fixture bound to
// 127.0.0.1 port 0. Not thread-safe: one RawClient per thread.
#ifndef BOTMON_HTTP_TEST_CLIENT_H_
#define BOTMON_HTTP_TEST_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server.h"

namespace botmon::testing {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first header of that lower-case name, or nullopt.
  std::optional<std::string> Header(std::string_view lower_name) const;
  // error.code of a JSON error body, or "" when the body is not one.
  std::string ErrorCode() const;
};

class RawClient {
 public:
  // Connects to 127.0.0.1:port. With recv_buffer > 0, SO_RCVBUF is set first (a small window
  // makes a client that never reads fall behind quickly).
  explicit RawClient(int port, int recv_buffer = 0);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  void ShutdownWrite();
  void Close();

  // Reads one response; the body by Content-Length, or (none given) until the peer closes.
  // `head`: the reply to a HEAD request (no body whatever the length). nullopt on timeout, a
  // close before a full response, or an unparsable reply.
  std::optional<RawResponse> ReadResponse(int timeout_ms = 5000, bool head = false);
  // Reads until `needle` has been seen (returns everything read up to and including it, keeping
  // the rest), or the timeout or a close ("" then, and the bytes stay pending).
  std::string ReadUntil(std::string_view needle, int timeout_ms = 5000);
  // True when the peer closes (EOF or reset) within the timeout; discards data meanwhile.
  bool WaitClosed(int timeout_ms = 5000);
  // Bytes that arrived within `timeout_ms` without waiting for more (drains what is pending).
  std::string ReadAvailable(int timeout_ms);

 private:
  // Appends what arrives within timeout_ms to pending_; false on timeout, EOF or error.
  bool Fill(int timeout_ms);

  int fd_ = -1;
  bool eof_ = false;
  std::string pending_;
};

// "GET /path HTTP/1.1" with Host and the extra header lines (each without CRLF).
std::string GetRequest(std::string_view path, std::vector<std::string> extra = {});
std::string PostRequest(std::string_view path, std::string_view body,
                        std::vector<std::string> extra = {});

// One request on a fresh connection.
std::optional<RawResponse> Fetch(int port, const std::string& request, bool head = false);

// A started server on 127.0.0.1:0 with `router` (kept alive here).
class TestServer {
 public:
  TestServer(std::unique_ptr<Router> router, ServerOptions opts = {});
  ~TestServer();
  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  Router& router() { return *router_; }

 private:
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
};

// Authenticator for tests: "Bearer admin|monitor|ingest" are valid; any other credential is
// presented but invalid.
Principal TestAuthenticator(const Request& req);

}  // namespace botmon::testing

#endif  // BOTMON_HTTP_TEST_CLIENT_H_
