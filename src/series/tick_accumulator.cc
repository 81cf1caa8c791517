#include "series/tick_accumulator.h"

namespace botmon {

void TrafficAcc::Merge(const TrafficAcc& o) {
  requests += o.requests;
  req_latency_sum += o.req_latency_sum;
  req_latency_n += o.req_latency_n;
  if (!o.req_latency.empty()) req_latency.Merge(o.req_latency);
  events_in += o.events_in;
  events_out += o.events_out;
  resp_latency_sum += o.resp_latency_sum;
  resp_latency_n += o.resp_latency_n;
  if (!o.resp_latency.empty()) resp_latency.Merge(o.resp_latency);
  warnings += o.warnings;
  errors += o.errors;
  criticals += o.criticals;
  sessions_started += o.sessions_started;
  sessions_ended += o.sessions_ended;
  llm_calls += o.llm_calls;
  tokens_in += o.tokens_in;
  tokens_out += o.tokens_out;
  llm_latency_sum += o.llm_latency_sum;
  llm_latency_n += o.llm_latency_n;
  ttft_sum += o.ttft_sum;
  ttft_n += o.ttft_n;
  llm_cost += o.llm_cost;
  if (!o.llm_latency.empty()) llm_latency.Merge(o.llm_latency);
  fallbacks += o.fallbacks;
  handoffs += o.handoffs;
  feedback_positive += o.feedback_positive;
  feedback_negative += o.feedback_negative;
  queue_sum += o.queue_sum;
  queue_n += o.queue_n;
  for (const auto& [name, c] : o.custom) {
    auto& mine = custom[name];
    mine.sum += c.sum;
    mine.n += c.n;
  }
}

TrafficAcc& TickAccumulator::Batch::At(const Combo& c, int64_t now_ms) {
  acc_->last_event_[c] = now_ms;
  return acc_->combos_[c];
}

TrafficAcc& TickAccumulator::Batch::At(std::string_view host, std::string_view bot,
                                       std::string_view channel, int64_t now_ms) {
  if (cached_ != nullptr && cached_now_ == now_ms && cached_key_->host == host &&
      cached_key_->bot == bot && cached_key_->channel == channel) {
    return *cached_;
  }
  Combo c{std::string(host), std::string(bot), std::string(channel)};
  acc_->last_event_[c] = now_ms;
  auto it = acc_->combos_.try_emplace(std::move(c)).first;
  cached_key_ = &it->first;
  cached_ = &it->second;
  cached_now_ = now_ms;
  return *cached_;
}

void TickAccumulator::Batch::SessionOpened(const Combo& c) {
  acc_->combos_[c].sessions_started += 1;
  acc_->active_[c] += 1;
  acc_->active_total_ += 1;
}

void TickAccumulator::Batch::SessionRestored(const Combo& c, int64_t now_ms) {
  acc_->active_[c] += 1;
  acc_->active_total_ += 1;
  acc_->last_event_[c] = now_ms;
}

void TickAccumulator::Batch::SessionClosed(const Combo& c) {
  acc_->combos_[c].sessions_ended += 1;
  auto it = acc_->active_.find(c);
  if (it != acc_->active_.end() && it->second > 0) {
    it->second -= 1;
    acc_->active_total_ -= 1;
  }
}

void TickAccumulator::Batch::CustomCounterSeen(const Combo& c, const std::string& name,
                                               int64_t now_ms) {
  acc_->custom_last_[c][name] = now_ms;
}

ClosedTick TickAccumulator::Close(int64_t t_ms, int64_t forget_before_ms) {
  ClosedTick out;
  out.t_ms = t_ms;
  std::lock_guard lock(mu_);
  out.combos.swap(combos_);
  out.through_seq = through_seq_;
  // Forget what has been quiet for long enough (SPEC 1.1: 24 h), then copy the lasting state.
  for (auto it = last_event_.begin(); it != last_event_.end();) {
    auto act = active_.find(it->first);
    bool has_active = act != active_.end() && act->second > 0;
    if (it->second < forget_before_ms && !has_active) {
      custom_last_.erase(it->first);
      if (act != active_.end()) active_.erase(act);
      it = last_event_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [combo, names] : custom_last_) {
    for (auto n = names.begin(); n != names.end();) {
      n = n->second < forget_before_ms ? names.erase(n) : std::next(n);
    }
  }
  out.active = active_;
  out.last_event = last_event_;
  out.custom_last = custom_last_;
  return out;
}

int64_t TickAccumulator::ActiveTotal() const {
  std::lock_guard lock(mu_);
  return active_total_;
}

}  // namespace botmon
