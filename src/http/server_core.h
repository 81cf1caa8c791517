// The state shared by the listener, the HTTP sessions and the SSE streams of one Server (the
// "shared_state" of the Beast chat-multi example, STYLE 1.3): options, the io_context, the worker
// pool, the registry of open connections, the SSE subscriber list and the counters.
//
// Internal to the http module, and one of the few headers that include Asio (LIBRARIES 2.1):
// only beast_server.cc, http_session.cc and sse_stream.cc include it.
//
// Thread-safety: the registry and subscriber list are guarded by `mu`; counters are atomics;
// everything else is set before the I/O threads start and read-only afterwards.
#ifndef BOTMON_HTTP_SERVER_CORE_H_
#define BOTMON_HTTP_SERVER_CORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "http/server.h"

namespace botmon::http_internal {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// Lets threads outside the io_context (handlers answering later, Publish() callers) post to it
// only while it exists. Close() makes every later Enter() fail and waits for the threads already
// inside, so after it returns the io_context can be destroyed safely. Lock-free: sequentially
// consistent atomics order Enter's increment against Close's flag.
class Gate {
 public:
  bool Enter() {
    inside_.fetch_add(1);
    if (closed_.load()) {
      inside_.fetch_sub(1);
      return false;
    }
    return true;
  }
  void Leave() { inside_.fetch_sub(1); }
  void Close() {
    closed_.store(true);
    while (inside_.load() != 0) std::this_thread::yield();
  }

 private:
  std::atomic<int> inside_{0};
  std::atomic<bool> closed_{false};
};

// Enter()/Leave() as a scope; test with `if (!scope) return;`.
class GateScope {
 public:
  explicit GateScope(Gate& gate) : gate_(gate), entered_(gate.Enter()) {}
  ~GateScope() {
    if (entered_) gate_.Leave();
  }
  GateScope(const GateScope&) = delete;
  GateScope& operator=(const GateScope&) = delete;
  explicit operator bool() const { return entered_; }

 private:
  Gate& gate_;
  bool entered_;
};

// An open connection (HTTP session or event stream) as the registry sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  // Posts a shutdown onto the connection's strand. `force` closes at once; otherwise an idle
  // keep-alive connection or an event stream closes now, and a busy connection after its reply.
  virtual void PostShutdown(bool force) = 0;
};

class SseStream;

struct ServerCore {
  ServerCore(ServerOptions options, const Router* router_in)
      : opts(std::move(options)),
        router(router_in),
        ioc(std::make_unique<net::io_context>(opts.io_threads > 0 ? opts.io_threads : 1)),
        gate(std::make_shared<Gate>()) {}

  const ServerOptions opts;
  const Router* const router;
  // Owned here and destroyed explicitly by Server::Stop(), after the threads are joined and the
  // registry is cleared, so that no session outlives it.
  std::unique_ptr<net::io_context> ioc;
  std::optional<net::thread_pool> workers;  // for Exec::kWorker routes; empty with 0 threads
  const std::shared_ptr<Gate> gate;

  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> connections_open{0};
  std::atomic<uint64_t> requests_total{0};
  std::atomic<uint64_t> sse_clients{0};  // open streams, plus slots being set up
  std::atomic<uint64_t> sse_dropped_slow{0};

  // The largest body a route accepts (RouteOptions::max_body, or the server default).
  size_t MaxBody(const Route& route) const;

  // Registry: holds every open connection, so that Stop() can reach it and so that a session
  // waiting for its handler's answer stays alive (Responders only hold weak pointers).
  uint64_t Register(std::shared_ptr<Connection> c);
  void Unregister(uint64_t id);
  std::vector<std::shared_ptr<Connection>> Connections();
  // Waits until no connection is open or `deadline` passes; true when none is open.
  bool WaitForNoConnections(std::chrono::steady_clock::time_point deadline);
  // Drops every registry and subscriber reference (after the threads are joined).
  void ClearAll();

  // SSE subscribers. ReserveStream() takes one of max_sse_clients slots (false when none is left);
  // the stream gives it back when it closes.
  bool ReserveStream();
  void ReleaseStream() { sse_clients.fetch_sub(1); }
  void AddStream(std::shared_ptr<SseStream> s);
  void RemoveStream(const SseStream* s);
  // Posts `frame` to every stream's strand; never blocks on a client (defined in sse_stream.cc).
  void Publish(const SseFrame& frame);

 private:
  using StreamList = std::vector<std::shared_ptr<SseStream>>;

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> conns_;
  // Copy-on-write, so that Publish() holds the lock only to copy one pointer.
  std::shared_ptr<const StreamList> streams_ = std::make_shared<StreamList>();
};

}  // namespace botmon::http_internal

#endif  // BOTMON_HTTP_SERVER_CORE_H_
