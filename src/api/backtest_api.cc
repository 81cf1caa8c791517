#include "api/backtest_api.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "alert/backtest.h"
#include "alert/rule_parse.h"
#include "alert/stored_ticks.h"
#include "alerting/alert_engine.h"
#include "api/query.h"
#include "core/duration.h"
#include "core/time_util.h"

namespace botmon {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultPeriodMs = 24 * 3'600'000LL;
constexpr int64_t kSliceMs = 3'600'000;  // the store is read one hour at a time

std::atomic<bool> g_running{false};

// Holds the one-at-a-time slot for the life of a request.
class RunSlot {
 public:
  RunSlot() : held_(!g_running.exchange(true)) {}
  ~RunSlot() {
    if (held_) g_running = false;
  }
  RunSlot(const RunSlot&) = delete;
  RunSlot& operator=(const RunSlot&) = delete;
  bool held() const { return held_; }

 private:
  bool held_;
};

Response NoAlerting() { return Response::Error(503, "unavailable", "alerting is not running"); }

// The `period` parameter: its text as given (echoed in the reply) and its length.
struct Period {
  std::string text;
  int64_t ms = 0;
};

StatusOr<Period> ParsePeriod(const Request& req, int64_t raw_ms) {
  Period p{req.Query("period").value_or("24h"), 0};
  ASSIGN_OR_RETURN(p.ms, QueryDuration(req, "period", kDefaultPeriodMs));
  if (p.ms <= 0) return Status::InvalidArgument("period: must be longer than 0s");
  if (p.ms > raw_ms) {
    return Status::InvalidArgument("period: " + p.text + " is longer than retention.raw (" +
                                   FormatDuration(raw_ms) +
                                   "): older samples are not kept; use a shorter period");
  }
  return p;
}

Response Run(ApiContext* ctx, Rule rule, const Period& period) {
  RunSlot slot;
  if (!slot.held()) {
    return Response::Error(429, "rate_limited",
                           "another backtest is running; retry when it has finished")
        .With("Retry-After", "1");
  }
  const auto rc = ctx->config->Get();
  const int64_t tick = std::max<int64_t>(rc->config().tick_ms, 1);
  const int64_t alert_tick = ctx->alerts->settings()->tick_ms;
  const int64_t to = ctx->clock->NowMs() / tick * tick;  // the last closed tick
  const int64_t from = to - period.ms;
  const int64_t window = rule.WindowMs(alert_tick);
  StoredTicksQuery q;
  q.fields = {rule.field};
  q.heartbeat = true;
  Backtester bt({rule}, alert_tick, ctx->catalog, /*transitions=*/false);
  size_t read = 0;
  // (from - window, from] primes the window, (from, to] is evaluated: what the live evaluator's
  // rings held at each of those ticks.
  for (int64_t a = from - window + 1; a <= to;) {
    const int64_t b = std::min(to, (a / kSliceMs + 1) * kSliceMs - 1);
    q.from_ms = a;
    q.to_ms = b;
    q.max_samples = read < kMaxBacktestSamples ? kMaxBacktestSamples - read : 1;
    auto ticks = ReadStoredTicks(*ctx->series, q, nullptr);
    if (!ticks.ok()) {
      if (ticks.status().code() == StatusCode::kResourceExhausted) {
        return Response::Error(400, "invalid_request",
                               "period: " + period.text + " needs more than " +
                                   std::to_string(kMaxBacktestSamples) + " stored samples of " +
                                   rule.field + "; use a shorter period");
      }
      return InternalError(ticks.status());
    }
    for (const auto& t : *ticks) {
      read += t.values.size() + 1;
      if (t.t_ms <= from) {
        bt.Warm(t);
      } else {
        bt.Step(t);
      }
    }
    a = b + 1;
  }
  BacktestResult res = bt.Finish();
  json incidents = json::array();
  for (const auto& inc : res.incidents) {
    json i = {
        {"ruleName", inc.rule}, {"group", inc.group}, {"startTime", FormatRfc3339Ms(inc.start_ms)}};
    if (inc.end_ms) i["endTime"] = FormatRfc3339Ms(*inc.end_ms);
    i["triggerValue"] = std::isfinite(inc.trigger_value) ? inc.trigger_value : 0.0;
    incidents.push_back(std::move(i));
  }
  json out = {{"period", period.text},     {"from", FormatRfc3339Ms(from)},
              {"to", FormatRfc3339Ms(to)}, {"evaluations", res.evaluations},
              {"groups", res.groups},      {"incidents", std::move(incidents)}};
  return Response::Json(200, out.dump());
}

}  // namespace

Response HandleRuleBacktest(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  auto period = ParsePeriod(req, ctx->config->Get()->config().retention.raw_ms);
  if (!period.ok()) return BadRequest(period.status());
  const std::string& name = req.params.at(0);
  const auto settings = ctx->alerts->settings();
  for (const Rule& r : settings->rules) {
    if (r.name == name) return Run(ctx, r, *period);
  }
  return Response::Error(404, "not_found", "no rule named \"" + name + "\"");
}

Response HandleUnsavedRuleBacktest(ApiContext* ctx, Request& req) {
  if (!ctx->alerts) return NoAlerting();
  const int64_t raw_ms = ctx->config->Get()->config().retention.raw_ms;
  auto period = ParsePeriod(req, raw_ms);
  if (!period.ok()) return BadRequest(period.status());
  json body;
  if (auto err = ReadJsonObject(req, &body, "a rule, A.9")) return *err;
  RuleParseOptions opts;
  opts.max_timeframe_ms = raw_ms;
  opts.ignore_output_keys = true;
  RuleParseResult parsed = ParseRule(body, RuleSource::kApi, "", 0, opts);
  if (!parsed.ok()) {
    std::string name;
    if (body.contains("name") && body["name"].is_string()) name = body["name"].get<std::string>();
    return Response::Error(400, "invalid_rule", InvalidRuleMessage(name, parsed.errors.size()),
                           "\"fields\":" + FieldErrorsToJson(parsed.errors).dump());
  }
  return Run(ctx, std::move(parsed.rule), *period);
}

}  // namespace botmon
