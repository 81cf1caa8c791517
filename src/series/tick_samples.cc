#include "series/tick_samples.h"

#include <map>
#include <set>

namespace botmon {
namespace {

// A level entity: (host, "", "") host total, (host, bot, "") bot total, or a full combination.
struct Entity {
  TrafficAcc acc;
  int64_t last_event = INT64_MIN;
  int64_t active = 0;
  std::map<std::string, int64_t> custom_last;
};

void Emit(std::vector<TickValue>* out, const Combo& c, const char* field, double v) {
  SeriesKey k;
  k.field = field;
  k.host = c.host;
  k.bot = c.bot;
  k.channel = c.channel;
  out->push_back(TickValue{std::move(k), v});
}

void EmitEntity(std::vector<TickValue>* out, const Combo& c, const Entity& e, bool counters_on,
                const FieldCatalog& catalog, int64_t quiet_from) {
  const TrafficAcc& a = e.acc;
  if (counters_on) {
    Emit(out, c, "requests.count", a.requests);
    Emit(out, c, "requests.latency_sum", a.req_latency_sum);
    Emit(out, c, "eventsIn.count", a.events_in);
    Emit(out, c, "eventsOut.count", a.events_out);
    Emit(out, c, "warnings.count", a.warnings);
    Emit(out, c, "errors.count", a.errors);
    Emit(out, c, "criticals.count", a.criticals);
    Emit(out, c, "sessions.started", a.sessions_started);
    Emit(out, c, "sessions.ended", a.sessions_ended);
    Emit(out, c, "llm.calls", a.llm_calls);
    Emit(out, c, "llm.tokens_in", a.tokens_in);
    Emit(out, c, "llm.tokens_out", a.tokens_out);
    Emit(out, c, "llm.cost", a.llm_cost);
    Emit(out, c, "fallback.count", a.fallbacks);
    Emit(out, c, "handoff.count", a.handoffs);
    Emit(out, c, "feedback.positive", a.feedback_positive);
    Emit(out, c, "feedback.negative", a.feedback_negative);
    Emit(out, c, "sessions.active", static_cast<double>(e.active));
  }
  if (a.req_latency_n > 0) {
    Emit(out, c, "requests.latency_avg", a.req_latency_sum / a.req_latency_n);
    Emit(out, c, "requests.latency_p50", a.req_latency.Quantile(0.50));
    Emit(out, c, "requests.latency_p95", a.req_latency.Quantile(0.95));
    Emit(out, c, "requests.latency_p99", a.req_latency.Quantile(0.99));
  }
  if (a.resp_latency_n > 0) {
    Emit(out, c, "response.latency_avg", a.resp_latency_sum / a.resp_latency_n);
    Emit(out, c, "response.latency_p50", a.resp_latency.Quantile(0.50));
    Emit(out, c, "response.latency_p95", a.resp_latency.Quantile(0.95));
    Emit(out, c, "response.latency_p99", a.resp_latency.Quantile(0.99));
  }
  if (a.events_in + a.requests > 0) {
    Emit(out, c, "errors.rate", a.errors / (a.events_in + a.requests) * 100.0);
  }
  if (a.llm_latency_n > 0) {
    Emit(out, c, "llm.latency_avg", a.llm_latency_sum / a.llm_latency_n);
    Emit(out, c, "llm.latency_p95", a.llm_latency.Quantile(0.95));
  }
  if (a.ttft_n > 0) Emit(out, c, "llm.ttft_avg", a.ttft_sum / a.ttft_n);
  if (a.queue_n > 0) Emit(out, c, "queue.depth", a.queue_sum);
  // Custom fields: gauges only when reported; counters for 24 h after their last report.
  std::set<std::string> done;
  for (const auto& [name, ca] : a.custom) {
    auto desc = catalog.Find(name);
    if (!desc) continue;
    done.insert(name);
    SeriesKey k{name, c.host, c.bot, c.channel, "", "", ""};
    out->push_back(TickValue{std::move(k), ca.sum});
  }
  for (const auto& [name, last] : e.custom_last) {
    if (done.count(name) || last < quiet_from) continue;
    SeriesKey k{name, c.host, c.bot, c.channel, "", "", ""};
    out->push_back(TickValue{std::move(k), 0.0});
  }
}

}  // namespace

std::vector<TickValue> BuildTickSamples(const ClosedTick& tick, const HostReadings* host,
                                        const FieldCatalog& catalog,
                                        const TickSampleOptions& opts) {
  // Gather every entity at every level, merging the combinations into their totals.
  std::map<std::tuple<std::string, std::string, std::string>, Entity> entities;
  auto entity = [&](const std::string& h, const std::string& b, const std::string& ch) -> Entity& {
    return entities[{h, b, ch}];
  };
  auto levels = [&](const Combo& c, auto&& fn) {
    fn(entity(c.host, "", ""));
    if (!c.bot.empty()) {
      fn(entity(c.host, c.bot, ""));
      if (!c.channel.empty()) fn(entity(c.host, c.bot, c.channel));
    }
  };
  entity(opts.local_host, "", "");
  for (const auto& [c, acc] : tick.combos) {
    // A custom gauge's tick value is the mean of its reports in that combination; the levels
    // above sum those means (like queue.depth). Counters are plain sums.
    TrafficAcc norm = acc;
    for (auto& [name, ca] : norm.custom) {
      auto d = catalog.Find(name);
      if (d && d->kind == FieldKind::kGauge && ca.n > 0) ca.sum /= static_cast<double>(ca.n);
    }
    if (norm.queue_n > 0) {
      norm.queue_sum /= static_cast<double>(norm.queue_n);
      norm.queue_n = 1;
    }
    levels(c, [&](Entity& e) { e.acc.Merge(norm); });
  }
  // (Plain pairs, not structured bindings: clang 14 cannot capture those in lambdas.)
  for (const auto& kv : tick.last_event) {
    const int64_t t = kv.second;
    levels(kv.first, [&](Entity& e) { e.last_event = std::max(e.last_event, t); });
  }
  for (const auto& kv : tick.active) {
    const int64_t n = kv.second;
    levels(kv.first, [&](Entity& e) { e.active += n; });
  }
  for (const auto& kv : tick.custom_last) {
    const auto& names = kv.second;
    levels(kv.first, [&](Entity& e) {
      for (const auto& [name, t] : names) {
        auto& slot = e.custom_last[name];
        slot = std::max(slot, t);
      }
    });
  }

  const int64_t quiet_from = tick.t_ms - opts.quiet_ms;
  std::vector<TickValue> out;
  out.reserve(entities.size() * 24 + 16);
  for (const auto& [k, e] : entities) {
    Combo c{std::get<0>(k), std::get<1>(k), std::get<2>(k)};
    const bool local_total = c.host == opts.local_host && c.bot.empty() && c.channel.empty();
    const bool counters_on = local_total || e.last_event >= quiet_from || e.active > 0;
    EmitEntity(&out, c, e, counters_on, catalog, quiet_from);
  }

  if (host != nullptr) {
    auto emit_host = [&](const char* field, double v, std::string mount = {},
                         std::string gpu = {}) {
      SeriesKey key;
      key.field = field;
      key.host = opts.local_host;
      key.mount = std::move(mount);
      key.gpu = std::move(gpu);
      out.push_back(TickValue{std::move(key), v});
    };
    if (host->cpu_usage) emit_host("cpu.usage", *host->cpu_usage);
    if (host->mem_usage) emit_host("mem.usage", *host->mem_usage);
    if (host->mem_free_kb) emit_host("mem.free", *host->mem_free_kb);
    for (const auto& [mount, pct] : host->disks) emit_host("disk.usage", pct, mount);
    for (const auto& g : host->gpus) {
      emit_host("gpu.usage", g.usage, "", g.gpu);
      emit_host("gpu.mem.usage", g.mem_usage, "", g.gpu);
    }
    emit_host("node.up", 1.0);
  }
  return out;
}

}  // namespace botmon
