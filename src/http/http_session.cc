#include "http/http_session.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "core/clock.h"
#include "http/gzip.h"
#include "http/sse_stream.h"
#include "http/url.h"
#include "http/wire.h"

namespace botmon::http_internal {
namespace {

namespace http = boost::beast::http;

// A request that is still sending after its reply is drained this long, or this much, at most
// before the socket closes (closing with unread data would send RST and could destroy the reply
// in flight; RFC 9112 9.6).
constexpr int kLingerMs = 1000;
constexpr size_t kLingerBytes = 1 << 20;

// What a Content-Length body gets before any of it has arrived: typical ingest bodies fit, and a
// client announcing a large body it never sends does not make us commit the whole of it.
constexpr size_t kInitialBody = 256 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view View(boost::beast::string_view s) { return std::string_view(s.data(), s.size()); }

// RFC 9112 5.2: obsolete line folding (a header line starting with SP or HTAB). Beast would
// unfold it; we reject it, as a message a proxy might read differently.
bool HasObsFold(const char* p, size_t n) {
  for (size_t i = 0; i + 2 < n; ++i) {
    if (p[i] == '\r' && p[i + 1] == '\n' && (p[i + 2] == ' ' || p[i + 2] == '\t')) return true;
  }
  return false;
}

void RunHandler(const Route& route, Request& req, Responder responder) {
  // A throwing handler must not take down an I/O or worker thread. Its Responder, destroyed
  // during unwinding, answers 500.
  try {
    route.handler(req, std::move(responder));
  } catch (const std::exception&) {
  } catch (...) {
  }
}

}  // namespace

HttpSession::HttpSession(ServerCore* core, tcp::socket socket)
    : core_(core),
      socket_(std::move(socket)),
      strand_(socket_.get_executor()),
      timer_(strand_),
      buffer_(core->opts.max_header_bytes + 64 * 1024) {}

void HttpSession::Start() {
  net::post(strand_, [self = shared_from_this()] {
    self->id_ = self->core_->Register(self);
    error_code ec;
    const tcp::endpoint peer = self->socket_.remote_endpoint(ec);
    if (!ec) self->remote_ = FormatPeer(peer.address().to_string(), peer.port());
    if (self->core_->stopping.load()) {
      self->Close();
      return;
    }
    self->ArmTimer(self->core_->opts.header_timeout_ms);
    self->Read();
  });
}

void HttpSession::PostShutdown(bool force) {
  net::post(strand_, [self = shared_from_this(), force] { self->OnShutdown(force); });
}

void HttpSession::OnShutdown(bool force) {
  stopping_ = true;
  if (state_ == State::kClosed) return;
  if (force || state_ == State::kIdle || state_ == State::kLingering) {
    Close();
  } else {
    keep_alive_ = false;  // a busy connection closes after its reply
  }
}

void HttpSession::ArmTimer(int ms) {
  const uint64_t gen = ++timer_gen_;
  timer_.expires_after(std::chrono::milliseconds(ms));
  timer_.async_wait([self = shared_from_this(), gen](error_code ec) {
    // On expiry the connection just closes: a peer too slow to send a header or body, or idle
    // too long, gets no reply.
    if (!ec && gen == self->timer_gen_) self->Close();
  });
}

void HttpSession::CancelTimer() {
  ++timer_gen_;
  timer_.cancel();
}

void HttpSession::Read() {
  const size_t room = buffer_.max_size() - buffer_.size();
  if (room == 0) {
    // Only a header (or a chunk-size line) can fill the buffer: bodies are consumed as they come.
    if (state_ == State::kBody) {
      Fail(400, "invalid_request", "malformed chunked body");
    } else {
      Fail(431, "invalid_request", "request header too large");
    }
    return;
  }
  const size_t want = state_ == State::kHeader || state_ == State::kIdle ? 16 * 1024 : 64 * 1024;
  socket_.async_read_some(
      buffer_.prepare(std::min(room, want)),
      [self = shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
}

void HttpSession::OnRead(error_code ec, size_t n) {
  if (state_ == State::kClosed) return;
  if (ec) {
    // eof, reset, or a close from a timeout or Stop(): nothing to answer.
    Close();
    return;
  }
  buffer_.commit(n);
  switch (state_) {
    case State::kLingering:
      lingering_bytes_ += n;
      buffer_.consume(buffer_.size());
      if (lingering_bytes_ > kLingerBytes) {
        Close();
      } else {
        Read();
      }
      return;
    case State::kIdle:
      state_ = State::kHeader;
      if (!fresh_) ArmTimer(core_->opts.header_timeout_ms);
      ParseHeader();
      return;
    case State::kHeader:
      ParseHeader();
      return;
    case State::kBody:
      ParseChunkedBody();  // Content-Length bodies are read by ContinueBody()
      return;
    default:
      return;  // no read is started in the other states
  }
}

void HttpSession::ParseHeader() {
  if (!parser_) {
    // RFC 9112 2.2: ignore empty lines before a request-line.
    while (buffer_.size() > 0) {
      const char c = *static_cast<const char*>(buffer_.data().data());
      if (c != '\r' && c != '\n') break;
      buffer_.consume(1);
    }
    if (buffer_.size() == 0) {
      Read();
      return;
    }
    parser_.emplace();
    head_ = false;  // an error reply to this request must carry its body
    keep_alive_10_ = false;
    parser_->header_limit(static_cast<std::uint32_t>(core_->opts.max_header_bytes));
    parser_->body_limit(boost::none);  // set per route once the header is known
    header_bytes_ = 0;
  }
  if (buffer_.size() == 0) {
    Read();
    return;
  }
  error_code ec;
  const auto data = buffer_.data();
  const size_t used = parser_->put(data, ec);
  if (!ec && parser_->is_header_done() && HasObsFold(static_cast<const char*>(data.data()), used)) {
    Fail(400, "invalid_request", "obsolete line folding in a header");
    return;
  }
  header_bytes_ += used;
  buffer_.consume(used);
  if (ec == http::error::need_more) {
    if (header_bytes_ + buffer_.size() > core_->opts.max_header_bytes) {
      Fail(431, "invalid_request", "request header too large");
    } else {
      Read();
    }
    return;
  }
  if (ec == http::error::header_limit) {
    Fail(431, "invalid_request", "request header too large");
    return;
  }
  if (ec) {
    Fail(400, "invalid_request", "malformed request: " + ec.message());
    return;
  }
  if (!parser_->is_header_done()) {
    Read();
    return;
  }
  OnHeader();
}

void HttpSession::OnHeader() {
  const auto& h = parser_->get();
  core_->requests_total.fetch_add(1, std::memory_order_relaxed);
  req_ = Request{};
  req_.received_mono_ns = Clock::Real()->MonoNs();
  req_.remote = remote_;
  req_.method = ParseMethod(View(h.method_string()));
  head_ = req_.method == Method::kHead;
  gzip_ = false;
  route_ = nullptr;

  const unsigned version = h.version();
  keep_alive_ = parser_->keep_alive() && !stopping_;
  keep_alive_10_ = version == 10 && keep_alive_;
  // (Beast's parser has already refused any version but 1.0 and 1.1.)
  req_.headers.reserve(8);
  bool has_host = false;
  for (const auto& field : h) {
    req_.headers.push_back(
        Header{Lower(View(field.name_string())), std::string(View(field.value()))});
    has_host = has_host || req_.headers.back().name == "host";
  }
  if (version == 11 && !has_host) {
    Fail(400, "invalid_request", "an HTTP/1.1 request needs a Host header");  // RFC 9112 3.2
    return;
  }
  Status st = ParseTarget(View(h.target()), &req_);
  if (!st.ok()) {
    Fail(400, "invalid_request", st.message());
    return;
  }

  bool path_exists = false;
  route_ = core_->router->Match(&req_, &path_exists);
  if (route_ == nullptr) {
    Reject(core_->router->Unmatched(req_, path_exists));
    return;
  }
  // Before the body is read: an unauthenticated client cannot make us read its upload.
  if (std::optional<Response> denied = core_->router->Authorize(*route_, req_)) {
    Reject(std::move(*denied));
    return;
  }

  const std::string_view encoding = Trim(req_.HeaderValue("content-encoding"));
  if (!encoding.empty() && Lower(encoding) != "identity") {
    const std::string lower = Lower(encoding);
    if (lower != "gzip" && lower != "x-gzip") {
      Reject(Response::Error(415, "unsupported_media_type",
                             "unsupported Content-Encoding (only gzip is accepted)"));
      return;
    }
    if (!route_->options.accept_gzip) {
      Reject(Response::Error(415, "unsupported_media_type",
                             "this endpoint does not accept a compressed body"));
      return;
    }
    gzip_ = true;
  }

  const size_t limit = core_->MaxBody(*route_);
  if (const auto length = parser_->content_length(); length && *length > limit) {
    // Answer at once, without reading a byte of the body, and close.
    Fail(413, "payload_too_large", "the request body exceeds " + std::to_string(limit) + " bytes");
    return;
  }
  if (parser_->is_done()) {
    OnBody();
    return;
  }
  state_ = State::kBody;
  ArmTimer(core_->opts.body_timeout_ms);
  if (const auto length = parser_->content_length()) {
    // A Content-Length body is read straight into its string, not copied through buffer_.
    // Memory is committed as data arrives: kInitialBody up front, then doubling.
    raw_body_ = true;
    body_length_ = static_cast<size_t>(*length);
    body_have_ = 0;
    body_.clear();
    body_.resize(std::min(body_length_, kInitialBody));
    const size_t buffered = std::min(buffer_.size(), body_length_);
    GrowBody(buffered);
    std::memcpy(body_.data(), buffer_.data().data(), buffered);
    buffer_.consume(buffered);
    body_have_ = buffered;
  } else {
    raw_body_ = false;
    parser_->body_limit(limit);  // counts a chunked body as it arrives
    parser_->eager(true);
  }

  if (version == 11 && Lower(Trim(req_.HeaderValue("expect"))) == "100-continue") {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](error_code ec, size_t) {
                       if (self->state_ == State::kClosed) return;
                       if (ec) {
                         self->Close();
                       } else {
                         self->ContinueBody();
                       }
                     });
    return;
  }
  ContinueBody();
}

void HttpSession::GrowBody(size_t need) {
  if (need <= body_.size()) return;
  body_.resize(std::min(body_length_, std::max(need, body_.size() * 2)));
}

void HttpSession::ContinueBody() {
  if (!raw_body_) {
    ParseChunkedBody();
    return;
  }
  if (body_have_ == body_length_) {
    OnBody();
    return;
  }
  GrowBody(body_have_ + 1);
  socket_.async_read_some(
      net::buffer(body_.data() + body_have_, body_.size() - body_have_),
      [self = shared_from_this()](error_code ec, size_t n) {
        if (self->state_ != State::kBody) return;
        if (ec) {
          self->Close();  // the client left, or the body timeout closed the socket
          return;
        }
        self->body_have_ += n;
        self->ContinueBody();
      });
}

void HttpSession::ParseChunkedBody() {
  while (true) {
    if (buffer_.size() == 0) {
      Read();
      return;
    }
    error_code ec;
    const size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) {
      Read();
      return;
    }
    if (ec == http::error::body_limit) {
      Fail(413, "payload_too_large",
           "the request body exceeds " + std::to_string(core_->MaxBody(*route_)) + " bytes");
      return;
    }
    if (ec) {
      Fail(400, "invalid_request", "malformed request body: " + ec.message());
      return;
    }
    if (parser_->is_done()) {
      OnBody();
      return;
    }
  }
}

void HttpSession::OnBody() {
  std::string body = raw_body_ ? std::move(body_) : std::move(parser_->get().body());
  raw_body_ = false;
  body_.clear();
  parser_.reset();
  if (gzip_) {
    const size_t limit = core_->MaxBody(*route_);
    switch (GunzipLimited(body, limit, &req_.body)) {
      case InflateResult::kOk:
        break;
      case InflateResult::kTooLarge:
        Reply(Response::Error(413, "payload_too_large",
                              "the decompressed body exceeds " + std::to_string(limit) + " bytes"),
              !keep_alive_);
        return;
      case InflateResult::kCorrupt:
        Reply(Response::Error(400, "invalid_request", "the gzip body is corrupt or truncated"),
              !keep_alive_);
        return;
    }
  } else {
    req_.body = std::move(body);
  }
  Dispatch();
}

void HttpSession::Dispatch() {
  state_ = State::kHandling;
  CancelTimer();  // the handler's time is its own; a dropped Responder still answers
  Responder responder = MakeResponder();
  const Route* route = route_;
  if (route->options.exec == Exec::kWorker && core_->workers) {
    net::post(*core_->workers,
              [route, req = std::move(req_), responder = std::move(responder)]() mutable {
                RunHandler(*route, req, std::move(responder));
              });
  } else {
    RunHandler(*route, req_, std::move(responder));
  }
}

Responder HttpSession::MakeResponder() {
  std::weak_ptr<HttpSession> weak = weak_from_this();
  std::shared_ptr<Gate> gate = core_->gate;
  auto send = [weak, gate](Response r) {
    GateScope scope(*gate);
    if (!scope) return;  // the server has stopped
    if (auto self = weak.lock()) {
      // Runs inline when the handler answers on the connection's own strand.
      net::dispatch(self->strand_,
                    [self, r = std::move(r)]() mutable { self->OnResponse(std::move(r)); });
    }
  };
  auto stream = [weak, gate](std::string initial, Audience audience) {
    GateScope scope(*gate);
    if (!scope) return;
    if (auto self = weak.lock()) {
      net::dispatch(self->strand_, [self, initial = std::move(initial), audience]() mutable {
        self->OnStartStream(std::move(initial), audience);
      });
    }
  };
  return Responder(std::move(send), std::move(stream));
}

void HttpSession::OnResponse(Response r) {
  if (state_ != State::kHandling) return;  // closed meanwhile
  Reply(std::move(r), !keep_alive_ || stopping_);
}

void HttpSession::OnStartStream(std::string initial, Audience audience) {
  if (state_ != State::kHandling) return;
  if (stopping_) {
    Reply(Response::Error(503, "unavailable", "the server is stopping"), true);
    return;
  }
  if (head_) {
    Response r = Response::Text(200, "", "text/event-stream");
    Reply(std::move(r), !keep_alive_);
    return;
  }
  if (!core_->ReserveStream()) {
    Reply(Response::Error(503, "unavailable", "too many event streams"), !keep_alive_);
    return;
  }
  auto stream = std::make_shared<SseStream>(core_, std::move(socket_), strand_, audience);
  stream->Start(std::move(initial));
  Close();  // the socket now belongs to the stream; this closes nothing but the session
}

void HttpSession::Reject(Response r) {
  const bool body_unread = parser_ && !parser_->is_done();
  Reply(std::move(r), body_unread || !keep_alive_);
}

void HttpSession::Fail(int status, std::string_view code, std::string_view message) {
  Reply(Response::Error(status, code, message), true);
}

void HttpSession::Reply(Response r, bool close) {
  close_after_ = close;
  if (close) keep_alive_ = false;
  out_head_.clear();
  HeadOptions opts;
  opts.close = close;
  opts.keep_alive_10 = keep_alive_10_ && !close;
  AppendResponseHead(r, opts, &out_head_);
  if (head_) {
    out_body_.clear();
  } else {
    out_body_ = std::move(r.body);
  }
  state_ = State::kWriting;
  ArmTimer(core_->opts.write_timeout_ms);
  const std::array<net::const_buffer, 2> buffers = {net::buffer(out_head_), net::buffer(out_body_)};
  net::async_write(socket_, buffers,
                   [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
}

void HttpSession::OnWrite(error_code ec) {
  if (state_ == State::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  if (stopping_) {
    Close();  // the server is going away: no time to drain a client's leftovers
    return;
  }
  if (close_after_) {
    LingeringClose();
    return;
  }
  // Ready for the next request.
  parser_.reset();
  route_ = nullptr;
  fresh_ = false;
  if (out_body_.capacity() > 64 * 1024) out_body_ = std::string();
  if (buffer_.size() > 0) {
    state_ = State::kHeader;  // a pipelined request is already here
    ArmTimer(core_->opts.header_timeout_ms);
    ParseHeader();
    return;
  }
  state_ = State::kIdle;
  if (buffer_.capacity() > 32 * 1024) buffer_.shrink_to_fit();  // idle connections stay small
  ArmTimer(core_->opts.idle_timeout_ms);
  Read();
}

void HttpSession::LingeringClose() {
  state_ = State::kLingering;
  parser_.reset();
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.consume(buffer_.size());
  lingering_bytes_ = 0;
  ArmTimer(kLingerMs);
  Read();
}

void HttpSession::Close() {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();  // Unregister() may drop the registry's reference
  state_ = State::kClosed;
  error_code ignored;
  if (socket_.is_open()) {
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  CancelTimer();
  core_->Unregister(id_);
}

}  // namespace botmon::http_internal
