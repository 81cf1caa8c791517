#include "api/metrics.h"

#include <cmath>
#include <limits>

#include "core/json_escape.h"

namespace botmon {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void AppendValue(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else {
    AppendJsonNumber(out, v);
  }
}

std::string CustomMetricName(const std::string& field) {
  std::string n = "botmon_custom_";
  for (char c : field) n += c == '.' ? '_' : c;
  return n;
}

// Renders families in a fixed order, each with HELP and TYPE once.
class Writer {
 public:
  void Family(const std::string& name, const char* type, const std::string& help) {
    out_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void Sample(const std::string& name, const std::string& labels, double v) {
    out_ += name;
    out_ += labels;
    out_ += ' ';
    AppendValue(&out_, v);
    out_ += '\n';
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string Labels(std::initializer_list<std::pair<const char*, std::string>> kv) {
  std::string out;
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    out += out.empty() ? "{" : ",";
    out += k;
    out += "=\"";
    out += PromLabelValue(v);
    out += '"';
  }
  if (!out.empty()) out += '}';
  return out;
}

std::string WithLabel(const std::string& labels, const char* k, const std::string& v) {
  std::string extra = std::string(k) + "=\"" + PromLabelValue(v) + "\"";
  if (labels.empty()) return "{" + extra + "}";
  return labels.substr(0, labels.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string PromLabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

MetricsState::Totals::Totals()
    : req_q{kNaN, kNaN, kNaN},
      resp_q{kNaN, kNaN, kNaN},
      llm_p95(kNaN),
      ttft_avg(kNaN),
      error_rate(kNaN),
      queue_depth(kNaN),
      active(0) {}

void MetricsState::OnTick(const ClosedTick& tick, const std::vector<TickValue>& values,
                          const FieldCatalog& catalog) {
  std::lock_guard lock(mu_);
  combos_[Key{local_, "", ""}];  // the local host's counters exist from the start
  for (auto& [k, t] : combos_) {
    // Last-tick values reset; quiet combinations report NaN quantiles and no gauges.
    for (double& q : t.req_q) q = kNaN;
    for (double& q : t.resp_q) q = kNaN;
    t.llm_p95 = t.ttft_avg = t.error_rate = t.queue_depth = kNaN;
    t.custom_gauges.clear();
    t.active = 0;
  }
  for (const auto& [c, a] : tick.combos) {
    Totals& t = combos_[Key{c.host, c.bot, c.channel}];
    t.requests += a.requests;
    t.req_latency_sum_ms += a.req_latency_sum;
    t.req_latency_n += a.req_latency_n;
    t.events_in += a.events_in;
    t.events_out += a.events_out;
    t.resp_latency_sum_ms += a.resp_latency_sum;
    t.resp_latency_n += a.resp_latency_n;
    t.warnings += a.warnings;
    t.errors += a.errors;
    t.criticals += a.criticals;
    t.started += a.sessions_started;
    t.ended += a.sessions_ended;
    t.llm_calls += a.llm_calls;
    t.tokens_in += a.tokens_in;
    t.tokens_out += a.tokens_out;
    t.llm_cost += a.llm_cost;
    t.llm_latency_sum_ms += a.llm_latency_sum;
    t.llm_latency_n += a.llm_latency_n;
    t.fallbacks += a.fallbacks;
    t.handoffs += a.handoffs;
    t.feedback_pos += a.feedback_positive;
    t.feedback_neg += a.feedback_negative;
    const double qs[3] = {0.5, 0.95, 0.99};
    for (int i = 0; i < 3; ++i) {
      if (!a.req_latency.empty()) t.req_q[i] = a.req_latency.Quantile(qs[i]);
      if (!a.resp_latency.empty()) t.resp_q[i] = a.resp_latency.Quantile(qs[i]);
    }
    if (!a.llm_latency.empty()) t.llm_p95 = a.llm_latency.Quantile(0.95);
    if (a.ttft_n > 0) t.ttft_avg = a.ttft_sum / a.ttft_n;
    if (a.events_in + a.requests > 0) t.error_rate = a.errors / (a.events_in + a.requests) * 100;
    if (a.queue_n > 0) t.queue_depth = a.queue_sum / static_cast<double>(a.queue_n);
    for (const auto& [name, ca] : a.custom) {
      auto d = catalog.Find(name);
      if (!d) continue;
      custom_kinds_[name] = d->kind;
      if (d->kind == FieldKind::kCounter) {
        t.custom_counters[name] += ca.sum;
      } else if (ca.n > 0) {
        t.custom_gauges[name] = ca.sum / static_cast<double>(ca.n);
      }
    }
  }
  for (const auto& [c, n] : tick.active) combos_[Key{c.host, c.bot, c.channel}].active = n;
  host_values_.clear();
  for (const auto& tv : values) {
    if (tv.key.bot.empty() && tv.key.channel.empty() &&
        (tv.key.field == "cpu.usage" || tv.key.field == "mem.usage" || tv.key.field == "mem.free" ||
         tv.key.field == "disk.usage" || tv.key.field == "gpu.usage" ||
         tv.key.field == "gpu.mem.usage" || tv.key.field == "node.up" ||
         tv.key.field == "service.up" || tv.key.field == "service.latency")) {
      host_values_.push_back(tv);
    }
  }
}

std::string MetricsState::Render(const std::vector<SelfMetric>& self) const {
  std::lock_guard lock(mu_);
  Writer w;
  auto host_gauge = [&](const char* field, const std::string& name, const char* help,
                        double scale) {
    w.Family(name, "gauge", help);
    for (const auto& tv : host_values_) {
      if (tv.key.field != field) continue;
      w.Sample(name,
               Labels({{"host", tv.key.host},
                       {"mount", tv.key.mount},
                       {"gpu", tv.key.gpu},
                       {"service", tv.key.service}}),
               tv.value * scale);
    }
  };
  host_gauge("cpu.usage", "botmon_cpu_usage_percent", "CPU used, % of all cores.", 1);
  host_gauge("mem.usage", "botmon_mem_usage_percent",
             "Memory used, (MemTotal-MemAvailable)/MemTotal %.", 1);
  host_gauge("mem.free", "botmon_mem_free_bytes", "Available memory (MemAvailable).", 1024);
  host_gauge("disk.usage", "botmon_disk_usage_percent", "Disk space used per mount, %.", 1);
  host_gauge("gpu.usage", "botmon_gpu_usage_percent", "GPU utilisation, %.", 1);
  host_gauge("gpu.mem.usage", "botmon_gpu_memory_usage_percent", "GPU memory used, %.", 1);
  host_gauge("node.up", "botmon_node_up", "1 while the node reports.", 1);
  host_gauge("service.up", "botmon_service_up",
             "1 while the service's check passes (running, warning or sealed).", 1);
  host_gauge("service.latency", "botmon_service_latency_seconds",
             "Duration of the service's last check.", 1.0 / 1000.0);

  auto label = [](const Key& k) {
    return Labels({{"host", std::get<0>(k)}, {"bot", std::get<1>(k)}, {"channel", std::get<2>(k)}});
  };
  auto counter = [&](const std::string& name, const char* help, double Totals::*m) {
    w.Family(name, "counter", help);
    for (const auto& [k, t] : combos_) w.Sample(name, label(k), t.*m);
  };
  auto summary = [&](const std::string& name, const char* help, const double(Totals::*q)[3],
                     double Totals::*sum_ms, double Totals::*n, bool only_p95) {
    w.Family(name, "summary", help);
    static const char* kQ[3] = {"0.5", "0.95", "0.99"};
    for (const auto& [k, t] : combos_) {
      std::string l = label(k);
      for (int i = 0; i < 3; ++i) {
        if (only_p95 && i != 1) continue;
        double v = q ? (t.*q)[i] : t.llm_p95;
        w.Sample(name, WithLabel(l, "quantile", kQ[i]), v / 1000.0);
      }
      w.Sample(name + "_sum", l, t.*sum_ms / 1000.0);
      w.Sample(name + "_count", l, t.*n);
    }
  };
  auto combo_gauge = [&](const std::string& name, const char* help, double Totals::*m,
                         double scale) {
    w.Family(name, "gauge", help);
    for (const auto& [k, t] : combos_) {
      if (!std::isnan(t.*m)) w.Sample(name, label(k), t.*m * scale);
    }
  };

  counter("botmon_requests_total", "HTTP requests processed by the bot.", &Totals::requests);
  summary("botmon_request_latency_seconds", "Latency of the bot's HTTP requests.", &Totals::req_q,
          &Totals::req_latency_sum_ms, &Totals::req_latency_n, false);
  counter("botmon_events_in_total", "User messages received.", &Totals::events_in);
  counter("botmon_events_out_total", "Bot messages sent.", &Totals::events_out);
  summary("botmon_response_latency_seconds", "Bot reply latency.", &Totals::resp_q,
          &Totals::resp_latency_sum_ms, &Totals::resp_latency_n, false);
  summary("botmon_llm_latency_seconds", "LLM call latency.", nullptr, &Totals::llm_latency_sum_ms,
          &Totals::llm_latency_n, true);
  combo_gauge("botmon_llm_ttft_seconds", "Mean LLM time to first token in the last tick.",
              &Totals::ttft_avg, 1.0 / 1000.0);
  w.Family("botmon_log_lines_total", "counter", "Bot log lines by level.");
  for (const auto& [k, t] : combos_) {
    std::string l = label(k);
    w.Sample("botmon_log_lines_total", WithLabel(l, "level", "warning"), t.warnings);
    w.Sample("botmon_log_lines_total", WithLabel(l, "level", "error"), t.errors);
    w.Sample("botmon_log_lines_total", WithLabel(l, "level", "critical"), t.criticals);
  }
  combo_gauge("botmon_error_rate_percent",
              "errors / (user messages + requests) x 100 in the last tick.", &Totals::error_rate,
              1);
  combo_gauge("botmon_sessions_active", "Sessions active now.", &Totals::active, 1);
  counter("botmon_sessions_started_total", "Sessions started (reopened ones count again).",
          &Totals::started);
  counter("botmon_sessions_ended_total", "Sessions ended.", &Totals::ended);
  counter("botmon_llm_calls_total", "LLM calls.", &Totals::llm_calls);
  w.Family("botmon_llm_tokens_total", "counter", "LLM tokens by direction.");
  for (const auto& [k, t] : combos_) {
    std::string l = label(k);
    w.Sample("botmon_llm_tokens_total", WithLabel(l, "direction", "in"), t.tokens_in);
    w.Sample("botmon_llm_tokens_total", WithLabel(l, "direction", "out"), t.tokens_out);
  }
  counter("botmon_llm_cost_usd_total", "LLM cost in US dollars.", &Totals::llm_cost);
  counter("botmon_fallbacks_total", "Messages the bot did not understand.", &Totals::fallbacks);
  counter("botmon_handoffs_total", "Conversations handed to a human.", &Totals::handoffs);
  w.Family("botmon_feedback_total", "counter", "User ratings by score.");
  for (const auto& [k, t] : combos_) {
    std::string l = label(k);
    w.Sample("botmon_feedback_total", WithLabel(l, "score", "positive"), t.feedback_pos);
    w.Sample("botmon_feedback_total", WithLabel(l, "score", "negative"), t.feedback_neg);
  }
  combo_gauge("botmon_queue_depth", "Queue depth reported by the bot (mean of the last tick).",
              &Totals::queue_depth, 1);
  for (const auto& [name, kind] : custom_kinds_) {
    if (kind == FieldKind::kCounter) {
      const std::string m = CustomMetricName(name) + "_total";
      w.Family(m, "counter", "Custom counter " + name + ".");
      for (const auto& [k, t] : combos_) {
        auto it = t.custom_counters.find(name);
        if (it != t.custom_counters.end()) w.Sample(m, label(k), it->second);
      }
    } else {
      const std::string m = CustomMetricName(name);
      w.Family(m, "gauge", "Custom gauge " + name + " (mean of the last tick's reports).");
      for (const auto& [k, t] : combos_) {
        auto it = t.custom_gauges.find(name);
        if (it != t.custom_gauges.end()) w.Sample(m, label(k), it->second);
      }
    }
  }
  for (const auto& m : self) {
    w.Family(m.name, m.type.c_str(), m.help);
    for (const auto& [labels, v] : m.samples) w.Sample(m.name, labels, v);
  }
  return w.Take();
}

}  // namespace botmon
