// RunProbeBlocking and ProbeNowMs (probe.h): one attempt driven by a poll() loop on the calling
// thread, the op destroyed at check.timeout_ms.
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "core/duration.h"
#include "probe/probe.h"

namespace botmon {

int64_t ProbeNowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
}

ProbeResult RunProbeBlocking(const CheckConfig& check, ProbeMemory* memory) {
  const int64_t timeout_ms = check.timeout_ms > 0 ? check.timeout_ms : 3000;
  const int64_t start = ProbeNowMs();
  const int64_t deadline = start + timeout_ms;
  std::unique_ptr<ProbeOp> op = StartProbe(check, memory, start);
  ProbeWait wait;
  if (op->Step({}, start, &wait)) return op->Result();
  std::vector<pollfd> fds, ready;
  for (;;) {
    int64_t now = ProbeNowMs();
    if (now >= deadline) break;
    int64_t until = deadline;
    if (wait.wake_at_ms > 0) until = std::min(until, wait.wake_at_ms);
    fds = wait.fds;
    for (pollfd& p : fds) p.revents = 0;
    int n = poll(fds.data(), fds.size(), static_cast<int>(std::max<int64_t>(until - now, 0)));
    if (n < 0 && errno != EINTR) break;  // cannot happen with valid arguments; time out below
    now = ProbeNowMs();
    ready.clear();
    for (const pollfd& p : fds) {
      if (n > 0 && p.revents != 0) ready.push_back(p);
    }
    bool woke = wait.wake_at_ms > 0 && now >= wait.wake_at_ms;
    if (ready.empty() && !woke) continue;
    if (op->Step(ready, now, &wait)) return op->Result();
  }
  op.reset();  // closes everything the attempt opened
  ProbeResult r;
  r.status = ServiceStatus::kStopped;
  r.error = "timed out after " + FormatDuration(timeout_ms);
  r.latency_ms = static_cast<double>(timeout_ms);
  return r;
}

}  // namespace botmon
