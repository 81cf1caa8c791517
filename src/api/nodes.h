// NodeRegistry: the nodes this server knows (SPEC 1, 9 /nodes): itself ("local": collects its
// host) and hosts that appear only in events' `host` member ("events": series, but no node.up).
// Per node: last update, uptime (local), today's peak CPU/MEM, totals since start.
//
// Thread-safe: the ticker feeds it once per tick; API threads read snapshots.
#ifndef BOTMON_API_NODES_H_
#define BOTMON_API_NODES_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/zone.h"
#include "series/tick_accumulator.h"
#include "series/tick_samples.h"

namespace botmon {

struct NodeInfo {
  std::string host;
  std::string kind;  // "local" or "events"
  int64_t first_seen_ms = 0;
  int64_t last_update_ms = 0;
  std::optional<double> cpu_percent, memory_percent, disk_percent, gpu_percent;
  std::optional<double> peak_cpu_today, peak_memory_today;
  int64_t peak_day = INT64_MIN;
  // Totals since this server started.
  double requests = 0, messages_in = 0, messages_out = 0, errors = 0, sessions_started = 0;
};

class NodeRegistry {
 public:
  NodeRegistry(std::string local_host, int64_t started_ms)
      : local_(std::move(local_host)), started_ms_(started_ms) {}

  void OnTick(const ClosedTick& tick, const std::vector<TickValue>& values, const Zone& zone);

  std::vector<NodeInfo> Snapshot() const;
  const std::string& local_host() const { return local_; }
  int64_t started_ms() const { return started_ms_; }

 private:
  std::string local_;
  int64_t started_ms_;
  mutable std::mutex mu_;
  std::map<std::string, NodeInfo> nodes_;
};

}  // namespace botmon

#endif  // BOTMON_API_NODES_H_
