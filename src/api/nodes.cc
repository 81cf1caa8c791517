#include "api/nodes.h"

#include <algorithm>

namespace botmon {

void NodeRegistry::OnTick(const ClosedTick& tick, const std::vector<TickValue>& values,
                          const Zone& zone) {
  std::lock_guard lock(mu_);
  const int64_t today = zone.LocalDay(tick.t_ms);
  auto node = [&](const std::string& host) -> NodeInfo& {
    auto [it, inserted] = nodes_.try_emplace(host);
    if (inserted) {
      it->second.host = host;
      it->second.kind = host == local_ ? "local" : "events";
      it->second.first_seen_ms = tick.t_ms;
    }
    if (it->second.peak_day != today) {
      it->second.peak_day = today;
      it->second.peak_cpu_today.reset();
      it->second.peak_memory_today.reset();
    }
    return it->second;
  };
  NodeInfo& local = node(local_);
  local.last_update_ms = tick.t_ms;
  for (const auto& [combo, t] : tick.last_event) {
    NodeInfo& n = node(combo.host);
    n.last_update_ms = std::max(n.last_update_ms, t);
  }
  double disk_max = -1, gpu_sum = 0;
  int gpus = 0;
  for (const auto& tv : values) {
    const SeriesKey& k = tv.key;
    if (!k.bot.empty() || !k.channel.empty()) continue;  // host totals only
    NodeInfo& n = node(k.host);
    if (k.field == "cpu.usage") {
      n.cpu_percent = tv.value;
      n.peak_cpu_today = std::max(n.peak_cpu_today.value_or(tv.value), tv.value);
    } else if (k.field == "mem.usage") {
      n.memory_percent = tv.value;
      n.peak_memory_today = std::max(n.peak_memory_today.value_or(tv.value), tv.value);
    } else if (k.field == "disk.usage" && k.host == local_) {
      disk_max = std::max(disk_max, tv.value);
    } else if (k.field == "gpu.usage" && k.host == local_) {
      gpu_sum += tv.value;
      ++gpus;
    } else if (k.field == "requests.count") {
      n.requests += tv.value;
    } else if (k.field == "eventsIn.count") {
      n.messages_in += tv.value;
    } else if (k.field == "eventsOut.count") {
      n.messages_out += tv.value;
    } else if (k.field == "errors.count") {
      n.errors += tv.value;
    } else if (k.field == "sessions.started") {
      n.sessions_started += tv.value;
    }
  }
  if (disk_max >= 0) local.disk_percent = disk_max;
  local.gpu_percent = gpus > 0 ? std::optional<double>(gpu_sum / gpus) : std::nullopt;
}

std::vector<NodeInfo> NodeRegistry::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<NodeInfo> out;
  for (const auto& [h, n] : nodes_) out.push_back(n);
  if (out.empty()) {
    NodeInfo n;
    n.host = local_;
    n.kind = "local";
    n.first_seen_ms = started_ms_;
    out.push_back(n);
  }
  return out;
}

}  // namespace botmon
