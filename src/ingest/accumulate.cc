#include "ingest/accumulate.h"

namespace botmon {

void AccumulateEvent(const LoggedEvent& le, TickAccumulator::Batch* acc, int64_t now_ms,
                     bool count_session_start) {
  const BotEvent& e = le.event;
  TrafficAcc& a = acc->At(e.host, e.bot, e.channel, now_ms);
  if (count_session_start && le.opened_session) a.sessions_started += 1;
  switch (e.type) {
    case EventType::kRequest:
      a.requests += 1;
      if (e.latency_ms >= 0) {
        a.req_latency_sum += e.latency_ms;
        a.req_latency_n += 1;
        a.req_latency.Add(e.latency_ms);
      }
      break;
    case EventType::kMessageIn:
      a.events_in += 1;
      break;
    case EventType::kMessageOut:
      a.events_out += 1;
      if (e.latency_ms >= 0) {
        a.resp_latency_sum += e.latency_ms;
        a.resp_latency_n += 1;
        a.resp_latency.Add(e.latency_ms);
      }
      break;
    case EventType::kLog:
      if (e.level == LogLevel::kWarning) {
        a.warnings += 1;
      } else if (e.level == LogLevel::kError) {
        a.errors += 1;
      } else {
        a.criticals += 1;
      }
      break;
    case EventType::kLlm:
      a.llm_calls += 1;
      a.tokens_in += e.tokens_in;
      a.tokens_out += e.tokens_out;
      a.llm_cost += e.cost_usd;
      if (e.latency_ms >= 0) {
        a.llm_latency_sum += e.latency_ms;
        a.llm_latency_n += 1;
        a.llm_latency.Add(e.latency_ms);
      }
      if (e.ttft_ms >= 0) {
        a.ttft_sum += e.ttft_ms;
        a.ttft_n += 1;
      }
      break;
    case EventType::kFallback:
      a.fallbacks += 1;
      break;
    case EventType::kHandoff:
      a.handoffs += 1;
      break;
    case EventType::kFeedback:
      (e.score > 0 ? a.feedback_positive : a.feedback_negative) += 1;
      break;
    case EventType::kGauge:
      if (e.name == "queue.depth") {
        a.queue_sum += e.value;
        a.queue_n += 1;
      } else {
        auto& c = a.custom[e.name];
        c.sum += e.value;
        c.n += 1;
      }
      break;
    case EventType::kCounter: {
      auto& c = a.custom[e.name];
      c.sum += e.value;
      c.n += 1;
      acc->CustomCounterSeen(Combo{e.host, e.bot, e.channel}, e.name, now_ms);
      break;
    }
    case EventType::kSessionStart:
    case EventType::kSessionEnd:
      break;
  }
}

}  // namespace botmon
