// One Server-Sent Events client (SPEC A.4): the socket handed over by an HttpSession, a capped
// queue of shared frames with one write in flight, a ping comment every sse_ping_ms, and a read
// kept pending so that a client hanging up is noticed at once.
//
// A client whose queue would exceed sse_queue_bytes is disconnected and counted in
// ServerStats::sse_dropped_slow: a slow reader never makes the server buffer without bound.
//
// Internal to the http module. Thread-safety: every member runs on the stream's strand;
// Deliver() and PostShutdown() may be called from any thread (inside the server's Gate).
#ifndef BOTMON_HTTP_SSE_STREAM_H_
#define BOTMON_HTTP_SSE_STREAM_H_

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "http/server_core.h"

namespace botmon::http_internal {

class SseStream : public Connection, public std::enable_shared_from_this<SseStream> {
 public:
  // REQUIRES: a slot was taken with core->ReserveStream(); the stream gives it back on close.
  SseStream(ServerCore* core, tcp::socket socket, net::any_io_executor strand, Audience audience);

  // On the strand: registers, writes the head, "retry: 2000" and `initial`, then starts the
  // ping timer and the disconnect watch.
  void Start(std::string initial);
  // Queues one frame (posted onto the strand).
  void Deliver(std::shared_ptr<const std::string> frame);
  void PostShutdown(bool force) override;

  Audience audience() const { return audience_; }

 private:
  void Enqueue(std::shared_ptr<const std::string> frame);
  void Write();
  void OnWrite(error_code ec);
  void WatchForClose();
  void ArmPing();
  void Close();

  ServerCore* const core_;
  tcp::socket socket_;
  const net::any_io_executor strand_;
  const Audience audience_;
  net::steady_timer ping_timer_;
  net::steady_timer write_timer_;
  uint64_t id_ = 0;
  bool closed_ = false;
  bool writing_ = false;
  size_t queued_bytes_ = 0;  // queued plus in flight
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::vector<std::shared_ptr<const std::string>> in_flight_;
  std::array<char, 512> discard_;  // what a client sends on an event stream is ignored
};

}  // namespace botmon::http_internal

#endif  // BOTMON_HTTP_SSE_STREAM_H_
