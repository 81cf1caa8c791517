// Server: the listener (accept loop), the I/O and worker threads, and the stop sequence. The
// per-connection work is in http_session.cc and sse_stream.cc.
#include <algorithm>

#include <charconv>
#include <exception>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "core/thread_name.h"
#include "http/http_session.h"
#include "http/server.h"
#include "http/server_core.h"
#include "http/sse_stream.h"

namespace botmon {

using http_internal::Connection;
using http_internal::error_code;
using http_internal::HttpSession;
using http_internal::ServerCore;
using http_internal::tcp;
namespace net = boost::asio;

namespace http_internal {

size_t ServerCore::MaxBody(const Route& route) const {
  if (route.options.max_body) {
    const size_t n = route.options.max_body();
    if (n > 0) return n;
  }
  return opts.default_max_body;
}

uint64_t ServerCore::Register(std::shared_ptr<Connection> c) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_id_++;
  conns_.emplace(id, std::move(c));
  connections_open.fetch_add(1);
  return id;
}

void ServerCore::Unregister(uint64_t id) {
  std::shared_ptr<Connection> dropped;  // destroyed outside the lock
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    dropped = std::move(it->second);
    conns_.erase(it);
    connections_open.fetch_sub(1);
  }
  if (stopping.load()) cv_.notify_all();
}

std::vector<std::shared_ptr<Connection>> ServerCore::Connections() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Connection>> out;
  out.reserve(conns_.size());
  for (const auto& [id, c] : conns_) out.push_back(c);
  return out;
}

bool ServerCore::WaitForNoConnections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, deadline, [this] { return conns_.empty(); });
}

void ServerCore::ClearAll() {
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> conns;
  std::shared_ptr<const StreamList> streams = std::make_shared<StreamList>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    conns.swap(conns_);
    streams.swap(streams_);
    connections_open.store(0);
    sse_clients.store(0);
  }
}

bool ServerCore::ReserveStream() {
  const uint64_t before = sse_clients.fetch_add(1);
  if (before >= static_cast<uint64_t>(std::max(opts.max_sse_clients, 0))) {
    sse_clients.fetch_sub(1);
    return false;
  }
  return true;
}

namespace {

// Splits "host:port" ("[::1]:port" for IPv6); "localhost" means 127.0.0.1.
Status ParseListen(const std::string& listen, tcp::endpoint* out) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return Status::InvalidArgument("listen address \"" + listen + "\" must be host:port");
  }
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  int port = -1;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return Status::InvalidArgument("listen address \"" + listen + "\": bad port \"" + port_text +
                                   "\"");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  error_code addr_ec;
  const net::ip::address address = net::ip::make_address(host, addr_ec);
  if (addr_ec) {
    return Status::InvalidArgument("listen address \"" + listen + "\": \"" + host +
                                   "\" is not an IP address (or localhost)");
  }
  *out = tcp::endpoint(address, static_cast<unsigned short>(port));
  return Status::OK();
}

// Sent, best effort and without blocking, to a connection over max_connections.
const std::string& BusyReply() {
  static const std::string* reply = [] {
    const std::string body =
        "{\"error\":{\"code\":\"unavailable\",\"message\":\"too many connections\"}}";
    return new std::string(
        "HTTP/1.1 503 Service Unavailable\r\n"
        "Server: botmon\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) +
        "\r\n"
        "Connection: close\r\n"
        "\r\n" +
        body);
  }();
  return *reply;
}

}  // namespace
}  // namespace http_internal

struct Server::Impl {
  Impl(ServerOptions opts, const Router* router)
      : core(std::make_shared<ServerCore>(std::move(opts), router)) {}

  void DoAccept();
  void OnAccept(error_code ec, tcp::socket socket);
  void RejectBusy(tcp::socket socket);

  std::shared_ptr<ServerCore> core;
  std::optional<tcp::acceptor> acceptor;  // on its own strand
  std::optional<net::steady_timer> accept_retry;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<int> port{0};
  std::mutex mu;  // Listen/Start/Stop
  bool started = false;
  bool stopped = false;
};

void Server::Impl::DoAccept() {
  acceptor->async_accept(net::make_strand(*core->ioc), [this](error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void Server::Impl::OnAccept(error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
  if (ec) {
    // Out of descriptors or a transient network error: pause instead of spinning.
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([this](error_code wait_ec) {
      if (!wait_ec && acceptor->is_open()) DoAccept();
    });
    return;
  }
  if (core->stopping.load()) {
    error_code ignored;
    socket.close(ignored);
    return;
  }
  if (core->connections_open.load() >= static_cast<uint64_t>(core->opts.max_connections)) {
    RejectBusy(std::move(socket));
  } else {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(core.get(), std::move(socket))->Start();
  }
  DoAccept();
}

void Server::Impl::RejectBusy(tcp::socket socket) {
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(http_internal::BusyReply()), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

Server::Server(ServerOptions opts, const Router* router)
    : impl_(std::make_unique<Impl>(std::move(opts), router)) {}

Server::~Server() { Stop(); }

Status Server::Listen() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->stopped) return Status::Unavailable("the server has been stopped");
  if (impl_->acceptor) return Status::AlreadyExists("the server is already listening");
  const std::string& listen = impl_->core->opts.listen;
  tcp::endpoint endpoint;
  RETURN_IF_ERROR(http_internal::ParseListen(listen, &endpoint));

  tcp::acceptor acceptor(net::make_strand(*impl_->core->ioc));
  error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    // Lower-case phrases for the common cases; strerror's text otherwise.
    std::string why = ec == net::error::address_in_use ? std::string("address already in use")
                      : ec == boost::system::errc::address_not_available
                          ? std::string("address not available on this host")
                      : ec == net::error::access_denied ? std::string("permission denied")
                                                        : ec.message();
    return Status::Unavailable("cannot listen on " + listen + ": " + why);
  }
  impl_->port.store(acceptor.local_endpoint(ec).port());
  impl_->accept_retry.emplace(acceptor.get_executor());
  impl_->acceptor.emplace(std::move(acceptor));
  return Status::OK();
}

int Server::port() const { return impl_->port.load(); }

void Server::Start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->started || impl_->stopped || !impl_->acceptor) return;
  impl_->started = true;
  ServerCore& core = *impl_->core;
  if (core.opts.worker_threads > 0) core.workers.emplace(core.opts.worker_threads);
  impl_->work.emplace(core.ioc->get_executor());
  net::post(impl_->acceptor->get_executor(), [impl = impl_.get()] { impl->DoAccept(); });
  const int n = core.opts.io_threads > 0 ? core.opts.io_threads : 1;
  for (int i = 0; i < n; ++i) {
    impl_->threads.emplace_back([ioc = core.ioc.get()] {
      SetThreadName("io");
      // Handlers do not throw; if one does anyway (bad_alloc), keep the thread serving.
      while (true) {
        try {
          ioc->run();
          return;
        } catch (const std::exception&) {
        } catch (...) {
        }
      }
    });
  }
}

void Server::Stop(int grace_ms) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  ServerCore& core = *impl_->core;
  core.stopping.store(true);
  using Clock = std::chrono::steady_clock;

  if (impl_->started) {
    // 1. Stop accepting; end event streams and idle keep-alive connections; let busy ones
    //    finish their reply (without keep-alive) for up to grace_ms.
    net::post(impl_->acceptor->get_executor(), [impl = impl_.get()] {
      error_code ignored;
      impl->acceptor->close(ignored);
      impl->accept_retry->cancel();
    });
    for (const auto& c : core.Connections()) c->PostShutdown(/*force=*/false);
    core.WaitForNoConnections(Clock::now() + std::chrono::milliseconds(std::max(grace_ms, 0)));

    // 2. From now on, no thread outside the io_context posts to it (late answers are dropped);
    //    close whatever is left.
    core.gate->Close();
    for (const auto& c : core.Connections()) c->PostShutdown(/*force=*/true);
    core.WaitForNoConnections(Clock::now() + std::chrono::milliseconds(250));

    // 3. Join the threads. Handlers still queued in the io_context are destroyed with it.
    impl_->work.reset();
    core.ioc->stop();
    for (std::thread& t : impl_->threads) t.join();
    impl_->threads.clear();
    if (core.workers) {
      core.workers->stop();  // queued worker jobs are dropped; running ones finish
      core.workers->join();
    }
  } else {
    core.gate->Close();
  }

  // 4. Release every connection, then the sockets' io_context.
  core.ClearAll();
  impl_->accept_retry.reset();
  impl_->acceptor.reset();
  core.workers.reset();
  core.ioc.reset();
}

void Server::Publish(const SseFrame& frame) { impl_->core->Publish(frame); }

ServerStats Server::stats() const {
  const ServerCore& core = *impl_->core;
  ServerStats s;
  s.connections_open = core.connections_open.load(std::memory_order_relaxed);
  s.requests_total = core.requests_total.load(std::memory_order_relaxed);
  s.sse_clients = core.sse_clients.load(std::memory_order_relaxed);
  s.sse_dropped_slow = core.sse_dropped_slow.load(std::memory_order_relaxed);
  return s;
}

}  // namespace botmon
