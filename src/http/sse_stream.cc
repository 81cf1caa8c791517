#include "http/sse_stream.h"

#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "http/wire.h"

namespace botmon::http_internal {
namespace {

const std::shared_ptr<const std::string>& PingFrame() {
  static const auto* frame =
      new std::shared_ptr<const std::string>(std::make_shared<const std::string>(": ping\n\n"));
  return *frame;
}

}  // namespace

SseStream::SseStream(ServerCore* core, tcp::socket socket, net::any_io_executor strand,
                     Audience audience)
    : core_(core),
      socket_(std::move(socket)),
      strand_(std::move(strand)),
      audience_(audience),
      ping_timer_(strand_),
      write_timer_(strand_) {}

void SseStream::Start(std::string initial) {
  auto self = shared_from_this();
  id_ = core_->Register(self);
  core_->AddStream(self);
  if (core_->stopping.load()) {
    Close();
    return;
  }
  std::string first = EventStreamHead();
  first.append("retry: 2000\n\n");
  first.append(initial);
  Enqueue(std::make_shared<const std::string>(std::move(first)));
  ArmPing();
  WatchForClose();
}

void SseStream::Deliver(std::shared_ptr<const std::string> frame) {
  net::post(strand_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
    self->Enqueue(std::move(frame));
  });
}

void SseStream::PostShutdown(bool /*force*/) {
  // Streams never finish on their own, so a graceful stop closes them at once too.
  net::post(strand_, [self = shared_from_this()] { self->Close(); });
}

void SseStream::Enqueue(std::shared_ptr<const std::string> frame) {
  if (closed_ || !frame || frame->empty()) return;
  // A single frame larger than the cap still goes to a client that has caught up.
  if (queued_bytes_ > 0 && queued_bytes_ + frame->size() > core_->opts.sse_queue_bytes) {
    core_->sse_dropped_slow.fetch_add(1, std::memory_order_relaxed);
    Close();
    return;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (!writing_) Write();
}

void SseStream::Write() {
  // Everything queued goes out in one gathered write: one write in flight per stream.
  in_flight_.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.clear();
  std::vector<net::const_buffer> buffers;
  buffers.reserve(in_flight_.size());
  for (const auto& f : in_flight_) buffers.push_back(net::buffer(*f));
  writing_ = true;
  write_timer_.expires_after(std::chrono::milliseconds(core_->opts.write_timeout_ms));
  write_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec && self->writing_) self->Close();  // the client stopped reading altogether
  });
  net::async_write(socket_, buffers,
                   [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
}

void SseStream::OnWrite(error_code ec) {
  writing_ = false;
  write_timer_.cancel();
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  for (const auto& f : in_flight_) queued_bytes_ -= f->size();
  in_flight_.clear();
  if (!queue_.empty()) Write();
}

void SseStream::WatchForClose() {
  socket_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](error_code ec, size_t) {
                            if (self->closed_) return;
                            if (ec) {
                              self->Close();  // the client hung up
                            } else {
                              self->WatchForClose();
                            }
                          });
}

void SseStream::ArmPing() {
  ping_timer_.expires_after(std::chrono::milliseconds(core_->opts.sse_ping_ms));
  ping_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->closed_) return;
    self->Enqueue(PingFrame());
    self->ArmPing();
  });
}

void SseStream::Close() {
  if (closed_) return;
  auto self = shared_from_this();
  closed_ = true;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  ping_timer_.cancel();
  write_timer_.cancel();
  queue_.clear();
  core_->RemoveStream(this);
  core_->ReleaseStream();
  core_->Unregister(id_);
}

// The SSE half of ServerCore: the subscriber list and Publish().

void ServerCore::AddStream(std::shared_ptr<SseStream> s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto next = std::make_shared<StreamList>(*streams_);
  next->push_back(std::move(s));
  streams_ = std::move(next);
}

void ServerCore::RemoveStream(const SseStream* s) {
  std::shared_ptr<const StreamList> old;  // released outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto next = std::make_shared<StreamList>();
  next->reserve(streams_->size());
  for (const auto& p : *streams_) {
    if (p.get() != s) next->push_back(p);
  }
  old = std::move(streams_);
  streams_ = std::move(next);
}

void ServerCore::Publish(const SseFrame& frame) {
  GateScope scope(*gate);
  if (!scope) return;
  std::shared_ptr<const StreamList> streams;
  {
    std::lock_guard<std::mutex> lock(mu_);
    streams = streams_;
  }
  for (const auto& s : *streams) {
    const auto& payload = frame.by_audience[static_cast<size_t>(s->audience())];
    if (payload) s->Deliver(payload);
  }
}

}  // namespace botmon::http_internal
