// Test support: a notification receiver for integration tests (SPEC 7.5) — a real HTTP/1.1
// server on 127.0.0.1 that stands in for a Slack, webhook or Twilio endpoint.
//
// It is the demo's TestReceiver (src/demo/test_receiver.h: one accept thread, one thread per
// connection, Content-Length bodies, keep-alive) plus what the delivery tests need:
//   - every request is recorded (method, path, lower-case headers, body, arrival time) and kept
//     across Down()/Up();
//   - Down() stops listening (a sender gets "connection refused"); Up() listens again on the
//     SAME port, so a botmon configured with url() reaches it again;
//   - a configurable reply status (or a function of the request, e.g. 401 for a bad signature);
//   - HoldNext(pred): the response to the next matching request is held (the request is
//     recorded at once) until Release(), so a test can kill the sender between its send and the
//     sender's record of it;
//   - Unique(): the requests deduplicated by X-Botmon-Delivery, as a receiver following the docs
//     does (at-least-once delivery with a stable id).
//
// Thread-safe. Destroy after the senders that use it are stopped or killed.
#ifndef BOTMON_TESTS_SUPPORT_HTTP_RECEIVER_H_
#define BOTMON_TESTS_SUPPORT_HTTP_RECEIVER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace botmon {
class TestReceiver;
}  // namespace botmon

namespace botmon::testing {

class HttpReceiver {
 public:
  struct Request {
    std::string method;
    std::string path;                            // the request target, query included
    std::map<std::string, std::string> headers;  // lower-case names; the first of repeated ones
    std::string body;
    int64_t at_ms = 0;  // epoch ms when the body was complete
    int status = 0;     // the status answered (0 while held or when the sender went away)

    // The header's value, or "".
    std::string Header(const std::string& lower_case_name) const;
    std::string delivery() const { return Header("x-botmon-delivery"); }
    std::string event() const { return Header("x-botmon-event"); }
  };
  // The reply status for a request; runs on a connection thread.
  using Responder = std::function<int(const Request&)>;
  using Predicate = std::function<bool(const Request&)>;

  // Takes a free port; listens at once when `up`.
  explicit HttpReceiver(bool up = true);
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "") const;

  // Listens on port(); false when the port cannot be bound (taken meanwhile).
  bool Up();
  // Stops listening and closes every connection (held requests are released first).
  void Down();
  bool up() const;

  // Every later request is answered `status` (default 200) ...
  void SetStatus(int status);
  // ... or what `responder` returns (replaces SetStatus until SetStatus is called again).
  void SetResponder(Responder responder);

  // The next request matching `pred` is recorded but not answered until Release() (or Down()).
  void HoldNext(Predicate pred);
  // Waits until a request is being held; false on timeout.
  bool WaitForHeld(int timeout_ms) const;
  // Answers the held request (a no-op when none is held); the answer may go nowhere.
  void Release();

  // Every request so far, in arrival order.
  std::vector<Request> Requests() const;
  // Requests() without repeats of an X-Botmon-Delivery id seen before (the first copy is kept;
  // requests without that header are all kept).
  std::vector<Request> Unique() const;
  // Waits until `pred` holds for Requests(); false on timeout.
  bool WaitUntil(const std::function<bool(const std::vector<Request>&)>& pred,
                 int timeout_ms) const;

  // Convenience filters.
  static std::vector<Request> WithEvent(const std::vector<Request>& all, const std::string& event);
  static std::vector<Request> WithPath(const std::vector<Request>& all, const std::string& prefix);

 private:
  int OnRequest(Request req);

  int port_ = 0;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::unique_ptr<TestReceiver> server_;  // GUARDED_BY(mu_) for the pointer; null when down
  std::vector<Request> requests_;         // GUARDED_BY(mu_)
  int status_ = 200;                      // GUARDED_BY(mu_)
  Responder responder_;                   // GUARDED_BY(mu_)
  Predicate hold_;                        // GUARDED_BY(mu_)
  bool holding_ = false;                  // GUARDED_BY(mu_): a request waits for Release()
  uint64_t release_gen_ = 0;              // GUARDED_BY(mu_)
};

// application/x-www-form-urlencoded -> fields ('+' is a space, %XX decoded; the last of repeated
// names wins).
std::map<std::string, std::string> ParseForm(const std::string& body);
// RFC 4648 base64 decoding; "" on malformed input.
std::string Base64Decode(const std::string& text);

}  // namespace botmon::testing

#endif  // BOTMON_TESTS_SUPPORT_HTTP_RECEIVER_H_
