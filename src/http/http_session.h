// One HTTP/1.1 connection: reads a request header, routes and authorizes it, reads (and maybe
// inflates) the body within the route's limit, runs the handler, writes the reply, and repeats
// for keep-alive and pipelined requests, one request at a time so replies stay in order. An
// event-stream reply hands the socket to an SseStream.
//
// Internal to the http module. Thread-safety: every member runs on the connection's strand;
// PostShutdown() and the Responder callbacks may be called from any thread and post onto it.
#ifndef BOTMON_HTTP_HTTP_SESSION_H_
#define BOTMON_HTTP_HTTP_SESSION_H_

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/server_core.h"

namespace botmon::http_internal {

class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  // `socket` must use a strand executor of core->ioc.
  HttpSession(ServerCore* core, tcp::socket socket);

  // Registers the connection and starts reading (posted onto the strand).
  void Start();
  void PostShutdown(bool force) override;

 private:
  enum class State {
    kIdle,       // between requests: waiting for the first byte (idle or header timeout)
    kHeader,     // reading a request header
    kBody,       // reading its body
    kHandling,   // the handler has it
    kWriting,    // writing the reply
    kLingering,  // reply sent, send side shut: draining what the client still sends
    kClosed,
  };

  void ArmTimer(int ms);
  void CancelTimer();
  void Read();
  void OnRead(error_code ec, size_t n);
  void ParseHeader();
  void OnHeader();
  void ContinueBody();
  void GrowBody(size_t need);
  void ParseChunkedBody();
  void OnBody();
  void Dispatch();
  Responder MakeResponder();
  void OnResponse(Response r);
  void OnStartStream(std::string initial, Audience audience);
  // Writes `r`; with `close`, says "Connection: close" and closes after writing.
  void Reply(Response r, bool close);
  // A rejected request: closes too when its body has not been read (we never read it).
  void Reject(Response r);
  void Fail(int status, std::string_view code, std::string_view message);
  void OnWrite(error_code ec);
  void LingeringClose();
  void OnShutdown(bool force);
  void Close();

  ServerCore* const core_;
  tcp::socket socket_;
  const net::any_io_executor strand_;
  net::steady_timer timer_;
  uint64_t timer_gen_ = 0;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  uint64_t id_ = 0;
  std::string remote_;

  State state_ = State::kIdle;
  bool fresh_ = true;       // no request yet: the header timeout runs from accept
  bool stopping_ = false;   // the server is stopping: no keep-alive
  bool keep_alive_ = true;  // for the current request
  bool keep_alive_10_ = false;
  bool head_ = false;  // HEAD: reply without the body
  bool gzip_ = false;
  bool close_after_ = false;
  size_t header_bytes_ = 0;  // header bytes already consumed by the parser for this request
  // A Content-Length body being read directly (chunked bodies go through the parser).
  bool raw_body_ = false;
  std::string body_;
  size_t body_length_ = 0;
  size_t body_have_ = 0;
  size_t lingering_bytes_ = 0;
  const Route* route_ = nullptr;
  Request req_;
  std::string out_head_;
  std::string out_body_;
};

}  // namespace botmon::http_internal

#endif  // BOTMON_HTTP_HTTP_SESSION_H_
