#include "demo/demo_bot.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "botmon/client.hpp"
#include "core/log.h"
#include "core/thread_name.h"
#include "demo/demo_generator.h"

namespace botmon {

DemoBot::DemoBot(DemoOptions options)
    : options_(std::move(options)), clock_(options_.clock ? options_.clock : Clock::Real()) {}

DemoBot::~DemoBot() { Stop(); }

Status DemoBot::Start() {
  if (started_) return Status(StatusCode::kAlreadyExists, "demo: already started");
  if (!(options_.time_scale > 0) || !std::isfinite(options_.time_scale)) {
    return Status::InvalidArgument("demo: time_scale must be a positive number");
  }
  if (options_.base_url.empty()) return Status::InvalidArgument("demo: base_url is empty");
  ClientOptions co;
  co.url = options_.base_url;
  co.token = options_.token;
  co.close_timeout = options_.stop_timeout;
  // The demo's events carry their own ts; never stamp them at Send().
  co.stamp_time = false;
  // main() initialises libcurl once (STYLE habit 4).
  co.init_curl = false;
  co.on_error = [](const ClientError& e) {
    // Rate-limited: a server that is down would otherwise log a line per batch.
    LogEvery(e.kind == ClientError::Kind::kRejected ? "demo.rejected" : "demo.dropped",
             spdlog::level::warn,
             std::string(e.kind == ClientError::Kind::kRejected ? "demo: event rejected: "
                                                                : "demo: events dropped: ") +
                 e.message);
  };
  client_ = std::make_unique<Client>(std::move(co));
  started_ = true;
  thread_ = std::thread([this] {
    SetThreadName("demo");
    Run();
  });
  return Status::OK();
}

void DemoBot::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (client_) client_->Close(options_.stop_timeout);
}

DemoStats DemoBot::Stats() const {
  DemoStats s;
  s.generated = generated_;
  s.queued = queued_;
  s.refused = refused_;
  if (client_) {
    const ClientStats c = client_->Stats();
    s.delivered = c.delivered;
    s.rejected = c.rejected;
    s.dropped = c.dropped;
  }
  return s;
}

void DemoBot::Run() {
  const int64_t start_wall_ms = clock_->NowMs();
  const int64_t start_mono_ns = clock_->MonoNs();
  DemoGeneratorOptions go;
  go.seed = options_.seed;
  go.id_salt = static_cast<uint64_t>(start_wall_ms);
  go.host = options_.host;
  go.scenario = options_.scenario;
  DemoGenerator generator(std::move(go));
  const double scale = options_.time_scale;
  std::vector<DemoEvent> batch;

  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    const double wall_elapsed_ms = static_cast<double>(clock_->MonoNs() - start_mono_ns) / 1e6;
    const auto now_virtual = static_cast<int64_t>(wall_elapsed_ms * scale);
    batch.clear();
    generator.Advance(now_virtual, &batch);
    for (DemoEvent& e : batch) {
      e.event.ts_ms =
          start_wall_ms + static_cast<int64_t>(std::llround(static_cast<double>(e.t_ms) / scale));
      ++generated_;
      if (client_->Send(std::move(e.event))) {
        ++queued_;
      } else {
        ++refused_;
      }
    }
    // Sleep until the next event is due (at most 1 s, so a clock jump is noticed soon).
    const int64_t next = generator.NextEventMs();
    const double wait_ms = std::clamp(static_cast<double>(next - now_virtual) / scale, 1.0, 1000.0);
    lock.lock();
    cv_.wait_for(lock, std::chrono::microseconds(static_cast<int64_t>(wait_ms * 1000)),
                 [this] { return stop_; });
  }
}

}  // namespace botmon
