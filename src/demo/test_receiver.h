// TestReceiver: a tiny HTTP/1.1 server for tests, on POSIX sockets at 127.0.0.1:<free port>. It
// records every request (method, target, headers, body) and answers each with what a handler
// returns: a status, headers and body, or "hang" (never answer, until the receiver stops).
//
// Supports keep-alive and Content-Length bodies (what libcurl sends for a POST); no chunked
// bodies. One thread accepts; one thread serves each connection. Thread-safe.
#ifndef BOTMON_DEMO_TEST_RECEIVER_H_
#define BOTMON_DEMO_TEST_RECEIVER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace botmon {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point at;  // when the body was complete

  // The value of the first header with that (lower-case) name, or "".
  std::string Header(const std::string& name) const;
};

struct CannedReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool hang = false;  // never answer; the connection stays open until Stop()
};

class TestReceiver {
 public:
  // Called for each request with its 0-based index; runs on a connection thread.
  using Handler = std::function<CannedReply(const ReceivedRequest&, size_t index)>;

  // The default handler accepts everything: 200 {"accepted": <items in the JSON array>,
  // "rejected": []}.
  TestReceiver();
  // `port` 0 takes a free one; a given port lets a test bring a "server" back where a client
  // already points.
  explicit TestReceiver(Handler handler, int port = 0);
  ~TestReceiver();  // Stop()
  TestReceiver(const TestReceiver&) = delete;
  TestReceiver& operator=(const TestReceiver&) = delete;

  // False when the socket could not be set up (the tests then fail on port() == 0).
  bool ok() const { return listen_fd_ >= 0; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<ReceivedRequest> requests() const;
  // Waits until at least n requests arrived; false on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;

  // Closes the listener and every connection, releases hanging handlers, joins all threads.
  void Stop();

  // The default handler's reply for a body.
  static CannedReply AcceptAll(const ReceivedRequest& r);

 private:
  void AcceptLoop();
  void Serve(int fd);
  // Reads one request from fd (buffering in *buf) and answers it; false to close.
  bool ServeOne(int fd, std::string* buf);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<ReceivedRequest> requests_;  // guarded by mu_
  std::vector<int> conn_fds_;              // guarded by mu_
  std::vector<std::thread> conn_threads_;  // guarded by mu_
  bool stopping_ = false;                  // guarded by mu_
  std::thread accept_thread_;
};

}  // namespace botmon

#endif  // BOTMON_DEMO_TEST_RECEIVER_H_
